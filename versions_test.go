package sentinel_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// The SDK is tested on the default api-version, 2025-12-01, and on the previous default,
// 2023-02-01: every list, get, write and delete path of every resource runs against the
// emulator, which answers per api-version, with the version on the wire checked.

// testedVersions are the api-versions every operation is tested on.
var testedVersions = []string{"2023-02-01", "2025-12-01"}

// versionState is what the operations of one version share: the IDs they create and read.
type versionState struct {
	t         *testing.T
	env       *testEnv
	incident  string // an incident with entities, alerts, bookmarks and comments
	entity    string // one of its entities
	indicator string // the name of the indicator CreateIndicator created
}

// versionOp is one call of the SDK. since is the first api-version of the API it calls ("" for
// every version): at an older client version, the SDK sends since instead.
type versionOp struct {
	name  string
	since string
	run   func(ctx context.Context, c *sentinel.Client, s *versionState)
}

func TestEveryOperationOnBothVersions(t *testing.T) {
	for _, version := range testedVersions {
		t.Run(version, func(t *testing.T) {
			env := newAutomationEnv(t, func(o *sentinel.ClientOptions) { o.APIVersion = version })
			s := &versionState{t: t, env: env}
			s.incident = env.srv.CreateIncident(map[string]any{"title": "Suspicious sign-in", "severity": "High", "status": "New"})
			require.True(t, env.srv.Data().SeedIncidentDetails(s.incident))
			require.True(t, env.srv.Data().SetIncidentEntities(s.incident, []byte(accountEntity)))
			s.entity = "e1"
			env.srv.Data().SeedAlertRuleTemplates()
			for _, op := range versionOps {
				ok := t.Run(op.name, func(t *testing.T) {
					s.t = t
					env.srv.ResetRequests()
					op.run(context.Background(), env.client, s)
					want := version
					if op.since != "" && version < op.since {
						want = op.since
					}
					reqs := env.srv.Requests()
					require.NotEmpty(t, reqs)
					for _, r := range reqs {
						assert.Equal(t, want, r.Query.Get("api-version"), "%s %s", r.Method, r.Path)
					}
				})
				if !ok {
					return // later operations build on earlier ones
				}
			}
		})
	}
}

var versionOps = []versionOp{
	// Incidents.
	{name: "CreateIncident", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		inc, err := c.CreateIncident(ctx, sentinel.IncidentProperties{Title: "Created", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew,
			Owner: sentinel.IncidentOwner{UserPrincipalName: "alice@contoso.com"}}, &sentinel.CreateIncidentOptions{ID: "v-inc"})
		require.NoError(s.t, err)
		assert.Equal(s.t, "v-inc", inc.Name)
		assert.Equal(s.t, "Alice", inc.Owner.AssignedTo)
		assert.Equal(s.t, sentinel.OwnerTypeUser, inc.Owner.OwnerType, "2021-04-01 and later have ownerType")
		assert.Equal(s.t, sentinel.ProviderSentinel, inc.ProviderName)
		assert.False(s.t, inc.IsFromDefenderXDR())
	}},
	{name: "GetIncident", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		inc, err := c.GetIncident(ctx, "v-inc", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Created", inc.Title)
	}},
	{name: "ListIncidents", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListIncidents(&sentinel.ListIncidentsOptions{Filter: sentinel.IncidentFilter{}.SeverityIn(sentinel.SeverityLow).String()}).Collect(ctx, 0)
		require.NoError(s.t, err)
		require.Len(s.t, list, 1)
		assert.Equal(s.t, "v-inc", list[0].Name)
	}},
	{name: "UpdateIncident", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		inc, err := c.CloseIncident(ctx, "v-inc", sentinel.ClassificationFalsePositive, sentinel.ClassificationReasonInaccurateData, &sentinel.CloseIncidentOptions{Comment: "Noise."})
		require.NoError(s.t, err)
		assert.Equal(s.t, sentinel.IncidentStatusClosed, inc.Status)
	}},
	{name: "CreateOrUpdateIncident", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		inc, err := c.GetIncident(ctx, "v-inc", nil)
		require.NoError(s.t, err)
		inc.Description = "Rewritten."
		out, err := c.CreateOrUpdateIncident(ctx, "v-inc", inc, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Rewritten.", out.Description)
	}},
	{name: "DeleteIncident", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteIncident(ctx, "v-inc", nil))
		_, err := c.GetIncident(ctx, "v-inc", nil)
		assert.ErrorIs(s.t, err, sentinel.ErrNotFound)
	}},
	// Incident details.
	{name: "ListEntities", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		ents, err := c.ListEntities(s.incident, nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		require.Len(s.t, ents, 1)
		assert.Equal(s.t, "alice", ents[0].(*sentinel.AccountEntity).AccountName)
	}},
	{name: "ListAlerts", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		alerts, err := c.ListAlerts(s.incident, nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.NotEmpty(s.t, alerts)
	}},
	{name: "ListIncidentBookmarks", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.ListIncidentBookmarks(s.incident, nil).Collect(ctx, 0)
		require.NoError(s.t, err)
	}},
	{name: "GetIncidentDetails", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		d, err := c.GetIncidentDetails(ctx, s.incident, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, s.incident, d.Incident.Name)
	}},
	// Comments.
	{name: "CreateComment", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		cm, err := c.CreateComment(ctx, s.incident, "Checked the sign-in logs.", &sentinel.CreateCommentOptions{ID: "v-comment"})
		require.NoError(s.t, err)
		assert.Equal(s.t, "Checked the sign-in logs.", cm.Message)
	}},
	{name: "GetComment", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		cm, err := c.GetComment(ctx, s.incident, "v-comment", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Checked the sign-in logs.", cm.Message)
	}},
	{name: "ListComments", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListComments(s.incident, nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "DeleteComment", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteComment(ctx, s.incident, "v-comment", nil))
	}},
	// Tasks: first in 2024-03-01.
	{name: "CreateTask", since: sentinel.TasksAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		task, err := c.CreateTask(ctx, s.incident, sentinel.IncidentTaskProperties{Title: "Reset the password"}, &sentinel.CreateTaskOptions{ID: "v-task"})
		require.NoError(s.t, err)
		assert.Equal(s.t, sentinel.TaskStatusNew, task.Status)
	}},
	{name: "GetTask", since: sentinel.TasksAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		task, err := c.GetTask(ctx, s.incident, "v-task", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Reset the password", task.Title)
	}},
	{name: "ListTasks", since: sentinel.TasksAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListTasks(s.incident, nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "UpdateTask", since: sentinel.TasksAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		task, err := c.CompleteTask(ctx, s.incident, "v-task", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, sentinel.TaskStatusCompleted, task.Status)
	}},
	{name: "DeleteTask", since: sentinel.TasksAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteTask(ctx, s.incident, "v-task", nil))
	}},
	// Bookmarks and relations.
	{name: "CreateOrUpdateBookmark", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		b, err := c.CreateOrUpdateBookmark(ctx, "v-bookmark", sentinel.Bookmark{BookmarkProperties: sentinel.BookmarkProperties{
			DisplayName: "Rare process", Query: "SecurityEvent | take 1"}}, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Rare process", b.DisplayName)
	}},
	{name: "GetBookmark", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		b, err := c.GetBookmark(ctx, "v-bookmark", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "SecurityEvent | take 1", b.Query)
	}},
	{name: "ListBookmarks", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListBookmarks(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "CreateRelation", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		b, err := c.GetBookmark(ctx, "v-bookmark", nil)
		require.NoError(s.t, err)
		rel, err := c.CreateRelation(ctx, s.incident, b.ID, &sentinel.CreateRelationOptions{Name: "v-relation"})
		require.NoError(s.t, err)
		assert.Equal(s.t, "v-bookmark", rel.RelatedResourceName)
	}},
	{name: "GetRelation", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		rel, err := c.GetRelation(ctx, s.incident, "v-relation", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "v-bookmark", rel.RelatedResourceName)
	}},
	{name: "ListRelations", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListRelations(s.incident, nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "DeleteRelation", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteRelation(ctx, s.incident, "v-relation", nil))
	}},
	{name: "DeleteBookmark", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteBookmark(ctx, "v-bookmark", nil))
	}},
	// Analytics rules, their actions and templates.
	{name: "CreateOrUpdateAlertRule", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		r, err := c.CreateOrUpdateAlertRule(ctx, "v-rule", validScheduledRule(), nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, sentinel.AlertRuleKindScheduled, r.Kind())
	}},
	{name: "GetAlertRule", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		r, err := c.GetAlertRule(ctx, "v-rule", nil)
		require.NoError(s.t, err)
		assert.IsType(s.t, &sentinel.ScheduledAlertRule{}, r)
	}},
	{name: "ListAlertRules", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListAlertRules(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "CreateOrUpdateAlertRuleAction", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		a, err := c.CreateOrUpdateAlertRuleAction(ctx, "v-rule", "v-action", sentinel.AlertRuleAction{AlertRuleActionProperties: sentinel.AlertRuleActionProperties{
			LogicAppResourceID: playbookID, TriggerURI: "https://prod-31.northcentralus.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=s"}}, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, playbookID, a.LogicAppResourceID)
	}},
	{name: "GetAlertRuleAction", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.GetAlertRuleAction(ctx, "v-rule", "v-action", nil)
		require.NoError(s.t, err)
	}},
	{name: "ListAlertRuleActions", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListAlertRuleActions("v-rule", nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "DeleteAlertRuleAction", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteAlertRuleAction(ctx, "v-rule", "v-action", nil))
	}},
	{name: "DeleteAlertRule", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteAlertRule(ctx, "v-rule", nil))
	}},
	{name: "ListAlertRuleTemplates", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListAlertRuleTemplates(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		require.Len(s.t, list, 3)
	}},
	{name: "GetAlertRuleTemplate", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListAlertRuleTemplates(nil).Collect(ctx, 1)
		require.NoError(s.t, err)
		tpl, err := c.GetAlertRuleTemplate(ctx, list[0].Envelope().Name, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, list[0].Kind(), tpl.Kind())
	}},
	// Data connectors.
	{name: "CreateOrUpdateDataConnector", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		d, err := c.CreateOrUpdateDataConnector(ctx, "v-connector", &sentinel.AzureSecurityCenterDataConnector{
			AzureSecurityCenterDataConnectorProperties: sentinel.AzureSecurityCenterDataConnectorProperties{
				SubscriptionID: "00000000-1111-2222-3333-444444444444", DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, sentinel.DataConnectorKind("AzureSecurityCenter"), d.Kind())
	}},
	{name: "GetDataConnector", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.GetDataConnector(ctx, "v-connector", nil)
		require.NoError(s.t, err)
	}},
	{name: "ListDataConnectors", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListDataConnectors(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "DeleteDataConnector", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteDataConnector(ctx, "v-connector", nil))
	}},
	// Watchlists and their items.
	{name: "CreateOrUpdateWatchlist", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		w, err := c.CreateOrUpdateWatchlist(ctx, "v-vip", vipWatchlist(), nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "VIP users", w.DisplayName)
	}},
	{name: "GetWatchlist", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.GetWatchlist(ctx, "v-vip", nil)
		require.NoError(s.t, err)
	}},
	{name: "ListWatchlists", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListWatchlists(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "CreateOrUpdateWatchlistItem", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		item, err := c.CreateOrUpdateWatchlistItem(ctx, "v-vip", "0f8b8f8e-5b1c-4f0e-9a51-7c8a1d2e3f40",
			watchlistItem(map[string]any{"UserPrincipalName": "carol@contoso.com", "Department": "Legal", "Tier": "High"}), nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Legal", item.Columns["Department"])
	}},
	{name: "GetWatchlistItem", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.GetWatchlistItem(ctx, "v-vip", "0f8b8f8e-5b1c-4f0e-9a51-7c8a1d2e3f40", nil)
		require.NoError(s.t, err)
	}},
	{name: "ListWatchlistItems", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListWatchlistItems("v-vip", nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 3)
	}},
	{name: "DeleteWatchlistItem", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteWatchlistItem(ctx, "v-vip", "0f8b8f8e-5b1c-4f0e-9a51-7c8a1d2e3f40", nil))
	}},
	{name: "DeleteWatchlist", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteWatchlist(ctx, "v-vip", nil))
	}},
	// Threat intelligence.
	{name: "CreateIndicator", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		ind, err := c.CreateIndicator(ctx, phishingIndicator(), nil)
		require.NoError(s.t, err)
		s.indicator = ind.Name // the service names indicators
	}},
	{name: "GetIndicator", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.GetIndicator(ctx, s.indicator, nil)
		require.NoError(s.t, err)
	}},
	{name: "ListIndicators", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListIndicators(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "QueryIndicators", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.QueryIndicators(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "UpdateIndicator", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		ind, err := c.GetIndicator(ctx, s.indicator, nil)
		require.NoError(s.t, err)
		ind.Confidence = 90
		out, err := c.UpdateIndicator(ctx, s.indicator, ind, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, 90, out.Confidence)
	}},
	{name: "AppendIndicatorTags", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.AppendIndicatorTags(ctx, s.indicator, []string{"reviewed"}, nil))
	}},
	{name: "ReplaceIndicatorTags", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		ind, err := c.ReplaceIndicatorTags(ctx, s.indicator, []string{"phishing"}, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, []string{"phishing"}, ind.Tags)
	}},
	{name: "ListIndicatorMetrics", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		_, err := c.ListIndicatorMetrics(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
	}},
	{name: "DeleteIndicator", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteIndicator(ctx, s.indicator, nil))
	}},
	// Automation rules (the 2025-12-01 additions are in TestAutomationRuleVersions).
	{name: "CreateOrUpdateAutomationRule", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		r, err := sentinel.NewAutomationRule("Escalate", 1).
			If(sentinel.Property(sentinel.PropIncidentTitle).Contains("ransomware")).
			Then(sentinel.ChangeSeverity(sentinel.SeverityHigh), sentinel.RunPlaybook(playbookID, "")).
			ExpiresAt(s.env.clock.Now().Add(time.Hour)).Build()
		require.NoError(s.t, err)
		out, err := c.CreateOrUpdateAutomationRule(ctx, "v-automation", r, nil)
		require.NoError(s.t, err)
		assert.Len(s.t, out.Actions, 2)
	}},
	{name: "GetAutomationRule", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		r, err := c.GetAutomationRule(ctx, "v-automation", nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, "Escalate", r.DisplayName)
	}},
	{name: "ListAutomationRules", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		list, err := c.ListAutomationRules(nil).Collect(ctx, 0)
		require.NoError(s.t, err)
		assert.Len(s.t, list, 1)
	}},
	{name: "the rule runs", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		inc, err := c.CreateIncident(ctx, sentinel.IncidentProperties{Title: "ransomware on SRV-DC-01", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}, nil)
		require.NoError(s.t, err)
		got, err := c.GetIncident(ctx, inc.Name, nil)
		require.NoError(s.t, err)
		assert.Equal(s.t, sentinel.SeverityHigh, got.Severity)
	}},
	{name: "DeleteAutomationRule", run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.DeleteAutomationRule(ctx, "v-automation", nil))
	}},
	// Playbooks: first in 2025-12-01.
	{name: "RunIncidentPlaybook", since: sentinel.RunPlaybookAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.RunIncidentPlaybook(ctx, s.incident, playbookID, nil))
	}},
	{name: "RunEntityPlaybook", since: sentinel.RunPlaybookAPIVersion, run: func(ctx context.Context, c *sentinel.Client, s *versionState) {
		require.NoError(s.t, c.RunEntityPlaybook(ctx, s.entity, playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: s.incident}))
		assert.Len(s.t, s.env.srv.PlaybookRuns(), 3, "two runs through the API and one of the rule")
	}},
}
