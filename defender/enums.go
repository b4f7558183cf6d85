package defender

import "strings"

// The enums of the Graph security API are open: a value the service adds later decodes, is
// kept and is sent back as it came. Graph's schema spells them in camelCase, but some
// responses use PascalCase ("TruePositive", "Active"); compare them with their Is method,
// which ignores case.

// IncidentStatus is the status of an incident.
type IncidentStatus string

// Incident statuses. Redirected means merged into another incident (Incident.RedirectIncidentID);
// AwaitingAction (Defender Experts wait for the customer) and Redirected are set only by the
// service.
const (
	IncidentStatusActive         IncidentStatus = "active"
	IncidentStatusResolved       IncidentStatus = "resolved"
	IncidentStatusInProgress     IncidentStatus = "inProgress"
	IncidentStatusRedirected     IncidentStatus = "redirected"
	IncidentStatusAwaitingAction IncidentStatus = "awaitingAction"
	IncidentStatusUnknownFuture  IncidentStatus = "unknownFutureValue"
)

// Is reports whether s is v, ignoring case.
func (s IncidentStatus) Is(v IncidentStatus) bool { return strings.EqualFold(string(s), string(v)) }

// AlertStatus is the status of an alert.
type AlertStatus string

// Alert statuses.
const (
	AlertStatusUnknown       AlertStatus = "unknown"
	AlertStatusNew           AlertStatus = "new"
	AlertStatusInProgress    AlertStatus = "inProgress"
	AlertStatusResolved      AlertStatus = "resolved"
	AlertStatusUnknownFuture AlertStatus = "unknownFutureValue"
)

// Is reports whether s is v, ignoring case.
func (s AlertStatus) Is(v AlertStatus) bool { return strings.EqualFold(string(s), string(v)) }

// Severity is the severity of an incident or alert.
type Severity string

// Severities.
const (
	SeverityUnknown       Severity = "unknown"
	SeverityInformational Severity = "informational"
	SeverityLow           Severity = "low"
	SeverityMedium        Severity = "medium"
	SeverityHigh          Severity = "high"
	SeverityUnknownFuture Severity = "unknownFutureValue"
)

// Is reports whether s is v, ignoring case.
func (s Severity) Is(v Severity) bool { return strings.EqualFold(string(s), string(v)) }

// Classification is the verdict on an incident or alert. It is not Sentinel's
// classification: Microsoft documents no mapping between the two, so this SDK proposes none
// (see Linked).
type Classification string

// Classifications.
const (
	ClassificationUnknown                       Classification = "unknown"
	ClassificationFalsePositive                 Classification = "falsePositive"
	ClassificationTruePositive                  Classification = "truePositive"
	ClassificationInformationalExpectedActivity Classification = "informationalExpectedActivity"
	ClassificationUnknownFuture                 Classification = "unknownFutureValue"
)

// Is reports whether c is v, ignoring case.
func (c Classification) Is(v Classification) bool { return strings.EqualFold(string(c), string(v)) }

// Determination refines a Classification.
type Determination string

// Determinations, in the spelling of the service's metadata (the update-incident page and
// the generated SDKs). Older resource pages spell four of them differently
// (compromisedUser, clean, insufficientData, confirmedUserActivity); both spellings decode
// and Is treats them as the same value.
const (
	DeterminationUnknown                   Determination = "unknown"
	DeterminationAPT                       Determination = "apt"
	DeterminationMalware                   Determination = "malware"
	DeterminationSecurityPersonnel         Determination = "securityPersonnel"
	DeterminationSecurityTesting           Determination = "securityTesting"
	DeterminationUnwantedSoftware          Determination = "unwantedSoftware"
	DeterminationOther                     Determination = "other"
	DeterminationMultiStagedAttack         Determination = "multiStagedAttack"
	DeterminationCompromisedAccount        Determination = "compromisedAccount"
	DeterminationPhishing                  Determination = "phishing"
	DeterminationMaliciousUserActivity     Determination = "maliciousUserActivity"
	DeterminationNotMalicious              Determination = "notMalicious"
	DeterminationNotEnoughDataToValidate   Determination = "notEnoughDataToValidate"
	DeterminationConfirmedActivity         Determination = "confirmedActivity"
	DeterminationLineOfBusinessApplication Determination = "lineOfBusinessApplication"
	DeterminationUnknownFuture             Determination = "unknownFutureValue"
)

// determinationSpellings maps the older spellings (lower-cased) to the current ones.
var determinationSpellings = map[string]Determination{
	"compromiseduser":       DeterminationCompromisedAccount,
	"clean":                 DeterminationNotMalicious,
	"insufficientdata":      DeterminationNotEnoughDataToValidate,
	"confirmeduseractivity": DeterminationConfirmedActivity,
}

// canonical returns d in the current spelling, lower-cased.
func (d Determination) canonical() string {
	if c, ok := determinationSpellings[strings.ToLower(string(d))]; ok {
		return strings.ToLower(string(c))
	}
	return strings.ToLower(string(d))
}

// Is reports whether d is v, ignoring case and the older spellings.
func (d Determination) Is(v Determination) bool { return d.canonical() == v.canonical() }

// ServiceSource is the product that raised an alert.
type ServiceSource string

// Service sources.
const (
	ServiceSourceMicrosoftDefenderForEndpoint  ServiceSource = "microsoftDefenderForEndpoint"
	ServiceSourceMicrosoftDefenderForIdentity  ServiceSource = "microsoftDefenderForIdentity"
	ServiceSourceMicrosoftDefenderForCloudApps ServiceSource = "microsoftDefenderForCloudApps"
	ServiceSourceMicrosoftDefenderForOffice365 ServiceSource = "microsoftDefenderForOffice365"
	ServiceSourceMicrosoft365Defender          ServiceSource = "microsoft365Defender"
	ServiceSourceAzureADIdentityProtection     ServiceSource = "azureAdIdentityProtection"
	ServiceSourceMicrosoftAppGovernance        ServiceSource = "microsoftAppGovernance"
	ServiceSourceDataLossPrevention            ServiceSource = "dataLossPrevention"
	ServiceSourceMicrosoftDefenderForCloud     ServiceSource = "microsoftDefenderForCloud"
	ServiceSourceMicrosoftSentinel             ServiceSource = "microsoftSentinel"
	ServiceSourceMicrosoftThreatIntelligence   ServiceSource = "microsoftThreatIntelligence"
	ServiceSourceUnknown                       ServiceSource = "unknown"
	ServiceSourceUnknownFuture                 ServiceSource = "unknownFutureValue"
)

// DetectionSource is the detection technology or sensor that found what an alert reports
// (antivirus, customDetection, microsoftSentinel, scheduledAlerts, nrtAlerts, ...).
type DetectionSource string

// A few detection sources; the list is long and grows.
const (
	DetectionSourceAntivirus         DetectionSource = "antivirus"
	DetectionSourceCustomDetection   DetectionSource = "customDetection"
	DetectionSourceMicrosoftSentinel DetectionSource = "microsoftSentinel"
	DetectionSourceScheduledAlerts   DetectionSource = "scheduledAlerts"
	DetectionSourceNRTAlerts         DetectionSource = "nrtAlerts"
)
