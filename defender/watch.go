package defender

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/watch"
)

// WatchOptions configure an IncidentWatcher. The zero value watches for new incidents created
// in the last 24 hours and after, polling every 30 seconds, with the checkpoint in memory.
// The fields mean what they mean in sentinel.WatchOptions.
type WatchOptions struct {
	// Mode is sentinel.WatchNew (each new incident once; the cursor is createdDateTime) or
	// sentinel.WatchNewAndChanged (each new incident and then again after each change; the
	// cursor is lastUpdateDateTime).
	Mode sentinel.WatchMode
	// Since places the first poll when there is no checkpoint: 0 means 24 hours back.
	Since time.Duration
	// StartTime places the first poll at an absolute time instead of Since.
	StartTime time.Time
	// Interval is the pause between polls; 0 means 30 seconds.
	Interval time.Duration
	// PageSize is the $top of each request; 0 sends none (the service's page size).
	PageSize int
	// Filter restricts the incidents, e.g. IncidentFilter{}.SeverityIn(SeverityHigh).
	Filter IncidentFilter
	// ExpandAlerts delivers each incident with its alerts and their evidence.
	ExpandAlerts bool
	// Overlap is how far back each poll re-reads to catch incidents that reach the service
	// late or whose times are skewed; re-read incidents are not delivered twice. 0 means
	// sentinel.DefaultWatchOverlap (10 minutes).
	Overlap time.Duration

	// Checkpoint stores the watcher's position and lease: sentinel.NewMemoryCheckpoint (the
	// default), sentinel.NewFileCheckpoint, the blobcheckpoint package, or your own
	// sentinel.CheckpointStore. The Sentinel and Graph watchers share the stores.
	Checkpoint sentinel.CheckpointStore
	// CheckpointName tells apart several watchers that share a store (one per tenant, or
	// per severity); it becomes the last segment of the checkpoint's key.
	CheckpointName string
	// Owner is the watcher's ID in the lease; "" means host name, process ID and random bits.
	Owner string
	// LeaseDuration is how long the lease lasts without renewal; 0 means
	// sentinel.DefaultLeaseDuration.
	LeaseDuration time.Duration
	// SaveEvery is K, the deliveries between checkpoint saves; 0 means
	// sentinel.DefaultSaveEvery.
	SaveEvery int

	// HandlerRetry bounds the retries of a failing incident within a poll.
	HandlerRetry sentinel.HandlerRetryOptions
	// OnHandlerError decides what happens when the handler fails; nil means
	// sentinel.RetryIncident.
	OnHandlerError func(inc Incident, err error) sentinel.HandlerErrorAction
	// OnDeadLetter receives an incident on which the handler failed every attempt; the
	// checkpoint then moves past it. nil: the poll ends at the incident.
	OnDeadLetter func(ctx context.Context, inc Incident, err error) error
	// OnPoll, when set, is called after every poll with the watcher's statistics.
	OnPoll func(sentinel.WatchStats)
	// Logger receives the watcher's events; nil discards them.
	Logger *slog.Logger

	clock pipeline.Clock
}

// Checkpoint is an IncidentWatcher's cursor, stored as JSON (encoding/json; the form is
// stable) in sentinel.CheckpointRecord.Cursor.
type Checkpoint struct {
	// Endpoint is the Graph host the checkpoint was written for; a watcher refuses another's.
	Endpoint string `json:"endpoint"`
	// Mode is the watch mode the checkpoint was written in.
	Mode sentinel.WatchMode `json:"mode"`
	// Time is the newest createdDateTime (WatchNew) or lastUpdateDateTime
	// (WatchNewAndChanged) delivered, or the start time before the first delivery.
	Time time.Time `json:"time"`
	// Seen are the incidents delivered within the overlap window behind Time, by ID, with
	// the time delivered.
	Seen map[string]time.Time `json:"seen,omitempty"`
}

// IncidentWatcher is the incidents daemon over Microsoft Graph: the same machine as
// sentinel.IncidentWatcher (its delivery guarantee, leases, batched saves, handler retries,
// dead letter, statistics and checkpoint stores), with Graph's cursor: createdDateTime or
// lastUpdateDateTime and incident IDs.
//
// Each poll lists the incidents created (or updated) since the cursor minus Overlap, every
// page, and delivers them oldest first: Graph lists incidents newest first and has no
// $orderby, so a poll holds its window's incidents in memory and sorts them before the
// first delivery, so that the checkpoint never moves past an incident not yet delivered.
// Re-read incidents are recognised by ID (and, in WatchNewAndChanged mode, by
// lastUpdateDateTime) and not delivered twice; the watcher applies the cursor to what the
// service returns as well. Merged incidents (status redirected) are delivered and counted in
// WatchStats.Redirected.
type IncidentWatcher struct {
	w   *watch.Watcher[Incident, Checkpoint]
	key string
}

// Handler processes one incident; see sentinel.Handler.
type Handler func(ctx context.Context, inc Incident) error

// NewIncidentWatcher returns a watcher of the client's tenant. It validates the options and
// sends nothing; the checkpoint is loaded and the lease taken by the first poll. The
// checkpoint's key is "defender/<graph host>/<mode>", followed by "/<CheckpointName>" when
// set.
func (c *Client) NewIncidentWatcher(opts *WatchOptions) (*IncidentWatcher, error) {
	var o WatchOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Mode != sentinel.WatchNew && o.Mode != sentinel.WatchNewAndChanged:
		return nil, errs.ArgError("WatchOptions.Mode", "unknown mode %d", o.Mode)
	case o.Since < 0:
		return nil, errs.ArgError("WatchOptions.Since", "must not be negative")
	case o.Overlap < 0:
		return nil, errs.ArgError("WatchOptions.Overlap", "must not be negative")
	case o.PageSize < 0:
		return nil, errs.ArgError("WatchOptions.PageSize", "must not be negative")
	case o.CheckpointName != "" && (strings.Contains(o.CheckpointName, "/") || watch.CheckKey(o.CheckpointName) != nil):
		return nil, errs.ArgError("WatchOptions.CheckpointName", "must be one key segment: no '/', '\\', control characters, '.' or '..'")
	}
	if o.Since == 0 {
		o.Since = 24 * time.Hour
	}
	if o.Overlap == 0 {
		o.Overlap = sentinel.DefaultWatchOverlap
	}
	if o.clock == nil {
		o.clock = pipeline.RealClock{}
	}
	host := strings.ToLower(c.graph.Endpoint.Host)
	key := "defender/" + host + "/" + o.Mode.String()
	if o.CheckpointName != "" {
		key += "/" + o.CheckpointName
	}
	src := &incidentSource{c: c, endpoint: host, o: o}
	wo := watch.Options[Incident]{
		Key: key, Owner: o.Owner, Store: o.Checkpoint, Interval: o.Interval, Lease: o.LeaseDuration,
		SaveEvery: o.SaveEvery, Retry: o.HandlerRetry, OnHandlerError: o.OnHandlerError,
		OnDeadLetter: o.OnDeadLetter, OnPoll: o.OnPoll, Logger: o.Logger, Clock: o.clock,
		RetryAfter: func(err error) time.Duration {
			var re *sentinel.ResponseError
			if errors.As(err, &re) {
				return re.RetryAfter
			}
			return 0
		},
		Fatal: func(err error) bool { return errors.Is(err, sentinel.ErrInvalidArgument) },
	}
	if err := wo.Validate(); err != nil {
		var fe *watch.FieldError
		if errors.As(err, &fe) {
			return nil, errs.ArgError("WatchOptions."+fe.Field, "%s", fe.Problem)
		}
		return nil, err
	}
	return &IncidentWatcher{w: watch.New[Incident, Checkpoint](src, wo), key: key}, nil
}

// CheckpointKey returns the key of the watcher's checkpoint record.
func (w *IncidentWatcher) CheckpointKey() string { return w.key }

// Stats returns a snapshot of the watcher's counters.
func (w *IncidentWatcher) Stats() sentinel.WatchStats { return w.w.Stats() }

// Run polls until ctx is done, calling handler for each incident; see
// sentinel.IncidentWatcher.Run.
func (w *IncidentWatcher) Run(ctx context.Context, handler Handler) error {
	return w.w.Run(ctx, watch.Handler[Incident](handler))
}

// All returns an iterator that polls like Run, yielding each incident; see
// sentinel.IncidentWatcher.All.
func (w *IncidentWatcher) All(ctx context.Context) iter.Seq2[Incident, error] { return w.w.All(ctx) }

// Poll runs one poll and returns how many incidents were delivered; see
// sentinel.IncidentWatcher.Poll.
func (w *IncidentWatcher) Poll(ctx context.Context, handler Handler) (int, error) {
	return w.w.Poll(ctx, watch.Handler[Incident](handler))
}

// Release saves the checkpoint and gives the lease back.
func (w *IncidentWatcher) Release(ctx context.Context) error { return w.w.Release(ctx) }

// Job binds the watcher to handler for a coordinator (see the blobcheckpoint package).
func (w *IncidentWatcher) Job(handler Handler) sentinel.WatchJob {
	return watch.JobOf(w.w, watch.Handler[Incident](handler))
}

// incidentSource is the Graph side of the watcher: the incidents list and the cursor.
type incidentSource struct {
	c        *Client
	endpoint string
	o        WatchOptions
}

func (s *incidentSource) Start(now time.Time) Checkpoint {
	start := s.o.StartTime
	if start.IsZero() {
		start = now.Add(-s.o.Since)
	}
	return Checkpoint{Endpoint: s.endpoint, Mode: s.o.Mode, Time: start.UTC(), Seen: map[string]time.Time{}}
}

func (s *incidentSource) Check(cp *Checkpoint) error {
	if !strings.EqualFold(cp.Endpoint, s.endpoint) {
		return fmt.Errorf("the checkpoint belongs to Graph endpoint %q, not %q", cp.Endpoint, s.endpoint)
	}
	if cp.Mode != s.o.Mode {
		return fmt.Errorf("the checkpoint was written in %s mode, the watcher runs in %s mode", cp.Mode, s.o.Mode)
	}
	if cp.Seen == nil {
		cp.Seen = map[string]time.Time{}
	}
	return nil
}

// at is the incident's time on the cursor.
func (s *incidentSource) at(inc *Incident) time.Time {
	if s.o.Mode == sentinel.WatchNewAndChanged {
		return inc.LastUpdateDateTime
	}
	return inc.CreatedDateTime
}

// Poll lists the incidents after the cursor minus the overlap (the cursor itself before the
// first delivery) and returns the same bound as a test.
func (s *incidentSource) Poll(cp *Checkpoint) (watch.Pager[Incident], func(*Incident) bool) {
	from := cp.Time
	if len(cp.Seen) > 0 {
		from = from.Add(-s.o.Overlap)
	}
	f := s.o.Filter
	if s.o.Mode == sentinel.WatchNewAndChanged {
		f = f.UpdatedSince(from)
	} else {
		f = f.CreatedSince(from)
	}
	list := s.c.ListIncidents(&ListIncidentsOptions{Filter: f.String(), Top: s.o.PageSize, ExpandAlerts: s.o.ExpandAlerts})
	return &ascending{list: list, at: s.at}, func(inc *Incident) bool { return !s.at(inc).Before(from) }
}

func (s *incidentSource) Delivered(cp *Checkpoint, inc *Incident) bool {
	seen, ok := cp.Seen[inc.ID]
	if s.o.Mode == sentinel.WatchNew || !ok {
		return ok
	}
	return !inc.LastUpdateDateTime.After(seen)
}

func (s *incidentSource) Advance(cp *Checkpoint, inc *Incident) {
	t := s.at(inc).UTC()
	if t.After(cp.Time) {
		cp.Time = t
	}
	cp.Seen[inc.ID] = t
}

func (s *incidentSource) Compact(cp *Checkpoint) {
	horizon := cp.Time.Add(-s.o.Overlap)
	for id, t := range cp.Seen {
		if t.Before(horizon) {
			delete(cp.Seen, id)
		}
	}
}

func (s *incidentSource) Position(cp *Checkpoint) time.Time { return cp.Time }

func (s *incidentSource) ID(inc *Incident) string {
	return "incident " + inc.ID + " (" + inc.DisplayName + ")"
}

func (s *incidentSource) Attrs(inc *Incident) []slog.Attr {
	return []slog.Attr{slog.String("incident", inc.ID)}
}

func (s *incidentSource) Redirected(inc *Incident) (string, bool) {
	if !inc.Status.Is(IncidentStatusRedirected) {
		return "", false
	}
	if inc.RedirectIncidentID != "" {
		return "incident " + inc.RedirectIncidentID, true
	}
	return "", true
}

// ascending reads every page of a poll's listing before handing out any incident, and hands
// them out oldest first (by the cursor's time, then by ID), in as many pages as it read.
type ascending struct {
	list  *sentinel.Pager[Incident]
	at    func(*Incident) time.Time
	pages [][]Incident
	read  bool
}

func (a *ascending) More() bool { return !a.read || len(a.pages) > 0 }

func (a *ascending) NextPage(ctx context.Context) ([]Incident, error) {
	if !a.read {
		var all []Incident
		n := 0
		for a.list.More() {
			page, err := a.list.NextPage(ctx)
			if err != nil {
				return nil, err
			}
			all = append(all, page...)
			n++
		}
		a.read = true
		slices.SortStableFunc(all, func(x, y Incident) int {
			if c := a.at(&x).Compare(a.at(&y)); c != 0 {
				return c
			}
			return compareIDs(x.ID, y.ID)
		})
		a.pages = split(all, max(n, 1))
	}
	if len(a.pages) == 0 {
		return nil, nil
	}
	page := a.pages[0]
	a.pages = a.pages[1:]
	return page, nil
}

// compareIDs orders numeric IDs as numbers, others as text.
func compareIDs(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	if errA == nil && errB == nil {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

// split cuts s into n consecutive parts of nearly equal length.
func split[T any](s []T, n int) [][]T {
	out := make([][]T, 0, n)
	for i := range n {
		lo, hi := len(s)*i/n, len(s)*(i+1)/n
		out = append(out, s[lo:hi])
	}
	return out
}
