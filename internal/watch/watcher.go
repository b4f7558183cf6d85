// Package watch is the daemon machinery shared by the SDK's watchers: a poll loop generic
// over the item it delivers and the cursor it keeps, with an overlap re-read and a record of
// delivered items (both kept by the cursor), a lease on the checkpoint so that one watcher
// delivers at a time, batched checkpoint saves, handler retries with backoff, a dead letter,
// statistics and slog events. A facade (the Sentinel incident watcher, a Graph watcher)
// supplies a Source: how to list items after a cursor and how the cursor moves.
package watch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/sentinel-go/sentinel/internal/pipeline"
)

// Clock is the watcher's time source; tests replace it.
type Clock = pipeline.Clock

// Pager is one poll's listing.
type Pager[T any] interface {
	More() bool
	NextPage(ctx context.Context) ([]T, error)
}

// Source is what differs between watchers. C is the cursor, stored as JSON
// (encoding/json) in Record.Cursor.
type Source[T, C any] interface {
	// Start returns the cursor of a watcher that has no checkpoint yet.
	Start(now time.Time) C
	// Check refuses a stored cursor the watcher cannot use (another workspace's, another
	// mode's).
	Check(c *C) error
	// Poll begins a poll from c. It returns the listing and the cursor defence: a test that
	// applies the poll's lower bound (c as it stood when the poll began) to each item the
	// server returns, so that a server that ignores the filter cannot make the watcher
	// deliver what lies behind the cursor.
	Poll(c *C) (Pager[T], func(*T) bool)
	// Delivered reports whether item was delivered before in its current state.
	Delivered(c *C, item *T) bool
	// Advance records item as delivered.
	Advance(c *C, item *T)
	// Compact drops what c no longer needs (records behind its overlap); called before saves.
	Compact(c *C)
	// Position is c's time, for the lag statistic.
	Position(c *C) time.Time
	// ID names an item in errors, e.g. "incident 42 (name)"; Attrs in log records.
	ID(item *T) string
	Attrs(item *T) []slog.Attr
	// Redirected reports whether the item was merged into another item, and which one when
	// the item says ("" otherwise).
	Redirected(item *T) (to string, ok bool)
}

// Action is what a watcher does after the handler failed on an item.
type Action int

const (
	// Retry tries the item again, with backoff, up to RetryOptions.MaxAttempts; then it goes
	// to the dead letter, or, without one, the poll ends and the next poll tries again.
	Retry Action = iota
	// Skip advances the checkpoint past the item at once.
	Skip
)

// RetryOptions bound the handler retries within one poll.
type RetryOptions struct {
	// MaxAttempts is how many times an item is handed to the handler in one poll; 0 means
	// DefaultMaxAttempts, 1 means no retry.
	MaxAttempts int
	// Delay is the wait before the first retry, doubled for each further one; 0 means
	// DefaultRetryDelay.
	Delay time.Duration
	// MaxDelay caps the wait; 0 means DefaultMaxRetryDelay.
	MaxDelay time.Duration
}

// Defaults. DefaultSaveEvery is K, the bound on re-deliveries after a crash; see
// BenchmarkWatchBacklog in the root package for how it was chosen.
const (
	DefaultInterval      = 30 * time.Second
	DefaultLease         = time.Minute
	DefaultSaveEvery     = 100
	DefaultMaxAttempts   = 5
	DefaultRetryDelay    = 250 * time.Millisecond
	DefaultMaxRetryDelay = 10 * time.Second
	// flushTimeout bounds the save made when a poll ends by cancellation or panic.
	flushTimeout = 15 * time.Second
)

// Options configure a Watcher.
type Options[T any] struct {
	// Key names the checkpoint record.
	Key string
	// Owner is the watcher's lease ID; "" means NewOwnerID().
	Owner string
	// Store keeps the checkpoint; nil means a private MemoryStore.
	Store Store
	// Interval is the pause between polls.
	Interval time.Duration
	// Lease is how long a lease lasts without renewal. The owner renews (and saves its
	// cursor) every Lease/3 and stops delivering when it could not renew for Lease/2; a
	// watcher standing by checks every min(Interval, Lease/4).
	Lease time.Duration
	// SaveEvery is K: the cursor is saved after every K deliveries (and at the end of each
	// poll, and with each lease renewal), so a crash re-delivers at most K items.
	SaveEvery int
	// Retry bounds handler retries.
	Retry RetryOptions
	// OnHandlerError decides what a handler failure leads to; nil means Retry.
	OnHandlerError func(item T, err error) Action
	// OnDeadLetter receives an item that failed Retry.MaxAttempts times; the checkpoint then
	// moves past it. When it returns an error the item stays (the poll ends). nil: no dead
	// letter, the poll ends at the item and the next poll tries it again.
	OnDeadLetter func(ctx context.Context, item T, err error) error
	// OnPoll is called after every poll with the statistics.
	OnPoll func(Stats)
	// Logger receives the watcher's events; nil discards them.
	Logger *slog.Logger
	// Clock is the time source; nil means the wall clock.
	Clock Clock
	// RetryAfter returns how long a failed poll's server asked to wait (0: it did not say).
	RetryAfter func(error) time.Duration
	// Fatal reports poll errors that polling again cannot fix.
	Fatal func(error) bool
}

// Validate checks the options' ranges.
func (o *Options[T]) Validate() error {
	switch {
	case o.Interval < 0:
		return &FieldError{"Interval", "must not be negative"}
	case o.Lease < 0:
		return &FieldError{"LeaseDuration", "must not be negative"}
	case o.Lease > 0 && o.Lease < 3*time.Millisecond:
		return &FieldError{"LeaseDuration", "must be at least 3ms"}
	case o.SaveEvery < 0:
		return &FieldError{"SaveEvery", "must not be negative"}
	case o.Retry.MaxAttempts < 0:
		return &FieldError{"HandlerRetry.MaxAttempts", "must not be negative"}
	case o.Retry.Delay < 0:
		return &FieldError{"HandlerRetry.Delay", "must not be negative"}
	case o.Retry.MaxDelay < 0:
		return &FieldError{"HandlerRetry.MaxDelay", "must not be negative"}
	}
	if err := CheckKey(o.Key); err != nil {
		return &FieldError{"Key", err.Error()}
	}
	if o.Owner != "" {
		if err := CheckOwner(o.Owner); err != nil {
			return &FieldError{"Owner", err.Error()}
		}
	}
	return nil
}

// CheckOwner refuses lease IDs that stores cannot keep as metadata: 1 to 128 printable ASCII
// characters.
func CheckOwner(id string) error {
	if id == "" || len(id) > 128 {
		return fmt.Errorf("owner ID must be 1 to 128 characters, got %d", len(id))
	}
	for i := 0; i < len(id); i++ {
		if id[i] < 0x21 || id[i] > 0x7e {
			return fmt.Errorf("owner ID %q must be printable ASCII without spaces", id)
		}
	}
	return nil
}

// NewOwnerID returns a lease ID unique to this watcher: host, process ID and random bits.
func NewOwnerID() string {
	host, _ := os.Hostname()
	clean := make([]byte, 0, len(host))
	for i := 0; i < len(host) && len(clean) < 64; i++ {
		if c := host[i]; c > 0x20 && c < 0x7f {
			clean = append(clean, c)
		}
	}
	if len(clean) == 0 {
		clean = append(clean, "host"...)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return string(clean) + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// Stats are one watcher's counters (one workspace, one checkpoint).
type Stats struct {
	Key    string // the checkpoint's key
	Owner  string // the lease ID the watcher last used
	Leased bool   // whether it holds the lease now
	// Polls completed or failed while holding the lease; standing by is not polling.
	Polls    int64
	Requests int64 // pages requested
	// Delivered counts items whose checkpoint advanced: handled, skipped by OnHandlerError
	// or dead-lettered.
	Delivered     int64
	HandlerErrors int64 // failed handler calls
	Retries       int64 // handler calls repeated after a failure
	Skipped       int64 // items passed over by OnHandlerError
	DeadLettered  int64 // items handed to OnDeadLetter
	// Refused counts items the server returned behind the cursor (a server ignoring the
	// filter), never delivered.
	Refused    int64
	Redirected int64 // delivered items that were merged into another
	Saves      int64 // checkpoint writes (saves, renewals, releases)
	PollErrors int64 // polls that failed on the service or the store
	// Lag is the time between the end of the last poll and the cursor's position (the
	// newest created or modified time delivered).
	Lag time.Duration
	// LastError is the last poll, store or handler error, or nil after a clean poll.
	LastError error
	LastPoll  time.Time
}

// Handler processes one item.
type Handler[T any] func(ctx context.Context, item T) error

// Watcher is the generic daemon over a Source.
type Watcher[T, C any] struct {
	src Source[T, C]
	o   Options[T]
	log *slog.Logger

	mu sync.Mutex // one poll or lease operation at a time
	// leaseMu guards lease against the heartbeat, which renews it while a poll runs.
	leaseMu sync.Mutex
	lease   lease
	cur     *C  // the live cursor while the lease is held; only the polling goroutine uses it
	dirty   int // deliveries not saved yet

	statMu sync.Mutex
	stats  Stats
}

type lease struct {
	held    bool
	owner   string
	rec     Record // as last written or read
	renewed time.Time
	unlock  func() error // the OS lock of a Locker store
}

// New returns a watcher; opts must have passed Validate. Defaults fill zero fields.
func New[T, C any](src Source[T, C], opts Options[T]) *Watcher[T, C] {
	o := opts
	if o.Owner == "" {
		o.Owner = NewOwnerID()
	}
	if o.Store == nil {
		o.Store = &MemoryStore{}
	}
	if o.Interval == 0 {
		o.Interval = DefaultInterval
	}
	if o.Lease == 0 {
		o.Lease = DefaultLease
	}
	if o.SaveEvery == 0 {
		o.SaveEvery = DefaultSaveEvery
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry.MaxAttempts = DefaultMaxAttempts
	}
	if o.Retry.Delay == 0 {
		o.Retry.Delay = DefaultRetryDelay
	}
	if o.Retry.MaxDelay == 0 {
		o.Retry.MaxDelay = DefaultMaxRetryDelay
	}
	if o.Retry.MaxDelay < o.Retry.Delay {
		o.Retry.MaxDelay = o.Retry.Delay
	}
	if o.Clock == nil {
		o.Clock = pipeline.RealClock{}
	}
	if o.RetryAfter == nil {
		o.RetryAfter = func(error) time.Duration { return 0 }
	}
	if o.Fatal == nil {
		o.Fatal = func(error) bool { return false }
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	w := &Watcher[T, C]{src: src, o: o, log: log.With(slog.String("checkpoint", o.Key))}
	w.stats.Key, w.stats.Owner = o.Key, o.Owner
	return w
}

// Key returns the checkpoint's key.
func (w *Watcher[T, C]) Key() string { return w.o.Key }

// Stats returns a snapshot of the counters.
func (w *Watcher[T, C]) Stats() Stats {
	w.statMu.Lock()
	defer w.statMu.Unlock()
	return w.stats
}

func (w *Watcher[T, C]) count(f func(*Stats)) {
	w.statMu.Lock()
	f(&w.stats)
	w.statMu.Unlock()
}

// Run polls as the watcher's own owner ID until ctx is done, standing by while another
// watcher holds the lease, and returns ctx's error, or the error that ended it: an unusable
// checkpoint or a fatal poll error. On return it saves the cursor and releases the lease.
func (w *Watcher[T, C]) Run(ctx context.Context, handler Handler[T]) error {
	return w.run(ctx, w.o.Owner, true, handler, nil, nil)
}

// RunLeased polls as owner (a coordinator's replica ID) until ctx is done or the lease is
// lost: it never stands by. It returns a *LeaseError when it cannot take or keep the lease,
// ctx's error when ctx is done, and saves the cursor and releases the lease on return.
func (w *Watcher[T, C]) RunLeased(ctx context.Context, owner string, handler Handler[T]) error {
	if err := CheckOwner(owner); err != nil {
		return &FieldError{"owner", err.Error()}
	}
	return w.run(ctx, owner, false, handler, nil, nil)
}

// All polls like Run and yields each item; the checkpoint advances past an item when the
// loop body returns normally for it. Poll errors are yielded as (zero, err) and polling goes
// on unless the body breaks; fatal errors end the iteration after being yielded.
func (w *Watcher[T, C]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		stopped := errors.New("stopped by the loop body")
		handler := func(_ context.Context, item T) error {
			if !yield(item, nil) {
				return stopped
			}
			return nil
		}
		onErr := func(err error) bool {
			var zero T
			return yield(zero, err)
		}
		_ = w.run(ctx, w.o.Owner, true, handler, stopped, onErr)
	}
}

// Poll runs one poll as the watcher's own owner ID, taking the lease first if needed; it
// fails with a *LeaseError (ErrLeaseHeld) when another watcher holds it. The lease stays
// held after Poll: Release gives it back, and it expires when Poll is not called again within
// the lease duration.
func (w *Watcher[T, C]) Poll(ctx context.Context, handler Handler[T]) (int, error) {
	return w.poll(ctx, w.o.Owner, handler, nil)
}

// Release saves the cursor and gives the lease back, so that a watcher standing by can take
// over at once. It does nothing when the lease is not held.
func (w *Watcher[T, C]) Release(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.release(ctx)
}

func (w *Watcher[T, C]) release(ctx context.Context) error {
	if !w.held() {
		return nil
	}
	err := w.save(ctx, modeRelease)
	w.drop()
	if err == nil {
		w.log.Info("watch: lease released", slog.String("owner", w.lease.owner))
	}
	var le *LeaseError
	if errors.As(err, &le) {
		return nil // it was lost or handed over meanwhile: nothing to give back
	}
	return err
}

// drop forgets the lease and releases the OS lock.
func (w *Watcher[T, C]) drop() {
	w.leaseMu.Lock()
	if w.lease.unlock != nil {
		_ = w.lease.unlock()
	}
	w.lease.held, w.lease.unlock = false, nil
	w.leaseMu.Unlock()
	w.cur, w.dirty = nil, 0
	w.count(func(s *Stats) { s.Leased = false })
}

// fatal reports errors that polling again cannot fix.
func (w *Watcher[T, C]) fatal(err error) bool {
	return errors.Is(err, ErrUnusable) || w.o.Fatal(err)
}

// run is Run, RunLeased and All. onErr, when set, receives each error that ends a poll
// (All yields it) and ends the run by returning false.
func (w *Watcher[T, C]) run(ctx context.Context, owner string, standby bool, handler Handler[T], stop error, onErr func(error) bool) (err error) {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
		defer cancel()
		if rerr := w.Release(rctx); rerr != nil {
			w.log.Warn("watch: could not release the lease; it expires on its own", slog.Any("error", rerr))
		}
	}()
	var standingBy string
	for {
		_, err := w.poll(ctx, owner, handler, stop)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if stop != nil && errors.Is(err, stop) {
			return nil
		}
		var le *LeaseError
		if errors.As(err, &le) {
			if !standby {
				return err
			}
			if errors.Is(err, ErrLeaseHeld) {
				if standingBy != le.Owner {
					standingBy = le.Owner
					w.log.Info("watch: standing by", slog.String("owner", owner), slog.String("holder", le.Owner), slog.Time("holder_expires", le.Expires))
				}
				if err := w.o.Clock.Sleep(ctx, w.standbyCheck()); err != nil {
					return err
				}
			}
			continue // lost: try again at once, which usually means standing by
		}
		standingBy = ""
		if err != nil && onErr != nil && !onErr(err) {
			return err
		}
		if err != nil && w.fatal(err) {
			return err
		}
		wait := w.o.Interval
		if err != nil {
			if ra := w.o.RetryAfter(err); ra > wait {
				wait = ra
			}
		}
		if err := w.idle(ctx, wait); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if !standby {
				return err
			}
		}
	}
}

func (w *Watcher[T, C]) standbyCheck() time.Duration {
	return max(min(w.o.Interval, w.o.Lease/4), time.Millisecond)
}

// idle waits d while keeping the lease: it renews it every Lease/3. It returns a
// *LeaseError when the lease was lost or handed over, or ctx's error.
func (w *Watcher[T, C]) idle(ctx context.Context, d time.Duration) error {
	end := w.now().Add(d)
	for {
		now := w.now()
		if !now.Before(end) {
			return nil
		}
		step := end.Sub(now)
		w.mu.Lock()
		held := w.held()
		if held {
			due := w.renewedAt().Add(w.o.Lease / 3)
			if !now.Before(due) {
				err := w.save(ctx, modeRenew)
				var le *LeaseError
				if errors.As(err, &le) {
					w.mu.Unlock()
					return err
				}
				if err != nil {
					w.count(func(s *Stats) { s.LastError = err })
					w.log.Warn("watch: could not renew the lease", slog.Any("error", err))
					due = now.Add(w.o.Lease / 12) // try again soon, well within the lease
				} else {
					due = w.renewedAt().Add(w.o.Lease / 3)
				}
			}
			step = min(step, max(due.Sub(now), time.Millisecond))
		}
		w.mu.Unlock()
		if err := w.o.Clock.Sleep(ctx, step); err != nil {
			return err
		}
	}
}

func (w *Watcher[T, C]) now() time.Time { return w.o.Clock.Now() }

// poll is one poll with the lease taken first.
func (w *Watcher[T, C]) poll(ctx context.Context, owner string, handler Handler[T], stop error) (delivered int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.held() && w.lease.owner != owner {
		if err := w.release(ctx); err != nil {
			return 0, err
		}
	}
	if !w.held() {
		if err := w.acquire(ctx, owner); err != nil {
			var le *LeaseError
			if !errors.As(err, &le) {
				w.failed(err)
			}
			return 0, err
		}
	}
	start := w.now()
	defer func() {
		end := w.now()
		pos := w.lastPosition()
		w.count(func(s *Stats) {
			s.Polls++
			s.LastPoll = end
			if !pos.IsZero() {
				s.Lag = end.Sub(pos)
			}
			switch {
			case err != nil && stop != nil && errors.Is(err, stop):
				s.LastError = nil
			case err != nil:
				s.LastError = err
				var he *handlerError
				if !errors.As(err, &he) {
					s.PollErrors++
				}
			default:
				s.LastError = nil
			}
		})
		if err != nil && (stop == nil || !errors.Is(err, stop)) {
			w.log.Warn("watch: poll failed", slog.Int("delivered", delivered), slog.Duration("took", end.Sub(start)), slog.Any("error", err))
		} else {
			w.log.Debug("watch: poll", slog.Int("delivered", delivered), slog.Duration("took", end.Sub(start)))
		}
		if w.o.OnPoll != nil {
			w.o.OnPoll(w.Stats())
		}
		var he *handlerError
		if errors.As(err, &he) {
			err = he.err
		}
	}()
	return w.pollOnce(ctx, handler, stop)
}

func (w *Watcher[T, C]) failed(err error) {
	w.count(func(s *Stats) { s.PollErrors++; s.LastError = err })
	w.log.Warn("watch: checkpoint unavailable", slog.Any("error", err))
}

func (w *Watcher[T, C]) lastPosition() time.Time {
	if w.cur == nil {
		return time.Time{}
	}
	return w.src.Position(w.cur)
}

// pollOnce lists every item after the cursor and delivers the new ones; w.mu and the lease
// are held. A heartbeat renews the lease while the poll runs (a page can take longer than
// the lease to arrive, a handler longer than that to return); if the lease is lost all the
// same, the poll's context is cancelled and the poll ends with the *LeaseError.
func (w *Watcher[T, C]) pollOnce(ctx context.Context, handler Handler[T], stop error) (delivered int, err error) {
	cur := w.cur
	refused := 0
	defer func() {
		if refused > 0 {
			w.count(func(s *Stats) { s.Refused += int64(refused) })
			w.log.Warn("watch: the service returned items behind the cursor; they were not delivered (is it ignoring $filter?)", slog.Int("refused", refused))
		}
		// Whatever ended the poll (an error, cancellation, a panic in the handler), save
		// what was delivered.
		if w.dirty > 0 && w.held() {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
			ferr := w.save(fctx, modeRenew)
			cancel()
			if err == nil {
				err = ferr
			}
		}
	}()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer w.heartbeat(ctx, cancel)()
	// lost returns the *LeaseError that cancelled the poll, having dropped the lease.
	lost := func(err error) error {
		var le *LeaseError
		if cause := context.Cause(ctx); errors.As(cause, &le) {
			w.drop()
			return cause
		}
		return err
	}
	pager, accept := w.src.Poll(cur)
	for pager.More() {
		w.count(func(s *Stats) { s.Requests++ })
		page, err := pager.NextPage(ctx)
		if err != nil {
			return delivered, lost(err)
		}
		for i := range page {
			item := &page[i]
			if !accept(item) {
				refused++
				continue
			}
			if w.src.Delivered(cur, item) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return delivered, lost(err)
			}
			if err := w.keepLease(ctx); err != nil {
				return delivered, err
			}
			if err := w.deliver(ctx, item, handler, stop); err != nil {
				return delivered, lost(err)
			}
			if err := lost(nil); err != nil {
				return delivered, err // delivered after the lease was lost: the new owner repeats it
			}
			w.src.Advance(cur, item)
			w.dirty++
			delivered++
			w.count(func(s *Stats) { s.Delivered++ })
			if w.dirty >= w.o.SaveEvery {
				if err := w.save(ctx, modeRenew); err != nil {
					return delivered, lost(err)
				}
			}
		}
	}
	if w.dirty > 0 || !w.now().Before(w.renewedAt().Add(w.o.Lease/3)) {
		if err := w.save(ctx, modeRenew); err != nil {
			return delivered, lost(err)
		}
	}
	return delivered, nil
}

// heartbeat starts renewing the lease every Lease/3 of real time (without touching the
// cursor, which the polling goroutine owns); on a loss it cancels ctx with the *LeaseError.
// It returns the function that stops it.
func (w *Watcher[T, C]) heartbeat(ctx context.Context, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTimer(w.o.Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			err := w.write(ctx, modeHeartbeat)
			var le *LeaseError
			if errors.As(err, &le) {
				cancel(err)
				return
			}
			if err != nil && ctx.Err() == nil {
				w.log.Warn("watch: could not renew the lease during a poll", slog.Any("error", err))
			}
			t.Reset(w.o.Lease / 3)
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

// deliver hands item to the handler, retrying with backoff; nil means the checkpoint may
// move past it (handled, skipped or dead-lettered).
func (w *Watcher[T, C]) deliver(ctx context.Context, item *T, handler Handler[T], stop error) error {
	if to, ok := w.src.Redirected(item); ok {
		w.count(func(s *Stats) { s.Redirected++ })
		attrs := append(w.src.Attrs(item), slog.String("merged_into", to))
		w.log.LogAttrs(ctx, slog.LevelInfo, "watch: item was merged into another (redirected)", attrs...)
	}
	for attempt := 1; ; attempt++ {
		herr := handler(ctx, *item)
		if herr == nil {
			return nil
		}
		if stop != nil && errors.Is(herr, stop) {
			return herr
		}
		w.count(func(s *Stats) { s.HandlerErrors++ })
		if ctx.Err() != nil {
			return &handlerError{fmt.Errorf("watch: handler failed on %s; it will be delivered again: %w", w.src.ID(item), herr)}
		}
		action := Retry
		if w.o.OnHandlerError != nil {
			action = w.o.OnHandlerError(*item, herr)
		}
		attrs := append(w.src.Attrs(item), slog.Int("attempt", attempt), slog.Any("error", herr))
		if action == Skip {
			w.count(func(s *Stats) { s.Skipped++ })
			w.log.LogAttrs(ctx, slog.LevelWarn, "watch: handler failed; item skipped by OnHandlerError", attrs...)
			return nil
		}
		if attempt >= w.o.Retry.MaxAttempts {
			if w.o.OnDeadLetter == nil {
				w.log.LogAttrs(ctx, slog.LevelWarn, "watch: handler failed; the poll ends here and the next poll delivers the item again", attrs...)
				return &handlerError{fmt.Errorf("watch: handler failed %d times on %s; it will be delivered again on the next poll: %w", attempt, w.src.ID(item), herr)}
			}
			if derr := w.o.OnDeadLetter(ctx, *item, herr); derr != nil {
				w.log.LogAttrs(ctx, slog.LevelError, "watch: dead letter failed; the item will be delivered again", append(attrs, slog.Any("dead_letter_error", derr))...)
				return &handlerError{fmt.Errorf("watch: dead letter failed for %s (%v); it will be delivered again: %w", w.src.ID(item), derr, herr)}
			}
			w.count(func(s *Stats) { s.DeadLettered++ })
			w.log.LogAttrs(ctx, slog.LevelError, "watch: item dead-lettered", attrs...)
			return nil
		}
		delay := w.backoff(attempt)
		w.count(func(s *Stats) { s.Retries++ })
		w.log.LogAttrs(ctx, slog.LevelWarn, "watch: handler failed; retrying", append(attrs, slog.Duration("retry_in", delay))...)
		if err := w.o.Clock.Sleep(ctx, delay); err != nil {
			return err
		}
		if err := w.keepLease(ctx); err != nil {
			return err
		}
	}
}

// backoff is the wait before retry number attempt: Delay doubled per attempt, capped at
// MaxDelay, with up to a quarter taken off at random so that watchers failing together do
// not retry together.
func (w *Watcher[T, C]) backoff(attempt int) time.Duration {
	d := w.o.Retry.Delay << min(attempt-1, 30)
	if d <= 0 || d > w.o.Retry.MaxDelay {
		d = w.o.Retry.MaxDelay
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := uint64(0)
	for _, x := range b {
		n = n<<8 | uint64(x)
	}
	if q := uint64(d / 4); q > 0 {
		d -= time.Duration(n % q)
	}
	return d
}

// keepLease renews the lease when a third of it has passed. A store that fails is tolerated
// until half the lease has passed without renewal; then delivering stops.
func (w *Watcher[T, C]) keepLease(ctx context.Context) error {
	since := w.now().Sub(w.renewedAt())
	if since < w.o.Lease/3 {
		return nil
	}
	err := w.save(ctx, modeRenew)
	if err == nil {
		return nil
	}
	var le *LeaseError
	if errors.As(err, &le) || since >= w.o.Lease/2 {
		return err
	}
	w.log.Warn("watch: could not renew the lease; delivering on while it is surely held", slog.Any("error", err))
	return nil
}

// acquire takes the lease for owner and loads the cursor.
func (w *Watcher[T, C]) acquire(ctx context.Context, owner string) (err error) {
	key := w.o.Key
	var unlock func() error
	if l, ok := w.o.Store.(Locker); ok {
		u, err := l.Lock(ctx, key)
		switch {
		case err == nil:
			unlock = u
		case errors.Is(err, ErrLocked):
			rec, _, _ := w.o.Store.Load(ctx, key)
			return &LeaseError{Key: key, Owner: rec.Owner, Expires: rec.Expires, Err: ErrLeaseHeld}
		case errors.Is(err, errors.ErrUnsupported):
		default:
			return &CheckpointError{Op: "lock", Key: key, Err: err}
		}
	}
	defer func() {
		if err != nil && unlock != nil {
			_ = unlock()
		}
	}()
	rec, found, err := w.o.Store.Load(ctx, key)
	if err != nil {
		return &CheckpointError{Op: "load", Key: key, Err: err}
	}
	now := w.now()
	// Without an OS lock, a live lease of another owner stands. With one, the lock proves
	// that no other watcher is running, whatever the record says.
	if found && unlock == nil && rec.Owner != owner && !rec.Free(now) {
		return &LeaseError{Key: key, Owner: rec.Owner, Expires: rec.Expires, Err: ErrLeaseHeld}
	}
	var cur C
	if found && len(rec.Cursor) > 0 {
		if err := json.Unmarshal(rec.Cursor, &cur); err != nil {
			return &CheckpointError{Op: "load", Key: key, Err: fmt.Errorf("%w: the cursor cannot be read: %v", ErrUnusable, err)}
		}
		if err := w.src.Check(&cur); err != nil {
			return &CheckpointError{Op: "load", Key: key, Err: fmt.Errorf("%w: %v", ErrUnusable, err)}
		}
	} else {
		cur = w.src.Start(now)
	}
	prev := rec
	if !found {
		rec = Record{Key: key}
	}
	rec.Owner, rec.Expires, rec.Handoff = owner, now.Add(w.o.Lease), ""
	if rec.Cursor, err = json.Marshal(&cur); err != nil {
		return &CheckpointError{Op: "save", Key: key, Err: err}
	}
	v, err := w.o.Store.Save(ctx, rec)
	if errors.Is(err, ErrVersionConflict) {
		got, _, _ := w.o.Store.Load(ctx, key)
		return &LeaseError{Key: key, Owner: got.Owner, Expires: got.Expires, Err: ErrLeaseHeld}
	}
	if err != nil {
		return &CheckpointError{Op: "save", Key: key, Err: err}
	}
	rec.Version = v
	w.leaseMu.Lock()
	w.lease = lease{held: true, owner: owner, rec: rec, renewed: now, unlock: unlock}
	w.leaseMu.Unlock()
	w.cur, w.dirty = &cur, 0
	w.count(func(s *Stats) { s.Leased, s.Owner = true, owner; s.Saves++ })
	attrs := []slog.Attr{slog.String("owner", owner), slog.Time("expires", rec.Expires)}
	if found && prev.Owner != "" && prev.Owner != owner {
		attrs = append(attrs, slog.String("previous_owner", prev.Owner), slog.Time("previous_expires", prev.Expires))
	}
	w.log.LogAttrs(ctx, slog.LevelInfo, "watch: lease acquired", attrs...)
	return nil
}

type saveMode int

const (
	modeRenew     saveMode = iota // renew; hand over when asked
	modeRelease                   // give the lease back (to whoever asked for it, if anyone)
	modeHeartbeat                 // renew while a handler runs: never hand over mid-call
)

// save writes the cursor and renews or releases the lease; when the lease turns out lost or
// handed over, the watcher drops it.
func (w *Watcher[T, C]) save(ctx context.Context, mode saveMode) error {
	err := w.write(ctx, mode)
	var le *LeaseError
	if errors.As(err, &le) {
		w.drop()
	}
	return err
}

// write is a compare-and-swap of the record with the cursor and the lease. On a version
// conflict it reads the record: if the lease is still ours it writes again on top, handing
// the lease over when another watcher asked for it (except in modeHeartbeat, which keeps the
// request for the next save); if another owner took it, the lease is lost. It returns a
// *LeaseError (ErrLeaseLost) after a hand-over or a loss, and leaves dropping to the caller.
// modeHeartbeat writes the cursor as last saved and may run beside the polling goroutine;
// the other modes write the live cursor and run on it.
func (w *Watcher[T, C]) write(ctx context.Context, mode saveMode) error {
	w.leaseMu.Lock()
	defer w.leaseMu.Unlock()
	key, l := w.o.Key, &w.lease
	if !l.held {
		return &LeaseError{Key: key, Err: ErrLeaseLost}
	}
	now := w.now()
	rec := l.rec
	if mode != modeHeartbeat {
		w.src.Compact(w.cur)
		cursor, err := json.Marshal(w.cur)
		if err != nil {
			return &CheckpointError{Op: "save", Key: key, Err: err}
		}
		rec.Cursor = cursor
	}
	rec.Handoff = ""
	rec.Owner, rec.Expires = l.owner, now.Add(w.o.Lease)
	if mode == modeRelease {
		rec.Owner, rec.Expires = "", time.Time{}
	}
	handoff := ""
	defer func(start time.Time) {
		if took := time.Since(start); took > w.o.Lease/6 {
			w.log.Warn("watch: slow checkpoint write: leases need renewing well within LeaseDuration", slog.Duration("took", took), slog.Duration("lease", w.o.Lease))
		}
	}(time.Now())
	for range 5 {
		v, err := w.o.Store.Save(ctx, rec)
		if err == nil {
			rec.Version = v
			l.rec, l.renewed = rec, now
			if mode != modeHeartbeat {
				w.dirty = 0
			}
			w.count(func(s *Stats) { s.Saves++ })
			if handoff != "" {
				w.log.Info("watch: lease handed over on request", slog.String("owner", l.owner), slog.String("to", handoff))
				return &LeaseError{Key: key, Owner: handoff, Expires: rec.Expires, Err: ErrLeaseLost}
			}
			return nil
		}
		if !errors.Is(err, ErrVersionConflict) {
			return &CheckpointError{Op: "save", Key: key, Err: err}
		}
		got, found, lerr := w.o.Store.Load(ctx, key)
		if lerr != nil {
			return &CheckpointError{Op: "load", Key: key, Err: lerr}
		}
		if !found || got.Owner != l.owner {
			w.log.Warn("watch: lease lost", slog.String("owner", l.owner), slog.String("holder", got.Owner))
			return &LeaseError{Key: key, Owner: got.Owner, Expires: got.Expires, Err: ErrLeaseLost}
		}
		rec.Version = got.Version
		if got.Handoff != "" && got.Handoff != l.owner {
			if mode == modeHeartbeat {
				rec.Handoff = got.Handoff
				continue
			}
			handoff = got.Handoff
			rec.Owner, rec.Expires = got.Handoff, now.Add(w.o.Lease)
		}
	}
	return &CheckpointError{Op: "save", Key: key, Err: errors.New("gave up after 5 version conflicts in a row")}
}

// held reports whether the lease is held.
func (w *Watcher[T, C]) held() bool {
	w.leaseMu.Lock()
	defer w.leaseMu.Unlock()
	return w.lease.held
}

// renewedAt is when the lease was last written.
func (w *Watcher[T, C]) renewedAt() time.Time {
	w.leaseMu.Lock()
	defer w.leaseMu.Unlock()
	return w.lease.renewed
}

// ErrUnusable marks a checkpoint that a watcher cannot use: corrupt, another key's, another
// mode's. A watcher stops on it instead of starting over.
var ErrUnusable = errors.New("unusable checkpoint")
