package sentinel

import (
	"time"

	"github.com/sentinel-go/sentinel/internal/watch"
)

// CheckpointStore keeps watchers' checkpoints, one CheckpointRecord per key, with
// compare-and-swap saves. Load returns ok=false when there is no record for the key. Save
// writes rec only if the stored record is still at rec.Version ("" meaning that none exists),
// returns the new version, and otherwise fails with an error wrapping ErrCheckpointConflict
// without writing. A record is replaced atomically: after a crash, Load returns the previous
// record or the new one, never a mix.
//
// The same stores serve every watcher of this module (the cursor is opaque JSON):
// NewMemoryCheckpoint, NewFileCheckpoint and, for many replicas, the blobcheckpoint package's
// Azure Blob Storage store.
//
// To keep checkpoints in a database, implement the interface with one row per key holding
// the record's fields and a version column: Save is an INSERT when rec.Version is "" (a
// unique-key violation is a conflict) and otherwise an UPDATE ... WHERE key = ? AND
// version = ? that sets a new version (no row updated is a conflict). Return an error from
// Load for data you cannot read rather than ok=false, so that a damaged row does not
// silently restart the watcher from its start time. Implement List as well to use the
// store with a coordinator.
type CheckpointStore = watch.Store

// CheckpointRecord is a stored checkpoint: the watcher's cursor (for an IncidentWatcher, a
// Checkpoint as JSON), the lease (Owner, Expires, Handoff) and the Version its store assigned.
type CheckpointRecord = watch.Record

// CheckpointError reports a checkpoint that could not be loaded or saved (Op "load", "save"
// or "lock"), or that the watcher cannot use; the latter also matches
// ErrUnusableCheckpoint, and the watcher stops on it rather than start over.
type CheckpointError = watch.CheckpointError

// LeaseError reports that a watcher does not hold its checkpoint's lease. It matches
// ErrLeaseHeld (another live watcher holds it; Owner and Expires say who and until when) or
// ErrLeaseLost (it expired and another watcher took it, or it was handed over on request).
type LeaseError = watch.LeaseError

var (
	// ErrCheckpointConflict is matched by a CheckpointStore.Save that lost a race: the
	// record was not at the expected version.
	ErrCheckpointConflict = watch.ErrVersionConflict
	// ErrUnusableCheckpoint is matched by a checkpoint the watcher cannot use: corrupt,
	// truncated, another workspace's or another mode's.
	ErrUnusableCheckpoint = watch.ErrUnusable
	// ErrLeaseHeld is matched when another live watcher holds the checkpoint's lease.
	ErrLeaseHeld = watch.ErrLeaseHeld
	// ErrLeaseLost is matched when a watcher lost its lease.
	ErrLeaseLost = watch.ErrLeaseLost
)

// MemoryCheckpoint keeps checkpoints in memory, for one process: a restart begins from the
// start time. Watchers sharing one MemoryCheckpoint take turns through the lease.
type MemoryCheckpoint = watch.MemoryStore

// NewMemoryCheckpoint returns an empty in-memory store.
func NewMemoryCheckpoint() *MemoryCheckpoint { return &watch.MemoryStore{} }

// FileCheckpoint keeps one checkpoint in a file that survives crashes: a save writes a
// temporary file, syncs it, renames it over the old one and syncs the directory. Load
// refuses a file that is corrupt, truncated or another workspace's (ErrUnusableCheckpoint),
// leaving it untouched, and removes the temporary files of saves that a crash interrupted.
//
// A watcher on a FileCheckpoint holds an exclusive OS lock (flock on Unix, LockFileEx on
// Windows) on path+".lock", created next to the file and never removed: a second watcher on
// the same file, in this process or another, stands by, and takes over as soon as the first
// stops, or dies, since the operating system drops a dead process's lock. Keep the file on a
// local disk; network file systems may not honour the lock.
type FileCheckpoint = watch.FileStore

// NewFileCheckpoint returns a store for the file at path; the file is created by the first
// save.
func NewFileCheckpoint(path string) *FileCheckpoint { return watch.NewFileStore(path) }

// Checkpoint is an IncidentWatcher's cursor, stored as JSON (encoding/json; the form is
// stable) in CheckpointRecord.Cursor.
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
