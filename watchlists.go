package sentinel

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// WatchlistSource is where a watchlist's content came from. The values contain a space. The
// set is open: the service accepts other values (an application's own name, for example),
// and any value is sent as it is.
type WatchlistSource string

// Watchlist sources of the stable API.
const (
	WatchlistSourceLocalFile     WatchlistSource = "Local file"
	WatchlistSourceRemoteStorage WatchlistSource = "Remote storage"
)

// WatchlistUploadStatus is the state of a watchlist's bulk upload from RawContent. Values the
// service adds later are kept.
type WatchlistUploadStatus string

// Watchlist upload statuses.
const (
	WatchlistUploadNew        WatchlistUploadStatus = "New"
	WatchlistUploadInProgress WatchlistUploadStatus = "InProgress"
	WatchlistUploadComplete   WatchlistUploadStatus = "Complete"
)

// ContentTypeCSV is the only content type of Watchlist.RawContent the service documents.
const ContentTypeCSV = "text/csv"

// maxWatchlistUpload is the size limit of a watchlist uploaded from a local file.
const maxWatchlistUpload = 3_800_000

// ErrWatchlistUploadInProgress matches the error of DeleteWatchlist for a watchlist whose
// upload from RawContent has not finished; the service refuses to delete it until then.
var ErrWatchlistUploadInProgress = errors.New("sentinel: watchlist upload in progress")

// Watchlist is a named table of reference data (VIP users, known IPs, ...) that KQL reads
// with _GetWatchlist('alias'). Its path key is its alias (Name). Its fields read flat
// (w.DisplayName, w.Etag); on the wire WatchlistProperties sit under "properties". Members
// this SDK does not model are kept at every level and sent back by CreateOrUpdateWatchlist.
type Watchlist struct {
	Resource
	WatchlistProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// WatchlistProperties are a watchlist's "properties". Fields marked read-only are set by the
// service.
type WatchlistProperties struct {
	DisplayName string `json:"displayName"`
	// Provider names who provides the content, e.g. "Microsoft" or a team's name.
	Provider string          `json:"provider"`
	Source   WatchlistSource `json:"source"`
	// ItemsSearchKey is the column that identifies items, used to join in KQL. With
	// RawContent it must be one of the CSV header's columns.
	ItemsSearchKey string   `json:"itemsSearchKey"`
	Alias          string   `json:"watchlistAlias,omitzero"`
	Description    string   `json:"description,omitzero"`
	Labels         []string `json:"labels,omitzero"`
	// DefaultDuration is how long items stay valid by default.
	DefaultDuration time.Duration `json:"defaultDuration,omitzero"`
	// RawContent is CSV text to create the items from in bulk, with ContentType
	// ContentTypeCSV (the default when RawContent is set); the first NumberOfLinesToSkip lines
	// are skipped before the header line. It is write-only: the service does not return it.
	RawContent          string `json:"rawContent,omitzero"`
	ContentType         string `json:"contentType,omitzero"`
	NumberOfLinesToSkip int    `json:"numberOfLinesToSkip,omitzero"`
	// UploadStatus is the state of the upload from RawContent (read-only).
	UploadStatus  WatchlistUploadStatus `json:"uploadStatus,omitzero"`
	WatchlistID   string                `json:"watchlistId,omitzero"` // read-only GUID
	WatchlistType string                `json:"watchlistType,omitzero"`
	TenantID      string                `json:"tenantId,omitzero"`
	IsDeleted     bool                  `json:"isDeleted,omitzero"`
	Created       time.Time             `json:"created,omitzero"`   // read-only
	Updated       time.Time             `json:"updated,omitzero"`   // read-only
	CreatedBy     UserInfo              `json:"createdBy,omitzero"` // read-only
	UpdatedBy     UserInfo              `json:"updatedBy,omitzero"` // read-only
	// Unknown holds the properties this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// WatchlistItem is one row of a watchlist. Its fields read flat (item.Columns, item.Etag); on
// the wire WatchlistItemProperties sit under "properties". Members this SDK does not model
// are kept at every level.
type WatchlistItem struct {
	Resource
	WatchlistItemProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// WatchlistItemProperties are a watchlist item's "properties".
type WatchlistItemProperties struct {
	// Columns are the item's values by column name (itemsKeyValue on the wire). Values from
	// CSV are strings; JSON numbers decode as float64.
	Columns map[string]any `json:"itemsKeyValue"`
	// EntityMapping maps columns to entities, as the service derives it.
	EntityMapping     map[string]any `json:"entityMapping,omitzero"`
	WatchlistItemID   string         `json:"watchlistItemId,omitzero"`
	WatchlistItemType string         `json:"watchlistItemType,omitzero"`
	TenantID          string         `json:"tenantId,omitzero"`
	IsDeleted         bool           `json:"isDeleted,omitzero"`
	Created           time.Time      `json:"created,omitzero"`   // read-only
	Updated           time.Time      `json:"updated,omitzero"`   // read-only
	CreatedBy         UserInfo       `json:"createdBy,omitzero"` // read-only
	UpdatedBy         UserInfo       `json:"updatedBy,omitzero"` // read-only
	// Unknown holds the properties this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// ListWatchlistsOptions are the options of ListWatchlists.
type ListWatchlistsOptions struct {
	// SkipToken starts the listing at a $skipToken from an earlier listing.
	SkipToken string
}

// ListWatchlists returns a pager over the workspace's watchlists, without their items
// (GET .../watchlists with $skipToken).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists
func (c *Client) ListWatchlists(opts *ListWatchlistsOptions) *Pager[Watchlist] {
	o := optionsOf(opts)
	r := &request{op: "Client.ListWatchlists", method: http.MethodGet, path: c.path("watchlists"), query: odata("", "", 0, o.SkipToken)}
	return newPager[Watchlist](c, r)
}

// GetWatchlistOptions are the options of GetWatchlist; none yet.
type GetWatchlistOptions struct{}

// GetWatchlist returns one watchlist by alias (GET .../watchlists/{alias}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}
func (c *Client) GetWatchlist(ctx context.Context, alias string, _ *GetWatchlistOptions) (Watchlist, error) {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return Watchlist{}, err
	}
	var out Watchlist
	err := c.call(ctx, &request{op: "Client.GetWatchlist", method: http.MethodGet, path: c.path("watchlists", alias)}, &out)
	return out, err
}

// CreateOrUpdateWatchlistOptions are the options of CreateOrUpdateWatchlist; none yet.
type CreateOrUpdateWatchlistOptions struct{}

// CreateOrUpdateWatchlist creates or changes the watchlist alias (PUT .../watchlists/{alias})
// and returns it as stored. DisplayName, Provider, Source and ItemsSearchKey are required;
// Source may be any value, not only the WatchlistSource constants. With RawContent the
// service creates the items from the CSV text in bulk (ContentType "" means ContentTypeCSV,
// the only one it takes, and the text may be at most 3.8 MB); ItemsSearchKey must then name a
// column of its header. These are checked before sending. To update, send the watchlist as
// read, with its Etag (members this SDK does not model go back unchanged): a stale etag is a
// *ResponseError matching ErrConflict.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}
func (c *Client) CreateOrUpdateWatchlist(ctx context.Context, alias string, w Watchlist, _ *CreateOrUpdateWatchlistOptions) (Watchlist, error) {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return Watchlist{}, err
	}
	if w.RawContent != "" && w.ContentType == "" {
		w.ContentType = ContentTypeCSV
	}
	if err := w.validate(alias); err != nil {
		return Watchlist{}, err
	}
	clearReadOnly(&w.Resource)
	var out Watchlist
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateWatchlist", method: http.MethodPut, path: c.path("watchlists", alias), body: &w, ok: okPut}, &out)
	return out, err
}

func (w *Watchlist) validate(alias string) error {
	switch {
	case strings.TrimSpace(w.DisplayName) == "":
		return argError("Watchlist.DisplayName", "is required")
	case strings.TrimSpace(w.Provider) == "":
		return argError("Watchlist.Provider", "is required")
	case strings.TrimSpace(w.ItemsSearchKey) == "":
		return argError("Watchlist.ItemsSearchKey", "is required")
	case w.Alias != "" && !strings.EqualFold(w.Alias, alias):
		return argError("Watchlist.Alias", "%q differs from the alias %q the watchlist is written to", w.Alias, alias)
	case w.NumberOfLinesToSkip < 0:
		return argError("Watchlist.NumberOfLinesToSkip", "must not be negative")
	case w.DefaultDuration < 0:
		return argError("Watchlist.DefaultDuration", "must not be negative")
	case strings.TrimSpace(string(w.Source)) == "":
		return argError("Watchlist.Source", "is required")
	}
	if w.RawContent == "" {
		return nil
	}
	if w.ContentType != ContentTypeCSV {
		return argError("Watchlist.ContentType", "%q is not supported; RawContent must be %s", w.ContentType, ContentTypeCSV)
	}
	if len(w.RawContent) > maxWatchlistUpload {
		return argError("Watchlist.RawContent", "is %d bytes; a watchlist upload is limited to %d", len(w.RawContent), maxWatchlistUpload)
	}
	header, err := csvHeader(w.RawContent, w.NumberOfLinesToSkip)
	if err != nil {
		return argError("Watchlist.RawContent", "%v", err)
	}
	for _, col := range header {
		if strings.EqualFold(strings.TrimSpace(col), strings.TrimSpace(w.ItemsSearchKey)) {
			return nil
		}
	}
	return argError("Watchlist.ItemsSearchKey", "%q is not a column of RawContent (columns: %s)", w.ItemsSearchKey, strings.Join(header, ", "))
}

// csvHeader returns the header of CSV text after skipping lines.
func csvHeader(text string, skip int) ([]string, error) {
	rest := text
	for range skip {
		_, after, ok := strings.Cut(rest, "\n")
		if !ok {
			return nil, fmt.Errorf("has no header line after skipping %d lines", skip)
		}
		rest = after
	}
	r := csv.NewReader(strings.NewReader(rest))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, errors.New("has no header line")
	}
	if err != nil {
		return nil, fmt.Errorf("is not valid CSV: %v", err)
	}
	return header, nil
}

// DeleteWatchlistOptions are the options of DeleteWatchlist; none yet.
type DeleteWatchlistOptions struct{}

// DeleteWatchlist deletes a watchlist and its items (DELETE .../watchlists/{alias}). Deleting
// one that does not exist succeeds. The service refuses to delete a watchlist whose upload is
// still in progress: the error then says so and matches ErrWatchlistUploadInProgress as well
// as the service's *ResponseError (DeleteWatchlist reads the watchlist once to tell).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}
func (c *Client) DeleteWatchlist(ctx context.Context, alias string, _ *DeleteWatchlistOptions) error {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return err
	}
	err := c.call(ctx, &request{op: "Client.DeleteWatchlist", method: http.MethodDelete, path: c.path("watchlists", alias), ok: okDelete}, nil)
	var re *ResponseError
	if errors.As(err, &re) && (re.StatusCode == http.StatusBadRequest || re.StatusCode == http.StatusConflict) {
		if w, gerr := c.GetWatchlist(ctx, alias, nil); gerr == nil && w.UploadStatus == WatchlistUploadInProgress {
			return fmt.Errorf("sentinel: watchlist %q cannot be deleted while its upload is in progress (uploadStatus %s); retry once GetWatchlist reports %s: %w: %w",
				alias, w.UploadStatus, WatchlistUploadComplete, ErrWatchlistUploadInProgress, err)
		}
	}
	return err
}

// ListWatchlistItemsOptions are the options of ListWatchlistItems.
type ListWatchlistItemsOptions struct {
	// SkipToken starts the listing at a $skipToken from an earlier listing.
	SkipToken string
}

// ListWatchlistItems returns a pager over a watchlist's items
// (GET .../watchlists/{alias}/watchlistItems with $skipToken). An invalid alias is reported
// by the first NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}/watchlistItems
func (c *Client) ListWatchlistItems(alias string, opts *ListWatchlistItemsOptions) *Pager[WatchlistItem] {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return errPager[WatchlistItem](err)
	}
	o := optionsOf(opts)
	r := &request{op: "Client.ListWatchlistItems", method: http.MethodGet, path: c.path("watchlists", alias, "watchlistItems"), query: odata("", "", 0, o.SkipToken)}
	return newPager[WatchlistItem](c, r)
}

// GetWatchlistItemOptions are the options of GetWatchlistItem; none yet.
type GetWatchlistItemOptions struct{}

// GetWatchlistItem returns one item of a watchlist
// (GET .../watchlists/{alias}/watchlistItems/{itemID}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}/watchlistItems/{watchlistItemId}
func (c *Client) GetWatchlistItem(ctx context.Context, alias, itemID string, _ *GetWatchlistItemOptions) (WatchlistItem, error) {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return WatchlistItem{}, err
	}
	if err := c.resourceName("itemID", &itemID, "watchlists", alias, "watchlistItems"); err != nil {
		return WatchlistItem{}, err
	}
	var out WatchlistItem
	err := c.call(ctx, &request{op: "Client.GetWatchlistItem", method: http.MethodGet, path: c.path("watchlists", alias, "watchlistItems", itemID)}, &out)
	return out, err
}

// CreateOrUpdateWatchlistItemOptions are the options of CreateOrUpdateWatchlistItem; none yet.
type CreateOrUpdateWatchlistItemOptions struct{}

// CreateOrUpdateWatchlistItem creates or changes one item
// (PUT .../watchlists/{alias}/watchlistItems/{itemID}). itemID is a GUID the caller chooses
// (NewID makes one); Columns must not be empty. To update, send the item as read, with its
// Etag (members this SDK does not model go back unchanged): a stale etag is a
// *ResponseError matching ErrConflict.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}/watchlistItems/{watchlistItemId}
func (c *Client) CreateOrUpdateWatchlistItem(ctx context.Context, alias, itemID string, item WatchlistItem, _ *CreateOrUpdateWatchlistItemOptions) (WatchlistItem, error) {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return WatchlistItem{}, err
	}
	if err := c.resourceName("itemID", &itemID, "watchlists", alias, "watchlistItems"); err != nil {
		return WatchlistItem{}, err
	}
	if !guidRE.MatchString(itemID) {
		return WatchlistItem{}, argError("itemID", "%q is not a GUID", itemID)
	}
	if len(item.Columns) == 0 {
		return WatchlistItem{}, argError("WatchlistItem.Columns", "an item needs at least one column")
	}
	clearReadOnly(&item.Resource)
	var out WatchlistItem
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateWatchlistItem", method: http.MethodPut, path: c.path("watchlists", alias, "watchlistItems", itemID), body: &item, ok: okPut}, &out)
	return out, err
}

// DeleteWatchlistItemOptions are the options of DeleteWatchlistItem; none yet.
type DeleteWatchlistItemOptions struct{}

// DeleteWatchlistItem deletes one item (DELETE .../watchlists/{alias}/watchlistItems/{itemID}).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/watchlists/{watchlistAlias}/watchlistItems/{watchlistItemId}
func (c *Client) DeleteWatchlistItem(ctx context.Context, alias, itemID string, _ *DeleteWatchlistItemOptions) error {
	if err := c.resourceName("alias", &alias, "watchlists"); err != nil {
		return err
	}
	if err := c.resourceName("itemID", &itemID, "watchlists", alias, "watchlistItems"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteWatchlistItem", method: http.MethodDelete, path: c.path("watchlists", alias, "watchlistItems", itemID), ok: okDelete}, nil)
}
