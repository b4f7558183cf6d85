package watch

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
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FileStore keeps one record in a file that survives crashes: a save writes a temporary
// file, syncs it, renames it over the old one and syncs the directory. Load refuses a file
// that is corrupt, truncated or not a checkpoint, leaving it untouched.
//
// FileStore is also a Locker: Lock takes an exclusive OS lock (flock on Unix, LockFileEx on
// Windows) on the file path+".lock", which is created next to the checkpoint and never
// removed. The lock excludes other processes and other FileStores on the same path in this
// process; the operating system releases it when the process dies. A Save made without the
// lock takes it for the duration of the write, so two writers never interleave.
type FileStore struct {
	path string

	mu   sync.Mutex
	held *os.File // the lock file while Lock is held
	// last is the record's version as this store last read or wrote it while holding the
	// lock; nobody else writes then, so a save needs not read the file first.
	last  string
	known bool
}

// NewFileStore returns a store for the file at path; the file is created by the first Save.
func NewFileStore(path string) *FileStore { return &FileStore{path: path} }

// Path returns the checkpoint file's path.
func (f *FileStore) Path() string { return f.path }

const fileFormat = "sentinel-watch-checkpoint"

type fileEnvelope struct {
	Format  string          `json:"format"`
	Version int             `json:"version"`
	SHA256  string          `json:"sha256"`
	Record  json.RawMessage `json:"record"`
}

type fileRecord struct {
	Key     string          `json:"key"`
	Seq     uint64          `json:"seq"`
	Owner   string          `json:"owner,omitempty"`
	Expires time.Time       `json:"expires,omitzero"`
	Handoff string          `json:"handoff,omitempty"`
	Cursor  json.RawMessage `json:"cursor,omitempty"`
}

// Load reads the record; a missing file is ok=false, and a file holding another key's record
// is an error. It also removes temporary files that a save interrupted by a crash left
// behind.
func (f *FileStore) Load(_ context.Context, key string) (Record, bool, error) {
	f.removeStaleTemps()
	rec, ok, err := f.read()
	if err != nil || !ok {
		return Record{}, false, err
	}
	f.mu.Lock()
	if f.held != nil {
		f.last, f.known = rec.Version, true
	}
	f.mu.Unlock()
	if rec.Key != key {
		return Record{}, false, fmt.Errorf("%w: %s holds the checkpoint of %q, not %q; it was left untouched", ErrUnusable, f.path, rec.Key, key)
	}
	return rec, true, nil
}

// List returns the file's record, if any.
func (f *FileStore) List(context.Context) ([]Record, error) {
	rec, ok, err := f.read()
	if err != nil || !ok {
		return nil, err
	}
	return []Record{rec}, nil
}

func (f *FileStore) read() (Record, bool, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Record{}, false, nil
	}
	if err != nil {
		return Record{}, false, err
	}
	bad := func(format string, args ...any) (Record, bool, error) {
		return Record{}, false, fmt.Errorf("%w: %s is not a valid checkpoint ("+format+"); it was left untouched: repair or remove it to start over", append([]any{ErrUnusable, f.path}, args...)...)
	}
	var env fileEnvelope
	if err := json.Unmarshal(data, &env); err != nil {
		return bad("%v", err)
	}
	if env.Format != fileFormat {
		return bad("format %q, want %q", env.Format, fileFormat)
	}
	if env.Version != 2 {
		return bad("unsupported version %d", env.Version)
	}
	sum := sha256.Sum256(env.Record)
	if hex.EncodeToString(sum[:]) != env.SHA256 {
		return bad("checksum mismatch")
	}
	var fr fileRecord
	if err := json.Unmarshal(env.Record, &fr); err != nil {
		return bad("%v", err)
	}
	if fr.Key == "" {
		return bad("no key")
	}
	rec := Record{Key: fr.Key, Owner: fr.Owner, Expires: fr.Expires, Handoff: fr.Handoff, Version: strconv.FormatUint(fr.Seq, 10)}
	if len(fr.Cursor) > 0 {
		rec.Cursor = []byte(fr.Cursor)
	}
	return rec, true, nil
}

// Save replaces the file atomically and durably if it is still at rec.Version.
func (f *FileStore) Save(_ context.Context, rec Record) (string, error) {
	if err := checkKey(rec.Key); err != nil {
		return "", err
	}
	if len(rec.Cursor) > 0 && !json.Valid(rec.Cursor) {
		return "", errors.New("the cursor is not valid JSON")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.held == nil {
		lf, err := f.lock()
		if errors.Is(err, ErrLocked) {
			return "", fmt.Errorf("%w: %w", ErrVersionConflict, err)
		}
		if err != nil && !errors.Is(err, errors.ErrUnsupported) {
			return "", err
		}
		if lf != nil {
			defer func() { _ = unlockFile(lf); _ = lf.Close() }()
		}
	}
	var cur Record
	ok := true
	if f.held != nil && f.known {
		cur = Record{Key: rec.Key, Version: f.last}
		ok = f.last != ""
	} else {
		var err error
		if cur, ok, err = f.read(); err != nil {
			return "", err
		}
	}
	var seq uint64
	switch {
	case ok && cur.Key != rec.Key:
		return "", fmt.Errorf("%w: %s holds the checkpoint of %q, not %q", ErrUnusable, f.path, cur.Key, rec.Key)
	case !ok && rec.Version != "":
		return "", fmt.Errorf("%w: %s does not exist (expected version %s)", ErrVersionConflict, f.path, rec.Version)
	case ok && cur.Version != rec.Version:
		return "", fmt.Errorf("%w: %s is at version %s, not %q", ErrVersionConflict, f.path, cur.Version, rec.Version)
	case ok:
		seq, _ = strconv.ParseUint(cur.Version, 10, 64)
	}
	seq++
	if err := f.write(rec, seq); err != nil {
		f.known = false // the file may hold either version now
		return "", err
	}
	v := strconv.FormatUint(seq, 10)
	if f.held != nil {
		f.last, f.known = v, true
	}
	return v, nil
}

func (f *FileStore) write(rec Record, seq uint64) error {
	body, err := json.Marshal(fileRecord{Key: rec.Key, Seq: seq, Owner: rec.Owner, Expires: rec.Expires.UTC(), Handoff: rec.Handoff, Cursor: rec.Cursor})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	data, err := json.Marshal(fileEnvelope{Format: fileFormat, Version: 2, SHA256: hex.EncodeToString(sum[:]), Record: body})
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
	if runtime.GOOS == "windows" {
		return nil // directories cannot be synced there; the rename is durable on NTFS
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Lock takes the OS lock for key's record (the file's): ErrLocked when another watcher holds
// it, errors.ErrUnsupported on systems without file locks.
func (f *FileStore) Lock(_ context.Context, key string) (func() error, error) {
	if err := checkKey(key); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.held != nil {
		return nil, ErrLocked
	}
	lf, err := f.lock()
	if err != nil {
		return nil, err
	}
	f.held = lf
	var once sync.Once
	return func() error {
		var err error
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			err = errors.Join(unlockFile(lf), lf.Close())
			f.held, f.known = nil, false
		})
		return err
	}, nil
}

func (f *FileStore) lock() (*os.File, error) {
	lf, err := os.OpenFile(f.path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := tryLock(lf); err != nil {
		lf.Close()
		return nil, err
	}
	return lf, nil
}

// staleTempAge is how old a temporary file must be before Load removes it, so that a save in
// progress in another process is never disturbed: a save takes milliseconds.
const staleTempAge = time.Minute

// removeStaleTemps deletes the temporary files of saves that a crash interrupted between
// creating the file and renaming it; without this, a daemon that is killed often (evictions,
// OOM kills) would leave them piling up next to its checkpoint.
func (f *FileStore) removeStaleTemps() {
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
