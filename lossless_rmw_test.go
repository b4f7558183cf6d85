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
