package watch

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Record is one checkpoint as a store keeps it: a watcher's cursor as opaque JSON, and the
// lease on it. Every watcher, whatever it watches, stores this one shape, so one store serves
// them all.
type Record struct {
	// Key names what the checkpoint belongs to, e.g. "sentinel/<subscription>/<resource
	// group>/<workspace>"; a store holds at most one record per key.
	Key string
	// Cursor is the watcher's position as JSON; nil before its first save.
	Cursor []byte
	// Owner is the lease holder's ID; "" when the lease is free.
	Owner string
	// Expires is when the lease ends unless its owner renews it. Another watcher may claim a
	// lease whose Expires has passed on its own clock.
	Expires time.Time
	// Handoff is the ID of a watcher that asked the owner for the lease; the owner hands it
	// over after its next save. "" when nobody asked.
	Handoff string
	// Version identifies the stored state: an ETag, a counter. The store sets it; Save
	// writes only over the version it is given ("" = only if no record exists).
	Version string
}

// Free reports whether the lease can be claimed at now: nobody holds it or it expired.
func (r *Record) Free(now time.Time) bool { return r.Owner == "" || !now.Before(r.Expires) }

var (
	// ErrVersionConflict is wrapped by Store.Save when the stored record is not at the version
	// given: another writer got there first.
	ErrVersionConflict = errors.New("the checkpoint was changed by another writer (version conflict)")
	// ErrLocked is returned by Locker.Lock when another watcher, in this process or another,
	// holds the lock.
	ErrLocked = errors.New("the checkpoint is locked by another watcher")
)

// Store keeps records by key. Save is a compare-and-swap: it writes rec only if the stored
// version is rec.Version ("" meaning that no record exists), and returns the new version;
// otherwise it fails with an error wrapping ErrVersionConflict and writes nothing. A record is
// replaced atomically: a crash leaves the previous record or the new one, never a mix.
type Store interface {
	Load(ctx context.Context, key string) (rec Record, ok bool, err error)
	Save(ctx context.Context, rec Record) (version string, err error)
}

// Lister is a Store that can list its records, as a coordinator needs. Listed records may
// come without their Cursor.
type Lister interface {
	Store
	List(ctx context.Context) ([]Record, error)
}

// Locker is a Store whose records can also be locked by the operating system for as long as
// a watcher holds the lease: a watcher that crashes loses the lock at once, so another can
// take over without waiting for the lease to expire. Lock fails with ErrLocked when the lock
// is held; unlock releases it.
type Locker interface {
	Store
	Lock(ctx context.Context, key string) (unlock func() error, err error)
}

// MemoryStore keeps records in memory, for one process. The zero value is empty and ready.
type MemoryStore struct {
	mu   sync.Mutex
	recs map[string]Record
	seq  uint64
}

// Load returns a copy of the record stored under key.
func (m *MemoryStore) Load(_ context.Context, key string) (Record, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[key]
	if !ok {
		return Record{}, false, nil
	}
	r.Cursor = append([]byte(nil), r.Cursor...)
	return r, true, nil
}

// Save stores a copy of rec if the stored version is rec.Version.
func (m *MemoryStore) Save(_ context.Context, rec Record) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := checkKey(rec.Key); err != nil {
		return "", err
	}
	cur, ok := m.recs[rec.Key]
	switch {
	case !ok && rec.Version != "":
		return "", fmt.Errorf("%w: %q was not found at version %s", ErrVersionConflict, rec.Key, rec.Version)
	case ok && cur.Version != rec.Version:
		return "", fmt.Errorf("%w: %q is at version %s, not %q", ErrVersionConflict, rec.Key, cur.Version, rec.Version)
	}
	if m.recs == nil {
		m.recs = map[string]Record{}
	}
	m.seq++
	rec.Version = strconv.FormatUint(m.seq, 10)
	rec.Cursor = append([]byte(nil), rec.Cursor...)
	m.recs[rec.Key] = rec
	return rec.Version, nil
}

// List returns every record, by key.
func (m *MemoryStore) List(context.Context) ([]Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Record, 0, len(m.recs))
	for _, r := range m.recs {
		r.Cursor = append([]byte(nil), r.Cursor...)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// checkKey refuses keys no store can hold faithfully.
func checkKey(key string) error {
	switch {
	case key == "":
		return errors.New("empty checkpoint key")
	case len(key) > 512:
		return fmt.Errorf("checkpoint key of %d bytes; at most 512", len(key))
	case strings.ContainsFunc(key, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }):
		return fmt.Errorf("checkpoint key %q has a control character or backslash", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("checkpoint key %q has an empty, . or .. segment", key)
		}
	}
	return nil
}

// CheckKey reports whether a store can hold key: 1 to 512 bytes, no control characters or
// backslashes, and '/'-separated segments that are neither empty nor "." or "..".
func CheckKey(key string) error { return checkKey(key) }
