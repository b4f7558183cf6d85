package watch

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/internal/fakeclock"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// countingStore counts saves.
type countingStore struct {
	Lister
	saves atomic.Int64
}

func (c *countingStore) Save(ctx context.Context, r Record) (string, error) {
	c.saves.Add(1)
	return c.Lister.Save(ctx, r)
}

func newWatcher(t *testing.T, srv *numbers, o Options[item]) *Watcher[item, cursor] {
	t.Helper()
	if o.Key == "" {
		o.Key = "test/ws"
	}
	require.NoError(t, o.Validate())
	return New[item, cursor](source{srv}, o)
}

func TestWatcherBatchesSaves(t *testing.T) {
	tests := []struct {
		items, k  int
		wantSaves int64
	}{
		{1000, 100, 1 + 10}, // the claim, then one save per 100
		{1000, 1, 1 + 1000}, // K=1: a save per item
		{95, 10, 1 + 9 + 1}, // nine full batches and the rest at the end of the poll
		{0, 100, 1},         // an idle poll writes nothing until a renewal is due (Lease/3)
		{250, 1000, 1 + 1},  // one save at the end
	}
	for _, tt := range tests {
		srv := newNumbers(tt.items)
		store := &countingStore{Lister: &MemoryStore{}}
		clk := fakeclock.New(t0)
		w := newWatcher(t, srv, Options[item]{Store: store, SaveEvery: tt.k, Clock: clk})
		d := newDeliveries()
		n, err := w.Poll(context.Background(), d.handler("test/ws", "a", nil))
		require.NoError(t, err)
		assert.Equal(t, tt.items, n)
		assert.Equal(t, tt.wantSaves, store.saves.Load(), "items %d, K %d", tt.items, tt.k)
		dups, distinct := d.dups("test/ws")
		assert.Zero(t, dups)
		assert.Equal(t, tt.items, distinct)
		rec, ok, err := store.Load(context.Background(), "test/ws")
		require.NoError(t, err)
		require.True(t, ok)
		assert.JSONEq(t, `{"last":`+strconv.Itoa(tt.items)+`}`, string(rec.Cursor))
	}
}

func TestWatcherCursorDefence(t *testing.T) {
	srv := newNumbers(45)
	srv.ignoreFilter = true
	store := &MemoryStore{}
	clk := fakeclock.New(t0)
	d := newDeliveries()
	w := newWatcher(t, srv, Options[item]{Store: store, Clock: clk})
	for range 3 {
		_, err := w.Poll(context.Background(), d.handler("test/ws", "a", nil))
		require.NoError(t, err)
	}
	require.NoError(t, w.Release(context.Background()))
	w2 := newWatcher(t, srv, Options[item]{Store: store, Clock: clk}) // a restart
	_, err := w2.Poll(context.Background(), d.handler("test/ws", "a", nil))
	require.NoError(t, err)
	dups, distinct := d.dups("test/ws")
	assert.Zero(t, dups, "nothing behind the cursor is delivered, whatever the server returns")
	assert.Equal(t, 45, distinct)
	assert.Equal(t, int64(90), w.Stats().Refused, "polls 2 and 3 refused all 45")
	assert.Equal(t, int64(45), w2.Stats().Refused)
}

func TestWatcherHandlerRetries(t *testing.T) {
	tests := map[string]struct {
		failures     int  // failures of item 3 before it succeeds (-1: always)
		deadLetter   bool // set OnDeadLetter
		dlFails      bool // OnDeadLetter returns an error
		skip         bool // OnHandlerError skips
		wantN        int
		wantErr      bool
		wantRetries  int64
		wantDead     int64
		wantDelivers int // distinct items the handler accepted
	}{
		"recovers within the poll":  {failures: 2, wantN: 10, wantRetries: 2, wantDelivers: 10},
		"poison, no dead letter":    {failures: -1, wantN: 2, wantErr: true, wantRetries: 3, wantDelivers: 2},
		"poison to the dead letter": {failures: -1, deadLetter: true, wantN: 10, wantRetries: 3, wantDead: 1, wantDelivers: 9},
		"dead letter fails":         {failures: -1, deadLetter: true, dlFails: true, wantN: 2, wantErr: true, wantRetries: 3, wantDelivers: 2},
		"skipped by OnHandlerError": {failures: -1, skip: true, wantN: 10, wantDelivers: 9},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			srv := newNumbers(10)
			clk := fakeclock.New(t0)
			var dead []int
			o := Options[item]{Clock: clk, Retry: RetryOptions{MaxAttempts: 4, Delay: 100 * time.Millisecond, MaxDelay: time.Second}, Interval: time.Minute}
			if tt.deadLetter {
				o.OnDeadLetter = func(_ context.Context, it item, err error) error {
					if tt.dlFails {
						return errors.New("queue down")
					}
					dead = append(dead, it.N)
					assert.EqualError(t, err, "SOAR is down")
					return nil
				}
			}
			if tt.skip {
				o.OnHandlerError = func(item, error) Action { return Skip }
			}
			w := newWatcher(t, srv, o)
			d := newDeliveries()
			ok := d.handler("test/ws", "a", nil)
			fails := 0
			n, err := w.Poll(context.Background(), func(ctx context.Context, it item) error {
				if it.N == 3 && (tt.failures < 0 || fails < tt.failures) {
					fails++
					return errors.New("SOAR is down")
				}
				return ok(ctx, it)
			})
			assert.Equal(t, tt.wantN, n)
			if tt.wantErr {
				require.Error(t, err)
				assert.ErrorContains(t, err, "SOAR is down")
			} else {
				require.NoError(t, err)
			}
			st := w.Stats()
			assert.Equal(t, tt.wantRetries, st.Retries)
			assert.Equal(t, tt.wantDead, st.DeadLettered)
			_, distinct := d.dups("test/ws")
			assert.Equal(t, tt.wantDelivers, distinct)
			// Retries wait with exponential backoff (a quarter of jitter), never an Interval.
			sleeps := clk.Sleeps()
			require.Len(t, sleeps, int(tt.wantRetries))
			for i, s := range sleeps {
				base := 100 * time.Millisecond << i
				assert.LessOrEqual(t, s, base)
				assert.Greater(t, s, base*3/4)
			}
			if tt.deadLetter && !tt.dlFails {
				assert.Equal(t, []int{3}, dead)
			}
		})
	}
}

func TestWatcherLeaseStandbyExpiryAndTakeover(t *testing.T) {
	srv := newNumbers(20)
	store := &MemoryStore{}
	clk := fakeclock.New(t0)
	d := newDeliveries()
	lease := time.Minute
	a := newWatcher(t, srv, Options[item]{Owner: "a", Store: store, Clock: clk, Lease: lease, SaveEvery: 5})
	b := newWatcher(t, srv, Options[item]{Owner: "b", Store: store, Clock: clk, Lease: lease, SaveEvery: 5})
	ctx := context.Background()

	_, err := a.Poll(ctx, d.handler("test/ws", "a", nil))
	require.NoError(t, err)
	_, err = b.Poll(ctx, d.handler("test/ws", "b", nil))
	var le *LeaseError
	require.ErrorAs(t, err, &le)
	assert.ErrorIs(t, err, ErrLeaseHeld)
	assert.Equal(t, "a", le.Owner)
	assert.True(t, a.Stats().Leased)
	assert.False(t, b.Stats().Leased)

	// a releases: b takes over at once, from a's cursor.
	require.NoError(t, a.Release(ctx))
	srv.add(5)
	n, err := b.Poll(ctx, d.handler("test/ws", "b", nil))
	require.NoError(t, err)
	assert.Equal(t, 5, n)

	// b goes silent (a crash): a stands by until b's lease expires, then takes over.
	srv.add(3)
	clk.Advance(lease - time.Second)
	_, err = a.Poll(ctx, d.handler("test/ws", "a", nil))
	require.ErrorIs(t, err, ErrLeaseHeld)
	clk.Advance(2 * time.Second)
	n, err = a.Poll(ctx, d.handler("test/ws", "a", nil))
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	// b comes back: its next save finds the lease gone, and it delivers nothing.
	srv.add(2)
	clk.Advance(lease / 2)
	n, err = b.Poll(ctx, d.handler("test/ws", "b", nil))
	require.ErrorIs(t, err, ErrLeaseLost)
	assert.Zero(t, n)
	assert.False(t, b.Stats().Leased)
	dups, distinct := d.dups("test/ws")
	assert.Zero(t, dups)
	assert.Equal(t, 28, distinct)
}

func TestWatcherHandsOverOnRequest(t *testing.T) {
	srv := newNumbers(30)
	store := &MemoryStore{}
	clk := fakeclock.New(t0)
	d := newDeliveries()
	ctx := context.Background()
	a := newWatcher(t, srv, Options[item]{Owner: "a", Store: store, Clock: clk, SaveEvery: 10})
	_, err := a.Poll(ctx, d.handler("test/ws", "a", nil))
	require.NoError(t, err)

	// Replica b asks for the lease, as a coordinator does.
	rec, ok, err := store.Load(ctx, "test/ws")
	require.NoError(t, err)
	require.True(t, ok)
	rec.Handoff = "b"
	_, err = store.Save(ctx, rec)
	require.NoError(t, err)

	srv.add(25)
	n, err := a.Poll(ctx, d.handler("test/ws", "a", nil))
	require.ErrorIs(t, err, ErrLeaseLost)
	assert.Equal(t, 10, n, "a hands over at its next save, after a batch")
	rec, _, err = store.Load(ctx, "test/ws")
	require.NoError(t, err)
	assert.Equal(t, "b", rec.Owner)
	assert.Empty(t, rec.Handoff)
	assert.JSONEq(t, `{"last":40}`, string(rec.Cursor))

	b := newWatcher(t, srv, Options[item]{Owner: "b", Store: store, Clock: clk})
	n, err = b.Poll(ctx, d.handler("test/ws", "b", nil))
	require.NoError(t, err)
	assert.Equal(t, 15, n)
	dups, distinct := d.dups("test/ws")
	assert.Zero(t, dups, "a hand-over repeats nothing")
	assert.Equal(t, 55, distinct)
}

// A handler slower than the lease: the heartbeat renews it, so a standby never takes over
// during the call.
func TestWatcherHeartbeatDuringSlowHandler(t *testing.T) {
	srv := newNumbers(3)
	store := &MemoryStore{}
	lease := 300 * time.Millisecond // wide enough that a loaded machine does not delay a heartbeat past it
	d := newDeliveries()
	a := newWatcher(t, srv, Options[item]{Owner: "a", Store: store, Lease: lease, Interval: time.Millisecond})
	b := newWatcher(t, srv, Options[item]{Owner: "b", Store: store, Lease: lease, Interval: time.Millisecond})
	inside := make(chan struct{})
	release := make(chan struct{})
	slow := d.handler("test/ws", "a", func() {})
	go func() {
		_, _ = a.Poll(context.Background(), func(ctx context.Context, it item) error {
			if it.N == 2 {
				close(inside)
				<-release
			}
			return slow(ctx, it)
		})
	}()
	<-inside
	deadline := time.Now().Add(4 * lease)
	for time.Now().Before(deadline) {
		_, err := b.Poll(context.Background(), d.handler("test/ws", "b", nil))
		require.ErrorIs(t, err, ErrLeaseHeld, "the slow handler's lease is kept alive")
		time.Sleep(lease / 6)
	}
	close(release)
	require.Eventually(t, func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.lease.held && a.dirty == 0
	}, time.Second, time.Millisecond)
	require.NoError(t, a.Release(context.Background()))
	_, err := b.Poll(context.Background(), d.handler("test/ws", "b", nil))
	require.NoError(t, err)
	dups, distinct := d.dups("test/ws")
	assert.Zero(t, dups)
	assert.Equal(t, 3, distinct)
	assert.Empty(t, d.overlaps())
}

// A panic in the handler saves what was delivered before it and releases the lease.
func TestWatcherPanicSavesAndReleases(t *testing.T) {
	srv := newNumbers(120)
	store := &MemoryStore{}
	d := newDeliveries()
	a := newWatcher(t, srv, Options[item]{Owner: "a", Store: store, Interval: time.Millisecond})
	func() {
		defer func() { assert.Equal(t, "handler crashed", recover()) }()
		ok := d.handler("test/ws", "a", nil)
		_ = a.Run(context.Background(), func(ctx context.Context, it item) error {
			if it.N == 57 {
				panic("handler crashed")
			}
			return ok(ctx, it)
		})
	}()
	rec, _, err := store.Load(context.Background(), "test/ws")
	require.NoError(t, err)
	assert.Empty(t, rec.Owner, "released")
	assert.JSONEq(t, `{"last":56}`, string(rec.Cursor))
}

func TestWatcherRunStandsByThenTakesOver(t *testing.T) {
	srv := newNumbers(200)
	store := &MemoryStore{}
	d := newDeliveries()
	opts := func(owner string) Options[item] {
		return Options[item]{Owner: owner, Store: store, Lease: time.Second, Interval: 2 * time.Millisecond, SaveEvery: 7}
	}
	a, b := newWatcher(t, srv, opts("a")), newWatcher(t, srv, opts("b"))
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	var wg sync.WaitGroup
	for _, r := range []struct {
		w   *Watcher[item, cursor]
		ctx context.Context
		id  string
	}{{a, ctxA, "a"}, {b, ctxB, "b"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = r.w.Run(r.ctx, d.handler("test/ws", r.id, func() { time.Sleep(50 * time.Microsecond) }))
		}()
	}
	require.Eventually(t, func() bool { _, n := d.dups("test/ws"); return n == 200 }, 5*time.Second, time.Millisecond)
	holder, standby := a, b
	if b.Stats().Leased {
		holder, standby = b, a
	}
	assert.False(t, standby.Stats().Leased)
	assert.Zero(t, standby.Stats().Polls, "standing by is not polling")
	if holder == a {
		stopA()
	} else {
		stopB()
	}
	srv.add(100)
	require.Eventually(t, func() bool { _, n := d.dups("test/ws"); return n == 300 }, 5*time.Second, time.Millisecond)
	assert.True(t, standby.Stats().Leased, "the standby took over")
	stopA()
	stopB()
	wg.Wait()
	dups, _ := d.dups("test/ws")
	assert.Zero(t, dups)
	assert.Empty(t, d.overlaps())
}

func TestWatcherLogsEvents(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := newNumbers(5)
	srv.items[1].Merged = "item 9"
	store := &MemoryStore{}
	clk := fakeclock.New(t0)
	a := newWatcher(t, srv, Options[item]{Owner: "a", Store: store, Clock: clk, Logger: logger, Retry: RetryOptions{MaxAttempts: 2},
		OnDeadLetter: func(context.Context, item, error) error { return nil }})
	b := newWatcher(t, srv, Options[item]{Owner: "b", Store: store, Clock: clk, Logger: logger})
	_, err := a.Poll(context.Background(), func(_ context.Context, it item) error {
		if it.N == 4 {
			return errors.New("boom")
		}
		return nil
	})
	require.NoError(t, err)
	_, err = b.Poll(context.Background(), func(context.Context, item) error { return nil })
	require.ErrorIs(t, err, ErrLeaseHeld)
	require.NoError(t, a.Release(context.Background()))
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{
		`msg="watch: lease acquired" checkpoint=test/ws owner=a`,
		`msg="watch: item was merged into another (redirected)" checkpoint=test/ws n=2 merged_into="item 9"`,
		`msg="watch: handler failed; retrying" checkpoint=test/ws n=4 attempt=1 error=boom`,
		`level=ERROR msg="watch: item dead-lettered" checkpoint=test/ws n=4 attempt=2 error=boom`,
		`msg="watch: poll" checkpoint=test/ws delivered=5`,
		`msg="watch: lease released" checkpoint=test/ws owner=a`,
	} {
		assert.Contains(t, out, want)
	}
	assert.Equal(t, int64(1), a.Stats().Redirected)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestFileStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cp")
	f := NewFileStore(path)
	_, ok, err := f.Load(ctx, "k")
	require.NoError(t, err)
	assert.False(t, ok)

	v1, err := f.Save(ctx, Record{Key: "k", Cursor: []byte(`{"last":1}`), Owner: "a", Expires: t0})
	require.NoError(t, err)
	_, err = f.Save(ctx, Record{Key: "k"})
	require.ErrorIs(t, err, ErrVersionConflict, "create only if absent")
	v2, err := f.Save(ctx, Record{Key: "k", Cursor: []byte(`{"last":2}`), Version: v1})
	require.NoError(t, err)
	_, err = f.Save(ctx, Record{Key: "k", Version: v1})
	require.ErrorIs(t, err, ErrVersionConflict, "stale version")
	rec, ok, err := NewFileStore(path).Load(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, v2, rec.Version)
	assert.JSONEq(t, `{"last":2}`, string(rec.Cursor))
	_, _, err = f.Load(ctx, "other")
	require.ErrorIs(t, err, ErrUnusable, "another key's checkpoint")
	_, err = f.Save(ctx, Record{Key: "k", Cursor: []byte(`{not json`), Version: v2})
	require.Error(t, err)

	// The OS lock excludes a second store on the same path, in this process too, and makes
	// its saves conflict.
	unlock, err := f.Lock(ctx, "k")
	require.NoError(t, err)
	g := NewFileStore(path)
	_, err = g.Lock(ctx, "k")
	require.ErrorIs(t, err, ErrLocked)
	_, err = f.Lock(ctx, "k")
	require.ErrorIs(t, err, ErrLocked)
	_, err = g.Save(ctx, Record{Key: "k", Version: v2})
	require.ErrorIs(t, err, ErrVersionConflict)
	v3, err := f.Save(ctx, Record{Key: "k", Version: v2})
	require.NoError(t, err, "the holder writes")
	require.NoError(t, unlock())
	unlock2, err := g.Lock(ctx, "k")
	require.NoError(t, err)
	require.NoError(t, unlock2())
	_, err = g.Save(ctx, Record{Key: "k", Version: v3})
	require.NoError(t, err)
}

func TestOptionsValidate(t *testing.T) {
	for field, o := range map[string]Options[item]{
		"Interval":                 {Key: "k", Interval: -1},
		"LeaseDuration":            {Key: "k", Lease: time.Microsecond},
		"SaveEvery":                {Key: "k", SaveEvery: -1},
		"HandlerRetry.MaxAttempts": {Key: "k", Retry: RetryOptions{MaxAttempts: -1}},
		"HandlerRetry.Delay":       {Key: "k", Retry: RetryOptions{Delay: -1}},
		"Key":                      {Key: "a//b"},
		"Owner":                    {Key: "k", Owner: "has space"},
	} {
		var fe *FieldError
		require.ErrorAs(t, o.Validate(), &fe, field)
		assert.Equal(t, field, fe.Field)
	}
}
