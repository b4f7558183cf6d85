package sentinel_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// The emulator applies automation rules; these tests drive it through the SDK, as a user's
// tests of their own rules would.

// createRule builds and writes a rule.
func createRule(t *testing.T, env *testEnv, id string, b sentinel.AutomationRuleBuilder) {
	t.Helper()
	r, err := b.Build()
	require.NoError(t, err)
	_, err = env.client.CreateOrUpdateAutomationRule(context.Background(), id, r, nil)
	require.NoError(t, err)
}

func TestEmulatorRunsRulesOnCreation(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	// Order 10 runs first and raises the severity; order 20 then sees High.
	createRule(t, env, "triage", sentinel.NewAutomationRule("Tier-1 triage", 20).
		If(sentinel.Property(sentinel.PropIncidentSeverity).Equals("High")).
		Then(sentinel.AssignOwner(sentinel.IncidentOwner{UserPrincipalName: "tier1@contoso.com"}),
			sentinel.AddTask("Isolate the host", "Use Defender for Endpoint."),
			sentinel.AddLabels("triaged"),
			sentinel.RunPlaybook(playbookID, tenantID)))
	createRule(t, env, "ransomware", sentinel.NewAutomationRule("Ransomware is high", 10).
		If(sentinel.Property(sentinel.PropIncidentTitle).Contains("RANSOMWARE")).
		Then(sentinel.ChangeSeverity(sentinel.SeverityHigh)))
	createRule(t, env, "disabled", sentinel.NewAutomationRule("Disabled", 1).Disabled().Then(sentinel.AddLabels("disabled")))
	createRule(t, env, "expiring", sentinel.NewAutomationRule("Expiring", 2).ExpiresAt(env.clock.Now().Add(time.Hour)).Then(sentinel.AddLabels("expiring")))
	createRule(t, env, "on-update", sentinel.NewAutomationRule("On update", 3).WhenIncidentUpdated().Then(sentinel.AddLabels("updated")))
	createRule(t, env, "low", sentinel.NewAutomationRule("Low only", 4).If(sentinel.Property(sentinel.PropIncidentSeverity).Equals("Low")).Then(sentinel.AddLabels("low")))

	env.clock.Advance(2 * time.Hour) // the expiring rule has expired
	created, err := env.client.CreateIncident(ctx, sentinel.IncidentProperties{Title: "Possible ransomware on SRV-DC-01", Severity: sentinel.SeverityMedium, Status: sentinel.IncidentStatusNew}, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.SeverityMedium, created.Severity, "the answer is the incident as written; rules run after it")

	inc, err := env.client.GetIncident(ctx, created.Name, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.SeverityHigh, inc.Severity)
	assert.Equal(t, "tier1@contoso.com", inc.Owner.UserPrincipalName)
	assert.Equal(t, []sentinel.IncidentLabel{{Name: "triaged", Type: sentinel.LabelTypeUser}}, inc.Labels)
	assert.NotEqual(t, created.Etag, inc.Etag, "the rules' change has its own etag")
	assert.Equal(t, env.clock.Now(), inc.LastModifiedTime)

	tasks, err := env.client.ListTasks(inc.Name, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, tasks, 1)
	assert.Equal(t, "Isolate the host", tasks[0].Title)
	assert.Equal(t, "Use Defender for Endpoint.", tasks[0].Description)
	assert.Equal(t, sentinel.TaskStatusNew, tasks[0].Status)
	assert.Equal(t, "Azure Security Insights", tasks[0].CreatedBy.Name)

	runs := env.srv.AutomationRuns()
	require.Len(t, runs, 2)
	assert.Equal(t, sentineltest.AutomationRun{Rule: "ransomware", DisplayName: "Ransomware is high", Incident: inc.Name, Trigger: "Created",
		Time: env.clock.Now(), Actions: []string{"ModifyProperties"}, Errors: []string{}}, withErrors(runs[0]))
	assert.Equal(t, "triage", runs[1].Rule)
	assert.Equal(t, []string{"ModifyProperties", "AddIncidentTask", "ModifyProperties", "RunPlaybook"}, runs[1].Actions)
	assert.Equal(t, []sentineltest.PlaybookRun{{LogicAppResourceID: playbookID, TenantID: tenantID, Incident: inc.Name, AutomationRule: "triage", Time: env.clock.Now()}},
		env.srv.PlaybookRuns())

	// Incidents created through the emulator's data API run the rules too.
	seeded := env.srv.CreateIncident(map[string]any{"title": "Seeded", "severity": "Low", "status": "New"})
	assert.Equal(t, []any{map[string]any{"labelName": "low", "labelType": "User"}}, env.srv.Incident(seeded)["properties"].(map[string]any)["labels"])
}

// withErrors makes a run's nil Errors empty, for comparisons.
func withErrors(r sentineltest.AutomationRun) sentineltest.AutomationRun {
	if r.Errors == nil {
		r.Errors = []string{}
	}
	return r
}

func TestEmulatorRunsRulesOnUpdate(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	createRule(t, env, "closed", sentinel.NewAutomationRule("Notify on close", 1).WhenIncidentUpdated().
		If(sentinel.ChangedTo(sentinel.ChangedIncidentStatus).Equals("Closed")).
		Then(sentinel.RunPlaybook(playbookID, "")))
	createRule(t, env, "downgraded", sentinel.NewAutomationRule("Severity lowered from High", 2).WhenIncidentUpdated().
		If(sentinel.ChangedFrom(sentinel.ChangedIncidentSeverity).Equals("High")).
		Then(sentinel.AddTask("Explain the downgrade", "")))
	createRule(t, env, "labelled", sentinel.NewAutomationRule("Labels added", 3).WhenIncidentUpdated().
		If(sentinel.ItemsAdded(sentinel.ChangedArrayLabels)).
		Then(sentinel.ChangeStatus(sentinel.IncidentStatusActive)))
	createRule(t, env, "reassigned", sentinel.NewAutomationRule("Assigned to tier 2", 4).WhenIncidentUpdated().
		If(sentinel.ChangedTo(sentinel.ChangedIncidentOwner).StartsWith("tier2")).
		Then(sentinel.AddLabels("tier2")))
	createRule(t, env, "by-user", sentinel.NewAutomationRule("Changed by a user", 5).WhenIncidentUpdated().
		If(sentinel.Property(sentinel.PropIncidentUpdatedBySource).Equals("User")).
		Then(sentinel.AddLabels("touched-by-user")))
	inc := env.srv.CreateIncident(map[string]any{"title": "Suspicious sign-in", "severity": "High", "status": "New"})
	runs := func() []string {
		var out []string
		for _, r := range env.srv.AutomationRuns() {
			out = append(out, r.Rule)
		}
		return out
	}

	// A change the update trigger does not watch runs nothing.
	_, err := env.client.UpdateIncident(ctx, inc, sentinel.IncidentUpdate{Title: sentinel.Ptr("Suspicious sign-in (VIP)")}, nil)
	require.NoError(t, err)
	assert.Empty(t, runs())

	_, err = env.client.SetIncidentSeverity(ctx, inc, sentinel.SeverityMedium, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"downgraded"}, runs())

	_, err = env.client.AddIncidentLabels(ctx, inc, []string{"vip"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"downgraded", "labelled"}, runs())
	got, err := env.client.GetIncident(ctx, inc, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.IncidentStatusActive, got.Status, "the labelled rule's change")

	_, err = env.client.RemoveIncidentLabels(ctx, inc, []string{"vip"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"downgraded", "labelled"}, runs(), "removing labels adds none")

	_, err = env.client.AssignIncident(ctx, inc, sentinel.IncidentOwner{UserPrincipalName: "tier2-oncall@contoso.com"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"downgraded", "labelled", "reassigned"}, runs())

	_, err = env.client.CloseIncident(ctx, inc, sentinel.ClassificationTruePositive, sentinel.ClassificationReasonSuspiciousActivity, &sentinel.CloseIncidentOptions{Comment: "Done."})
	require.NoError(t, err)
	assert.Equal(t, []string{"downgraded", "labelled", "reassigned", "closed"}, runs())
	require.Len(t, env.srv.PlaybookRuns(), 1)
	assert.Equal(t, "closed", env.srv.PlaybookRuns()[0].AutomationRule)

	tasks, err := env.client.ListTasks(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, tasks, 1)
	assert.Equal(t, "Explain the downgrade", tasks[0].Title)

	// An analyst's change in the portal (the data API) is made by a user.
	env.srv.ModifyIncident(inc, func(p map[string]any) { p["severity"] = "Low" })
	assert.Equal(t, []string{"downgraded", "labelled", "reassigned", "closed", "by-user"}, runs())
}

func TestEmulatorEvaluatesEntitiesCustomDetailsAndBooleans(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	createRule(t, env, "dc", sentinel.NewAutomationRule("Domain controllers or admins", 1).WhenIncidentUpdated().
		IfAny(sentinel.Property(sentinel.PropHostName).StartsWith("SRV-DC-"),
			sentinel.AllOf(sentinel.Property(sentinel.PropAccountName).Contains("adm"), sentinel.Property(sentinel.PropAccountUPNSuffix).Equals("contoso.com"))).
		Then(sentinel.AddLabels("tier0")))
	createRule(t, env, "device-group", sentinel.NewAutomationRule("Tier-0 devices", 2).WhenIncidentUpdated().
		If(sentinel.CustomDetailValue("DeviceGroup").StartsWith("Tier0-")).
		Then(sentinel.ChangeSeverity(sentinel.SeverityHigh)))
	createRule(t, env, "all-eu", sentinel.NewAutomationRule("Every country is in the EU", 3).WhenIncidentUpdated().
		If(sentinel.AnyItem(sentinel.ArrayTypeCustomDetails, sentinel.Property(sentinel.PropIncidentCustomDetailsKey).Equals("Country"),
			sentinel.AllItems(sentinel.ArrayTypeCustomDetailValues, sentinel.Property(sentinel.PropIncidentCustomDetailsValue).Equals("DE", "FR", "NL")))).
		Then(sentinel.AddLabels("eu")))
	createRule(t, env, "no-guest", sentinel.NewAutomationRule("No guest account", 4).WhenIncidentUpdated().
		If(sentinel.Property(sentinel.PropAccountName).NotContains("#EXT#")).
		Then(sentinel.AddLabels("no-guest")))

	inc := env.srv.CreateIncident(map[string]any{"title": "Suspicious sign-in", "severity": "Low", "status": "New"})
	require.True(t, env.srv.Data().SetIncidentEntities(inc, []byte(`[
		{"name":"e1","kind":"Account","properties":{"accountName":"adm-alice","upnSuffix":"contoso.com"}},
		{"name":"e2","kind":"Host","properties":{"hostName":"WS-FIN-0142"}}]`)))
	require.True(t, env.srv.Data().SetIncidentAlerts(inc, []byte(`[
		{"name":"a1","kind":"SecurityAlert","properties":{"additionalData":{"Custom Details":"{\"DeviceGroup\":[\"Tier0-DCs\"],\"Country\":[\"DE\",\"FR\"]}"}}},
		{"name":"a2","kind":"SecurityAlert","properties":{"additionalData":{"Custom Details":{"Country":["NL"]}}}}]`)))
	_, err := env.client.SetIncidentStatus(ctx, inc, sentinel.IncidentStatusActive, nil) // an update the trigger watches
	require.NoError(t, err)
	got, err := env.client.GetIncident(ctx, inc, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.SeverityHigh, got.Severity)
	var labels []string
	for _, l := range got.Labels {
		labels = append(labels, l.Name)
	}
	assert.Equal(t, []string{"tier0", "eu", "no-guest"}, labels)

	// A country outside the list fails AllItems; a guest fails NotContains.
	inc2 := env.srv.CreateIncident(map[string]any{"title": "Another", "severity": "Low", "status": "New"})
	require.True(t, env.srv.Data().SetIncidentEntities(inc2, []byte(`[{"name":"e3","kind":"Account","properties":{"accountName":"bob_fabrikam.com#EXT#"}}]`)))
	require.True(t, env.srv.Data().SetIncidentAlerts(inc2, []byte(`[{"name":"a3","kind":"SecurityAlert","properties":{"additionalData":{"Custom Details":{"Country":["DE","US"],"DeviceGroup":"Workstations"}}}}]`)))
	_, err = env.client.SetIncidentStatus(ctx, inc2, sentinel.IncidentStatusActive, nil)
	require.NoError(t, err)
	got, err = env.client.GetIncident(ctx, inc2, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.SeverityLow, got.Severity)
	assert.Empty(t, got.Labels)
}

// TestEmulatorRecordsFailedActions: a rule the service accepts may still fail on an incident;
// the emulator records why and leaves the incident as it was.
func TestEmulatorRecordsFailedActions(t *testing.T) {
	env := newAutomationEnv(t)
	// Closing as BenignPositive without a reason: the service refuses such an update.
	env.srv.Data().AddAutomationRule("close", map[string]any{
		"displayName": "Close as benign", "order": 1,
		"triggeringLogic": map[string]any{"isEnabled": true, "triggersOn": "Incidents", "triggersWhen": "Created"},
		"actions": []any{
			map[string]any{"order": 2, "actionType": "ModifyProperties", "actionConfiguration": map[string]any{"status": "Closed", "classification": "BenignPositive"}},
			map[string]any{"order": 1, "actionType": "ModifyProperties", "actionConfiguration": map[string]any{"severity": "Informational"}},
		},
	})
	inc := env.srv.CreateIncident(map[string]any{"title": "Scanner", "severity": "Low", "status": "New"})
	runs := env.srv.AutomationRuns()
	require.Len(t, runs, 1)
	assert.Equal(t, []string{"ModifyProperties", "ModifyProperties"}, runs[0].Actions, "in their order")
	require.Len(t, runs[0].Errors, 1)
	assert.Contains(t, runs[0].Errors[0], "BenignPositive")
	props := env.srv.Incident(inc)["properties"].(map[string]any)
	assert.Equal(t, "Informational", props["severity"], "the first action applied")
	assert.Equal(t, "New", props["status"], "the failed action left the incident as it was")
}
