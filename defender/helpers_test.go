package defender_test

import (
	"encoding/json"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// testEnv is an emulator with a Graph client and a Sentinel client on it.
type testEnv struct {
	srv      *sentineltest.Server
	client   *defender.Client
	sentinel *sentinel.Client
}

func newEnv(t testing.TB, opts ...func(*defender.ClientOptions)) *testEnv {
	t.Helper()
	srv := sentineltest.NewServer(sentineltest.WithBasePath("/arm"))
	t.Cleanup(srv.Close)
	o := &defender.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}}
	o.Retry.RetryDelay = 1
	for _, f := range opts {
		f(o)
	}
	c, err := defender.NewClient(srv.Credential(), o)
	require.NoError(t, err)
	ws := srv.Workspace()
	sc, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: ws.Name, CustomerID: ws.CustomerID},
		srv.Credential(), &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
	require.NoError(t, err)
	return &testEnv{srv: srv, client: c, sentinel: sc}
}

// graphRequests returns the requests the emulator received on its Graph host.
func (e *testEnv) graphRequests() []sentineltest.Request {
	var out []sentineltest.Request
	for _, r := range e.srv.Requests() {
		if len(r.Path) >= 6 && r.Path[:6] == "/v1.0/" {
			out = append(out, r)
		}
	}
	return out
}

// bodyOf decodes a request body for inspection.
func bodyOf(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}
