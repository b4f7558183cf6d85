package sentinel

import (
	"context"
	"net/http"
	"time"
)

// IncidentRef identifies the incident a hunting bookmark is attached to.
type IncidentRef struct {
	IncidentID   string   `json:"incidentId,omitzero"`
	Severity     Severity `json:"severity,omitzero"`
	Title        string   `json:"title,omitzero"`
	RelationName string   `json:"relationName,omitzero"`
}

// HuntingBookmark is a hunting bookmark as an incident shows it: an item of
// ListIncidentBookmarks, and the entity kind "Bookmark". Like every entity it keeps its raw
// JSON (Raw) and reports properties that did not fit their field in DecodeError.
type HuntingBookmark struct {
	EntityCommon
	DisplayName string `json:"displayName,omitzero"`
	// Query is the KQL query the bookmark was taken from; QueryResult is the bookmarked row
	// as JSON text.
	Query       string      `json:"query,omitzero"`
	QueryResult string      `json:"queryResult,omitzero"`
	Notes       string      `json:"notes,omitzero"`
	Labels      []string    `json:"labels,omitzero"`
	EventTime   time.Time   `json:"eventTime,omitzero"`
	Created     time.Time   `json:"created,omitzero"`
	CreatedBy   ClientInfo  `json:"createdBy,omitzero"`
	Updated     time.Time   `json:"updated,omitzero"`
	UpdatedBy   ClientInfo  `json:"updatedBy,omitzero"`
	Incident    IncidentRef `json:"incidentInfo,omitzero"`
}

// ListIncidentBookmarksOptions are the options of ListIncidentBookmarks; none yet.
type ListIncidentBookmarksOptions struct{}

// ListIncidentBookmarks returns the hunting bookmarks attached to an incident (POST
// .../incidents/{incidentId}/bookmarks, one response, not paged). Attach a bookmark with
// CreateRelation and its resource ID. A bookmark whose properties do not all fit is kept
// with the fields that do; see Entity.DecodeError.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/bookmarks
func (c *Client) ListIncidentBookmarks(ctx context.Context, incidentID string, _ *ListIncidentBookmarksOptions) ([]*HuntingBookmark, error) {
	if err := checkID("incidentID", incidentID); err != nil {
		return nil, err
	}
	out := valueList[*HuntingBookmark]{alloc: func() *HuntingBookmark { return new(HuntingBookmark) }}
	err := c.call(ctx, &request{op: "Client.ListIncidentBookmarks", method: http.MethodPost, path: c.path("incidents", incidentID, "bookmarks")}, &out)
	return out.items, err
}
