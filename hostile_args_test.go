package sentinel_test

// Hostile-server suite, part 9: hostile arguments (scenario 5) to the methods added since the
// first part: the IDs of comments, tasks, relations, watchlists and their items, alert rules
// and their actions and templates, bookmarks, data connectors, indicators and automation
// rules, the targets of playbook runs, and the incident IDs of the incident's sub-resources;
// and KQL text with quotes, backslashes, newlines and unicode.

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// childOp is a method that takes an ID, with the ID in one argument position.
type childOp struct {
	// arg is the argument the *ArgumentError must name.
	arg string
	// method and path are those of the first request; "{id}" in path stands for the escaped
	// ID, and path is below the workspace's provider. An empty method means the method
	// sends several requests at once, all below path.
	method, path string
	// pattern, when set, is what the service allows for this argument: an ID it does not
	// match must be refused too.
	pattern *regexp.Regexp
	// optionalEmpty: "" asks for a generated ID.
	optionalEmpty bool
	run           func(ctx context.Context, c *sentinel.Client, id string) error
	// get reads back what a PUT created and returns its name.
	get func(ctx context.Context, c *sentinel.Client, id string) (string, error)
}

// childOps are the ID-taking methods of the incident's sub-resources and of the workspace
// resources. The other IDs they need are "inc-1", "wl-1" and "rule-1", created by
// childParents.
func childOps() map[string]childOp {
	const inc, wl, rule = "inc-1", "wl-1", "rule-1"
	task := sentinel.IncidentTaskProperties{Title: "Reset the password"}
	app := "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Block-AADUser"
	action := sentinel.AlertRuleAction{AlertRuleActionProperties: sentinel.AlertRuleActionProperties{LogicAppResourceID: app, TriggerURI: "https://prod-31.northcentralus.logic.azure.com:443/workflows/cd37/triggers/manual/paths/invoke?sig=s"}}
	bookmark := sentinel.Bookmark{BookmarkProperties: sentinel.BookmarkProperties{DisplayName: "Rare process", Query: "SecurityEvent | take 1"}}
	related := "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/bookmarks/b1"
	item := watchlistItem(map[string]any{"UserPrincipalName": "carol.white@contoso.com"})
	watchlist := vipWatchlist()
	watchlist.RawContent = ""
	ti := "/threatIntelligence/main/indicators/{id}"
	automation, err := sentinel.NewAutomationRule("Triage", 1).Then(sentinel.ChangeSeverity(sentinel.SeverityHigh)).Build()
	if err != nil {
		panic(err)
	}
	return map[string]childOp{
		// Comments.
		"ListComments": {arg: "incidentID", method: http.MethodGet, path: "/incidents/{id}/comments",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListComments(id, nil).NextPage(ctx)
				return err
			}},
		"GetComment": {arg: "commentID", method: http.MethodGet, path: "/incidents/" + inc + "/comments/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetComment(ctx, inc, id, nil)
				return err
			}},
		"GetComment incident": {arg: "incidentID", method: http.MethodGet, path: "/incidents/{id}/comments/c-1",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetComment(ctx, id, "c-1", nil)
				return err
			}},
		"AddComment": {arg: "CreateCommentOptions.ID", method: http.MethodPut, path: "/incidents/" + inc + "/comments/{id}", optionalEmpty: true,
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateComment(ctx, inc, "Escalated to tier 2", &sentinel.CreateCommentOptions{ID: id})
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				m, err := c.GetComment(ctx, inc, id, nil)
				return m.Name, err
			}},
		"AddComment incident": {arg: "incidentID", method: http.MethodPut, path: "/incidents/{id}/comments/c-1",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateComment(ctx, id, "Escalated", &sentinel.CreateCommentOptions{ID: "c-1"})
				return err
			}},
		"DeleteComment": {arg: "commentID", method: http.MethodDelete, path: "/incidents/" + inc + "/comments/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.DeleteComment(ctx, inc, id, nil)
			}},

		// Tasks.
		"ListTasks": {arg: "incidentID", method: http.MethodGet, path: "/incidents/{id}/tasks",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListTasks(id, nil).NextPage(ctx)
				return err
			}},
		"GetTask": {arg: "taskID", method: http.MethodGet, path: "/incidents/" + inc + "/tasks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetTask(ctx, inc, id, nil)
				return err
			}},
		"CreateTask": {arg: "CreateTaskOptions.ID", method: http.MethodPut, path: "/incidents/" + inc + "/tasks/{id}", optionalEmpty: true,
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateTask(ctx, inc, task, &sentinel.CreateTaskOptions{ID: id})
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				t, err := c.GetTask(ctx, inc, id, nil)
				return t.Name, err
			}},
		"CreateTask incident": {arg: "incidentID", method: http.MethodPut, path: "/incidents/{id}/tasks/t-1",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateTask(ctx, id, task, &sentinel.CreateTaskOptions{ID: "t-1"})
				return err
			}},
		"UpdateTask": {arg: "taskID", method: http.MethodGet, path: "/incidents/" + inc + "/tasks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				title := "Reset it now"
				_, err := c.UpdateTask(ctx, inc, id, sentinel.IncidentTaskUpdate{Title: &title}, nil)
				return err
			}},
		"CompleteTask": {arg: "taskID", method: http.MethodGet, path: "/incidents/" + inc + "/tasks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CompleteTask(ctx, inc, id, nil)
				return err
			}},
		"DeleteTask": {arg: "taskID", method: http.MethodDelete, path: "/incidents/" + inc + "/tasks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error { return c.DeleteTask(ctx, inc, id, nil) }},

		// Relations.
		"ListRelations": {arg: "incidentID", method: http.MethodGet, path: "/incidents/{id}/relations",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListRelations(id, nil).NextPage(ctx)
				return err
			}},
		"GetRelation": {arg: "relationName", method: http.MethodGet, path: "/incidents/" + inc + "/relations/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetRelation(ctx, inc, id, nil)
				return err
			}},
		"CreateRelation": {arg: "CreateRelationOptions.Name", method: http.MethodPut, path: "/incidents/" + inc + "/relations/{id}",
			pattern: regexp.MustCompile(`^[a-zA-Z0-9-]{3,63}$`), optionalEmpty: true,
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateRelation(ctx, inc, related, &sentinel.CreateRelationOptions{Name: id})
				return err
			}},
		"CreateRelation incident": {arg: "incidentID", method: http.MethodPut, path: "/incidents/{id}/relations/r-1",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateRelation(ctx, id, related, &sentinel.CreateRelationOptions{Name: "r-1"})
				return err
			}},
		"DeleteRelation": {arg: "relationName", method: http.MethodDelete, path: "/incidents/" + inc + "/relations/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.DeleteRelation(ctx, inc, id, nil)
			}},

		// The incident's read-only parts.
		"ListEntities": {arg: "incidentID", method: http.MethodPost, path: "/incidents/{id}/entities",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListEntities(id, nil).Collect(ctx, 0)
				return err
			}},
		"ListEnrichedEntities": {arg: "incidentID", method: http.MethodPost, path: "/incidents/{id}/entities",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetEnrichedEntities(ctx, id, nil)
				return err
			}},
		"ListAlerts": {arg: "incidentID", method: http.MethodPost, path: "/incidents/{id}/alerts",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListAlerts(id, nil).Collect(ctx, 0)
				return err
			}},
		"ListIncidentBookmarks": {arg: "incidentID", method: http.MethodPost, path: "/incidents/{id}/bookmarks",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListIncidentBookmarks(id, nil).Collect(ctx, 0)
				return err
			}},
		"GetIncidentDetails": {arg: "id", path: "/incidents/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetIncidentDetails(ctx, id, nil)
				return err
			}},

		// Watchlists and their items.
		"GetWatchlist": {arg: "alias", method: http.MethodGet, path: "/watchlists/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetWatchlist(ctx, id, nil)
				return err
			}},
		"CreateOrUpdateWatchlist": {arg: "alias", method: http.MethodPut, path: "/watchlists/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateWatchlist(ctx, id, watchlist, nil)
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				w, err := c.GetWatchlist(ctx, id, nil)
				return w.Name, err
			}},
		"DeleteWatchlist": {arg: "alias", method: http.MethodDelete, path: "/watchlists/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error { return c.DeleteWatchlist(ctx, id, nil) }},
		"ListWatchlistItems": {arg: "alias", method: http.MethodGet, path: "/watchlists/{id}/watchlistItems",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListWatchlistItems(id, nil).NextPage(ctx)
				return err
			}},
		"GetWatchlistItem": {arg: "itemID", method: http.MethodGet, path: "/watchlists/" + wl + "/watchlistItems/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetWatchlistItem(ctx, wl, id, nil)
				return err
			}},
		"GetWatchlistItem alias": {arg: "alias", method: http.MethodGet, path: "/watchlists/{id}/watchlistItems/i-1",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetWatchlistItem(ctx, id, "i-1", nil)
				return err
			}},
		"CreateOrUpdateWatchlistItem": {arg: "itemID", method: http.MethodPut, path: "/watchlists/" + wl + "/watchlistItems/{id}",
			pattern: regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`), // a new item's ID is a GUID
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateWatchlistItem(ctx, wl, id, item, nil)
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				i, err := c.GetWatchlistItem(ctx, wl, id, nil)
				return i.Name, err
			}},
		"DeleteWatchlistItem": {arg: "itemID", method: http.MethodDelete, path: "/watchlists/" + wl + "/watchlistItems/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.DeleteWatchlistItem(ctx, wl, id, nil)
			}},

		// Alert rules, their actions and templates.
		"GetAlertRule": {arg: "ruleID", method: http.MethodGet, path: "/alertRules/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetAlertRule(ctx, id, nil)
				return err
			}},
		"CreateOrUpdateAlertRule": {arg: "ruleID", method: http.MethodPut, path: "/alertRules/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateAlertRule(ctx, id, validScheduledRule(), nil)
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				r, err := c.GetAlertRule(ctx, id, nil)
				if err != nil {
					return "", err
				}
				return r.Envelope().Name, nil
			}},
		"DeleteAlertRule": {arg: "ruleID", method: http.MethodDelete, path: "/alertRules/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error { return c.DeleteAlertRule(ctx, id, nil) }},
		"ListAlertRuleActions": {arg: "ruleID", method: http.MethodGet, path: "/alertRules/{id}/actions",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ListAlertRuleActions(id, nil).NextPage(ctx)
				return err
			}},
		"GetAlertRuleAction": {arg: "actionID", method: http.MethodGet, path: "/alertRules/" + rule + "/actions/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetAlertRuleAction(ctx, rule, id, nil)
				return err
			}},
		"CreateOrUpdateAlertRuleAction": {arg: "actionID", method: http.MethodPut, path: "/alertRules/" + rule + "/actions/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateAlertRuleAction(ctx, rule, id, action, nil)
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				a, err := c.GetAlertRuleAction(ctx, rule, id, nil)
				return a.Name, err
			}},
		"CreateOrUpdateAlertRuleAction rule": {arg: "ruleID", method: http.MethodPut, path: "/alertRules/{id}/actions/a-1",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateAlertRuleAction(ctx, id, "a-1", action, nil)
				return err
			}},
		"DeleteAlertRuleAction": {arg: "actionID", method: http.MethodDelete, path: "/alertRules/" + rule + "/actions/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.DeleteAlertRuleAction(ctx, rule, id, nil)
			}},
		"GetAlertRuleTemplate": {arg: "templateID", method: http.MethodGet, path: "/alertRuleTemplates/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetAlertRuleTemplate(ctx, id, nil)
				return err
			}},

		// Bookmarks, data connectors, indicators.
		"GetBookmark": {arg: "bookmarkID", method: http.MethodGet, path: "/bookmarks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetBookmark(ctx, id, nil)
				return err
			}},
		"CreateOrUpdateBookmark": {arg: "bookmarkID", method: http.MethodPut, path: "/bookmarks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateBookmark(ctx, id, bookmark, nil)
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				b, err := c.GetBookmark(ctx, id, nil)
				return b.Name, err
			}},
		"DeleteBookmark": {arg: "bookmarkID", method: http.MethodDelete, path: "/bookmarks/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error { return c.DeleteBookmark(ctx, id, nil) }},

		// Automation rules and playbook runs.
		"GetAutomationRule": {arg: "ruleID", method: http.MethodGet, path: "/automationRules/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetAutomationRule(ctx, id, nil)
				return err
			}},
		"CreateOrUpdateAutomationRule": {arg: "ruleID", method: http.MethodPut, path: "/automationRules/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateAutomationRule(ctx, id, automation, nil)
				return err
			},
			get: func(ctx context.Context, c *sentinel.Client, id string) (string, error) {
				r, err := c.GetAutomationRule(ctx, id, nil)
				return r.Name, err
			}},
		"DeleteAutomationRule": {arg: "ruleID", method: http.MethodDelete, path: "/automationRules/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.DeleteAutomationRule(ctx, id, nil)
			}},
		"RunIncidentPlaybook": {arg: "incidentID", method: http.MethodPost, path: "/incidents/{id}/runPlaybook",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.RunIncidentPlaybook(ctx, id, app, nil)
			}},
		"RunEntityPlaybook": {arg: "entityID", method: http.MethodPost, path: "/entities/{id}/runPlaybook",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.RunEntityPlaybook(ctx, id, app, nil)
			}},
		"RunEntityPlaybook incident": {arg: "RunEntityPlaybookOptions.IncidentID", method: http.MethodPost, path: "/entities/e-1/runPlaybook", optionalEmpty: true,
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.RunEntityPlaybook(ctx, "e-1", app, &sentinel.RunEntityPlaybookOptions{IncidentID: id})
			}},
		"GetDataConnector": {arg: "connectorID", method: http.MethodGet, path: "/dataConnectors/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetDataConnector(ctx, id, nil)
				return err
			}},
		"CreateOrUpdateDataConnector": {arg: "connectorID", method: http.MethodPut, path: "/dataConnectors/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.CreateOrUpdateDataConnector(ctx, id, &sentinel.Office365DataConnector{Office365DataConnectorProperties: sentinel.Office365DataConnectorProperties{TenantID: tenant, DataTypes: sentinel.Office365DataTypes{Exchange: enabled, SharePoint: enabled, Teams: disabled}}}, nil)
				return err
			}},
		"DeleteDataConnector": {arg: "connectorID", method: http.MethodDelete, path: "/dataConnectors/{id}",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.DeleteDataConnector(ctx, id, nil)
			}},
		"GetIndicator": {arg: "name", method: http.MethodGet, path: ti,
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.GetIndicator(ctx, id, nil)
				return err
			}},
		"UpdateIndicator": {arg: "name", method: http.MethodPut, path: ti,
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.UpdateIndicator(ctx, id, sentinel.Indicator{IndicatorProperties: phishingIndicator()}, nil)
				return err
			}},
		"DeleteIndicator": {arg: "name", method: http.MethodDelete, path: ti,
			run: func(ctx context.Context, c *sentinel.Client, id string) error { return c.DeleteIndicator(ctx, id, nil) }},
		"AppendIndicatorTags": {arg: "name", method: http.MethodPost, path: ti + "/appendTags",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				return c.AppendIndicatorTags(ctx, id, []string{"phishing"}, nil)
			}},
		"ReplaceIndicatorTags": {arg: "name", method: http.MethodPost, path: ti + "/replaceTags",
			run: func(ctx context.Context, c *sentinel.Client, id string) error {
				_, err := c.ReplaceIndicatorTags(ctx, id, []string{"phishing"}, nil)
				return err
			}},
	}
}

// childParents creates the incident, watchlist and alert rule the child operations refer to.
func childParents(t *testing.T, env *testEnv) {
	t.Helper()
	ctx := context.Background()
	_, err := env.client.CreateOrUpdateIncident(ctx, "inc-1", sentinel.Incident{IncidentProperties: sentinel.IncidentProperties{Title: "t", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}}, nil)
	require.NoError(t, err)
	w := vipWatchlist()
	w.RawContent = ""
	_, err = env.client.CreateOrUpdateWatchlist(ctx, "wl-1", w, nil)
	require.NoError(t, err)
	_, err = env.client.CreateOrUpdateAlertRule(ctx, "rule-1", validScheduledRule(), nil)
	require.NoError(t, err)
	env.srv.ResetRequests()
}

func TestHostileChildIDsNeverReachAnotherResource(t *testing.T) {
	rejected, escaped := hostileRejectedIDs(), hostileEscapedIDs()
	ctx := context.Background()
	for opName, op := range childOps() {
		t.Run(opName, func(t *testing.T) {
			env := newEnv(t)
			childParents(t, env)
			refuses := func(id string) bool { return op.pattern != nil && !op.pattern.MatchString(id) }
			checkRejected := func(err error, what, id string) {
				t.Helper()
				var ae *sentinel.ArgumentError
				require.ErrorAs(t, err, &ae, "%s: %q", what, truncate(id, 40))
				assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
				assert.Equal(t, op.arg, ae.Name)
				assert.True(t, utf8.ValidString(err.Error()), "the message is valid UTF-8")
				assert.Less(t, len(err.Error()), 400, "the message does not repeat a long ID")
				assert.Zero(t, env.srv.RequestCount(), "nothing is sent for a rejected ID: %q", truncate(id, 40))
			}
			for what, id := range rejected {
				if id == "" && op.optionalEmpty {
					continue // "" asks for a generated ID
				}
				checkRejected(op.run(ctx, env.client, id), what, id)
			}

			for id, want := range escaped {
				env.srv.ResetRequests()
				err := op.run(ctx, env.client, id)
				if refuses(id) {
					checkRejected(err, "not a valid name", id)
					continue
				}
				reqs := env.srv.Requests()
				require.NotEmpty(t, reqs, "id %q: %v", id, err)
				wantPath := "/arm" + wsPath + strings.ReplaceAll(op.path, "{id}", want)
				for i, r := range reqs {
					if op.method == "" { // concurrent requests, all below the path
						rest, ok := strings.CutPrefix(r.Path, wantPath)
						assert.True(t, ok && (rest == "" || (strings.HasPrefix(rest, "/") && !strings.Contains(rest[1:], "/"))), "id %q: %s", id, r.Path)
					} else if i == 0 {
						assert.Equal(t, op.method, r.Method, "id %q", id)
						assert.Equal(t, wantPath, r.Path, "id %q", id)
					}
					q, qerr := url.ParseQuery(r.RawQuery)
					require.NoError(t, qerr)
					for k := range q {
						assert.Contains(t, []string{"api-version", "$top", "$skipToken"}, k, "nothing of the ID leaks into the query: %s", r.RawQuery)
					}
				}
				if op.get != nil {
					require.NoError(t, err, "id %q", id)
					got, err := op.get(ctx, env.client, id)
					require.NoError(t, err, "id %q", id)
					assert.Equal(t, id, got, "created under exactly that name")
				}
			}
		})
	}
}

// TestHostileRelatedResourceIDs: the ID of the resource to relate travels in the body, where
// it must arrive as given; one that is not an ARM ID, or carries a query or fragment, is
// refused.
func TestHostileRelatedResourceIDs(t *testing.T) {
	env := newEnv(t)
	childParents(t, env)
	ctx := context.Background()
	const base = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/bookmarks/"
	for _, id := range []string{"", "bookmarks/b1", "https://evil.example" + base + "b1", base + "b1?api-version=1", base + "b1#x",
		base + "b\n1", strings.Repeat(base, 30), strings.Repeat("x", 10_000)} {
		_, err := env.client.CreateRelation(ctx, "inc-1", id, nil)
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae, "%q", truncate(id, 60))
		assert.Equal(t, "relatedResourceID", ae.Name)
		assert.Less(t, len(err.Error()), 400, "the message does not repeat a long ID")
	}
	assert.Zero(t, env.srv.RequestCount())
	for _, id := range []string{base + "b 1", base + "ünï", base + "50%25", base + "../../incidents/x"} {
		env.srv.ResetRequests()
		rel, err := env.client.CreateRelation(ctx, "inc-1", id, nil)
		if err == nil {
			assert.Equal(t, id, rel.RelatedResourceID)
		} else {
			assert.ErrorIs(t, err, sentinel.ErrBadRequest, "the service judges the ID: %q", id)
		}
		var body struct {
			Properties struct {
				RelatedResourceID string `json:"relatedResourceId"`
			} `json:"properties"`
		}
		reqs := env.srv.Requests()
		require.Len(t, reqs, 1)
		require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
		assert.Equal(t, id, body.Properties.RelatedResourceID, "sent as given")
		assert.Regexp(t, `^/arm`+regexp.QuoteMeta(wsPath)+`/incidents/inc-1/relations/[0-9a-f-]{36}$`, reqs[0].Path)
	}
}

// TestHostileKQLPassesThroughIntact: the query text reaches the service byte for byte,
// whatever quotes, backslashes, line ends and characters it holds.
func TestHostileKQLPassesThroughIntact(t *testing.T) {
	queries := map[string]string{
		"multi-line with quotes and escapes": "SecurityEvent\n" +
			"| where Account == 'CONTOSO\\\\alice' and CommandLine has \"powershell -enc \\\"SQBFAFgA\\\"\"\n" +
			"| extend Note = strcat('O''Brien', \" — ünïcødé 日本語 🔥\", @'C:\\Temp\\x.exe')\n" +
			"// a comment with </script> & <b>bold</b>\n" +
			"| where Path matches regex @\"^\\\\\\\\server\\\\share\"\n" +
			"| project-rename ['Col with space'] = Note",
		"CRLF, tabs and trailing white space": "SigninLogs\r\n\t| where ResultType != \"0\"  \r\n\t| take 10\r\n\r\n",
		"leading white space":                 "\n\n   print 'x'",
		"JSON look-alike":                     `print x = dynamic({"a":"b\"c","d":[1,2]})`,
		"control characters":                  "print '\x01\x1f\x7f', \"\u0085\"",
		"line and paragraph separators":       "print '\u2028\u2029'",
		"NUL":                                 "print 'a\x00b'",
		"byte order mark and zero width":      "\ufeffprint '\u200b\u200d'",
		"lone backslash at the end":           `print @'\`,
		"long":                                "print '" + strings.Repeat("é'\"\\", 50_000) + "'",
	}
	env := newEnv(t)
	var got []string
	env.srv.HandleQueries(func(q sentineltest.QueryRequest) (sentineltest.QueryResponse, bool) {
		got = append(got, q.Query)
		return sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{{Name: "PrimaryResult", Columns: []sentineltest.QueryColumn{{Name: "x", Type: "string"}}}}}, true
	})
	ctx := context.Background()
	for name, kql := range queries {
		t.Run(name, func(t *testing.T) {
			env.srv.ResetRequests()
			got = nil
			_, err := env.client.Query(ctx, kql, nil)
			require.NoError(t, err)
			reqs := env.srv.Requests()
			require.Len(t, reqs, 1)
			require.Len(t, got, 1)
			assert.Equal(t, kql, got[0], "the emulator received the query as given")

			// The body is valid JSON in valid UTF-8, and its query is the input byte for byte.
			body := reqs[0].Body
			require.True(t, utf8.Valid(body), "the body is valid UTF-8")
			dec := jsontext.NewDecoder(strings.NewReader(string(body))) // strict: no invalid UTF-8, no duplicates
			var members map[string]jsontext.Value
			require.NoError(t, jsonv2.UnmarshalDecode(dec, &members))
			assert.Len(t, members, 1, "only the query: %s", truncate(string(body), 200))
			var q string
			require.NoError(t, json.Unmarshal(members["query"], &q))
			assert.True(t, q == kql, "query differs: got %q", truncate(q, 200))
			assert.Equal(t, []string{"application/json"}, reqs[0].Header.Values("Content-Type"))
		})
	}
}

// TestHostileKQLInvalidUTF8 is a regression test: KQL with bytes that are not UTF-8 (text
// read as Latin-1, say) was sent with U+FFFD in their place, so that another query ran and
// found nothing, silently. It is now refused before anything is sent.
func TestHostileKQLInvalidUTF8(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	for _, kql := range []string{"print 'caf\xe9'", "\xff", "SigninLogs\n| where UserPrincipalName == 'j\xfcrgen@contoso.com'", "print '\xed\xa0\x80'"} {
		_, err := env.client.Query(ctx, kql, nil)
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae, "%q", kql)
		assert.Equal(t, "kql", ae.Name)
		assert.Contains(t, err.Error(), "not valid UTF-8")
		assert.True(t, utf8.ValidString(err.Error()))
		_, _, err = sentinel.QueryInto[struct{ X string }](ctx, env.client, kql, nil)
		require.ErrorAs(t, err, &ae, "%q", kql)
	}
	assert.Zero(t, env.srv.RequestCount(), "nothing is sent")
}
