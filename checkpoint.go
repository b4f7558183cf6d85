package sentinel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// CheckpointStore persists an IncidentWatcher's Checkpoint. Load returns ok=false when there
// is none yet. Save must replace the stored checkpoint atomically: after a crash, Load returns
// either the previous checkpoint or the new one, never a mix. The watcher calls Save after
// every delivered incident, and never concurrently.
//
// To keep checkpoints in a database, implement the interface with one row per watcher: Save
// writes json.Marshal(cp) in a single-statement upsert (or a transaction), Load reads and
// json.Unmarshals it. Return an error from Load for data you cannot read rather than ok=false,
// so that a damaged row does not silently restart the watcher from its start time.
type CheckpointStore interface {
	Load(ctx context.Context) (cp Checkpoint, ok bool, err error)
	Save(ctx context.Context, cp Checkpoint) error
}

// CheckpointError reports a checkpoint that could not be loaded or saved, or that belongs to
// another workspace or mode. The watcher stops on it instead of starting over.
type CheckpointError struct {
	Op   string // "load" or "save"
	Path string // the file, for file checkpoints
	Err  error
}

func (e *CheckpointError) Error() string {
	s := "sentinel: checkpoint " + e.Op
	if e.Path != "" {
		s += " " + e.Path
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *CheckpointError) Unwrap() error { return e.Err }

// MemoryCheckpoint keeps the checkpoint in memory: a restart begins from the start time.
type MemoryCheckpoint struct {
	mu sync.Mutex
	cp *Checkpoint
}

// NewMemoryCheckpoint returns an empty in-memory store.
func NewMemoryCheckpoint() *MemoryCheckpoint { return &MemoryCheckpoint{} }

// Load returns the saved checkpoint.
func (m *MemoryCheckpoint) Load(context.Context) (Checkpoint, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.cp == nil {
		return Checkpoint{}, false, nil
	}
	return m.cp.clone(), true, nil
}

// Save stores a copy of cp.
func (m *MemoryCheckpoint) Save(_ context.Context, cp Checkpoint) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := cp.clone()
	m.cp = &c
	return nil
}

// FileCheckpoint keeps the checkpoint in a file that survives crashes: Save writes a
// temporary file, syncs it, renames it over the old one and syncs the directory. Load
// refuses a file that is corrupt, truncated or not a checkpoint, leaving it untouched, instead
// of silently starting over.
type FileCheckpoint struct {
	path string
}

// NewFileCheckpoint returns a store for the file at path; the file is created by the first
// Save.
func NewFileCheckpoint(path string) *FileCheckpoint { return &FileCheckpoint{path: path} }

const checkpointFormat = "sentinel-incident-watcher-checkpoint"

type checkpointFile struct {
	Format     string          `json:"format"`
	Version    int             `json:"version"`
	SHA256     string          `json:"sha256"`
	Checkpoint json.RawMessage `json:"checkpoint"`
}

// Load reads the file; a missing file is ok=false. It also removes temporary files that a
// Save interrupted by a crash left behind.
func (f *FileCheckpoint) Load(context.Context) (Checkpoint, bool, error) {
	f.removeStaleTemps()
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Checkpoint{}, false, nil
	}
	if err != nil {
		return Checkpoint{}, false, &CheckpointError{Op: "load", Path: f.path, Err: err}
	}
	bad := func(format string, args ...any) (Checkpoint, bool, error) {
		return Checkpoint{}, false, &CheckpointError{Op: "load", Path: f.path,
			Err: fmt.Errorf("the file is not a valid checkpoint ("+format+"); it was left untouched: repair or remove it to start over", args...)}
	}
	var file checkpointFile
	if err := json.Unmarshal(data, &file); err != nil {
		return bad("%v", err)
	}
	if file.Format != checkpointFormat {
		return bad("format %q, want %q", file.Format, checkpointFormat)
	}
	if file.Version != 1 {
		return bad("unsupported version %d", file.Version)
	}
	sum := sha256.Sum256(file.Checkpoint)
	if hex.EncodeToString(sum[:]) != file.SHA256 {
		return bad("checksum mismatch")
	}
	var cp Checkpoint
	if err := json.Unmarshal(file.Checkpoint, &cp); err != nil {
		return bad("%v", err)
	}
	return cp, true, nil
}

// Save replaces the file atomically and durably.
func (f *FileCheckpoint) Save(_ context.Context, cp Checkpoint) error {
	if err := f.save(cp); err != nil {
		return &CheckpointError{Op: "save", Path: f.path, Err: err}
	}
	return nil
}

func (f *FileCheckpoint) save(cp Checkpoint) error {
	body, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	data, err := json.Marshal(checkpointFile{Format: checkpointFormat, Version: 1, SHA256: hex.EncodeToString(sum[:]), Checkpoint: body})
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// staleTempAge is how old a temporary file must be before Load removes it, so that a Save in
// progress in another process (a misconfiguration, but not a reason to corrupt it) is never
// disturbed: a Save takes milliseconds.
const staleTempAge = time.Minute

// removeStaleTemps deletes the temporary files of Saves that a crash interrupted between
// creating the file and renaming it; without this, a daemon that is killed often (evictions,
// OOM kills) would leave them piling up next to its checkpoint.
func (f *FileCheckpoint) removeStaleTemps() {
	dir, prefix := filepath.Dir(f.path), filepath.Base(f.path)+".tmp-"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTempAge {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
