package sentinel

import (
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// IncidentRef identifies the incident a hunting bookmark is attached to.
type IncidentRef struct {
	IncidentID   string         `json:"incidentId,omitzero"`
	Severity     Severity       `json:"severity,omitzero"`
	Title        string         `json:"title,omitzero"`
	RelationName string         `json:"relationName,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// IsZero reports whether no field is set.
func (r IncidentRef) IsZero() bool {
	return r.IncidentID == "" && r.Severity == "" && r.Title == "" && r.RelationName == "" && len(r.Unknown) == 0
}

// BookmarkEntity is a hunting bookmark as an incident shows it: an item of
// ListIncidentBookmarks, and the entity kind "Bookmark". Its fields read flat
// (b.DisplayName, b.ID); on the wire BookmarkEntityProperties sit under "properties". Like
// every entity it reports members that did not fit their field in DecodeError.
type BookmarkEntity struct {
	Resource
	BookmarkEntityProperties `json:"properties"`
	Unknown                  jsontext.Value `json:",embed"`
}

// BookmarkEntityProperties are a hunting bookmark's "properties".
type BookmarkEntityProperties struct {
	EntityCommonProperties
	DisplayName string `json:"displayName,omitzero"`
	// Query is the KQL query the bookmark was taken from; QueryResult is the bookmarked row
	// as JSON text.
	Query       string         `json:"query,omitzero"`
	QueryResult string         `json:"queryResult,omitzero"`
	Notes       string         `json:"notes,omitzero"`
	Labels      []string       `json:"labels,omitzero"`
	EventTime   time.Time      `json:"eventTime,omitzero"`
	Created     time.Time      `json:"created,omitzero"`
	CreatedBy   ClientInfo     `json:"createdBy,omitzero"`
	Updated     time.Time      `json:"updated,omitzero"`
	UpdatedBy   ClientInfo     `json:"updatedBy,omitzero"`
	Incident    IncidentRef    `json:"incidentInfo,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// ListIncidentBookmarksOptions are the options of ListIncidentBookmarks; none yet.
type ListIncidentBookmarksOptions struct{}

// ListIncidentBookmarks returns the hunting bookmarks attached to an incident (POST
// .../incidents/{incidentId}/bookmarks, one response, not paged), decoded from the response
// as it arrives. Attach a bookmark with CreateRelation and its resource ID. A bookmark whose
// members do not all fit is kept with the fields that do, and so is an item that is not a
// bookmark; see Entity.DecodeError.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/bookmarks
func (c *Client) ListIncidentBookmarks(incidentID string, _ *ListIncidentBookmarksOptions) *Pager[BookmarkEntity] {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return errPager[BookmarkEntity](err)
	}
	p := newPager[BookmarkEntity](c, &request{op: "Client.ListIncidentBookmarks", method: http.MethodPost, path: c.path("incidents", incidentID, "bookmarks")})
	rest.SetDecode(p, decodeEntityValue[BookmarkEntity])
	return p
}
