package sentinel

import (
	"net/http"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// AlertStatus is the lifecycle status of a security alert.
type AlertStatus string

// Alert statuses.
const (
	AlertStatusUnknown    AlertStatus = "Unknown"
	AlertStatusNew        AlertStatus = "New"
	AlertStatusResolved   AlertStatus = "Resolved"
	AlertStatusDismissed  AlertStatus = "Dismissed"
	AlertStatusInProgress AlertStatus = "InProgress"
)

// ConfidenceLevel is how confident the alert's provider is that the alert is a true positive.
type ConfidenceLevel string

// Confidence levels.
const (
	ConfidenceUnknown ConfidenceLevel = "Unknown"
	ConfidenceLow     ConfidenceLevel = "Low"
	ConfidenceHigh    ConfidenceLevel = "High"
)

// ConfidenceScoreStatus says whether an alert's confidence score is final.
type ConfidenceScoreStatus string

// Confidence score statuses.
const (
	ConfidenceScoreNotApplicable ConfidenceScoreStatus = "NotApplicable"
	ConfidenceScoreInProcess     ConfidenceScoreStatus = "InProcess"
	ConfidenceScoreNotFinal      ConfidenceScoreStatus = "NotFinal"
	ConfidenceScoreFinal         ConfidenceScoreStatus = "Final"
)

// KillChainIntent is the kill-chain stage an alert maps to.
type KillChainIntent string

// Kill-chain intents.
const (
	IntentUnknown             KillChainIntent = "Unknown"
	IntentProbing             KillChainIntent = "Probing"
	IntentExploitation        KillChainIntent = "Exploitation"
	IntentPersistence         KillChainIntent = "Persistence"
	IntentPrivilegeEscalation KillChainIntent = "PrivilegeEscalation"
	IntentDefenseEvasion      KillChainIntent = "DefenseEvasion"
	IntentCredentialAccess    KillChainIntent = "CredentialAccess"
	IntentDiscovery           KillChainIntent = "Discovery"
	IntentLateralMovement     KillChainIntent = "LateralMovement"
	IntentExecution           KillChainIntent = "Execution"
	IntentCollection          KillChainIntent = "Collection"
	IntentExfiltration        KillChainIntent = "Exfiltration"
	IntentCommandAndControl   KillChainIntent = "CommandAndControl"
	IntentImpact              KillChainIntent = "Impact"
)

// AlertConfidenceReason is one reason for an alert's confidence.
type AlertConfidenceReason struct {
	Reason     string         `json:"reason,omitzero"`
	ReasonType string         `json:"reasonType,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// SecurityAlert is a security alert: an item of ListAlerts, and the entity kind
// "SecurityAlert". Its fields read flat (a.DisplayName, a.ID); on the wire
// SecurityAlertProperties sit under "properties". Like every entity it reports members that
// did not fit their field in DecodeError.
type SecurityAlert struct {
	Resource
	SecurityAlertProperties `json:"properties"`
	Unknown                 jsontext.Value `json:",embed"`
}

// SecurityAlertProperties are an alert's "properties".
type SecurityAlertProperties struct {
	EntityCommonProperties
	// DisplayName is the alert's title ("alertDisplayName").
	DisplayName string `json:"alertDisplayName,omitzero"`
	// AlertType is the provider's alert type name.
	AlertType   string      `json:"alertType,omitzero"`
	Description string      `json:"description,omitzero"`
	Severity    Severity    `json:"severity,omitzero"`
	Status      AlertStatus `json:"status,omitzero"`
	// CompromisedEntity is the display name of the main entity the alert reports on.
	CompromisedEntity     string                  `json:"compromisedEntity,omitzero"`
	ConfidenceLevel       ConfidenceLevel         `json:"confidenceLevel,omitzero"`
	ConfidenceReasons     []AlertConfidenceReason `json:"confidenceReasons,omitzero"`
	ConfidenceScore       float64                 `json:"confidenceScore,omitzero"`
	ConfidenceScoreStatus ConfidenceScoreStatus   `json:"confidenceScoreStatus,omitzero"`
	Intent                KillChainIntent         `json:"intent,omitzero"`
	Tactics               []AttackTactic          `json:"tactics,omitzero"`
	ProductName           string                  `json:"productName,omitzero"`
	ProductComponentName  string                  `json:"productComponentName,omitzero"`
	ProductVersion        string                  `json:"productVersion,omitzero"`
	VendorName            string                  `json:"vendorName,omitzero"`
	// ProviderAlertID is the alert's ID in the product that raised it; SystemAlertID is its
	// ID in Microsoft Sentinel (the SecurityAlert table's SystemAlertId).
	ProviderAlertID string `json:"providerAlertId,omitzero"`
	SystemAlertID   string `json:"systemAlertId,omitzero"`
	// StartTime and EndTime bound the activity the alert covers ("startTimeUtc",
	// "endTimeUtc").
	StartTime         time.Time `json:"startTimeUtc,omitzero"`
	EndTime           time.Time `json:"endTimeUtc,omitzero"`
	TimeGenerated     time.Time `json:"timeGenerated,omitzero"`
	ProcessingEndTime time.Time `json:"processingEndTime,omitzero"`
	RemediationSteps  []string  `json:"remediationSteps,omitzero"`
	// AlertLink is a link to the alert in the product that raised it.
	AlertLink string `json:"alertLink,omitzero"`
	// ResourceIdentifiers identify the Azure resources the alert is about (free-form).
	ResourceIdentifiers []map[string]any `json:"resourceIdentifiers,omitzero"`
	Unknown             jsontext.Value   `json:",embed"`
}

// ListAlertsOptions are the options of ListAlerts; none yet.
type ListAlertsOptions struct{}

// ListAlerts returns a pager over the security alerts of an incident (POST
// .../incidents/{incidentId}/alerts; the service answers in one response, so the pager has
// one page), in the service's order, decoded as the response arrives. Invalid arguments are
// reported by the first NextPage. An alert whose members do not all fit is kept
// with the fields that do, and so is an item that is not an alert; see
// Entity.DecodeError.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/alerts
func (c *Client) ListAlerts(incidentID string, _ *ListAlertsOptions) *Pager[SecurityAlert] {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return errPager[SecurityAlert](err)
	}
	p := newPager[SecurityAlert](c, &request{op: "Client.ListAlerts", method: http.MethodPost, path: c.path("incidents", incidentID, "alerts")})
	rest.SetDecode(p, decodeEntityValue[SecurityAlert])
	return p
}
