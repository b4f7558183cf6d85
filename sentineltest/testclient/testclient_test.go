package testclient_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
	"github.com/sentinel-go/sentinel/sentineltest/testclient"
)

func TestNew(t *testing.T) {
	var srv *sentineltest.Server
	t.Run("in a test", func(t *testing.T) {
		var c *sentinel.Client
		c, srv = testclient.New(t, testclient.WithServerOptions(sentineltest.WithBasePath("/arm")))
		name := srv.AddIncident(sentineltest.IncidentSeed{Title: "seeded", Severity: "High"})
		inc, err := c.GetIncident(context.Background(), name, nil)
		require.NoError(t, err)
		assert.Equal(t, "seeded", inc.Title)
		reqs := srv.Requests()
		require.Len(t, reqs, 1)
		ws := srv.Workspace()
		assert.Equal(t, "/arm/subscriptions/"+ws.SubscriptionID+"/resourceGroups/"+ws.ResourceGroup+
			"/providers/Microsoft.OperationalInsights/workspaces/"+ws.Name+"/providers/Microsoft.SecurityInsights/incidents/"+name, reqs[0].Path)
		assert.True(t, reqs[0].Authorized)
	})
	// The emulator is closed with the test.
	_, err := srv.HTTPClient().Get(srv.URL())
	assert.Error(t, err)
}

// TestFastRetries: an injected 503 is retried after milliseconds; a 429 with a long
// Retry-After is retried without waiting in real time, and the throttle budget still counts
// the skipped waits.
func TestFastRetries(t *testing.T) {
	ctx := context.Background()
	c, srv := testclient.New(t)
	name := srv.AddIncident(sentineltest.IncidentSeed{})

	srv.Fail(sentineltest.Fault{Status: http.StatusServiceUnavailable, Times: 2})
	_, err := c.GetIncident(ctx, name, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount())

	// Two waits of 30 s: a real wait would outlast the context.
	srv.ResetRequests()
	srv.Throttle(2, "30")
	short, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, err = c.GetIncident(short, name, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount())

	// The budget (5 min by default) counts skipped waits: after 2 x 120 s the third wait
	// would exceed it, and the 429 is returned.
	srv.ResetRequests()
	srv.Throttle(3, "120")
	_, err = c.GetIncident(ctx, name, nil)
	require.Error(t, err)
	assert.True(t, errors.Is(err, sentinel.ErrThrottled), "%v", err)
	assert.Equal(t, 3, srv.RequestCount())
}

func TestRealThrottleWaits(t *testing.T) {
	c, srv := testclient.New(t, testclient.WithRealThrottleWaits())
	name := srv.AddIncident(sentineltest.IncidentSeed{})
	srv.Throttle(1, "30")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetIncident(ctx, name, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the client waits for Retry-After in real time")
}

func TestWithClientOptions(t *testing.T) {
	opts := &sentinel.ClientOptions{APIVersion: "2024-03-01"}
	opts.Retry.MaxRetries = 1
	opts.Retry.RetryDelay = 2 * time.Millisecond
	c, srv := testclient.New(t, testclient.WithClientOptions(opts))
	assert.Equal(t, &sentinel.ClientOptions{APIVersion: "2024-03-01", ClientOptions: opts.ClientOptions}, opts, "not changed")
	assert.Nil(t, opts.Transport)

	name := srv.AddIncident(sentineltest.IncidentSeed{})
	srv.Fail(sentineltest.Fault{Status: http.StatusServiceUnavailable, Times: 2})
	_, err := c.GetIncident(context.Background(), name, nil)
	require.Error(t, err, "MaxRetries 1 is kept: two 503s fail the call")
	assert.True(t, errors.Is(err, sentinel.ErrServer), "%v", err)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "2024-03-01", reqs[0].Query.Get("api-version"))
}

// TestConnect: a second client on a running emulator, for another workspace, and a
// Transport of the caller's that wraps the emulator's.
func TestConnect(t *testing.T) {
	_, srv := testclient.New(t)
	var seen []string
	tr := transportFunc(func(r *http.Request) (*http.Response, error) {
		seen = append(seen, r.URL.Path)
		return srv.HTTPClient().Do(r)
	})
	c2, err := testclient.Connect(srv, testclient.WithWorkspace("other-ws"),
		testclient.WithClientOptions(&sentinel.ClientOptions{ClientOptions: policyOpts(tr)}))
	require.NoError(t, err)
	d := srv.DataFor("other-ws")
	require.NotNil(t, d, "the workspace was added")
	name := d.AddIncident(sentineltest.IncidentSeed{Title: "in other-ws"})
	inc, err := c2.GetIncident(context.Background(), name, nil)
	require.NoError(t, err)
	assert.Equal(t, "in other-ws", inc.Title)
	require.Len(t, seen, 1)
	assert.Contains(t, seen[0], "/workspaces/other-ws/")

	// An existing workspace is reused.
	c3, err := testclient.Connect(srv, testclient.WithWorkspace("other-ws"))
	require.NoError(t, err)
	_, err = c3.GetIncident(context.Background(), name, nil)
	require.NoError(t, err)

	assert.Equal(t, sentinel.Workspace{SubscriptionID: "s", ResourceGroup: "rg", Name: "n", CustomerID: "c"},
		testclient.Workspace(sentineltest.WorkspaceInfo{SubscriptionID: "s", ResourceGroup: "rg", Name: "n", CustomerID: "c"}))
}

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func policyOpts(tr policy.Transporter) policy.ClientOptions {
	return policy.ClientOptions{Transport: tr}
}

// BenchmarkInjected503 is one GetIncident answered by a 503 and then 200: with the test
// client's retry delays it costs milliseconds (azcore's defaults wait 0.8 s or more).
func BenchmarkInjected503(b *testing.B) {
	c, srv := testclient.New(b)
	name := srv.AddIncident(sentineltest.IncidentSeed{})
	ctx := context.Background()
	for b.Loop() {
		srv.Fail(sentineltest.Fault{Status: http.StatusServiceUnavailable})
		if _, err := c.GetIncident(ctx, name, nil); err != nil {
			b.Fatal(err)
		}
	}
}
