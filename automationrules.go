package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// AutomationRule is a Microsoft Sentinel automation rule: when incidents (or alerts) are
// created or updated and its conditions hold, it runs its actions in order (change
// properties, add a task, run a playbook). Rules run in ascending Order. Its fields read flat
// (r.DisplayName, r.Etag); on the wire AutomationRuleProperties sit under "properties".
// Members this SDK does not model are kept at every level, and conditions and actions of
// kinds it does not type are kept as they were read (UnknownAutomationRuleCondition,
// UnknownAutomationRuleAction).
//
// NewAutomationRule builds one the way the portal's rule editor does.
type AutomationRule struct {
	Resource
	AutomationRuleProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// AutomationRuleProperties are an automation rule's "properties". Fields marked read-only are
// set by the service and ignored when sent.
type AutomationRuleProperties struct {
	// DisplayName is required, at most 500 characters.
	DisplayName string `json:"displayName"`
	// Order is the rule's place among the workspace's rules, 1 to 1000: rules run in
	// ascending order, each on the incident as the rules before it left it.
	Order int `json:"order"`
	// TriggeringLogic says when the rule runs.
	TriggeringLogic AutomationRuleTriggeringLogic `json:"triggeringLogic"`
	// Actions run in their Order; at most 20.
	Actions []AutomationRuleAction `json:"actions"`

	CreatedTime      time.Time      `json:"createdTimeUtc,omitzero"`      // read-only
	LastModifiedTime time.Time      `json:"lastModifiedTimeUtc,omitzero"` // read-only
	CreatedBy        ClientInfo     `json:"createdBy,omitzero"`           // read-only
	LastModifiedBy   ClientInfo     `json:"lastModifiedBy,omitzero"`      // read-only
	Unknown          jsontext.Value `json:",embed"`
}

// AutomationRuleTriggeringLogic says when a rule runs: on which objects (TriggersOn), on which
// event (TriggersWhen), whether it is enabled and until when, and the conditions the object
// must meet (all of them).
type AutomationRuleTriggeringLogic struct {
	Enabled bool `json:"isEnabled"`
	// ExpirationTime is when the service disables the rule; zero means never. It must be in
	// the future when the rule is written.
	ExpirationTime time.Time    `json:"expirationTimeUtc,omitzero"`
	TriggersOn     TriggersOn   `json:"triggersOn"`
	TriggersWhen   TriggersWhen `json:"triggersWhen"`
	// Conditions must all hold for the rule to run; at most 50. None means always.
	Conditions []AutomationRuleCondition `json:"conditions,omitzero"`
	Unknown    jsontext.Value            `json:",embed"`
}

// TriggersOn is the kind of object an automation rule runs on.
//
// This and every other enum of this file is open: a value this SDK does not list decodes, is
// kept and is sent as it is.
type TriggersOn string

// Objects automation rules run on.
const (
	TriggersOnIncidents TriggersOn = "Incidents"
	TriggersOnAlerts    TriggersOn = "Alerts"
)

// TriggersWhen is the event an automation rule runs on.
type TriggersWhen string

// Events automation rules run on.
const (
	TriggersWhenCreated TriggersWhen = "Created"
	TriggersWhenUpdated TriggersWhen = "Updated"
)

// ConditionType is the kind of an automation rule condition, its "conditionType".
type ConditionType string

// Condition types. PropertyArray and Boolean are new in api-version 2025-12-01.
const (
	ConditionTypeProperty             ConditionType = "Property"
	ConditionTypePropertyArray        ConditionType = "PropertyArray"
	ConditionTypePropertyChanged      ConditionType = "PropertyChanged"
	ConditionTypePropertyArrayChanged ConditionType = "PropertyArrayChanged"
	ConditionTypeBoolean              ConditionType = "Boolean"
)

// ActionType is the kind of an automation rule action, its "actionType".
type ActionType string

// Action types. AddIncidentTask is new in api-version 2025-12-01.
const (
	ActionTypeModifyProperties ActionType = "ModifyProperties"
	ActionTypeRunPlaybook      ActionType = "RunPlaybook"
	ActionTypeAddIncidentTask  ActionType = "AddIncidentTask"
)

// ConditionProperty is the property a Property condition evaluates: a property of the
// incident, or of its alerts or entities (any of them).
type ConditionProperty string

// Properties of Property conditions. The incident custom-detail properties (new in
// 2025-12-01) are for the item conditions of PropertyArray conditions.
const (
	PropIncidentTitle                  ConditionProperty = "IncidentTitle"
	PropIncidentDescription            ConditionProperty = "IncidentDescription"
	PropIncidentSeverity               ConditionProperty = "IncidentSeverity"
	PropIncidentStatus                 ConditionProperty = "IncidentStatus"
	PropIncidentRelatedAnalyticRuleIDs ConditionProperty = "IncidentRelatedAnalyticRuleIds"
	PropIncidentTactics                ConditionProperty = "IncidentTactics"
	PropIncidentLabel                  ConditionProperty = "IncidentLabel"
	PropIncidentProviderName           ConditionProperty = "IncidentProviderName"
	PropIncidentUpdatedBySource        ConditionProperty = "IncidentUpdatedBySource"
	PropIncidentCustomDetailsKey       ConditionProperty = "IncidentCustomDetailsKey"
	PropIncidentCustomDetailsValue     ConditionProperty = "IncidentCustomDetailsValue"
	PropAccountAADTenantID             ConditionProperty = "AccountAadTenantId"
	PropAccountAADUserID               ConditionProperty = "AccountAadUserId"
	PropAccountName                    ConditionProperty = "AccountName"
	PropAccountNTDomain                ConditionProperty = "AccountNTDomain"
	PropAccountPUID                    ConditionProperty = "AccountPUID"
	PropAccountSid                     ConditionProperty = "AccountSid"
	PropAccountObjectGUID              ConditionProperty = "AccountObjectGuid"
	PropAccountUPNSuffix               ConditionProperty = "AccountUPNSuffix"
	PropAlertProductNames              ConditionProperty = "AlertProductNames"
	PropAlertAnalyticRuleIDs           ConditionProperty = "AlertAnalyticRuleIds"
	PropAzureResourceResourceID        ConditionProperty = "AzureResourceResourceId"
	PropAzureResourceSubscriptionID    ConditionProperty = "AzureResourceSubscriptionId"
	PropCloudApplicationAppID          ConditionProperty = "CloudApplicationAppId"
	PropCloudApplicationAppName        ConditionProperty = "CloudApplicationAppName"
	PropDNSDomainName                  ConditionProperty = "DNSDomainName"
	PropFileDirectory                  ConditionProperty = "FileDirectory"
	PropFileName                       ConditionProperty = "FileName"
	PropFileHashValue                  ConditionProperty = "FileHashValue"
	PropHostAzureID                    ConditionProperty = "HostAzureID"
	PropHostName                       ConditionProperty = "HostName"
	PropHostNetBiosName                ConditionProperty = "HostNetBiosName"
	PropHostNTDomain                   ConditionProperty = "HostNTDomain"
	PropHostOSVersion                  ConditionProperty = "HostOSVersion"
	PropIoTDeviceID                    ConditionProperty = "IoTDeviceId"
	PropIoTDeviceName                  ConditionProperty = "IoTDeviceName"
	PropIoTDeviceType                  ConditionProperty = "IoTDeviceType"
	PropIoTDeviceVendor                ConditionProperty = "IoTDeviceVendor"
	PropIoTDeviceModel                 ConditionProperty = "IoTDeviceModel"
	PropIoTDeviceOperatingSystem       ConditionProperty = "IoTDeviceOperatingSystem"
	PropIPAddress                      ConditionProperty = "IPAddress"
	PropMailboxDisplayName             ConditionProperty = "MailboxDisplayName"
	PropMailboxPrimaryAddress          ConditionProperty = "MailboxPrimaryAddress"
	PropMailboxUPN                     ConditionProperty = "MailboxUPN"
	PropMailMessageDeliveryAction      ConditionProperty = "MailMessageDeliveryAction"
	PropMailMessageDeliveryLocation    ConditionProperty = "MailMessageDeliveryLocation"
	PropMailMessageRecipient           ConditionProperty = "MailMessageRecipient"
	PropMailMessageSenderIP            ConditionProperty = "MailMessageSenderIP"
	PropMailMessageSubject             ConditionProperty = "MailMessageSubject"
	PropMailMessageP1Sender            ConditionProperty = "MailMessageP1Sender"
	PropMailMessageP2Sender            ConditionProperty = "MailMessageP2Sender"
	PropMalwareCategory                ConditionProperty = "MalwareCategory"
	PropMalwareName                    ConditionProperty = "MalwareName"
	PropProcessCommandLine             ConditionProperty = "ProcessCommandLine"
	PropProcessID                      ConditionProperty = "ProcessId"
	PropRegistryKey                    ConditionProperty = "RegistryKey"
	PropRegistryValueData              ConditionProperty = "RegistryValueData"
	PropURL                            ConditionProperty = "Url"
)

// ConditionOperator compares a property with a condition's values.
type ConditionOperator string

// Condition operators. The positive ones hold when the property matches at least one of the
// values; the negative ones when it matches none.
const (
	OperatorEquals        ConditionOperator = "Equals"
	OperatorNotEquals     ConditionOperator = "NotEquals"
	OperatorContains      ConditionOperator = "Contains"
	OperatorNotContains   ConditionOperator = "NotContains"
	OperatorStartsWith    ConditionOperator = "StartsWith"
	OperatorNotStartsWith ConditionOperator = "NotStartsWith"
	OperatorEndsWith      ConditionOperator = "EndsWith"
	OperatorNotEndsWith   ConditionOperator = "NotEndsWith"
)

// ChangedProperty is the incident property a PropertyChanged condition watches.
type ChangedProperty string

// Properties of PropertyChanged conditions.
const (
	ChangedIncidentSeverity ChangedProperty = "IncidentSeverity"
	ChangedIncidentStatus   ChangedProperty = "IncidentStatus"
	ChangedIncidentOwner    ChangedProperty = "IncidentOwner"
)

// PropertyChangeType says which value of a changed property a PropertyChanged condition
// compares: the one before the update or the one after it.
type PropertyChangeType string

// Property change types.
const (
	ChangeTypeChangedFrom PropertyChangeType = "ChangedFrom"
	ChangeTypeChangedTo   PropertyChangeType = "ChangedTo"
)

// ChangedArrayType is the incident array a PropertyArrayChanged condition watches.
type ChangedArrayType string

// Arrays of PropertyArrayChanged conditions.
const (
	ChangedArrayAlerts   ChangedArrayType = "Alerts"
	ChangedArrayLabels   ChangedArrayType = "Labels"
	ChangedArrayTactics  ChangedArrayType = "Tactics"
	ChangedArrayComments ChangedArrayType = "Comments"
)

// ArrayChangeType is the change a PropertyArrayChanged condition looks for.
type ArrayChangeType string

// ArrayChangeAdded is the array change of the stable API: items were added.
const ArrayChangeAdded ArrayChangeType = "Added"

// ArrayType is the array a PropertyArray condition evaluates its item conditions on.
type ArrayType string

// Arrays of PropertyArray conditions: the incident's custom detail keys, or the values of a
// custom detail.
const (
	ArrayTypeCustomDetails      ArrayType = "CustomDetails"
	ArrayTypeCustomDetailValues ArrayType = "CustomDetailValues"
)

// ArrayConditionType says whether a PropertyArray condition needs any item or every item to
// meet its item conditions.
type ArrayConditionType string

// Array condition types.
const (
	ArrayAnyItem  ArrayConditionType = "AnyItem"
	ArrayAllItems ArrayConditionType = "AllItems"
)

// BooleanOperator combines the inner conditions of a Boolean condition.
type BooleanOperator string

// Boolean operators.
const (
	BooleanAnd BooleanOperator = "And"
	BooleanOr  BooleanOperator = "Or"
)

// AutomationRuleCondition is a condition of an automation rule: *PropertyCondition,
// *PropertyArrayCondition, *PropertyChangedCondition, *PropertyArrayChangedCondition,
// *BooleanCondition, or *UnknownAutomationRuleCondition for a condition type this SDK does not
// type, which is kept and sent back as it was read. The constructors Property, ChangedTo,
// ChangedFrom, ItemsAdded, AnyItem, AllItems, CustomDetailValue, AllOf and AnyOf build them.
type AutomationRuleCondition interface {
	// Kind returns the condition's type, its "conditionType".
	Kind() ConditionType
}

// PropertyCondition holds when a property of the incident (or of its alerts or entities)
// compares with the values as Operator says. Its fields read flat (c.Property, c.Values); on
// the wire they sit under "conditionProperties".
type PropertyCondition struct {
	// ConditionType is "Property"; the client sets it when it sends a condition built in Go.
	ConditionType               ConditionType `json:"conditionType"`
	PropertyConditionProperties `json:"conditionProperties"`
	Unknown                     jsontext.Value `json:",embed"`
}

// PropertyConditionProperties are a Property condition's "conditionProperties".
type PropertyConditionProperties struct {
	Property ConditionProperty `json:"propertyName,omitzero"`
	Operator ConditionOperator `json:"operator,omitzero"`
	Values   []string          `json:"propertyValues,omitzero"`
	Unknown  jsontext.Value    `json:",embed"`
}

// PropertyArrayCondition holds when any item (or every item) of an array of the incident
// meets all of its item conditions: the custom detail keys, or the values of a custom detail.
// New in api-version 2025-12-01.
type PropertyArrayCondition struct {
	// ConditionType is "PropertyArray"; the client sets it when it sends a condition built in Go.
	ConditionType                    ConditionType `json:"conditionType"`
	PropertyArrayConditionProperties `json:"conditionProperties"`
	Unknown                          jsontext.Value `json:",embed"`
}

// PropertyArrayConditionProperties are a PropertyArray condition's "conditionProperties".
type PropertyArrayConditionProperties struct {
	ArrayType          ArrayType          `json:"arrayType,omitzero"`
	ArrayConditionType ArrayConditionType `json:"arrayConditionType,omitzero"`
	// ItemConditions are evaluated on each item; at most 10.
	ItemConditions []AutomationRuleCondition `json:"itemConditions,omitzero"`
	Unknown        jsontext.Value            `json:",embed"`
}

// PropertyChangedCondition holds when an update changed a property of the incident and its
// value before (ChangedFrom) or after (ChangedTo) the update compares with the values as
// Operator says. It needs a rule triggered when incidents are updated.
type PropertyChangedCondition struct {
	// ConditionType is "PropertyChanged"; the client sets it when it sends a condition built
	// in Go.
	ConditionType                      ConditionType `json:"conditionType"`
	PropertyChangedConditionProperties `json:"conditionProperties"`
	Unknown                            jsontext.Value `json:",embed"`
}

// PropertyChangedConditionProperties are a PropertyChanged condition's
// "conditionProperties".
type PropertyChangedConditionProperties struct {
	Property   ChangedProperty    `json:"propertyName,omitzero"`
	ChangeType PropertyChangeType `json:"changeType,omitzero"`
	Operator   ConditionOperator  `json:"operator,omitzero"`
	Values     []string           `json:"propertyValues,omitzero"`
	Unknown    jsontext.Value     `json:",embed"`
}

// PropertyArrayChangedCondition holds when an update added items to an array of the incident
// (alerts, labels, tactics or comments). It needs a rule triggered when incidents are
// updated.
type PropertyArrayChangedCondition struct {
	// ConditionType is "PropertyArrayChanged"; the client sets it when it sends a condition
	// built in Go.
	ConditionType                           ConditionType `json:"conditionType"`
	PropertyArrayChangedConditionProperties `json:"conditionProperties"`
	Unknown                                 jsontext.Value `json:",embed"`
}

// PropertyArrayChangedConditionProperties are a PropertyArrayChanged condition's
// "conditionProperties".
type PropertyArrayChangedConditionProperties struct {
	ArrayType  ChangedArrayType `json:"arrayType,omitzero"`
	ChangeType ArrayChangeType  `json:"changeType,omitzero"`
	Unknown    jsontext.Value   `json:",embed"`
}

// BooleanCondition combines 2 to 10 inner conditions with And or Or. New in api-version
// 2025-12-01.
type BooleanCondition struct {
	// ConditionType is "Boolean"; the client sets it when it sends a condition built in Go.
	ConditionType              ConditionType `json:"conditionType"`
	BooleanConditionProperties `json:"conditionProperties"`
	Unknown                    jsontext.Value `json:",embed"`
}

// BooleanConditionProperties are a Boolean condition's "conditionProperties".
type BooleanConditionProperties struct {
	Operator        BooleanOperator           `json:"operator,omitzero"`
	InnerConditions []AutomationRuleCondition `json:"innerConditions,omitzero"`
	Unknown         jsontext.Value            `json:",embed"`
}

// UnknownAutomationRuleCondition is a condition of a type this SDK does not type. Raw is its
// JSON as read; it is sent back byte for byte.
type UnknownAutomationRuleCondition = Unknown[ConditionType]

// Kind returns ConditionTypeProperty.
func (*PropertyCondition) Kind() ConditionType { return ConditionTypeProperty }

// Kind returns ConditionTypePropertyArray.
func (*PropertyArrayCondition) Kind() ConditionType { return ConditionTypePropertyArray }

// Kind returns ConditionTypePropertyChanged.
func (*PropertyChangedCondition) Kind() ConditionType { return ConditionTypePropertyChanged }

// Kind returns ConditionTypePropertyArrayChanged.
func (*PropertyArrayChangedCondition) Kind() ConditionType {
	return ConditionTypePropertyArrayChanged
}

// Kind returns ConditionTypeBoolean.
func (*BooleanCondition) Kind() ConditionType { return ConditionTypeBoolean }

// The kind registry of AutomationRuleCondition, on "conditionType".
var _ = newFamilyOn[ConditionType, AutomationRuleCondition]("conditionType", "automation rule condition", false,
	func() AutomationRuleCondition { return new(PropertyCondition) },
	func() AutomationRuleCondition { return new(PropertyArrayCondition) },
	func() AutomationRuleCondition { return new(PropertyChangedCondition) },
	func() AutomationRuleCondition { return new(PropertyArrayChangedCondition) },
	func() AutomationRuleCondition { return new(BooleanCondition) },
)

// AutomationRuleAction is an action of an automation rule: *ModifyPropertiesAction,
// *RunPlaybookAction, *AddIncidentTaskAction, or *UnknownAutomationRuleAction for an action
// type this SDK does not type, which is kept and sent back as it was read. The constructors
// ChangeSeverity, ChangeStatus, CloseAs, AssignOwner, AddLabels, AddTask and RunPlaybook
// build them.
type AutomationRuleAction interface {
	// Kind returns the action's type, its "actionType".
	Kind() ActionType
}

// ModifyPropertiesAction changes properties of the incident: the fields that are set.
// Labels are added. Its fields read flat (a.Severity, a.Owner); on the wire they sit under
// "actionConfiguration".
type ModifyPropertiesAction struct {
	// ActionType is "ModifyProperties"; the client sets it when it sends an action built in Go.
	ActionType ActionType `json:"actionType"`
	// Order is the action's place among the rule's actions.
	Order                               int `json:"order"`
	ModifyPropertiesActionConfiguration `json:"actionConfiguration"`
	Unknown                             jsontext.Value `json:",embed"`
}

// ModifyPropertiesActionConfiguration are the incident properties a ModifyProperties action
// sets; zero fields stay as they are.
type ModifyPropertiesActionConfiguration struct {
	Severity              Severity             `json:"severity,omitzero"`
	Status                IncidentStatus       `json:"status,omitzero"`
	Classification        Classification       `json:"classification,omitzero"`
	ClassificationReason  ClassificationReason `json:"classificationReason,omitzero"`
	ClassificationComment string               `json:"classificationComment,omitzero"`
	Owner                 IncidentOwner        `json:"owner,omitzero"`
	// Labels are added to the incident's labels.
	Labels  []IncidentLabel `json:"labels,omitzero"`
	Unknown jsontext.Value  `json:",embed"`
}

// RunPlaybookAction runs a playbook (a Logic App) on the incident or alert.
type RunPlaybookAction struct {
	// ActionType is "RunPlaybook"; the client sets it when it sends an action built in Go.
	ActionType                     ActionType `json:"actionType"`
	Order                          int        `json:"order"`
	RunPlaybookActionConfiguration `json:"actionConfiguration"`
	Unknown                        jsontext.Value `json:",embed"`
}

// RunPlaybookActionConfiguration names the playbook a RunPlaybook action runs.
type RunPlaybookActionConfiguration struct {
	// LogicAppResourceID is the ARM ID of the playbook: a Logic App workflow
	// (Microsoft.Logic/workflows) or a Logic App Standard site (Microsoft.Web/sites).
	LogicAppResourceID string `json:"logicAppResourceId"`
	// TenantID is the playbook's tenant, a GUID; "" means the workspace's.
	TenantID string         `json:"tenantId,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// AddIncidentTaskAction adds a task to the incident. New in api-version 2025-12-01.
type AddIncidentTaskAction struct {
	// ActionType is "AddIncidentTask"; the client sets it when it sends an action built in Go.
	ActionType                         ActionType `json:"actionType"`
	Order                              int        `json:"order"`
	AddIncidentTaskActionConfiguration `json:"actionConfiguration"`
	Unknown                            jsontext.Value `json:",embed"`
}

// AddIncidentTaskActionConfiguration is the task an AddIncidentTask action adds.
type AddIncidentTaskActionConfiguration struct {
	// Title is required.
	Title       string         `json:"title"`
	Description string         `json:"description,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// UnknownAutomationRuleAction is an action of a type this SDK does not type. Raw is its JSON
// as read; it is sent back byte for byte.
type UnknownAutomationRuleAction = Unknown[ActionType]

// Kind returns ActionTypeModifyProperties.
func (*ModifyPropertiesAction) Kind() ActionType { return ActionTypeModifyProperties }

// Kind returns ActionTypeRunPlaybook.
func (*RunPlaybookAction) Kind() ActionType { return ActionTypeRunPlaybook }

// Kind returns ActionTypeAddIncidentTask.
func (*AddIncidentTaskAction) Kind() ActionType { return ActionTypeAddIncidentTask }

// The kind registry of AutomationRuleAction, on "actionType".
var _ = newFamilyOn[ActionType, AutomationRuleAction]("actionType", "automation rule action", false,
	func() AutomationRuleAction { return new(ModifyPropertiesAction) },
	func() AutomationRuleAction { return new(RunPlaybookAction) },
	func() AutomationRuleAction { return new(AddIncidentTaskAction) },
)

// Limits of automation rules, from the API's schema.
const (
	minAutomationRuleOrder   = 1
	maxAutomationRuleOrder   = 1000
	maxAutomationDisplayName = 500 // characters
	maxAutomationActions     = 20
	maxAutomationConditions  = 50
	maxArrayItemConditions   = 10
	minBooleanInner          = 2
	maxBooleanInner          = 10
)

// validate checks an automation rule for what the service rejects, naming the field. now is
// the time an expiration must be after; the zero time skips that check (Build, which has no
// clock). The checks and their sources:
//   - the schema's constraints: DisplayName required and at most 500 characters, Order 1 to
//     1000, TriggersOn and TriggersWhen required, at most 50 conditions and 20 actions,
//     Boolean conditions with 2 to 10 inner conditions, PropertyArray conditions with at most
//     10 item conditions, a task's title, a playbook's ARM ID (Microsoft.Logic/workflows or
//     Microsoft.Web/sites) and tenant GUID, an owner's object ID GUID, label names;
//   - the trigger combinations the API's descriptions imply, see checkTriggers;
//   - an expiration in the past, and the closing fields of a ModifyProperties action as an
//     incident update checks them (checkClosing).
//
// Enum values are not checked: the service accepts values this SDK does not know.
func (r *AutomationRule) validate(now time.Time) error {
	const p = "AutomationRule."
	switch n := utf8.RuneCountInString(r.DisplayName); {
	case strings.TrimSpace(r.DisplayName) == "":
		return argError(p+"DisplayName", "is required")
	case n > maxAutomationDisplayName:
		return argError(p+"DisplayName", "is %d characters long; at most %d are allowed", n, maxAutomationDisplayName)
	}
	if r.Order < minAutomationRuleOrder || r.Order > maxAutomationRuleOrder {
		return argError(p+"Order", "must be between %d and %d, got %d", minAutomationRuleOrder, maxAutomationRuleOrder, r.Order)
	}
	tl := &r.TriggeringLogic
	switch {
	case tl.TriggersOn == "":
		return argError(p+"TriggeringLogic.TriggersOn", "is required")
	case tl.TriggersWhen == "":
		return argError(p+"TriggeringLogic.TriggersWhen", "is required")
	case !now.IsZero() && !tl.ExpirationTime.IsZero() && !tl.ExpirationTime.After(now):
		return argError(p+"TriggeringLogic.ExpirationTime", "%s is not in the future", tl.ExpirationTime.UTC().Format(time.RFC3339))
	case len(tl.Conditions) > maxAutomationConditions:
		return argError(p+"TriggeringLogic.Conditions", "has %d conditions; at most %d are allowed", len(tl.Conditions), maxAutomationConditions)
	case len(r.Actions) > maxAutomationActions:
		return argError(p+"Actions", "has %d actions; at most %d are allowed", len(r.Actions), maxAutomationActions)
	}
	if err := checkConditions(p+"TriggeringLogic.Conditions", tl.Conditions); err != nil {
		return err
	}
	for i, a := range r.Actions {
		if err := within(fmt.Sprintf("%sActions[%d].", p, i), checkMember(a)); err != nil {
			return err
		}
	}
	return r.checkTriggers()
}

// checkTriggers rejects conditions and actions that cannot apply to what the rule triggers
// on, as the API's descriptions define them:
//   - PropertyChanged and PropertyArrayChanged conditions evaluate "the previous value of the
//     property" and "items added to the array": only an update has them, so they need
//     TriggersWhen Updated.
//   - ModifyProperties actions set incident properties (their configuration is the API's
//     IncidentPropertiesAction) and AddIncidentTask actions "add a task to an incident": they
//     need TriggersOn Incidents.
//
// The API says nothing against other combinations (such as alerts with Updated), so they are
// sent as they are and the service decides.
func (r *AutomationRule) checkTriggers() error {
	const p = "AutomationRule."
	tl := &r.TriggeringLogic
	if tl.TriggersWhen != TriggersWhenUpdated {
		var err error
		walkConditions(p+"TriggeringLogic.Conditions", tl.Conditions, func(path string, c AutomationRuleCondition) {
			switch c.(type) {
			case *PropertyChangedCondition, *PropertyArrayChangedCondition:
				if err == nil {
					err = argError(path, "a %s condition needs a rule triggered when objects are updated (TriggersWhen %s), not %s", c.Kind(), TriggersWhenUpdated, tl.TriggersWhen)
				}
			}
		})
		if err != nil {
			return err
		}
	}
	if tl.TriggersOn != TriggersOnIncidents {
		for i, a := range r.Actions {
			switch a.(type) {
			case *ModifyPropertiesAction, *AddIncidentTaskAction:
				return argError(fmt.Sprintf("%sActions[%d]", p, i), "a %s action changes incidents and needs a rule triggered on incidents (TriggersOn %s), not %s", a.Kind(), TriggersOnIncidents, tl.TriggersOn)
			}
		}
	}
	return nil
}

// walkConditions calls fn with each condition of conds and of their inner and item
// conditions, depth first, with the condition's path below prefix.
func walkConditions(prefix string, conds []AutomationRuleCondition, fn func(path string, c AutomationRuleCondition)) {
	for i, c := range conds {
		path := fmt.Sprintf("%s[%d]", prefix, i)
		fn(path, c)
		switch c := c.(type) {
		case *BooleanCondition:
			walkConditions(path+".InnerConditions", c.InnerConditions, fn)
		case *PropertyArrayCondition:
			walkConditions(path+".ItemConditions", c.ItemConditions, fn)
		}
	}
}

// checkConditions validates each condition of conds, named below prefix.
func checkConditions(prefix string, conds []AutomationRuleCondition) error {
	for i, c := range conds {
		if err := within(fmt.Sprintf("%s[%d].", prefix, i), checkMember(c)); err != nil {
			return err
		}
	}
	return nil
}

// checkMember validates a condition or an action, refusing nil.
func checkMember(v any) error {
	if isNilInterface(v) {
		return argError("", "must not be nil")
	}
	return validate(v)
}

// within names an *ArgumentError's field below prefix ("Actions[2]." and "Title" make
// "Actions[2].Title").
func within(prefix string, err error) error {
	if ae, ok := err.(*ArgumentError); ok {
		name := prefix + ae.Name
		if ae.Name == "" {
			name = strings.TrimSuffix(prefix, ".")
		}
		return &ArgumentError{Name: name, Reason: ae.Reason}
	}
	return err
}

func (c *PropertyCondition) validate() error             { return nil }
func (c *PropertyChangedCondition) validate() error      { return nil }
func (c *PropertyArrayChangedCondition) validate() error { return nil }

func (c *PropertyArrayCondition) validate() error {
	if n := len(c.ItemConditions); n > maxArrayItemConditions {
		return argError("ItemConditions", "has %d conditions; at most %d are allowed", n, maxArrayItemConditions)
	}
	return checkConditions("ItemConditions", c.ItemConditions)
}

func (c *BooleanCondition) validate() error {
	if n := len(c.InnerConditions); n < minBooleanInner || n > maxBooleanInner {
		return argError("InnerConditions", "has %d conditions; %d to %d are needed", n, minBooleanInner, maxBooleanInner)
	}
	return checkConditions("InnerConditions", c.InnerConditions)
}

func (a *ModifyPropertiesAction) validate() error {
	if err := checkClosing("", a.Status, a.Classification, a.ClassificationReason); err != nil {
		return err
	}
	if id := a.Owner.ObjectID; id != "" && !guidRE.MatchString(id) {
		return argError("Owner.ObjectID", "%q is not a GUID", id)
	}
	for i, l := range a.Labels {
		if strings.TrimSpace(l.Name) == "" {
			return argError(fmt.Sprintf("Labels[%d]", i), "a label needs a name")
		}
	}
	return nil
}

func (a *RunPlaybookAction) validate() error {
	if err := checkPlaybookID("LogicAppResourceID", a.LogicAppResourceID); err != nil {
		return err
	}
	return checkTenantID("TenantID", a.TenantID)
}

func (a *AddIncidentTaskAction) validate() error {
	if strings.TrimSpace(a.Title) == "" {
		return argError("Title", "is required")
	}
	return nil
}

// playbookIDRE matches the ARM ID of a playbook: a Logic App workflow or a Logic App
// Standard site; workflowIDRE the ARM ID of a Logic App workflow (analytics rule actions).
var (
	playbookIDRE = regexp.MustCompile(`(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/(Microsoft\.Logic/workflows|Microsoft\.Web/sites)/[^/]+$`)
	workflowIDRE = regexp.MustCompile(`(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Logic/workflows/[^/]+$`)
)

// checkPlaybookID validates the ARM ID of a playbook.
func checkPlaybookID(name, id string) error {
	if err := checkResourceID(name, id); err != nil {
		return err
	}
	if !playbookIDRE.MatchString(id) {
		return argError(name, "%q is not the ARM ID of a playbook (/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Logic/workflows/{name} or .../Microsoft.Web/sites/{name})", id)
	}
	return nil
}

// checkTenantID validates an optional tenant ID, a GUID.
func checkTenantID(name, id string) error {
	if id != "" && !guidRE.MatchString(id) {
		return argError(name, "%q is not a GUID", id)
	}
	return nil
}

// ListAutomationRulesOptions are the options of ListAutomationRules; none yet (the API has no
// filter).
type ListAutomationRulesOptions struct{}

// ListAutomationRules returns a pager over the workspace's automation rules
// (GET .../automationRules).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/automationRules
func (c *Client) ListAutomationRules(_ *ListAutomationRulesOptions) *Pager[AutomationRule] {
	return newPager[AutomationRule](c, &request{op: "Client.ListAutomationRules", method: http.MethodGet, path: c.path("automationRules")})
}

// GetAutomationRuleOptions are the options of GetAutomationRule; none yet.
type GetAutomationRuleOptions struct{}

// GetAutomationRule returns one automation rule (GET .../automationRules/{ruleID}). A
// missing rule is a *ResponseError that matches ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/automationRules/{automationRuleId}
func (c *Client) GetAutomationRule(ctx context.Context, ruleID string, _ *GetAutomationRuleOptions) (AutomationRule, error) {
	if err := c.resourceName("ruleID", &ruleID, "automationRules"); err != nil {
		return AutomationRule{}, err
	}
	var out AutomationRule
	err := c.call(ctx, &request{op: "Client.GetAutomationRule", method: http.MethodGet, path: c.path("automationRules", ruleID)}, &out)
	return out, err
}

// CreateOrUpdateAutomationRuleOptions are the options of CreateOrUpdateAutomationRule; none
// yet.
type CreateOrUpdateAutomationRuleOptions struct{}

// CreateOrUpdateAutomationRule writes rule under ruleID (PUT .../automationRules/{ruleID})
// and returns the stored rule with its new etag. To update, send the rule as read with its
// Etag: a stale etag is a *ResponseError matching ErrConflict, and a rule sent without an
// etag overwrites the existing one (the last writer wins). New rules take a new ID, such as
// NewID().
//
// The rule is checked first for what the service rejects (see NewAutomationRule's Build for
// the list), and for an expiration that is not after the client's clock, with an
// *ArgumentError naming the field. Conditions and actions built in Go get their type;
// members of a rule read that this SDK does not model are sent back at every depth, and
// conditions and actions of unknown types as they were read. AddIncidentTask actions and
// PropertyArray and Boolean conditions are in api-version 2025-12-01: at an older
// ClientOptions.APIVersion the service refuses them (400).
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/automationRules/{automationRuleId}
func (c *Client) CreateOrUpdateAutomationRule(ctx context.Context, ruleID string, rule AutomationRule, _ *CreateOrUpdateAutomationRuleOptions) (AutomationRule, error) {
	if err := c.resourceName("ruleID", &ruleID, "automationRules"); err != nil {
		return AutomationRule{}, err
	}
	if err := rule.validate(c.t.Clock.Now()); err != nil {
		return AutomationRule{}, err
	}
	clearReadOnly(&rule.Resource)
	var out AutomationRule
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateAutomationRule", method: http.MethodPut, path: c.path("automationRules", ruleID), body: &rule, ok: okPut}, &out)
	return out, err
}

// DeleteAutomationRuleOptions are the options of DeleteAutomationRule; none yet.
type DeleteAutomationRuleOptions struct{}

// DeleteAutomationRule deletes an automation rule (DELETE .../automationRules/{ruleID}).
// Deleting a rule that does not exist succeeds (204).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/automationRules/{automationRuleId}
func (c *Client) DeleteAutomationRule(ctx context.Context, ruleID string, _ *DeleteAutomationRuleOptions) error {
	if err := c.resourceName("ruleID", &ruleID, "automationRules"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteAutomationRule", method: http.MethodDelete, path: c.path("automationRules", ruleID), ok: okDelete}, nil)
}
