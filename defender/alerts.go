package defender

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/rest"
)

var errNoValue = errors.New(`the response has no "value" member`)

// Alert is a Microsoft Defender alert (microsoft.graph.security.alert, the alerts_v2
// collection). Evidence holds its evidence, each of its own kind (see Evidence). Members the
// service sends that this SDK does not model are kept, at every level.
type Alert struct {
	ID              string `json:"id,omitzero"`
	ProviderAlertID string `json:"providerAlertId,omitzero"`
	// IncidentID is the Defender incident the alert belongs to.
	IncidentID     string         `json:"incidentId,omitzero"`
	Title          string         `json:"title,omitzero"`
	Description    string         `json:"description,omitzero"`
	Status         AlertStatus    `json:"status,omitzero"`
	Severity       Severity       `json:"severity,omitzero"`
	Classification Classification `json:"classification,omitzero"`
	Determination  Determination  `json:"determination,omitzero"`
	// ServiceSource is the product that raised the alert, DetectionSource the technology
	// that detected it, DetectorID the detector (an analytics rule's ID for Sentinel alerts).
	ServiceSource      ServiceSource   `json:"serviceSource,omitzero"`
	DetectionSource    DetectionSource `json:"detectionSource,omitzero"`
	DetectorID         string          `json:"detectorId,omitzero"`
	ProductName        string          `json:"productName,omitzero"`
	Category           string          `json:"category,omitzero"`
	MitreTechniques    []string        `json:"mitreTechniques,omitzero"`
	RecommendedActions string          `json:"recommendedActions,omitzero"`
	AssignedTo         string          `json:"assignedTo,omitzero"`
	AlertWebURL        string          `json:"alertWebUrl,omitzero"`
	IncidentWebURL     string          `json:"incidentWebUrl,omitzero"`
	AlertPolicyID      string          `json:"alertPolicyId,omitzero"`
	ActorDisplayName   string          `json:"actorDisplayName,omitzero"`
	ThreatDisplayName  string          `json:"threatDisplayName,omitzero"`
	ThreatFamilyName   string          `json:"threatFamilyName,omitzero"`
	TenantID           string          `json:"tenantId,omitzero"`

	CreatedDateTime       time.Time `json:"createdDateTime,omitzero"`
	LastUpdateDateTime    time.Time `json:"lastUpdateDateTime,omitzero"`
	ResolvedDateTime      time.Time `json:"resolvedDateTime,omitzero"`
	FirstActivityDateTime time.Time `json:"firstActivityDateTime,omitzero"`
	LastActivityDateTime  time.Time `json:"lastActivityDateTime,omitzero"`

	Comments []Comment `json:"comments,omitzero"`
	// Evidence are the entities the alert reports, each decoded into the struct of its
	// "@odata.type" (*UserEvidence, *DeviceEvidence, ...) or kept whole as an
	// *UnknownEvidence.
	Evidence   []Evidence `json:"evidence,omitzero"`
	SystemTags []string   `json:"systemTags,omitzero"`
	// AdditionalData are the alert's custom details and dynamic content, a JSON object
	// (a Graph dictionary); sentinel.UnknownMembers splits it by name.
	AdditionalData jsontext.Value `json:"additionalData,omitzero"`
	// Unknown holds the members this SDK does not model, "@odata.type" among them.
	Unknown jsontext.Value `json:",embed"`
}

// ListAlertsOptions are the options of ListAlerts. The zero value lists every alert, in the
// service's page size.
type ListAlertsOptions struct {
	// Filter is an OData $filter, for example AlertFilter{}.StatusIn(AlertStatusNew).String().
	Filter string
	// Top is the page size ($top); 0 sends none (the service's page size).
	Top int
	// Skip skips that many alerts ($skip).
	Skip int
}

// ListAlerts returns a pager over the tenant's alerts (GET /security/alerts_v2 with $filter,
// $top and $skip), following @odata.nextLink. Invalid options are reported by the first
// NextPage.
//
//meta:operation GET /security/alerts_v2
func (c *Client) ListAlerts(opts *ListAlertsOptions) *sentinel.Pager[Alert] {
	var o ListAlertsOptions
	if opts != nil {
		o = *opts
	}
	if o.Top < 0 {
		return rest.ErrPager[Alert](errs.ArgError("ListAlertsOptions.Top", "must not be negative, got %d", o.Top))
	}
	if o.Skip < 0 {
		return rest.ErrPager[Alert](errs.ArgError("ListAlertsOptions.Skip", "must not be negative, got %d", o.Skip))
	}
	return rest.NewPager[Alert](c.t, c.request("Client.ListAlerts", http.MethodGet, listQuery(o.Filter, false, o.Top, o.Skip), nil, "alerts_v2"))
}

// GetAlertOptions are the options of GetAlert; none yet.
type GetAlertOptions struct{}

// GetAlert returns one alert with its evidence (GET /security/alerts_v2/{id}). A missing
// alert is a *sentinel.ResponseError that matches sentinel.ErrNotFound.
//
//meta:operation GET /security/alerts_v2/{alertId}
func (c *Client) GetAlert(ctx context.Context, id string, _ *GetAlertOptions) (Alert, error) {
	if err := rest.CheckID("id", id); err != nil {
		return Alert{}, err
	}
	var out Alert
	err := c.t.Call(ctx, c.request("Client.GetAlert", http.MethodGet, nil, nil, "alerts_v2", id), &out)
	return out, err
}

// AlertUpdate is a partial change of an alert: the fields that are not nil are sent.
type AlertUpdate struct {
	Status         *AlertStatus    `json:"status,omitzero"`
	AssignedTo     *string         `json:"assignedTo,omitzero"`
	Classification *Classification `json:"classification,omitzero"`
	Determination  *Determination  `json:"determination,omitzero"`
}

// UpdateAlertOptions are the options of UpdateAlert; none yet.
type UpdateAlertOptions struct{}

// UpdateAlert changes the fields of u that are set, with one partial PATCH
// (PATCH /security/alerts_v2/{id} with only those members), and returns the alert as the
// service answered. An update that sets nothing is an *sentinel.ArgumentError.
//
//meta:operation PATCH /security/alerts_v2/{alertId}
func (c *Client) UpdateAlert(ctx context.Context, id string, u AlertUpdate, _ *UpdateAlertOptions) (Alert, error) {
	if err := rest.CheckID("id", id); err != nil {
		return Alert{}, err
	}
	if u == (AlertUpdate{}) {
		return Alert{}, errs.ArgError("u", "sets no field; set at least one of Status, AssignedTo, Classification, Determination")
	}
	var out Alert
	err := c.t.Call(ctx, c.request("Client.UpdateAlert", http.MethodPatch, nil, &u, "alerts_v2", id), &out)
	return out, err
}

// CreateAlertCommentOptions are the options of CreateAlertComment; none yet.
type CreateAlertCommentOptions struct{}

// CreateAlertComment adds a comment to an alert (POST /security/alerts_v2/{id}/comments) and
// returns every comment of the alert, the new one last, as the service does.
//
//meta:operation POST /security/alerts_v2/{alertId}/comments
func (c *Client) CreateAlertComment(ctx context.Context, id, comment string, _ *CreateAlertCommentOptions) ([]Comment, error) {
	if err := rest.CheckID("id", id); err != nil {
		return nil, err
	}
	return c.createComment(ctx, "Client.CreateAlertComment", comment, "alerts_v2", id)
}
