package sentinel

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// AlertRuleKind is the kind of an analytics rule (alert rule) or rule template.
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

// Trigger operators (a closed set).
const (
	TriggerOperatorGreaterThan TriggerOperator = "GreaterThan"
	TriggerOperatorLessThan    TriggerOperator = "LessThan"
	TriggerOperatorEqual       TriggerOperator = "Equal"
	TriggerOperatorNotEqual    TriggerOperator = "NotEqual"
)

// PossibleTriggerOperatorValues returns the trigger operators.
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

// Microsoft security products of the stable API.
const (
	ProductMicrosoftCloudAppSecurity              MicrosoftSecurityProductName = "Microsoft Cloud App Security"
	ProductAzureSecurityCenter                    MicrosoftSecurityProductName = "Azure Security Center"
	ProductAzureAdvancedThreatProtection          MicrosoftSecurityProductName = "Azure Advanced Threat Protection"
	ProductAzureActiveDirectoryIdentityProtection MicrosoftSecurityProductName = "Azure Active Directory Identity Protection"
	ProductAzureSecurityCenterForIoT              MicrosoftSecurityProductName = "Azure Security Center for IoT"
)

// PossibleMicrosoftSecurityProductNameValues returns the products this SDK knows.
func PossibleMicrosoftSecurityProductNameValues() []MicrosoftSecurityProductName {
	return []MicrosoftSecurityProductName{ProductMicrosoftCloudAppSecurity, ProductAzureSecurityCenter,
		ProductAzureAdvancedThreatProtection, ProductAzureActiveDirectoryIdentityProtection, ProductAzureSecurityCenterForIoT}
}

// AlertRuleTemplateStatus says whether a template's data connectors are connected.
type AlertRuleTemplateStatus string

// Alert rule template statuses.
const (
	TemplateInstalled    AlertRuleTemplateStatus = "Installed"
	TemplateAvailable    AlertRuleTemplateStatus = "Available"
	TemplateNotAvailable AlertRuleTemplateStatus = "NotAvailable"
)

// FieldMapping maps one query column to one identifier of an entity, such as the column
// "Caller" to the Account entity's "FullName".
type FieldMapping struct {
	Identifier string `json:"identifier"`
	ColumnName string `json:"columnName"`
}

// EntityMapping maps query columns to one entity of the alert.
type EntityMapping struct {
	EntityType    EntityMappingType `json:"entityType"`
	FieldMappings []FieldMapping    `json:"fieldMappings"`
}

// EventGroupingSettings say how a scheduled rule groups query results into alerts.
type EventGroupingSettings struct {
	AggregationKind EventGroupingAggregationKind `json:"aggregationKind,omitzero"`
}

// AlertDetailsOverride takes alert details from query columns instead of the rule.
type AlertDetailsOverride struct {
	// AlertDisplayNameFormat and AlertDescriptionFormat may refer to columns as {{Column}}.
	AlertDisplayNameFormat  string `json:"alertDisplayNameFormat,omitzero"`
	AlertDescriptionFormat  string `json:"alertDescriptionFormat,omitzero"`
	AlertTacticsColumnName  string `json:"alertTacticsColumnName,omitzero"`
	AlertSeverityColumnName string `json:"alertSeverityColumnName,omitzero"`
}

// IncidentConfiguration says whether a rule's alerts create incidents and how they are
// grouped. A nil *IncidentConfiguration leaves the service's default (create incidents,
// no grouping).
type IncidentConfiguration struct {
	CreateIncident        bool                   `json:"createIncident"`
	GroupingConfiguration *GroupingConfiguration `json:"groupingConfiguration,omitzero"`
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
}

// AlertRule is an analytics rule: *ScheduledAlertRule, *MicrosoftSecurityIncidentCreationAlertRule,
// *FusionAlertRule, or *UnknownAlertRule for the kinds of preview and later API versions.
// Use a type switch to reach its fields.
type AlertRule interface {
	// Kind returns the rule's kind.
	Kind() AlertRuleKind
	// Resource returns the rule's ARM ID, name (its rule ID) and etag.
	Resource() ResourceInfo
	validate() error
}

// ScheduledAlertRule runs a KQL query on a schedule and raises alerts from its results.
// Properties the service returns that this SDK does not model are kept and sent back.
// Its JSON form (json.Marshal, json.Unmarshal) is the service's wire form.
type ScheduledAlertRule struct {
	ID   string `json:"-"` // ARM resource ID (read-only)
	Name string `json:"-"` // the rule ID
	Etag string `json:"-"`

	DisplayName string   `json:"displayName"`
	Description string   `json:"description,omitzero"`
	Enabled     bool     `json:"enabled"`
	Severity    Severity `json:"severity"`
	// Query is the KQL query.
	Query string `json:"query"`
	// QueryFrequency is how often the query runs and QueryPeriod how far back it looks:
	// each 5 minutes to 14 days.
	QueryFrequency   time.Duration   `json:"queryFrequency"`
	QueryPeriod      time.Duration   `json:"queryPeriod"`
	TriggerOperator  TriggerOperator `json:"triggerOperator"`
	TriggerThreshold int             `json:"triggerThreshold"`
	// SuppressionDuration (up to 24 hours) is required by the service even when
	// SuppressionEnabled is false; the portal sends 5 hours.
	SuppressionEnabled    bool                   `json:"suppressionEnabled"`
	SuppressionDuration   time.Duration          `json:"suppressionDuration"`
	Tactics               []AttackTactic         `json:"tactics,omitzero"`
	Techniques            []string               `json:"techniques,omitzero"`
	EntityMappings        []EntityMapping        `json:"entityMappings,omitzero"`
	CustomDetails         map[string]string      `json:"customDetails,omitzero"`
	AlertDetailsOverride  AlertDetailsOverride   `json:"alertDetailsOverride,omitzero"`
	EventGroupingSettings EventGroupingSettings  `json:"eventGroupingSettings,omitzero"`
	IncidentConfiguration *IncidentConfiguration `json:"incidentConfiguration,omitzero"`
	AlertRuleTemplateName string                 `json:"alertRuleTemplateName,omitzero"`
	TemplateVersion       string                 `json:"templateVersion,omitzero"`
	LastModified          time.Time              `json:"lastModifiedUtc,omitzero"` // read-only

	raw resourceRaw
}

// MicrosoftSecurityIncidentCreationAlertRule creates incidents from the alerts of a Microsoft
// security product.
type MicrosoftSecurityIncidentCreationAlertRule struct {
	ID   string `json:"-"`
	Name string `json:"-"`
	Etag string `json:"-"`

	DisplayName   string                       `json:"displayName"`
	Description   string                       `json:"description,omitzero"`
	Enabled       bool                         `json:"enabled"`
	ProductFilter MicrosoftSecurityProductName `json:"productFilter"`
	// SeveritiesFilter keeps alerts of these severities; empty keeps all.
	SeveritiesFilter []Severity `json:"severitiesFilter,omitzero"`
	// DisplayNamesFilter keeps alerts whose name contains one of these texts and
	// DisplayNamesExcludeFilter drops those whose name contains one of these.
	DisplayNamesFilter        []string  `json:"displayNamesFilter,omitzero"`
	DisplayNamesExcludeFilter []string  `json:"displayNamesExcludeFilter,omitzero"`
	AlertRuleTemplateName     string    `json:"alertRuleTemplateName,omitzero"`
	LastModified              time.Time `json:"lastModifiedUtc,omitzero"` // read-only

	raw resourceRaw
}

// FusionAlertRule is the built-in multistage attack detection. Only Enabled and
// AlertRuleTemplateName can be set; the rest is read-only.
type FusionAlertRule struct {
	ID   string `json:"-"`
	Name string `json:"-"`
	Etag string `json:"-"`

	AlertRuleTemplateName string         `json:"alertRuleTemplateName"`
	Enabled               bool           `json:"enabled"`
	DisplayName           string         `json:"displayName,omitzero"`
	Description           string         `json:"description,omitzero"`
	Severity              Severity       `json:"severity,omitzero"`
	Tactics               []AttackTactic `json:"tactics,omitzero"`
	Techniques            []string       `json:"techniques,omitzero"`
	LastModified          time.Time      `json:"lastModifiedUtc,omitzero"`

	raw resourceRaw
}

// UnknownAlertRule is a rule of a kind this SDK does not type (NRT, MLBehaviorAnalytics,
// ThreatIntelligence, ...). Raw is the rule's JSON exactly as the service sent it; an update
// sends it back byte for byte, with only the etag replaced when Etag was changed. To create
// such a rule, json.Unmarshal its wire form into an UnknownAlertRule.
type UnknownAlertRule struct {
	ID   string
	Name string
	Etag string
	Raw  []byte
}

// Kind returns AlertRuleKindScheduled.
func (*ScheduledAlertRule) Kind() AlertRuleKind { return AlertRuleKindScheduled }

// Kind returns AlertRuleKindMicrosoftSecurityIncidentCreation.
func (*MicrosoftSecurityIncidentCreationAlertRule) Kind() AlertRuleKind {
	return AlertRuleKindMicrosoftSecurityIncidentCreation
}

// Kind returns AlertRuleKindFusion.
func (*FusionAlertRule) Kind() AlertRuleKind { return AlertRuleKindFusion }

// Kind returns the "kind" member of Raw.
func (r *UnknownAlertRule) Kind() AlertRuleKind { k, _ := kindOf(r.Raw); return AlertRuleKind(k) }

// Resource returns the rule's ID, name and etag.
func (r *ScheduledAlertRule) Resource() ResourceInfo { return ResourceInfo{r.ID, r.Name, r.Etag} }

// Resource returns the rule's ID, name and etag.
func (r *MicrosoftSecurityIncidentCreationAlertRule) Resource() ResourceInfo {
	return ResourceInfo{r.ID, r.Name, r.Etag}
}

// Resource returns the rule's ID, name and etag.
func (r *FusionAlertRule) Resource() ResourceInfo { return ResourceInfo{r.ID, r.Name, r.Etag} }

// Resource returns the rule's ID, name and etag.
func (r *UnknownAlertRule) Resource() ResourceInfo { return ResourceInfo{r.ID, r.Name, r.Etag} }

// UnknownProperties returns the rule's properties this SDK does not model, by name, as raw
// JSON. They are sent back unchanged on update.
func (r *ScheduledAlertRule) UnknownProperties() map[string][]byte {
	return unknownMembers(r.raw.props)
}

// UnknownProperties returns the rule's properties this SDK does not model.
func (r *MicrosoftSecurityIncidentCreationAlertRule) UnknownProperties() map[string][]byte {
	return unknownMembers(r.raw.props)
}

// UnknownProperties returns the rule's properties this SDK does not model.
func (r *FusionAlertRule) UnknownProperties() map[string][]byte { return unknownMembers(r.raw.props) }

type (
	scheduledRuleProps ScheduledAlertRule
	msicRuleProps      MicrosoftSecurityIncidentCreationAlertRule
	fusionRuleProps    FusionAlertRule
)

func (r *ScheduledAlertRule) hdr() header { return header{&r.ID, &r.Name, &r.Etag, &r.raw} }
func (r *MicrosoftSecurityIncidentCreationAlertRule) hdr() header {
	return header{&r.ID, &r.Name, &r.Etag, &r.raw}
}
func (r *FusionAlertRule) hdr() header { return header{&r.ID, &r.Name, &r.Etag, &r.raw} }

// UnmarshalJSONFrom decodes the service's wire form.
func (r *ScheduledAlertRule) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*scheduledRuleProps)(r), r.hdr())
}

// MarshalJSONTo encodes the service's wire form.
func (r ScheduledAlertRule) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*scheduledRuleProps)(&r), r.hdr(), string(r.Kind()))
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (r *ScheduledAlertRule) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, r, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (r ScheduledAlertRule) MarshalJSON() ([]byte, error) { return json.Marshal(r, encodeOptions) }

// UnmarshalJSONFrom decodes the service's wire form.
func (r *MicrosoftSecurityIncidentCreationAlertRule) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*msicRuleProps)(r), r.hdr())
}

// MarshalJSONTo encodes the service's wire form.
func (r MicrosoftSecurityIncidentCreationAlertRule) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*msicRuleProps)(&r), r.hdr(), string(r.Kind()))
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (r *MicrosoftSecurityIncidentCreationAlertRule) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, r, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (r MicrosoftSecurityIncidentCreationAlertRule) MarshalJSON() ([]byte, error) {
	return json.Marshal(r, encodeOptions)
}

// UnmarshalJSONFrom decodes the service's wire form.
func (r *FusionAlertRule) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*fusionRuleProps)(r), r.hdr())
}

// MarshalJSONTo encodes the service's wire form.
func (r FusionAlertRule) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*fusionRuleProps)(&r), r.hdr(), string(r.Kind()))
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (r *FusionAlertRule) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, r, decodeOptions) }

// MarshalJSON encodes the service's wire form, for encoding/json.
func (r FusionAlertRule) MarshalJSON() ([]byte, error) { return json.Marshal(r, encodeOptions) }

// UnmarshalJSONFrom keeps the rule's JSON as Raw and reads its ID, name and etag.
func (r *UnknownAlertRule) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	rr, err := decodeRaw(raw.Clone())
	*r = UnknownAlertRule{ID: rr.id, Name: rr.name, Etag: rr.etag, Raw: rr.raw}
	return err
}

// MarshalJSONTo writes Raw, with its etag replaced by Etag when they differ.
func (r UnknownAlertRule) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeRaw(enc, r.Raw, r.Etag)
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (r *UnknownAlertRule) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, r, decodeOptions) }

// MarshalJSON is MarshalJSONTo for encoding/json.
func (r UnknownAlertRule) MarshalJSON() ([]byte, error) { return json.Marshal(r, encodeOptions) }

// newAlertRule returns an empty rule of a typed kind, or nil.
func newAlertRule(kind string) AlertRule {
	switch AlertRuleKind(kind) {
	case AlertRuleKindScheduled:
		return &ScheduledAlertRule{}
	case AlertRuleKindMicrosoftSecurityIncidentCreation:
		return &MicrosoftSecurityIncidentCreationAlertRule{}
	case AlertRuleKindFusion:
		return &FusionAlertRule{}
	}
	return nil
}

func unknownAlertRule(raw []byte) (AlertRule, error) {
	rr, err := decodeRaw(raw)
	return &UnknownAlertRule{ID: rr.id, Name: rr.name, Etag: rr.etag, Raw: rr.raw}, err
}

func decodeAlertRule(dec *jsontext.Decoder, out *AlertRule) error {
	return decodeKinded(dec, out, newAlertRule, unknownAlertRule)
}

// UnmarshalAlertRule decodes one rule in the service's wire form into the type of its kind.
func UnmarshalAlertRule(data []byte) (AlertRule, error) {
	var r AlertRule
	err := json.Unmarshal(data, &legacyKinded[AlertRule]{&r, newAlertRule, unknownAlertRule}, decodeOptions)
	return r, err
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

func (r *ScheduledAlertRule) validate() error {
	const p = "ScheduledAlertRule."
	switch {
	case strings.TrimSpace(r.DisplayName) == "":
		return argError(p+"DisplayName", "is required")
	case strings.TrimSpace(r.Query) == "":
		return argError(p+"Query", "is required")
	case len([]rune(r.Query)) > maxAlertRuleQuery:
		return argError(p+"Query", "is %d characters long; at most %d are allowed", len([]rune(r.Query)), maxAlertRuleQuery)
	}
	if err := checkEnum(p+"Severity", r.Severity, true, PossibleSeverityValues()...); err != nil {
		return err
	}
	if err := checkEnum(p+"TriggerOperator", r.TriggerOperator, true, PossibleTriggerOperatorValues()...); err != nil {
		return err
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
	if err := checkEnum(p+"EventGroupingSettings.AggregationKind", r.EventGroupingSettings.AggregationKind, false, EventGroupingSingleAlert, EventGroupingAlertPerResult); err != nil {
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
		if err := checkEnum(n+".EntityType", m.EntityType, true, PossibleEntityMappingTypeValues()...); err != nil {
			return err
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
	if err := checkEnum(p+"MatchingMethod", g.MatchingMethod, true, MatchingAllEntities, MatchingAnyAlert, MatchingSelected); err != nil {
		return err
	}
	if err := checkDuration(p+"LookbackDuration", g.LookbackDuration, minGroupLookback, maxGroupLookback); err != nil {
		return err
	}
	if g.MatchingMethod == MatchingSelected && len(g.GroupByEntities)+len(g.GroupByAlertDetails)+len(g.GroupByCustomDetails) == 0 {
		return argError(p+"MatchingMethod", "Selected needs at least one of GroupByEntities, GroupByAlertDetails and GroupByCustomDetails")
	}
	for i, e := range g.GroupByEntities {
		if err := checkEnum(fmt.Sprintf("%sGroupByEntities[%d]", p, i), e, true, PossibleEntityMappingTypeValues()...); err != nil {
			return err
		}
	}
	for i, d := range g.GroupByAlertDetails {
		if err := checkEnum(fmt.Sprintf("%sGroupByAlertDetails[%d]", p, i), d, true, AlertDetailDisplayName, AlertDetailSeverity); err != nil {
			return err
		}
	}
	return nil
}

func (r *MicrosoftSecurityIncidentCreationAlertRule) validate() error {
	const p = "MicrosoftSecurityIncidentCreationAlertRule."
	if strings.TrimSpace(r.DisplayName) == "" {
		return argError(p+"DisplayName", "is required")
	}
	if err := checkEnum(p+"ProductFilter", r.ProductFilter, true, PossibleMicrosoftSecurityProductNameValues()...); err != nil {
		return err
	}
	for i, s := range r.SeveritiesFilter {
		if err := checkEnum(fmt.Sprintf("%sSeveritiesFilter[%d]", p, i), s, true, PossibleSeverityValues()...); err != nil {
			return err
		}
	}
	return nil
}

func (r *FusionAlertRule) validate() error {
	if strings.TrimSpace(r.AlertRuleTemplateName) == "" {
		return argError("FusionAlertRule.AlertRuleTemplateName", "is required")
	}
	return nil
}

func (r *UnknownAlertRule) validate() error {
	k, err := kindOf(r.Raw)
	if err != nil {
		return argError("UnknownAlertRule.Raw", "is not a JSON object: %v", err)
	}
	if k == "" {
		return argError("UnknownAlertRule.Raw", "has no kind")
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
	p := newPager[AlertRule](c, &request{op: "Client.ListAlertRules", method: http.MethodGet, path: c.path("alertRules")})
	p.decode = decodeAlertRule
	return p
}

// GetAlertRuleOptions are the options of GetAlertRule; none yet.
type GetAlertRuleOptions struct{}

// GetAlertRule returns one analytics rule (GET .../alertRules/{ruleID}) as the type of its
// kind. A missing rule is a *ResponseError that matches ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}
func (c *Client) GetAlertRule(ctx context.Context, ruleID string, _ *GetAlertRuleOptions) (AlertRule, error) {
	if err := checkID("ruleID", ruleID); err != nil {
		return nil, err
	}
	var out AlertRule
	err := c.call(ctx, &request{op: "Client.GetAlertRule", method: http.MethodGet, path: c.path("alertRules", ruleID)},
		&legacyKinded[AlertRule]{&out, newAlertRule, unknownAlertRule})
	return out, err
}

// CreateOrUpdateAlertRuleOptions are the options of CreateOrUpdateAlertRule; none yet.
type CreateOrUpdateAlertRuleOptions struct{}

// CreateOrUpdateAlertRule writes rule under ruleID (PUT .../alertRules/{ruleID}) and returns
// the stored rule with its new etag. To update, send the rule as read with its Etag: a stale
// or missing etag on an existing rule is a *ResponseError matching ErrConflict. The rule is
// validated first: required fields, known enum values, and durations within the service's
// limits. An *UnknownAlertRule is sent byte for byte as it was read.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}
func (c *Client) CreateOrUpdateAlertRule(ctx context.Context, ruleID string, rule AlertRule, _ *CreateOrUpdateAlertRuleOptions) (AlertRule, error) {
	if err := checkID("ruleID", ruleID); err != nil {
		return nil, err
	}
	if isNilInterface(rule) {
		return nil, argError("rule", "must not be nil")
	}
	if err := rule.validate(); err != nil {
		return nil, err
	}
	var out AlertRule
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateAlertRule", method: http.MethodPut, path: c.path("alertRules", ruleID), body: rule, ok: okPut},
		&legacyKinded[AlertRule]{&out, newAlertRule, unknownAlertRule})
	return out, err
}

// DeleteAlertRuleOptions are the options of DeleteAlertRule; none yet.
type DeleteAlertRuleOptions struct{}

// DeleteAlertRule deletes an analytics rule and its actions (DELETE .../alertRules/{ruleID}).
// Deleting a rule that does not exist succeeds (204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}
func (c *Client) DeleteAlertRule(ctx context.Context, ruleID string, _ *DeleteAlertRuleOptions) error {
	if err := checkID("ruleID", ruleID); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteAlertRule", method: http.MethodDelete, path: c.path("alertRules", ruleID), ok: okDelete}, nil)
}

// AlertRuleAction is a playbook (Logic App) an analytics rule triggers for each alert.
type AlertRuleAction struct {
	ID   string `json:"-"`
	Name string `json:"-"` // the action ID
	Etag string `json:"-"`

	// LogicAppResourceID is the ARM ID of the Logic App workflow.
	LogicAppResourceID string `json:"logicAppResourceId"`
	// TriggerURI is the Logic App's trigger callback URL. It is required to create or update
	// an action and never returned. It carries a signature: treat it as a secret.
	TriggerURI string `json:"triggerUri,omitzero"`
	// WorkflowID is the workflow's ID (read-only).
	WorkflowID string `json:"workflowId,omitzero"`

	raw resourceRaw
}

type actionProps AlertRuleAction

func (a *AlertRuleAction) hdr() header { return header{&a.ID, &a.Name, &a.Etag, &a.raw} }

// UnmarshalJSONFrom decodes the service's wire form.
func (a *AlertRuleAction) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*actionProps)(a), a.hdr())
}

// MarshalJSONTo encodes the service's wire form.
func (a AlertRuleAction) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*actionProps)(&a), a.hdr(), "")
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (a *AlertRuleAction) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, a, decodeOptions) }

// MarshalJSON encodes the service's wire form, for encoding/json.
func (a AlertRuleAction) MarshalJSON() ([]byte, error) { return json.Marshal(a, encodeOptions) }

// ListAlertRuleActionsOptions are the options of ListAlertRuleActions; none yet.
type ListAlertRuleActionsOptions struct{}

// ListAlertRuleActions returns a pager over the actions of a rule
// (GET .../alertRules/{ruleID}/actions). An invalid ruleID is reported by the first NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRules/{ruleId}/actions
func (c *Client) ListAlertRuleActions(ruleID string, _ *ListAlertRuleActionsOptions) *Pager[AlertRuleAction] {
	if err := checkID("ruleID", ruleID); err != nil {
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
	if err := checkIDs("ruleID", ruleID, "actionID", actionID); err != nil {
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
	if err := checkIDs("ruleID", ruleID, "actionID", actionID); err != nil {
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
	id := strings.ToLower(a.LogicAppResourceID)
	if !strings.HasPrefix(id, "/subscriptions/") || !strings.Contains(id, "/providers/microsoft.logic/workflows/") {
		return argError("AlertRuleAction.LogicAppResourceID", "%q is not the ARM ID of a Logic App workflow (/subscriptions/.../providers/Microsoft.Logic/workflows/...)", a.LogicAppResourceID)
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
	if err := checkIDs("ruleID", ruleID, "actionID", actionID); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteAlertRuleAction", method: http.MethodDelete, path: c.path("alertRules", ruleID, "actions", actionID), ok: okDelete}, nil)
}

// AlertRuleTemplateDataSource is a data connector a template needs.
type AlertRuleTemplateDataSource struct {
	ConnectorID string   `json:"connectorId"`
	DataTypes   []string `json:"dataTypes,omitzero"`
}

// AlertRuleTemplate is a built-in template for analytics rules:
// *ScheduledAlertRuleTemplate, *MicrosoftSecurityIncidentCreationAlertRuleTemplate,
// *FusionAlertRuleTemplate or *UnknownAlertRuleTemplate. Templates are read-only.
type AlertRuleTemplate interface {
	// Kind returns the kind of rule the template makes.
	Kind() AlertRuleKind
	// Resource returns the template's ARM ID and name (its template ID).
	Resource() ResourceInfo
	isAlertRuleTemplate()
}

// ScheduledAlertRuleTemplate is the template of a scheduled rule. NewRuleFromTemplate turns
// it into a rule.
type ScheduledAlertRuleTemplate struct {
	ID   string `json:"-"`
	Name string `json:"-"` // the template ID, which rules refer to as AlertRuleTemplateName

	DisplayName            string                        `json:"displayName,omitzero"`
	Description            string                        `json:"description,omitzero"`
	Severity               Severity                      `json:"severity,omitzero"`
	Tactics                []AttackTactic                `json:"tactics,omitzero"`
	Techniques             []string                      `json:"techniques,omitzero"`
	Query                  string                        `json:"query,omitzero"`
	QueryFrequency         time.Duration                 `json:"queryFrequency,omitzero"`
	QueryPeriod            time.Duration                 `json:"queryPeriod,omitzero"`
	TriggerOperator        TriggerOperator               `json:"triggerOperator,omitzero"`
	TriggerThreshold       int                           `json:"triggerThreshold"`
	EntityMappings         []EntityMapping               `json:"entityMappings,omitzero"`
	CustomDetails          map[string]string             `json:"customDetails,omitzero"`
	AlertDetailsOverride   AlertDetailsOverride          `json:"alertDetailsOverride,omitzero"`
	EventGroupingSettings  EventGroupingSettings         `json:"eventGroupingSettings,omitzero"`
	Version                string                        `json:"version,omitzero"`
	Status                 AlertRuleTemplateStatus       `json:"status,omitzero"`
	RequiredDataConnectors []AlertRuleTemplateDataSource `json:"requiredDataConnectors,omitzero"`
	RulesCreatedCount      int                           `json:"alertRulesCreatedByTemplateCount,omitzero"`
	Created                time.Time                     `json:"createdDateUTC,omitzero"`
	LastUpdated            time.Time                     `json:"lastUpdatedDateUTC,omitzero"`

	etag string
	raw  resourceRaw
}

// MicrosoftSecurityIncidentCreationAlertRuleTemplate is the template of a
// MicrosoftSecurityIncidentCreation rule.
type MicrosoftSecurityIncidentCreationAlertRuleTemplate struct {
	ID   string `json:"-"`
	Name string `json:"-"`

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

	etag string
	raw  resourceRaw
}

// FusionAlertRuleTemplate is the template of the Fusion rule.
type FusionAlertRuleTemplate struct {
	ID   string `json:"-"`
	Name string `json:"-"`

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

	etag string
	raw  resourceRaw
}

// UnknownAlertRuleTemplate is a template of a kind this SDK does not type; Raw is its JSON as
// the service sent it.
type UnknownAlertRuleTemplate struct {
	ID   string
	Name string
	Raw  []byte
}

// Kind returns AlertRuleKindScheduled.
func (*ScheduledAlertRuleTemplate) Kind() AlertRuleKind { return AlertRuleKindScheduled }

// Kind returns AlertRuleKindMicrosoftSecurityIncidentCreation.
func (*MicrosoftSecurityIncidentCreationAlertRuleTemplate) Kind() AlertRuleKind {
	return AlertRuleKindMicrosoftSecurityIncidentCreation
}

// Kind returns AlertRuleKindFusion.
func (*FusionAlertRuleTemplate) Kind() AlertRuleKind { return AlertRuleKindFusion }

// Kind returns the "kind" member of Raw.
func (t *UnknownAlertRuleTemplate) Kind() AlertRuleKind {
	k, _ := kindOf(t.Raw)
	return AlertRuleKind(k)
}

// Resource returns the template's ID and name.
func (t *ScheduledAlertRuleTemplate) Resource() ResourceInfo {
	return ResourceInfo{t.ID, t.Name, t.etag}
}

// Resource returns the template's ID and name.
func (t *MicrosoftSecurityIncidentCreationAlertRuleTemplate) Resource() ResourceInfo {
	return ResourceInfo{t.ID, t.Name, t.etag}
}

// Resource returns the template's ID and name.
func (t *FusionAlertRuleTemplate) Resource() ResourceInfo { return ResourceInfo{t.ID, t.Name, t.etag} }

// Resource returns the template's ID and name.
func (t *UnknownAlertRuleTemplate) Resource() ResourceInfo {
	return ResourceInfo{ID: t.ID, Name: t.Name}
}

func (*ScheduledAlertRuleTemplate) isAlertRuleTemplate()                         {}
func (*MicrosoftSecurityIncidentCreationAlertRuleTemplate) isAlertRuleTemplate() {}
func (*FusionAlertRuleTemplate) isAlertRuleTemplate()                            {}
func (*UnknownAlertRuleTemplate) isAlertRuleTemplate()                           {}

type (
	scheduledTemplateProps ScheduledAlertRuleTemplate
	msicTemplateProps      MicrosoftSecurityIncidentCreationAlertRuleTemplate
	fusionTemplateProps    FusionAlertRuleTemplate
)

// UnmarshalJSONFrom decodes the service's wire form.
func (t *ScheduledAlertRuleTemplate) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*scheduledTemplateProps)(t), header{&t.ID, &t.Name, &t.etag, &t.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (t ScheduledAlertRuleTemplate) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*scheduledTemplateProps)(&t), header{&t.ID, &t.Name, &t.etag, &t.raw}, string(t.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (t *MicrosoftSecurityIncidentCreationAlertRuleTemplate) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*msicTemplateProps)(t), header{&t.ID, &t.Name, &t.etag, &t.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (t MicrosoftSecurityIncidentCreationAlertRuleTemplate) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*msicTemplateProps)(&t), header{&t.ID, &t.Name, &t.etag, &t.raw}, string(t.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (t *FusionAlertRuleTemplate) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*fusionTemplateProps)(t), header{&t.ID, &t.Name, &t.etag, &t.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (t FusionAlertRuleTemplate) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*fusionTemplateProps)(&t), header{&t.ID, &t.Name, &t.etag, &t.raw}, string(t.Kind()))
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (t *ScheduledAlertRuleTemplate) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, t, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (t ScheduledAlertRuleTemplate) MarshalJSON() ([]byte, error) {
	return json.Marshal(t, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (t *MicrosoftSecurityIncidentCreationAlertRuleTemplate) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, t, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (t MicrosoftSecurityIncidentCreationAlertRuleTemplate) MarshalJSON() ([]byte, error) {
	return json.Marshal(t, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (t *FusionAlertRuleTemplate) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, t, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (t FusionAlertRuleTemplate) MarshalJSON() ([]byte, error) { return json.Marshal(t, encodeOptions) }

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (t *UnknownAlertRuleTemplate) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, t, decodeOptions)
}

// MarshalJSON is MarshalJSONTo for encoding/json.
func (t UnknownAlertRuleTemplate) MarshalJSON() ([]byte, error) {
	return json.Marshal(t, encodeOptions)
}

// UnmarshalJSONFrom keeps the template's JSON as Raw.
func (t *UnknownAlertRuleTemplate) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	rr, err := decodeRaw(raw.Clone())
	*t = UnknownAlertRuleTemplate{ID: rr.id, Name: rr.name, Raw: rr.raw}
	return err
}

// MarshalJSONTo writes Raw.
func (t UnknownAlertRuleTemplate) MarshalJSONTo(enc *jsontext.Encoder) error {
	rr, _ := decodeRaw(t.Raw)
	return encodeRaw(enc, t.Raw, rr.etag)
}

func newAlertRuleTemplate(kind string) AlertRuleTemplate {
	switch AlertRuleKind(kind) {
	case AlertRuleKindScheduled:
		return &ScheduledAlertRuleTemplate{}
	case AlertRuleKindMicrosoftSecurityIncidentCreation:
		return &MicrosoftSecurityIncidentCreationAlertRuleTemplate{}
	case AlertRuleKindFusion:
		return &FusionAlertRuleTemplate{}
	}
	return nil
}

func unknownAlertRuleTemplate(raw []byte) (AlertRuleTemplate, error) {
	rr, err := decodeRaw(raw)
	return &UnknownAlertRuleTemplate{ID: rr.id, Name: rr.name, Raw: rr.raw}, err
}

func decodeAlertRuleTemplate(dec *jsontext.Decoder, out *AlertRuleTemplate) error {
	return decodeKinded(dec, out, newAlertRuleTemplate, unknownAlertRuleTemplate)
}

// ListAlertRuleTemplatesOptions are the options of ListAlertRuleTemplates; none yet.
type ListAlertRuleTemplatesOptions struct{}

// ListAlertRuleTemplates returns a pager over the built-in rule templates
// (GET .../alertRuleTemplates), each as the type of its kind.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRuleTemplates
func (c *Client) ListAlertRuleTemplates(_ *ListAlertRuleTemplatesOptions) *Pager[AlertRuleTemplate] {
	p := newPager[AlertRuleTemplate](c, &request{op: "Client.ListAlertRuleTemplates", method: http.MethodGet, path: c.path("alertRuleTemplates")})
	p.decode = decodeAlertRuleTemplate
	return p
}

// GetAlertRuleTemplateOptions are the options of GetAlertRuleTemplate; none yet.
type GetAlertRuleTemplateOptions struct{}

// GetAlertRuleTemplate returns one rule template (GET .../alertRuleTemplates/{templateID}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/alertRuleTemplates/{alertRuleTemplateId}
func (c *Client) GetAlertRuleTemplate(ctx context.Context, templateID string, _ *GetAlertRuleTemplateOptions) (AlertRuleTemplate, error) {
	if err := checkID("templateID", templateID); err != nil {
		return nil, err
	}
	var out AlertRuleTemplate
	err := c.call(ctx, &request{op: "Client.GetAlertRuleTemplate", method: http.MethodGet, path: c.path("alertRuleTemplates", templateID)},
		&legacyKinded[AlertRuleTemplate]{&out, newAlertRuleTemplate, unknownAlertRuleTemplate})
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
	r := &ScheduledAlertRule{
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
		CustomDetails:         maps.Clone(t.CustomDetails),
		AlertDetailsOverride:  t.AlertDetailsOverride,
		EventGroupingSettings: t.EventGroupingSettings,
		AlertRuleTemplateName: t.Name,
		TemplateVersion:       t.Version,
		IncidentConfiguration: &IncidentConfiguration{
			CreateIncident: true,
			GroupingConfiguration: &GroupingConfiguration{
				LookbackDuration: defaultGroupingLookback,
				MatchingMethod:   MatchingAllEntities,
			},
		},
	}
	for _, m := range t.EntityMappings {
		r.EntityMappings = append(r.EntityMappings, EntityMapping{EntityType: m.EntityType, FieldMappings: slices.Clone(m.FieldMappings)})
	}
	return r
}
