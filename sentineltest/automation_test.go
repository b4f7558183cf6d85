package sentineltest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/sentineltest"
)

const wirePlaybook = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Notify-SOC"

// ruleBody is an automation rule body: a rule on incidents created, with the conditions and
// actions given (the JSON of each).
func ruleBody(when string, conditions, actions []string) string {
	return `{"properties":{"displayName":"r","order":1,"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"` + when +
		`","conditions":[` + strings.Join(conditions, ",") + `]},"actions":[` + strings.Join(actions, ",") + `]}}`
}

const (
	propertyCondition = `{"conditionType":"Property","conditionProperties":{"propertyName":"IncidentSeverity","operator":"Equals","propertyValues":["High"]}}`
	labelAction       = `{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"labels":[{"labelName":"auto"}]}}`
)

// TestAutomationRuleValidation pins the service's 400s for invalid rules, by api-version.
func TestAutomationRuleValidation(t *testing.T) {
	w := newWire(t)
	booleanCondition := `{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[` + propertyCondition + `,` + propertyCondition + `]}}`
	arrayCondition := `{"conditionType":"PropertyArray","conditionProperties":{"arrayType":"CustomDetails","arrayConditionType":"AnyItem","itemConditions":[` +
		`{"conditionType":"Property","conditionProperties":{"propertyName":"IncidentCustomDetailsKey","operator":"Equals","propertyValues":["k"]}}]}}`
	taskAction := `{"order":2,"actionType":"AddIncidentTask","actionConfiguration":{"title":"t"}}`
	tests := []struct {
		name    string
		body    string
		version string
		status  int
		message string
	}{
		{"a valid rule", ruleBody("Created", []string{propertyCondition}, []string{labelAction}), "2023-02-01", 201, ""},
		{"Boolean at 2023-02-01", ruleBody("Created", []string{booleanCondition}, []string{labelAction}), "2023-02-01", 400, "conditionType 'Boolean'"},
		{"Boolean at 2025-12-01", ruleBody("Created", []string{booleanCondition}, []string{labelAction}), "2025-12-01", 201, ""},
		{"PropertyArray at 2023-02-01", ruleBody("Created", []string{arrayCondition}, []string{labelAction}), "2023-02-01", 400, "conditionType 'PropertyArray'"},
		{"PropertyArray at 2025-12-01", ruleBody("Created", []string{arrayCondition}, []string{labelAction}), "2025-12-01", 201, ""},
		{"AddIncidentTask at 2023-02-01", ruleBody("Created", nil, []string{labelAction, taskAction}), "2023-02-01", 400, "actionType 'AddIncidentTask'"},
		{"AddIncidentTask at 2025-12-01", ruleBody("Created", nil, []string{labelAction, taskAction}), "2025-12-01", 201, ""},
		{"a custom-detail property at 2023-02-01", ruleBody("Created",
			[]string{`{"conditionType":"Property","conditionProperties":{"propertyName":"IncidentCustomDetailsValue","operator":"Equals","propertyValues":["x"]}}`}, []string{labelAction}),
			"2023-02-01", 400, "propertyName 'IncidentCustomDetailsValue'"},
		{"PropertyChanged on creation", ruleBody("Created",
			[]string{`{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentStatus","changeType":"ChangedTo","operator":"Equals","propertyValues":["Closed"]}}`},
			[]string{labelAction}), "2025-12-01", 400, "only on rules triggered when objects are updated"},
		{"a ModifyProperties action on alerts", strings.Replace(ruleBody("Created", nil, []string{labelAction}), `"Incidents"`, `"Alerts"`, 1), "2025-12-01", 400, "only on rules triggered on incidents"},
		{"order 0", strings.Replace(ruleBody("Created", nil, []string{labelAction}), `"order":1,"triggeringLogic"`, `"order":0,"triggeringLogic"`, 1), "2025-12-01", 400, "order"},
		{"an expiration in the past", strings.Replace(ruleBody("Created", nil, []string{labelAction}), `"isEnabled":true`, `"isEnabled":true,"expirationTimeUtc":"2026-11-01T10:09:26Z"`, 1),
			"2025-12-01", 400, "must be in the future"},
		{"a playbook that is not a Logic App", ruleBody("Created", nil, []string{`{"order":1,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"/subscriptions/x"}}`}),
			"2025-12-01", 400, "not the resource ID of a Logic App"},
		{"an unknown operator", ruleBody("Created", []string{strings.Replace(propertyCondition, "Equals", "Matches", 1)}, []string{labelAction}), "2025-12-01", 400, "operator 'Matches'"},
		{"a Boolean with one inner condition", ruleBody("Created",
			[]string{`{"conditionType":"Boolean","conditionProperties":{"operator":"And","innerConditions":[` + propertyCondition + `]}}`}, []string{labelAction}),
			"2025-12-01", 400, "2 to 10"},
		{"closing without a classification is accepted (it fails when it runs)", ruleBody("Created", nil,
			[]string{`{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"status":"Closed"}}`}), "2025-12-01", 201, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := w.with(t)
			a := w.do("PUT", "{ws}/automationRules/r"+string(rune('a'+i))+"?api-version="+tt.version, tt.body)
			require.Equal(t, tt.status, a.Status, "%s", a.Raw)
			if tt.message != "" {
				msg, _ := at(a.JSON, "error/message")
				assert.Contains(t, msg, tt.message)
				code, _ := at(a.JSON, "error/code")
				assert.Equal(t, "BadRequest", code)
			}
		})
	}
}

// TestAutomationOnTheWire runs rules on incidents written through the API: the answer to the
// write is the incident as written, a read shows the rules' changes.
func TestAutomationOnTheWire(t *testing.T) {
	w := newWire(t)
	w.must(201, "PUT", "{ws}/automationRules/triage?api-version=2025-12-01", ruleBody("Created", []string{propertyCondition}, []string{
		`{"order":3,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"` + wirePlaybook + `"}}`,
		`{"order":1,"actionType":"ModifyProperties","actionConfiguration":{"status":"Active","owner":{"userPrincipalName":"tier1@contoso.com"}}}`,
		`{"order":2,"actionType":"AddIncidentTask","actionConfiguration":{"title":"Isolate the host"}}`,
	}))
	created := w.must(201, "PUT", "{ws}/incidents/i1", map[string]any{"properties": map[string]any{"title": "t", "severity": "High", "status": "New"}})
	status, _ := at(created.JSON, "properties/status")
	assert.Equal(t, "New", status, "the answer is the incident as written")
	got := w.must(200, "GET", "{ws}/incidents/i1", nil)
	status, _ = at(got.JSON, "properties/status")
	assert.Equal(t, "Active", status)
	upn, _ := at(got.JSON, "properties/owner/userPrincipalName")
	assert.Equal(t, "tier1@contoso.com", upn)
	assert.NotEqual(t, created.obj(t)["etag"], got.obj(t)["etag"])

	tasks := w.srv.Data().Tasks("i1")
	require.Len(t, tasks, 1)
	title, _ := at(tasks[0], "properties/title")
	assert.Equal(t, "Isolate the host", title)
	assert.Equal(t, []sentineltest.PlaybookRun{{LogicAppResourceID: wirePlaybook, Incident: "i1", AutomationRule: "triage", Time: testClock}}, w.srv.PlaybookRuns())
	runs := w.srv.AutomationRuns()
	require.Len(t, runs, 1)
	assert.Equal(t, []string{"ModifyProperties", "AddIncidentTask", "RunPlaybook"}, runs[0].Actions, "by their order")

	// A low-severity incident does not meet the condition.
	w.must(201, "PUT", "{ws}/incidents/i2", map[string]any{"properties": map[string]any{"title": "t", "severity": "Low", "status": "New"}})
	assert.Len(t, w.srv.AutomationRuns(), 1)

	// An expired rule does not run.
	w.srv.Data().AddAutomationRule("expired", map[string]any{"displayName": "Expired", "order": 1,
		"triggeringLogic": map[string]any{"isEnabled": true, "triggersOn": "Incidents", "triggersWhen": "Created", "expirationTimeUtc": testClock.Add(-time.Minute).Format(time.RFC3339)},
		"actions":         []any{map[string]any{"order": 1, "actionType": "ModifyProperties", "actionConfiguration": map[string]any{"severity": "Informational"}}}})
	w.must(201, "PUT", "{ws}/incidents/i3", map[string]any{"properties": map[string]any{"title": "t", "severity": "Low", "status": "New"}})
	sev, _ := at(w.must(200, "GET", "{ws}/incidents/i3", nil).JSON, "properties/severity")
	assert.Equal(t, "Low", sev)
}

// TestRunPlaybookOnTheWire pins the answers of the runPlaybook operations.
func TestRunPlaybookOnTheWire(t *testing.T) {
	w := newWire(t)
	w.seedIncident("i1")
	require.True(t, w.srv.Data().SetIncidentEntities("i1", []byte(`[{"name":"e1","kind":"Ip","properties":{"address":"203.0.113.7"}}]`)))
	body := `{"logicAppsResourceId":"` + wirePlaybook + `"}`
	incidentID := w.wsPath() + "/incidents/i1"

	a := w.must(204, "POST", "{ws}/incidents/i1/runPlaybook?api-version=2025-12-01", body)
	assert.Empty(t, a.Raw)
	assert.NotEmpty(t, a.Header.Get("x-ms-request-id"))
	w.must(204, "POST", "{ws}/entities/e1/runPlaybook?api-version=2025-12-01", `{"logicAppsResourceId":"`+wirePlaybook+`","incidentArmId":"`+incidentID+`"}`)
	w.must(204, "POST", "{ws}/entities/E1/runPlaybook?api-version=2025-12-01", body)
	assert.Equal(t, []sentineltest.PlaybookRun{
		{LogicAppResourceID: wirePlaybook, Incident: "i1", Time: testClock},
		{LogicAppResourceID: wirePlaybook, Incident: "i1", Entity: "e1", Time: testClock},
		{LogicAppResourceID: wirePlaybook, Entity: "E1", Time: testClock},
	}, w.srv.PlaybookRuns())

	w.must(404, "POST", "{ws}/incidents/i1/runPlaybook?api-version=2023-02-01", body)
	w.must(404, "POST", "{ws}/incidents/missing/runPlaybook?api-version=2025-12-01", body)
	w.must(404, "POST", "{ws}/entities/e9/runPlaybook?api-version=2025-12-01", body)
	w.must(404, "POST", "{ws}/entities/e1/runPlaybook?api-version=2025-12-01", `{"logicAppsResourceId":"`+wirePlaybook+`","incidentArmId":"`+w.wsPath()+`/incidents/i9"}`)
	w.must(400, "POST", "{ws}/entities/e1/runPlaybook?api-version=2025-12-01", `{"logicAppsResourceId":"`+wirePlaybook+`","incidentArmId":"/subscriptions/x/incidents/i1"}`)
	w.must(400, "POST", "{ws}/incidents/i1/runPlaybook?api-version=2025-12-01", `{}`)
	w.must(400, "POST", "{ws}/incidents/i1/runPlaybook?api-version=2025-12-01", `{"logicAppsResourceId":"`+wirePlaybook+`","tenantId":"contoso"}`)
	assert.Len(t, w.srv.PlaybookRuns(), 3, "refused runs are not recorded")
}

// TestAutomationSeesSeededEntities: AddIncident runs the rules once the incident has its
// entities, so a rule on an entity property fires on "Created".
func TestAutomationSeesSeededEntities(t *testing.T) {
	srv := sentineltest.NewServer()
	defer srv.Close()
	srv.Data().AddAutomationRule("ip", map[string]any{"displayName": "Known bad IP", "order": 1,
		"triggeringLogic": map[string]any{"isEnabled": true, "triggersOn": "Incidents", "triggersWhen": "Created",
			"conditions": []any{map[string]any{"conditionType": "Property", "conditionProperties": map[string]any{
				"propertyName": "IPAddress", "operator": "Equals", "propertyValues": []any{"203.0.113.7"}}}}},
		"actions": []any{map[string]any{"order": 1, "actionType": "ModifyProperties", "actionConfiguration": map[string]any{"severity": "High"}}}})
	hit := srv.AddIncident(sentineltest.IncidentSeed{Title: "hit", Severity: "Low", Entities: []sentineltest.Entity{sentineltest.IP("203.0.113.7")}})
	miss := srv.AddIncident(sentineltest.IncidentSeed{Title: "miss", Severity: "Low", Entities: []sentineltest.Entity{sentineltest.IP("198.51.100.1")}})
	got, _ := srv.GetIncident(hit)
	assert.Equal(t, "High", got.Severity)
	got, _ = srv.GetIncident(miss)
	assert.Equal(t, "Low", got.Severity)
	assert.Len(t, srv.AutomationRuns(), 1)
}
