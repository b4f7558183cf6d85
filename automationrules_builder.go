package sentinel

import (
	"slices"
	"time"
)

// AutomationRuleBuilder builds an AutomationRule the way the portal's rule editor reads:
// a name and an order, a trigger, conditions, actions and an expiration.
//
//	rule, err := sentinel.NewAutomationRule("Tier-1 triage", 10).
//		WhenIncidentCreated().
//		If(sentinel.Property(sentinel.PropIncidentSeverity).Equals("High"),
//			sentinel.Property(sentinel.PropIncidentTitle).Contains("ransomware", "encrypt")).
//		Then(sentinel.ChangeStatus(sentinel.IncidentStatusActive),
//			sentinel.AssignOwner(sentinel.IncidentOwner{UserPrincipalName: "tier1@contoso.com"}),
//			sentinel.AddTask("Isolate the host", "Use Defender for Endpoint to isolate the device."),
//			sentinel.RunPlaybook(logicAppID, "")).
//		ExpiresAt(time.Now().AddDate(0, 3, 0)).
//		Build()
//
// Each method returns a new builder; a builder can be reused as a template. Nothing is sent:
// write the rule with Client.CreateOrUpdateAutomationRule. The zero value is a builder with
// no name, which Build refuses.
//
// The trigger combinations: a rule runs on incidents (created or updated) or on alerts
// (created). The API's descriptions make PropertyChanged and PropertyArrayChanged conditions
// (ChangedTo, ChangedFrom, ItemsAdded) need an update trigger, and ModifyProperties and
// AddIncidentTask actions (every action constructor but RunPlaybook) need an incident
// trigger; Build refuses the other combinations with an *ArgumentError. The API does not say
// whether alerts can be updated triggers (the portal offers only "When alert is created"),
// so When(TriggersOnAlerts, TriggersWhenUpdated) is not refused by this SDK: the service
// decides.
type AutomationRuleBuilder struct {
	rule AutomationRule
}

// NewAutomationRule starts a rule named displayName that runs at order (1 to 1000; rules run
// in ascending order), enabled, triggered when incidents are created unless a When method
// says otherwise.
func NewAutomationRule(displayName string, order int) AutomationRuleBuilder {
	return AutomationRuleBuilder{rule: AutomationRule{AutomationRuleProperties: AutomationRuleProperties{
		DisplayName: displayName, Order: order,
		TriggeringLogic: AutomationRuleTriggeringLogic{Enabled: true, TriggersOn: TriggersOnIncidents, TriggersWhen: TriggersWhenCreated},
	}}}
}

// WhenIncidentCreated runs the rule when an incident is created: by an analytics rule, from
// Microsoft Defender XDR, or by hand (the portal or the API).
func (b AutomationRuleBuilder) WhenIncidentCreated() AutomationRuleBuilder {
	return b.When(TriggersOnIncidents, TriggersWhenCreated)
}

// WhenIncidentUpdated runs the rule when an incident is updated: its status, severity or
// owner changed, or alerts, comments, labels or tactics were added.
func (b AutomationRuleBuilder) WhenIncidentUpdated() AutomationRuleBuilder {
	return b.When(TriggersOnIncidents, TriggersWhenUpdated)
}

// WhenAlertCreated runs the rule when an analytics rule creates an alert. Only RunPlaybook
// actions apply to alerts.
func (b AutomationRuleBuilder) WhenAlertCreated() AutomationRuleBuilder {
	return b.When(TriggersOnAlerts, TriggersWhenCreated)
}

// When sets the trigger to any combination, also values this SDK does not list.
func (b AutomationRuleBuilder) When(on TriggersOn, when TriggersWhen) AutomationRuleBuilder {
	b.rule.TriggeringLogic.TriggersOn, b.rule.TriggeringLogic.TriggersWhen = on, when
	return b
}

// If adds conditions; the rule runs when all of its conditions hold.
func (b AutomationRuleBuilder) If(conditions ...AutomationRuleCondition) AutomationRuleBuilder {
	b.rule.TriggeringLogic.Conditions = append(slices.Clip(b.rule.TriggeringLogic.Conditions), conditions...)
	return b
}

// IfAny adds one condition that holds when any of conditions holds (AnyOf).
func (b AutomationRuleBuilder) IfAny(conditions ...AutomationRuleCondition) AutomationRuleBuilder {
	return b.If(AnyOf(conditions...))
}

// Then adds actions, which run in the order given, after the actions added before. Build
// numbers the actions that have no Order.
func (b AutomationRuleBuilder) Then(actions ...AutomationRuleAction) AutomationRuleBuilder {
	b.rule.Actions = append(slices.Clip(b.rule.Actions), actions...)
	return b
}

// ExpiresAt makes the service disable the rule at t. CreateOrUpdateAutomationRule refuses a
// time that is not in the future by the client's clock.
func (b AutomationRuleBuilder) ExpiresAt(t time.Time) AutomationRuleBuilder {
	b.rule.TriggeringLogic.ExpirationTime = t
	return b
}

// Disabled makes the rule start disabled.
func (b AutomationRuleBuilder) Disabled() AutomationRuleBuilder {
	b.rule.TriggeringLogic.Enabled = false
	return b
}

// Build returns the rule, or an *ArgumentError naming the first field the service would
// refuse: an empty name or one longer than 500 characters, an order outside 1-1000, more than
// 50 conditions or 20 actions, a Boolean condition with fewer than 2 or more than 10 inner
// conditions, more than 10 item conditions, a playbook that is not the ARM ID of a Logic App
// (Microsoft.Logic/workflows or Microsoft.Web/sites), a tenant or owner ID that is not a
// GUID, a task without a title, a label without a name, closing without a classification or
// with a reason of another classification, and the trigger combinations described on
// AutomationRuleBuilder. Actions without an Order get their place among the rule's actions,
// 1 first; the actions given to Then are not changed.
func (b AutomationRuleBuilder) Build() (AutomationRule, error) {
	r := b.rule
	r.TriggeringLogic.Conditions = slices.Clone(r.TriggeringLogic.Conditions)
	r.Actions = make([]AutomationRuleAction, len(b.rule.Actions))
	for i, a := range b.rule.Actions {
		r.Actions[i] = withOrder(a, i+1)
	}
	if err := r.validate(time.Time{}); err != nil {
		return AutomationRule{}, err
	}
	return r, nil
}

// withOrder returns a copy of a with Order n when its Order is 0; other actions are returned
// as they are.
func withOrder(a AutomationRuleAction, n int) AutomationRuleAction {
	switch a := a.(type) {
	case *ModifyPropertiesAction:
		if a != nil && a.Order == 0 {
			cp := *a
			cp.Order = n
			return &cp
		}
	case *RunPlaybookAction:
		if a != nil && a.Order == 0 {
			cp := *a
			cp.Order = n
			return &cp
		}
	case *AddIncidentTaskAction:
		if a != nil && a.Order == 0 {
			cp := *a
			cp.Order = n
			return &cp
		}
	}
	return a
}

// ConditionMatcher makes a condition on one property with an operator; Property, ChangedTo,
// ChangedFrom and CustomDetailValue return one. The positive operators hold when the property
// matches at least one of the values, the negative ones when it matches none.
type ConditionMatcher struct {
	property ConditionProperty
	changed  ChangedProperty
	change   PropertyChangeType // set for PropertyChanged conditions
	detail   string             // the custom detail key, for CustomDetailValue
	isDetail bool
}

// Property matches a property of the incident (PropIncidentTitle, ...) or of its entities or
// alerts (PropAccountName, PropAlertProductNames, ...): a Property condition.
func Property(p ConditionProperty) ConditionMatcher { return ConditionMatcher{property: p} }

// ChangedTo matches the value an update gave to a property of the incident: a PropertyChanged
// condition, for rules triggered when incidents are updated. It holds only when the update
// changed the property.
func ChangedTo(p ChangedProperty) ConditionMatcher {
	return ConditionMatcher{changed: p, change: ChangeTypeChangedTo}
}

// ChangedFrom matches the value a property of the incident had before an update changed it:
// a PropertyChanged condition, for rules triggered when incidents are updated.
func ChangedFrom(p ChangedProperty) ConditionMatcher {
	return ConditionMatcher{changed: p, change: ChangeTypeChangedFrom}
}

// CustomDetailValue matches the values of the incident's custom detail key (the custom
// details its analytics rules surface): it holds when the incident has the custom detail and
// any of its values matches. It is a PropertyArray condition over the custom detail keys
// whose item conditions are the key and a PropertyArray condition over the key's values
// (api-version 2025-12-01).
func CustomDetailValue(key string) ConditionMatcher {
	return ConditionMatcher{detail: key, isDetail: true}
}

// Is matches with any operator, also ones this SDK does not list.
func (m ConditionMatcher) Is(op ConditionOperator, values ...string) AutomationRuleCondition {
	values = slices.Clone(values)
	switch {
	case m.change != "":
		return &PropertyChangedCondition{ConditionType: ConditionTypePropertyChanged, PropertyChangedConditionProperties: PropertyChangedConditionProperties{
			Property: m.changed, ChangeType: m.change, Operator: op, Values: values}}
	case m.isDetail:
		return AnyItem(ArrayTypeCustomDetails,
			Property(PropIncidentCustomDetailsKey).Equals(m.detail),
			AnyItem(ArrayTypeCustomDetailValues, Property(PropIncidentCustomDetailsValue).Is(op, values...)))
	}
	return &PropertyCondition{ConditionType: ConditionTypeProperty, PropertyConditionProperties: PropertyConditionProperties{
		Property: m.property, Operator: op, Values: values}}
}

// Equals holds when the property equals at least one of values.
func (m ConditionMatcher) Equals(values ...string) AutomationRuleCondition {
	return m.Is(OperatorEquals, values...)
}

// NotEquals holds when the property equals none of values.
func (m ConditionMatcher) NotEquals(values ...string) AutomationRuleCondition {
	return m.Is(OperatorNotEquals, values...)
}

// Contains holds when the property contains at least one of values.
func (m ConditionMatcher) Contains(values ...string) AutomationRuleCondition {
	return m.Is(OperatorContains, values...)
}

// NotContains holds when the property contains none of values.
func (m ConditionMatcher) NotContains(values ...string) AutomationRuleCondition {
	return m.Is(OperatorNotContains, values...)
}

// StartsWith holds when the property starts with at least one of values.
func (m ConditionMatcher) StartsWith(values ...string) AutomationRuleCondition {
	return m.Is(OperatorStartsWith, values...)
}

// NotStartsWith holds when the property starts with none of values.
func (m ConditionMatcher) NotStartsWith(values ...string) AutomationRuleCondition {
	return m.Is(OperatorNotStartsWith, values...)
}

// EndsWith holds when the property ends with at least one of values.
func (m ConditionMatcher) EndsWith(values ...string) AutomationRuleCondition {
	return m.Is(OperatorEndsWith, values...)
}

// NotEndsWith holds when the property ends with none of values.
func (m ConditionMatcher) NotEndsWith(values ...string) AutomationRuleCondition {
	return m.Is(OperatorNotEndsWith, values...)
}

// ItemsAdded holds when an update added items to an array of the incident (alerts, labels,
// tactics or comments): a PropertyArrayChanged condition, for rules triggered when incidents
// are updated.
func ItemsAdded(array ChangedArrayType) AutomationRuleCondition {
	return &PropertyArrayChangedCondition{ConditionType: ConditionTypePropertyArrayChanged,
		PropertyArrayChangedConditionProperties: PropertyArrayChangedConditionProperties{ArrayType: array, ChangeType: ArrayChangeAdded}}
}

// AnyItem holds when at least one item of the array meets all of items (at most 10): a
// PropertyArray condition (api-version 2025-12-01).
func AnyItem(array ArrayType, items ...AutomationRuleCondition) AutomationRuleCondition {
	return arrayCondition(array, ArrayAnyItem, items)
}

// AllItems holds when every item of the array meets all of items (at most 10): a
// PropertyArray condition (api-version 2025-12-01).
func AllItems(array ArrayType, items ...AutomationRuleCondition) AutomationRuleCondition {
	return arrayCondition(array, ArrayAllItems, items)
}

func arrayCondition(array ArrayType, t ArrayConditionType, items []AutomationRuleCondition) AutomationRuleCondition {
	return &PropertyArrayCondition{ConditionType: ConditionTypePropertyArray, PropertyArrayConditionProperties: PropertyArrayConditionProperties{
		ArrayType: array, ArrayConditionType: t, ItemConditions: slices.Clone(items)}}
}

// AllOf holds when all of conditions (2 to 10) hold: a Boolean condition with And
// (api-version 2025-12-01). A rule's own conditions are already all required; AllOf is for
// nesting inside AnyOf.
func AllOf(conditions ...AutomationRuleCondition) AutomationRuleCondition {
	return booleanCondition(BooleanAnd, conditions)
}

// AnyOf holds when at least one of conditions (2 to 10) holds: a Boolean condition with Or
// (api-version 2025-12-01).
func AnyOf(conditions ...AutomationRuleCondition) AutomationRuleCondition {
	return booleanCondition(BooleanOr, conditions)
}

func booleanCondition(op BooleanOperator, conditions []AutomationRuleCondition) AutomationRuleCondition {
	return &BooleanCondition{ConditionType: ConditionTypeBoolean, BooleanConditionProperties: BooleanConditionProperties{
		Operator: op, InnerConditions: slices.Clone(conditions)}}
}

func modify(cfg ModifyPropertiesActionConfiguration) AutomationRuleAction {
	return &ModifyPropertiesAction{ActionType: ActionTypeModifyProperties, ModifyPropertiesActionConfiguration: cfg}
}

// ChangeSeverity sets the incident's severity: a ModifyProperties action.
func ChangeSeverity(s Severity) AutomationRuleAction {
	return modify(ModifyPropertiesActionConfiguration{Severity: s})
}

// ChangeStatus sets the incident's status: a ModifyProperties action. Closing needs a
// classification: use CloseAs.
func ChangeStatus(s IncidentStatus) AutomationRuleAction {
	return modify(ModifyPropertiesActionConfiguration{Status: s})
}

// CloseAs closes the incident with a classification, a reason that belongs to it (see
// ReasonsFor; none for Undetermined) and a comment: a ModifyProperties action.
func CloseAs(c Classification, reason ClassificationReason, comment string) AutomationRuleAction {
	return modify(ModifyPropertiesActionConfiguration{Status: IncidentStatusClosed, Classification: c, ClassificationReason: reason, ClassificationComment: comment})
}

// AssignOwner assigns the incident to owner, given by ObjectID, UserPrincipalName or Email:
// a ModifyProperties action.
func AssignOwner(owner IncidentOwner) AutomationRuleAction {
	return modify(ModifyPropertiesActionConfiguration{Owner: owner})
}

// AddLabels adds labels (tags) to the incident: a ModifyProperties action.
func AddLabels(names ...string) AutomationRuleAction {
	labels := make([]IncidentLabel, len(names))
	for i, n := range names {
		labels[i] = IncidentLabel{Name: n}
	}
	return modify(ModifyPropertiesActionConfiguration{Labels: labels})
}

// AddTask adds a task to the incident: an AddIncidentTask action (api-version 2025-12-01).
func AddTask(title, description string) AutomationRuleAction {
	return &AddIncidentTaskAction{ActionType: ActionTypeAddIncidentTask, AddIncidentTaskActionConfiguration: AddIncidentTaskActionConfiguration{
		Title: title, Description: description}}
}

// RunPlaybook runs the playbook logicAppResourceID (the ARM ID of a Logic App workflow or
// Logic App Standard site) in tenant tenantID ("" for the workspace's): a RunPlaybook action.
// The playbook must have the Microsoft Sentinel incident trigger (or alert trigger, for
// alert rules), and Microsoft Sentinel needs permission to run it.
func RunPlaybook(logicAppResourceID, tenantID string) AutomationRuleAction {
	return &RunPlaybookAction{ActionType: ActionTypeRunPlaybook, RunPlaybookActionConfiguration: RunPlaybookActionConfiguration{
		LogicAppResourceID: logicAppResourceID, TenantID: tenantID}}
}
