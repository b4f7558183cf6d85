package sentinel

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// IncidentRelation attaches another resource to an incident: typically a hunting bookmark
// (which then shows in ListIncidentBookmarks), or another incident. Its fields read flat; on
// the wire IncidentRelationProperties sit under "properties". Members this SDK does not model
// are kept at every level.
type IncidentRelation struct {
	Resource
	IncidentRelationProperties `json:"properties"`
	Unknown                    jsontext.Value `json:",embed"`
}

// IncidentRelationProperties are a relation's "properties".
type IncidentRelationProperties struct {
	// RelatedResourceID is the ARM resource ID of the related resource.
	RelatedResourceID string `json:"relatedResourceId"`
	// RelatedResourceName, RelatedResourceType (such as
	// "Microsoft.SecurityInsights/Bookmarks") and RelatedResourceKind are set by the service
	// (read-only).
	RelatedResourceName string         `json:"relatedResourceName,omitzero"`
	RelatedResourceType string         `json:"relatedResourceType,omitzero"`
	RelatedResourceKind string         `json:"relatedResourceKind,omitzero"`
	Unknown             jsontext.Value `json:",embed"`
}

// ListRelationsOptions are the options of ListRelations. The zero value lists every
// relation in the service's default order and page size.
type ListRelationsOptions struct {
	// Filter is an OData $filter, for example
	// "properties/relatedResourceType eq 'Microsoft.SecurityInsights/Bookmarks'".
	Filter string
	// OrderBy is an OData $orderby such as "properties/relatedResourceName asc".
	OrderBy string
	// Top is the page size; 0 means the service's default.
	Top int
	// SkipToken starts the listing at a $skipToken from an earlier listing.
	SkipToken string
}

// ListRelations returns a pager over an incident's relations
// (GET .../incidents/{incidentId}/relations with $filter, $orderby, $top and $skipToken).
// Invalid arguments are reported by the first NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/relations
func (c *Client) ListRelations(incidentID string, opts *ListRelationsOptions) *Pager[IncidentRelation] {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return errPager[IncidentRelation](err)
	}
	o := optionsOf(opts)
	if o.Top < 0 {
		return errPager[IncidentRelation](argError("ListRelationsOptions.Top", "must not be negative, got %d", o.Top))
	}
	r := &request{op: "Client.ListRelations", method: http.MethodGet, path: c.path("incidents", incidentID, "relations")}
	r.query = odata(o.Filter, o.OrderBy, o.Top, o.SkipToken)
	return newPager[IncidentRelation](c, r)
}

// GetRelationOptions are the options of GetRelation; none yet.
type GetRelationOptions struct{}

// GetRelation returns one relation of an incident
// (GET .../incidents/{incidentId}/relations/{relationName}). A missing relation is a
// *ResponseError that matches ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/relations/{relationName}
func (c *Client) GetRelation(ctx context.Context, incidentID, relationName string, _ *GetRelationOptions) (IncidentRelation, error) {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentRelation{}, err
	}
	if err := c.resourceName("relationName", &relationName, "incidents", incidentID, "relations"); err != nil {
		return IncidentRelation{}, err
	}
	var out IncidentRelation
	err := c.call(ctx, &request{op: "Client.GetRelation", method: http.MethodGet, path: c.path("incidents", incidentID, "relations", relationName)}, &out)
	return out, err
}

// CreateRelationOptions are the options of CreateRelation.
type CreateRelationOptions struct {
	// Name is the relation's name: 3 to 63 letters, digits or '-'. "" means a GUID derived
	// from the related resource ID, so that attaching the same resource twice yields the
	// same relation.
	Name string
}

// relationNameRE is the relation name pattern that newer api-versions enforce.
var relationNameRE = regexp.MustCompile(`^[a-zA-Z0-9-]{3,63}$`)

// CreateRelation attaches the resource relatedResourceID (an ARM resource ID, such as a
// hunting bookmark's) to an incident (PUT .../incidents/{incidentId}/relations/{name}). The
// name is CreateRelationOptions.Name or derived from relatedResourceID, so the call is
// idempotent. A relation that already has the name is overwritten (the service keeps the
// last write of a PUT without an etag): with a chosen name, it then points at
// relatedResourceID. Names must match ^[a-zA-Z0-9-]{3,63}$, which newer api-versions
// require.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/relations/{relationName}
func (c *Client) CreateRelation(ctx context.Context, incidentID, relatedResourceID string, opts *CreateRelationOptions) (IncidentRelation, error) {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentRelation{}, err
	}
	if err := checkResourceID("relatedResourceID", relatedResourceID); err != nil {
		return IncidentRelation{}, err
	}
	name := optionsOf(opts).Name
	if name == "" {
		name = relationNameFor(relatedResourceID)
	}
	if !relationNameRE.MatchString(name) {
		return IncidentRelation{}, argError("CreateRelationOptions.Name", "%q must be 3-63 letters, digits or '-'", name)
	}
	return createOnce(fmt.Sprintf("relation %s of incident %s", name, incidentID),
		func() (IncidentRelation, error) {
			body := IncidentRelation{IncidentRelationProperties: IncidentRelationProperties{RelatedResourceID: relatedResourceID}}
			var out IncidentRelation
			err := c.call(ctx, &request{op: "Client.CreateRelation", method: http.MethodPut, path: c.path("incidents", incidentID, "relations", name), body: &body, ok: okPut}, &out)
			return out, err
		},
		func() (IncidentRelation, error) { return c.GetRelation(ctx, incidentID, name, nil) },
		func(existing IncidentRelation) bool {
			return strings.EqualFold(existing.RelatedResourceID, relatedResourceID)
		})
}

// checkResourceID validates an ARM resource ID given as an argument.
func checkResourceID(name, id string) error {
	switch {
	case id == "":
		return argError(name, "must not be empty")
	case !strings.HasPrefix(strings.ToLower(id), "/subscriptions/") || !strings.Contains(strings.ToLower(id), "/providers/"):
		return argError(name, "%q is not an ARM resource ID such as /subscriptions/{id}/resourceGroups/{rg}/providers/...", id)
	case len(id) > 2048:
		return argError(name, "is %d bytes long; at most 2048 are allowed", len(id))
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r == '?' || r == '#' {
			return argError(name, "%q contains %q, which cannot be part of a resource ID", id, r)
		}
	}
	return nil
}

// relationNameFor derives a relation name (a GUID) from a related resource ID, the same for
// every spelling of the ID's case.
func relationNameFor(resourceID string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(resourceID)))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x80 // version 8: name-based, application-defined
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// DeleteRelationOptions are the options of DeleteRelation; none yet.
type DeleteRelationOptions struct{}

// DeleteRelation detaches a resource from an incident
// (DELETE .../incidents/{incidentId}/relations/{relationName}); the resource itself stays.
// Deleting a relation that does not exist succeeds (the service answers 204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/relations/{relationName}
func (c *Client) DeleteRelation(ctx context.Context, incidentID, relationName string, _ *DeleteRelationOptions) error {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return err
	}
	if err := c.resourceName("relationName", &relationName, "incidents", incidentID, "relations"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteRelation", method: http.MethodDelete, path: c.path("incidents", incidentID, "relations", relationName), ok: okDelete}, nil)
}
