package rest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/model"
)

// Pager walks a paged list of T, one page per request. Create one with a List method of a
// client (sentinel.Client, defender.Client); creating it sends no request. A Pager is not
// safe for concurrent use.
//
// A Pager follows each page's nextLink (Microsoft Graph: @odata.nextLink) verbatim: it never adds api-version, $filter or any
// other parameter to it. It refuses a nextLink on another scheme, host or port than the
// endpoint of the list's token audience with a *ForeignOriginError, so the bearer token never
// leaves for it (not even for the client's other audience's host), and
// it ends with an error when the service repeats a link it already followed. After any error
// the Pager is finished: More reports false and NextPage returns the same error. It keeps
// only the current page in memory; a page is at most 64 MiB and 50,000 items, and a page
// whose body the connection cut short is requested again (with the client's retry count),
// so a listing is complete or fails: it is never silently short.
type Pager[T any] struct {
	t      *Transport
	first  *Request                                   // the first page's request
	next   func(link string) (*Request, error)        // the request for a nextLink; nil means GET it verbatim
	decode func(dec *jsontext.Decoder, item *T) error // one item of "value"
	member string                                     // the items' member when not "value" (entities)
	link   string                                     // the nextLink to request next; "" before the first page
	seen   map[string]struct{}
	err    error
	done   bool
}

// NewPager returns a pager whose first page is first.
func NewPager[T any](t *Transport, first *Request) *Pager[T] {
	return &Pager[T]{t: t, first: first, decode: DecodeItem[T]}
}

// ErrPager returns a pager that fails with err on its first NextPage; List methods use it for
// invalid options, so that the error surfaces where paging starts.
func ErrPager[T any](err error) *Pager[T] {
	return &Pager[T]{err: err}
}

// SetNext makes p request each nextLink with next instead of a GET of the link verbatim (a
// list whose pages are POSTs).
func SetNext[T any](p *Pager[T], next func(link string) (*Request, error)) { p.next = next }

// SetDecode makes p decode each item of "value" with decode.
func SetDecode[T any](p *Pager[T], decode func(dec *jsontext.Decoder, item *T) error) {
	p.decode = decode
}

// SetMember makes p read the items from member instead of "value" (the entities of an
// incident come in "entities").
func SetMember[T any](p *Pager[T], member string) { p.member = member }

// DecodeItem decodes one item of a page with the model options.
func DecodeItem[T any](dec *jsontext.Decoder, item *T) error {
	return json.UnmarshalDecode(dec, item, model.Decode())
}

// More reports whether another page may be fetched: true until the last page was returned or
// an error occurred.
func (p *Pager[T]) More() bool { return !p.done }

// NextPage fetches and returns the next page. It returns the pager's error once the pager
// failed, and an error when called after the last page.
func (p *Pager[T]) NextPage(ctx context.Context) ([]T, error) {
	items, err := p.fetch(ctx, nil)
	if err != nil {
		return nil, err
	}
	return items, nil
}

// fetch gets the next page, appending its items to dst.
func (p *Pager[T]) fetch(ctx context.Context, dst []T) ([]T, error) {
	if p.err != nil {
		p.done = true
		return nil, p.err
	}
	if p.done {
		return nil, errors.New("sentinel: Pager.NextPage called after the last page")
	}
	if p.seen == nil {
		p.seen = make(map[string]struct{}, 4)
	}
	var r *Request
	if p.link == "" {
		r = p.first
		p.seen[r.URL] = struct{}{}
	} else {
		u, err := url.Parse(p.link)
		if err != nil {
			return nil, p.fail(fmt.Errorf("sentinel: invalid nextLink %q", errs.CleanURL(p.link)))
		}
		svc := p.first.Service
		if !u.IsAbs() { // a relative link is relative to the endpoint
			u = svc.Endpoint.ResolveReference(u)
			p.link = u.String()
		}
		if err := svc.Pipeline.Check(u); err != nil {
			return nil, p.fail(err)
		}
		if _, dup := p.seen[p.link]; dup {
			return nil, p.fail(fmt.Errorf("sentinel: the service returned nextLink %s again; stopping to avoid an endless listing", errs.CleanURL(p.link)))
		}
		p.seen[p.link] = struct{}{}
		if p.next != nil {
			if r, err = p.next(p.link); err != nil {
				return nil, p.fail(err)
			}
		} else {
			r = &Request{Op: p.first.Op, Method: http.MethodGet, URL: p.link, Service: p.first.Service}
		}
	}
	var items []T
	var next string
	err := p.t.Exchange(ctx, r, func(resp *http.Response) (err error) {
		items, next, err = DecodePage(resp, dst, p.member, p.decode, r.Service.NextLink)
		return err
	})
	if err != nil {
		return nil, p.fail(err)
	}
	p.link = next
	if next == "" {
		p.done = true
	}
	return items, nil
}

func (p *Pager[T]) fail(err error) error {
	p.err = err
	p.done = true
	return err
}

// NextLink returns the link the next NextPage will request: the last page's nextLink, or ""
// before the first page and after the last. Save it to continue a listing later with Resume.
func (p *Pager[T]) NextLink() string {
	if p.done {
		return ""
	}
	return p.link
}

// Resume makes the pager start at link, a value NextLink returned earlier, instead of the
// first page. Call it before the first NextPage. The link is checked like any nextLink: on
// another origin it is refused without a request.
func (p *Pager[T]) Resume(link string) *Pager[T] {
	if p.err == nil && p.seen == nil {
		if link == "" {
			p.err = errs.ArgError("link", "must not be empty")
		}
		p.link = link
	}
	return p
}

// All returns an iterator over every item of every remaining page. It yields (item, nil) for
// each item and, if fetching a page fails, one (zero, err) at the end. Breaking out of the
// loop stops fetching. The iterator is single-use: the pager advances as it runs.
//
//	for inc, err := range client.ListIncidents(nil).All(ctx) {
//		if err != nil { return err }
//		fmt.Println(inc.Number, inc.Title)
//	}
func (p *Pager[T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var buf []T
		for !p.done {
			items, err := p.fetch(ctx, buf[:0])
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for i := range items {
				if !yield(items[i], nil) {
					return
				}
			}
			clear(items) // drop references the next page would otherwise keep alive
			buf = items
		}
	}
}

// Collect fetches pages until the end or until it has limit items (limit <= 0 means no
// limit) and returns the items. On error it returns the items read so far with the error.
func (p *Pager[T]) Collect(ctx context.Context, limit int) ([]T, error) {
	var all []T
	for !p.done {
		items, err := p.fetch(ctx, all)
		if err != nil {
			return all, err
		}
		all = items
		if limit > 0 && len(all) >= limit {
			return all[:limit], nil
		}
	}
	return all, nil
}

// maxPageItems bounds the items of one page, so that a body of tiny items cannot make the
// pager allocate far more than the body's size: services send at most 1000.
const maxPageItems = 50_000

// DecodePage stream-decodes a {"value": [...], "nextLink": "..."} page (Microsoft Graph:
// "@odata.nextLink", the member nextMember; the items in member when it is not ""),
// appending the items to dst. A body without the items' member, or an error object, is an
// error, never an empty page.
func DecodePage[T any](resp *http.Response, dst []T, member string, decode func(*jsontext.Decoder, *T) error, nextMember string) ([]T, string, error) {
	items := `"value"`
	if member != "" {
		items = `"` + member + `"`
	}
	var next string
	sawValue := false
	start := len(dst)
	fail := func(err error) ([]T, string, error) {
		return nil, "", errs.NewDecodeError(resp, err)
	}
	quotedNext := string(jsontext.Value(`"` + nextMember + `"`))
	br := bufio.NewReader(resp.Body)
	if err := expectObject(resp, br); err != nil {
		return fail(err)
	}
	dec := jsontext.NewDecoder(br, model.Decode())
	if _, err := dec.ReadToken(); err != nil {
		return fail(err)
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return fail(err)
		}
		switch string(name) {
		case quotedNext:
			if dec.PeekKind() == 'n' {
				_, err = dec.ReadToken()
			} else {
				var tok jsontext.Token
				tok, err = dec.ReadToken()
				if err == nil && tok.Kind() != '"' {
					err = fmt.Errorf("%s is not a string", nextMember)
				}
				next = tok.String()
			}
			if err != nil {
				return fail(err)
			}
		case items:
			sawValue = true
			if dec.PeekKind() == 'n' {
				if _, err := dec.ReadToken(); err != nil {
					return fail(err)
				}
				continue
			}
			if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
				return fail(fmt.Errorf("value is not an array: %v", err))
			}
			for dec.PeekKind() != ']' {
				if dec.PeekKind() == 0 {
					_, err := dec.ReadToken()
					return fail(err)
				}
				if len(dst)-start >= maxPageItems {
					return fail(fmt.Errorf("the page has more than %d items", maxPageItems))
				}
				var item T
				dst = append(dst, item)
				if err := decode(dec, &dst[len(dst)-1]); err != nil {
					return fail(fmt.Errorf("item %d: %w", len(dst)-1, err))
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return fail(err)
			}
		case `"error"`:
			if dec.PeekKind() == '{' {
				return nil, "", errs.ErrorFromObject(dec, resp)
			}
			if err := dec.SkipValue(); err != nil {
				return fail(err)
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return fail(err)
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil { // '}' or a truncation error
		return fail(err)
	}
	if err := expectEnd(dec); err != nil {
		return fail(err)
	}
	if !sawValue {
		return fail(fmt.Errorf("the page has no %s member", items))
	}
	return dst, next, nil
}
