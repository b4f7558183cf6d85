package defender

import (
	"context"
	"fmt"
	"strings"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/errs"
)

// ProviderName is the providerName of a Sentinel incident that mirrors a Defender incident
// (Defender XDR connector or Defender-portal onboarding); its providerIncidentId is the
// Defender incident's ID, the Graph incident's id.
const ProviderName = "Microsoft XDR"

// LinkedIncidentID returns the Graph incident ID of a Sentinel incident that mirrors a
// Defender incident: its ProviderIncidentID, when its ProviderName is "Microsoft XDR"
// (compared without regard to case). ok is false for an incident of another provider
// (natively created incidents are "Azure Sentinel") or without a provider incident ID.
func LinkedIncidentID(inc sentinel.Incident) (id string, ok bool) {
	if !strings.EqualFold(inc.ProviderName, ProviderName) || inc.ProviderIncidentID == "" {
		return "", false
	}
	return inc.ProviderIncidentID, true
}

// GetLinkedIncidentOptions are the options of GetLinkedIncident.
type GetLinkedIncidentOptions struct {
	// ExpandAlerts asks for the incident's alerts with their evidence.
	ExpandAlerts bool
}

// GetLinkedIncident returns the Graph incident that inc, a Sentinel incident, mirrors:
// GET /security/incidents/{inc.ProviderIncidentID}, one request. An incident that is not
// from "Microsoft XDR" is an *sentinel.ArgumentError, before any request; a Defender
// incident Graph does not know (the workspace is not onboarded to the Defender portal, or
// the incident left the tenant's retention) matches sentinel.ErrNotFound.
//
//meta:operation GET /security/incidents/{incidentId}
func (c *Client) GetLinkedIncident(ctx context.Context, inc sentinel.Incident, opts *GetLinkedIncidentOptions) (Incident, error) {
	id, ok := LinkedIncidentID(inc)
	if !ok {
		return Incident{}, errs.ArgError("inc", "Sentinel incident %q comes from provider %q with provider incident ID %q; only incidents from %q have a Graph incident", inc.Name, inc.ProviderName, inc.ProviderIncidentID, ProviderName)
	}
	var o GetIncidentOptions
	if opts != nil {
		o.ExpandAlerts = opts.ExpandAlerts
	}
	return c.GetIncident(ctx, id, &o)
}

// GetSentinelIncidentOptions are the options of GetSentinelIncident; none yet.
type GetSentinelIncidentOptions struct{}

// GetSentinelIncident returns the Sentinel incident of sc's workspace that mirrors the Graph
// incident with ID incidentID: the incident whose providerName is "Microsoft XDR" and whose
// providerIncidentId is incidentID, found with one list request (GET .../incidents with
// $filter=properties/providerName eq 'Microsoft XDR' and properties/providerIncidentId eq
// '<id>'); the condition is checked on what the service returns as well. When none matches
// (the workspace has no Defender XDR connector, the incident was not synced yet, which can
// take up to 10 minutes, or it belongs to another workspace), the error matches
// sentinel.ErrNotFound. If Defender merged the incident, the Sentinel incident found is the
// closed one labelled Redirected (see sentinel.RedirectionOf).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents
func GetSentinelIncident(ctx context.Context, sc *sentinel.Client, incidentID string, _ *GetSentinelIncidentOptions) (sentinel.Incident, error) {
	if sc == nil {
		return sentinel.Incident{}, errs.ArgError("sc", "a Sentinel client is required")
	}
	if strings.TrimSpace(incidentID) == "" {
		return sentinel.Incident{}, errs.ArgError("incidentID", "must not be empty")
	}
	f := sentinel.IncidentFilter{}.Raw("properties/providerName eq " + sentinel.ODataString(ProviderName) +
		" and properties/providerIncidentId eq " + sentinel.ODataString(incidentID))
	for inc, err := range sc.ListIncidents(&sentinel.ListIncidentsOptions{Filter: f.String()}).All(ctx) {
		if err != nil {
			return sentinel.Incident{}, err
		}
		if id, ok := LinkedIncidentID(inc); ok && id == incidentID {
			return inc, nil
		}
	}
	return sentinel.Incident{}, &notLinkedError{id: incidentID}
}

// notLinkedError reports a Graph incident without a Sentinel incident; it matches
// sentinel.ErrNotFound.
type notLinkedError struct{ id string }

func (e *notLinkedError) Error() string {
	return fmt.Sprintf("defender: no Sentinel incident of the workspace mirrors Defender incident %s (provider %q)", e.id, ProviderName)
}

func (e *notLinkedError) Unwrap() error { return sentinel.ErrNotFound }

// Linked is a Defender incident and the Sentinel incident that mirrors it, side by side.
// Their vocabularies differ: Graph's status (active, inProgress, resolved, redirected,
// awaitingAction) is not Sentinel's (New, Active, Closed), and its verdict is a
// classification (truePositive, falsePositive, informationalExpectedActivity) with a
// determination, where Sentinel has a classification (TruePositive, BenignPositive,
// FalsePositive, Undetermined) with a reason. Microsoft documents no mapping between them,
// so this SDK proposes none: Verdicts returns both as they are.
type Linked struct {
	Graph    Incident
	Sentinel sentinel.Incident
}

// Verdicts are the two verdicts of a linked incident, as each service states it.
type Verdicts struct {
	GraphStatus                  IncidentStatus
	GraphClassification          Classification
	GraphDetermination           Determination
	GraphAssignedTo              string
	SentinelStatus               sentinel.IncidentStatus
	SentinelClassification       sentinel.Classification
	SentinelClassificationReason sentinel.ClassificationReason
	SentinelOwner                string // the owner's UPN, or its display name
}

// Verdicts returns the status, verdict and owner of both incidents, unmapped.
func (l Linked) Verdicts() Verdicts {
	owner := l.Sentinel.Owner.UserPrincipalName
	if owner == "" {
		owner = l.Sentinel.Owner.AssignedTo
	}
	return Verdicts{
		GraphStatus: l.Graph.Status, GraphClassification: l.Graph.Classification,
		GraphDetermination: l.Graph.Determination, GraphAssignedTo: l.Graph.AssignedTo,
		SentinelStatus: l.Sentinel.Status, SentinelClassification: l.Sentinel.Classification,
		SentinelClassificationReason: l.Sentinel.ClassificationReason, SentinelOwner: owner,
	}
}
