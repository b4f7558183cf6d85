package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// playbookID is a Logic App workflow of the emulator's subscription.
const playbookID = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Notify-SOC"

const tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"

// newAutomationEnv is newEnv with the emulator on the client's clock, so that expiration times
// mean the same on both sides.
func newAutomationEnv(t *testing.T, tweak ...func(*sentinel.ClientOptions)) *testEnv {
	t.Helper()
	env := newEnv(t, tweak...)
	env.srv.SetClock(env.clock.Now)
	return env
}

// triageRule is a valid rule with one condition and one action of each type.
func triageRule(t *testing.T, env *testEnv) sentinel.AutomationRule {
	t.Helper()
	r, err := sentinel.NewAutomationRule("Tier-1 triage", 10).
		WhenIncidentCreated().
		If(sentinel.Property(sentinel.PropIncidentSeverity).Equals("High")).
		Then(sentinel.AssignOwner(sentinel.IncidentOwner{UserPrincipalName: "tier1@contoso.com"}),
			sentinel.AddTask("Isolate the host", "Use Defender for Endpoint."),
			sentinel.RunPlaybook(playbookID, tenantID)).
		ExpiresAt(env.clock.Now().Add(90 * 24 * time.Hour)).
		Build()
	require.NoError(t, err)
	return r
}

func TestAutomationRuleCRUD(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	rule := triageRule(t, env)

	created, err := env.client.CreateOrUpdateAutomationRule(ctx, "triage", rule, nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, http.MethodPut, req.Method)
	assert.Equal(t, "/arm"+wsPath+"/automationRules/triage", req.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, req.RawQuery)
	assert.JSONEq(t, `{"properties":{
		"displayName":"Tier-1 triage","order":10,
		"triggeringLogic":{"isEnabled":true,"expirationTimeUtc":"2027-01-30T12:00:00Z","triggersOn":"Incidents","triggersWhen":"Created",
			"conditions":[{"conditionType":"Property","conditionProperties":{"propertyName":"IncidentSeverity","operator":"Equals","propertyValues":["High"]}}]},
		"actions":[
			{"actionType":"ModifyProperties","order":1,"actionConfiguration":{"owner":{"userPrincipalName":"tier1@contoso.com"}}},
			{"actionType":"AddIncidentTask","order":2,"actionConfiguration":{"title":"Isolate the host","description":"Use Defender for Endpoint."}},
			{"actionType":"RunPlaybook","order":3,"actionConfiguration":{"logicAppResourceId":"`+playbookID+`","tenantId":"`+tenantID+`"}}]}}`, string(req.Body))

	assert.Equal(t, "triage", created.Name)
	assert.True(t, strings.HasSuffix(created.ID, "/automationRules/triage"), created.ID)
	assert.Equal(t, "Microsoft.SecurityInsights/automationRules", created.Type)
	assert.NotEmpty(t, created.Etag)
	assert.Equal(t, sentineltest.CallerUPN, created.CreatedBy.UserPrincipalName)
	assert.Equal(t, env.clock.Now(), created.CreatedTime)
	require.Len(t, created.Actions, 3)
	owner := created.Actions[0].(*sentinel.ModifyPropertiesAction)
	assert.Equal(t, "tier1@contoso.com", owner.Owner.UserPrincipalName)
	assert.Equal(t, "Isolate the host", created.Actions[1].(*sentinel.AddIncidentTaskAction).Title)
	assert.Equal(t, playbookID, created.Actions[2].(*sentinel.RunPlaybookAction).LogicAppResourceID)
	cond := created.TriggeringLogic.Conditions[0].(*sentinel.PropertyCondition)
	assert.Equal(t, sentinel.PropertyConditionProperties{Property: sentinel.PropIncidentSeverity, Operator: sentinel.OperatorEquals, Values: []string{"High"}}, cond.PropertyConditionProperties)

	got, err := env.client.GetAutomationRule(ctx, "triage", nil)
	require.NoError(t, err)
	assert.Equal(t, created, got)
	assert.Equal(t, "/arm"+wsPath+"/automationRules/triage", lastRequest(t, env).Path)

	// An update sends the etag it read; a stale etag is a conflict.
	got.DisplayName = "Tier-1 triage (v2)"
	updated, err := env.client.CreateOrUpdateAutomationRule(ctx, "triage", got, nil)
	require.NoError(t, err)
	assert.Equal(t, "Tier-1 triage (v2)", updated.DisplayName)
	assert.NotEqual(t, got.Etag, updated.Etag)
	var body map[string]any
	require.NoError(t, json.Unmarshal(lastRequest(t, env).Body, &body))
	assert.Equal(t, got.Etag, body["etag"])
	assert.NotContains(t, body, "id", "the read-only envelope is not sent")
	_, err = env.client.CreateOrUpdateAutomationRule(ctx, "triage", got, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	list, err := env.client.ListAutomationRules(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, updated, list[0])
	assert.Equal(t, "/arm"+wsPath+"/automationRules", lastRequest(t, env).Path)

	require.NoError(t, env.client.DeleteAutomationRule(ctx, "triage", nil))
	assert.Equal(t, http.MethodDelete, lastRequest(t, env).Method)
	_, err = env.client.GetAutomationRule(ctx, "triage", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	assert.NoError(t, env.client.DeleteAutomationRule(ctx, "triage", nil), "deleting a missing rule succeeds")

	env.srv.ResetRequests()
	_, err = env.client.GetAutomationRule(ctx, "a/b", nil)
	requireArgError(t, env, err, "ruleID")
	requireArgError(t, env, env.client.DeleteAutomationRule(ctx, "", nil), "ruleID")
	_, err = env.client.CreateOrUpdateAutomationRule(ctx, "..", rule, nil)
	requireArgError(t, env, err, "ruleID")
}

func TestListAutomationRulesPages(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	for i := range 55 {
		r, err := sentinel.NewAutomationRule(fmt.Sprintf("rule %d", i), i+1).Then(sentinel.ChangeSeverity(sentinel.SeverityLow)).Build()
		require.NoError(t, err)
		_, err = env.client.CreateOrUpdateAutomationRule(ctx, fmt.Sprintf("r%02d", i), r, nil)
		require.NoError(t, err)
	}
	env.srv.ResetRequests()
	rules, err := env.client.ListAutomationRules(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, rules, 55)
	assert.Equal(t, "r54", rules[54].Name)
	assert.Equal(t, 2, env.srv.RequestCount(), "two pages")
}

// TestAutomationRuleValidation checks what CreateOrUpdateAutomationRule refuses before
// sending, naming the field, and what it sends as it is.
func TestAutomationRuleValidation(t *testing.T) {
	type rule = sentinel.AutomationRule
	prop := sentinel.Property(sentinel.PropIncidentTitle).Contains("x")
	many := func(n int, c sentinel.AutomationRuleCondition) []sentinel.AutomationRuleCondition {
		out := make([]sentinel.AutomationRuleCondition, n)
		for i := range out {
			out[i] = c
		}
		return out
	}
	// refused marks rules the SDK sends and the service (the emulator) refuses: values it
	// does not know.
	const refused = "refused"
	unknown := new(sentinel.UnknownAutomationRuleCondition)
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`{"conditionType":"PropertyInWatchlist","conditionProperties":{"watchlistAlias":"vip"}}`), unknown))

	tests := []struct {
		name   string
		edit   func(env *testEnv, r *rule)
		field  string // "" means valid: sent
		reason string // the error's text; for a valid rule, refused when the service refuses it
	}{
		{"valid", func(*testEnv, *rule) {}, "", ""},
		{"no name", func(_ *testEnv, r *rule) { r.DisplayName = " " }, "AutomationRule.DisplayName", "required"},
		{"name of 501 characters", func(_ *testEnv, r *rule) { r.DisplayName = strings.Repeat("é", 501) }, "AutomationRule.DisplayName", "at most 500"},
		{"name of 500 characters", func(_ *testEnv, r *rule) { r.DisplayName = strings.Repeat("é", 500) }, "", ""},
		{"order 0", func(_ *testEnv, r *rule) { r.Order = 0 }, "AutomationRule.Order", "between 1 and 1000"},
		{"order 1001", func(_ *testEnv, r *rule) { r.Order = 1001 }, "AutomationRule.Order", "got 1001"},
		{"order 1000", func(_ *testEnv, r *rule) { r.Order = 1000 }, "", ""},
		{"no trigger target", func(_ *testEnv, r *rule) { r.TriggeringLogic.TriggersOn = "" }, "AutomationRule.TriggeringLogic.TriggersOn", "required"},
		{"no trigger event", func(_ *testEnv, r *rule) { r.TriggeringLogic.TriggersWhen = "" }, "AutomationRule.TriggeringLogic.TriggersWhen", "required"},
		{"expired", func(env *testEnv, r *rule) { r.TriggeringLogic.ExpirationTime = env.clock.Now().Add(-time.Second) }, "AutomationRule.TriggeringLogic.ExpirationTime", "not in the future"},
		{"expiring now", func(env *testEnv, r *rule) { r.TriggeringLogic.ExpirationTime = env.clock.Now() }, "AutomationRule.TriggeringLogic.ExpirationTime", "not in the future"},
		{"expiring in a second", func(env *testEnv, r *rule) { r.TriggeringLogic.ExpirationTime = env.clock.Now().Add(time.Second) }, "", ""},
		{"51 conditions", func(_ *testEnv, r *rule) { r.TriggeringLogic.Conditions = many(51, prop) }, "AutomationRule.TriggeringLogic.Conditions", "at most 50"},
		{"50 conditions", func(_ *testEnv, r *rule) { r.TriggeringLogic.Conditions = many(50, prop) }, "", ""},
		{"21 actions", func(_ *testEnv, r *rule) {
			for range 18 {
				r.Actions = append(r.Actions, sentinel.ChangeSeverity(sentinel.SeverityHigh))
			}
		}, "AutomationRule.Actions", "at most 20"},
		{"nil condition", func(_ *testEnv, r *rule) { r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{nil} }, "AutomationRule.TriggeringLogic.Conditions[0]", "nil"},
		{"nil action", func(_ *testEnv, r *rule) { r.Actions[1] = (*sentinel.AddIncidentTaskAction)(nil) }, "AutomationRule.Actions[1]", "nil"},
		{"Boolean with one inner condition", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{sentinel.AnyOf(prop)}
		},
			"AutomationRule.TriggeringLogic.Conditions[0].InnerConditions", "2 to 10"},
		{"Boolean with 11 inner conditions", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{sentinel.AllOf(many(11, prop)...)}
		}, "AutomationRule.TriggeringLogic.Conditions[0].InnerConditions", "has 11"},
		{"11 item conditions inside a Boolean", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{sentinel.AnyOf(prop, sentinel.AnyItem(sentinel.ArrayTypeCustomDetails, many(11, prop)...))}
		}, "AutomationRule.TriggeringLogic.Conditions[0].InnerConditions[1].ItemConditions", "at most 10"},
		{"a condition of an unknown type", func(_ *testEnv, r *rule) { r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{unknown} }, "", refused},
		{"a playbook that is not an ARM ID", func(_ *testEnv, r *rule) { r.Actions[2] = sentinel.RunPlaybook("Notify-SOC", "") },
			"AutomationRule.Actions[2].LogicAppResourceID", "ARM resource ID"},
		{"a playbook that is a VM", func(_ *testEnv, r *rule) {
			r.Actions[2] = sentinel.RunPlaybook(strings.Replace(playbookID, "Microsoft.Logic/workflows", "Microsoft.Compute/virtualMachines", 1), "")
		}, "AutomationRule.Actions[2].LogicAppResourceID", "not the ARM ID of a playbook"},
		{"a Logic App Standard site", func(_ *testEnv, r *rule) {
			r.Actions[2] = sentinel.RunPlaybook(strings.Replace(playbookID, "Microsoft.Logic/workflows", "Microsoft.Web/sites", 1), "")
		}, "", ""},
		{"a tenant that is not a GUID", func(_ *testEnv, r *rule) { r.Actions[2] = sentinel.RunPlaybook(playbookID, "contoso.onmicrosoft.com") },
			"AutomationRule.Actions[2].TenantID", "not a GUID"},
		{"a task without a title", func(_ *testEnv, r *rule) { r.Actions[1] = sentinel.AddTask(" ", "d") }, "AutomationRule.Actions[1].Title", "required"},
		{"closing without a classification", func(_ *testEnv, r *rule) { r.Actions[0] = sentinel.ChangeStatus(sentinel.IncidentStatusClosed) },
			"AutomationRule.Actions[0].Classification", "required to close"},
		{"a reason of another classification", func(_ *testEnv, r *rule) {
			r.Actions[0] = sentinel.CloseAs(sentinel.ClassificationFalsePositive, sentinel.ClassificationReasonSuspiciousActivity, "")
		}, "AutomationRule.Actions[0].ClassificationReason", "does not belong"},
		{"closing as benign positive", func(_ *testEnv, r *rule) {
			r.Actions[0] = sentinel.CloseAs(sentinel.ClassificationBenignPositive, sentinel.ClassificationReasonSuspiciousButExpected, "Scanner.")
		}, "", ""},
		{"an owner ID that is not a GUID", func(_ *testEnv, r *rule) {
			r.Actions[0] = sentinel.AssignOwner(sentinel.IncidentOwner{ObjectID: "alice"})
		},
			"AutomationRule.Actions[0].Owner.ObjectID", "not a GUID"},
		{"a label without a name", func(_ *testEnv, r *rule) { r.Actions[0] = sentinel.AddLabels("vip", "") }, "AutomationRule.Actions[0].Labels[1]", "needs a name"},
		{"values this SDK does not know", func(_ *testEnv, r *rule) {
			r.Actions[0] = sentinel.ChangeSeverity("Critical")
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{sentinel.Property("IncidentRiskScore").Is("GreaterThan", "80")}
		}, "", refused},
		// Trigger combinations.
		{"a change condition on creation", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{prop, sentinel.ChangedTo(sentinel.ChangedIncidentStatus).Equals("Active")}
		}, "AutomationRule.TriggeringLogic.Conditions[1]", "TriggersWhen Updated"},
		{"an array change condition inside a Boolean on creation", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{sentinel.AnyOf(prop, sentinel.ItemsAdded(sentinel.ChangedArrayLabels))}
		}, "AutomationRule.TriggeringLogic.Conditions[0].InnerConditions[1]", "TriggersWhen Updated"},
		{"change conditions on update", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.TriggersWhen = sentinel.TriggersWhenUpdated
			r.TriggeringLogic.Conditions = []sentinel.AutomationRuleCondition{sentinel.ChangedFrom(sentinel.ChangedIncidentSeverity).Equals("Low"), sentinel.ItemsAdded(sentinel.ChangedArrayAlerts)}
		}, "", ""},
		{"an incident action on alerts", func(_ *testEnv, r *rule) { r.TriggeringLogic.TriggersOn = sentinel.TriggersOnAlerts },
			"AutomationRule.Actions[0]", "TriggersOn Incidents"},
		{"a task on alerts", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.TriggersOn = sentinel.TriggersOnAlerts
			r.Actions = r.Actions[1:]
		}, "AutomationRule.Actions[0]", "AddIncidentTask action changes incidents"},
		{"a playbook on alerts", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.TriggersOn = sentinel.TriggersOnAlerts
			r.Actions = r.Actions[2:]
		}, "", ""},
		{"a playbook on updated alerts (the API is silent)", func(_ *testEnv, r *rule) {
			r.TriggeringLogic.TriggersOn, r.TriggeringLogic.TriggersWhen = sentinel.TriggersOnAlerts, sentinel.TriggersWhenUpdated
			r.Actions = r.Actions[2:]
		}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newAutomationEnv(t)
			r := triageRule(t, env)
			r.Actions = append([]sentinel.AutomationRuleAction(nil), r.Actions...)
			tt.edit(env, &r)
			env.srv.ResetRequests()
			_, err := env.client.CreateOrUpdateAutomationRule(context.Background(), "r1", r, nil)
			if tt.field == "" {
				assert.Equal(t, 1, env.srv.RequestCount(), "sent")
				if tt.reason == refused {
					assert.ErrorIs(t, err, sentinel.ErrBadRequest)
				} else {
					assert.NoError(t, err)
				}
				return
			}
			requireArgError(t, env, err, tt.field)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

// TestAutomationRuleUnknownKindsKept reads a rule with a condition and an action of types this
// SDK does not type and writes it back: both are sent byte for byte.
func TestAutomationRuleUnknownKindsKept(t *testing.T) {
	data, err := os.ReadFile("testdata/automationrules/list.json")
	require.NoError(t, err)
	var page struct {
		Value []json.RawMessage `json:"value"`
	}
	require.NoError(t, json.Unmarshal(data, &page))
	stored := page.Value[1]
	var sent []byte
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			sent, _ = io.ReadAll(r.Body)
		}
		_, _ = w.Write(stored)
	})
	ctx := context.Background()
	rule, err := c.GetAutomationRule(ctx, "future-kinds", nil)
	require.NoError(t, err)
	cond, ok := rule.TriggeringLogic.Conditions[0].(*sentinel.UnknownAutomationRuleCondition)
	require.True(t, ok, "%T", rule.TriggeringLogic.Conditions[0])
	assert.Equal(t, sentinel.ConditionType("PropertyInWatchlist"), cond.Kind())
	action, ok := rule.Actions[0].(*sentinel.UnknownAutomationRuleAction)
	require.True(t, ok, "%T", rule.Actions[0])
	assert.Equal(t, sentinel.ActionType("SuppressIncident"), action.Kind())
	var cfg struct {
		ActionConfiguration struct {
			Duration time.Duration `json:"duration"`
		} `json:"actionConfiguration"`
	}
	require.NoError(t, action.Decode(&cfg))
	assert.Equal(t, 24*time.Hour, cfg.ActionConfiguration.Duration)
	assert.IsType(t, &sentinel.ModifyPropertiesAction{}, rule.Actions[1])

	rule.TriggeringLogic.Enabled = true
	_, err = c.CreateOrUpdateAutomationRule(ctx, "future-kinds", rule, nil)
	require.NoError(t, err)
	compact := func(b []byte) string {
		var buf bytes.Buffer
		require.NoError(t, json.Compact(&buf, b))
		return buf.String()
	}
	assert.Contains(t, string(sent), compact(cond.Raw), "the unknown condition is sent as read (white space aside)")
	assert.Contains(t, string(sent), compact(action.Raw), "the unknown action is sent as read (white space aside)")
	assert.Contains(t, string(sent), `"isEnabled":true`)
}

// TestAutomationRuleVersions writes the 2025-12-01 additions at both versions: the emulator
// refuses them at 2023-02-01, as the service does.
func TestAutomationRuleVersions(t *testing.T) {
	additions := []struct {
		name string
		rule sentinel.AutomationRuleBuilder
	}{
		{"AddIncidentTask", sentinel.NewAutomationRule("tasks", 1).Then(sentinel.AddTask("Triage", ""))},
		{"Boolean", sentinel.NewAutomationRule("boolean", 1).IfAny(
			sentinel.Property(sentinel.PropIncidentSeverity).Equals("High"), sentinel.Property(sentinel.PropIncidentTitle).Contains("ransomware")).
			Then(sentinel.ChangeStatus(sentinel.IncidentStatusActive))},
		{"PropertyArray", sentinel.NewAutomationRule("custom details", 1).If(sentinel.CustomDetailValue("DeviceGroup").Equals("Tier0")).
			Then(sentinel.ChangeSeverity(sentinel.SeverityHigh))},
	}
	for _, version := range []string{"2023-02-01", "2025-12-01"} {
		for _, tt := range additions {
			t.Run(version+"/"+tt.name, func(t *testing.T) {
				env := newAutomationEnv(t, func(o *sentinel.ClientOptions) { o.APIVersion = version })
				r, err := tt.rule.Build()
				require.NoError(t, err)
				_, err = env.client.CreateOrUpdateAutomationRule(context.Background(), "r", r, nil)
				assert.Equal(t, version, lastRequest(t, env).Query.Get("api-version"))
				if version == sentinel.DefaultAPIVersion {
					assert.NoError(t, err)
					return
				}
				var re *sentinel.ResponseError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, http.StatusBadRequest, re.StatusCode)
				assert.ErrorIs(t, err, sentinel.ErrBadRequest)
				assert.Contains(t, re.Message, "2023-02-01")
			})
		}
	}
}

// TestAutomationRuleFixtures decodes the fixtures in the shapes of the 2025-12-01 examples
// and of a rule with every condition and action type into their typed fields.
func TestAutomationRuleFixtures(t *testing.T) {
	var created sentinel.AutomationRule
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "automationrules/create.json"), &created))
	assert.Equal(t, "b4e29c81-6d0a-4f3b-9e27-8c1d5a6f0b42", created.Name)
	assert.Equal(t, "Task list for compromised sign-ins", created.DisplayName)
	assert.Equal(t, 1, created.Order)
	assert.Equal(t, sentinel.AutomationRuleTriggeringLogic{Enabled: true, TriggersOn: sentinel.TriggersOnIncidents, TriggersWhen: sentinel.TriggersWhenCreated,
		Conditions: created.TriggeringLogic.Conditions}, created.TriggeringLogic)
	cond := created.TriggeringLogic.Conditions[0].(*sentinel.PropertyCondition)
	assert.Equal(t, sentinel.PropIncidentRelatedAnalyticRuleIDs, cond.Property)
	assert.Equal(t, sentinel.OperatorContains, cond.Operator)
	assert.Len(t, cond.Values, 2)
	task := created.Actions[0].(*sentinel.AddIncidentTaskAction)
	assert.Equal(t, sentinel.AddIncidentTaskActionConfiguration{Title: "Revoke the user's sessions",
		Description: "Revoke refresh tokens and require a password change at the next sign-in."}, task.AddIncidentTaskActionConfiguration)
	assert.Equal(t, time.Date(2026, 2, 4, 9, 30, 12, 0, time.UTC), created.LastModifiedTime)
	assert.Equal(t, sentinel.ClientInfo{ObjectID: "9c8b7a6f-5e4d-4c3b-a2a1-0f9e8d7c6b5a", Email: "dave.brown@contoso.com", Name: "dave brown", UserPrincipalName: "dave@contoso.com"}, created.CreatedBy)

	var r sentinel.AutomationRule
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "automationrules/get.json"), &r))
	assert.Equal(t, time.Date(2027, 3, 31, 23, 59, 59, 0, time.UTC), r.TriggeringLogic.ExpirationTime)
	assert.Equal(t, "carol.white@contoso.com", r.SystemData.CreatedBy)
	conds := r.TriggeringLogic.Conditions
	require.Len(t, conds, 5)
	changed := conds[1].(*sentinel.PropertyChangedCondition)
	assert.Equal(t, sentinel.PropertyChangedConditionProperties{Property: sentinel.ChangedIncidentStatus, ChangeType: sentinel.ChangeTypeChangedTo,
		Operator: sentinel.OperatorEquals, Values: []string{"Active"}}, changed.PropertyChangedConditionProperties)
	assert.Equal(t, sentinel.ChangedArrayAlerts, conds[2].(*sentinel.PropertyArrayChangedCondition).ArrayType)
	arr := conds[3].(*sentinel.PropertyArrayCondition)
	assert.Equal(t, sentinel.ArrayTypeCustomDetails, arr.ArrayType)
	inner := arr.ItemConditions[1].(*sentinel.PropertyArrayCondition)
	assert.Equal(t, sentinel.ArrayAllItems, inner.ArrayConditionType)
	assert.Equal(t, sentinel.PropIncidentCustomDetailsValue, inner.ItemConditions[0].(*sentinel.PropertyCondition).Property)
	b := conds[4].(*sentinel.BooleanCondition)
	assert.Equal(t, sentinel.BooleanOr, b.Operator)
	assert.Equal(t, sentinel.PropHostName, b.InnerConditions[0].(*sentinel.PropertyCondition).Property)
	mod := r.Actions[0].(*sentinel.ModifyPropertiesAction)
	assert.Equal(t, 1, mod.Order)
	assert.Equal(t, sentinel.ClassificationReasonSuspiciousActivity, mod.ClassificationReason)
	assert.Equal(t, sentinel.OwnerTypeUser, mod.Owner.OwnerType)
	assert.Equal(t, []sentinel.IncidentLabel{{Name: "ransomware", Type: sentinel.LabelTypeUser}, {Name: "escalated", Type: sentinel.LabelTypeUser}}, mod.Labels)
	pb := r.Actions[2].(*sentinel.RunPlaybookAction)
	assert.Equal(t, "72f988bf-86f1-41af-91ab-2d7cd011db47", pb.TenantID)
	_, err := sentinel.NewAutomationRule(r.DisplayName, r.Order).When(r.TriggeringLogic.TriggersOn, r.TriggeringLogic.TriggersWhen).
		If(r.TriggeringLogic.Conditions...).Then(r.Actions...).ExpiresAt(r.TriggeringLogic.ExpirationTime).Build()
	assert.NoError(t, err, "a rule read is accepted back")
}
