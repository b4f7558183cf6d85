package watch

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// deadStore is one replica's view of a shared store; after kill every call fails, as for a
// process that died.
type deadStore struct {
	Lister
	dead atomic.Bool
}

var errDead = errors.New("replica killed")

func (d *deadStore) Load(ctx context.Context, key string) (Record, bool, error) {
	if d.dead.Load() {
		return Record{}, false, errDead
	}
	return d.Lister.Load(ctx, key)
}

func (d *deadStore) Save(ctx context.Context, r Record) (string, error) {
	if d.dead.Load() {
		return "", errDead
	}
	return d.Lister.Save(ctx, r)
}

func (d *deadStore) List(ctx context.Context) ([]Record, error) {
	if d.dead.Load() {
		return nil, errDead
	}
	return d.Lister.List(ctx)
}

// Three replicas share 12 checkpoints; one is killed, one stops cleanly, one joins: the
// checkpoints are spread evenly, everything is delivered, never by two replicas at once,
// and only the killed replica's workspaces see (at most K) repeats.
func TestCoordinatorSpreadsJoinsAndLeaves(t *testing.T) {
	const (
		keys  = 12
		k     = 20
		lease = time.Second
	)
	shared := &MemoryStore{}
	servers := map[string]*numbers{}
	var names []string
	for i := range keys {
		key := fmt.Sprintf("ws/%02d", i)
		names = append(names, key)
		servers[key] = newNumbers(300)
	}
	d := newDeliveries()
	type replica struct {
		c     *Coordinator
		store *deadStore
		stop  context.CancelFunc
		done  chan error
	}
	replicas := map[string]*replica{}
	start := func(id string) *replica {
		r := &replica{store: &deadStore{Lister: shared}, done: make(chan error, 1)}
		c, err := NewCoordinator(r.store, CoordinatorOptions{Replica: id, Interval: 20 * time.Millisecond})
		require.NoError(t, err)
		r.c = c
		var jobs []Job
		for _, key := range names {
			w := New[item, cursor](source{servers[key]}, Options[item]{Key: key, Store: r.store, Interval: 5 * time.Millisecond, Lease: lease, SaveEvery: k})
			jobs = append(jobs, JobOf(w, d.handler(key, id, func() { time.Sleep(20 * time.Microsecond) })))
		}
		ctx, stop := context.WithCancel(context.Background())
		r.stop = stop
		go func() { r.done <- c.Run(ctx, jobs) }()
		replicas[id] = r
		return r
	}
	t.Cleanup(func() {
		for _, r := range replicas {
			r.stop()
		}
	})
	total := func() int {
		n := 0
		for _, key := range names {
			_, distinct := d.dups(key)
			n += distinct
		}
		return n
	}
	want := func() int {
		n := 0
		for _, s := range servers {
			n += s.count()
		}
		return n
	}
	balanced := func(ids ...string) func() bool {
		return func() bool {
			n := 0
			for _, id := range ids {
				got := len(replicas[id].c.Owned())
				if got < keys/len(ids) || got > (keys+len(ids)-1)/len(ids) {
					return false
				}
				for _, st := range replicas[id].c.Stats() {
					if !st.Leased || st.Owner != id {
						return false
					}
				}
				n += got
			}
			return n == keys
		}
	}
	addItems := func(n int) {
		for _, s := range servers {
			s.add(n)
		}
	}

	start("a")
	start("b")
	start("c")
	require.Eventually(t, balanced("a", "b", "c"), 10*time.Second, 5*time.Millisecond, "4 each")
	require.Eventually(t, func() bool { return total() == want() }, 20*time.Second, 5*time.Millisecond)

	// Kill b mid-delivery: its leases expire, a and c take its checkpoints.
	before := total()
	addItems(1000)
	require.Eventually(t, func() bool { return total() > before+keys*300 }, 20*time.Second, time.Millisecond)
	killed := replicas["b"].c.Owned()
	replicas["b"].store.dead.Store(true)
	replicas["b"].stop()
	<-replicas["b"].done
	require.Eventually(t, balanced("a", "c"), 10*time.Second, 5*time.Millisecond, "6 each after the kill")

	// d joins: it asks for hand-overs until the spread is even again.
	start("d")
	addItems(50)
	require.Eventually(t, balanced("a", "c", "d"), 10*time.Second, 5*time.Millisecond, "4 each after d joined")

	// c stops cleanly: it releases, a and d take over at once (no expiry to wait for).
	addItems(50)
	replicas["c"].stop()
	require.ErrorIs(t, <-replicas["c"].done, context.Canceled)
	require.Eventually(t, balanced("a", "d"), lease, 5*time.Millisecond, "6 each, before any lease could expire")
	require.Eventually(t, func() bool { return total() == want() }, 20*time.Second, 5*time.Millisecond)

	assert.Empty(t, d.overlaps(), "never two replicas on one checkpoint at once")
	dups := 0
	killedSet := map[string]bool{}
	for _, key := range killed {
		killedSet[key] = true
	}
	for _, key := range names {
		n, _ := d.dups(key)
		dups += n
		assert.LessOrEqual(t, n, k, key)
		if !killedSet[key] {
			assert.Zero(t, n, "%s: repeats where no replica died", key)
		}
	}
	t.Logf("%d items, %d repeats over the %d checkpoints of the killed replica (K=%d)", want(), dups, len(killed), k)
}

func TestNewCoordinatorValidates(t *testing.T) {
	_, err := NewCoordinator(nil, CoordinatorOptions{})
	var fe *FieldError
	require.ErrorAs(t, err, &fe)
	_, err = NewCoordinator(&MemoryStore{}, CoordinatorOptions{Replica: "a b"})
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Replica", fe.Field)
	c, err := NewCoordinator(&MemoryStore{}, CoordinatorOptions{})
	require.NoError(t, err)
	err = c.Run(context.Background(), []Job{{Key: "k", Run: func(context.Context, string) error { return nil }}, {Key: "k", Run: func(context.Context, string) error { return nil }}})
	require.ErrorAs(t, err, &fe)
	assert.Contains(t, fe.Problem, `two jobs for "k"`)
}
