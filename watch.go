package sentinel

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"sync"
	"time"

	"github.com/sentinel-go/sentinel/internal/pipeline"
)

// WatchMode says which incidents an IncidentWatcher delivers.
type WatchMode int

const (
	// WatchNew delivers each new incident once.
	WatchNew WatchMode = iota
	// WatchNewAndChanged delivers each new incident and then again after each modification
	// (status, owner, severity, labels, comments...), with its latest state.
	WatchNewAndChanged
)

func (m WatchMode) String() string {
	switch m {
	case WatchNew:
		return "new"
	case WatchNewAndChanged:
		return "new-and-changed"
	}
	return fmt.Sprintf("WatchMode(%d)", int(m))
}

// HandlerErrorAction is what an IncidentWatcher does after the handler failed on an incident.
type HandlerErrorAction int

const (
	// RetryIncident ends the poll at the incident without advancing the checkpoint; the next
	// poll delivers it again (and the incidents after it). This is the default.
	RetryIncident HandlerErrorAction = iota
	// SkipIncident advances the checkpoint past the incident and goes on.
	SkipIncident
)

// WatchOptions configure an IncidentWatcher. The zero value watches for new incidents created
// in the last 24 hours and after, polling every 30 seconds.
type WatchOptions struct {
	// Mode is WatchNew (default) or WatchNewAndChanged.
	Mode WatchMode
	// Since places the first poll when there is no checkpoint: incidents created (WatchNew)
	// or modified (WatchNewAndChanged) at most this long before the watcher's first poll.
	// 0 means 24 hours.
	Since time.Duration
	// StartTime places the first poll at an absolute time instead of Since.
	StartTime time.Time
	// Interval is the pause between polls; 0 means 30 seconds. A poll always finishes, all its
	// pages included, before the next starts.
	Interval time.Duration
	// PageSize is the $top of each request, 1 to 1000; 0 means 1000.
	PageSize int
	// Filter restricts the incidents, e.g. IncidentFilter{}.SeverityIn(SeverityHigh).
	Filter IncidentFilter
	// Overlap is how far back each poll re-reads to catch incidents that the service indexes
	// late or whose times are skewed; re-read incidents are not delivered twice. 0 means 5
	// minutes.
	Overlap time.Duration
	// Checkpoint stores the watcher's position; nil keeps it in memory only. Use
	// NewFileCheckpoint to survive restarts, or implement CheckpointStore for a database.
	Checkpoint CheckpointStore
	// OnHandlerError decides what happens when the handler returns an error; nil means
	// RetryIncident. An incident is never skipped silently.
	OnHandlerError func(inc Incident, err error) HandlerErrorAction
	// OnPoll, when set, is called after every poll with the watcher's statistics.
	OnPoll func(WatchStats)

	clock pipeline.Clock
}

// WatchStats are an IncidentWatcher's counters.
type WatchStats struct {
	Polls         int64 // polls completed or failed
	Requests      int64 // pages requested
	Delivered     int64 // incidents the handler accepted (or that were skipped by policy)
	HandlerErrors int64
	PollErrors    int64 // polls that failed on the service or the checkpoint store
	// Lag is the time between the end of the last poll and the newest incident time the
	// watcher has seen (created time in WatchNew, last-modified time otherwise).
	Lag time.Duration
	// LastError is the last poll or handler error, or nil after a clean poll.
	LastError error
	LastPoll  time.Time
}

// IncidentWatcher is the incidents daemon: it polls one workspace for new (and, optionally,
// changed) incidents and hands each to a handler, in ascending order, following every page of
// each poll, with a checkpoint that survives restarts.
//
// Delivery guarantee: every incident that matches is delivered, and the checkpoint advances
// past an incident only after the handler returned nil for it, so nothing is lost across
// restarts, crashes, handler errors or throttling. Re-read incidents are recognised and not
// delivered twice. A crash (or a cancelled context, or a handler panic) after the handler
// succeeded but before the checkpoint was saved can cause at most that one in-flight incident
// to be delivered again after the restart: handlers should be idempotent for that case.
//
// Cursors: in WatchNew mode the cursor is the incident number, which the service assigns in
// strictly increasing order; the created time only places the very first poll, because
// created times tie, are truncated, and incidents synced from Microsoft Defender arrive
// back-dated. Each poll asks for incidents numbered above the last one delivered or created
// within Overlap of the newest created time seen, ordered by number. In WatchNewAndChanged
// mode the cursor is the last-modified time: each poll asks for incidents modified since the
// newest modification delivered minus Overlap, ordered by modification time, and a record of
// the last delivered modification per incident (kept for Overlap behind the cursor, never
// against the wall clock) removes repeats. The checkpoint holds the cursor, never a nextLink.
//
// An idle poll costs one request. Several watchers in one process (one per workspace) stay
// under an ARM request budget by sharing one ClientOptions.RateLimiter.
type IncidentWatcher struct {
	c    *Client
	opts WatchOptions
	ws   string

	mu     sync.Mutex // one poll at a time
	cp     *Checkpoint
	statMu sync.Mutex
	stats  WatchStats
}

// NewIncidentWatcher returns a watcher for the client's workspace. It validates the options
// and sends nothing; the checkpoint is loaded by the first poll.
func (c *Client) NewIncidentWatcher(opts *WatchOptions) (*IncidentWatcher, error) {
	var o WatchOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Mode != WatchNew && o.Mode != WatchNewAndChanged:
		return nil, argError("WatchOptions.Mode", "unknown mode %d", o.Mode)
	case o.Since < 0:
		return nil, argError("WatchOptions.Since", "must not be negative")
	case o.Interval < 0:
		return nil, argError("WatchOptions.Interval", "must not be negative")
	case o.Overlap < 0:
		return nil, argError("WatchOptions.Overlap", "must not be negative")
	case o.PageSize < 0 || o.PageSize > maxIncidentPageSize:
		return nil, argError("WatchOptions.PageSize", "must be between 1 and %d, got %d", maxIncidentPageSize, o.PageSize)
	}
	if o.Since == 0 {
		o.Since = 24 * time.Hour
	}
	if o.Interval == 0 {
		o.Interval = 30 * time.Second
	}
	if o.Overlap == 0 {
		o.Overlap = 5 * time.Minute
	}
	if o.PageSize == 0 {
		o.PageSize = maxIncidentPageSize
	}
	if o.Checkpoint == nil {
		o.Checkpoint = NewMemoryCheckpoint()
	}
	if o.clock == nil {
		o.clock = pipeline.RealClock{}
	}
	return &IncidentWatcher{c: c, opts: o, ws: c.ws.SubscriptionID + "/" + c.ws.ResourceGroup + "/" + c.ws.Name}, nil
}

// Stats returns a snapshot of the watcher's counters.
func (w *IncidentWatcher) Stats() WatchStats {
	w.statMu.Lock()
	defer w.statMu.Unlock()
	return w.stats
}

func (w *IncidentWatcher) count(f func(*WatchStats)) {
	w.statMu.Lock()
	f(&w.stats)
	w.statMu.Unlock()
}

// Handler processes one incident. Returning an error applies WatchOptions.OnHandlerError. A
// panic is not recovered: it propagates to the caller of Run or Poll.
type Handler func(ctx context.Context, inc Incident) error

// Run polls until ctx is done, calling handler for each incident, and returns ctx's error.
// A poll that fails on the service (after the client's retries and throttling budget) is
// retried after the interval, or after the service's Retry-After when that is longer; the
// checkpoint is kept. Run returns early with the error when the checkpoint store fails or
// holds a checkpoint it cannot use. Cancelling ctx stops after the current incident.
func (w *IncidentWatcher) Run(ctx context.Context, handler Handler) error {
	for {
		_, err := w.Poll(ctx, handler)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if fatal(err) {
			return err
		}
		wait := w.opts.Interval
		var re *ResponseError
		if errors.As(err, &re) && re.RetryAfter > wait {
			wait = re.RetryAfter
		}
		if err := w.opts.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// fatal reports errors that polling again cannot fix.
func fatal(err error) bool {
	var ce *CheckpointError
	return errors.As(err, &ce) || errors.Is(err, ErrInvalidArgument)
}

// All returns an iterator that polls until ctx is done, yielding each incident. The
// checkpoint advances past an incident when the loop body returns normally for it (that is,
// when the next value is requested); breaking out of the loop stops without advancing past
// the current incident. Poll errors are yielded as (zero, err) and polling goes on unless
// the body breaks; fatal errors end the iteration after being yielded.
func (w *IncidentWatcher) All(ctx context.Context) iter.Seq2[Incident, error] {
	return func(yield func(Incident, error) bool) {
		stopped := errors.New("stopped by the loop body")
		handler := func(_ context.Context, inc Incident) error {
			if !yield(inc, nil) {
				return stopped
			}
			return nil
		}
		for {
			_, err := w.poll(ctx, handler, stopped)
			if errors.Is(err, stopped) || ctx.Err() != nil {
				return
			}
			if err != nil {
				if !yield(Incident{}, err) || fatal(err) {
					return
				}
			}
			wait := w.opts.Interval
			var re *ResponseError
			if errors.As(err, &re) && re.RetryAfter > wait {
				wait = re.RetryAfter
			}
			if w.opts.clock.Sleep(ctx, wait) != nil {
				return
			}
		}
	}
}

// Poll runs one poll: it lists every incident past the checkpoint, following all pages, and
// calls handler for each one not delivered before, saving the checkpoint after each. It
// returns how many incidents were delivered. Polls never overlap: a concurrent call waits.
func (w *IncidentWatcher) Poll(ctx context.Context, handler Handler) (int, error) {
	return w.poll(ctx, handler, nil)
}

func (w *IncidentWatcher) poll(ctx context.Context, handler Handler, stop error) (delivered int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer func() {
		now := w.opts.clock.Now()
		w.count(func(s *WatchStats) {
			s.Polls++
			s.LastPoll = now
			if w.cp != nil && !w.cp.Time.IsZero() {
				s.Lag = now.Sub(w.cp.Time)
			}
			if err != nil && !errors.Is(err, stop) {
				s.LastError = err
				var he *handlerError
				if !errors.As(err, &he) {
					s.PollErrors++
				}
			} else {
				s.LastError = nil
			}
		})
		if w.opts.OnPoll != nil {
			w.opts.OnPoll(w.Stats())
		}
		var he *handlerError
		if errors.As(err, &he) {
			err = he.err
		}
	}()
	if w.cp == nil {
		if err := w.load(ctx); err != nil {
			return 0, err
		}
	}
	cp := w.cp
	pager := w.c.ListIncidents(&ListIncidentsOptions{Filter: w.query(cp), OrderBy: w.orderBy(), Top: w.opts.PageSize})
	for pager.More() {
		w.count(func(s *WatchStats) { s.Requests++ })
		page, err := pager.NextPage(ctx)
		if err != nil {
			return delivered, err
		}
		for i := range page {
			inc := &page[i]
			if !cp.isNew(w.opts.Mode, inc) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return delivered, err
			}
			if herr := handler(ctx, *inc); herr != nil {
				if stop != nil && errors.Is(herr, stop) {
					return delivered, herr
				}
				w.count(func(s *WatchStats) { s.HandlerErrors++ })
				action := RetryIncident
				if w.opts.OnHandlerError != nil {
					action = w.opts.OnHandlerError(*inc, herr)
				}
				if action != SkipIncident {
					return delivered, &handlerError{fmt.Errorf("sentinel: handler failed on incident %d (%s); it will be delivered again: %w", inc.Number, inc.Name, herr)}
				}
			}
			cp.advance(w.opts.Mode, inc, w.opts.Overlap)
			if err := w.opts.Checkpoint.Save(ctx, cp.clone()); err != nil {
				return delivered, &CheckpointError{Op: "save", Err: err}
			}
			delivered++
			w.count(func(s *WatchStats) { s.Delivered++ })
		}
	}
	return delivered, nil
}

type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }

// load reads the checkpoint or makes the first one.
func (w *IncidentWatcher) load(ctx context.Context) error {
	cp, ok, err := w.opts.Checkpoint.Load(ctx)
	if err != nil {
		var ce *CheckpointError
		if errors.As(err, &ce) {
			return err
		}
		return &CheckpointError{Op: "load", Err: err}
	}
	if !ok {
		start := w.opts.StartTime
		if start.IsZero() {
			start = w.opts.clock.Now().Add(-w.opts.Since)
		}
		w.cp = &Checkpoint{Workspace: w.ws, Mode: w.opts.Mode, Time: start.UTC(), Seen: map[string]SeenIncident{}}
		return nil
	}
	if cp.Workspace != w.ws {
		return &CheckpointError{Op: "load", Err: fmt.Errorf("the checkpoint belongs to workspace %q, not %q", cp.Workspace, w.ws)}
	}
	if cp.Mode != w.opts.Mode {
		return &CheckpointError{Op: "load", Err: fmt.Errorf("the checkpoint was written in %s mode, the watcher runs in %s mode", cp.Mode, w.opts.Mode)}
	}
	if cp.Seen == nil {
		cp.Seen = map[string]SeenIncident{}
	}
	w.cp = &cp
	return nil
}

func (w *IncidentWatcher) orderBy() string {
	if w.opts.Mode == WatchNewAndChanged {
		return OrderByModifiedAsc
	}
	return OrderByNumberAsc
}

// query returns the poll's $filter: the caller's filter and the cursor.
func (w *IncidentWatcher) query(cp *Checkpoint) string {
	f := w.opts.Filter
	from := cp.Time
	if len(cp.Seen) > 0 || cp.Number > 0 {
		from = from.Add(-w.opts.Overlap) // re-read the overlap once anything was delivered
	}
	switch {
	case w.opts.Mode == WatchNewAndChanged:
		f = f.ModifiedSince(from)
	case cp.Number > 0:
		f = f.Raw(fmt.Sprintf("properties/incidentNumber gt %d or properties/createdTimeUtc ge %s", cp.Number, ODataTime(from)))
	default:
		f = f.with("properties/createdTimeUtc ge " + ODataTime(from))
	}
	return f.String()
}

// Checkpoint is an IncidentWatcher's position. Stores persist it as an opaque value; its JSON
// form (encoding/json) is stable.
type Checkpoint struct {
	// Workspace is "subscription/resourceGroup/name"; a watcher refuses another workspace's.
	Workspace string `json:"workspace"`
	// Mode is the watch mode the checkpoint was written in.
	Mode WatchMode `json:"mode"`
	// Number is the highest incident number delivered (WatchNew).
	Number int64 `json:"number,omitempty"`
	// Time is the newest created (WatchNew) or last-modified (WatchNewAndChanged) time
	// delivered, or the start time before the first delivery.
	Time time.Time `json:"time"`
	// Seen are the incidents delivered within the overlap window behind Time, by name.
	Seen map[string]SeenIncident `json:"seen,omitempty"`
}

// SeenIncident records one delivered incident in a Checkpoint.
type SeenIncident struct {
	Time time.Time `json:"time"` // created (WatchNew) or last-modified time delivered
	Etag string    `json:"etag,omitempty"`
}

func (cp *Checkpoint) clone() Checkpoint {
	c := *cp
	c.Seen = maps.Clone(cp.Seen)
	return c
}

// isNew reports whether inc has not been delivered in its current state.
func (cp *Checkpoint) isNew(mode WatchMode, inc *Incident) bool {
	seen, ok := cp.Seen[inc.Name]
	if mode == WatchNew {
		// The poll asked for numbers above cp.Number or creations within the overlap; of
		// those, the ones delivered before are in Seen.
		return !ok
	}
	if !ok {
		return true
	}
	return inc.LastModifiedTime.After(seen.Time) || (inc.LastModifiedTime.Equal(seen.Time) && inc.Etag != seen.Etag)
}

// advance records inc as delivered and drops records that fell out of the overlap window.
func (cp *Checkpoint) advance(mode WatchMode, inc *Incident, overlap time.Duration) {
	t := inc.CreatedTime
	if mode == WatchNewAndChanged {
		t = inc.LastModifiedTime
	} else if inc.Number > cp.Number {
		cp.Number = inc.Number
	}
	if t.After(cp.Time) {
		cp.Time = t.UTC()
	}
	cp.Seen[inc.Name] = SeenIncident{Time: t.UTC(), Etag: inc.Etag}
	horizon := cp.Time.Add(-overlap)
	for name, s := range cp.Seen {
		if s.Time.Before(horizon) {
			delete(cp.Seen, name)
		}
	}
}
