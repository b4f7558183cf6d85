package sentinel

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// AlertRuleKind is the kind of an analytics rule (alert rule) or rule template.
//
// This and every other enum of this file is open: a value this SDK does not list decodes,
// is kept and is sent as it is.
type AlertRuleKind string

// Alert rule kinds. The stable API defines Scheduled, MicrosoftSecurityIncidentCreation and
// Fusion, which have their own types; the others exist only in preview or later API versions
// and are read as *UnknownAlertRule (or *UnknownAlertRuleTemplate).
const (
	AlertRuleKindScheduled                         AlertRuleKind = "Scheduled"
	AlertRuleKindMicrosoftSecurityIncidentCreation AlertRuleKind = "MicrosoftSecurityIncidentCreation"
	AlertRuleKindFusion                            AlertRuleKind = "Fusion"
	AlertRuleKindNRT                               AlertRuleKind = "NRT"
	AlertRuleKindMLBehaviorAnalytics               AlertRuleKind = "MLBehaviorAnalytics"
	AlertRuleKindThreatIntelligence                AlertRuleKind = "ThreatIntelligence"
)

// TriggerOperator compares a scheduled rule's result count with its threshold.
type TriggerOperator string

// Trigger operators of the stable API.
const (
	TriggerOperatorGreaterThan TriggerOperator = "GreaterThan"
	TriggerOperatorLessThan    TriggerOperator = "LessThan"
	TriggerOperatorEqual       TriggerOperator = "Equal"
	TriggerOperatorNotEqual    TriggerOperator = "NotEqual"
)

// PossibleTriggerOperatorValues returns the trigger operators this SDK knows.
func PossibleTriggerOperatorValues() []TriggerOperator {
	return []TriggerOperator{TriggerOperatorGreaterThan, TriggerOperatorLessThan, TriggerOperatorEqual, TriggerOperatorNotEqual}
}

// EntityMappingType is the entity type a rule maps query columns to. Its spelling differs
// from the entity kinds of incidents: "IP", "URL" and "DNS" here, "Ip", "Url" and
// "DnsResolution" there.
type EntityMappingType string

// Entity mapping types of the stable API.
const (
	EntityMappingAccount          EntityMappingType = "Account"
	EntityMappingHost             EntityMappingType = "Host"
	EntityMappingIP               EntityMappingType = "IP"
	EntityMappingMalware          EntityMappingType = "Malware"
	EntityMappingFile             EntityMappingType = "File"
	EntityMappingProcess          EntityMappingType = "Process"
	EntityMappingCloudApplication EntityMappingType = "CloudApplication"
	EntityMappingDNS              EntityMappingType = "DNS"
	EntityMappingAzureResource    EntityMappingType = "AzureResource"
	EntityMappingFileHash         EntityMappingType = "FileHash"
	EntityMappingRegistryKey      EntityMappingType = "RegistryKey"
	EntityMappingRegistryValue    EntityMappingType = "RegistryValue"
	EntityMappingSecurityGroup    EntityMappingType = "SecurityGroup"
	EntityMappingURL              EntityMappingType = "URL"
	EntityMappingMailbox          EntityMappingType = "Mailbox"
	EntityMappingMailCluster      EntityMappingType = "MailCluster"
	EntityMappingMailMessage      EntityMappingType = "MailMessage"
	EntityMappingSubmissionMail   EntityMappingType = "SubmissionMail"
)

// PossibleEntityMappingTypeValues returns the entity mapping types this SDK knows.
func PossibleEntityMappingTypeValues() []EntityMappingType {
	return []EntityMappingType{EntityMappingAccount, EntityMappingHost, EntityMappingIP, EntityMappingMalware,
		EntityMappingFile, EntityMappingProcess, EntityMappingCloudApplication, EntityMappingDNS,
		EntityMappingAzureResource, EntityMappingFileHash, EntityMappingRegistryKey, EntityMappingRegistryValue,
		EntityMappingSecurityGroup, EntityMappingURL, EntityMappingMailbox, EntityMappingMailCluster,
		EntityMappingMailMessage, EntityMappingSubmissionMail}
}

// EventGroupingAggregationKind says whether a scheduled rule raises one alert per run or one
// per result row.
type EventGroupingAggregationKind string

// Event grouping aggregation kinds.
const (
	EventGroupingSingleAlert    EventGroupingAggregationKind = "SingleAlert"
	EventGroupingAlertPerResult EventGroupingAggregationKind = "AlertPerResult"
)

// MatchingMethod says which alerts an incident groups.
type MatchingMethod string

// Grouping matching methods.
const (
	MatchingAllEntities MatchingMethod = "AllEntities"
	MatchingAnyAlert    MatchingMethod = "AnyAlert"
	MatchingSelected    MatchingMethod = "Selected"
)

// AlertDetail is an alert detail incidents can be grouped by.
type AlertDetail string

// Alert details to group by.
const (
	AlertDetailDisplayName AlertDetail = "DisplayName"
	AlertDetailSeverity    AlertDetail = "Severity"
)

// MicrosoftSecurityProductName is the product whose alerts a MicrosoftSecurityIncidentCreation
// rule turns into incidents. The values contain spaces.
type MicrosoftSecurityProductName string

// Microsoft security products: the five of the stable API, and two the service accepts that
// later API versions list.
const (
	ProductMicrosoftCloudAppSecurity                 MicrosoftSecurityProductName = "Microsoft Cloud App Security"
	ProductAzureSecurityCenter                       MicrosoftSecurityProductName = "Azure Security Center"
	ProductAzureAdvancedThreatProtection             MicrosoftSecurityProductName = "Azure Advanced Threat Protection"
	ProductAzureActiveDirectoryIdentityProtection    MicrosoftSecurityProductName = "Azure Active Directory Identity Protection"
	ProductAzureSecurityCenterForIoT                 MicrosoftSecurityProductName = "Azure Security Center for IoT"
	ProductOffice365AdvancedThreatProtection         MicrosoftSecurityProductName = "Office 365 Advanced Threat Protection"
	ProductMicrosoftDefenderAdvancedThreatProtection MicrosoftSecurityProductName = "Microsoft Defender Advanced Threat Protection"
)

// PossibleMicrosoftSecurityProductNameValues returns the products this SDK knows.
func PossibleMicrosoftSecurityProductNameValues() []MicrosoftSecurityProductName {
	return []MicrosoftSecurityProductName{ProductMicrosoftCloudAppSecurity, ProductAzureSecurityCenter,
		ProductAzureAdvancedThreatProtection, ProductAzureActiveDirectoryIdentityProtection, ProductAzureSecurityCenterForIoT,
		ProductOffice365AdvancedThreatProtection, ProductMicrosoftDefenderAdvancedThreatProtection}
}

// AlertRuleTemplateStatus says whether a template's data connectors are connected.
type AlertRuleTemplateStatus string

// Alert rule template statuses.
const (
	TemplateInstalled    AlertRuleTemplateStatus = "Installed"
	TemplateAvailable    AlertRuleTemplateStatus = "Available"
	TemplateNotAvailable AlertRuleTemplateStatus = "NotAvailable"
)

// AlertProperty is a property of the alerts of a scheduled rule that AlertDetailsOverride
// can take from a query column.
type AlertProperty string

// Alert properties of the stable API.
const (
	AlertPropertyAlertLink            AlertProperty = "AlertLink"
	AlertPropertyConfidenceLevel      AlertProperty = "ConfidenceLevel"
	AlertPropertyConfidenceScore      AlertProperty = "ConfidenceScore"
	AlertPropertyExtendedLinks        AlertProperty = "ExtendedLinks"
	AlertPropertyProductName          AlertProperty = "ProductName"
	AlertPropertyProviderName         AlertProperty = "ProviderName"
	AlertPropertyProductComponentName AlertProperty = "ProductComponentName"
	AlertPropertyRemediationSteps     AlertProperty = "RemediationSteps"
	AlertPropertyTechniques           AlertProperty = "Techniques"
)

// FieldMapping maps one query column to one identifier of an entity, such as the column
// "Caller" to the Account entity's "FullName".
type FieldMapping struct {
	Identifier string         `json:"identifier"`
	ColumnName string         `json:"columnName"`
	Unknown    jsontext.Value `json:",embed"`
}

// EntityMapping maps query columns to one entity of the alert.
type EntityMapping struct {
	EntityType    EntityMappingType `json:"entityType"`
	FieldMappings []FieldMapping    `json:"fieldMappings"`
	Unknown       jsontext.Value    `json:",embed"`
}

// EventGroupingSettings say how a scheduled rule groups query results into alerts.
type EventGroupingSettings struct {
	AggregationKind EventGroupingAggregationKind `json:"aggregationKind,omitzero"`
	Unknown         jsontext.Value               `json:",embed"`
}

// AlertPropertyMapping takes one alert property from a query column.
type AlertPropertyMapping struct {
	AlertProperty AlertProperty `json:"alertProperty"`
	// Value is the name of the column.
	Value   string         `json:"value"`
	Unknown jsontext.Value `json:",embed"`
}

// AlertDetailsOverride takes alert details from query columns instead of the rule.
type AlertDetailsOverride struct {
	// AlertDisplayNameFormat and AlertDescriptionFormat may refer to columns as {{Column}}.
	AlertDisplayNameFormat  string `json:"alertDisplayNameFormat,omitzero"`
	AlertDescriptionFormat  string `json:"alertDescriptionFormat,omitzero"`
	AlertTacticsColumnName  string `json:"alertTacticsColumnName,omitzero"`
	AlertSeverityColumnName string `json:"alertSeverityColumnName,omitzero"`
	// AlertDynamicProperties take further alert properties (product name, alert link,
	// remediation steps, ...) from columns.
	AlertDynamicProperties []AlertPropertyMapping `json:"alertDynamicProperties,omitzero"`
	Unknown                jsontext.Value         `json:",embed"`
}

// IncidentConfiguration says whether a rule's alerts create incidents and how they are
// grouped. A nil *IncidentConfiguration leaves the service's default (create incidents,
// no grouping).
type IncidentConfiguration struct {
	CreateIncident        bool                   `json:"createIncident"`
	GroupingConfiguration *GroupingConfiguration `json:"groupingConfiguration,omitzero"`
	Unknown               jsontext.Value         `json:",embed"`
}

// GroupingConfiguration groups a rule's alerts into incidents.
type GroupingConfiguration struct {
	Enabled              bool `json:"enabled"`
	ReopenClosedIncident bool `json:"reopenClosedIncident"`
	// LookbackDuration limits the group to alerts created within it: 5 minutes to 7 days.
	LookbackDuration time.Duration  `json:"lookbackDuration"`
	MatchingMethod   MatchingMethod `json:"matchingMethod"`
	// With MatchingSelected, at least one of the following must be set.
	GroupByEntities      []EntityMappingType `json:"groupByEntities,omitzero"`
	GroupByAlertDetails  []AlertDetail       `json:"groupByAlertDetails,omitzero"`
	GroupByCustomDetails []string            `json:"groupByCustomDetails,omitzero"`
	Unknown              jsontext.Value      `json:",embed"`
}

// AlertRule is an analytics rule: *ScheduledAlertRule, *MicrosoftSecurityIncidentCreationAlertRule,
// *FusionAlertRule, or *UnknownAlertRule for the kinds of preview and later API versions.
// Use a type switch to reach its fields.
type AlertRule interface {
	// Kind returns the rule's kind.
	Kind() AlertRuleKind
	// Envelope returns the rule's ARM ID, name (its rule ID), etag and system data.
	Envelope() *Resource
}

// ScheduledAlertRule runs a KQL query on a schedule and raises alerts from its results. Its
// fields read flat (r.Query, r.Etag); on the wire ScheduledAlertRuleProperties sit under
// "properties". Members this SDK does not model are kept at every level and sent back.
type ScheduledAlertRule struct {
	Resource
	ScheduledAlertRuleProperties `json:"properties"`
	Unknown                      jsontext.Value `json:",embed"`
}

// ScheduledAlertRuleProperties are a scheduled rule's "properties".
type ScheduledAlertRuleProperties struct {
	DisplayName string   `json:"displayName"`
	Description string   `json:"description,omitzero"`
	Enabled     bool     `json:"enabled"`
	Severity    Severity `json:"severity"`
	// Query is the KQL query, at most 10,000 characters.
	Query string `json:"query"`
	// QueryFrequency is how often the query runs and QueryPeriod how far back it looks:
	// each 5 minutes to 14 days.
	QueryFrequency  time.Duration   `json:"queryFrequency"`
	QueryPeriod     time.Duration   `json:"queryPeriod"`
	TriggerOperator TriggerOperator `json:"triggerOperator"`
	// TriggerThreshold is compared with the number of result rows: 0 to 10,000.
	TriggerThreshold int `json:"triggerThreshold"`
	// SuppressionDuration (up to 24 hours) is required by the service even when
	// SuppressionEnabled is false; the portal sends 5 hours.
	SuppressionEnabled  bool            `json:"suppressionEnabled"`
	SuppressionDuration time.Duration   `json:"suppressionDuration"`
	Tactics             []AttackTactic  `json:"tactics,omitzero"`
	Techniques          []string        `json:"techniques,omitzero"`
	EntityMappings      []EntityMapping `json:"entityMappings,omitzero"`
	// CustomDetails maps the name of each custom detail of the alerts to a query column.
	// The values are column names (strings); other JSON values the service may send are kept.
	CustomDetails         map[string]any         `json:"customDetails,omitzero"`
	AlertDetailsOverride  AlertDetailsOverride   `json:"alertDetailsOverride,omitzero"`
	EventGroupingSettings EventGroupingSettings  `json:"eventGroupingSettings,omitzero"`
	IncidentConfiguration *IncidentConfiguration `json:"incidentConfiguration,omitzero"`
	AlertRuleTemplateName string                 `json:"alertRuleTemplateName,omitzero"`
	TemplateVersion       string                 `json:"templateVersion,omitzero"`
	LastModified          time.Time              `json:"lastModifiedUtc,omitzero"` // read-only
	Unknown               jsontext.Value         `json:",embed"`
}

// MicrosoftSecurityIncidentCreationAlertRule creates incidents from the alerts of a Microsoft
// security product.
type MicrosoftSecurityIncidentCreationAlertRule struct {
	Resource
	MicrosoftSecurityIncidentCreationAlertRuleProperties `json:"properties"`
	Unknown                                              jsontext.Value `json:",embed"`
}

// MicrosoftSecurityIncidentCreationAlertRuleProperties are the "properties" of a
// MicrosoftSecurityIncidentCreation rule.
type MicrosoftSecurityIncidentCreationAlertRuleProperties struct {
	DisplayName   string                       `json:"displayName"`
	Description   string                       `json:"description,omitzero"`
	Enabled       bool                         `json:"enabled"`
	ProductFilter MicrosoftSecurityProductName `json:"productFilter"`
	// SeveritiesFilter keeps alerts of these severities; empty keeps all.
	SeveritiesFilter []Severity `json:"severitiesFilter,omitzero"`
	// DisplayNamesFilter keeps alerts whose name contains one of these texts and
	// DisplayNamesExcludeFilter drops those whose name contains one of these.
	DisplayNamesFilter        []string       `json:"displayNamesFilter,omitzero"`
	DisplayNamesExcludeFilter []string       `json:"displayNamesExcludeFilter,omitzero"`
	AlertRuleTemplateName     string         `json:"alertRuleTemplateName,omitzero"`
	LastModified              time.Time      `json:"lastModifiedUtc,omitzero"` // read-only
	Unknown                   jsontext.Value `json:",embed"`
}

// FusionAlertRule is the built-in multistage attack detection. Only Enabled and
// AlertRuleTemplateName can be set; the rest is read-only.
type FusionAlertRule struct {
	Resource
	FusionAlertRuleProperties `json:"properties"`
	Unknown                   jsontext.Value `json:",embed"`
}

// FusionAlertRuleProperties are the "properties" of the Fusion rule.
type FusionAlertRuleProperties struct {
	AlertRuleTemplateName string         `json:"alertRuleTemplateName"`
	Enabled               bool           `json:"enabled"`
	DisplayName           string         `json:"displayName,omitzero"`
	Description           string         `json:"description,omitzero"`
	Severity              Severity       `json:"severity,omitzero"`
	Tactics               []AttackTactic `json:"tactics,omitzero"`
	Techniques            []string       `json:"techniques,omitzero"`
	LastModified          time.Time      `json:"lastModifiedUtc,omitzero"`
	Unknown               jsontext.Value `json:",embed"`
}

// UnknownAlertRule is a rule of a kind this SDK does not type (NRT, MLBehaviorAnalytics,
// ThreatIntelligence, ...). Raw is the rule's JSON exactly as the service sent it; an update
// sends it back byte for byte, with only the etag replaced when Etag was changed. To create
// such a rule, decode its wire form into an UnknownAlertRule with UnmarshalJSON.
type UnknownAlertRule = Unknown[AlertRuleKind]

// Kind returns AlertRuleKindScheduled.
func (*ScheduledAlertRule) Kind() AlertRuleKind { return AlertRuleKindScheduled }

// Kind returns AlertRuleKindMicrosoftSecurityIncidentCreation.
func (*MicrosoftSecurityIncidentCreationAlertRule) Kind() AlertRuleKind {
	return AlertRuleKindMicrosoftSecurityIncidentCreation
}

// Kind returns AlertRuleKindFusion.
func (*FusionAlertRule) Kind() AlertRuleKind { return AlertRuleKindFusion }

// The kind registry of AlertRule.
var _ = newFamily[AlertRuleKind, AlertRule](false,
	func() AlertRule { return new(ScheduledAlertRule) },
	func() AlertRule { return new(MicrosoftSecurityIncidentCreationAlertRule) },
	func() AlertRule { return new(FusionAlertRule) },
)

// UnmarshalAlertRule decodes one rule in the service's wire form into the type of its kind;
// it is UnmarshalJSON into an AlertRule.
func UnmarshalAlertRule(data []byte) (AlertRule, error) {
	var r AlertRule
	if err := UnmarshalJSON(data, &r); err != nil {
		return nil, err
	}
	return r, nil
}

// Limits the service and portal enforce on scheduled rules.
const (
	minQueryInterval  = 5 * time.Minute
	maxQueryInterval  = 14 * 24 * time.Hour
	maxSuppression    = 24 * time.Hour
	minGroupLookback  = 5 * time.Minute
	maxGroupLookback  = 7 * 24 * time.Hour
	maxTriggerCount   = 10000
	maxAlertRuleQuery = 10000 // characters
)

// validate checks what the service refuses: required members, the query's length, the
// limits of the durations and of the threshold, and incomplete entity mappings and grouping.
// Enum values are not checked: the service accepts values this SDK does not know.
func (r *ScheduledAlertRule) validate() error {
	const p = "ScheduledAlertRule."
	switch {
	case strings.TrimSpace(r.DisplayName) == "":
		return argError(p+"DisplayName", "is required")
	case strings.TrimSpace(r.Query) == "":
		return argError(p+"Query", "is required")
	case utf8.RuneCountInString(r.Query) > maxAlertRuleQuery:
		return argError(p+"Query", "is %d characters long; at most %d are allowed", utf8.RuneCountInString(r.Query), maxAlertRuleQuery)
	}
	if r.Severity == "" {
		return argError(p+"Severity", "is required")
	}
	if r.TriggerOperator == "" {
		return argError(p+"TriggerOperator", "is required")
	}
	if r.TriggerThreshold < 0 || r.TriggerThreshold > maxTriggerCount {
		return argError(p+"TriggerThreshold", "must be between 0 and %d, got %d", maxTriggerCount, r.TriggerThreshold)
	}
	if err := checkDuration(p+"QueryFrequency", r.QueryFrequency, minQueryInterval, maxQueryInterval); err != nil {
		return err
	}
	if err := checkDuration(p+"QueryPeriod", r.QueryPeriod, minQueryInterval, maxQueryInterval); err != nil {
		return err
	}
	if r.SuppressionDuration == 0 {
		return argError(p+"SuppressionDuration", "is required even when suppression is off (the portal sends PT5H)")
	}
	if err := checkDuration(p+"SuppressionDuration", r.SuppressionDuration, time.Second, maxSuppression); err != nil {
		return err
	}
	if err := validateEntityMappings(p+"EntityMappings", r.EntityMappings); err != nil {
		return err
	}
	for k := range r.CustomDetails {
		if strings.TrimSpace(k) == "" {
			return argError(p+"CustomDetails", "a custom detail needs a key")
		}
	}
	if ic := r.IncidentConfiguration; ic != nil && ic.GroupingConfiguration != nil {
		if err := ic.GroupingConfiguration.validate(p + "IncidentConfiguration.GroupingConfiguration."); err != nil {
			return err
		}
	}
	return nil
}

func validateEntityMappings(name string, ms []EntityMapping) error {
	for i, m := range ms {
		n := fmt.Sprintf("%s[%d]", name, i)
		if m.EntityType == "" {
			return argError(n+".EntityType", "is required")
		}
		if len(m.FieldMappings) == 0 {
			return argError(n+".FieldMappings", "an entity mapping needs at least one field mapping")
		}
		for j, f := range m.FieldMappings {
			if f.Identifier == "" || f.ColumnName == "" {
				return argError(fmt.Sprintf("%s.FieldMappings[%d]", n, j), "needs an identifier and a column name")
			}
		}
	}
	return nil
}

func (g *GroupingConfiguration) validate(p string) error {
	if g.MatchingMethod == "" {
		return argError(p+"MatchingMethod", "is required")
	}
	if err := checkDuration(p+"LookbackDuration", g.LookbackDuration, minGroupLookback, maxGroupLookback); err != nil {
		return err
	}
	if g.MatchingMethod == MatchingSelected && len(g.GroupByEntities)+len(g.GroupByAlertDetails)+len(g.GroupByCustomDetails) == 0 {
		return argError(p+"MatchingMethod", "Selected needs at least one of GroupByEntities, GroupByAlertDetails and GroupByCustomDetails")
	}
	return nil
}

func (r *MicrosoftSecurityIncidentCreationAlertRule) validate() error {
	const p = "MicrosoftSecurityIncidentCreationAlertRule."
	if strings.TrimSpace(r.DisplayName) == "" {
		return argError(p+"DisplayName", "is required")
	}
	if r.ProductFilter == "" {
		return argError(p+"ProductFilter", "is required")
	}
	return nil
}

func (r *FusionAlertRule) validate() error {
	if strings.TrimSpace(r.AlertRuleTemplateName) == "" {
		return argError("FusionAlertRule.AlertRuleTemplateName", "is required")
	}
	return nil
}

// ListAlertRulesOptions are the options of ListAlertRules; none yet (the API has no filter).
type ListAlertRulesOptions struct{}

// ListAlertRules returns a pager over the workspace's analytics rules (GET .../alertRules).
// Each item is a *ScheduledAlertRule, *MicrosoftSecurityIncidentCreationAlertRule,
// *FusionAlertRule or *UnknownAlertRule.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules
func (c *Client) ListAlertRules(_ *ListAlertRulesOptions) *Pager[AlertRule] {
	return newPager[AlertRule](c, &request{op: "Client.ListAlertRules", method: http.MethodGet, path: c.path("alertRules")})
}

// GetAlertRuleOptions are the options of GetAlertRule; none yet.
type GetAlertRuleOptions struct{}

// GetAlertRule returns one analytics rule (GET .../alertRules/{ruleID}) as the type of its
// kind. A missing rule is a *ResponseError that matches ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}
func (c *Client) GetAlertRule(ctx context.Context, ruleID string, _ *GetAlertRuleOptions) (AlertRule, error) {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return nil, err
	}
	var out AlertRule
	err := c.call(ctx, &request{op: "Client.GetAlertRule", method: http.MethodGet, path: c.path("alertRules", ruleID)}, &out)
	return out, err
}

// CreateOrUpdateAlertRuleOptions are the options of CreateOrUpdateAlertRule; none yet.
type CreateOrUpdateAlertRuleOptions struct{}

// CreateOrUpdateAlertRule writes rule under ruleID (PUT .../alertRules/{ruleID}) and returns
// the stored rule with its new etag. To update, send the rule as read with its Etag: a stale
// etag is a *ResponseError matching ErrConflict, and a rule sent without an etag overwrites
// the existing one (the service keeps the last write). The rule is
// validated first, for what the service refuses: required fields, the query's length, the
// limits of the durations and of the trigger threshold, entity mappings without field
// mappings, and Selected grouping without anything to group by. Enum values are sent as they
// are, also values this SDK does not know. A rule built in Go gets its kind; members of a rule
// read that this SDK does not model are sent back, at every depth, and an *UnknownAlertRule is
// sent byte for byte as it was read.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}
func (c *Client) CreateOrUpdateAlertRule(ctx context.Context, ruleID string, rule AlertRule, _ *CreateOrUpdateAlertRuleOptions) (AlertRule, error) {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return nil, err
	}
	if isNilInterface(rule) {
		return nil, argError("rule", "must not be nil")
	}
	if err := validate(rule); err != nil {
		return nil, err
	}
	var out AlertRule
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateAlertRule", method: http.MethodPut, path: c.path("alertRules", ruleID), body: rule, ok: okPut}, &out)
	return out, err
}

// DeleteAlertRuleOptions are the options of DeleteAlertRule; none yet.
type DeleteAlertRuleOptions struct{}

// DeleteAlertRule deletes an analytics rule and its actions (DELETE .../alertRules/{ruleID}).
// Deleting a rule that does not exist succeeds (204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}
func (c *Client) DeleteAlertRule(ctx context.Context, ruleID string, _ *DeleteAlertRuleOptions) error {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteAlertRule", method: http.MethodDelete, path: c.path("alertRules", ruleID), ok: okDelete}, nil)
}

// AlertRuleAction is a playbook (Logic App) an analytics rule triggers for each alert. Its
// fields read flat (a.LogicAppResourceID, a.Etag); on the wire AlertRuleActionProperties sit
// under "properties".
type AlertRuleAction struct {
	Resource
	AlertRuleActionProperties `json:"properties"`
	Unknown                   jsontext.Value `json:",embed"`
}

// AlertRuleActionProperties are an action's "properties".
type AlertRuleActionProperties struct {
	// LogicAppResourceID is the ARM ID of the Logic App workflow.
	LogicAppResourceID string `json:"logicAppResourceId"`
	// TriggerURI is the Logic App's trigger callback URL. It is required to create or update
	// an action and never returned. It carries a signature: treat it as a secret. Errors of
	// this SDK never include it.
	TriggerURI string `json:"triggerUri,omitzero"`
	// WorkflowID is the workflow's ID (read-only).
	WorkflowID string         `json:"workflowId,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// ListAlertRuleActionsOptions are the options of ListAlertRuleActions; none yet.
type ListAlertRuleActionsOptions struct{}

// ListAlertRuleActions returns a pager over the actions of a rule
// (GET .../alertRules/{ruleID}/actions). An invalid ruleID is reported by the first NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}/actions
func (c *Client) ListAlertRuleActions(ruleID string, _ *ListAlertRuleActionsOptions) *Pager[AlertRuleAction] {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return errPager[AlertRuleAction](err)
	}
	return newPager[AlertRuleAction](c, &request{op: "Client.ListAlertRuleActions", method: http.MethodGet, path: c.path("alertRules", ruleID, "actions")})
}

// GetAlertRuleActionOptions are the options of GetAlertRuleAction; none yet.
type GetAlertRuleActionOptions struct{}

// GetAlertRuleAction returns one action of a rule (GET .../alertRules/{ruleID}/actions/{actionID}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}/actions/{actionId}
func (c *Client) GetAlertRuleAction(ctx context.Context, ruleID, actionID string, _ *GetAlertRuleActionOptions) (AlertRuleAction, error) {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return AlertRuleAction{}, err
	}
	if err := c.resourceName("actionID", &actionID, "alertRules", ruleID, "actions"); err != nil {
		return AlertRuleAction{}, err
	}
	var out AlertRuleAction
	err := c.call(ctx, &request{op: "Client.GetAlertRuleAction", method: http.MethodGet, path: c.path("alertRules", ruleID, "actions", actionID)}, &out)
	return out, err
}

// CreateOrUpdateAlertRuleActionOptions are the options of CreateOrUpdateAlertRuleAction; none yet.
type CreateOrUpdateAlertRuleActionOptions struct{}

// CreateOrUpdateAlertRuleAction attaches a playbook to a rule or changes it
// (PUT .../alertRules/{ruleID}/actions/{actionID}). LogicAppResourceID (a Logic App workflow's
// ARM ID) and TriggerURI (an https URL) are required; Etag must be the current one when the
// action exists.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}/actions/{actionId}
func (c *Client) CreateOrUpdateAlertRuleAction(ctx context.Context, ruleID, actionID string, action AlertRuleAction, _ *CreateOrUpdateAlertRuleActionOptions) (AlertRuleAction, error) {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return AlertRuleAction{}, err
	}
	if err := c.resourceName("actionID", &actionID, "alertRules", ruleID, "actions"); err != nil {
		return AlertRuleAction{}, err
	}
	if err := action.validate(); err != nil {
		return AlertRuleAction{}, err
	}
	var out AlertRuleAction
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateAlertRuleAction", method: http.MethodPut, path: c.path("alertRules", ruleID, "actions", actionID), body: &action, ok: okPut}, &out)
	return out, err
}

func (a *AlertRuleAction) validate() error {
	if err := checkResourceID("AlertRuleAction.LogicAppResourceID", a.LogicAppResourceID); err != nil {
		return err
	}
	if !workflowIDRE.MatchString(a.LogicAppResourceID) {
		return argError("AlertRuleAction.LogicAppResourceID", "%q is not the ARM ID of a Logic App workflow (/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Logic/workflows/{name})", a.LogicAppResourceID)
	}
	u, err := url.Parse(a.TriggerURI)
	if a.TriggerURI == "" {
		return argError("AlertRuleAction.TriggerURI", "is required")
	}
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return argError("AlertRuleAction.TriggerURI", "must be an absolute https URL")
	}
	return nil
}

// DeleteAlertRuleActionOptions are the options of DeleteAlertRuleAction; none yet.
type DeleteAlertRuleActionOptions struct{}

// DeleteAlertRuleAction detaches a playbook from a rule
// (DELETE .../alertRules/{ruleID}/actions/{actionID}).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}/actions/{actionId}
func (c *Client) DeleteAlertRuleAction(ctx context.Context, ruleID, actionID string, _ *DeleteAlertRuleActionOptions) error {
	if err := c.resourceName("ruleID", &ruleID, "alertRules"); err != nil {
		return err
	}
	if err := c.resourceName("actionID", &actionID, "alertRules", ruleID, "actions"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteAlertRuleAction", method: http.MethodDelete, path: c.path("alertRules", ruleID, "actions", actionID), ok: okDelete}, nil)
}

// AlertRuleTemplateDataSource is a data connector a template needs.
type AlertRuleTemplateDataSource struct {
	ConnectorID string         `json:"connectorId"`
	DataTypes   []string       `json:"dataTypes,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// AlertRuleTemplate is a built-in template for analytics rules:
// *ScheduledAlertRuleTemplate, *MicrosoftSecurityIncidentCreationAlertRuleTemplate,
// *FusionAlertRuleTemplate or *UnknownAlertRuleTemplate. Templates are read-only.
type AlertRuleTemplate interface {
	// Kind returns the kind of rule the template makes.
	Kind() AlertRuleKind
	// Envelope returns the template's ARM ID and name (its template ID).
	Envelope() *Resource
}

// ScheduledAlertRuleTemplate is the template of a scheduled rule. NewRuleFromTemplate turns
// it into a rule. Its fields read flat (t.Query); on the wire
// ScheduledAlertRuleTemplateProperties sit under "properties".
type ScheduledAlertRuleTemplate struct {
	Resource
	ScheduledAlertRuleTemplateProperties `json:"properties"`
	Unknown                              jsontext.Value `json:",embed"`
}

// ScheduledAlertRuleTemplateProperties are a scheduled rule template's "properties".
type ScheduledAlertRuleTemplateProperties struct {
	DisplayName           string                `json:"displayName,omitzero"`
	Description           string                `json:"description,omitzero"`
	Severity              Severity              `json:"severity,omitzero"`
	Tactics               []AttackTactic        `json:"tactics,omitzero"`
	Techniques            []string              `json:"techniques,omitzero"`
	Query                 string                `json:"query,omitzero"`
	QueryFrequency        time.Duration         `json:"queryFrequency,omitzero"`
	QueryPeriod           time.Duration         `json:"queryPeriod,omitzero"`
	TriggerOperator       TriggerOperator       `json:"triggerOperator,omitzero"`
	TriggerThreshold      int                   `json:"triggerThreshold"`
	EntityMappings        []EntityMapping       `json:"entityMappings,omitzero"`
	CustomDetails         map[string]any        `json:"customDetails,omitzero"`
	AlertDetailsOverride  AlertDetailsOverride  `json:"alertDetailsOverride,omitzero"`
	EventGroupingSettings EventGroupingSettings `json:"eventGroupingSettings,omitzero"`
	// Version is the template's version, such as "1.0.2"; rules made from it keep it as
	// TemplateVersion.
	Version                string                        `json:"version,omitzero"`
	Status                 AlertRuleTemplateStatus       `json:"status,omitzero"`
	RequiredDataConnectors []AlertRuleTemplateDataSource `json:"requiredDataConnectors,omitzero"`
	RulesCreatedCount      int                           `json:"alertRulesCreatedByTemplateCount,omitzero"`
	Created                time.Time                     `json:"createdDateUTC,omitzero"`
	LastUpdated            time.Time                     `json:"lastUpdatedDateUTC,omitzero"`
	Unknown                jsontext.Value                `json:",embed"`
}

// MicrosoftSecurityIncidentCreationAlertRuleTemplate is the template of a
// MicrosoftSecurityIncidentCreation rule.
type MicrosoftSecurityIncidentCreationAlertRuleTemplate struct {
	Resource
	MicrosoftSecurityIncidentCreationAlertRuleTemplateProperties `json:"properties"`
	Unknown                                                      jsontext.Value `json:",embed"`
}

// MicrosoftSecurityIncidentCreationAlertRuleTemplateProperties are the "properties" of a
// MicrosoftSecurityIncidentCreation rule template.
type MicrosoftSecurityIncidentCreationAlertRuleTemplateProperties struct {
	DisplayName               string                        `json:"displayName,omitzero"`
	Description               string                        `json:"description,omitzero"`
	ProductFilter             MicrosoftSecurityProductName  `json:"productFilter,omitzero"`
	SeveritiesFilter          []Severity                    `json:"severitiesFilter,omitzero"`
	DisplayNamesFilter        []string                      `json:"displayNamesFilter,omitzero"`
	DisplayNamesExcludeFilter []string                      `json:"displayNamesExcludeFilter,omitzero"`
	Status                    AlertRuleTemplateStatus       `json:"status,omitzero"`
	RequiredDataConnectors    []AlertRuleTemplateDataSource `json:"requiredDataConnectors,omitzero"`
	RulesCreatedCount         int                           `json:"alertRulesCreatedByTemplateCount,omitzero"`
	Created                   time.Time                     `json:"createdDateUTC,omitzero"`
	LastUpdated               time.Time                     `json:"lastUpdatedDateUTC,omitzero"`
	Unknown                   jsontext.Value                `json:",embed"`
}

// FusionAlertRuleTemplate is the template of the Fusion rule.
type FusionAlertRuleTemplate struct {
	Resource
	FusionAlertRuleTemplateProperties `json:"properties"`
	Unknown                           jsontext.Value `json:",embed"`
}

// FusionAlertRuleTemplateProperties are the "properties" of the Fusion rule template.
type FusionAlertRuleTemplateProperties struct {
	DisplayName            string                        `json:"displayName,omitzero"`
	Description            string                        `json:"description,omitzero"`
	Severity               Severity                      `json:"severity,omitzero"`
	Tactics                []AttackTactic                `json:"tactics,omitzero"`
	Techniques             []string                      `json:"techniques,omitzero"`
	Status                 AlertRuleTemplateStatus       `json:"status,omitzero"`
	RequiredDataConnectors []AlertRuleTemplateDataSource `json:"requiredDataConnectors,omitzero"`
	RulesCreatedCount      int                           `json:"alertRulesCreatedByTemplateCount,omitzero"`
	Created                time.Time                     `json:"createdDateUTC,omitzero"`
	LastUpdated            time.Time                     `json:"lastUpdatedDateUTC,omitzero"`
	Unknown                jsontext.Value                `json:",embed"`
}

// UnknownAlertRuleTemplate is a template of a kind this SDK does not type; Raw is its JSON as
// the service sent it. It is the same type as UnknownAlertRule.
type UnknownAlertRuleTemplate = Unknown[AlertRuleKind]

// Kind returns AlertRuleKindScheduled.
func (*ScheduledAlertRuleTemplate) Kind() AlertRuleKind { return AlertRuleKindScheduled }

// Kind returns AlertRuleKindMicrosoftSecurityIncidentCreation.
func (*MicrosoftSecurityIncidentCreationAlertRuleTemplate) Kind() AlertRuleKind {
	return AlertRuleKindMicrosoftSecurityIncidentCreation
}

// Kind returns AlertRuleKindFusion.
func (*FusionAlertRuleTemplate) Kind() AlertRuleKind { return AlertRuleKindFusion }

// The kind registry of AlertRuleTemplate.
var _ = newFamily[AlertRuleKind, AlertRuleTemplate](false,
	func() AlertRuleTemplate { return new(ScheduledAlertRuleTemplate) },
	func() AlertRuleTemplate { return new(MicrosoftSecurityIncidentCreationAlertRuleTemplate) },
	func() AlertRuleTemplate { return new(FusionAlertRuleTemplate) },
)

// ListAlertRuleTemplatesOptions are the options of ListAlertRuleTemplates; none yet.
type ListAlertRuleTemplatesOptions struct{}

// ListAlertRuleTemplates returns a pager over the built-in rule templates
// (GET .../alertRuleTemplates), each as the type of its kind.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRuleTemplates
func (c *Client) ListAlertRuleTemplates(_ *ListAlertRuleTemplatesOptions) *Pager[AlertRuleTemplate] {
	return newPager[AlertRuleTemplate](c, &request{op: "Client.ListAlertRuleTemplates", method: http.MethodGet, path: c.path("alertRuleTemplates")})
}

// GetAlertRuleTemplateOptions are the options of GetAlertRuleTemplate; none yet.
type GetAlertRuleTemplateOptions struct{}

// GetAlertRuleTemplate returns one rule template (GET .../alertRuleTemplates/{templateID}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRuleTemplates/{alertRuleTemplateId}
func (c *Client) GetAlertRuleTemplate(ctx context.Context, templateID string, _ *GetAlertRuleTemplateOptions) (AlertRuleTemplate, error) {
	if err := c.resourceName("templateID", &templateID, "alertRuleTemplates"); err != nil {
		return nil, err
	}
	var out AlertRuleTemplate
	err := c.call(ctx, &request{op: "Client.GetAlertRuleTemplate", method: http.MethodGet, path: c.path("alertRuleTemplates", templateID)}, &out)
	return out, err
}

// Defaults NewRuleFromTemplate uses where a template says nothing, as the portal does.
const (
	defaultSuppression      = 5 * time.Hour
	defaultGroupingLookback = 5 * time.Hour
)

// NewRuleFromTemplate returns a new, enabled scheduled rule made from t: its query, schedule,
// trigger, severity, tactics, techniques, entity mappings, custom details, alert details
// override and event grouping, with AlertRuleTemplateName and TemplateVersion pointing back
// at the template. Like the portal it sets suppression off (SuppressionDuration 5 hours) and
// creates incidents without grouping. The rule shares no slices or maps with t. Create it with
// CreateOrUpdateAlertRule under a new rule ID (a GUID).
func NewRuleFromTemplate(t *ScheduledAlertRuleTemplate) *ScheduledAlertRule {
	r := &ScheduledAlertRule{ScheduledAlertRuleProperties: ScheduledAlertRuleProperties{
		DisplayName:           t.DisplayName,
		Description:           t.Description,
		Enabled:               true,
		Severity:              t.Severity,
		Query:                 t.Query,
		QueryFrequency:        t.QueryFrequency,
		QueryPeriod:           t.QueryPeriod,
		TriggerOperator:       t.TriggerOperator,
		TriggerThreshold:      t.TriggerThreshold,
		SuppressionDuration:   defaultSuppression,
		Tactics:               slices.Clone(t.Tactics),
		Techniques:            slices.Clone(t.Techniques),
		CustomDetails:         cloneJSONMap(t.CustomDetails),
		AlertDetailsOverride:  t.AlertDetailsOverride.clone(),
		EventGroupingSettings: EventGroupingSettings{AggregationKind: t.EventGroupingSettings.AggregationKind, Unknown: bytes.Clone(t.EventGroupingSettings.Unknown)},
		AlertRuleTemplateName: t.Name,
		TemplateVersion:       t.Version,
		IncidentConfiguration: &IncidentConfiguration{
			CreateIncident: true,
			GroupingConfiguration: &GroupingConfiguration{
				LookbackDuration: defaultGroupingLookback,
				MatchingMethod:   MatchingAllEntities,
			},
		},
	}}
	for _, m := range t.EntityMappings {
		r.EntityMappings = append(r.EntityMappings, m.clone())
	}
	return r
}

// clone returns a copy of m that shares no memory with it.
func (m EntityMapping) clone() EntityMapping {
	c := EntityMapping{EntityType: m.EntityType, Unknown: bytes.Clone(m.Unknown)}
	for _, f := range m.FieldMappings {
		c.FieldMappings = append(c.FieldMappings, FieldMapping{Identifier: f.Identifier, ColumnName: f.ColumnName, Unknown: bytes.Clone(f.Unknown)})
	}
	return c
}

// clone returns a copy of o that shares no memory with it.
func (o AlertDetailsOverride) clone() AlertDetailsOverride {
	c := o
	c.Unknown = bytes.Clone(o.Unknown)
	c.AlertDynamicProperties = nil
	for _, p := range o.AlertDynamicProperties {
		c.AlertDynamicProperties = append(c.AlertDynamicProperties, AlertPropertyMapping{AlertProperty: p.AlertProperty, Value: p.Value, Unknown: bytes.Clone(p.Unknown)})
	}
	return c
}

// cloneJSONMap returns a deep copy of a free-form JSON object.
func cloneJSONMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cloneJSONValue(v)
	}
	return c
}

func cloneJSONValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneJSONMap(v)
	case []any:
		c := make([]any, len(v))
		for i, x := range v {
			c[i] = cloneJSONValue(x)
		}
		return c
	}
	return v
}
