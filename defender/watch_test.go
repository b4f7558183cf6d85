package defender_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/internal/fakeclock"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// watchEnv is an emulator and a client on one fake clock.
type watchEnv struct {
	srv    *sentineltest.Server
	client *defender.Client
	clk    *fakeclock.Clock
}

func newWatchEnv(t *testing.T) *watchEnv {
	t.Helper()
	clk := fakeclock.New(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC))
	srv := sentineltest.NewServer(sentineltest.WithClock(clk.Now))
	t.Cleanup(srv.Close)
	o := &defender.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}}
	defender.SetClock(o, clk)
	c, err := defender.NewClient(srv.Credential(), o)
	require.NoError(t, err)
	return &watchEnv{srv: srv, client: c, clk: clk}
}

func (e *watchEnv) watcher(t *testing.T, o defender.WatchOptions) *defender.IncidentWatcher {
	t.Helper()
	defender.SetWatchClock(&o, e.clk)
	w, err := e.client.NewIncidentWatcher(&o)
	require.NoError(t, err)
	return w
}

// create stores an incident created and last updated at the given times.
func (e *watchEnv) create(name string, created, updated time.Time) string {
	return e.srv.Graph().CreateIncident(map[string]any{
		"displayName": name, "createdDateTime": created.Format(time.RFC3339Nano), "lastUpdateDateTime": updated.Format(time.RFC3339Nano),
	}).ID
}

func collectPoll(t *testing.T, w *defender.IncidentWatcher) []string {
	t.Helper()
	var names []string
	_, err := w.Poll(context.Background(), func(_ context.Context, inc defender.Incident) error {
		names = append(names, inc.DisplayName)
		return nil
	})
	require.NoError(t, err)
	return names
}

// TestWatcherNewAndChanged delivers new and changed incidents oldest first across pages
// (Graph lists newest first), once each, and again after a change.
func TestWatcherNewAndChanged(t *testing.T) {
	env := newWatchEnv(t)
	now := env.clk.Now()
	env.create("too old", now.Add(-30*time.Hour), now.Add(-25*time.Hour))
	env.create("b", now.Add(-5*time.Hour), now.Add(-3*time.Hour))
	env.create("a", now.Add(-20*time.Hour), now.Add(-4*time.Hour))
	idC := env.create("c", now.Add(-2*time.Hour), now.Add(-2*time.Hour))
	env.create("d", now.Add(-1*time.Hour), now.Add(-90*time.Minute))
	env.create("e", now.Add(-50*time.Minute), now.Add(-50*time.Minute))

	w := env.watcher(t, defender.WatchOptions{Mode: sentinel.WatchNewAndChanged, PageSize: 2})
	assert.Equal(t, "defender/"+strings.ToLower(strings.TrimPrefix(env.srv.GraphEndpoint(), "https://"))+"/new-and-changed", w.CheckpointKey())
	env.srv.ResetRequests()
	assert.Equal(t, []string{"a", "b", "c", "d", "e"}, collectPoll(t, w), "by lastUpdateDateTime, oldest first")
	reqs := env.srv.Requests()
	require.Len(t, reqs, 3, "every page of the poll: 5 incidents at 2 per page")
	assert.Equal(t, "lastUpdateDateTime ge 2026-03-09T12:00:00Z", reqs[0].Query.Get("$filter"))
	assert.Equal(t, int64(3), w.Stats().Requests)
	assert.Equal(t, int64(5), w.Stats().Delivered)

	env.clk.Advance(time.Minute)
	env.srv.ResetRequests()
	assert.Empty(t, collectPoll(t, w), "nothing new: the overlap re-read delivers nothing twice")
	assert.Equal(t, "lastUpdateDateTime ge 2026-03-10T11:00:00Z", env.srv.Requests()[0].Query.Get("$filter"), "the newest update delivered (e) minus the 10-minute overlap")

	env.clk.Advance(time.Minute)
	require.True(t, env.srv.Graph().ModifyIncident(idC, func(m map[string]any) { m["status"] = "inProgress" }))
	env.create("f", env.clk.Now(), env.clk.Now())
	// Late: updated within the overlap behind the cursor, listed only now.
	env.create("late", now.Add(-55*time.Minute), now.Add(-55*time.Minute))
	assert.Equal(t, []string{"late", "c", "f"}, collectPoll(t, w))
}

// TestWatcherNew delivers each new incident once, by createdDateTime, not again on change.
func TestWatcherNew(t *testing.T) {
	env := newWatchEnv(t)
	now := env.clk.Now()
	id := env.create("x", now.Add(-2*time.Hour), now.Add(-2*time.Hour))
	env.create("y", now.Add(-time.Hour), now.Add(-time.Hour))
	w := env.watcher(t, defender.WatchOptions{})
	env.srv.ResetRequests()
	assert.Equal(t, []string{"x", "y"}, collectPoll(t, w))
	assert.Equal(t, "createdDateTime ge 2026-03-09T12:00:00Z", env.srv.Requests()[0].Query.Get("$filter"))
	env.clk.Advance(time.Minute)
	env.srv.Graph().ModifyIncident(id, func(m map[string]any) { m["severity"] = "high" })
	env.create("z", env.clk.Now(), env.clk.Now())
	assert.Equal(t, []string{"z"}, collectPoll(t, w))
}

// TestWatcherCheckpointSurvivesRestart keeps the cursor in a file checkpoint: a new watcher
// (after a restart) delivers only what is new.
func TestWatcherCheckpointSurvivesRestart(t *testing.T) {
	env := newWatchEnv(t)
	now := env.clk.Now()
	env.create("one", now.Add(-time.Hour), now.Add(-time.Hour))
	path := filepath.Join(t.TempDir(), "graph.checkpoint")
	o := defender.WatchOptions{Mode: sentinel.WatchNewAndChanged, Checkpoint: sentinel.NewFileCheckpoint(path), CheckpointName: "tenant-a"}
	w := env.watcher(t, o)
	assert.Equal(t, []string{"one"}, collectPoll(t, w))
	require.NoError(t, w.Release(context.Background()))

	env.clk.Advance(time.Minute)
	env.create("two", env.clk.Now(), env.clk.Now())
	w2 := env.watcher(t, defender.WatchOptions{Mode: sentinel.WatchNewAndChanged, Checkpoint: sentinel.NewFileCheckpoint(path), CheckpointName: "tenant-a"})
	assert.True(t, strings.HasSuffix(w2.CheckpointKey(), "/new-and-changed/tenant-a"))
	assert.Equal(t, []string{"two"}, collectPoll(t, w2))
	require.NoError(t, w2.Release(context.Background()))
}

// TestWatcherHandlerRetriesAndRedirects retries a failing handler within the poll (on the
// fake clock) and counts merged incidents.
func TestWatcherHandlerRetriesAndRedirects(t *testing.T) {
	env := newWatchEnv(t)
	now := env.clk.Now()
	env.srv.Graph().CreateIncident(map[string]any{"displayName": "merged", "status": "redirected", "redirectIncidentId": "77",
		"createdDateTime": now.Add(-time.Hour).Format(time.RFC3339Nano)})
	w := env.watcher(t, defender.WatchOptions{HandlerRetry: sentinel.HandlerRetryOptions{Delay: time.Millisecond}})
	fails := 2
	n, err := w.Poll(context.Background(), func(_ context.Context, inc defender.Incident) error {
		if fails > 0 {
			fails--
			return errors.New("downstream busy")
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	s := w.Stats()
	assert.Equal(t, int64(2), s.Retries)
	assert.Equal(t, int64(1), s.Redirected)
}

func TestWatcherInvalidOptions(t *testing.T) {
	env := newWatchEnv(t)
	for _, o := range []defender.WatchOptions{
		{Mode: 7}, {Since: -1}, {Overlap: -1}, {PageSize: -1}, {CheckpointName: "a/b"}, {SaveEvery: -1}, {Owner: "has space"},
	} {
		_, err := env.client.NewIncidentWatcher(&o)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "%+v", o)
	}
}
