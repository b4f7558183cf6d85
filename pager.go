package sentinel

import (
	"github.com/sentinel-go/sentinel/internal/rest"
)

// Pager walks a paged list of T, one page per request. Create one with a List method of
// Client (or of defender.Client: both clients return this type); creating it sends no
// request. A Pager is not safe for concurrent use.
//
// A Pager follows each page's nextLink (Microsoft Graph: @odata.nextLink) verbatim: it never
// adds api-version, $filter or any other parameter to it. It refuses a nextLink on another
// scheme, host or port than the endpoint of the list's token audience with a
// *ForeignOriginError, so the bearer token never leaves for it (not even for the client's
// other audience's host), and it ends with an error when the service repeats a link it
// already followed. After any error the Pager is finished: More reports false and NextPage
// returns the same error. It keeps only the current page in memory; a page is at most 64 MiB
// and 50,000 items, and a page whose body the connection cut short is requested again (with
// the client's retry count), so a listing is complete or fails: it is never silently short.
//
// Its methods: More reports whether another page may be fetched; NextPage fetches it;
// All iterates over every remaining item (single-use); Collect gathers items up to a limit,
// returning those read before an error with it; NextLink and Resume save and continue a
// listing.
type Pager[T any] = rest.Pager[T]

// newPager returns a pager whose first page is first.
func newPager[T any](c *Client, first *request) *Pager[T] {
	return rest.NewPager[T](c.t, c.wire(first))
}

// errPager returns a pager that fails with err on its first NextPage; List methods use it for
// invalid options, so that the error surfaces where paging starts.
func errPager[T any](err error) *Pager[T] { return rest.ErrPager[T](err) }
