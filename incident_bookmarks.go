package sentinel

import "time"

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
