package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// ClientInfo identifies the user or application that wrote a comment or a task.
type ClientInfo struct {
	Email             string         `json:"email,omitzero"`
	Name              string         `json:"name,omitzero"`
	ObjectID          string         `json:"objectId,omitzero"`
	UserPrincipalName string         `json:"userPrincipalName,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// IsZero reports whether no field is set.
func (c ClientInfo) IsZero() bool {
	return c.Email == "" && c.Name == "" && c.ObjectID == "" && c.UserPrincipalName == "" && len(c.Unknown) == 0
}

// IncidentComment is a comment on an incident. Its fields read flat (m.Message, m.Etag); on
// the wire IncidentCommentProperties sit under "properties". Members this SDK does not model
// are kept at every level.
type IncidentComment struct {
	Resource
	IncidentCommentProperties `json:"properties"`
	Unknown                   jsontext.Value `json:",embed"`
}

// IncidentCommentProperties are a comment's "properties". Fields marked read-only are set by
// the service.
type IncidentCommentProperties struct {
	// Message is the comment's text; the service accepts HTML and Markdown.
	Message string `json:"message"`
	// Author is the user or application that added the comment (read-only).
	Author ClientInfo `json:"author,omitzero"`
	// CreatedTime and LastModifiedTime are set by the service (read-only).
	CreatedTime      time.Time      `json:"createdTimeUtc,omitzero"`
	LastModifiedTime time.Time      `json:"lastModifiedTimeUtc,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

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
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return errPager[IncidentComment](err)
	}
	o := optionsOf(opts)
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
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentComment{}, err
	}
	if err := c.resourceName("commentID", &commentID, "incidents", incidentID, "comments"); err != nil {
		return IncidentComment{}, err
	}
	var out IncidentComment
	err := c.call(ctx, &request{op: "Client.GetComment", method: http.MethodGet, path: c.path("incidents", incidentID, "comments", commentID)}, &out)
	return out, err
}

// CreateCommentOptions are the options of CreateComment.
type CreateCommentOptions struct {
	// ID is the new comment's ID; "" means a new random GUID. Give a stable ID (for example
	// one derived from a playbook run and step) to make a repeated CreateComment idempotent.
	ID string
}

// CreateComment adds a comment to an incident (PUT .../incidents/{incidentId}/comments/{id}:
// the client chooses the comment's ID). The ID is CreateCommentOptions.ID or a new GUID
// generated once per call, so a request that is retried after its response was lost cannot
// add the comment twice. A comment that already has the ID is overwritten with message: the
// service keeps the last write of a PUT without an etag, so a repeated CreateComment with a
// stable ID leaves one comment. An empty or blank message is rejected before anything is
// sent.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/comments/{incidentCommentId}
func (c *Client) CreateComment(ctx context.Context, incidentID, message string, opts *CreateCommentOptions) (IncidentComment, error) {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentComment{}, err
	}
	if strings.TrimSpace(message) == "" {
		return IncidentComment{}, argError("message", "must not be empty")
	}
	id := optionsOf(opts).ID
	if id == "" {
		id = newGUID()
	}
	if err := checkID("CreateCommentOptions.ID", id); err != nil {
		return IncidentComment{}, err
	}
	return createOnce(fmt.Sprintf("comment %s of incident %s", id, incidentID),
		func() (IncidentComment, error) {
			body := IncidentComment{IncidentCommentProperties: IncidentCommentProperties{Message: message}}
			var out IncidentComment
			err := c.call(ctx, &request{op: "Client.CreateComment", method: http.MethodPut, path: c.path("incidents", incidentID, "comments", id), body: &body, ok: okPut}, &out)
			return out, err
		},
		func() (IncidentComment, error) { return c.GetComment(ctx, incidentID, id, nil) },
		func(existing IncidentComment) bool { return existing.Message == message })
}

// DeleteCommentOptions are the options of DeleteComment; none yet.
type DeleteCommentOptions struct{}

// DeleteComment deletes a comment (DELETE .../incidents/{incidentId}/comments/{commentId}).
// Deleting a comment that does not exist succeeds (the service answers 204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/comments/{incidentCommentId}
func (c *Client) DeleteComment(ctx context.Context, incidentID, commentID string, _ *DeleteCommentOptions) error {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return err
	}
	if err := c.resourceName("commentID", &commentID, "incidents", incidentID, "comments"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteComment", method: http.MethodDelete, path: c.path("incidents", incidentID, "comments", commentID), ok: okDelete}, nil)
}
