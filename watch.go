package sentinel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/watch"
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

// String returns the mode's name: "new" or "new-and-changed".
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
type HandlerErrorAction = watch.Action

const (
	// RetryIncident hands the incident to the handler again within the poll, with
	// exponential backoff (WatchOptions.HandlerRetry), and after the last attempt to
	// WatchOptions.OnDeadLetter; without a dead letter the poll ends at the incident and the
	// next poll delivers it again. This is the default.
	RetryIncident HandlerErrorAction = watch.Retry
	// SkipIncident advances the checkpoint past the incident at once.
	SkipIncident HandlerErrorAction = watch.Skip
)

// HandlerRetryOptions bound the retries of a failing incident within one poll: MaxAttempts
// handler calls in all (0 means 5; 1 means no retry), waiting Delay (0 means 250 ms) before
// the first retry and twice as long before each next one, up to MaxDelay (0 means 10 s), with
// up to a quarter taken off at random.
type HandlerRetryOptions = watch.RetryOptions

// WatchStats are an IncidentWatcher's counters for its workspace: Polls, Requests (pages),
// Delivered (incidents past which the checkpoint moved: handled, skipped or dead-lettered),
// HandlerErrors, Retries, Skipped, DeadLettered, Refused (incidents the service returned
// behind the cursor, never delivered), Redirected (merged incidents delivered), Saves
// (checkpoint writes), PollErrors, Lag (the end of the last poll minus the newest created or
// modified time delivered), LastError, LastPoll, and the lease: Key, Owner and Leased.
type WatchStats = watch.Stats

// WatchJob is an IncidentWatcher bound to its handler, for a coordinator that runs it on the
// replica that owns its checkpoint (see the blobcheckpoint package).
type WatchJob = watch.Job

// Defaults of WatchOptions.
const (
	// DefaultWatchOverlap is how far back each poll re-reads. Incidents of
	// Defender-onboarded workspaces reach Sentinel up to 5-10 minutes late, so it is 10 minutes.
	DefaultWatchOverlap = 10 * time.Minute
	// DefaultSaveEvery is K, the number of deliveries between checkpoint saves, and so the
	// most incidents a crash can cause to be delivered again. 100 keeps a 3,000-incident
	// backlog with the file checkpoint within 2x of the memory checkpoint's time
	// (BenchmarkWatchBacklog).
	DefaultSaveEvery = watch.DefaultSaveEvery
	// DefaultLeaseDuration is how long a watcher's lease lasts without renewal.
	DefaultLeaseDuration = watch.DefaultLease
)

// WatchOptions configure an IncidentWatcher. The zero value watches for new incidents created
// in the last 24 hours and after, polling every 30 seconds, with the checkpoint in memory.
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
	// Overlap is how far back each poll re-reads to catch incidents that reach the service
	// late (Defender-synced incidents arrive up to 10 minutes late) or whose times are
	// skewed; re-read incidents are not delivered twice. 0 means DefaultWatchOverlap (10 min).
	Overlap time.Duration

	// Checkpoint stores the watcher's position and lease; nil keeps it in memory only. Use
	// NewFileCheckpoint to survive restarts, the blobcheckpoint package for replicas on
	// several machines, or implement CheckpointStore for a database.
	Checkpoint CheckpointStore
	// CheckpointName tells apart several watchers of one workspace that share a store (for
	// example one per severity); it becomes the last segment of the checkpoint's key.
	CheckpointName string
	// Owner is the watcher's ID in the lease; "" means host name, process ID and random
	// bits. At most 128 printable ASCII characters.
	Owner string
	// LeaseDuration is how long the watcher's lease on its checkpoint lasts without renewal;
	// 0 means DefaultLeaseDuration (1 minute). The holder renews it every third of it;
	// another watcher on the same checkpoint stands by, checking every
	// min(Interval, LeaseDuration/4), and takes over when the holder stops (at once) or its
	// lease expires (a crash). Replicas' clocks must agree within LeaseDuration/2.
	LeaseDuration time.Duration
	// SaveEvery is K: the checkpoint is saved after every K deliveries, at the end of each
	// poll and with each lease renewal; 0 means DefaultSaveEvery (100). A crash delivers at
	// most K incidents again.
	SaveEvery int

	// HandlerRetry bounds the retries of a failing incident within a poll.
	HandlerRetry HandlerRetryOptions
	// OnHandlerError decides what happens when the handler returns an error; nil means
	// RetryIncident. An incident is never skipped silently.
	OnHandlerError func(inc Incident, err error) HandlerErrorAction
	// OnDeadLetter receives an incident on which the handler failed HandlerRetry.MaxAttempts
	// times in a row (a poison incident); the checkpoint then moves past it, so that it does
	// not hold the workspace. If OnDeadLetter returns an error, the incident stays and the
	// poll ends. nil: no dead letter; the poll ends at the incident and the next poll
	// delivers it again.
	OnDeadLetter func(ctx context.Context, inc Incident, err error) error
	// OnPoll, when set, is called after every poll with the watcher's statistics.
	OnPoll func(WatchStats)
	// Logger receives the watcher's events: polls (Debug), handler retries, skips, refused
	// incidents and lease losses (Warn), dead letters (Error), leases acquired, released and
	// handed over, standing by and merged incidents (Info). Each record carries the
	// checkpoint key. nil discards them.
	Logger *slog.Logger

	clock pipeline.Clock
}

// IncidentWatcher is the incidents daemon: it polls one workspace for new (and, optionally,
// changed) incidents and hands each to a handler, in ascending order, following every page of
// each poll, with a checkpoint that survives restarts and a lease on it, so that of several
// watchers of one workspace (replicas, restarts) one delivers at a time.
//
// Delivery guarantee: every incident that matches is delivered, and the checkpoint never
// moves past an incident before the handler returned nil for it (or OnHandlerError skipped
// it, or it went to OnDeadLetter), so nothing is lost across restarts, crashes, handler errors
// or throttling. Re-read incidents are recognised and not delivered twice. The checkpoint is
// saved every SaveEvery (K) deliveries and whenever a poll ends (a cancelled context or a
// handler panic included), so a crash of the process causes at most K incidents to be
// delivered again after the restart, or by the replica that takes over: handlers should be
// idempotent for that case.
//
// Cursors: in WatchNew mode the cursor is the incident number, which the service assigns in
// strictly increasing order; the created time only places the very first poll, because
// created times tie, are truncated, and incidents synced from Microsoft Defender arrive
// back-dated. Each poll asks for incidents numbered above the last one delivered or created
// within Overlap of the newest created time seen, ordered by number. In WatchNewAndChanged
// mode the cursor is the last-modified time: each poll asks for incidents modified since the
// newest modification delivered minus Overlap, ordered by modification time, and a record of
// the last delivered modification per incident (kept for Overlap behind the cursor, never
// against the wall clock) removes repeats. The watcher applies the same bounds to what the
// service returns, so a server that ignores $filter cannot make it deliver an incident
// behind the cursor: such incidents are counted in WatchStats.Refused and logged. The
// checkpoint holds the cursor, never a nextLink.
//
// An idle poll costs one request. Several watchers in one process (one per workspace) stay
// under an ARM request budget by sharing one ClientOptions.RateLimiter.
type IncidentWatcher struct {
	w   *watch.Watcher[Incident, Checkpoint]
	key string
}

// NewIncidentWatcher returns a watcher for the client's workspace. It validates the options
// and sends nothing; the checkpoint is loaded and the lease taken by the first poll.
func (c *Client) NewIncidentWatcher(opts *WatchOptions) (*IncidentWatcher, error) {
	o := optionsOf(opts)
	switch {
	case o.Mode != WatchNew && o.Mode != WatchNewAndChanged:
		return nil, argError("WatchOptions.Mode", "unknown mode %d", o.Mode)
	case o.Since < 0:
		return nil, argError("WatchOptions.Since", "must not be negative")
	case o.Overlap < 0:
		return nil, argError("WatchOptions.Overlap", "must not be negative")
	case o.PageSize < 0 || o.PageSize > maxIncidentPageSize:
		return nil, argError("WatchOptions.PageSize", "must be between 1 and %d, got %d", maxIncidentPageSize, o.PageSize)
	case o.CheckpointName != "" && (strings.Contains(o.CheckpointName, "/") || watch.CheckKey(o.CheckpointName) != nil):
		return nil, argError("WatchOptions.CheckpointName", "must be one key segment: no '/', '\\', control characters, '.' or '..'")
	}
	if o.Since == 0 {
		o.Since = 24 * time.Hour
	}
	if o.Overlap == 0 {
		o.Overlap = DefaultWatchOverlap
	}
	if o.PageSize == 0 {
		o.PageSize = maxIncidentPageSize
	}
	if o.clock == nil {
		o.clock = pipeline.RealClock{}
	}
	ws := c.ws.SubscriptionID + "/" + c.ws.ResourceGroup + "/" + c.ws.Name
	key := "sentinel/" + strings.ToLower(ws) + "/" + o.Mode.String()
	if o.CheckpointName != "" {
		key += "/" + o.CheckpointName
	}
	src := &incidentSource{c: c, ws: ws, o: o}
	wo := watch.Options[Incident]{
		Key: key, Owner: o.Owner, Store: o.Checkpoint, Interval: o.Interval, Lease: o.LeaseDuration,
		SaveEvery: o.SaveEvery, Retry: o.HandlerRetry, OnHandlerError: o.OnHandlerError,
		OnDeadLetter: o.OnDeadLetter, OnPoll: o.OnPoll, Logger: o.Logger, Clock: o.clock,
		RetryAfter: func(err error) time.Duration {
			var re *ResponseError
			if errors.As(err, &re) {
				return re.RetryAfter
			}
			return 0
		},
		Fatal: func(err error) bool { return errors.Is(err, ErrInvalidArgument) },
	}
	if err := wo.Validate(); err != nil {
		var fe *watch.FieldError
		if errors.As(err, &fe) {
			return nil, argError("WatchOptions."+fe.Field, "%s", fe.Problem)
		}
		return nil, err
	}
	return &IncidentWatcher{w: watch.New[Incident, Checkpoint](src, wo), key: key}, nil
}

// CheckpointKey returns the key of the watcher's checkpoint record:
// "sentinel/<subscription>/<resource group>/<workspace>/<mode>" in lower case, followed by
// "/<CheckpointName>" when set.
func (w *IncidentWatcher) CheckpointKey() string { return w.key }

// Stats returns a snapshot of the watcher's counters.
func (w *IncidentWatcher) Stats() WatchStats { return w.w.Stats() }

// Handler processes one incident. Returning an error applies WatchOptions.OnHandlerError and
// HandlerRetry. A panic is not recovered: the checkpoint is saved up to the incident before,
// the lease released (by Run), and the panic propagates to the caller of Run or Poll. The
// context is cancelled if the watcher loses its lease during the call.
type Handler func(ctx context.Context, inc Incident) error

// Run polls until ctx is done, calling handler for each incident, and returns ctx's error.
// While another watcher holds the checkpoint's lease it stands by, and takes over when that
// lease is released or expires. A poll that fails on the service (after the client's
// retries and throttling budget) or on the checkpoint store is retried after the interval,
// or after the service's Retry-After when that is longer; the checkpoint is kept. Run
// returns early with the error when the checkpoint holds something it cannot use
// (ErrUnusableCheckpoint). Cancelling ctx stops after the current incident; Run then saves
// the checkpoint and releases the lease.
func (w *IncidentWatcher) Run(ctx context.Context, handler Handler) error {
	return w.w.Run(ctx, watch.Handler[Incident](handler))
}

// All returns an iterator that polls like Run, yielding each incident. The checkpoint
// advances past an incident when the loop body returns normally for it (that is, when the
// next value is requested); breaking out of the loop stops without advancing past the
// current incident, saves the checkpoint and releases the lease. Poll errors are yielded as
// (zero, err) and polling goes on unless the body breaks; fatal errors end the iteration
// after being yielded.
func (w *IncidentWatcher) All(ctx context.Context) iter.Seq2[Incident, error] { return w.w.All(ctx) }

// Poll runs one poll: it takes the checkpoint's lease if it does not hold it (failing with a
// *LeaseError matching ErrLeaseHeld when another watcher does), lists every incident past the
// checkpoint, following all pages, and calls handler for each one not delivered before. It
// returns how many incidents were delivered. Polls never overlap: a concurrent call waits.
// The lease stays held after Poll; call Release to give it back.
func (w *IncidentWatcher) Poll(ctx context.Context, handler Handler) (int, error) {
	return w.w.Poll(ctx, watch.Handler[Incident](handler))
}

// Release saves the checkpoint and gives the lease back, so that a watcher standing by takes
// over at once. It does nothing when the watcher does not hold the lease.
func (w *IncidentWatcher) Release(ctx context.Context) error { return w.w.Release(ctx) }

// Job binds the watcher to handler for a coordinator (see the blobcheckpoint package): the
// coordinator runs it as its replica's lease holder while the replica owns the checkpoint.
func (w *IncidentWatcher) Job(handler Handler) WatchJob {
	return watch.JobOf(w.w, watch.Handler[Incident](handler))
}

// incidentSource is the Sentinel side of the watcher: the incidents list and the cursor.
type incidentSource struct {
	c  *Client
	ws string
	o  WatchOptions
}

func (s *incidentSource) Start(now time.Time) Checkpoint {
	start := s.o.StartTime
	if start.IsZero() {
		start = now.Add(-s.o.Since)
	}
	return Checkpoint{Workspace: s.ws, Mode: s.o.Mode, Time: start.UTC(), Seen: map[string]SeenIncident{}}
}

func (s *incidentSource) Check(cp *Checkpoint) error {
	if !strings.EqualFold(cp.Workspace, s.ws) {
		return fmt.Errorf("the checkpoint belongs to workspace %q, not %q", cp.Workspace, s.ws)
	}
	if cp.Mode != s.o.Mode {
		return fmt.Errorf("the checkpoint was written in %s mode, the watcher runs in %s mode", cp.Mode, s.o.Mode)
	}
	if cp.Seen == nil {
		cp.Seen = map[string]SeenIncident{}
	}
	return nil
}

// from is the poll's lower time bound: the cursor's time, minus the overlap once anything
// was delivered.
func (s *incidentSource) from(cp *Checkpoint) time.Time {
	if len(cp.Seen) > 0 || cp.Number > 0 {
		return cp.Time.Add(-s.o.Overlap)
	}
	return cp.Time
}

// Poll lists the incidents after the cursor and returns the same bounds as a test.
func (s *incidentSource) Poll(cp *Checkpoint) (watch.Pager[Incident], func(*Incident) bool) {
	f, from, number := s.o.Filter, s.from(cp), cp.Number
	orderBy := OrderByNumberAsc
	switch {
	case s.o.Mode == WatchNewAndChanged:
		f = f.ModifiedSince(from)
		orderBy = OrderByModifiedAsc
	case number > 0:
		f = f.Raw(fmt.Sprintf("properties/incidentNumber gt %d or properties/createdTimeUtc ge %s", number, ODataTime(from)))
	default:
		f = f.with("properties/createdTimeUtc ge " + ODataTime(from))
	}
	pager := s.c.ListIncidents(&ListIncidentsOptions{Filter: f.String(), OrderBy: orderBy, Top: s.o.PageSize})
	mode := s.o.Mode
	return pager, func(inc *Incident) bool {
		switch {
		case mode == WatchNewAndChanged:
			return !inc.LastModifiedTime.Before(from)
		case number > 0:
			return inc.Number > number || !inc.CreatedTime.Before(from)
		}
		return !inc.CreatedTime.Before(from)
	}
}

// Delivered reports whether inc was delivered before in its current state.
func (s *incidentSource) Delivered(cp *Checkpoint, inc *Incident) bool {
	seen, ok := cp.Seen[inc.Name]
	if s.o.Mode == WatchNew || !ok {
		return ok
	}
	return !inc.LastModifiedTime.After(seen.Time) && (!inc.LastModifiedTime.Equal(seen.Time) || inc.Etag == seen.Etag)
}

// Advance records inc as delivered.
func (s *incidentSource) Advance(cp *Checkpoint, inc *Incident) {
	t := inc.CreatedTime
	if s.o.Mode == WatchNewAndChanged {
		t = inc.LastModifiedTime
	} else if inc.Number > cp.Number {
		cp.Number = inc.Number
	}
	if t.After(cp.Time) {
		cp.Time = t.UTC()
	}
	cp.Seen[inc.Name] = SeenIncident{Time: t.UTC(), Etag: inc.Etag}
}

// Compact drops the records that fell out of the overlap window behind the cursor.
func (s *incidentSource) Compact(cp *Checkpoint) {
	horizon := cp.Time.Add(-s.o.Overlap)
	for name, seen := range cp.Seen {
		if seen.Time.Before(horizon) {
			delete(cp.Seen, name)
		}
	}
}

func (s *incidentSource) Position(cp *Checkpoint) time.Time { return cp.Time }

func (s *incidentSource) ID(inc *Incident) string {
	return fmt.Sprintf("incident %d (%s)", inc.Number, inc.Name)
}

func (s *incidentSource) Attrs(inc *Incident) []slog.Attr {
	return []slog.Attr{slog.Int64("incident", inc.Number), slog.String("name", inc.Name)}
}

func (s *incidentSource) Redirected(inc *Incident) (string, bool) {
	r, ok := RedirectionOf(*inc)
	switch {
	case !ok:
		return "", false
	case r.Number > 0:
		return "incident " + strconv.FormatInt(r.Number, 10), true
	}
	return r.URL, true
}

// RedirectedLabel is the label Microsoft Defender puts on a Sentinel incident it merged into
// another (the merged one is closed).
const RedirectedLabel = "Redirected"

// Redirection describes a Sentinel incident that Microsoft Defender merged into another.
type Redirection struct {
	// Number is the incident number of the incident it was merged into, from
	// properties.additionalData.mergedIncidentNumber; 0 when the payload does not carry it
	// (stable api-versions do not: only preview versions send it).
	Number int64
	// URL is properties.additionalData.mergedIncidentUrl, the merged-into incident's link;
	// "" when not sent.
	URL string
}

// RedirectionOf reports whether Microsoft Defender merged inc into another incident: the
// incident is Closed and carries the label "Redirected" (compared case-insensitively), as
// Defender-synced incidents do after a merge. The incident it went to is filled in when the
// payload says: additionalData.mergedIncidentNumber and mergedIncidentUrl (preview
// api-versions); stable versions only say that it was redirected, and the Defender portal
// link in AdditionalData.ProviderIncidentURL leads on to the merged incident.
func RedirectionOf(inc Incident) (Redirection, bool) {
	if inc.Status != IncidentStatusClosed {
		return Redirection{}, false
	}
	redirected := false
	for _, l := range inc.Labels {
		if strings.EqualFold(l.Name, RedirectedLabel) {
			redirected = true
			break
		}
	}
	if !redirected {
		return Redirection{}, false
	}
	raw, err := MarshalJSON(inc)
	if err != nil {
		return Redirection{}, true
	}
	return redirectionFromWire(raw), true
}

// redirectionFromWire reads the merge target from an incident's wire form; the number comes
// as a string or a number.
func redirectionFromWire(raw []byte) Redirection {
	var wire struct {
		Properties struct {
			AdditionalData struct {
				MergedIncidentNumber json.RawMessage `json:"mergedIncidentNumber"`
				MergedIncidentURL    string          `json:"mergedIncidentUrl"`
			} `json:"additionalData"`
		} `json:"properties"`
	}
	var r Redirection
	if json.Unmarshal(raw, &wire) != nil {
		return r
	}
	ad := wire.Properties.AdditionalData
	r.URL = ad.MergedIncidentURL
	num := strings.Trim(string(ad.MergedIncidentNumber), `"`)
	if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > 0 {
		r.Number = n
	}
	return r
}
