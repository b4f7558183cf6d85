package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func TestWorkspaceValidate(t *testing.T) {
	good := sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace"}
	tests := []struct {
		name  string
		edit  func(*sentinel.Workspace)
		field string // "" means valid
	}{
		{"valid", func(*sentinel.Workspace) {}, ""},
		{"rg with dots and parens", func(w *sentinel.Workspace) { w.ResourceGroup = "My.RG_(prod)-1" }, ""},
		{"rg unicode", func(w *sentinel.Workspace) { w.ResourceGroup = "sécurité" }, ""},
		{"subscription not a guid", func(w *sentinel.Workspace) { w.SubscriptionID = "not-a-guid" }, "Workspace.SubscriptionID"},
		{"subscription empty", func(w *sentinel.Workspace) { w.SubscriptionID = "" }, "Workspace.SubscriptionID"},
		{"rg empty", func(w *sentinel.Workspace) { w.ResourceGroup = "" }, "Workspace.ResourceGroup"},
		{"rg too long", func(w *sentinel.Workspace) { w.ResourceGroup = strings.Repeat("a", 91) }, "Workspace.ResourceGroup"},
		{"rg slash", func(w *sentinel.Workspace) { w.ResourceGroup = "a/b" }, "Workspace.ResourceGroup"},
		{"rg trailing dot", func(w *sentinel.Workspace) { w.ResourceGroup = "rg." }, "Workspace.ResourceGroup"},
		{"name too short", func(w *sentinel.Workspace) { w.Name = "ab" }, "Workspace.Name"},
		{"name leading dash", func(w *sentinel.Workspace) { w.Name = "-abc" }, "Workspace.Name"},
		{"name underscore", func(w *sentinel.Workspace) { w.Name = "my_ws" }, "Workspace.Name"},
		{"name path", func(w *sentinel.Workspace) { w.Name = "../x" }, "Workspace.Name"},
		{"customer id not guid", func(w *sentinel.Workspace) { w.CustomerID = "x" }, "Workspace.CustomerID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := good
			tt.edit(&w)
			err := w.Validate()
			_, cerr := sentinel.NewClient(w, staticCred{}, nil)
			if tt.field == "" {
				assert.NoError(t, err)
				assert.NoError(t, cerr)
				return
			}
			var ae *sentinel.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.field, ae.Name)
			assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
			assert.ErrorIs(t, cerr, sentinel.ErrInvalidArgument)
		})
	}
}

func TestNewClientOptions(t *testing.T) {
	ws := sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "rg", Name: "wsname"}
	proxy, _ := url.Parse("http://proxy.example:3128")
	tests := []struct {
		name  string
		cred  azcore.TokenCredential
		opts  *sentinel.ClientOptions
		field string
	}{
		{"defaults", staticCred{}, nil, ""},
		{"government", staticCred{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.AzureGovernment}}, ""},
		{"china", staticCred{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.AzureChina}}, ""},
		{"proxy", staticCred{}, &sentinel.ClientOptions{ProxyURL: proxy}, ""},
		{"no credential", nil, nil, "cred"},
		{"bad api version", staticCred{}, &sentinel.ClientOptions{APIVersion: "latest"}, "ClientOptions.APIVersion"},
		{"custom cloud without ARM", staticCred{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.example/"}}}, "ClientOptions.Cloud"},
		{"proxy with transport", staticCred{}, &sentinel.ClientOptions{ProxyURL: proxy, ClientOptions: azcore.ClientOptions{Transport: http.DefaultClient}}, "ClientOptions.ProxyURL"},
		{"skip TLS with transport", staticCred{}, &sentinel.ClientOptions{DangerouslySkipTLSVerification: true, ClientOptions: azcore.ClientOptions{Transport: http.DefaultClient}}, "ClientOptions.DangerouslySkipTLSVerification"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := sentinel.NewClient(ws, tt.cred, tt.opts)
			if tt.field == "" {
				require.NoError(t, err)
				assert.NotNil(t, c)
				return
			}
			var ae *sentinel.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.field, ae.Name)
		})
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		status int
		code   string
		want   error
	}{
		{400, "BadRequest", sentinel.ErrBadRequest},
		{401, "AuthenticationFailed", sentinel.ErrUnauthorized},
		{403, "AuthorizationFailed", sentinel.ErrForbidden},
		{404, "NotFound", sentinel.ErrNotFound},
		{409, "Conflict", sentinel.ErrConflict},
		{412, "PreconditionFailed", sentinel.ErrConflict},
		{429, "TooManyRequests", sentinel.ErrThrottled},
		{500, "InternalServerError", sentinel.ErrServer},
		{503, "ServiceUnavailable", sentinel.ErrServer},
	}
	all := []error{sentinel.ErrBadRequest, sentinel.ErrUnauthorized, sentinel.ErrForbidden, sentinel.ErrNotFound, sentinel.ErrConflict, sentinel.ErrThrottled, sentinel.ErrServer, sentinel.ErrInvalidArgument}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			env := newEnv(t, func(o *sentinel.ClientOptions) { o.ThrottleBudget = -1; o.Retry.MaxRetries = -1 })
			env.srv.Fail(sentineltest.Fault{Status: tt.status, Times: 1, RetryAfter: "7",
				Body:   fmt.Sprintf(`{"error":{"code":%q,"message":"the message for %d"}}`, tt.code, tt.status),
				Header: http.Header{"X-Ms-Request-Id": {"req-123"}, "X-Ms-Correlation-Request-Id": {"corr-9"}}})
			_, err := env.client.GetIncident(context.Background(), "abc", nil)
			require.Error(t, err)
			for _, e := range all {
				assert.Equal(t, e == tt.want, errors.Is(err, e), "errors.Is(err, %v)", e)
			}
			var re *sentinel.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.status, re.StatusCode)
			assert.Equal(t, tt.code, re.ErrorCode)
			assert.Equal(t, fmt.Sprintf("the message for %d", tt.status), re.Message)
			assert.Equal(t, "req-123", re.RequestID)
			assert.Equal(t, "corr-9", re.CorrelationID)
			assert.Equal(t, 7*time.Second, re.RetryAfter)
			assert.Equal(t, http.MethodGet, re.Method)
			assert.True(t, strings.HasSuffix(re.URL, "/incidents/abc"), re.URL)
			assert.NotContains(t, re.URL, "api-version")
			var az *azcore.ResponseError
			require.ErrorAs(t, err, &az)
			assert.Equal(t, tt.status, az.StatusCode)
			assert.Contains(t, err.Error(), tt.code)
			assert.Contains(t, err.Error(), "req-123")
			assert.NotContains(t, err.Error(), sentineltest.Token)
		})
	}
}

// TestErrorObjectInSuccessMatchesItsStatus: an error object in a 200 answer (ARM and Log
// Analytics both send some) is classified like the status its code stands for, for a resource
// read and for a query.
func TestErrorObjectInSuccessMatchesItsStatus(t *testing.T) {
	tests := []struct {
		code string
		want error
	}{
		{"BadRequest", sentinel.ErrBadRequest},
		{"BadArgumentError", sentinel.ErrBadRequest},
		{"InvalidAuthenticationToken", sentinel.ErrUnauthorized},
		{"AuthorizationFailed", sentinel.ErrForbidden},
		{"InsufficientAccessError", sentinel.ErrForbidden},
		{"ResourceNotFound", sentinel.ErrNotFound},
		{"WorkspaceNotFoundError", sentinel.ErrNotFound},
		{"Conflict", sentinel.ErrConflict},
		{"PreconditionFailed", sentinel.ErrConflict},
		{"TooManyRequests", sentinel.ErrThrottled},
		{"InternalServerError", sentinel.ErrServer},
		{"internalServerError", sentinel.ErrServer},
		{"InternalError", sentinel.ErrServer},
		{"ServiceUnavailable", sentinel.ErrServer},
		{"ServiceError", sentinel.ErrServer},
		{"GatewayTimeout", sentinel.ErrServer},
		{"SomethingNew", nil},
	}
	all := []error{sentinel.ErrBadRequest, sentinel.ErrUnauthorized, sentinel.ErrForbidden, sentinel.ErrNotFound, sentinel.ErrConflict, sentinel.ErrThrottled, sentinel.ErrServer, sentinel.ErrInvalidArgument}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			body := fmt.Sprintf(`{"error":{"code":%q,"message":"said in a 200"}}`, tt.code)
			c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			ctx := context.Background()
			_, getErr := c.GetIncident(ctx, "x", nil)
			_, queryErr := c.Query(ctx, "SecurityIncident", &sentinel.QueryOptions{WorkspaceID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"})
			for name, err := range map[string]error{"GetIncident": getErr, "Query": queryErr} {
				var re *sentinel.ResponseError
				require.ErrorAs(t, err, &re, name)
				assert.Equal(t, http.StatusOK, re.StatusCode, name)
				assert.Equal(t, tt.code, re.ErrorCode, name)
				for _, e := range all {
					assert.Equal(t, e == tt.want, errors.Is(err, e), "%s: errors.Is(err, %v)", name, e)
				}
			}
		})
	}
}

func TestErrorBodies(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		status            int
		wantCode, wantMsg string
		wantIs            error
	}{
		{"arm details", "application/json", `{"error":{"code":"InvalidTemplate","message":"outer","target":"properties.title","details":[{"code":"Inner","message":"inner detail"}]}}`, 400, "InvalidTemplate", "outer", sentinel.ErrBadRequest},
		{"top-level code", "application/json", `{"code":"ResourceNotFound","message":"nope"}`, 404, "ResourceNotFound", "nope", sentinel.ErrNotFound},
		{"html proxy page", "text/html", `<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>`, 502, "", "non-JSON error body (text/html): 502 Bad Gateway", sentinel.ErrServer},
		{"empty", "", ``, 403, "", "", sentinel.ErrForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.ctype != "" {
					w.Header().Set("Content-Type", tt.ctype)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			})
			ctx := context.Background()
			_, err := c.GetIncident(ctx, "x", nil)
			var re *sentinel.ResponseError
			require.ErrorAs(t, err, &re)
			assert.ErrorIs(t, err, tt.wantIs)
			assert.Equal(t, tt.wantCode, re.ErrorCode)
			assert.Equal(t, tt.wantMsg, re.Message)
		})
	}
}

func TestSuccessBodiesThatAreErrors(t *testing.T) {
	tests := []struct {
		name, ctype, body string
		wantResponseErr   bool
	}{
		{"200 with ARM error object", "application/json", `{"error":{"code":"ResourceNotFound","message":"gone"}}`, true},
		{"200 with HTML", "text/html", `<html><title>Proxy login</title></html>`, false},
		{"200 truncated", "application/json", `{"id":"x","properties":{"title":"abc`, false},
		{"200 empty", "application/json", ``, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.Header().Set("x-ms-request-id", "rid-1")
				_, _ = w.Write([]byte(tt.body))
			})
			_, err := c.GetIncident(context.Background(), "x", nil)
			require.Error(t, err)
			if tt.wantResponseErr {
				var re *sentinel.ResponseError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, "ResourceNotFound", re.ErrorCode)
				assert.ErrorIs(t, err, sentinel.ErrNotFound)
				return
			}
			var de *sentinel.DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "rid-1", de.RequestID)
			assert.Contains(t, err.Error(), "rid-1")
		})
	}
}

func TestThrottleRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"2"}}, 2 * time.Second},
		{"beyond azcore cap", http.Header{"Retry-After": {"120"}}, 120 * time.Second},
		{"retry-after-ms", http.Header{"Retry-After-Ms": {"1500"}}, 1500 * time.Millisecond},
		{"x-ms-retry-after-ms", http.Header{"X-Ms-Retry-After-Ms": {"250"}}, 250 * time.Millisecond},
		{"http date", http.Header{"Retry-After": {time.Date(2026, 11, 1, 12, 0, 30, 0, time.UTC).Format(http.TimeFormat)}}, 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			id := env.srv.SeedIncidents(1)[0]
			env.srv.Fail(sentineltest.Fault{Status: 429, Header: tt.header})
			inc, err := env.client.GetIncident(context.Background(), id, nil)
			require.NoError(t, err)
			assert.Equal(t, id, inc.Name)
			assert.Equal(t, []time.Duration{tt.want}, env.clock.Sleeps())
			assert.Equal(t, 2, env.srv.RequestCount())
		})
	}
}

func TestThrottleBeyondBudget(t *testing.T) {
	env := newEnv(t)
	env.srv.Throttle(1, "3600")
	start := time.Now()
	_, err := env.client.GetIncident(context.Background(), "abc", nil)
	assert.Less(t, time.Since(start), 5*time.Second)
	require.ErrorIs(t, err, sentinel.ErrThrottled)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, time.Hour, re.RetryAfter)
	assert.Empty(t, env.clock.Sleeps(), "must not wait beyond the budget")
	assert.Equal(t, 1, env.srv.RequestCount())

	// Within a budget of 10 min a 600 s Retry-After is waited for, then the call succeeds.
	env2 := newEnv(t, func(o *sentinel.ClientOptions) { o.ThrottleBudget = 10 * time.Minute })
	id := env2.srv.SeedIncidents(1)[0]
	env2.srv.Fail(sentineltest.Fault{Status: 429, RetryAfter: "600", Header: http.Header{"Connection": {"close"}}})
	_, err = env2.client.GetIncident(context.Background(), id, nil)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{10 * time.Minute}, env2.clock.Sleeps())

	// The budget is for the whole call: 4 min + 4 min fits in 10, a third 4 min does not.
	env2.srv.Throttle(3, "240")
	_, err = env2.client.GetIncident(context.Background(), id, nil)
	require.ErrorIs(t, err, sentinel.ErrThrottled)
	assert.Equal(t, []time.Duration{10 * time.Minute, 4 * time.Minute, 4 * time.Minute}, env2.clock.Sleeps())
}

func TestRetryOnServerErrors(t *testing.T) {
	env := newEnv(t)
	id := env.srv.SeedIncidents(1)[0]
	env.srv.Fail(sentineltest.Fault{Status: 503, Times: 2}, sentineltest.Fault{Action: sentineltest.Reset})
	inc, err := env.client.GetIncident(context.Background(), id, nil)
	require.NoError(t, err)
	assert.Equal(t, id, inc.Name)
	assert.Equal(t, 4, env.srv.RequestCount())
}

func TestTokenSentOnlyToEndpoint(t *testing.T) {
	env := newEnv(t)
	env.srv.SeedIncidents(3)
	_, err := env.client.ListIncidents(nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	reqs := env.srv.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		assert.True(t, r.Authorized, "request %s %s", r.Method, r.Path)
		assert.True(t, strings.HasPrefix(r.Path, "/arm/subscriptions/"), r.Path)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var followed atomic.Int32
	c, ts := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			followed.Add(1)
			w.WriteHeader(200)
			return
		}
		http.Redirect(w, r, "/moved", http.StatusTemporaryRedirect)
	})
	_, err := c.GetIncident(context.Background(), "x", nil)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, http.StatusTemporaryRedirect, re.StatusCode)
	assert.Zero(t, followed.Load(), "a redirect must not be followed with the token, even to the same host")
	_ = ts
}

func TestConcurrentUseSharesOneClient(t *testing.T) {
	env := newEnv(t)
	ids := env.srv.SeedIncidents(20)
	errs := make(chan error, len(ids))
	for _, id := range ids {
		go func() {
			inc, err := env.client.GetIncident(context.Background(), id, nil)
			if err == nil && inc.Name != id {
				err = fmt.Errorf("got %s want %s", inc.Name, id)
			}
			errs <- err
		}()
	}
	for range ids {
		assert.NoError(t, <-errs)
	}
}

func TestRateLimiterPacesRequests(t *testing.T) {
	lim := sentinel.NewRateLimiter(100, 2)
	env := newEnv(t, func(o *sentinel.ClientOptions) { o.RateLimiter = lim })
	id := env.srv.SeedIncidents(1)[0]
	start := time.Now()
	for range 12 {
		_, err := env.client.GetIncident(context.Background(), id, nil)
		require.NoError(t, err)
	}
	// 2 in the burst, then 10 at 100/s: at least 100 ms.
	assert.GreaterOrEqual(t, time.Since(start), 90*time.Millisecond)
}

func TestInvalidIDsSendNothing(t *testing.T) {
	env := newEnv(t)
	for _, id := range []string{"", ".", "..", "a/b", `a\b`, "a\nb", strings.Repeat("x", 257), "\xff"} {
		_, err := env.client.GetIncident(context.Background(), id, nil)
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae, "id %q", id)
		assert.Equal(t, "id", ae.Name)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	}
	assert.Zero(t, env.srv.RequestCount())
}

func TestHostileIDsAreEscaped(t *testing.T) {
	env := newEnv(t)
	tests := map[string]string{
		"a?b":        "a%3Fb",
		"a#b":        "a%23b",
		"50%":        "50%25",
		"with space": "with%20space",
		"ünï":        "%C3%BCn%C3%AF",
		"..a":        "..a",
	}
	for id, want := range tests {
		env.srv.ResetRequests()
		_, err := env.client.GetIncident(context.Background(), id, nil)
		require.ErrorIs(t, err, sentinel.ErrNotFound)
		reqs := env.srv.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, "/arm"+wsPath+"/incidents/"+want, reqs[0].Path)
		assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, reqs[0].RawQuery)
	}
}
