package sentinel_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// recorder is a handler that records deliveries.
type recorder struct {
	mu    sync.Mutex
	names []string
	incs  []sentinel.Incident
}

func (r *recorder) handle(_ context.Context, inc sentinel.Incident) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, inc.Name)
	r.incs = append(r.incs, inc)
	return nil
}

func (r *recorder) counts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := map[string]int{}
	for _, n := range r.names {
		m[n]++
	}
	return m
}

func (r *recorder) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.names...)
}

// watcher builds a watcher with a fake clock at the server's "now".
func watcher(t *testing.T, env *testEnv, opts sentinel.WatchOptions) *sentinel.IncidentWatcher {
	t.Helper()
	sentinel.SetWatchClock(&opts, env.clock)
	w, err := env.client.NewIncidentWatcher(&opts)
	require.NoError(t, err)
	return w
}

// serverAtClock makes the emulator use the test's fake clock.
func serverAtClock(env *testEnv) { env.srv.SetClock(env.clock.Now) }

func TestWatchDeliversTenThousandOnce(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	names := env.srv.SeedIncidents(10000) // created over the 48 h before now
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, PageSize: 250})
	var rec recorder
	n, err := w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Equal(t, 10000, n)
	assert.Equal(t, names, rec.all(), "each delivered exactly once, in number order")
	st := w.Stats()
	assert.Equal(t, int64(40), st.Requests)
	assert.Equal(t, int64(10000), st.Delivered)

	// An idle poll costs exactly one request and delivers nothing.
	env.srv.ResetRequests()
	n, err = w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, 1, env.srv.RequestCount())
	f := env.srv.Requests()[0].Query.Get("$filter")
	assert.Contains(t, f, "properties/incidentNumber gt 10000")
	assert.Equal(t, "properties/incidentNumber asc", env.srv.Requests()[0].Query.Get("$orderby"))
}

func TestWatchStartAndFilter(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	now := env.clock.Now()
	mk := func(title, sev string, age time.Duration) string {
		return env.srv.CreateIncident(map[string]any{"title": title, "severity": sev, "status": "New", "createdTimeUtc": now.Add(-age).Format(time.RFC3339)})
	}
	mk("too old", "High", 30*time.Hour)
	a := mk("recent high", "High", time.Hour)
	mk("recent low", "Low", time.Hour)
	b := mk("recent medium", "Medium", time.Minute)
	w := watcher(t, env, sentinel.WatchOptions{Filter: sentinel.IncidentFilter{}.SeverityIn(sentinel.SeverityHigh, sentinel.SeverityMedium)})
	var rec recorder
	_, err := w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Equal(t, []string{a, b}, rec.all())
}

func TestWatchNewIncidentsDuringPagingTiesAndLateOnes(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	now := env.clock.Now()
	same := now.Add(-time.Hour).Format(time.RFC3339) // truncated, shared created time
	var initial []string
	for range 25 {
		initial = append(initial, env.srv.CreateIncident(map[string]any{"title": "tie", "severity": "High", "status": "New", "createdTimeUtc": same}))
	}
	// While the first poll pages, new incidents arrive (some with the same created time).
	var during []string
	var mu sync.Mutex
	env.srv.OnRequest(func(r sentineltest.Request) {
		if r.Query.Get("$skipToken") != "" {
			mu.Lock()
			during = append(during,
				env.srv.CreateIncident(map[string]any{"title": "during", "severity": "High", "status": "New", "createdTimeUtc": same}),
				env.srv.CreateIncident(map[string]any{"title": "during-new", "severity": "Low", "status": "New"}))
			mu.Unlock()
		}
	})
	w := watcher(t, env, sentinel.WatchOptions{PageSize: 10})
	var rec recorder
	_, err := w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	env.srv.OnRequest(nil)

	// A late-indexed incident: created (and numbered) before the last delivered ones, visible
	// only now, within the overlap window.
	late := env.srv.CreateIncident(map[string]any{"title": "late", "severity": "High", "status": "New", "createdTimeUtc": now.Add(-2 * time.Minute).Format(time.RFC3339)})
	env.srv.Data().SetIncidentVisible(late, false)
	after := env.srv.CreateIncident(map[string]any{"title": "after", "severity": "High", "status": "New"})
	_, err = w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	env.srv.Data().SetIncidentVisible(late, true)
	// A back-dated incident synced from Defender: old created time, new number.
	backdated := env.srv.CreateIncident(map[string]any{"title": "defender", "severity": "High", "status": "New", "createdTimeUtc": now.Add(-20 * time.Hour).Format(time.RFC3339)})
	for range 3 {
		_, err = w.Poll(context.Background(), rec.handle)
		require.NoError(t, err)
	}

	want := map[string]int{}
	for _, n := range append(append(initial, during...), late, after, backdated) {
		want[n] = 1
	}
	assert.Equal(t, want, rec.counts(), "none lost, none doubled")
}

func TestWatchCrashAndRestartFromFile(t *testing.T) {
	for _, how := range []string{"panic", "cancel"} {
		t.Run(how, func(t *testing.T) {
			env := newEnv(t)
			serverAtClock(env)
			names := env.srv.SeedIncidents(120)
			path := filepath.Join(t.TempDir(), "watch.checkpoint")
			opts := sentinel.WatchOptions{Since: 72 * time.Hour, PageSize: 25, Checkpoint: sentinel.NewFileCheckpoint(path)}

			var rec recorder
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			crashing := func(ctx context.Context, inc sentinel.Incident) error {
				_ = rec.handle(ctx, inc)
				if len(rec.all()) == 57 {
					if how == "panic" {
						panic("handler crashed")
					}
					cancel()
				}
				return nil
			}
			w := watcher(t, env, opts)
			func() {
				defer func() {
					if how == "panic" {
						assert.Equal(t, "handler crashed", recover(), "a handler panic is not swallowed")
					}
				}()
				err := w.Run(ctx, crashing)
				assert.ErrorIs(t, err, context.Canceled)
			}()

			// Restart: a new watcher on the same checkpoint file.
			w2 := watcher(t, env, opts)
			_, err := w2.Poll(context.Background(), rec.handle)
			require.NoError(t, err)
			counts := rec.counts()
			for _, n := range names {
				require.GreaterOrEqual(t, counts[n], 1, "incident %s lost", n)
			}
			dups := 0
			for _, c := range counts {
				dups += c - 1
			}
			if how == "panic" {
				assert.Equal(t, 1, dups, "only the in-flight incident comes again")
				assert.Equal(t, 2, counts[names[56]])
			} else {
				assert.Zero(t, dups)
			}
		})
	}
}

func TestWatchChangedMode(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	a := env.srv.CreateIncident(map[string]any{"title": "a", "severity": "High", "status": "New"})
	b := env.srv.CreateIncident(map[string]any{"title": "b", "severity": "Low", "status": "New"})
	w := watcher(t, env, sentinel.WatchOptions{Mode: sentinel.WatchNewAndChanged, Since: time.Hour})
	var rec recorder
	poll := func() {
		t.Helper()
		_, err := w.Poll(context.Background(), rec.handle)
		require.NoError(t, err)
	}
	poll()
	assert.Equal(t, []string{a, b}, rec.all())

	// Three modifications of a between polls: delivered once, in its latest state.
	for _, status := range []string{"Active", "Active", "Closed"} {
		env.clock.Advance(time.Second)
		env.srv.ModifyIncident(a, func(p map[string]any) {
			p["status"] = status
			if status == "Closed" {
				p["classification"] = "FalsePositive"
				p["classificationReason"] = "InaccurateData"
			}
		})
	}
	poll()
	require.Len(t, rec.all(), 3)
	last := rec.incs[2]
	assert.Equal(t, a, last.Name)
	assert.Equal(t, sentinel.IncidentStatusClosed, last.Status)

	// Nothing changed: nothing delivered.
	poll()
	assert.Len(t, rec.all(), 3)

	// A quiet spell far longer than the overlap: still no re-delivery.
	env.clock.Advance(6 * time.Hour)
	poll()
	poll()
	assert.Len(t, rec.all(), 3)

	// A later modification (owner change) is delivered again.
	env.clock.Advance(time.Second)
	env.srv.ModifyIncident(b, func(p map[string]any) {
		p["owner"] = map[string]any{"userPrincipalName": "erin.miller@contoso.com"}
	})
	poll()
	require.Len(t, rec.all(), 4)
	assert.Equal(t, b, rec.incs[3].Name)
	assert.Equal(t, "erin.miller@contoso.com", rec.incs[3].Owner.UserPrincipalName)
	q := env.srv.Requests()[len(env.srv.Requests())-1].Query
	assert.Equal(t, "properties/lastModifiedTimeUtc asc", q.Get("$orderby"))
}

func TestWatchThrottlingStormMidPoll(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	names := env.srv.SeedIncidents(300)
	env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "2", Times: 6,
		Match: func(r *http.Request) bool { return r.URL.Query().Get("$skipToken") != "" }})
	env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "30", Times: 2})
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, PageSize: 20})
	var rec recorder
	_, err := w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Equal(t, names, rec.all())
	assert.Zero(t, env.srv.PendingFaults())
	assert.Len(t, env.clock.Sleeps(), 8)
}

func TestWatchThrottledBeyondBudgetKeepsCheckpoint(t *testing.T) {
	env := newEnv(t, func(o *sentinel.ClientOptions) { o.ThrottleBudget = time.Minute })
	serverAtClock(env)
	names := env.srv.SeedIncidents(50)
	env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "600", Times: 1,
		Match: func(r *http.Request) bool { return r.URL.Query().Get("$skipToken") != "" }})
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, PageSize: 20})
	var rec recorder
	n, err := w.Poll(context.Background(), rec.handle)
	require.ErrorIs(t, err, sentinel.ErrThrottled)
	assert.Equal(t, 20, n)
	assert.Equal(t, int64(1), w.Stats().PollErrors)
	_, err = w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Equal(t, names, rec.all())
}

func TestWatchHandlerErrors(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	names := env.srv.SeedIncidents(10)
	failOn := names[3]
	failures := 0
	flaky := func(ctx context.Context, inc sentinel.Incident) error {
		if inc.Name == failOn && failures < 2 {
			failures++
			return errors.New("SOAR is down")
		}
		return nil
	}
	var rec recorder
	handler := func(ctx context.Context, inc sentinel.Incident) error {
		if err := flaky(ctx, inc); err != nil {
			return err
		}
		return rec.handle(ctx, inc)
	}
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour})
	n, err := w.Poll(context.Background(), handler)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SOAR is down")
	assert.Equal(t, 3, n, "the poll stops at the failing incident")
	_, err = w.Poll(context.Background(), handler)
	require.Error(t, err)
	_, err = w.Poll(context.Background(), handler)
	require.NoError(t, err)
	assert.Equal(t, names, rec.all(), "retried until it succeeds, never skipped")
	assert.Equal(t, int64(2), w.Stats().HandlerErrors)

	// SkipIncident policy: the incident is passed over, and the policy saw it.
	env2 := newEnv(t)
	serverAtClock(env2)
	names2 := env2.srv.SeedIncidents(5)
	var skipped []string
	w2 := watcher(t, env2, sentinel.WatchOptions{Since: 72 * time.Hour, OnHandlerError: func(inc sentinel.Incident, err error) sentinel.HandlerErrorAction {
		skipped = append(skipped, inc.Name)
		return sentinel.SkipIncident
	}})
	n, err = w2.Poll(context.Background(), func(ctx context.Context, inc sentinel.Incident) error {
		if inc.Name == names2[1] {
			return errors.New("poison")
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	assert.Equal(t, []string{names2[1]}, skipped)
}

func TestWatchCorruptAndForeignCheckpoint(t *testing.T) {
	env := newEnv(t)
	dir := t.TempDir()
	tests := map[string]string{
		"garbage":   "this is not json",
		"truncated": `{"format":"sentinel-incident-watcher-checkpoint","version":1,"sha256":"ab`,
		"tampered":  `{"format":"sentinel-incident-watcher-checkpoint","version":1,"sha256":"00","checkpoint":{"workspace":"x","mode":0,"time":"2026-01-01T00:00:00Z"}}`,
		"foreign":   "",
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, name)
			if name == "foreign" {
				other := sentinel.NewFileCheckpoint(path)
				require.NoError(t, other.Save(context.Background(), sentinel.Checkpoint{Workspace: "sub/rg/other-workspace", Time: time.Now()}))
			} else {
				require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			}
			before, err := os.ReadFile(path)
			require.NoError(t, err)
			w := watcher(t, env, sentinel.WatchOptions{Checkpoint: sentinel.NewFileCheckpoint(path)})
			var rec recorder
			err = w.Run(context.Background(), rec.handle)
			var ce *sentinel.CheckpointError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "load", ce.Op)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "the file is left untouched")
			assert.Empty(t, rec.all())
		})
	}
	assert.Zero(t, env.srv.RequestCount(), "no request before the checkpoint is usable")
}

func TestWatchIterator(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	names := env.srv.SeedIncidents(30)
	store := sentinel.NewMemoryCheckpoint()
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, PageSize: 7, Checkpoint: store})
	var got []string
	for inc, err := range w.All(context.Background()) {
		require.NoError(t, err)
		got = append(got, inc.Name)
		if len(got) == 30 {
			break
		}
	}
	assert.Equal(t, names, got)
	cp, ok, err := store.Load(context.Background())
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, int64(29), cp.Number, "breaking does not commit the current incident")

	// A new watcher on the same store delivers only the uncommitted last one.
	w2 := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, Checkpoint: store})
	var rec recorder
	_, err = w2.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Equal(t, []string{names[29]}, rec.all())
}

func TestWatchTwoWorkspacesShareRateLimit(t *testing.T) {
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	second := srv.AddWorkspace("soc-workspace-2")
	srv.SeedIncidents(5)
	srv.DataFor(second.Name).SeedIncidents(5)
	limiter := sentinel.NewRateLimiter(50, 5)
	var watchers []*sentinel.IncidentWatcher
	for _, ws := range []sentineltest.WorkspaceInfo{srv.Workspace(), second} {
		c, err := sentinel.NewClient(workspaceOf(ws), srv.Credential(), &sentinel.ClientOptions{
			RateLimiter:   limiter,
			ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient(), Retry: policy.RetryOptions{MaxRetries: -1}},
		})
		require.NoError(t, err)
		w, err := c.NewIncidentWatcher(&sentinel.WatchOptions{Since: 72 * time.Hour, Interval: time.Millisecond})
		require.NoError(t, err)
		watchers = append(watchers, w)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	var delivered atomic.Int64
	var wg sync.WaitGroup
	for _, w := range watchers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = w.Run(ctx, func(context.Context, sentinel.Incident) error { delivered.Add(1); return nil })
		}()
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	n := srv.RequestCount()
	limit := 5 + int(50*elapsed) + 1
	assert.LessOrEqual(t, n, limit, "requests of both watchers within the shared limit")
	assert.GreaterOrEqual(t, n, 10, "both watchers kept polling")
	assert.Equal(t, int64(10), delivered.Load())
	perWS := map[bool]int{}
	for _, r := range srv.Requests() {
		perWS[strings.Contains(r.Path, "/workspaces/soc-workspace-2/")]++
	}
	assert.Len(t, perWS, 2, "both workspaces were polled")
}

func TestWatchOptionsValidation(t *testing.T) {
	env := newEnv(t)
	for name, o := range map[string]sentinel.WatchOptions{
		"WatchOptions.Mode":     {Mode: 7},
		"WatchOptions.PageSize": {PageSize: 1001},
		"WatchOptions.Since":    {Since: -time.Hour},
		"WatchOptions.Overlap":  {Overlap: -1},
	} {
		_, err := env.client.NewIncidentWatcher(&o)
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, name, ae.Name)
	}
}
