package blobcheckpoint_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
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
	"github.com/sentinel-go/sentinel/blobcheckpoint"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func clientFor(t testing.TB, srv *sentineltest.Server, ws sentineltest.WorkspaceInfo) *sentinel.Client {
	t.Helper()
	c, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: ws.Name, CustomerID: ws.CustomerID},
		srv.Credential(), &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{
			Cloud: srv.Cloud(), Transport: srv.HTTPClient(),
			Retry: policy.RetryOptions{RetryDelay: time.Millisecond, MaxRetryDelay: 20 * time.Millisecond},
		}})
	require.NoError(t, err)
	return c
}

// recorder records deliveries per workspace and replica, and catches two replicas inside
// the handler for one workspace at the same time.
type recorder struct {
	mu      sync.Mutex
	count   map[string]int // workspace/incident -> deliveries
	perWS   map[string]int // workspace -> duplicate deliveries
	active  map[string]string
	overlap []string
	by      map[string]map[string]int // replica -> workspace -> deliveries
}

func (r *recorder) init() {
	if r.count == nil {
		r.count, r.perWS, r.active, r.by = map[string]int{}, map[string]int{}, map[string]string{}, map[string]map[string]int{}
	}
}

func (r *recorder) handler(replica string) sentinel.Handler {
	return r.handlerFor(replica, "", nil)
}

// handlerFor records a delivery for workspace ws by replica; dead, when it reports true, makes
// the handler behave as a killed process: it records nothing and fails.
func (r *recorder) handlerFor(replica, ws string, dead func() bool) sentinel.Handler {
	return func(ctx context.Context, inc sentinel.Incident) error {
		if dead != nil && dead() {
			return context.Canceled
		}
		r.mu.Lock()
		r.init()
		if other, busy := r.active[ws]; busy && other != replica {
			r.overlap = append(r.overlap, fmt.Sprintf("%s: %s and %s at once on incident %d", ws, other, replica, inc.Number))
		}
		r.active[ws] = replica
		r.mu.Unlock()
		time.Sleep(time.Duration(inc.Number%3) * 10 * time.Microsecond) // let overlaps show
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.active[ws] == replica {
			delete(r.active, ws)
		}
		k := ws + "/" + inc.Name
		if r.count[k] > 0 {
			r.perWS[ws]++
		}
		r.count[k]++
		if r.by[replica] == nil {
			r.by[replica] = map[string]int{}
		}
		r.by[replica][ws]++
		return nil
	}
}

func (r *recorder) distinct() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.count)
}

func (r *recorder) duplicates() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.count {
		n += c - 1
	}
	return n
}

// killableStore is a replica's view of the store: after kill, every call fails, as for a
// process that died.
type killableStore struct {
	*blobcheckpoint.Store
	dead atomic.Bool
}

var errKilled = errors.New("the replica was killed")

func (k *killableStore) Load(ctx context.Context, key string) (sentinel.CheckpointRecord, bool, error) {
	if k.dead.Load() {
		return sentinel.CheckpointRecord{}, false, errKilled
	}
	return k.Store.Load(ctx, key)
}

func (k *killableStore) Save(ctx context.Context, rec sentinel.CheckpointRecord) (string, error) {
	if k.dead.Load() {
		return "", errKilled
	}
	return k.Store.Save(ctx, rec)
}

func (k *killableStore) List(ctx context.Context) ([]sentinel.CheckpointRecord, error) {
	if k.dead.Load() {
		return nil, errKilled
	}
	return k.Store.List(ctx)
}

type replica struct {
	id    string
	coord *blobcheckpoint.Coordinator
	store *killableStore
	stop  context.CancelFunc
	done  chan error
}

// scaleIncidents is the backlog per workspace: 5,000 when SENTINEL_SCALE_FULL=1 (.ci/run
// sets it), 1,000 otherwise, to keep a plain `go test ./...` quick.
func scaleIncidents() int {
	if n, err := strconv.Atoi(os.Getenv("SENTINEL_SCALE_INCIDENTS")); err == nil && n > 0 {
		return n
	}
	if os.Getenv("SENTINEL_SCALE_FULL") == "1" {
		return 5000
	}
	return 1000
}

// TestScaleOutReplicas spreads 20 workspaces (with a backlog of 5,000 incidents each in the
// full run) over 3 replicas on Azurite, kills one mid-run (its leases are left to expire)
// and adds a fourth, while new incidents keep arriving. Every incident is delivered, no
// workspace ever has two replicas in its handler at once, and the duplicates stay within K
// for each workspace the killed replica owned.
func TestScaleOutReplicas(t *testing.T) {
	const (
		workspaces = 20
		k          = sentinel.DefaultSaveEvery
		lease      = 10 * time.Second
	)
	perWS := scaleIncidents()
	start := time.Now()
	cc := newContainer(t)
	base := newStore(t, cc, "scale/")
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	var infos []sentineltest.WorkspaceInfo
	total := 0
	for i := range workspaces {
		ws := srv.AddWorkspace(fmt.Sprintf("customer-%02d", i))
		srv.DataFor(ws.Name).SeedIncidents(perWS)
		total += perWS
		infos = append(infos, ws)
	}
	t.Logf("seeded %d workspaces x %d incidents in %s", workspaces, perWS, time.Since(start).Round(time.Millisecond))

	var rec recorder
	var replicas []*replica
	startReplica := func(id string) *replica {
		r := &replica{id: id, store: &killableStore{Store: base}, done: make(chan error, 1)}
		coord, err := blobcheckpoint.NewCoordinator(r.store, &blobcheckpoint.CoordinatorOptions{Replica: id, Interval: 100 * time.Millisecond, Logger: testLogger(t)})
		require.NoError(t, err)
		r.coord = coord
		var jobs []sentinel.WatchJob
		for _, ws := range infos {
			w, err := clientFor(t, srv, ws).NewIncidentWatcher(&sentinel.WatchOptions{
				Since: 72 * time.Hour, Interval: time.Second, LeaseDuration: lease,
				Checkpoint: r.store, HandlerRetry: sentinel.HandlerRetryOptions{MaxAttempts: 1}, Logger: testLogger(t),
			})
			require.NoError(t, err)
			jobs = append(jobs, w.Job(rec.handlerFor(id, ws.Name, r.store.dead.Load)))
		}
		ctx, stop := context.WithCancel(context.Background())
		r.stop = stop
		go func() { r.done <- coord.Run(ctx, jobs...) }()
		replicas = append(replicas, r)
		return r
	}
	t.Cleanup(func() {
		for _, r := range replicas {
			r.stop()
		}
	})
	for i := range 3 {
		startReplica(fmt.Sprintf("replica-%d", i))
	}

	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Minute)
		for !cond() {
			require.True(t, time.Now().Before(deadline), "timed out waiting for %s (%d of %d delivered)", what, rec.distinct(), total)
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("a third of the backlog", func() bool { return rec.distinct() >= total/3 })

	// Kill replica-1: it stops at once, saves nothing and releases nothing.
	victim := replicas[1]
	owned := victim.coord.Owned()
	victim.store.dead.Store(true)
	victim.stop()
	<-victim.done
	t.Logf("killed %s owning %d workspaces at %d of %d delivered", victim.id, len(owned), rec.distinct(), total)
	startReplica("replica-3")
	for _, ws := range infos {
		srv.DataFor(ws.Name).SeedIncidents(10)
		total += 10
	}
	waitFor("every incident", func() bool { return rec.distinct() == total })
	live := []*replica{replicas[0], replicas[2], replicas[3]}
	waitFor("a balanced spread, every workspace leased by its replica", func() bool {
		n := 0
		for _, r := range live {
			got := len(r.coord.Owned())
			if got < workspaces/3 || got > workspaces/3+1 {
				return false
			}
			for _, st := range r.coord.Stats() {
				if !st.Leased || st.Owner != r.id {
					return false
				}
			}
			n += got
		}
		return n == workspaces
	})
	for _, r := range live {
		t.Logf("%s owns %d: %v", r.id, len(r.coord.Owned()), r.coord.Owned())
		r.stop()
		require.ErrorIs(t, <-r.done, context.Canceled)
	}

	rec.mu.Lock()
	defer rec.mu.Unlock()
	assert.Empty(t, rec.overlap, "two replicas delivered for one workspace at once")
	killedWS := map[string]bool{}
	for _, key := range owned {
		for _, ws := range infos {
			if key == "sentinel/"+ws.SubscriptionID+"/"+ws.ResourceGroup+"/"+ws.Name+"/new" {
				killedWS[ws.Name] = true
			}
		}
	}
	dups := 0
	for ws, n := range rec.perWS {
		dups += n
		assert.LessOrEqual(t, n, k, "workspace %s", ws)
		assert.True(t, killedWS[ws], "duplicates only where the killed replica worked: %s had %d", ws, n)
	}
	assert.LessOrEqual(t, dups, k*len(owned))
	var spread []string
	for id, m := range rec.by {
		n := 0
		for _, c := range m {
			n += c
		}
		spread = append(spread, fmt.Sprintf("%s:%d", id, n))
	}
	sort.Strings(spread)
	t.Logf("%d incidents in %d workspaces delivered by %v; %d duplicates (K=%d, %d workspaces of the killed replica); %s",
		total, workspaces, spread, dups, k, len(owned), time.Since(start).Round(time.Millisecond))
}

// testLogger writes watch events to the test log when SENTINEL_TEST_LOG=1 (Debug with =debug).
func testLogger(t testing.TB) *slog.Logger {
	level := slog.LevelInfo
	switch os.Getenv("SENTINEL_TEST_LOG") {
	case "1":
	case "debug":
		level = slog.LevelDebug
	default:
		return nil
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: level}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
