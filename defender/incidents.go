package defender

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// Incident is a Microsoft Defender incident (microsoft.graph.security.incident): the unified
// incident of Defender XDR and, for workspaces onboarded to the Defender portal, of Microsoft
// Sentinel. Members the service sends that this SDK does not model are kept, at every level
// (the Unknown fields).
//
// sentinel.MarshalJSON and sentinel.UnmarshalJSON convert it to and from the wire form.
type Incident struct {
	// ID is the Defender incident ID, a numeric string such as "2972395"; it is the
	// providerIncidentId of the Sentinel incident that mirrors it.
	ID          string `json:"id,omitzero"`
	DisplayName string `json:"displayName,omitzero"`
	// Description is rich text.
	Description string `json:"description,omitzero"`
	// Summary is the attack overview.
	Summary        string         `json:"summary,omitzero"`
	Status         IncidentStatus `json:"status,omitzero"`
	Severity       Severity       `json:"severity,omitzero"`
	Classification Classification `json:"classification,omitzero"`
	Determination  Determination  `json:"determination,omitzero"`
	// AssignedTo is the owner as free text, usually a UPN; "" when unassigned.
	AssignedTo string `json:"assignedTo,omitzero"`
	// CustomTags are the users' tags; SystemTags the service's, such as "Defender Experts".
	CustomTags []string  `json:"customTags,omitzero"`
	SystemTags []string  `json:"systemTags,omitzero"`
	Comments   []Comment `json:"comments,omitzero"`
	// ResolvingComment explains the resolution or classification.
	ResolvingComment   string    `json:"resolvingComment,omitzero"`
	CreatedDateTime    time.Time `json:"createdDateTime,omitzero"`
	LastUpdateDateTime time.Time `json:"lastUpdateDateTime,omitzero"`
	LastModifiedBy     string    `json:"lastModifiedBy,omitzero"`
	// RedirectIncidentID is set when the incident was merged into another; Status is then
	// IncidentStatusRedirected.
	RedirectIncidentID string `json:"redirectIncidentId,omitzero"`
	// IncidentWebURL links to the incident in the Defender portal.
	IncidentWebURL string `json:"incidentWebUrl,omitzero"`
	TenantID       string `json:"tenantId,omitzero"`
	// Alerts are the incident's alerts, sent only when the list or read asked for them
	// (ListIncidentsOptions.ExpandAlerts, GetIncidentOptions.ExpandAlerts).
	Alerts []Alert `json:"alerts,omitzero"`
	// Unknown holds the members this SDK does not model, "@odata.type" among them.
	Unknown jsontext.Value `json:",embed"`
}

// Comment is a comment on an incident or alert (microsoft.graph.security.alertComment).
// Comments cannot be edited or deleted through Graph.
type Comment struct {
	Comment              string    `json:"comment"`
	CreatedByDisplayName string    `json:"createdByDisplayName,omitzero"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	// CreatedBy and CreatedTime are the older spelling some responses use for the same
	// facts; Author and Created return whichever is set.
	CreatedBy   string         `json:"createdBy,omitzero"`
	CreatedTime time.Time      `json:"createdTime,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// Author returns who wrote the comment, from either spelling.
func (c Comment) Author() string {
	if c.CreatedByDisplayName != "" {
		return c.CreatedByDisplayName
	}
	return c.CreatedBy
}

// Created returns when the comment was written, from either spelling.
func (c Comment) Created() time.Time {
	if !c.CreatedDateTime.IsZero() {
		return c.CreatedDateTime
	}
	return c.CreatedTime
}

// ListIncidentsOptions are the options of ListIncidents. The zero value lists every incident
// of the tenant's retention window, newest first, in the service's page size.
type ListIncidentsOptions struct {
	// Filter is an OData $filter, for example IncidentFilter{}.SeverityIn(SeverityHigh).String().
	Filter string
	// ExpandAlerts asks for each incident's alerts with their evidence ($expand=alerts).
	ExpandAlerts bool
	// Top is the page size ($top). 0 sends none: the service's own page size, which is the
	// largest it serves (Graph documents no maximum for incidents, so the SDK does not guess
	// one; a $top the service refuses is a *sentinel.ResponseError matching ErrBadRequest).
	Top int
	// Skip skips that many incidents ($skip).
	Skip int
}

// query returns the OData parameters of a list.
func listQuery(filter string, expandAlerts bool, top, skip int) []rest.Param {
	var q []rest.Param
	if filter != "" {
		q = append(q, rest.Param{Key: "$filter", Value: filter})
	}
	if expandAlerts {
		q = append(q, rest.Param{Key: "$expand", Value: "alerts"})
	}
	if top > 0 {
		q = append(q, rest.Param{Key: "$top", Value: strconv.Itoa(top)})
	}
	if skip > 0 {
		q = append(q, rest.Param{Key: "$skip", Value: strconv.Itoa(skip)})
	}
	return q
}

// ListIncidents returns a pager over the tenant's incidents, newest first (GET
// /security/incidents with $filter, $expand, $top and $skip), following @odata.nextLink.
// Invalid options are reported by the first NextPage.
//
//meta:operation GET /security/incidents
func (c *Client) ListIncidents(opts *ListIncidentsOptions) *sentinel.Pager[Incident] {
	var o ListIncidentsOptions
	if opts != nil {
		o = *opts
	}
	if o.Top < 0 {
		return rest.ErrPager[Incident](errs.ArgError("ListIncidentsOptions.Top", "must not be negative, got %d", o.Top))
	}
	if o.Skip < 0 {
		return rest.ErrPager[Incident](errs.ArgError("ListIncidentsOptions.Skip", "must not be negative, got %d", o.Skip))
	}
	return rest.NewPager[Incident](c.t, c.request("Client.ListIncidents", http.MethodGet, listQuery(o.Filter, o.ExpandAlerts, o.Top, o.Skip), nil, "incidents"))
}

// GetIncidentOptions are the options of GetIncident.
type GetIncidentOptions struct {
	// ExpandAlerts asks for the incident's alerts with their evidence ($expand=alerts).
	ExpandAlerts bool
}

// GetIncident returns one incident (GET /security/incidents/{id}). A missing incident is a
// *sentinel.ResponseError that matches sentinel.ErrNotFound.
//
//meta:operation GET /security/incidents/{incidentId}
func (c *Client) GetIncident(ctx context.Context, id string, opts *GetIncidentOptions) (Incident, error) {
	if err := rest.CheckID("id", id); err != nil {
		return Incident{}, err
	}
	var q []rest.Param
	if opts != nil && opts.ExpandAlerts {
		q = listQuery("", true, 0, 0)
	}
	var out Incident
	err := c.t.Call(ctx, c.request("Client.GetIncident", http.MethodGet, q, nil, "incidents", id), &out)
	return out, err
}

// IncidentUpdate is a partial change of an incident: the fields that are not nil are sent,
// the others are left as they are. CustomTags replaces the whole list; sentinel.Ptr builds
// the pointers: IncidentUpdate{Status: sentinel.Ptr(defender.IncidentStatusResolved)}.
type IncidentUpdate struct {
	Status         *IncidentStatus `json:"status,omitzero"`
	AssignedTo     *string         `json:"assignedTo,omitzero"`
	Classification *Classification `json:"classification,omitzero"`
	Determination  *Determination  `json:"determination,omitzero"`
	CustomTags     *[]string       `json:"customTags,omitzero"`
	Description    *string         `json:"description,omitzero"`
	// ResolvingComment explains the resolution. The resource has it; Graph's update page does
	// not list it as writable.
	ResolvingComment *string `json:"resolvingComment,omitzero"`
}

// UpdateIncidentOptions are the options of UpdateIncident; none yet.
type UpdateIncidentOptions struct{}

// UpdateIncident changes the fields of u that are set, with one real partial PATCH
// (PATCH /security/incidents/{id} with only those members) and returns the incident as the
// service answered. There is no etag in Graph: the last writer wins for each member sent,
// and members not sent are never touched. An update that sets nothing is an
// *sentinel.ArgumentError. The status values Redirected and AwaitingAction are set by the
// service only; the SDK sends what it is given.
//
//meta:operation PATCH /security/incidents/{incidentId}
func (c *Client) UpdateIncident(ctx context.Context, id string, u IncidentUpdate, _ *UpdateIncidentOptions) (Incident, error) {
	if err := rest.CheckID("id", id); err != nil {
		return Incident{}, err
	}
	if u == (IncidentUpdate{}) {
		return Incident{}, errs.ArgError("u", "sets no field; set at least one of Status, AssignedTo, Classification, Determination, CustomTags, Description, ResolvingComment")
	}
	var out Incident
	err := c.t.Call(ctx, c.request("Client.UpdateIncident", http.MethodPatch, nil, &u, "incidents", id), &out)
	return out, err
}

// commentBody is the body of a comment creation.
type commentBody struct {
	ODataType string `json:"@odata.type"`
	Comment   string `json:"comment"`
}

// CreateIncidentCommentOptions are the options of CreateIncidentComment; none yet.
type CreateIncidentCommentOptions struct{}

// CreateIncidentComment adds a comment to an incident (POST /security/incidents/{id}/comments)
// and returns what the service returns: every comment of the incident, the new one last.
// Comments cannot be edited or deleted, and a POST that the service received but whose
// answer was lost (retried on a 5xx) may add the comment twice.
//
//meta:operation POST /security/incidents/{incidentId}/comments
func (c *Client) CreateIncidentComment(ctx context.Context, id, comment string, _ *CreateIncidentCommentOptions) ([]Comment, error) {
	if err := rest.CheckID("id", id); err != nil {
		return nil, err
	}
	return c.createComment(ctx, "Client.CreateIncidentComment", comment, "incidents", id)
}

func (c *Client) createComment(ctx context.Context, op, comment string, segments ...string) ([]Comment, error) {
	if comment == "" {
		return nil, errs.ArgError("comment", "must not be empty")
	}
	var out struct {
		Value   *[]Comment     `json:"value"`
		Unknown jsontext.Value `json:",embed"`
	}
	body := commentBody{ODataType: "microsoft.graph.security.alertComment", Comment: comment}
	r := c.request(op, http.MethodPost, nil, &body, append(segments, "comments")...)
	if err := c.t.Call(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.Value == nil {
		return nil, &errs.DecodeError{Method: r.Method, URL: errs.CleanURL(r.URL), StatusCode: http.StatusOK, Err: errNoValue}
	}
	return *out.Value, nil
}
