package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// Severity is the severity of an incident or alert. Values the service adds later are kept.
type Severity string

// Severities of the stable API.
const (
	SeverityHigh          Severity = "High"
	SeverityMedium        Severity = "Medium"
	SeverityLow           Severity = "Low"
	SeverityInformational Severity = "Informational"
)

// PossibleSeverityValues returns the severities this SDK knows.
func PossibleSeverityValues() []Severity {
	return []Severity{SeverityHigh, SeverityMedium, SeverityLow, SeverityInformational}
}

// IncidentStatus is the status of an incident.
type IncidentStatus string

// Incident statuses of the stable API.
const (
	IncidentStatusNew    IncidentStatus = "New"
	IncidentStatusActive IncidentStatus = "Active"
	IncidentStatusClosed IncidentStatus = "Closed"
)

// PossibleIncidentStatusValues returns the incident statuses this SDK knows.
func PossibleIncidentStatusValues() []IncidentStatus {
	return []IncidentStatus{IncidentStatusNew, IncidentStatusActive, IncidentStatusClosed}
}

// Classification is why an incident was closed.
type Classification string

// Classifications of the stable API.
const (
	ClassificationUndetermined   Classification = "Undetermined"
	ClassificationTruePositive   Classification = "TruePositive"
	ClassificationBenignPositive Classification = "BenignPositive"
	ClassificationFalsePositive  Classification = "FalsePositive"
)

// PossibleClassificationValues returns the classifications this SDK knows.
func PossibleClassificationValues() []Classification {
	return []Classification{ClassificationUndetermined, ClassificationTruePositive, ClassificationBenignPositive, ClassificationFalsePositive}
}

// ClassificationReason refines a Classification.
type ClassificationReason string

// Classification reasons of the stable API, and the classification each belongs to.
const (
	ClassificationReasonSuspiciousActivity    ClassificationReason = "SuspiciousActivity"    // TruePositive
	ClassificationReasonSuspiciousButExpected ClassificationReason = "SuspiciousButExpected" // BenignPositive
	ClassificationReasonIncorrectAlertLogic   ClassificationReason = "IncorrectAlertLogic"   // FalsePositive
	ClassificationReasonInaccurateData        ClassificationReason = "InaccurateData"        // FalsePositive
)

// PossibleClassificationReasonValues returns the classification reasons this SDK knows.
func PossibleClassificationReasonValues() []ClassificationReason {
	return []ClassificationReason{ClassificationReasonSuspiciousActivity, ClassificationReasonSuspiciousButExpected, ClassificationReasonIncorrectAlertLogic, ClassificationReasonInaccurateData}
}

// ReasonsFor returns the classification reasons that belong to c, or nil when c takes none or
// is not known to this SDK.
func ReasonsFor(c Classification) []ClassificationReason {
	switch c {
	case ClassificationTruePositive:
		return []ClassificationReason{ClassificationReasonSuspiciousActivity}
	case ClassificationBenignPositive:
		return []ClassificationReason{ClassificationReasonSuspiciousButExpected}
	case ClassificationFalsePositive:
		return []ClassificationReason{ClassificationReasonIncorrectAlertLogic, ClassificationReasonInaccurateData}
	}
	return nil
}

// OwnerType is the kind of principal an incident is assigned to.
type OwnerType string

// Owner types of the stable API.
const (
	OwnerTypeUnknown OwnerType = "Unknown"
	OwnerTypeUser    OwnerType = "User"
	OwnerTypeGroup   OwnerType = "Group"
)

// LabelType says who set a label.
type LabelType string

// Label types of the stable API.
const (
	LabelTypeUser         LabelType = "User"
	LabelTypeAutoAssigned LabelType = "AutoAssigned"
)

// AttackTactic is a MITRE ATT&CK tactic.
type AttackTactic string

// Attack tactics of the stable API.
const (
	TacticReconnaissance          AttackTactic = "Reconnaissance"
	TacticResourceDevelopment     AttackTactic = "ResourceDevelopment"
	TacticInitialAccess           AttackTactic = "InitialAccess"
	TacticExecution               AttackTactic = "Execution"
	TacticPersistence             AttackTactic = "Persistence"
	TacticPrivilegeEscalation     AttackTactic = "PrivilegeEscalation"
	TacticDefenseEvasion          AttackTactic = "DefenseEvasion"
	TacticCredentialAccess        AttackTactic = "CredentialAccess"
	TacticDiscovery               AttackTactic = "Discovery"
	TacticLateralMovement         AttackTactic = "LateralMovement"
	TacticCollection              AttackTactic = "Collection"
	TacticExfiltration            AttackTactic = "Exfiltration"
	TacticCommandAndControl       AttackTactic = "CommandAndControl"
	TacticImpact                  AttackTactic = "Impact"
	TacticPreAttack               AttackTactic = "PreAttack"
	TacticImpairProcessControl    AttackTactic = "ImpairProcessControl"
	TacticInhibitResponseFunction AttackTactic = "InhibitResponseFunction"
)

// IncidentOwner is the user or group an incident is assigned to. To assign, give ObjectID
// (the Entra object ID) or UserPrincipalName or Email; the service fills in the rest.
type IncidentOwner struct {
	ObjectID          string    `json:"objectId,omitzero"`
	Email             string    `json:"email,omitzero"`
	UserPrincipalName string    `json:"userPrincipalName,omitzero"`
	AssignedTo        string    `json:"assignedTo,omitzero"` // display name, set by the service
	OwnerType         OwnerType `json:"ownerType,omitzero"`
	// Unknown holds the members this SDK does not model; they are sent back unchanged.
	Unknown jsontext.Value `json:",embed"`
}

// IsZero reports whether the incident is unassigned.
func (o IncidentOwner) IsZero() bool {
	return o.ObjectID == "" && o.Email == "" && o.UserPrincipalName == "" && o.AssignedTo == "" && o.OwnerType == "" && len(o.Unknown) == 0
}

// IncidentLabel is a label on an incident.
type IncidentLabel struct {
	Name    string         `json:"labelName"`
	Type    LabelType      `json:"labelType,omitzero"` // read-only: the service sets it
	Unknown jsontext.Value `json:",embed"`
}

// IncidentAdditionalData are the service's read-only aggregates of an incident.
type IncidentAdditionalData struct {
	AlertsCount       int            `json:"alertsCount,omitzero"`
	BookmarksCount    int            `json:"bookmarksCount,omitzero"`
	CommentsCount     int            `json:"commentsCount,omitzero"`
	AlertProductNames []string       `json:"alertProductNames,omitzero"`
	Tactics           []AttackTactic `json:"tactics,omitzero"`
	Techniques        []string       `json:"techniques,omitzero"`
	// ProviderIncidentURL links to the incident in the Microsoft Defender portal, for
	// workspaces onboarded to it.
	ProviderIncidentURL string         `json:"providerIncidentUrl,omitzero"`
	Unknown             jsontext.Value `json:",embed"`
}

// Incident is a Microsoft Sentinel incident. Its fields read flat (inc.Title, inc.Etag); on
// the wire the envelope (Resource) is at the top and IncidentProperties under "properties".
// Members the service sends that this SDK does not model are kept, at every level (the
// Unknown fields), and sent back unchanged by UpdateIncident and CreateOrUpdateIncident.
//
// MarshalJSON and UnmarshalJSON convert it to and from the service's wire form.
type Incident struct {
	Resource
	IncidentProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// IncidentProperties are an incident's "properties". Fields marked read-only are set by the
// service and ignored when sent.
type IncidentProperties struct {
	Title                 string               `json:"title"`
	Description           string               `json:"description,omitzero"`
	Severity              Severity             `json:"severity"`
	Status                IncidentStatus       `json:"status"`
	Classification        Classification       `json:"classification,omitzero"`
	ClassificationReason  ClassificationReason `json:"classificationReason,omitzero"`
	ClassificationComment string               `json:"classificationComment,omitzero"`
	Owner                 IncidentOwner        `json:"owner,omitzero"`
	Labels                []IncidentLabel      `json:"labels"`
	FirstActivityTime     time.Time            `json:"firstActivityTimeUtc,omitzero"`
	LastActivityTime      time.Time            `json:"lastActivityTimeUtc,omitzero"`

	CreatedTime            time.Time              `json:"createdTimeUtc,omitzero"`      // read-only
	LastModifiedTime       time.Time              `json:"lastModifiedTimeUtc,omitzero"` // read-only
	Number                 int64                  `json:"incidentNumber,omitzero"`      // read-only: sequential per workspace
	URL                    string                 `json:"incidentUrl,omitzero"`         // read-only: Azure portal link
	ProviderName           string                 `json:"providerName,omitzero"`        // read-only: "Azure Sentinel", "Microsoft XDR", ...
	ProviderIncidentID     string                 `json:"providerIncidentId,omitzero"`  // read-only
	RelatedAnalyticRuleIDs []string               `json:"relatedAnalyticRuleIds,omitzero"`
	AdditionalData         IncidentAdditionalData `json:"additionalData,omitzero"` // read-only

	// Unknown holds the properties this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// ListIncidentsOptions are the options of ListIncidents. The zero value lists every incident
// in the service's default order, 1000 per page.
type ListIncidentsOptions struct {
	// Filter is an OData $filter, for example IncidentFilter{}.SeverityIn(SeverityHigh).String()
	// or a hand-written "properties/status eq 'Active'".
	Filter string
	// OrderBy is an OData $orderby such as OrderByCreatedDesc.
	OrderBy string
	// Top is the page size, 1 to 1000; 0 means 1000, the largest the service allows, which
	// costs the fewest round trips.
	Top int
	// SkipToken starts the listing at a $skipToken from an earlier listing.
	SkipToken string
}

// Orderings for ListIncidentsOptions.OrderBy.
const (
	OrderByCreatedAsc   = "properties/createdTimeUtc asc"
	OrderByCreatedDesc  = "properties/createdTimeUtc desc"
	OrderByModifiedAsc  = "properties/lastModifiedTimeUtc asc"
	OrderByModifiedDesc = "properties/lastModifiedTimeUtc desc"
	OrderByNumberAsc    = "properties/incidentNumber asc"
	OrderByNumberDesc   = "properties/incidentNumber desc"
	maxIncidentPageSize = 1000
)

// ListIncidents returns a pager over the workspace's incidents
// (GET .../incidents with $filter, $orderby, $top and $skipToken). Invalid options are
// reported by the first NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents
func (c *Client) ListIncidents(opts *ListIncidentsOptions) *Pager[Incident] {
	o := optionsOf(opts)
	if o.Top < 0 || o.Top > maxIncidentPageSize {
		return errPager[Incident](argError("ListIncidentsOptions.Top", "must be between 1 and %d (0 for %d), got %d", maxIncidentPageSize, maxIncidentPageSize, o.Top))
	}
	if o.Top == 0 {
		o.Top = maxIncidentPageSize
	}
	r := &request{op: "Client.ListIncidents", method: http.MethodGet, path: c.path("incidents")}
	r.query = odata(o.Filter, o.OrderBy, o.Top, o.SkipToken)
	return newPager[Incident](c, r)
}

// GetIncidentOptions are the options of GetIncident; none yet.
type GetIncidentOptions struct{}

// GetIncident returns one incident (GET .../incidents/{id}). A missing incident is a
// *ResponseError that matches ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}
func (c *Client) GetIncident(ctx context.Context, id string, _ *GetIncidentOptions) (Incident, error) {
	if err := c.resourceName("id", &id, "incidents"); err != nil {
		return Incident{}, err
	}
	var out Incident
	err := c.call(ctx, &request{op: "Client.GetIncident", method: http.MethodGet, path: c.path("incidents", id)}, &out)
	return out, err
}

// DeleteIncidentOptions are the options of DeleteIncident; none yet.
type DeleteIncidentOptions struct{}

// DeleteIncident deletes an incident (DELETE .../incidents/{id}). Deletion is permanent: the
// incident, its comments and its relations cannot be restored. Deleting an incident that does
// not exist succeeds (the service answers 204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}
func (c *Client) DeleteIncident(ctx context.Context, id string, _ *DeleteIncidentOptions) error {
	if err := c.resourceName("id", &id, "incidents"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteIncident", method: http.MethodDelete, path: c.path("incidents", id), ok: okDelete}, nil)
}

// CreateIncidentOptions are the options of CreateIncident.
type CreateIncidentOptions struct {
	// ID is the new incident's ID; "" means a new random GUID.
	ID string
}

// CreateIncident creates an incident with the given properties (PUT .../incidents/{id}
// without an etag). Title, Severity and Status are required; read-only fields are ignored.
// The ID is CreateIncidentOptions.ID or a new GUID, generated once so that a retried request
// cannot create a second incident; an incident that already has the ID is overwritten (the
// service keeps the last write of a PUT without an etag).
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}
func (c *Client) CreateIncident(ctx context.Context, props IncidentProperties, opts *CreateIncidentOptions) (Incident, error) {
	id := optionsOf(opts).ID
	if id == "" {
		id = newGUID()
	}
	if err := checkID("CreateIncidentOptions.ID", id); err != nil {
		return Incident{}, err
	}
	return c.putIncident(ctx, "Client.CreateIncident", id, Incident{IncidentProperties: props})
}

// CreateOrUpdateIncidentOptions are the options of CreateOrUpdateIncident; none yet.
type CreateOrUpdateIncidentOptions struct{}

// CreateOrUpdateIncident writes inc as it is (PUT .../incidents/{id}) for callers that manage
// etags themselves: a non-empty inc.Etag must be the current etag of the incident, or the
// service answers 409 Conflict (ErrConflict); without an etag the write overwrites the
// incident (the last writer wins). It returns the stored incident with its new etag.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}
func (c *Client) CreateOrUpdateIncident(ctx context.Context, id string, inc Incident, _ *CreateOrUpdateIncidentOptions) (Incident, error) {
	if err := c.resourceName("id", &id, "incidents"); err != nil {
		return Incident{}, err
	}
	return c.putIncident(ctx, "Client.CreateOrUpdateIncident", id, inc)
}

func (c *Client) putIncident(ctx context.Context, op, id string, inc Incident) (Incident, error) {
	if err := validateIncident(&inc); err != nil {
		return Incident{}, err
	}
	clearReadOnly(&inc.Resource)
	var out Incident
	err := c.call(ctx, &request{op: op, method: http.MethodPut, path: c.path("incidents", id), body: &inc, ok: okPut}, &out)
	return out, err
}

// validateIncident rejects what the service would reject.
func validateIncident(inc *Incident) error {
	switch {
	case strings.TrimSpace(inc.Title) == "":
		return argError("Incident.Title", "is required")
	case inc.Severity == "":
		return argError("Incident.Severity", "is required")
	case inc.Status == "":
		return argError("Incident.Status", "is required")
	}
	if err := checkClosing("Incident.", inc.Status, inc.Classification, inc.ClassificationReason); err != nil {
		return err
	}
	if o := inc.Owner; o.ObjectID != "" && !guidRE.MatchString(o.ObjectID) {
		return argError("Incident.Owner.ObjectID", "%q is not a GUID", o.ObjectID)
	}
	for i, l := range inc.Labels {
		if strings.TrimSpace(l.Name) == "" {
			return argError(fmt.Sprintf("Incident.Labels[%d]", i), "a label needs a name")
		}
	}
	return nil
}

// checkClosing rejects what the service rejects of an incident's closing fields, named below
// prefix: Closed without a classification, a reason without a classification, BenignPositive
// without a reason, and a known reason that belongs to another known classification (only
// known pairs are checked, so that values the service adds are accepted). Automation rules'
// ModifyProperties actions apply the same fields to incidents and are checked the same way.
func checkClosing(prefix string, status IncidentStatus, cls Classification, reason ClassificationReason) error {
	if status == IncidentStatusClosed && cls == "" {
		return argError(prefix+"Classification", "is required to close an incident")
	}
	if reason != "" && cls == "" {
		return argError(prefix+"ClassificationReason", "%q needs a classification", reason)
	}
	if reasons := ReasonsFor(cls); reasons != nil {
		if reason == "" && cls == ClassificationBenignPositive {
			return argError(prefix+"ClassificationReason", "classification %s needs a reason (%s)", cls, ClassificationReasonSuspiciousButExpected)
		}
		if slices.Contains(PossibleClassificationReasonValues(), reason) && !slices.Contains(reasons, reason) {
			return argError(prefix+"ClassificationReason", "%q does not belong to classification %s (use %s)", reason, cls, joinReasons(reasons))
		}
	} else if cls == ClassificationUndetermined && slices.Contains(PossibleClassificationReasonValues(), reason) {
		return argError(prefix+"ClassificationReason", "classification Undetermined takes no reason, got %q", reason)
	}
	return nil
}

func joinReasons(rs []ClassificationReason) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, " or ")
}

// IncidentUpdate is a partial change to an incident: nil fields stay as they are.
type IncidentUpdate struct {
	Title                 *string
	Description           *string
	Severity              *Severity
	Status                *IncidentStatus
	Classification        *Classification
	ClassificationReason  *ClassificationReason
	ClassificationComment *string
	// Owner assigns the incident; a pointer to a zero IncidentOwner unassigns it.
	Owner *IncidentOwner
	// AddLabels are added (as user labels) unless present; RemoveLabels are removed.
	AddLabels    []string
	RemoveLabels []string
}

func (u *IncidentUpdate) apply(inc *Incident) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&inc.Title, u.Title)
	set(&inc.Description, u.Description)
	set(&inc.ClassificationComment, u.ClassificationComment)
	if u.Severity != nil {
		inc.Severity = *u.Severity
	}
	if u.Status != nil {
		inc.Status = *u.Status
	}
	if u.Classification != nil {
		inc.Classification = *u.Classification
	}
	if u.ClassificationReason != nil {
		inc.ClassificationReason = *u.ClassificationReason
	}
	if u.Owner != nil {
		inc.Owner = *u.Owner
	}
	// Sets, not nested scans: an incident may carry thousands of labels.
	if len(u.RemoveLabels) > 0 {
		remove := make(map[string]struct{}, len(u.RemoveLabels))
		for _, name := range u.RemoveLabels {
			remove[name] = struct{}{}
		}
		inc.Labels = slices.DeleteFunc(slices.Clone(inc.Labels), func(l IncidentLabel) bool {
			_, ok := remove[l.Name]
			return ok
		})
	}
	if len(u.AddLabels) > 0 {
		have := make(map[string]struct{}, len(inc.Labels)+len(u.AddLabels))
		for _, l := range inc.Labels {
			have[l.Name] = struct{}{}
		}
		for _, name := range u.AddLabels {
			if _, ok := have[name]; !ok {
				have[name] = struct{}{}
				inc.Labels = append(inc.Labels, IncidentLabel{Name: name, Type: LabelTypeUser})
			}
		}
	}
	// Reopening clears the closing fields, as the portal does.
	if u.Status != nil && *u.Status != IncidentStatusClosed && u.Classification == nil {
		inc.Classification, inc.ClassificationReason, inc.ClassificationComment = "", "", ""
	}
}

// UpdateIncidentOptions are the options of UpdateIncident.
type UpdateIncidentOptions struct {
	// MaxAttempts bounds the read-modify-write attempts when the service answers 409 Conflict
	// because someone else changed the incident in between; 0 means 5.
	MaxAttempts int
}

// UpdateIncident changes an incident partially. The API has no PATCH: UpdateIncident reads
// the incident (GET), applies upd, and writes the whole incident back (PUT) with the etag it
// read, keeping properties this SDK does not model: one read and one write, whatever upd
// changes. When the service answers 409 Conflict because the incident changed in between, it
// reads it again and re-applies the same change, up to MaxAttempts times, then returns an
// error matching ErrConflict. The change is validated against the incident before anything
// is written. It returns the incident as stored.
func (c *Client) UpdateIncident(ctx context.Context, id string, upd IncidentUpdate, opts *UpdateIncidentOptions) (Incident, error) {
	attempts := optionsOf(opts).MaxAttempts
	return c.updateIncident(ctx, "Client.UpdateIncident", id, upd, attempts)
}

func (c *Client) updateIncident(ctx context.Context, op, id string, upd IncidentUpdate, attempts int) (Incident, error) {
	if err := c.resourceName("id", &id, "incidents"); err != nil {
		return Incident{}, err
	}
	return readModifyWrite(attempts, "incident "+id,
		func() (Incident, error) { return c.GetIncident(ctx, id, nil) },
		func(inc *Incident) error { upd.apply(inc); return nil },
		func(inc Incident) (Incident, error) { return c.putIncident(ctx, op, id, inc) })
}

// The verbs below are UpdateIncident with their fields set. Each costs one read and one write
// (more only when the service answers 409 Conflict), and each takes further changes in its
// options' Also, made in the same read and write: closing with an owner, labels and a
// comment is one GET and one PUT. The verb's own arguments win over the same fields in Also.

// CloseIncidentOptions are the options of CloseIncident.
type CloseIncidentOptions struct {
	// Comment is the classification comment.
	Comment string
	// Also are further changes made in the same read and write (an owner, labels...).
	Also IncidentUpdate
	// MaxAttempts is UpdateIncidentOptions.MaxAttempts.
	MaxAttempts int
}

// CloseIncident closes an incident with a classification and a reason that belongs to it (see
// ReasonsFor; none for Undetermined): UpdateIncident with Status Closed, one GET and one PUT.
func (c *Client) CloseIncident(ctx context.Context, id string, classification Classification, reason ClassificationReason, opts *CloseIncidentOptions) (Incident, error) {
	o := optionsOf(opts)
	upd := o.Also
	status := IncidentStatusClosed
	upd.Status, upd.Classification, upd.ClassificationReason = &status, &classification, &reason
	if o.Comment != "" || upd.ClassificationComment == nil {
		upd.ClassificationComment = &o.Comment
	}
	return c.updateIncident(ctx, "Client.CloseIncident", id, upd, o.MaxAttempts)
}

// AssignIncidentOptions are the options of AssignIncident.
type AssignIncidentOptions struct {
	// Also are further changes made in the same read and write.
	Also IncidentUpdate
	// MaxAttempts is UpdateIncidentOptions.MaxAttempts.
	MaxAttempts int
}

// AssignIncident assigns an incident to owner, given by ObjectID, UserPrincipalName or Email:
// UpdateIncident with Owner, one GET and one PUT.
func (c *Client) AssignIncident(ctx context.Context, id string, owner IncidentOwner, opts *AssignIncidentOptions) (Incident, error) {
	if owner.ObjectID == "" && owner.UserPrincipalName == "" && owner.Email == "" {
		return Incident{}, argError("owner", "needs an object ID, a user principal name or an email; use UpdateIncident with a zero Owner to unassign")
	}
	o := optionsOf(opts)
	upd := o.Also
	upd.Owner = &owner
	return c.updateIncident(ctx, "Client.AssignIncident", id, upd, o.MaxAttempts)
}

// SetIncidentSeverityOptions are the options of SetIncidentSeverity.
type SetIncidentSeverityOptions struct {
	// Also are further changes made in the same read and write.
	Also IncidentUpdate
	// MaxAttempts is UpdateIncidentOptions.MaxAttempts.
	MaxAttempts int
}

// SetIncidentSeverity changes an incident's severity: UpdateIncident with Severity, one GET
// and one PUT.
func (c *Client) SetIncidentSeverity(ctx context.Context, id string, severity Severity, opts *SetIncidentSeverityOptions) (Incident, error) {
	o := optionsOf(opts)
	upd := o.Also
	upd.Severity = &severity
	return c.updateIncident(ctx, "Client.SetIncidentSeverity", id, upd, o.MaxAttempts)
}

// SetIncidentStatusOptions are the options of SetIncidentStatus.
type SetIncidentStatusOptions struct {
	// Also are further changes made in the same read and write.
	Also IncidentUpdate
	// MaxAttempts is UpdateIncidentOptions.MaxAttempts.
	MaxAttempts int
}

// SetIncidentStatus changes an incident's status (closing needs CloseIncident's
// classification): UpdateIncident with Status, one GET and one PUT.
func (c *Client) SetIncidentStatus(ctx context.Context, id string, status IncidentStatus, opts *SetIncidentStatusOptions) (Incident, error) {
	o := optionsOf(opts)
	upd := o.Also
	upd.Status = &status
	return c.updateIncident(ctx, "Client.SetIncidentStatus", id, upd, o.MaxAttempts)
}

// AddIncidentLabelsOptions are the options of AddIncidentLabels.
type AddIncidentLabelsOptions struct {
	// Also are further changes made in the same read and write.
	Also IncidentUpdate
	// MaxAttempts is UpdateIncidentOptions.MaxAttempts.
	MaxAttempts int
}

// AddIncidentLabels adds user labels that the incident does not have yet: UpdateIncident with
// AddLabels, one GET and one PUT.
func (c *Client) AddIncidentLabels(ctx context.Context, id string, labels []string, opts *AddIncidentLabelsOptions) (Incident, error) {
	if len(labels) == 0 {
		return Incident{}, argError("labels", "must not be empty")
	}
	o := optionsOf(opts)
	upd := o.Also
	upd.AddLabels = append(slices.Clip(upd.AddLabels), labels...)
	return c.updateIncident(ctx, "Client.AddIncidentLabels", id, upd, o.MaxAttempts)
}

// RemoveIncidentLabelsOptions are the options of RemoveIncidentLabels.
type RemoveIncidentLabelsOptions struct {
	// Also are further changes made in the same read and write.
	Also IncidentUpdate
	// MaxAttempts is UpdateIncidentOptions.MaxAttempts.
	MaxAttempts int
}

// RemoveIncidentLabels removes labels by name: UpdateIncident with RemoveLabels, one GET and
// one PUT.
func (c *Client) RemoveIncidentLabels(ctx context.Context, id string, labels []string, opts *RemoveIncidentLabelsOptions) (Incident, error) {
	if len(labels) == 0 {
		return Incident{}, argError("labels", "must not be empty")
	}
	o := optionsOf(opts)
	upd := o.Also
	upd.RemoveLabels = append(slices.Clip(upd.RemoveLabels), labels...)
	return c.updateIncident(ctx, "Client.RemoveIncidentLabels", id, upd, o.MaxAttempts)
}

// IncidentFilter builds an OData $filter for ListIncidents without hand-written OData. Each
// method returns a new filter with one more condition; all conditions must hold. String
// renders it, with values quoted and escaped. The zero value matches everything.
//
//	f := sentinel.IncidentFilter{}.
//		SeverityIn(sentinel.SeverityHigh, sentinel.SeverityMedium).
//		StatusIn(sentinel.IncidentStatusNew, sentinel.IncidentStatusActive).
//		CreatedAfter(time.Now().Add(-24 * time.Hour))
//	pager := client.ListIncidents(&sentinel.ListIncidentsOptions{Filter: f.String()})
type IncidentFilter struct{ clauses []string }

func (f IncidentFilter) with(clause string) IncidentFilter {
	return IncidentFilter{clauses: append(slices.Clip(f.clauses), clause)}
}

func anyOf[T ~string](field string, values []T) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = field + " eq " + ODataString(string(v))
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " or ") + ")"
}

// SeverityIn matches incidents with any of the severities.
func (f IncidentFilter) SeverityIn(s ...Severity) IncidentFilter {
	if len(s) == 0 {
		return f
	}
	return f.with(anyOf("properties/severity", s))
}

// StatusIn matches incidents with any of the statuses.
func (f IncidentFilter) StatusIn(s ...IncidentStatus) IncidentFilter {
	if len(s) == 0 {
		return f
	}
	return f.with(anyOf("properties/status", s))
}

// ClassificationIs matches incidents with the classification.
func (f IncidentFilter) ClassificationIs(c Classification) IncidentFilter {
	return f.with("properties/classification eq " + ODataString(string(c)))
}

// OwnerUPN matches incidents assigned to the user principal name.
func (f IncidentFilter) OwnerUPN(upn string) IncidentFilter {
	return f.with("properties/owner/userPrincipalName eq " + ODataString(upn))
}

// OwnerObjectID matches incidents assigned to the Entra object ID.
func (f IncidentFilter) OwnerObjectID(id string) IncidentFilter {
	return f.with("properties/owner/objectId eq " + ODataString(id))
}

// CreatedAfter matches incidents created strictly after t.
func (f IncidentFilter) CreatedAfter(t time.Time) IncidentFilter {
	return f.with("properties/createdTimeUtc gt " + ODataTime(t))
}

// CreatedBefore matches incidents created strictly before t.
func (f IncidentFilter) CreatedBefore(t time.Time) IncidentFilter {
	return f.with("properties/createdTimeUtc lt " + ODataTime(t))
}

// ModifiedAfter matches incidents last modified strictly after t.
func (f IncidentFilter) ModifiedAfter(t time.Time) IncidentFilter {
	return f.with("properties/lastModifiedTimeUtc gt " + ODataTime(t))
}

// ModifiedSince matches incidents last modified at or after t.
func (f IncidentFilter) ModifiedSince(t time.Time) IncidentFilter {
	return f.with("properties/lastModifiedTimeUtc ge " + ODataTime(t))
}

// ModifiedBefore matches incidents last modified strictly before t.
func (f IncidentFilter) ModifiedBefore(t time.Time) IncidentFilter {
	return f.with("properties/lastModifiedTimeUtc lt " + ODataTime(t))
}

// NumberGreaterThan matches incidents whose number is greater than n.
func (f IncidentFilter) NumberGreaterThan(n int64) IncidentFilter {
	return f.with("properties/incidentNumber gt " + strconv.FormatInt(n, 10))
}

// TitleContains matches incidents whose title contains s.
func (f IncidentFilter) TitleContains(s string) IncidentFilter {
	return f.with("contains(properties/title," + ODataString(s) + ")")
}

// Raw adds a hand-written OData condition, parenthesised.
func (f IncidentFilter) Raw(expr string) IncidentFilter {
	if strings.TrimSpace(expr) == "" {
		return f
	}
	return f.with("(" + expr + ")")
}

// And adds all conditions of g.
func (f IncidentFilter) And(g IncidentFilter) IncidentFilter {
	for _, c := range g.clauses {
		f = f.with(c)
	}
	return f
}

// String returns the $filter expression: the conditions joined by "and"; "" for none.
func (f IncidentFilter) String() string { return strings.Join(f.clauses, " and ") }
