package recording_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
	"github.com/sentinel-go/sentinel/sentineltest/recording"
	"github.com/sentinel-go/sentinel/sentineltest/testclient"
)

// outcome is what flow observed, for comparing a recorded run with its replay.
type outcome struct {
	Titles     []string
	FirstName  string
	Owner      string
	Labels     []sentinel.IncidentLabel
	Comment    string
	CreatedID  bool
	QueryRows  int
	QueryFirst string
}

// flow is a client's session: two pages of incidents, a read, a read-modify-write that
// assigns an owner by e-mail, a comment and an incident with client-generated IDs, and a
// Log Analytics query.
func flow(t *testing.T, c *sentinel.Client) outcome {
	t.Helper()
	ctx := context.Background()
	var o outcome
	incs, err := c.ListIncidents(&sentinel.ListIncidentsOptions{Top: 2, OrderBy: sentinel.OrderByNumberAsc}).Collect(ctx, 0)
	require.NoError(t, err)
	for _, inc := range incs {
		o.Titles = append(o.Titles, inc.Title)
	}
	first, err := c.GetIncident(ctx, incs[0].Name, nil)
	require.NoError(t, err)
	o.FirstName = first.Name
	upd, err := c.UpdateIncident(ctx, first.Name, sentinel.IncidentUpdate{
		Owner: &sentinel.IncidentOwner{UserPrincipalName: "analyst@contoso.com"}, AddLabels: []string{"reviewed"},
	}, nil)
	require.NoError(t, err)
	o.Owner, o.Labels = upd.Owner.UserPrincipalName, upd.Labels
	cm, err := c.CreateComment(ctx, first.Name, "Asked bob.smith@contoso.com about it", nil)
	require.NoError(t, err)
	o.Comment = cm.Message
	created, err := c.CreateIncident(ctx, sentinel.IncidentProperties{Title: "Follow-up", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}, nil)
	require.NoError(t, err)
	o.CreatedID = strings.HasSuffix(created.ID, "/incidents/"+created.Name) || strings.HasSuffix(created.ID, "/Incidents/"+created.Name)
	res, err := c.Query(ctx, "SigninLogs | take 3", nil)
	require.NoError(t, err)
	o.QueryRows = res.Tables[0].Len()
	o.QueryFirst = res.Tables[0].Row(0).Get("UserPrincipalName").String()
	return o
}

// TestRecordThenReplay records a client's session against the emulator (standing in for
// Azure), then replays it with no emulator behind the client, for a client of another
// subscription and the stand-in names: the same calls give the same results, sanitised.
func TestRecordThenReplay(t *testing.T) {
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	for i, who := range []string{"alice.jones@contoso.com", "bob.smith@contoso.com", ""} {
		srv.AddIncident(sentineltest.IncidentSeed{
			Title: []string{"Sign-in by alice.jones@contoso.com", "Malware on WS-1", "Mass download"}[i],
			Owner: who, Labels: []string{"vip"},
		})
	}
	srv.SetQueryResult("SigninLogs | take 3", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{
		sentineltest.SigninLogs(3, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)),
	}})
	ws := srv.Workspace()
	path := filepath.Join(t.TempDir(), "flow.cassette.json")
	rec := recording.NewRecorder(srv.HTTPClient(), path, &recording.RecorderOptions{Rules: recording.Rules{
		Replace: map[string]string{ws.ResourceGroup: "recorded-rg", ws.Name: "recorded-workspace"},
	}})
	c, err := testclient.Connect(srv, testclient.WithClientOptions(&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: rec}}))
	require.NoError(t, err)
	recorded := flow(t, c)
	require.NoError(t, rec.Save())
	assert.Equal(t, srv.RequestCount(), rec.Len(), "every exchange is recorded")

	before := srv.RequestCount()
	rp, err := recording.NewReplayer(path, nil)
	require.NoError(t, err)
	replayWS := sentinel.Workspace{
		SubscriptionID: "11111111-2222-4333-8444-555555555555", ResourceGroup: "recorded-rg", Name: "recorded-workspace",
		CustomerID: "66666666-7777-4888-8999-000000000000",
	}
	c2, err := sentinel.NewClient(replayWS, token{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{
		Cloud: srv.Cloud(), Transport: rp, Retry: policy.RetryOptions{MaxRetries: -1},
	}})
	require.NoError(t, err)
	replayed := flow(t, c2)
	assert.Empty(t, rp.Unused())
	assert.Empty(t, rp.Unauthorized())
	assert.Equal(t, before, srv.RequestCount(), "the replay sent nothing to the emulator")

	// The same results, with e-mail addresses and IDs sanitised.
	placeholder := regexp.MustCompile(`^user\d+@example\.com$`)
	assert.Equal(t, []string{"Sign-in by alice.jones@contoso.com", "Malware on WS-1", "Mass download"}, recorded.Titles)
	assert.Equal(t, []string{"Sign-in by user1@example.com", "Malware on WS-1", "Mass download"}, replayed.Titles)
	assert.Equal(t, "analyst@contoso.com", recorded.Owner)
	assert.Regexp(t, placeholder, replayed.Owner)
	assert.Equal(t, recorded.Labels, replayed.Labels)
	assert.Equal(t, "Asked bob.smith@contoso.com about it", recorded.Comment)
	assert.Regexp(t, `^Asked user\d+@example\.com about it$`, replayed.Comment)
	assert.Regexp(t, `^ffffffff-0000-4000-8000-\d{12}$`, replayed.FirstName)
	assert.True(t, replayed.CreatedID)
	assert.Equal(t, recorded.QueryRows, replayed.QueryRows)
	assert.Regexp(t, placeholder, replayed.QueryFirst)
}

type token struct{}

func (token) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "replay-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestNoSecretSurvives records exchanges full of secrets, some sent by the client, some by
// the service, and checks that the cassette holds none of them in any form, while the IDs
// still relate.
func TestNoSecretSurvives(t *testing.T) {
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	ws := srv.Workspace()
	const (
		tenant    = "72f988bf-86f1-41af-91ab-2d7cd011db47"
		aadUser   = "2046feea-040d-4a46-9e2b-91c2941bfa70"
		sig       = "k3Yq0Z_SuperSecretSig-9aX2"
		password  = "Tr0ub4dor&3"
		jwt       = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJvaWQiOiIyMDQ2ZmVlYSJ9.c2lnbmF0dXJlLWJ5dGVz"
		incidentN = "a1b2c3d4-1111-4222-8333-944445555666"
	)
	host := sentineltest.Host("ws-fin-0142").Set("azureID", "/subscriptions/"+ws.SubscriptionID+"/resourceGroups/fin/providers/Microsoft.Compute/virtualMachines/ws-fin-0142")
	srv.AddIncident(sentineltest.IncidentSeed{
		Name: incidentN, Title: "Token " + jwt + " seen for Alice.Jones@Contoso.com", Owner: "alice.jones@contoso.com",
		Entities: []sentineltest.Entity{
			host, sentineltest.Account("alice.jones@contoso.com").Set("aadTenantId", tenant).Set("aadUserId", aadUser).Link("hostEntityId", host),
		},
		Comments: []string{"mail from bob.smith@contoso.com"},
	})
	// The service echoes the bearer token in an error.
	srv.Fail(sentineltest.Fault{Status: 400, Body: `{"error":{"code":"BadRequest","message":"Bearer ` + sentineltest.Token + ` is not valid here"}}`,
		Match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/bookmarks") }})

	path := filepath.Join(t.TempDir(), "secrets.cassette.json")
	rec := recording.NewRecorder(srv.HTTPClient(), path, nil)
	prefix := srv.URL() + "/subscriptions/" + ws.SubscriptionID + "/resourceGroups/" + ws.ResourceGroup +
		"/providers/Microsoft.OperationalInsights/workspaces/" + ws.Name + "/providers/Microsoft.SecurityInsights"
	send := func(method, target, body string) {
		t.Helper()
		req, err := http.NewRequest(method, target, strings.NewReader(body))
		require.NoError(t, err)
		if body == "" {
			req.Body = http.NoBody
		}
		req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := rec.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	filter := url.QueryEscape("properties/owner/userPrincipalName eq 'alice.jones@contoso.com'")
	send("GET", prefix+"/incidents?api-version=2023-02-01&$filter="+filter, "")
	send("GET", prefix+"/incidents/"+incidentN+"?api-version=2023-02-01", "")
	send("POST", prefix+"/incidents/"+incidentN+"/entities?api-version=2023-02-01", "")
	send("GET", prefix+"/incidents/"+incidentN+"/comments?api-version=2023-02-01", "")
	send("PUT", prefix+"/alertRules/r1?api-version=2023-02-01", `{"kind":"Scheduled","properties":{"displayName":"r","enabled":true,"severity":"High","query":"x","queryFrequency":"PT1H","queryPeriod":"PT1H","triggerOperator":"GreaterThan","triggerThreshold":0}}`)
	send("PUT", prefix+"/alertRules/r1/actions/a1?api-version=2023-02-01", `{"properties":{"logicAppResourceId":"/subscriptions/`+ws.SubscriptionID+`/resourceGroups/soar/providers/Microsoft.Logic/workflows/notify","triggerUri":"https://prod-01.westeurope.logic.azure.com:443/workflows/7f3/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=`+sig+`"}}`)
	send("PUT", prefix+"/dataConnectors/taxii?api-version=2023-02-01", `{"kind":"ThreatIntelligenceTaxii","properties":{"tenantId":"`+tenant+`","workspaceId":"`+ws.CustomerID+`","friendlyName":"feed","taxiiServer":"https://taxii.example","collectionId":"c1","userName":"feeduser","password":"`+password+`","taxiiLookbackPeriod":"2026-01-01T00:00:00Z","pollingFrequency":"OnceAnHour","dataTypes":{"taxiiClient":{"state":"Enabled"}}}}`)
	send("POST", prefix+"/incidents/"+incidentN+"/bookmarks?api-version=2023-02-01", "")
	send("POST", srv.URL()+"/v1/workspaces/"+ws.CustomerID+"/query", `{"query":"SigninLogs"}`)
	require.NoError(t, rec.Save())

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	file := strings.ToLower(string(raw))
	for _, secret := range []string{
		sentineltest.Token, ws.SubscriptionID, ws.CustomerID, tenant, aadUser, incidentN, sig, password, jwt,
		sentineltest.CallerObjectID, sentineltest.CallerUPN, "alice.jones@contoso.com", "bob.smith@contoso.com",
		"alice.jones%40contoso.com",
	} {
		for _, form := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret)} {
			assert.NotContains(t, file, strings.ToLower(form), "%q survived", form)
		}
	}
	assert.NotContains(t, file, "authorization")

	// Relationships survive: the incident's placeholder in the URLs is the one in the bodies;
	// the host's ID in the account's hostEntityId is the host's.
	var c struct {
		Interactions []struct {
			URL  string          `json:"url"`
			Body json.RawMessage `json:"body"`
		} `json:"interactions"`
	}
	require.NoError(t, json.Unmarshal(raw, &c))
	require.Len(t, c.Interactions, 9)
	name := regexp.MustCompile(`/incidents/(ffffffff-0000-4000-8000-\d{12})\?`).FindStringSubmatch(c.Interactions[1].URL)
	require.NotNil(t, name, c.Interactions[1].URL)
	var got struct {
		Name string `json:"name"`
	}
	require.NoError(t, json.Unmarshal(c.Interactions[1].Body, &got))
	assert.Equal(t, name[1], got.Name)
	assert.Contains(t, string(c.Interactions[0].Body), name[1], "the list answer has the same placeholder")
	var ents struct {
		Entities []struct {
			ID         string         `json:"id"`
			Kind       string         `json:"kind"`
			Properties map[string]any `json:"properties"`
		} `json:"entities"`
	}
	require.NoError(t, json.Unmarshal(c.Interactions[2].Body, &ents))
	require.Len(t, ents.Entities, 2)
	assert.Equal(t, ents.Entities[0].ID, ents.Entities[1].Properties["hostEntityId"])
	assert.Contains(t, c.Interactions[0].URL, "%27user1%40example.com%27", "an address in a $filter")
}

// TestReplayMatching runs the documented matching rules against a hand-written cassette.
func TestReplayMatching(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "page.json"), []byte(`{"value":[{"name":"from-file"}]}`), 0o600))
	cassette := `{"interactions": [
	  {"method": "GET", "url": "https://management.azure.com/a?api-version=2023-02-01&$top=2", "status": 200, "body": {"n": 1}},
	  {"method": "GET", "url": "https://management.azure.com/a?api-version=2023-02-01&$top=2", "status": 200, "body": {"n": 2}},
	  {"method": "GET", "url": "https://management.azure.com/x/ffffffff-0000-4000-8000-000000000001?api-version=2023-02-01", "status": 200, "body": "first"},
	  {"method": "GET", "url": "https://management.azure.com/x/ffffffff-0000-4000-8000-000000000002?api-version=2023-02-01", "status": 200, "body": "second"},
	  {"method": "GET", "url": "https://management.azure.com/literal/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0?api-version=2023-02-01", "status": 200},
	  {"method": "PUT", "url": "https://management.azure.com/c/ffffffff-0000-4000-8000-000000000003?api-version=2023-02-01",
	   "requestBody": {"owner": "user1@example.com", "n": 1}, "status": 201, "headers": {"x-ms-request-id": ["r1"]}, "body": {"ok": 1}},
	  {"method": "PUT", "url": "https://management.azure.com/c/ffffffff-0000-4000-8000-000000000003?api-version=2023-02-01",
	   "requestBody": {"owner": "user1@example.com", "n": 2}, "status": 201, "body": {"ok": 2}},
	  {"method": "GET", "url": "https://management.azure.com/f?api-version=2023-02-01&sig=REDACTED-1", "status": 200, "bodyFile": "page.json"},
	  {"method": "GET", "url": "https://management.azure.com/b", "status": 200, "bodyBase64": "/wD+"}
	]}`
	path := filepath.Join(dir, "m.cassette.json")
	require.NoError(t, os.WriteFile(path, []byte(cassette), 0o600))

	type call struct {
		method, url, body string
		status            int
		want              string // response body, or the start of the error
	}
	run := func(t *testing.T, rp *recording.Replayer, calls []call) {
		t.Helper()
		for _, c := range calls {
			req, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer x")
			resp, err := rp.Do(req)
			if c.status == 0 {
				require.Error(t, err, c.url)
				assert.Contains(t, err.Error(), c.want)
				continue
			}
			require.NoError(t, err, c.url)
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, c.status, resp.StatusCode, c.url)
			assert.Equal(t, c.want, string(b), c.url)
		}
	}

	rp, err := recording.NewReplayer(path, nil)
	require.NoError(t, err)
	assert.Equal(t, "2023-02-01", rp.APIVersion())
	run(t, rp, []call{
		// Host ignored; query in any order and escaping; a repeated request gets the
		// recordings in order.
		{"GET", "https://127.0.0.1:1/a?%24top=2&api-version=2023-02-01", "", 200, `{"n": 1}`},
		{"GET", "https://other/a?api-version=2023-02-01&$top=2", "", 200, `{"n": 2}`},
		{"GET", "https://other/a?api-version=2023-02-01&$top=2", "", 0, "(it was recorded fewer times than it is requested)"},
		// An exact placeholder wins over an earlier lookalike; another GUID takes the first
		// unused lookalike.
		{"GET", "https://h/x/ffffffff-0000-4000-8000-000000000002?api-version=2023-02-01", "", 200, "second"},
		{"GET", "https://h/x/" + "5f2b9c1e-0d3a-4e8f-9b7c-6a5d4e3f2a1b?api-version=2023-02-01", "", 200, "first"},
		// What a cassette holds literally must be equal.
		{"GET", "https://h/literal/5f2b9c1e-0d3a-4e8f-9b7c-6a5d4e3f2a1b?api-version=2023-02-01", "", 0, "no recorded interaction for GET https://h/literal/"},
		{"GET", "https://h/literal/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0?api-version=2023-02-01", "", 200, ""},
		// Bodies are not compared by default.
		{"PUT", "https://h/c/5f2b9c1e-0d3a-4e8f-9b7c-6a5d4e3f2a1b?api-version=2023-02-01", `{"other":true}`, 201, `{"ok": 1}`},
		// A secret placeholder stands for any value; the error names no secret.
		{"GET", "https://h/f?api-version=2023-02-01&sig=mine", "", 200, `{"value":[{"name":"from-file"}]}`},
		{"GET", "https://h/f?api-version=2023-02-01&sig=again", "", 0, "sig=REDACTED"},
		{"GET", "https://h/b", "", 200, "\xff\x00\xfe"},
		{"DELETE", "https://h/a?api-version=2023-02-01&$top=2", "", 0, "no recorded interaction for DELETE"},
	})
	assert.Equal(t, []string{"PUT https://management.azure.com/c/ffffffff-0000-4000-8000-000000000003?api-version=2023-02-01"}, rp.Unused())
	assert.Empty(t, rp.Unauthorized())

	// MatchBody: the body picks the interaction; an address matches the address placeholder.
	rp, err = recording.NewReplayer(path, &recording.ReplayerOptions{MatchBody: true})
	require.NoError(t, err)
	u := "https://h/c/5f2b9c1e-0d3a-4e8f-9b7c-6a5d4e3f2a1b?api-version=2023-02-01"
	run(t, rp, []call{
		{"PUT", u, `{"n":2,"owner":"analyst@contoso.com"}`, 201, `{"ok": 2}`},
		{"PUT", u, `{"n":3,"owner":"analyst@contoso.com"}`, 0, "no recorded interaction for PUT"},
		{"PUT", u, `{"n":1,"owner":"not an address"}`, 0, "unused interactions with this method and path: https://management.azure.com/c/ffffffff-0000-4000-8000-000000000003"},
		{"PUT", u, `{"n":1,"owner":"user1@example.com"}`, 201, `{"ok": 1}`},
	})
	req, _ := http.NewRequest("GET", "https://h/b", nil)
	_, err = rp.Do(req)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET https://h/b"}, rp.Unauthorized())

	_, err = recording.NewReplayer(filepath.Join(dir, "missing.json"), nil)
	assert.Error(t, err)
}
