package sentinel_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

const failedSignIns = `SigninLogs
| where ResultType != "0"
| project TimeGenerated, UserPrincipalName, IPAddress, DurationMs, DeviceDetail`

var queryNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

type failedSignIn struct {
	TimeGenerated time.Time
	User          string `kql:"UserPrincipalName"`
	IPAddress     string
	DurationMs    int64
	DeviceDetail  map[string]any
}

// queryRequests returns the Log Analytics requests the emulator received.
func queryRequests(srv *sentineltest.Server) []sentineltest.Request {
	var out []sentineltest.Request
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/v1/") {
			out = append(out, r)
		}
	}
	return out
}

func TestQueryWire(t *testing.T) {
	env := newEnv(t)
	tbl := sentineltest.SigninLogs(20, queryNow).Project("TimeGenerated", "UserPrincipalName", "IPAddress", "DurationMs", "DeviceDetail")
	env.srv.SetQueryResult(failedSignIns, sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}})

	res, err := env.client.Query(context.Background(), failedSignIns, &sentinel.QueryOptions{
		Timespan:             time.Hour,
		AdditionalWorkspaces: []string{"other-workspace", "2f0a9f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"},
		ServerTimeout:        90*time.Second + 500*time.Millisecond,
		IncludeStatistics:    true,
	})
	require.NoError(t, err)

	reqs := env.srv.Requests()
	require.Len(t, reqs, 1, "the workspace GUID is known: no ARM lookup")
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v1/workspaces/"+env.srv.Workspace().CustomerID+"/query", r.Path)
	assert.Empty(t, r.RawQuery, "the query API takes no api-version")
	assert.True(t, r.Authorized)
	assert.Equal(t, "wait=91,include-statistics=true", r.Header.Get("Prefer"))
	assert.Contains(t, r.Header.Get("Content-Type"), "application/json")
	assert.JSONEq(t, `{"query":`+quoteJSON(t, failedSignIns)+`,"timespan":"PT1H","workspaces":["other-workspace","2f0a9f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"]}`, string(r.Body))

	require.Len(t, res.Tables, 1)
	got := res.PrimaryResult()
	assert.Equal(t, "PrimaryResult", got.Name)
	assert.Equal(t, 20, got.Len())
	assert.Equal(t, []sentinel.Column{
		{"TimeGenerated", "datetime"}, {"UserPrincipalName", "string"}, {"IPAddress", "string"},
		{"DurationMs", "long"}, {"DeviceDetail", "dynamic"},
	}, got.Columns)
	rows, err := sentinel.DecodeTable[failedSignIn](got)
	require.NoError(t, err)
	for i, row := range rows {
		want := tbl.Rows[i]
		assert.True(t, want[0].(time.Time).Equal(row.TimeGenerated), "row %d time", i)
		assert.Equal(t, want[1], row.User)
		assert.Equal(t, want[2], row.IPAddress)
		assert.Equal(t, want[3], row.DurationMs)
		assert.Equal(t, want[4].(map[string]any)["operatingSystem"], row.DeviceDetail["operatingSystem"], "dynamic sent as a string")
	}
	var stats struct {
		Query struct {
			DatasetStatistics []struct{ TableRowCount int } `json:"datasetStatistics"`
		} `json:"query"`
	}
	require.NoError(t, json.Unmarshal(res.Statistics, &stats))
	assert.Equal(t, 20, stats.Query.DatasetStatistics[0].TableRowCount)
}

func quoteJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestQueryTimespanAndPrefer(t *testing.T) {
	start := time.Date(2026, 10, 31, 0, 0, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		name     string
		opts     *sentinel.QueryOptions
		body     string
		prefer   string
		workspce string
	}{
		{"nil options", nil, `{"query":"SecurityEvent | take 1"}`, "", ""},
		{"days", &sentinel.QueryOptions{Timespan: 36 * time.Hour}, `{"query":"SecurityEvent | take 1","timespan":"P1DT12H"}`, "", ""},
		{"start and end in UTC", &sentinel.QueryOptions{Start: start, End: start.Add(90 * time.Minute)},
			`{"query":"SecurityEvent | take 1","timespan":"2026-10-30T23:00:00Z/2026-10-31T00:30:00Z"}`, "", ""},
		{"render and max wait", &sentinel.QueryOptions{IncludeRender: true, ServerTimeout: sentinel.MaxServerTimeout},
			`{"query":"SecurityEvent | take 1"}`, "wait=600,include-render=true", ""},
		{"other workspace", &sentinel.QueryOptions{WorkspaceID: "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D"},
			`{"query":"SecurityEvent | take 1"}`, "", "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			env.srv.SetQueryResult("SecurityEvent | take 1", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{}})
			res, err := env.client.Query(context.Background(), "SecurityEvent | take 1", tt.opts)
			require.NoError(t, err)
			assert.Empty(t, res.Tables)
			reqs := queryRequests(env.srv)
			require.Len(t, reqs, 1)
			assert.JSONEq(t, tt.body, string(reqs[0].Body))
			assert.Equal(t, tt.prefer, reqs[0].Header.Get("Prefer"))
			id := tt.workspce
			if id == "" {
				id = env.srv.Workspace().CustomerID
			}
			assert.Equal(t, "/v1/workspaces/"+id+"/query", reqs[0].Path)
		})
	}
}

func TestQueryValidation(t *testing.T) {
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		kql   string
		opts  *sentinel.QueryOptions
		field string
	}{
		{"empty query", "  \n", nil, "kql"},
		{"negative timespan", "T", &sentinel.QueryOptions{Timespan: -time.Hour}, "QueryOptions.Timespan"},
		{"timespan and range", "T", &sentinel.QueryOptions{Timespan: time.Hour, Start: now, End: now.Add(time.Hour)}, "QueryOptions.Timespan"},
		{"start without end", "T", &sentinel.QueryOptions{Start: now}, "QueryOptions.Start"},
		{"end before start", "T", &sentinel.QueryOptions{Start: now, End: now.Add(-time.Second)}, "QueryOptions.End"},
		{"timeout too long", "T", &sentinel.QueryOptions{ServerTimeout: 11 * time.Minute}, "QueryOptions.ServerTimeout"},
		{"negative timeout", "T", &sentinel.QueryOptions{ServerTimeout: -1}, "QueryOptions.ServerTimeout"},
		{"empty workspace", "T", &sentinel.QueryOptions{AdditionalWorkspaces: []string{"a", ""}}, "QueryOptions.AdditionalWorkspaces"},
		{"too many workspaces", "T", &sentinel.QueryOptions{AdditionalWorkspaces: make([]string, 100)}, "QueryOptions.AdditionalWorkspaces"},
		{"workspace id not a guid", "T", &sentinel.QueryOptions{WorkspaceID: "soc-workspace"}, "QueryOptions.WorkspaceID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			_, err := env.client.Query(context.Background(), tt.kql, tt.opts)
			var ae *sentinel.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.field, ae.Name)
			assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
			_, _, err = sentinel.QueryInto[failedSignIn](context.Background(), env.client, tt.kql, tt.opts)
			assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
			assert.Zero(t, env.srv.RequestCount(), "no request is sent")
		})
	}
	env := newEnv(t)
	_, _, err := sentinel.QueryInto[string](context.Background(), env.client, "T", nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "T must be a struct")
	assert.Zero(t, env.srv.RequestCount())
}

// newEnvWithoutGUID is an emulator client whose Workspace has no CustomerID.
func newEnvWithoutGUID(t *testing.T) *testEnv {
	t.Helper()
	env := newEnv(t)
	ws := workspaceOf(env.srv.Workspace())
	ws.CustomerID = ""
	// One connection, so that concurrent queries do not leave dials in flight when the
	// emulator closes.
	tr := env.srv.HTTPClient().Transport.(*http.Transport).Clone()
	tr.MaxConnsPerHost = 1
	t.Cleanup(tr.CloseIdleConnections)
	opts := &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{
		Cloud: env.srv.Cloud(), Transport: &http.Client{Transport: tr},
		Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 20 * time.Millisecond, MaxRetries: -1},
	}}
	sentinel.SetClock(opts, env.clock)
	c, err := sentinel.NewClient(ws, env.srv.Credential(), opts)
	require.NoError(t, err)
	env.client = c
	return env
}

func TestQueryResolvesWorkspaceGUIDOnce(t *testing.T) {
	env := newEnvWithoutGUID(t)
	env.srv.SetQueryResult("SecurityAlert | take 5", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{}})

	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = env.client.Query(context.Background(), "SecurityAlert | take 5", nil)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	_, err := env.client.Query(context.Background(), "SecurityAlert | take 5", nil)
	require.NoError(t, err)

	var lookups []sentineltest.Request
	for _, r := range env.srv.Requests() {
		if r.Method == http.MethodGet {
			lookups = append(lookups, r)
		}
	}
	require.Len(t, lookups, 1, "the GUID is resolved once")
	assert.Equal(t, "/arm/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace", lookups[0].Path)
	assert.Equal(t, "api-version=2022-10-01", lookups[0].RawQuery)
	reqs := queryRequests(env.srv)
	require.Len(t, reqs, 9)
	for _, r := range reqs {
		assert.Equal(t, "/v1/workspaces/"+env.srv.Workspace().CustomerID+"/query", r.Path)
	}
}

func TestQueryWorkspaceGUIDLookupFailureIsNotCached(t *testing.T) {
	env := newEnvWithoutGUID(t)
	env.srv.SetQueryResult("SecurityAlert", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{}})
	env.srv.Fail(sentineltest.Fault{Status: http.StatusForbidden, Body: `{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.OperationalInsights/workspaces/read'."}}`,
		Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})

	_, err := env.client.Query(context.Background(), "SecurityAlert", nil)
	require.ErrorIs(t, err, sentinel.ErrForbidden)
	assert.ErrorContains(t, err, "Workspace.CustomerID")
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "AuthorizationFailed", re.ErrorCode)
	assert.Empty(t, queryRequests(env.srv))

	_, err = env.client.Query(context.Background(), "SecurityAlert", nil)
	require.NoError(t, err)
	assert.Len(t, queryRequests(env.srv), 1)

	// A workspace GUID in the options needs no lookup at all.
	env = newEnvWithoutGUID(t)
	env.srv.SetQueryResult("SecurityAlert", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{}})
	_, err = env.client.Query(context.Background(), "SecurityAlert", &sentinel.QueryOptions{WorkspaceID: env.srv.Workspace().CustomerID})
	require.NoError(t, err)
	assert.Equal(t, 1, env.srv.RequestCount())
}

func TestQueryWorkspaceWithoutCustomerID(t *testing.T) {
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"/subscriptions/x","name":"soc-workspace","properties":{"provisioningState":"Succeeded"}}`))
	})
	_, err := c.Query(context.Background(), "T", nil)
	assert.ErrorContains(t, err, "no customerId")
}

func TestQueryPartialResult(t *testing.T) {
	env := newEnv(t)
	tbl := sentineltest.SigninLogs(5, queryNow).Project("TimeGenerated", "UserPrincipalName", "IPAddress", "DurationMs", "DeviceDetail")
	env.srv.SetQueryResult(failedSignIns, sentineltest.PartialError("Query result set has exceeded the internal data size limit 64 MB (E_QUERY_RESULT_SET_TOO_LARGE).", tbl))

	res, err := env.client.Query(context.Background(), failedSignIns, nil)
	require.Error(t, err, "never a silent nil")
	require.NotNil(t, res)
	assert.Equal(t, 5, res.PrimaryResult().Len())
	var pe *sentinel.PartialResultError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, sentinel.ErrPartialResult)
	assert.Equal(t, "PartialError", pe.Code)
	assert.NotEmpty(t, pe.RequestID)
	require.Len(t, pe.Details, 2)
	assert.Equal(t, "EngineError", pe.Details[0].Code)
	assert.Contains(t, pe.Details[1].Message, "E_QUERY_RESULT_SET_TOO_LARGE")

	rows, res, err := sentinel.QueryInto[failedSignIn](context.Background(), env.client, failedSignIns, nil)
	require.ErrorAs(t, err, &pe)
	assert.Len(t, rows, 5)
	assert.Equal(t, 0, res.PrimaryResult().Len())
}

func TestQueryNoContent(t *testing.T) {
	env := newEnv(t)
	env.srv.SetQueryResult("Heartbeat", sentineltest.NoContent())
	res, err := env.client.Query(context.Background(), "Heartbeat", nil)
	require.NoError(t, err)
	assert.Empty(t, res.Tables)
	assert.Nil(t, res.PrimaryResult())
	rows, res, err := sentinel.QueryInto[failedSignIn](context.Background(), env.client, "Heartbeat", nil)
	require.NoError(t, err)
	assert.Empty(t, rows)
	assert.NotNil(t, res)
}

func TestQueryErrors(t *testing.T) {
	tests := []struct {
		name    string
		resp    sentineltest.QueryResponse
		status  int
		code    string
		is      error
		details []string // codes
		text    string
	}{
		{"syntax", sentineltest.SyntaxError("Query could not be parsed at 'whre' on line [1,12]"), 400, "BadArgumentError", sentinel.ErrBadRequest,
			[]string{"SyntaxError", "SYN0002"}, "Query could not be parsed at 'whre'"},
		{"unknown column", sentineltest.SemanticError("'project' operator: Failed to resolve scalar expression named 'Nope'"), 400, "BadArgumentError", sentinel.ErrBadRequest,
			[]string{"SemanticError", "SEM0100"}, "Failed to resolve scalar expression named 'Nope'"},
		{"forbidden", sentineltest.QueryResponse{Status: 403, Error: &sentineltest.QueryError{Code: "InsufficientAccessError", Message: "The provided credentials have insufficient access to perform the requested operation"}},
			403, "InsufficientAccessError", sentinel.ErrForbidden, nil, "insufficient access"},
		{"error without tables in a 200", sentineltest.QueryResponse{Body: `{"error":{"code":"InternalError","message":"boom"}}`}, 200, "InternalError", nil, nil, "boom"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			env.srv.SetQueryResult("SigninLogs | whre x", tt.resp)
			res, err := env.client.Query(context.Background(), "SigninLogs | whre x", nil)
			assert.Nil(t, res)
			var re *sentinel.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.status, re.StatusCode)
			assert.Equal(t, tt.code, re.ErrorCode)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			var codes []string
			for _, d := range re.Details {
				codes = append(codes, d.Code)
			}
			assert.Equal(t, tt.details, codes)
			assert.ErrorContains(t, err, tt.text)
			assert.Equal(t, http.MethodPost, re.Method)
			assert.Contains(t, re.URL, "/v1/workspaces/")
			var pe *sentinel.PartialResultError
			assert.False(t, errors.As(err, &pe))
		})
	}
}

func TestQueryUnregisteredAndUnknownWorkspace(t *testing.T) {
	env := newEnv(t)
	_, err := env.client.Query(context.Background(), "NoSuchTable", nil)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)
	assert.ErrorContains(t, err, "SetQueryResult")

	_, err = env.client.Query(context.Background(), "SigninLogs", &sentinel.QueryOptions{WorkspaceID: "11111111-2222-3333-4444-555555555555"})
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestQueryThrottled(t *testing.T) {
	env := newEnv(t)
	var calls atomic.Int32
	env.srv.HandleQueries(func(q sentineltest.QueryRequest) (sentineltest.QueryResponse, bool) {
		if calls.Add(1) <= 2 {
			return sentineltest.Throttled("7"), true
		}
		return sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{sentineltest.SigninLogs(3, queryNow)}}, true
	})
	res, err := env.client.Query(context.Background(), "SigninLogs", nil)
	require.NoError(t, err)
	assert.Equal(t, 3, res.PrimaryResult().Len())
	assert.Equal(t, int32(3), calls.Load())
	assert.Equal(t, []time.Duration{7 * time.Second, 7 * time.Second}, env.clock.Sleeps(), "Retry-After is honoured")

	// Beyond the budget the 429 surfaces.
	env = newEnv(t, func(o *sentinel.ClientOptions) { o.ThrottleBudget = 5 * time.Second })
	env.srv.SetQueryResult("SigninLogs", sentineltest.Throttled("60"))
	_, err = env.client.Query(context.Background(), "SigninLogs", nil)
	require.ErrorIs(t, err, sentinel.ErrThrottled)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, time.Minute, re.RetryAfter)
	assert.Equal(t, "ThrottledError", re.ErrorCode)
}

func TestQueryIntoEmulator(t *testing.T) {
	env := newEnv(t)
	tbl := sentineltest.SigninLogs(300, queryNow)
	env.srv.SetQueryResult("SigninLogs", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}})
	type signIn struct {
		TimeGenerated   time.Time
		User            string `kql:"UserPrincipalName"`
		ResultType      string
		IsInteractive   bool
		DurationMs      int32
		LocationDetails struct {
			City            string
			CountryOrRegion string
		}
	}
	rows, res, err := sentinel.QueryInto[signIn](context.Background(), env.client, "SigninLogs", nil)
	require.NoError(t, err)
	require.Len(t, rows, 300)
	assert.Len(t, res.PrimaryResult().Columns, len(tbl.Columns))
	failed := 0
	for i, r := range rows {
		src := tbl.Rows[i]
		require.True(t, src[0].(time.Time).Equal(r.TimeGenerated))
		require.Equal(t, src[1], r.User)
		require.Equal(t, src[11], r.IsInteractive)
		require.Equal(t, src[13], int64(r.DurationMs))
		require.Equal(t, src[15].(map[string]any)["city"], r.LocationDetails.City)
		if r.ResultType != "0" {
			failed++
		}
		if i > 0 {
			require.False(t, r.TimeGenerated.After(rows[i-1].TimeGenerated), "newest first")
		}
	}
	assert.Greater(t, failed, 60)
	assert.Less(t, failed, 180)

	// A column that does not fit its field stops before any row.
	type bad struct {
		TimeGenerated bool
	}
	_, _, err = sentinel.QueryInto[bad](context.Background(), env.client, "SigninLogs", nil)
	var ce *sentinel.ColumnError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "TimeGenerated", ce.Column)
	assert.Equal(t, -1, ce.Row)
}

// captureTransport answers every request with an empty result and records it.
type captureTransport struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (c *captureTransport) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r)
	c.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(`{"tables":[]}`)), Request: r}, nil
}

// scopeCredential records the scopes it is asked for.
type scopeCredential struct {
	mu     sync.Mutex
	scopes []string
}

func (s *scopeCredential) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	s.mu.Lock()
	s.scopes = append(s.scopes, o.Scopes...)
	s.mu.Unlock()
	return azcore.AccessToken{Token: "t", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestQueryEndpointAndAudiencePerCloud(t *testing.T) {
	tests := []struct {
		name  string
		cloud cloud.Configuration
		url   string
		scope string
	}{
		{"public", cloud.AzurePublic, "https://api.loganalytics.io/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query", "https://api.loganalytics.io/.default"},
		{"zero value is public", cloud.Configuration{}, "https://api.loganalytics.io/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query", "https://api.loganalytics.io/.default"},
		{"us government", cloud.AzureGovernment, "https://api.loganalytics.us/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query", "https://api.loganalytics.us/.default"},
		{"china", cloud.AzureChina, "https://api.loganalytics.azure.cn/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query", "https://api.loganalytics.azure.cn/.default"},
		{"custom with a base path", cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.example/", Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager:        {Endpoint: "https://arm.example", Audience: "https://arm.example"},
			sentinel.LogAnalyticsService: {Endpoint: "https://logs.example/la/", Audience: "https://logs.audience.example"},
		}}, "https://logs.example/la/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query", "https://logs.audience.example/.default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &captureTransport{}
			cred := &scopeCredential{}
			ws := sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace", CustomerID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}
			c, err := sentinel.NewClient(ws, cred, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: tt.cloud, Transport: tr}})
			require.NoError(t, err)
			_, err = c.Query(context.Background(), "SecurityEvent | take 1", nil)
			require.NoError(t, err)
			require.Len(t, tr.reqs, 1)
			assert.Equal(t, tt.url, tr.reqs[0].URL.String())
			assert.Equal(t, []string{tt.scope}, cred.scopes)
		})
	}
}

func TestQueryBadBodies(t *testing.T) {
	tests := []struct {
		name, contentType, body, text string
	}{
		{"empty 200", "", "", "empty body"},
		{"html", "text/html", "<html><head><title>502 Bad Gateway</title></head></html>", "502 Bad Gateway"},
		{"truncated", "application/json", `{"tables":[{"name":"PrimaryResult","columns":[{"name":"A","type":"long"}],"rows":[[1],[`, "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				w.Header().Set("x-ms-request-id", "req-1")
				_, _ = w.Write([]byte(tt.body))
			})
			res, err := c.Query(context.Background(), "T", &sentinel.QueryOptions{WorkspaceID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"})
			assert.Nil(t, res)
			var de *sentinel.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "req-1", de.RequestID)
			assert.Equal(t, http.MethodPost, de.Method)
			assert.ErrorContains(t, err, tt.text)
		})
	}
}

func TestQueryCustomCloudWithoutLogAnalytics(t *testing.T) {
	ws := sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace", CustomerID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}
	tr := &captureTransport{}
	c, err := sentinel.NewClient(ws, &scopeCredential{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: tr, Cloud: cloud.Configuration{
		ActiveDirectoryAuthorityHost: "https://login.example/",
		Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Endpoint: "https://arm.example", Audience: "https://arm.example"}},
	}}})
	if err == nil { // the client may accept such a cloud and refuse queries only
		_, err = c.Query(context.Background(), "T", nil)
	}
	var ae *sentinel.ArgumentError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ClientOptions.Cloud", ae.Name)
	assert.Empty(t, tr.reqs)
}

// A query that outlived its server timeout (504) is not sent again: it would run as long
// again. Other 5xx answers are retried as usual.
func TestQueryNotRetriedOnGatewayTimeout(t *testing.T) {
	env := newEnv(t)
	env.srv.SetQueryResult("SigninLogs | take 1", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{}})
	isQuery := func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/query") }

	env.srv.Fail(sentineltest.Fault{Status: http.StatusGatewayTimeout, Match: isQuery, Times: 3})
	_, err := env.client.Query(context.Background(), "SigninLogs | take 1", nil)
	require.ErrorIs(t, err, sentinel.ErrServer)
	assert.Len(t, queryRequests(env.srv), 1)
	env.srv.ClearFaults()

	env.srv.ResetRequests()
	env.srv.Fail(sentineltest.Fault{Status: http.StatusServiceUnavailable, Match: isQuery})
	_, err = env.client.Query(context.Background(), "SigninLogs | take 1", nil)
	require.NoError(t, err)
	assert.Len(t, queryRequests(env.srv), 2)

	// Other calls still retry 504.
	id := env.srv.SeedIncidents(1)[0]
	env.srv.Fail(sentineltest.Fault{Status: http.StatusGatewayTimeout})
	_, err = env.client.GetIncident(context.Background(), id, nil)
	require.NoError(t, err)
}

// A caller waiting for another caller's GUID lookup gives up when its own context ends.
func TestQueryGUIDLookupWaitIsCancellable(t *testing.T) {
	env := newEnvWithoutGUID(t)
	env.srv.Fail(sentineltest.Fault{Action: sentineltest.Stall, Match: func(r *http.Request) bool { return r.Method == http.MethodGet }})
	started := make(chan struct{})
	var once sync.Once
	env.srv.OnRequest(func(r sentineltest.Request) {
		if r.Method == http.MethodGet {
			once.Do(func() { close(started) })
		}
	})
	slowCtx, cancelSlow := context.WithCancel(context.Background())
	defer cancelSlow()
	slowDone := make(chan error, 1)
	go func() {
		_, err := env.client.Query(slowCtx, "SecurityAlert", nil)
		slowDone <- err
	}()
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err := env.client.Query(ctx, "SecurityAlert", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(begin), 2*time.Second)

	cancelSlow()
	require.Error(t, <-slowDone)
}

// A struct field that no column fills is an error naming the field and the column, not a
// silently zero value; `kql:",optional"` allows it and `kql:"-"` leaves the field out.
func TestQueryIntoFieldWithoutColumn(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	tbl := sentineltest.QueryTable{Name: "PrimaryResult",
		Columns: []sentineltest.QueryColumn{{Name: "Computer", Type: "string"}, {Name: "EventID", Type: "int"}},
		Rows:    [][]any{{"SRV-DC-01", 4625}}}
	env.srv.SetQueryResult("SecurityEvent | take 1", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}})

	type typo struct {
		Computer string
		EventId  int64 // the column is EventID: matched without regard to case
		Acount   string
	}
	_, _, err := sentinel.QueryInto[typo](ctx, env.client, "SecurityEvent | take 1", nil)
	var ce *sentinel.ColumnError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "Acount", ce.Column)
	assert.Contains(t, ce.Error(), "Acount (string)")
	assert.Contains(t, ce.Error(), `kql:"Acount,optional"`)

	type allowed struct {
		Computer string
		EventID  int64
		Account  string `kql:",optional"`
		Note     string `kql:"-"`
	}
	rows, _, err := sentinel.QueryInto[allowed](ctx, env.client, "SecurityEvent | take 1", nil)
	require.NoError(t, err)
	assert.Equal(t, []allowed{{Computer: "SRV-DC-01", EventID: 4625}}, rows)
}
