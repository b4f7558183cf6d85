package sentinel_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// TestAutomationRuleBuilderWire checks the wire form of every constructor.
func TestAutomationRuleBuilderWire(t *testing.T) {
	expires := time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC)
	rule, err := sentinel.NewAutomationRule("Escalate reopened ransomware", 42).
		WhenIncidentUpdated().
		If(sentinel.Property(sentinel.PropIncidentTitle).Contains("ransomware", "encrypted"),
			sentinel.ChangedTo(sentinel.ChangedIncidentStatus).Equals("Active"),
			sentinel.ChangedFrom(sentinel.ChangedIncidentSeverity).NotEquals("High"),
			sentinel.ItemsAdded(sentinel.ChangedArrayAlerts),
			sentinel.CustomDetailValue("DeviceGroup").StartsWith("Tier0-")).
		IfAny(sentinel.Property(sentinel.PropHostName).EndsWith(".corp.contoso.com"),
			sentinel.AllOf(sentinel.Property(sentinel.PropAccountUPNSuffix).NotEndsWith("contoso.com"),
				sentinel.Property(sentinel.PropIPAddress).NotStartsWith("10.")),
			sentinel.AllItems(sentinel.ArrayTypeCustomDetails, sentinel.Property(sentinel.PropIncidentCustomDetailsKey).NotContains("test"))).
		Then(sentinel.ChangeSeverity(sentinel.SeverityHigh),
			sentinel.ChangeStatus(sentinel.IncidentStatusActive),
			sentinel.AssignOwner(sentinel.IncidentOwner{ObjectID: "8d7a5f2e-3c1b-4e9a-b6d4-2f0e1c3a5b79"}),
			sentinel.AddLabels("ransomware", "escalated")).
		Then(sentinel.AddTask("Isolate the hosts", "Before anything else."),
			sentinel.RunPlaybook(playbookID, tenantID),
			sentinel.CloseAs(sentinel.ClassificationBenignPositive, sentinel.ClassificationReasonSuspiciousButExpected, "Drill.")).
		ExpiresAt(expires).
		Disabled().
		Build()
	require.NoError(t, err)
	b, err := sentinel.MarshalJSON(rule)
	require.NoError(t, err)
	p := func(name, op string, values ...string) string {
		v, _ := sentinel.MarshalJSON(values)
		return `{"conditionType":"Property","conditionProperties":{"propertyName":"` + name + `","operator":"` + op + `","propertyValues":` + string(v) + `}}`
	}
	assert.JSONEq(t, `{"properties":{"displayName":"Escalate reopened ransomware","order":42,
		"triggeringLogic":{"isEnabled":false,"expirationTimeUtc":"2027-03-31T23:59:59Z","triggersOn":"Incidents","triggersWhen":"Updated",
			"conditions":[
				`+p("IncidentTitle", "Contains", "ransomware", "encrypted")+`,
				{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentStatus","changeType":"ChangedTo","operator":"Equals","propertyValues":["Active"]}},
				{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentSeverity","changeType":"ChangedFrom","operator":"NotEquals","propertyValues":["High"]}},
				{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Alerts","changeType":"Added"}},
				{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"CustomDetails","arrayConditionType":"AnyItem","itemConditions":[
					`+p("IncidentCustomDetailsKey", "Equals", "DeviceGroup")+`,
					{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"CustomDetailValues","arrayConditionType":"AnyItem","itemConditions":[
						`+p("IncidentCustomDetailsValue", "StartsWith", "Tier0-")+`]}}]}},
				{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[
					`+p("HostName", "EndsWith", ".corp.contoso.com")+`,
					{"conditionType":"Boolean","conditionProperties":{"operator":"And","innerConditions":[
						`+p("AccountUPNSuffix", "NotEndsWith", "contoso.com")+`,`+p("IPAddress", "NotStartsWith", "10.")+`]}},
					{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"CustomDetails","arrayConditionType":"AllItems","itemConditions":[
						`+p("IncidentCustomDetailsKey", "NotContains", "test")+`]}}]}}]},
		"actions":[
			{"actionType":"ModifyProperties","order":1,"actionConfiguration":{"severity":"High"}},
			{"actionType":"ModifyProperties","order":2,"actionConfiguration":{"status":"Active"}},
			{"actionType":"ModifyProperties","order":3,"actionConfiguration":{"owner":{"objectId":"8d7a5f2e-3c1b-4e9a-b6d4-2f0e1c3a5b79"}}},
			{"actionType":"ModifyProperties","order":4,"actionConfiguration":{"labels":[{"labelName":"ransomware"},{"labelName":"escalated"}]}},
			{"actionType":"AddIncidentTask","order":5,"actionConfiguration":{"title":"Isolate the hosts","description":"Before anything else."}},
			{"actionType":"RunPlaybook","order":6,"actionConfiguration":{"logicAppResourceId":"`+playbookID+`","tenantId":"`+tenantID+`"}},
			{"actionType":"ModifyProperties","order":7,"actionConfiguration":{"status":"Closed","classification":"BenignPositive","classificationReason":"SuspiciousButExpected","classificationComment":"Drill."}}]}}`, string(b))

	// The wire form decodes back into the same rule.
	var back sentinel.AutomationRule
	require.NoError(t, sentinel.UnmarshalJSON(b, &back))
	assert.Equal(t, rule, back)
}

func TestAutomationRuleBuilderTriggers(t *testing.T) {
	tests := []struct {
		b        sentinel.AutomationRuleBuilder
		on       sentinel.TriggersOn
		when     sentinel.TriggersWhen
		disabled bool
	}{
		{sentinel.NewAutomationRule("r", 1), sentinel.TriggersOnIncidents, sentinel.TriggersWhenCreated, false},
		{sentinel.NewAutomationRule("r", 1).WhenIncidentUpdated(), sentinel.TriggersOnIncidents, sentinel.TriggersWhenUpdated, false},
		{sentinel.NewAutomationRule("r", 1).WhenIncidentUpdated().WhenIncidentCreated(), sentinel.TriggersOnIncidents, sentinel.TriggersWhenCreated, false},
		{sentinel.NewAutomationRule("r", 1).WhenAlertCreated().Disabled(), sentinel.TriggersOnAlerts, sentinel.TriggersWhenCreated, true},
		{sentinel.NewAutomationRule("r", 1).When("Entities", "Created"), "Entities", sentinel.TriggersWhenCreated, false},
	}
	for _, tt := range tests {
		r, err := tt.b.Then(sentinel.RunPlaybook(playbookID, "")).Build()
		require.NoError(t, err)
		assert.Equal(t, tt.on, r.TriggeringLogic.TriggersOn)
		assert.Equal(t, tt.when, r.TriggeringLogic.TriggersWhen)
		assert.Equal(t, !tt.disabled, r.TriggeringLogic.Enabled)
	}
}

// TestAutomationRuleBuilderIsAValue checks that a builder can serve as a template: branches
// do not share their conditions or actions, and the actions given are not changed.
func TestAutomationRuleBuilderIsAValue(t *testing.T) {
	base := sentinel.NewAutomationRule("base", 5).If(sentinel.Property(sentinel.PropIncidentSeverity).Equals("High"))
	task := sentinel.AddTask("Triage", "")
	a, err := base.If(sentinel.Property(sentinel.PropIncidentTitle).Contains("a")).Then(task).Build()
	require.NoError(t, err)
	b, err := base.If(sentinel.Property(sentinel.PropIncidentTitle).Contains("b")).Then(sentinel.ChangeSeverity(sentinel.SeverityLow), task).Build()
	require.NoError(t, err)
	assert.Len(t, a.TriggeringLogic.Conditions, 2)
	assert.Len(t, b.TriggeringLogic.Conditions, 2)
	assert.Equal(t, []string{"a"}, a.TriggeringLogic.Conditions[1].(*sentinel.PropertyCondition).Values)
	assert.Equal(t, []string{"b"}, b.TriggeringLogic.Conditions[1].(*sentinel.PropertyCondition).Values)
	require.Len(t, a.Actions, 1)
	assert.Equal(t, 1, a.Actions[0].(*sentinel.AddIncidentTaskAction).Order)
	assert.Equal(t, 2, b.Actions[1].(*sentinel.AddIncidentTaskAction).Order)
	assert.Zero(t, task.(*sentinel.AddIncidentTaskAction).Order, "Build numbers copies")

	// An action with an order keeps it.
	explicit := &sentinel.RunPlaybookAction{Order: 7, RunPlaybookActionConfiguration: sentinel.RunPlaybookActionConfiguration{LogicAppResourceID: playbookID}}
	c, err := base.Then(sentinel.ChangeSeverity(sentinel.SeverityLow), explicit).Build()
	require.NoError(t, err)
	assert.Equal(t, 1, c.Actions[0].(*sentinel.ModifyPropertiesAction).Order)
	assert.Equal(t, 7, c.Actions[1].(*sentinel.RunPlaybookAction).Order)

	// Values given to the constructors are copied.
	values := []string{"x"}
	cond := sentinel.Property(sentinel.PropIncidentLabel).Equals(values...)
	values[0] = "changed"
	assert.Equal(t, []string{"x"}, cond.(*sentinel.PropertyCondition).Values)
}

// TestAutomationRuleBuilderErrors checks that Build refuses what the service refuses, with an
// *ArgumentError and no panic, also on a zero builder.
func TestAutomationRuleBuilderErrors(t *testing.T) {
	tests := []struct {
		name  string
		b     sentinel.AutomationRuleBuilder
		field string
	}{
		{"zero builder", sentinel.AutomationRuleBuilder{}, "AutomationRule.DisplayName"},
		{"order", sentinel.NewAutomationRule("r", 1001), "AutomationRule.Order"},
		{"a change condition on creation", sentinel.NewAutomationRule("r", 1).If(sentinel.ChangedTo(sentinel.ChangedIncidentOwner).Contains("tier1")),
			"AutomationRule.TriggeringLogic.Conditions[0]"},
		{"items added on creation", sentinel.NewAutomationRule("r", 1).WhenIncidentCreated().If(sentinel.ItemsAdded(sentinel.ChangedArrayComments)),
			"AutomationRule.TriggeringLogic.Conditions[0]"},
		{"an incident action on alerts", sentinel.NewAutomationRule("r", 1).WhenAlertCreated().Then(sentinel.RunPlaybook(playbookID, ""), sentinel.AddLabels("x")),
			"AutomationRule.Actions[1]"},
		{"IfAny of one", sentinel.NewAutomationRule("r", 1).IfAny(sentinel.Property(sentinel.PropIncidentSeverity).Equals("High")),
			"AutomationRule.TriggeringLogic.Conditions[0].InnerConditions"},
		{"a nil action", sentinel.NewAutomationRule("r", 1).Then(nil), "AutomationRule.Actions[0]"},
		{"a zero matcher", sentinel.NewAutomationRule("r", 1).If(sentinel.ConditionMatcher{}.Equals("x")).Then(sentinel.RunPlaybook("x", "")),
			"AutomationRule.Actions[0].LogicAppResourceID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.b.Build()
			requireArgError(t, nil, err, tt.field)
		})
	}
	// An expiration in the past is checked where a clock is: CreateOrUpdateAutomationRule.
	_, err := sentinel.NewAutomationRule("r", 1).ExpiresAt(time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)).Build()
	assert.NoError(t, err)
}
