package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/sentinel-go/sentinel/internal/pipeline"
)

// Job is one watcher that a Coordinator runs when its replica owns the watcher's checkpoint.
type Job struct {
	// Key is the watcher's checkpoint key.
	Key string
	// Run polls as the lease holder owner until ctx is done or the lease is lost, never
	// standing by, and releases the lease on return (Watcher.RunLeased).
	Run func(ctx context.Context, owner string) error
	// Stats, when set, reports the watcher's counters.
	Stats func() Stats
}

// JobOf returns the Job that runs w with handler.
func JobOf[T, C any](w *Watcher[T, C], handler Handler[T]) Job {
	return Job{
		Key:   w.Key(),
		Run:   func(ctx context.Context, owner string) error { return w.RunLeased(ctx, owner, handler) },
		Stats: w.Stats,
	}
}

// CoordinatorOptions configure a Coordinator.
type CoordinatorOptions struct {
	// Replica is this replica's ID, the owner of its leases; "" means NewOwnerID(). A replica
	// that restarts with the same ID resumes the leases it still holds at once.
	Replica string
	// Interval is the time between balancing rounds; 0 means DefaultLease/3.
	Interval time.Duration
	// Logger receives ownership events; nil discards them.
	Logger *slog.Logger
	// Clock is the time source; nil means the wall clock.
	Clock Clock
}

// Coordinator spreads jobs over the replicas that share a store, with the load-balancing
// pattern of the Azure Event Hubs event processor: every round, a replica lists the
// checkpoint records, counts the live owners (unexpired leases) and itself, and computes its
// fair share of W jobs over R replicas: W/R, or one more while fewer than W%R replicas have
// that many. Below its share it claims free or expired records first (the job's own
// compare-and-swap decides races), then asks the most loaded owner to hand one over; the
// owner hands it over at its next save, after its last delivery, so two replicas never
// deliver for one checkpoint at once. A replica that stops releases its leases; one that
// dies loses them when they expire, and the others claim them.
type Coordinator struct {
	store   Lister
	replica string
	every   time.Duration
	log     *slog.Logger
	clock   Clock

	mu      sync.Mutex
	running map[string]*runningJob
}

type runningJob struct {
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	job    Job
}

func (r *runningJob) ended() bool {
	select {
	case <-r.done:
		return true
	default:
		return false
	}
}

// NewCoordinator returns a coordinator over store.
func NewCoordinator(store Lister, opts CoordinatorOptions) (*Coordinator, error) {
	if store == nil {
		return nil, &FieldError{"store", "must not be nil"}
	}
	if opts.Interval < 0 {
		return nil, &FieldError{"Interval", "must not be negative"}
	}
	if opts.Replica == "" {
		opts.Replica = NewOwnerID()
	} else if err := CheckOwner(opts.Replica); err != nil {
		return nil, &FieldError{"Replica", err.Error()}
	}
	if opts.Interval == 0 {
		opts.Interval = DefaultLease / 3
	}
	if opts.Clock == nil {
		opts.Clock = pipeline.RealClock{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Coordinator{
		store: store, replica: opts.Replica, every: opts.Interval, clock: opts.Clock,
		log: log.With(slog.String("replica", opts.Replica)), running: map[string]*runningJob{},
	}, nil
}

// Replica returns the replica's ID.
func (c *Coordinator) Replica() string { return c.replica }

// Owned returns the keys of the checkpoints whose lease this replica's jobs hold now, sorted.
func (c *Coordinator) Owned() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([]string, 0, len(c.running))
	for k, r := range c.running {
		if !r.ended() && (r.job.Stats == nil || r.job.Stats().Leased) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// Stats returns the counters of the jobs this replica runs now (holding the lease, or
// claiming it), by key.
func (c *Coordinator) Stats() []Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Stats, 0, len(c.running))
	for _, r := range c.running {
		if r.job.Stats != nil && !r.ended() {
			out = append(out, r.job.Stats())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Run balances until ctx is done, then stops every job (each saves its cursor and releases
// its lease) and returns ctx's error. Every replica should run the same jobs.
func (c *Coordinator) Run(ctx context.Context, jobs []Job) error {
	byKey := make(map[string]Job, len(jobs))
	for _, j := range jobs {
		if err := CheckKey(j.Key); err != nil {
			return &FieldError{"jobs", err.Error()}
		}
		if j.Run == nil {
			return &FieldError{"jobs", fmt.Sprintf("job %q has no Run", j.Key)}
		}
		if _, dup := byKey[j.Key]; dup {
			return &FieldError{"jobs", fmt.Sprintf("two jobs for %q", j.Key)}
		}
		byKey[j.Key] = j
	}
	defer c.stopAll()
	c.log.Info("watch: replica started", slog.Int("jobs", len(jobs)))
	for {
		c.round(ctx, byKey)
		if err := c.clock.Sleep(ctx, c.every); err != nil {
			return err
		}
	}
}

func (c *Coordinator) stopAll() {
	c.mu.Lock()
	all := make([]*runningJob, 0, len(c.running))
	for _, r := range c.running {
		r.cancel()
		all = append(all, r)
	}
	c.mu.Unlock()
	for _, r := range all {
		<-r.done
	}
	c.mu.Lock()
	c.running = map[string]*runningJob{}
	c.mu.Unlock()
	c.log.Info("watch: replica stopped; leases released")
}

// reap forgets jobs that ended.
func (c *Coordinator) reap() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, r := range c.running {
		if !r.ended() {
			continue
		}
		delete(c.running, k)
		var le *LeaseError
		switch {
		case r.err == nil || errors.Is(r.err, context.Canceled):
		case errors.As(r.err, &le) && errors.Is(r.err, ErrLeaseHeld):
			c.log.Debug("watch: claim lost to another replica", slog.String("checkpoint", k), slog.String("holder", le.Owner))
		case errors.As(r.err, &le):
			c.log.Info("watch: lease gone", slog.String("checkpoint", k), slog.String("to", le.Owner))
		default:
			c.log.Warn("watch: job stopped", slog.String("checkpoint", k), slog.Any("error", r.err))
		}
	}
}

func (c *Coordinator) start(ctx context.Context, j Job, why string) {
	jctx, cancel := context.WithCancel(ctx)
	r := &runningJob{cancel: cancel, done: make(chan struct{}), job: j}
	c.mu.Lock()
	c.running[j.Key] = r
	c.mu.Unlock()
	c.log.Info("watch: claiming", slog.String("checkpoint", j.Key), slog.String("why", why))
	go func() {
		defer close(r.done)
		defer cancel()
		r.err = j.Run(jctx, c.replica)
	}()
}

// runningJobs counts the jobs that hold or are claiming their lease.
func (c *Coordinator) runningJobs() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, r := range c.running {
		if !r.ended() {
			n++
		}
	}
	return n
}

func (c *Coordinator) isRunning(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.running[key] != nil
}

// round is one balancing round.
func (c *Coordinator) round(ctx context.Context, jobs map[string]Job) {
	c.reap()
	recs, err := c.store.List(ctx)
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("watch: cannot list the checkpoints; balancing waits", slog.Any("error", err))
		}
		return
	}
	now := c.clock.Now()
	byKey := make(map[string]Record, len(recs))
	for _, r := range recs {
		if _, ok := jobs[r.Key]; ok {
			byKey[r.Key] = r
		}
	}
	// Leases this replica holds without running the job: handed over on request, or kept
	// from before a restart with the same ID.
	for key, r := range byKey {
		if r.Owner == c.replica && !r.Free(now) && !c.isRunning(key) {
			c.start(ctx, jobs[key], "owned")
		}
	}
	others := map[string][]string{} // live owner -> keys
	var free []string
	pending := 0
	for key := range jobs {
		if c.isRunning(key) {
			continue
		}
		r, ok := byKey[key]
		switch {
		case !ok || r.Free(now):
			free = append(free, key)
		case r.Owner != c.replica:
			others[r.Owner] = append(others[r.Owner], key)
			if r.Handoff == c.replica {
				pending++
			}
		}
	}
	mine := c.runningJobs()
	replicas := 1 + len(others)
	lo, extra := len(jobs)/replicas, len(jobs)%replicas
	hi := lo
	if extra > 0 {
		hi++
	}
	target := lo
	if extra > 0 && mine+pending >= lo {
		atHi := 0
		for _, keys := range others {
			if len(keys) >= hi {
				atHi++
			}
		}
		if atHi < extra {
			target = hi
		}
	}
	c.log.Debug("watch: balance", slog.Int("replicas", replicas), slog.Int("owned", mine), slog.Int("pending", pending), slog.Int("target", target), slog.Int("free", len(free)))
	need := target - mine - pending
	rand.Shuffle(len(free), func(i, j int) { free[i], free[j] = free[j], free[i] })
	for ; need > 0 && len(free) > 0; need-- {
		c.start(ctx, jobs[free[0]], "free or expired")
		free = free[1:]
	}
	for need > 0 {
		limit := hi
		if mine+pending < lo {
			limit = lo
		}
		victim, most := "", 0
		for o, keys := range others {
			if len(keys) > most || (len(keys) == most && o < victim) {
				victim, most = o, len(keys)
			}
		}
		if victim == "" || most <= limit {
			return
		}
		keys := others[victim]
		i := rand.IntN(len(keys))
		key := keys[i]
		others[victim] = append(keys[:i:i], keys[i+1:]...)
		if c.requestHandoff(ctx, key, victim) {
			pending++
			need--
		}
	}
}

// requestHandoff asks owner to hand key over to this replica.
func (c *Coordinator) requestHandoff(ctx context.Context, key, owner string) bool {
	rec, ok, err := c.store.Load(ctx, key)
	if err != nil || !ok || rec.Owner != owner || rec.Free(c.clock.Now()) || (rec.Handoff != "" && rec.Handoff != c.replica) {
		return false
	}
	if rec.Handoff == c.replica {
		return true
	}
	rec.Handoff = c.replica
	if _, err := c.store.Save(ctx, rec); err != nil {
		if !errors.Is(err, ErrVersionConflict) {
			c.log.Warn("watch: hand-over request failed", slog.String("checkpoint", key), slog.Any("error", err))
		}
		return false
	}
	c.log.Info("watch: asked for a hand-over", slog.String("checkpoint", key), slog.String("from", owner))
	return true
}
