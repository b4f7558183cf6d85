package sentinel_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// accountEntity is an incident's entity list with one account entity, e1.
const accountEntity = `[{"id":"/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/Entities/e1",
	"name":"e1","type":"Microsoft.SecurityInsights/Entities","kind":"Account","properties":{"accountName":"alice","upnSuffix":"contoso.com","friendlyName":"alice"}}]`

func TestRunIncidentPlaybook(t *testing.T) {
	for _, version := range []string{"", "2023-02-01", "2025-12-01"} {
		t.Run("client version "+version, func(t *testing.T) {
			env := newAutomationEnv(t, func(o *sentinel.ClientOptions) { o.APIVersion = version })
			inc := newIncident(t, env)
			ctx := context.Background()
			require.NoError(t, env.client.RunIncidentPlaybook(ctx, inc, playbookID, &sentinel.RunIncidentPlaybookOptions{TenantID: tenantID}))
			r := lastRequest(t, env)
			assert.Equal(t, http.MethodPost, r.Method)
			assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/runPlaybook", r.Path)
			assert.Equal(t, "api-version="+sentinel.RunPlaybookAPIVersion, r.RawQuery, "2023-02-01 has no runPlaybook: the SDK sends the version that has it")
			assert.JSONEq(t, `{"logicAppsResourceId":"`+playbookID+`","tenantId":"`+tenantID+`"}`, string(r.Body))

			require.NoError(t, env.client.RunIncidentPlaybook(ctx, inc, playbookID, nil))
			assert.JSONEq(t, `{"logicAppsResourceId":"`+playbookID+`"}`, string(lastRequest(t, env).Body))

			runs := env.srv.PlaybookRuns()
			require.Len(t, runs, 2)
			assert.Equal(t, sentineltest.PlaybookRun{LogicAppResourceID: playbookID, TenantID: tenantID, Incident: inc, Time: env.clock.Now()}, runs[0])
			assert.Empty(t, runs[1].TenantID)

			err := env.client.RunIncidentPlaybook(ctx, "missing", playbookID, nil)
			assert.ErrorIs(t, err, sentinel.ErrNotFound)
		})
	}

	t.Run("the service has no runPlaybook at 2023-02-01", func(t *testing.T) {
		env := newAutomationEnv(t)
		inc := newIncident(t, env)
		resp := rawPost(t, env, "/incidents/"+inc+"/runPlaybook", "api-version=2023-02-01", `{"logicAppsResourceId":"`+playbookID+`"}`)
		assert.Equal(t, http.StatusNotFound, resp.StatusCode)
		assert.Contains(t, string(resp.body), "InvalidResourceType")
		assert.Empty(t, env.srv.PlaybookRuns())
	})
}

func TestRunPlaybookArguments(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	other := "/subscriptions/99999999-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/other/providers/Microsoft.SecurityInsights/incidents/i1"
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"incident ID", func() error { return env.client.RunIncidentPlaybook(ctx, "", playbookID, nil) }, "incidentID"},
		{"incident ID with a slash", func() error { return env.client.RunIncidentPlaybook(ctx, "a/../b", playbookID, nil) }, "incidentID"},
		{"playbook name", func() error { return env.client.RunIncidentPlaybook(ctx, "i1", "Notify-SOC", nil) }, "logicAppResourceID"},
		{"playbook of another type", func() error {
			return env.client.RunIncidentPlaybook(ctx, "i1", strings.Replace(playbookID, "Logic/workflows", "Automation/automationAccounts", 1), nil)
		}, "logicAppResourceID"},
		{"tenant", func() error {
			return env.client.RunIncidentPlaybook(ctx, "i1", playbookID, &sentinel.RunIncidentPlaybookOptions{TenantID: "contoso"})
		}, "RunIncidentPlaybookOptions.TenantID"},
		{"entity ID", func() error { return env.client.RunEntityPlaybook(ctx, "..", playbookID, nil) }, "entityID"},
		{"entity playbook", func() error { return env.client.RunEntityPlaybook(ctx, "e1", "", nil) }, "logicAppResourceID"},
		{"entity tenant", func() error {
			return env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{TenantID: "x"})
		}, "RunEntityPlaybookOptions.TenantID"},
		{"an incident of another workspace", func() error {
			return env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: other})
		}, "RunEntityPlaybookOptions.IncidentID"},
		{"an ARM ID of another type", func() error {
			return env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/bookmarks/b1"})
		}, "RunEntityPlaybookOptions.IncidentID"},
		{"an incident ARM ID with a sub-resource", func() error {
			return env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/incidents/i1/comments/c1"})
		}, "RunEntityPlaybookOptions.IncidentID"},
		{"an incident name with a dot", func() error {
			return env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: ".."})
		}, "RunEntityPlaybookOptions.IncidentID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.srv.ResetRequests()
			requireArgError(t, env, tt.call(), tt.field)
		})
	}
}

func TestRunEntityPlaybook(t *testing.T) {
	env := newAutomationEnv(t)
	ctx := context.Background()
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SetIncidentEntities(inc, []byte(accountEntity)))
	incidentARMID := "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/incidents/" + inc

	// By the incident's name: the SDK sends its ARM ID.
	require.NoError(t, env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: inc, TenantID: tenantID}))
	r := lastRequest(t, env)
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/arm"+wsPath+"/entities/e1/runPlaybook", r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)
	assert.JSONEq(t, `{"logicAppsResourceId":"`+playbookID+`","tenantId":"`+tenantID+`","incidentArmId":"`+incidentARMID+`"}`, string(r.Body))

	// By the incident's ARM ID as the service writes it (another casing): sent as given.
	got, err := env.client.GetIncident(ctx, inc, nil)
	require.NoError(t, err)
	require.NoError(t, env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: got.ID}))
	assert.JSONEq(t, `{"logicAppsResourceId":"`+playbookID+`","incidentArmId":"`+got.ID+`"}`, string(lastRequest(t, env).Body))

	// Without an incident.
	require.NoError(t, env.client.RunEntityPlaybook(ctx, "e1", playbookID, nil))
	assert.JSONEq(t, `{"logicAppsResourceId":"`+playbookID+`"}`, string(lastRequest(t, env).Body))

	runs := env.srv.PlaybookRuns()
	require.Len(t, runs, 3)
	assert.Equal(t, sentineltest.PlaybookRun{LogicAppResourceID: playbookID, TenantID: tenantID, Incident: inc, Entity: "e1", Time: env.clock.Now()}, runs[0])
	assert.Equal(t, inc, runs[1].Incident)
	assert.Equal(t, "", runs[2].Incident)

	assert.ErrorIs(t, env.client.RunEntityPlaybook(ctx, "e2", playbookID, nil), sentinel.ErrNotFound)
	assert.ErrorIs(t, env.client.RunEntityPlaybook(ctx, "e1", playbookID, &sentinel.RunEntityPlaybookOptions{IncidentID: "missing"}), sentinel.ErrNotFound)

	// At 2023-02-01 the SDK sends RunPlaybookAPIVersion.
	old := newAutomationEnv(t, func(o *sentinel.ClientOptions) { o.APIVersion = "2023-02-01" })
	inc = newIncident(t, old)
	require.True(t, old.srv.Data().SetIncidentEntities(inc, []byte(accountEntity)))
	require.NoError(t, old.client.RunEntityPlaybook(ctx, "e1", playbookID, nil))
	assert.Equal(t, "api-version="+sentinel.RunPlaybookAPIVersion, lastRequest(t, old).RawQuery)
}

// rawPost sends a POST to the emulator below the workspace's provider prefix, bypassing the
// SDK, and returns the answer whatever its status.
func rawPost(t *testing.T, env *testEnv, path, query, body string) rawResponse {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.srv.Endpoint()+wsPath+path+"?"+query, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := env.srv.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return rawResponse{StatusCode: resp.StatusCode, body: []byte(b.String())}
}
