package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// Read-modify-write through the emulator: the stored resource carries members this SDK does
// not model, nested inside objects it does model; after the SDK's update they are still
// there. The resource is stored and read back with raw HTTP, not through the SDK.

// rmwCase is one writable resource: seed stores the resource (raw JSON) at path below the
// workspace's provider prefix, update changes one field through the SDK, and check asserts
// on the stored JSON afterwards.
type rmwCase struct {
	name   string
	path   string // e.g. "/incidents/inc-1"
	query  string // the query, when not "api-version=" + DefaultAPIVersion
	seed   string
	update func(ctx context.Context, c *sentinel.Client) error
	// nested are JSON pointers (into the stored resource) of the unknown members that must
	// survive, and changed the pointer and value of the field the update changed.
	nested  []string
	changed string
	value   any
	// setup, when set, runs first: it stores the parent the resource needs, or seeds the
	// resource through the emulator's own API (then seed is ""), for members the emulator
	// sets itself on a PUT (createdBy, parsedPattern).
	setup func(t *testing.T, d *sentineltest.WorkspaceData)
	// sent are JSON pointers into the body of the SDK's write that must be there: unknown
	// members inside objects the emulator keeps or overwrites itself (createdBy, updatedBy,
	// incidentInfo), which a check of the stored JSON cannot see.
	sent []string
}

var rmwCases = []rmwCase{
	{
		name: "incident UpdateIncident", path: "/incidents/inc-1",
		seed: `{"properties":{"title":"t","severity":"Low","status":"New",
			"owner":{"objectId":"2046feea-040d-4a46-9e2b-91c2941bfa70","futureOwnerMember":{"x":1}},
			"labels":[{"labelName":"vip","labelType":"User","futureLabelMember":"y"}],
			"futureProperty":{"deep":{"deeper":[1,2]}}},"futureTop":"z"}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			_, err := c.UpdateIncident(ctx, "inc-1", sentinel.IncidentUpdate{Severity: sentinel.Ptr(sentinel.SeverityHigh), AddLabels: []string{"escalated"}}, nil)
			return err
		},
		nested:  []string{"/properties/owner/futureOwnerMember", "/properties/labels/0/futureLabelMember", "/properties/futureProperty/deep/deeper"},
		changed: "/properties/severity", value: "High",
	},
	{
		name: "incident CloseIncident", path: "/incidents/inc-2",
		seed: `{"properties":{"title":"t","severity":"Low","status":"Active",
			"owner":{"objectId":"2046feea-040d-4a46-9e2b-91c2941bfa70","futureOwnerMember":{"x":1}},
			"labels":[{"labelName":"vip","futureLabelMember":"y"}]}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			_, err := c.CloseIncident(ctx, "inc-2", sentinel.ClassificationFalsePositive, sentinel.ClassificationReasonInaccurateData, &sentinel.CloseIncidentOptions{Comment: "noise"})
			return err
		},
		nested:  []string{"/properties/owner/futureOwnerMember", "/properties/labels/0/futureLabelMember"},
		changed: "/properties/status", value: "Closed",
	},
	{
		name: "task UpdateTask", path: "/incidents/inc-3/tasks/task-1",
		seed: `{"properties":{"title":"Isolate the host","status":"New","futureTaskMember":{"priority":"High"}}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			_, err := c.CompleteTask(ctx, "inc-3", "task-1", nil)
			return err
		},
		nested:  []string{"/properties/futureTaskMember/priority"},
		changed: "/properties/status", value: "Completed",
	},
	{
		name: "automation rule CreateOrUpdateAutomationRule", path: "/automationRules/ar-1",
		seed: `{"properties":{"displayName":"Triage","order":10,"futureRuleMember":{"x":1},
			"triggeringLogic":{"isEnabled":true,"triggersOn":"Incidents","triggersWhen":"Updated","futureTrigger":[1],
				"conditions":[
					{"conditionType":"Property","futureCondition":"a","conditionProperties":{"propertyName":"IncidentSeverity","operator":"Equals","propertyValues":["High"],"futureProps":{"deep":true}}},
					{"conditionType":"Boolean","conditionProperties":{"operator":"Or","innerConditions":[
						{"conditionType":"PropertyChanged","conditionProperties":{"propertyName":"IncidentStatus","changeType":"ChangedTo","operator":"Equals","propertyValues":["Active"],"futureInner":2}},
						{"conditionType":"PropertyArrayChanged","conditionProperties":{"arrayType":"Labels","changeType":"Added"}}]}}]},
			"actions":[
				{"order":1,"actionType":"ModifyProperties","futureAction":{"x":1},"actionConfiguration":{"severity":"High",
					"owner":{"userPrincipalName":"tier1@contoso.com","futureOwner":{"y":2}},"labels":[{"labelName":"triaged","futureLabel":3}]}},
				{"order":2,"actionType":"AddIncidentTask","actionConfiguration":{"title":"Check the host","futureTask":{"priority":"High"}}},
				{"order":3,"actionType":"RunPlaybook","actionConfiguration":{"logicAppResourceId":"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/enrich","futurePlaybook":true}}]},
			"futureTop":"z"}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			r, err := c.GetAutomationRule(ctx, "ar-1", nil)
			if err != nil {
				return err
			}
			r.TriggeringLogic.Enabled = false
			_, err = c.CreateOrUpdateAutomationRule(ctx, "ar-1", r, nil)
			return err
		},
		nested: []string{
			"/properties/futureRuleMember/x", "/properties/triggeringLogic/futureTrigger",
			"/properties/triggeringLogic/conditions/0/futureCondition", "/properties/triggeringLogic/conditions/0/conditionProperties/futureProps/deep",
			"/properties/triggeringLogic/conditions/1/conditionProperties/innerConditions/0/conditionProperties/futureInner",
			"/properties/actions/0/futureAction/x", "/properties/actions/0/actionConfiguration/owner/futureOwner/y",
			"/properties/actions/0/actionConfiguration/labels/0/futureLabel", "/properties/actions/1/actionConfiguration/futureTask/priority",
			"/properties/actions/2/actionConfiguration/futurePlaybook", "/futureTop",
		},
		changed: "/properties/triggeringLogic/isEnabled", value: false,
	},
	{
		name: "scheduled alert rule CreateOrUpdateAlertRule", path: "/alertRules/rule-1",
		seed: `{"kind":"Scheduled","properties":{"displayName":"Brute force","enabled":true,"severity":"Medium",
			"query":"SigninLogs | where ResultType == 50126","queryFrequency":"PT1H","queryPeriod":"PT1H",
			"triggerOperator":"GreaterThan","triggerThreshold":0,"suppressionEnabled":false,"suppressionDuration":"PT5H",
			"entityMappings":[{"entityType":"Account","futureMapping":{"x":1},
				"fieldMappings":[{"identifier":"FullName","columnName":"UserPrincipalName","futureField":"y"}]}],
			"eventGroupingSettings":{"aggregationKind":"SingleAlert","futureGrouping":[1]},
			"alertDetailsOverride":{"alertDisplayNameFormat":"Brute force on {{UserPrincipalName}}","futureOverride":{"deep":true},
				"alertDynamicProperties":[{"alertProperty":"ProductName","value":"Product","futureMapping":2}]},
			"incidentConfiguration":{"createIncident":true,"futureIncident":"z",
				"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT5H",
					"matchingMethod":"AllEntities","futureGroupBy":{"deep":{"deeper":[1,2]}}}},
			"sentinelEntitiesMappings":[{"columnName":"Entities"}]},"futureTop":"z"}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			r, err := c.GetAlertRule(ctx, "rule-1", nil)
			if err != nil {
				return err
			}
			r.(*sentinel.ScheduledAlertRule).Enabled = false
			_, err = c.CreateOrUpdateAlertRule(ctx, "rule-1", r, nil)
			return err
		},
		nested: []string{
			"/properties/entityMappings/0/futureMapping", "/properties/entityMappings/0/fieldMappings/0/futureField",
			"/properties/eventGroupingSettings/futureGrouping", "/properties/alertDetailsOverride/futureOverride/deep",
			"/properties/alertDetailsOverride/alertDynamicProperties/0/futureMapping",
			"/properties/alertDetailsOverride/alertDynamicProperties/0/alertProperty",
			"/properties/incidentConfiguration/futureIncident",
			"/properties/incidentConfiguration/groupingConfiguration/futureGroupBy/deep/deeper",
			"/properties/sentinelEntitiesMappings/0/columnName", "/futureTop",
		},
		changed: "/properties/enabled", value: false,
	},
	{
		name: "alert rule action CreateOrUpdateAlertRuleAction", path: "/alertRules/rule-a/actions/action-1",
		setup: func(t *testing.T, d *sentineltest.WorkspaceData) {
			d.AddAlertRule("rule-a", map[string]any{"kind": "Fusion", "properties": map[string]any{
				"alertRuleTemplateName": "f71aba3d-28fb-450b-b192-4e76a83015c8", "enabled": true}})
		},
		seed: `{"properties":{"logicAppResourceId":"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Block-User",
			"triggerUri":"https://prod-31.northcentralus.logic.azure.com:443/workflows/cd37/triggers/manual/paths/invoke?sig=s",
			"futureActionMember":{"deep":{"deeper":[1]}}},"futureTop":"z"}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			a, err := c.GetAlertRuleAction(ctx, "rule-a", "action-1", nil)
			if err != nil {
				return err
			}
			// The trigger URI is a secret the service never returns: an update gives it again.
			a.TriggerURI = "https://prod-31.northcentralus.logic.azure.com:443/workflows/cd37/triggers/manual/paths/invoke?sig=t"
			a.LogicAppResourceID = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Isolate-Host"
			_, err = c.CreateOrUpdateAlertRuleAction(ctx, "rule-a", "action-1", a, nil)
			return err
		},
		nested:  []string{"/properties/futureActionMember/deep/deeper"},
		changed: "/properties/logicAppResourceId", value: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Isolate-Host",
	},
	{
		name: "incident creation alert rule CreateOrUpdateAlertRule", path: "/alertRules/rule-2",
		seed: `{"kind":"MicrosoftSecurityIncidentCreation","properties":{"displayName":"Defender for Office 365","enabled":true,
			"productFilter":"Office 365 Advanced Threat Protection","severitiesFilter":["High"],"futureFilter":{"x":[1]}}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			r, err := c.GetAlertRule(ctx, "rule-2", nil)
			if err != nil {
				return err
			}
			r.(*sentinel.MicrosoftSecurityIncidentCreationAlertRule).DisplayNamesFilter = []string{"Phish"}
			_, err = c.CreateOrUpdateAlertRule(ctx, "rule-2", r, nil)
			return err
		},
		nested:  []string{"/properties/futureFilter/x", "/properties/productFilter"},
		changed: "/properties/displayNamesFilter/0", value: "Phish",
	},
	{
		name: "Fusion alert rule CreateOrUpdateAlertRule", path: "/alertRules/BuiltInFusion",
		seed: `{"kind":"Fusion","properties":{"alertRuleTemplateName":"f71aba3d-28fb-450b-b192-4e76a83015c8","enabled":true,
			"sourceSettings":[{"sourceName":"Anomalies","enabled":true,"sourceSubTypes":[{"sourceSubTypeName":"x"}]}]}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			r, err := c.GetAlertRule(ctx, "BuiltInFusion", nil)
			if err != nil {
				return err
			}
			r.(*sentinel.FusionAlertRule).Enabled = false
			_, err = c.CreateOrUpdateAlertRule(ctx, "BuiltInFusion", r, nil)
			return err
		},
		nested:  []string{"/properties/sourceSettings/0/sourceSubTypes/0/sourceSubTypeName"},
		changed: "/properties/enabled", value: false,
	},
	{
		name: "data connector CreateOrUpdateDataConnector", path: "/dataConnectors/o365",
		seed: `{"kind":"Office365","properties":{"tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47",
			"dataTypes":{"exchange":{"state":"Enabled","futureState":{"since":"2026-01-01"}},"sharePoint":{"state":"Enabled"},
				"teams":{"state":"Disabled"},"futureDataType":{"state":"Enabled"}},"futureProperty":[{"deep":1}]}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			d, err := c.GetDataConnector(ctx, "o365", nil)
			if err != nil {
				return err
			}
			d.(*sentinel.Office365DataConnector).DataTypes.Teams.State = sentinel.DataTypeEnabled
			_, err = c.CreateOrUpdateDataConnector(ctx, "o365", d, nil)
			return err
		},
		nested: []string{
			"/properties/dataTypes/exchange/futureState/since", "/properties/dataTypes/futureDataType/state",
			"/properties/futureProperty/0/deep",
		},
		changed: "/properties/dataTypes/teams/state", value: "Enabled",
	},
	{
		name: "data connector of an unknown kind CreateOrUpdateDataConnector", path: "/dataConnectors/okta",
		seed: `{"kind":"RestApiPoller","properties":{"connectorDefinitionName":"OktaSSOv2","isActive":true,
			"auth":{"type":"APIKey","ApiKeyName":"Authorization"},"request":{"apiEndpoint":"https://contoso.okta.example/api/v1/logs","headers":{"Accept":"application/json"}}}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			d, err := c.GetDataConnector(ctx, "okta", nil)
			if err != nil {
				return err
			}
			_, err = c.CreateOrUpdateDataConnector(ctx, "okta", d, nil)
			return err
		},
		nested:  []string{"/properties/auth/ApiKeyName", "/properties/request/headers/Accept"},
		changed: "/properties/isActive", value: true,
	},
	{
		name: "watchlist CreateOrUpdateWatchlist", path: "/watchlists/wl-rmw",
		setup: func(t *testing.T, d *sentineltest.WorkspaceData) {
			d.AddWatchlist("wl-rmw", jsonObject(t, `{"properties":{"displayName":"VIP users","provider":"SOC","source":"sdktest",
				"itemsSearchKey":"UserPrincipalName","uploadStatus":"Complete","watchlistAlias":"wl-rmw",
				"createdBy":{"objectId":"2046feea-040d-4a46-9e2b-91c2941bfa70","futureUserMember":{"x":1}},
				"updatedBy":{"objectId":"2046feea-040d-4a46-9e2b-91c2941bfa70","futureUserMember":{"x":2}},
				"futureWatchlistMember":{"deep":{"deeper":[1,2]}}},"futureTop":"z"}`))
		},
		update: func(ctx context.Context, c *sentinel.Client) error {
			w, err := c.GetWatchlist(ctx, "wl-rmw", nil)
			if err != nil {
				return err
			}
			w.Description = "edited"
			_, err = c.CreateOrUpdateWatchlist(ctx, "wl-rmw", w, nil)
			return err
		},
		nested:  []string{"/properties/futureWatchlistMember/deep/deeper", "/futureTop"},
		sent:    []string{"/properties/createdBy/futureUserMember/x", "/properties/updatedBy/futureUserMember/x"},
		changed: "/properties/description", value: "edited",
	},
	{
		name: "watchlist item CreateOrUpdateWatchlistItem", path: "/watchlists/wl-items/watchlistItems/3f8901fe-63d9-4875-9ad5-9fb3b8105797",
		setup: func(t *testing.T, d *sentineltest.WorkspaceData) {
			d.AddWatchlist("wl-items", jsonObject(t, `{"properties":{"displayName":"Hosts","provider":"SOC","source":"Local file","itemsSearchKey":"Hostname"}}`))
			d.AddWatchlistItem("wl-items", "3f8901fe-63d9-4875-9ad5-9fb3b8105797", jsonObject(t, `{"properties":{
				"itemsKeyValue":{"Hostname":"SRV-DC-01","Department":"IT","Owner":{"futureColumnMember":1}},
				"entityMapping":{"Host":{"hostName":"SRV-DC-01","futureMappingMember":[1]}},
				"createdBy":{"objectId":"2046feea-040d-4a46-9e2b-91c2941bfa70","futureUserMember":{"x":1}},
				"futureItemMember":{"deep":true}},"futureTop":"z"}`))
		},
		update: func(ctx context.Context, c *sentinel.Client) error {
			const id = "3f8901fe-63d9-4875-9ad5-9fb3b8105797"
			item, err := c.GetWatchlistItem(ctx, "wl-items", id, nil)
			if err != nil {
				return err
			}
			item.Columns["Department"] = "Tier 0"
			_, err = c.CreateOrUpdateWatchlistItem(ctx, "wl-items", id, item, nil)
			return err
		},
		nested: []string{"/properties/itemsKeyValue/Owner/futureColumnMember", "/properties/entityMapping/Host/futureMappingMember",
			"/properties/futureItemMember/deep", "/futureTop"},
		sent:    []string{"/properties/createdBy/futureUserMember/x"},
		changed: "/properties/itemsKeyValue/Department", value: "Tier 0",
	},
	{
		name: "bookmark CreateOrUpdateBookmark", path: "/bookmarks/b-rmw",
		setup: func(t *testing.T, d *sentineltest.WorkspaceData) {
			d.AddBookmark("b-rmw", jsonObject(t, `{"properties":{"displayName":"Rare process","query":"SecurityEvent | take 1",
				"createdBy":{"objectId":"2046feea-040d-4a46-9e2b-91c2941bfa70","futureUserMember":{"x":1}},
				"incidentInfo":{"incidentId":"inc-1","severity":"Low","title":"t","relationName":"r","futureInfoMember":{"x":2}},
				"entityMappings":[{"entityType":"Account","fieldMappings":[{"identifier":"FullName","value":"john@contoso.com"}]}]},
				"futureTop":"z"}`))
		},
		update: func(ctx context.Context, c *sentinel.Client) error {
			b, err := c.GetBookmark(ctx, "b-rmw", nil)
			if err != nil {
				return err
			}
			b.Notes = "edited"
			_, err = c.CreateOrUpdateBookmark(ctx, "b-rmw", b, nil)
			return err
		},
		nested:  []string{"/properties/entityMappings/0/fieldMappings/0/identifier", "/properties/incidentInfo/futureInfoMember", "/futureTop"},
		sent:    []string{"/properties/createdBy/futureUserMember/x", "/properties/incidentInfo/futureInfoMember/x"},
		changed: "/properties/notes", value: "edited",
	},
	{
		name: "indicator UpdateIndicator", path: "/threatIntelligence/main/indicators/ind-rmw",
		setup: func(t *testing.T, d *sentineltest.WorkspaceData) {
			d.AddIndicator("ind-rmw", jsonObject(t, `{"kind":"indicator","properties":{
				"pattern":"[url:value = 'http://login-micros0ft.example/reset']","patternType":"url","confidence":50,
				"validFrom":"4/15/2026 7:51:17 PM",
				"killChainPhases":[{"killChainName":"lockheed-martin-cyber-kill-chain","phaseName":"delivery","futurePhaseMember":{"x":1}}],
				"externalReferences":[{"sourceName":"Contoso CERT","hashes":{"SHA-256":"6db5e4f2"},"futureRefMember":{"deep":[1]}}],
				"granularMarkings":[{"language":"en","markingRef":1,"selectors":["description"],"futureMarkingMember":true}],
				"parsedPattern":[{"patternTypeKey":"url","futureParsedMember":1,
					"patternTypeValues":[{"valueType":"url","value":"http://login-micros0ft.example/reset","futureValueMember":2}]}],
				"futureIndicatorMember":{"deep":{"deeper":"x"}}},"futureTop":"z"}`))
		},
		update: func(ctx context.Context, c *sentinel.Client) error {
			ind, err := c.GetIndicator(ctx, "ind-rmw", nil)
			if err != nil {
				return err
			}
			ind.Confidence = 90
			_, err = c.UpdateIndicator(ctx, "ind-rmw", ind, nil)
			return err
		},
		nested: []string{"/properties/killChainPhases/0/futurePhaseMember/x", "/properties/externalReferences/0/futureRefMember/deep",
			"/properties/granularMarkings/0/futureMarkingMember", "/properties/futureIndicatorMember/deep/deeper", "/futureTop"},
		sent:    []string{"/properties/parsedPattern/0/futureParsedMember", "/properties/parsedPattern/0/patternTypeValues/0/futureValueMember"},
		changed: "/properties/confidence", value: float64(90),
	},
}

func TestLosslessReadModifyWrite(t *testing.T) {
	for _, tc := range rmwCases {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t)
			ctx := context.Background()
			if tc.name == "task UpdateTask" {
				rawPut(t, env.srv, "/incidents/inc-3", "", `{"properties":{"title":"t","severity":"Low","status":"New"}}`)
			}
			if tc.setup != nil {
				tc.setup(t, env.srv.Data())
			}
			if tc.seed != "" {
				rawPut(t, env.srv, tc.path, tc.query, tc.seed)
			}
			env.srv.ResetRequests()
			require.NoError(t, tc.update(ctx, env.client))
			if len(tc.sent) > 0 {
				body := lastWrite(t, env.srv)
				for _, p := range tc.sent {
					_, ok := pointer(body, p)
					assert.True(t, ok, "%s was not sent back", p)
				}
			}
			stored := rawGet(t, env.srv, tc.path, tc.query)
			for _, p := range tc.nested {
				_, ok := pointer(stored, p)
				assert.True(t, ok, "%s was lost by the update", p)
			}
			got, ok := pointer(stored, tc.changed)
			require.True(t, ok, "%s missing", tc.changed)
			assert.Equal(t, tc.value, got)
		})
	}
}

// lastWrite returns the body of the last PUT or POST the emulator received.
func lastWrite(t *testing.T, srv *sentineltest.Server) map[string]any {
	t.Helper()
	reqs := srv.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if r := reqs[i]; r.Method == http.MethodPut || r.Method == http.MethodPost {
			var v map[string]any
			require.NoError(t, json.Unmarshal(r.Body, &v))
			return v
		}
	}
	require.Fail(t, "no write was sent")
	return nil
}

// jsonObject parses a JSON object for the emulator's seeding API.
func jsonObject(t *testing.T, s string) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(s), &v))
	return v
}

// rawPut stores body at path below the emulator's workspace provider prefix, bypassing the
// SDK.
func rawPut(t *testing.T, srv *sentineltest.Server, path, query, body string) {
	t.Helper()
	resp := rawDo(t, srv, http.MethodPut, path, query, body)
	require.Contains(t, []int{http.StatusOK, http.StatusCreated}, resp.StatusCode)
}

// rawGet reads the stored JSON at path, bypassing the SDK.
func rawGet(t *testing.T, srv *sentineltest.Server, path, query string) map[string]any {
	t.Helper()
	resp := rawDo(t, srv, http.MethodGet, path, query, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var v map[string]any
	require.NoError(t, json.Unmarshal(resp.body, &v))
	return v
}

type rawResponse struct {
	StatusCode int
	body       []byte
}

func rawDo(t *testing.T, srv *sentineltest.Server, method, path, query, body string) rawResponse {
	t.Helper()
	ws := srv.Workspace()
	if query == "" {
		query = "api-version=" + sentinel.DefaultAPIVersion
	}
	u := srv.Endpoint() + "/subscriptions/" + ws.SubscriptionID + "/resourceGroups/" + ws.ResourceGroup +
		"/providers/Microsoft.OperationalInsights/workspaces/" + ws.Name + "/providers/Microsoft.SecurityInsights" + path + "?" + query
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Less(t, resp.StatusCode, 300, "%s %s: %s", method, path, b)
	return rawResponse{StatusCode: resp.StatusCode, body: b}
}

// pointer resolves a JSON pointer such as "/properties/labels/0/labelName" in v.
func pointer(v any, p string) (any, bool) {
	if p == "" {
		return v, true
	}
	for _, tok := range splitPointer(p) {
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[tok]; !ok {
				return nil, false
			}
		case []any:
			i := 0
			for _, c := range tok {
				if c < '0' || c > '9' {
					return nil, false
				}
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

func splitPointer(p string) []string {
	var out []string
	start := 1
	for i := 1; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}
