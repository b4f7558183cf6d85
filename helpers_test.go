package sentinel_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/fakeclock"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// testEnv is an emulator with a client for it. The emulator serves under a base path, so a
// method that builds a URL by hand instead of from the endpoint fails.
type testEnv struct {
	srv    *sentineltest.Server
	client *sentinel.Client
	clock  *fakeclock.Clock
}

func newEnv(t *testing.T, tweak ...func(*sentinel.ClientOptions)) *testEnv {
	t.Helper()
	srv := sentineltest.NewServer(sentineltest.WithBasePath("/arm"))
	t.Cleanup(srv.Close)
	clk := fakeclock.New(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	opts := &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{
		Cloud:     srv.Cloud(),
		Transport: srv.HTTPClient(),
		Retry:     policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 20 * time.Millisecond},
	}}
	sentinel.SetClock(opts, clk)
	for _, f := range tweak {
		f(opts)
	}
	c, err := sentinel.NewClient(workspaceOf(srv.Workspace()), srv.Credential(), opts)
	require.NoError(t, err)
	return &testEnv{srv: srv, client: c, clock: clk}
}

func workspaceOf(w sentineltest.WorkspaceInfo) sentinel.Workspace {
	return sentinel.Workspace{SubscriptionID: w.SubscriptionID, ResourceGroup: w.ResourceGroup, Name: w.Name, CustomerID: w.CustomerID}
}

// stubEnv is a client against a hand-written TLS handler, for wire-level cases the emulator
// does not produce (odd nextLinks, broken bodies).
func stubEnv(t testing.TB, h http.HandlerFunc) (*sentinel.Client, *httptest.Server) {
	t.Helper()
	ts := httptest.NewTLSServer(h)
	t.Cleanup(ts.Close)
	opts := &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{
		Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager:        {Endpoint: ts.URL, Audience: ts.URL},
			sentinel.LogAnalyticsService: {Endpoint: ts.URL, Audience: ts.URL},
		}},
		Transport: ts.Client(),
		Retry:     policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 20 * time.Millisecond},
	}}
	sentinel.SetClock(opts, fakeclock.New(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)))
	srvWS := sentineltest.WorkspaceInfo{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace"}
	c, err := sentinel.NewClient(workspaceOf(srvWS), staticCred{}, opts)
	require.NoError(t, err)
	return c, ts
}

type staticCred struct{}

func (staticCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: sentineltest.Token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

const wsPath = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights"
