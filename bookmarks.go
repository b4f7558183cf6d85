package sentinel

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// BookmarkIncidentInfo is the incident a bookmark is attached to.
type BookmarkIncidentInfo struct {
	IncidentID   string   `json:"incidentId,omitzero"`
	Severity     Severity `json:"severity,omitzero"`
	Title        string   `json:"title,omitzero"`
	RelationName string   `json:"relationName,omitzero"`
	// Unknown holds the members this SDK does not model; they are sent back unchanged.
	Unknown jsontext.Value `json:",embed"`
}

// IsZero reports whether the bookmark is attached to no incident.
func (i BookmarkIncidentInfo) IsZero() bool {
	return i.IncidentID == "" && i.Severity == "" && i.Title == "" && i.RelationName == "" && len(i.Unknown) == 0
}

// Bookmark is a hunting bookmark of the workspace: a saved query result worth keeping, with
// notes and labels. Its fields read flat (b.DisplayName, b.Etag); on the wire
// BookmarkProperties sit under "properties". Members this SDK does not model are kept at
// every level and sent back by CreateOrUpdateBookmark. Its Name is the bookmark ID, chosen by
// the caller (a GUID; see NewID).
type Bookmark struct {
	Resource
	BookmarkProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// BookmarkProperties are a bookmark's "properties". Fields marked read-only are set by the
// service.
type BookmarkProperties struct {
	DisplayName string `json:"displayName"`
	// Query is the KQL query and QueryResult the part of its result worth keeping, as text
	// (often the JSON of the rows).
	Query          string    `json:"query"`
	QueryResult    string    `json:"queryResult,omitzero"`
	QueryStartTime time.Time `json:"queryStartTime,omitzero"`
	QueryEndTime   time.Time `json:"queryEndTime,omitzero"`
	EventTime      time.Time `json:"eventTime,omitzero"`
	Notes          string    `json:"notes,omitzero"`
	Labels         []string  `json:"labels,omitzero"`
	// IncidentInfo is the incident the bookmark is attached to (set by the service when a
	// relation attaches it).
	IncidentInfo BookmarkIncidentInfo `json:"incidentInfo,omitzero"`
	Created      time.Time            `json:"created,omitzero"` // read-only
	CreatedBy    UserInfo             `json:"createdBy,omitzero"`
	Updated      time.Time            `json:"updated,omitzero"`   // read-only
	UpdatedBy    UserInfo             `json:"updatedBy,omitzero"` // read-only
	// Unknown holds the properties this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

func (b *Bookmark) validate() error {
	switch {
	case strings.TrimSpace(b.DisplayName) == "":
		return argError("Bookmark.DisplayName", "is required")
	case strings.TrimSpace(b.Query) == "":
		return argError("Bookmark.Query", "is required")
	}
	// The schema declares the object ID a GUID (format uuid).
	if b.CreatedBy.ObjectID != "" && !guidRE.MatchString(b.CreatedBy.ObjectID) {
		return argError("Bookmark.CreatedBy.ObjectID", "%q is not a GUID", b.CreatedBy.ObjectID)
	}
	return nil
}

// ListBookmarksOptions are the options of ListBookmarks; none yet (the API has no filter).
type ListBookmarksOptions struct{}

// ListBookmarks returns a pager over the workspace's hunting bookmarks (GET .../bookmarks).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/bookmarks
func (c *Client) ListBookmarks(_ *ListBookmarksOptions) *Pager[Bookmark] {
	return newPager[Bookmark](c, &request{op: "Client.ListBookmarks", method: http.MethodGet, path: c.path("bookmarks")})
}

// GetBookmarkOptions are the options of GetBookmark; none yet.
type GetBookmarkOptions struct{}

// GetBookmark returns one bookmark (GET .../bookmarks/{bookmarkID}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/bookmarks/{bookmarkId}
func (c *Client) GetBookmark(ctx context.Context, bookmarkID string, _ *GetBookmarkOptions) (Bookmark, error) {
	if err := c.resourceName("bookmarkID", &bookmarkID, "bookmarks"); err != nil {
		return Bookmark{}, err
	}
	var out Bookmark
	err := c.call(ctx, &request{op: "Client.GetBookmark", method: http.MethodGet, path: c.path("bookmarks", bookmarkID)}, &out)
	return out, err
}

// CreateOrUpdateBookmarkOptions are the options of CreateOrUpdateBookmark; none yet.
type CreateOrUpdateBookmarkOptions struct{}

// CreateOrUpdateBookmark creates or changes a bookmark (PUT .../bookmarks/{bookmarkID}) and
// returns it as stored. DisplayName and Query are required. A new bookmark takes a new ID
// (NewID); to update, send the bookmark as read, with its Etag (members this SDK does not
// model go back unchanged): a stale etag is a *ResponseError matching ErrConflict.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/bookmarks/{bookmarkId}
func (c *Client) CreateOrUpdateBookmark(ctx context.Context, bookmarkID string, b Bookmark, _ *CreateOrUpdateBookmarkOptions) (Bookmark, error) {
	if err := c.resourceName("bookmarkID", &bookmarkID, "bookmarks"); err != nil {
		return Bookmark{}, err
	}
	if err := b.validate(); err != nil {
		return Bookmark{}, err
	}
	clearReadOnly(&b.Resource)
	var out Bookmark
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateBookmark", method: http.MethodPut, path: c.path("bookmarks", bookmarkID), body: &b, ok: okPut}, &out)
	return out, err
}

// DeleteBookmarkOptions are the options of DeleteBookmark; none yet.
type DeleteBookmarkOptions struct{}

// DeleteBookmark deletes a bookmark (DELETE .../bookmarks/{bookmarkID}).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/bookmarks/{bookmarkId}
func (c *Client) DeleteBookmark(ctx context.Context, bookmarkID string, _ *DeleteBookmarkOptions) error {
	if err := c.resourceName("bookmarkID", &bookmarkID, "bookmarks"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteBookmark", method: http.MethodDelete, path: c.path("bookmarks", bookmarkID), ok: okDelete}, nil)
}
