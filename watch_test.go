package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
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
	var rec recorder
	handler := func(ctx context.Context, inc sentinel.Incident) error {
		if inc.Name == failOn && failures < 2 {
			failures++
			return errors.New("SOAR is down")
		}
		return rec.handle(ctx, inc)
	}
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour})
	n, err := w.Poll(context.Background(), handler)
	require.NoError(t, err, "retried within the poll")
	assert.Equal(t, 10, n)
	assert.Equal(t, names, rec.all(), "retried until it succeeds, never skipped")
	st := w.Stats()
	assert.Equal(t, int64(2), st.HandlerErrors)
	assert.Equal(t, int64(2), st.Retries)
	sleeps := env.clock.Sleeps()
	require.Len(t, sleeps, 2, "two backoffs, no interval")
	assert.LessOrEqual(t, sleeps[0], 250*time.Millisecond)
	assert.LessOrEqual(t, sleeps[1], 500*time.Millisecond)

	// A poison incident without a dead letter ends the poll after the last attempt and comes
	// again on the next poll; with one, it goes there and the watcher goes on.
	for _, withDeadLetter := range []bool{false, true} {
		env := newEnv(t)
		serverAtClock(env)
		names := env.srv.SeedIncidents(5)
		var dead []string
		opts := sentinel.WatchOptions{Since: 72 * time.Hour, HandlerRetry: sentinel.HandlerRetryOptions{MaxAttempts: 3}}
		if withDeadLetter {
			opts.OnDeadLetter = func(_ context.Context, inc sentinel.Incident, err error) error {
				dead = append(dead, inc.Name)
				return nil
			}
		}
		w := watcher(t, env, opts)
		calls := 0
		n, err := w.Poll(context.Background(), func(ctx context.Context, inc sentinel.Incident) error {
			if inc.Name == names[1] {
				calls++
				return errors.New("poison")
			}
			return nil
		})
		assert.Equal(t, 3, calls)
		if withDeadLetter {
			require.NoError(t, err)
			assert.Equal(t, 5, n)
			assert.Equal(t, []string{names[1]}, dead)
			assert.Equal(t, int64(1), w.Stats().DeadLettered)
		} else {
			require.ErrorContains(t, err, "poison")
			assert.Equal(t, 1, n, "the poll stops at the poison incident")
		}
	}

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
	assert.Equal(t, int64(1), w2.Stats().Skipped)
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
				_, err := other.Save(context.Background(), sentinel.CheckpointRecord{Key: "sentinel/sub/rg/other-workspace/new", Cursor: []byte(`{"workspace":"sub/rg/other-workspace","time":"2026-01-01T00:00:00Z"}`)})
				require.NoError(t, err)
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
			assert.ErrorIs(t, err, sentinel.ErrUnusableCheckpoint)
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
	cp := loadCheckpoint(t, store, w.CheckpointKey())
	assert.Equal(t, int64(29), cp.Number, "breaking does not commit the current incident")

	// A new watcher on the same store delivers only the uncommitted last one.
	w2 := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, Checkpoint: store})
	var rec recorder
	_, err := w2.Poll(context.Background(), rec.handle)
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
		"WatchOptions.Mode":                     {Mode: 7},
		"WatchOptions.PageSize":                 {PageSize: 1001},
		"WatchOptions.Since":                    {Since: -time.Hour},
		"WatchOptions.Overlap":                  {Overlap: -1},
		"WatchOptions.Interval":                 {Interval: -1},
		"WatchOptions.LeaseDuration":            {LeaseDuration: -time.Second},
		"WatchOptions.SaveEvery":                {SaveEvery: -1},
		"WatchOptions.HandlerRetry.MaxAttempts": {HandlerRetry: sentinel.HandlerRetryOptions{MaxAttempts: -1}},
		"WatchOptions.Owner":                    {Owner: "two words"},
		"WatchOptions.CheckpointName":           {CheckpointName: "a/b"},
	} {
		_, err := env.client.NewIncidentWatcher(&o)
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, name, ae.Name)
	}
}

// loadCheckpoint reads a watcher's cursor from its store.
func loadCheckpoint(t *testing.T, store sentinel.CheckpointStore, key string) sentinel.Checkpoint {
	t.Helper()
	rec, ok, err := store.Load(context.Background(), key)
	require.NoError(t, err)
	require.True(t, ok, "no checkpoint %s", key)
	var cp sentinel.Checkpoint
	require.NoError(t, json.Unmarshal(rec.Cursor, &cp))
	return cp
}

// Two replicas of a service share one checkpoint file: one delivers, the other stands by and
// takes over when the first stops, and nothing is delivered twice.
func TestWatchTwoWatchersOneFile(t *testing.T) {
	env := newEnv(t)
	names := env.srv.SeedIncidents(200)
	path := filepath.Join(t.TempDir(), "watch.checkpoint")
	var rec recorder
	type replica struct {
		w    *sentinel.IncidentWatcher
		stop context.CancelFunc
		done chan error
	}
	var replicas []*replica
	for i := range 2 {
		w, err := env.client.NewIncidentWatcher(&sentinel.WatchOptions{
			Since: 72 * time.Hour, Interval: 2 * time.Millisecond, PageSize: 50,
			Owner: fmt.Sprintf("replica-%d", i), Checkpoint: sentinel.NewFileCheckpoint(path),
		})
		require.NoError(t, err)
		ctx, stop := context.WithCancel(context.Background())
		r := &replica{w: w, stop: stop, done: make(chan error, 1)}
		go func() { r.done <- w.Run(ctx, rec.handle) }()
		replicas = append(replicas, r)
	}
	require.Eventually(t, func() bool { return len(rec.all()) >= 200 }, 10*time.Second, time.Millisecond)
	holder, standby := replicas[0], replicas[1]
	if !holder.w.Stats().Leased {
		holder, standby = standby, holder
	}
	require.True(t, holder.w.Stats().Leased)
	assert.False(t, standby.w.Stats().Leased, "the second watcher stands by")
	assert.Zero(t, standby.w.Stats().Delivered)

	holder.stop()
	require.ErrorIs(t, <-holder.done, context.Canceled)
	more := env.srv.SeedIncidents(50)
	require.Eventually(t, func() bool { return len(rec.all()) >= 250 }, 10*time.Second, time.Millisecond)
	assert.True(t, standby.w.Stats().Leased, "the standby took over")
	standby.stop()
	require.ErrorIs(t, <-standby.done, context.Canceled)

	want := map[string]int{}
	for _, n := range append(names, more...) {
		want[n] = 1
	}
	assert.Equal(t, want, rec.counts(), "every incident exactly once")
}

// A handler that fails 10% of its calls: each failure is retried within the poll with a short
// backoff, so no poll ends early and no poll waits for an Interval.
func TestWatchFlakyHandler(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	all := env.srv.SeedIncidents(200)
	interval := 30 * time.Second
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, Interval: interval, PageSize: 40})
	rng := rand.New(rand.NewPCG(7, 10))
	var rec recorder
	calls, failures := 0, 0
	flaky := func(ctx context.Context, inc sentinel.Incident) error {
		calls++
		if rng.IntN(10) == 0 {
			failures++
			return errors.New("SOAR timed out")
		}
		return rec.handle(ctx, inc)
	}
	for poll := range 19 {
		n, err := w.Poll(context.Background(), flaky)
		require.NoError(t, err, "poll %d ended early", poll)
		assert.Positive(t, n)
		all = append(all, env.srv.SeedIncidents(10)...)
	}
	_, err := w.Poll(context.Background(), flaky)
	require.NoError(t, err)
	want := map[string]int{}
	for _, n := range all {
		want[n] = 1
	}
	assert.Equal(t, want, rec.counts())
	t.Logf("%d handler calls, %d failures", calls, failures)
	assert.Greater(t, failures, 20)
	st := w.Stats()
	assert.Equal(t, int64(failures), st.Retries)
	assert.Zero(t, st.PollErrors)
	for _, s := range env.clock.Sleeps() {
		assert.Less(t, s, time.Second, "backoffs only; nothing near an Interval")
	}
}

// A server that ignores $filter (and $orderby) returns every incident on every poll: the
// watcher delivers each once, across polls and a restart, and says so.
func TestWatchServerIgnoresFilter(t *testing.T) {
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	names := srv.SeedIncidents(45)
	var filters []string
	var mu sync.Mutex
	client, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		filters = append(filters, q.Get("$filter"))
		mu.Unlock()
		q.Del("$filter")
		q.Del("$orderby")
		r.URL.RawQuery = q.Encode()
		srv.ServeHTTP(w, r)
	})
	var logs strings.Builder
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.Write(p)
	}), nil))
	path := filepath.Join(t.TempDir(), "cp")
	var rec recorder
	opts := &sentinel.WatchOptions{Since: 72 * time.Hour, PageSize: 20, Checkpoint: sentinel.NewFileCheckpoint(path), Logger: logger}
	w, err := client.NewIncidentWatcher(opts)
	require.NoError(t, err)
	for range 3 {
		_, err := w.Poll(context.Background(), rec.handle)
		require.NoError(t, err)
	}
	require.NoError(t, w.Release(context.Background()))
	// Polls 2 and 3 refused 44 each; the newest incident is within the overlap, so it is
	// read again and recognised.
	assert.Equal(t, int64(88), w.Stats().Refused)

	// A restart, after the overlap has passed: still nothing again.
	w2, err := client.NewIncidentWatcher(opts)
	require.NoError(t, err)
	_, err = w2.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	late := srv.CreateIncident(map[string]any{"title": "new one", "severity": "High", "status": "New"})
	_, err = w2.Poll(context.Background(), rec.handle)
	require.NoError(t, err)

	want := map[string]int{late: 1}
	for _, n := range names {
		want[n] = 1
	}
	assert.Equal(t, want, rec.counts(), "incidents 1-45 once each, then the new one")
	mu.Lock()
	assert.Contains(t, strings.Join(filters, "\n"), "properties/incidentNumber gt 45", "the filter was sent all along")
	mu.Unlock()
	logMu.Lock()
	assert.Contains(t, logs.String(), "is it ignoring $filter?")
	logMu.Unlock()
}

// Defender-era defaults: a 10-minute overlap catches an incident that reaches the list 8
// minutes late, and a merged incident (closed, labelled Redirected) is reported as such.
func TestWatchDefenderDefaults(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	now := env.clock.Now()
	first := env.srv.CreateIncident(map[string]any{"title": "first", "severity": "High", "status": "New"})
	// Created (and numbered) before the next one, but listed only 8 minutes later.
	late := env.srv.CreateIncident(map[string]any{"title": "late", "severity": "High", "status": "New"})
	env.srv.Data().SetIncidentVisible(late, false)
	env.clock.Advance(time.Minute)
	second := env.srv.CreateIncident(map[string]any{"title": "second", "severity": "High", "status": "New"})
	merged := env.srv.CreateIncident(map[string]any{
		"title": "merged away", "severity": "Medium", "status": "Closed", "classification": "Undetermined",
		"labels":         []any{map[string]any{"labelName": "Redirected", "labelType": "AutoAssigned"}},
		"providerName":   "Microsoft XDR",
		"additionalData": map[string]any{"alertsCount": 1, "mergedIncidentNumber": "2", "mergedIncidentUrl": "https://security.microsoft.com/incidents/2"},
	})

	var rec recorder
	w := watcher(t, env, sentinel.WatchOptions{})
	_, err := w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	env.clock.Advance(7 * time.Minute)
	env.srv.Data().SetIncidentVisible(late, true)
	_, err = w.Poll(context.Background(), rec.handle)
	require.NoError(t, err)
	assert.Equal(t, []string{first, second, merged, late}, rec.all())
	f := env.srv.Requests()[len(env.srv.Requests())-1].Query.Get("$filter")
	assert.Contains(t, f, "properties/createdTimeUtc ge "+sentinel.ODataTime(now.Add(time.Minute-10*time.Minute)), "a 10-minute overlap")

	var got sentinel.Incident
	for _, inc := range rec.incs {
		if inc.Name == merged {
			got = inc
		}
	}
	r, ok := sentinel.RedirectionOf(got)
	require.True(t, ok, "a closed incident labelled Redirected was merged")
	raw, err := json.Marshal(got)
	require.NoError(t, err)
	if bytes.Contains(raw, []byte("mergedIncidentNumber")) {
		assert.Equal(t, sentinel.Redirection{Number: 2, URL: "https://security.microsoft.com/incidents/2"}, r)
	} else {
		t.Log("the model does not keep additionalData's unknown members yet; the merge target is read when it does")
		assert.Equal(t, sentinel.Redirection{}, r)
	}
	for _, inc := range rec.incs {
		if inc.Name != merged {
			_, ok := sentinel.RedirectionOf(inc)
			assert.False(t, ok)
		}
	}
	assert.Equal(t, int64(1), w.Stats().Redirected)
}

func TestRedirectionOf(t *testing.T) {
	tests := map[string]struct {
		body   string
		ok     bool
		target sentinel.Redirection
	}{
		"merged, target as string":    {`{"status":"Closed","labels":[{"labelName":"Redirected"}],"additionalData":{"mergedIncidentNumber":"4711","mergedIncidentUrl":"https://security.microsoft.com/incidents/4711"}}`, true, sentinel.Redirection{Number: 4711, URL: "https://security.microsoft.com/incidents/4711"}},
		"merged, target as number":    {`{"status":"Closed","labels":[{"labelName":"redirected"}],"additionalData":{"mergedIncidentNumber":4711}}`, true, sentinel.Redirection{Number: 4711}},
		"merged, stable payload":      {`{"status":"Closed","labels":[{"labelName":"Redirected","labelType":"AutoAssigned"}],"additionalData":{"providerIncidentUrl":"https://security.microsoft.com/incidents/12"}}`, true, sentinel.Redirection{}},
		"open, labelled":              {`{"status":"Active","labels":[{"labelName":"Redirected"}]}`, false, sentinel.Redirection{}},
		"closed, not labelled":        {`{"status":"Closed","labels":[{"labelName":"phishing"}]}`, false, sentinel.Redirection{}},
		"merged, target not a number": {`{"status":"Closed","labels":[{"labelName":"Redirected"}],"additionalData":{"mergedIncidentNumber":"n/a"}}`, true, sentinel.Redirection{}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			body := `{"name":"x","properties":` + strings.Replace(tt.body, `{`, `{"title":"t","severity":"Low",`, 1) + `}`
			assert.Equal(t, tt.target, sentinel.RedirectionFromWire([]byte(body)))
			var inc sentinel.Incident
			require.NoError(t, json.Unmarshal([]byte(body), &inc))
			_, ok := sentinel.RedirectionOf(inc)
			assert.Equal(t, tt.ok, ok)
		})
	}
}

func TestWatchLogsAndStats(t *testing.T) {
	env := newEnv(t)
	serverAtClock(env)
	env.srv.SeedIncidents(3)
	var logs strings.Builder
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, Owner: "replica-a", Logger: logger, CheckpointName: "soar"})
	assert.Equal(t, "sentinel/00000000-1111-2222-3333-444444444444/soc-rg/soc-workspace/new/soar", w.CheckpointKey())
	_, err := w.Poll(context.Background(), func(context.Context, sentinel.Incident) error { return nil })
	require.NoError(t, err)
	st := w.Stats()
	assert.Equal(t, w.CheckpointKey(), st.Key)
	assert.Equal(t, "replica-a", st.Owner)
	assert.True(t, st.Leased)
	assert.Equal(t, int64(3), st.Delivered)
	assert.Equal(t, int64(1), st.Requests)
	assert.Equal(t, 48*time.Hour/4, st.Lag, "the newest incident was created 12 h before now")
	out := logs.String()
	assert.Contains(t, out, `"msg":"watch: lease acquired","checkpoint":"`+w.CheckpointKey()+`","owner":"replica-a"`)
	assert.Contains(t, out, `"msg":"watch: poll","checkpoint":"`+w.CheckpointKey()+`","delivered":3`)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
