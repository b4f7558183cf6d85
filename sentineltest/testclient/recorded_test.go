package testclient_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
	"github.com/sentinel-go/sentinel/sentineltest/testclient"
)

// TestRecorded records a test against the emulator (standing in for Azure, through the
// environment the README names), then replays it with the emulator out of the loop.
func TestRecorded(t *testing.T) {
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	vip := srv.AddIncident(sentineltest.IncidentSeed{Title: "CEO sign-in", Labels: []string{"vip"}, Owner: "ceo@contoso.com"})
	srv.AddIncident(sentineltest.IncidentSeed{Title: "Printer offline"})
	srv.Fail(sentineltest.Fault{Status: 503}) // recorded, and retried at replay
	ws := srv.Workspace()
	path := filepath.Join(t.TempDir(), "testdata", "vip.cassette.json")
	opts := []testclient.Option{
		testclient.WithClientOptions(&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}}),
		testclient.WithCredential(srv.Credential()),
	}
	session := func(t *testing.T, c *sentinel.Client) []string {
		ctx := context.Background()
		incs, err := c.ListIncidents(&sentinel.ListIncidentsOptions{Filter: "properties/labels/any(l: l/labelName eq 'vip')"}).Collect(ctx, 0)
		require.NoError(t, err)
		var got []string
		for _, inc := range incs {
			upd, err := c.UpdateIncident(ctx, inc.Name, sentinel.IncidentUpdate{Severity: sentinel.Ptr(sentinel.SeverityHigh)}, nil)
			require.NoError(t, err)
			got = append(got, upd.Title+"/"+string(upd.Severity)+"/"+upd.Owner.Email)
		}
		return got
	}

	t.Run("record", func(t *testing.T) {
		t.Setenv(testclient.RecordEnv, "1")
		t.Setenv(testclient.SubscriptionEnv, ws.SubscriptionID)
		t.Setenv(testclient.ResourceGroupEnv, ws.ResourceGroup)
		t.Setenv(testclient.WorkspaceEnv, ws.Name)
		c := testclient.Recorded(t, path, opts...)
		assert.Equal(t, []string{"CEO sign-in/High/ceo@contoso.com"}, session(t, c))
	})
	raw, err := os.ReadFile(path)
	require.NoError(t, err, "written when the test ended")
	for _, real := range []string{ws.SubscriptionID, ws.ResourceGroup, ws.Name, vip, "ceo@contoso.com", sentineltest.Token} {
		assert.NotContains(t, string(raw), real)
	}
	assert.Contains(t, string(raw), "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/recorded-rg/providers/Microsoft.OperationalInsights/workspaces/recorded-workspace/")
	v, _ := srv.GetIncident(vip)
	assert.Equal(t, "High", v.Severity)

	before := srv.RequestCount()
	t.Run("replay", func(t *testing.T) {
		t.Setenv(testclient.RecordEnv, "")
		c := testclient.Recorded(t, path, opts...)
		assert.Equal(t, []string{"CEO sign-in/High/user1@example.com"}, session(t, c))
	})
	assert.Equal(t, before, srv.RequestCount(), "nothing reached the emulator")
}

// fakeT records what Recorded reports; Fatalf ends the goroutine as testing.T's does.
type fakeT struct {
	testing.TB
	mu       sync.Mutex
	msgs     []string
	cleanups []func()
}

func (f *fakeT) Helper() {}
func (f *fakeT) Failed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.msgs) > 0
}
func (f *fakeT) Errorf(format string, args ...any) {
	f.mu.Lock()
	f.msgs = append(f.msgs, "error: "+strings.TrimSpace(fmt.Sprintf(format, args...)))
	f.mu.Unlock()
}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.mu.Lock()
	f.msgs = append(f.msgs, "fatal: "+fmt.Sprintf(format, args...))
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeT) Logf(string, ...any) {}
func (f *fakeT) Cleanup(fn func())   { f.cleanups = append(f.cleanups, fn) }

// run calls fn with f in a goroutine, so that Fatalf can end it, then runs the cleanups.
func (f *fakeT) run(fn func()) []string {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	<-done
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	return f.msgs
}

func TestRecordedFailures(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(testclient.RecordEnv, "")

	ft := &fakeT{TB: t}
	msgs := ft.run(func() { testclient.Recorded(ft, filepath.Join(dir, "none.json")) })
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "fatal: testclient: no cassette at "+filepath.Join(dir, "none.json")+": record it once with SENTINEL_RECORD=1")

	// A replayed test that leaves interactions unrequested fails.
	path := filepath.Join(dir, "one.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"interactions": [{"method": "GET", "url": "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/recorded-rg/providers/Microsoft.OperationalInsights/workspaces/recorded-workspace/providers/Microsoft.SecurityInsights/incidents/x?api-version=2023-02-01", "status": 200, "body": {"name": "x"}}]}`), 0o600))
	ft = &fakeT{TB: t}
	msgs = ft.run(func() { testclient.Recorded(ft, path) })
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "error: testclient: "+path+": recorded interactions not requested:")
	ft = &fakeT{TB: t}
	msgs = ft.run(func() {
		c := testclient.Recorded(ft, path)
		inc, err := c.GetIncident(context.Background(), "x", nil)
		require.NoError(t, err)
		assert.Equal(t, "x", inc.Name)
	})
	assert.Empty(t, msgs, "the cassette's api-version is sent")

	t.Setenv(testclient.RecordEnv, "1")
	t.Setenv(testclient.SubscriptionEnv, "")
	ft = &fakeT{TB: t}
	msgs = ft.run(func() { testclient.Recorded(ft, path) })
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0], "fatal: testclient: SENTINEL_RECORD=1 records against a real workspace: set AZURE_SUBSCRIPTION_ID")

	// A recording test that fails writes nothing.
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	ws := srv.Workspace()
	t.Setenv(testclient.SubscriptionEnv, ws.SubscriptionID)
	t.Setenv(testclient.ResourceGroupEnv, ws.ResourceGroup)
	t.Setenv(testclient.WorkspaceEnv, ws.Name)
	failed := filepath.Join(dir, "failed.json")
	ft = &fakeT{TB: t}
	msgs = ft.run(func() {
		c := testclient.Recorded(ft, failed, testclient.WithCredential(srv.Credential()),
			testclient.WithClientOptions(&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}}))
		_, err := c.GetIncident(context.Background(), "missing", nil)
		ft.Errorf("the test failed: %v", err)
	})
	require.Len(t, msgs, 1)
	assert.NoFileExists(t, failed)
}
