package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// ClientInfo identifies the user or application that wrote a comment or a task.
type ClientInfo struct {
	Email             string `json:"email,omitzero"`
	Name              string `json:"name,omitzero"`
	ObjectID          string `json:"objectId,omitzero"`
	UserPrincipalName string `json:"userPrincipalName,omitzero"`
}

// IsZero reports whether no field is set.
func (c ClientInfo) IsZero() bool { return c == ClientInfo{} }

// IncidentComment is a comment on an incident. Fields marked read-only are set by the
// service. Its JSON form (json.Marshal, json.Unmarshal) is the service's wire form, with the
// properties this SDK does not model kept.
type IncidentComment struct {
	// ID is the ARM resource ID (read-only).
	ID string
	// Name is the comment's ID within the incident, chosen by the client that added it.
	Name string
	// Etag identifies the comment's version.
	Etag string

	// Message is the comment's text; the service accepts HTML and Markdown.
	Message string
	// Author is the user or application that added the comment (read-only).
	Author ClientInfo
	// CreatedTime and LastModifiedTime are set by the service (read-only).
	CreatedTime      time.Time
	LastModifiedTime time.Time

	unknown incidentUnknown
}

type commentProps struct {
	Message             string         `json:"message"`
	Author              ClientInfo     `json:"author,omitzero"`
	CreatedTimeUtc      time.Time      `json:"createdTimeUtc,omitzero"`
	LastModifiedTimeUtc time.Time      `json:"lastModifiedTimeUtc,omitzero"`
	Unknown             jsontext.Value `json:",embed"`
}

// UnknownProperties returns the comment's properties this SDK does not model, by name, as
// raw JSON.
func (m *IncidentComment) UnknownProperties() map[string][]byte {
	return unknownMembers(m.unknown.props)
}

func (m *IncidentComment) wire() resourceWire[commentProps] {
	return resourceWire[commentProps]{
		ID: m.ID, Name: m.Name, Type: m.unknown.typ, Etag: m.Etag, Unknown: m.unknown.top,
		Properties: commentProps{
			Message: m.Message, Author: m.Author, CreatedTimeUtc: m.CreatedTime,
			LastModifiedTimeUtc: m.LastModifiedTime, Unknown: m.unknown.props,
		},
	}
}

// UnmarshalJSONFrom decodes the service's wire form.
func (m *IncidentComment) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var w resourceWire[commentProps]
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	p := &w.Properties
	*m = IncidentComment{
		ID: w.ID, Name: w.Name, Etag: w.Etag,
		Message: p.Message, Author: p.Author, CreatedTime: p.CreatedTimeUtc, LastModifiedTime: p.LastModifiedTimeUtc,
		unknown: incidentUnknown{top: w.Unknown, props: p.Unknown, typ: w.Type},
	}
	return nil
}

// MarshalJSONTo encodes the service's wire form.
func (m IncidentComment) MarshalJSONTo(enc *jsontext.Encoder) error {
	w := m.wire()
	return json.MarshalEncode(enc, &w)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (m *IncidentComment) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, m, decodeOptions) }

// MarshalJSON encodes the service's wire form, for encoding/json.
func (m IncidentComment) MarshalJSON() ([]byte, error) { return json.Marshal(m, encodeOptions) }

// ListCommentsOptions are the options of ListComments. The zero value lists every comment in
// the service's default order and page size.
type ListCommentsOptions struct {
	// Filter is an OData $filter on the comment's properties, for example
	// "properties/createdTimeUtc gt 2026-05-01T00:00:00Z".
	Filter string
	// OrderBy is an OData $orderby; OrderByCreatedAsc, OrderByCreatedDesc, OrderByModifiedAsc
	// and OrderByModifiedDesc apply to comments too.
	OrderBy string
	// Top is the page size; 0 means the service's default.
	Top int
	// SkipToken starts the listing at a $skipToken from an earlier listing.
	SkipToken string
}

// ListComments returns a pager over an incident's comments
// (GET .../incidents/{incidentId}/comments with $filter, $orderby, $top and $skipToken).
// Invalid arguments are reported by the first NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/comments
func (c *Client) ListComments(incidentID string, opts *ListCommentsOptions) *Pager[IncidentComment] {
	if err := checkID("incidentID", incidentID); err != nil {
		return errPager[IncidentComment](err)
	}
	var o ListCommentsOptions
	if opts != nil {
		o = *opts
	}
	if o.Top < 0 {
		return errPager[IncidentComment](argError("ListCommentsOptions.Top", "must not be negative, got %d", o.Top))
	}
	r := &request{op: "Client.ListComments", method: http.MethodGet, path: c.path("incidents", incidentID, "comments")}
	r.query = odata(o.Filter, o.OrderBy, o.Top, o.SkipToken)
	return newPager[IncidentComment](c, r)
}

// GetCommentOptions are the options of GetComment; none yet.
type GetCommentOptions struct{}

// GetComment returns one comment of an incident
// (GET .../incidents/{incidentId}/comments/{commentId}). A missing comment is a
// *ResponseError that matches ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/comments/{incidentCommentId}
func (c *Client) GetComment(ctx context.Context, incidentID, commentID string, _ *GetCommentOptions) (IncidentComment, error) {
	if err := checkID("incidentID", incidentID); err != nil {
		return IncidentComment{}, err
	}
	if err := checkID("commentID", commentID); err != nil {
		return IncidentComment{}, err
	}
	var out IncidentComment
	err := c.call(ctx, &request{op: "Client.GetComment", method: http.MethodGet, path: c.path("incidents", incidentID, "comments", commentID)}, &out)
	return out, err
}

// AddCommentOptions are the options of AddComment.
type AddCommentOptions struct {
	// ID is the new comment's ID; "" means a new random GUID. Give a stable ID (for example
	// one derived from a playbook run and step) to make a repeated AddComment idempotent.
	ID string
}

// AddComment adds a comment to an incident (PUT .../incidents/{incidentId}/comments/{id}:
// the client chooses the comment's ID). The ID is AddCommentOptions.ID or a new GUID
// generated once per call, so a request that is retried after its response was lost cannot
// add the comment twice. A comment that already has the ID is overwritten with message: the
// service keeps the last write of a PUT without an etag, so a repeated AddComment with a
// stable ID leaves one comment. An empty or blank message is rejected before anything is
// sent.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/comments/{incidentCommentId}
func (c *Client) AddComment(ctx context.Context, incidentID, message string, opts *AddCommentOptions) (IncidentComment, error) {
	if err := checkID("incidentID", incidentID); err != nil {
		return IncidentComment{}, err
	}
	if strings.TrimSpace(message) == "" {
		return IncidentComment{}, argError("message", "must not be empty")
	}
	id := ""
	if opts != nil {
		id = opts.ID
	}
	if id == "" {
		id = newGUID()
	}
	if err := checkID("AddCommentOptions.ID", id); err != nil {
		return IncidentComment{}, err
	}
	body := resourceWire[commentProps]{Properties: commentProps{Message: message}}
	var out IncidentComment
	err := c.call(ctx, &request{op: "Client.AddComment", method: http.MethodPut, path: c.path("incidents", incidentID, "comments", id), body: &body, ok: okPut}, &out)
	if err != nil && isConflict(err) {
		// The comment exists: an earlier attempt of this call (or of the same playbook step)
		// created it, or the ID is taken.
		existing, gerr := c.GetComment(ctx, incidentID, id, nil)
		if gerr == nil && existing.Message == message {
			return existing, nil
		}
		return IncidentComment{}, fmt.Errorf("sentinel: comment %s of incident %s already exists with another message: %w", id, incidentID, err)
	}
	return out, err
}

// DeleteCommentOptions are the options of DeleteComment; none yet.
type DeleteCommentOptions struct{}

// DeleteComment deletes a comment (DELETE .../incidents/{incidentId}/comments/{commentId}).
// Deleting a comment that does not exist succeeds (the service answers 204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/comments/{incidentCommentId}
func (c *Client) DeleteComment(ctx context.Context, incidentID, commentID string, _ *DeleteCommentOptions) error {
	if err := checkID("incidentID", incidentID); err != nil {
		return err
	}
	if err := checkID("commentID", commentID); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteComment", method: http.MethodDelete, path: c.path("incidents", incidentID, "comments", commentID), ok: okDelete}, nil)
}
