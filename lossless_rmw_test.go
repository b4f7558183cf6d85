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
	query  string // extra query, e.g. "api-version=2024-03-01"
	seed   string
	update func(ctx context.Context, c *sentinel.Client) error
	// nested are JSON pointers (into the stored resource) of the unknown members that must
	// survive, and changed the pointer and value of the field the update changed.
	nested  []string
	changed string
	value   any
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
			_, err := c.CloseIncident(ctx, "inc-2", sentinel.ClassificationFalsePositive, sentinel.ClassificationReasonInaccurateData, "noise", nil)
			return err
		},
		nested:  []string{"/properties/owner/futureOwnerMember", "/properties/labels/0/futureLabelMember"},
		changed: "/properties/status", value: "Closed",
	},
	{
		name: "task UpdateTask", path: "/incidents/inc-3/tasks/task-1", query: "api-version=2024-03-01",
		seed: `{"properties":{"title":"Isolate the host","status":"New","futureTaskMember":{"priority":"High"}}}`,
		update: func(ctx context.Context, c *sentinel.Client) error {
			_, err := c.CompleteTask(ctx, "inc-3", "task-1", nil)
			return err
		},
		nested:  []string{"/properties/futureTaskMember/priority"},
		changed: "/properties/status", value: "Completed",
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
}

func TestLosslessReadModifyWrite(t *testing.T) {
	for _, tc := range rmwCases {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t)
			ctx := context.Background()
			if tc.name == "task UpdateTask" {
				rawPut(t, env.srv, "/incidents/inc-3", "", `{"properties":{"title":"t","severity":"Low","status":"New"}}`)
			}
			rawPut(t, env.srv, tc.path, tc.query, tc.seed)
			require.NoError(t, tc.update(ctx, env.client))
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
		query = "api-version=2023-02-01"
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
