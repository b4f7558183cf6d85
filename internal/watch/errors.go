package watch

import (
	"errors"
	"fmt"
	"time"
)

// CheckpointError reports a checkpoint that could not be loaded or saved, or that a watcher
// cannot use (another workspace's, another mode's, unreadable). A watcher stops on it rather
// than start over.
type CheckpointError struct {
	Op  string // "load" or "save"
	Key string // the checkpoint's key
	Err error
}

func (e *CheckpointError) Error() string {
	return fmt.Sprintf("watch: checkpoint %s of %s: %v", e.Op, e.Key, e.Err)
}

// Unwrap returns the underlying error.
func (e *CheckpointError) Unwrap() error { return e.Err }

var (
	// ErrLeaseHeld means that another live watcher holds the checkpoint's lease.
	ErrLeaseHeld = errors.New("another watcher holds the lease")
	// ErrLeaseLost means that the watcher lost its lease: it expired and another watcher took
	// it, or the watcher handed it over on request.
	ErrLeaseLost = errors.New("the watcher lost its lease")
)

// LeaseError reports that a watcher does not hold its checkpoint's lease; it wraps
// ErrLeaseHeld or ErrLeaseLost.
type LeaseError struct {
	Key     string
	Owner   string    // the lease's holder as last read ("" if unknown)
	Expires time.Time // the holder's lease end as last read
	Err     error
}

func (e *LeaseError) Error() string {
	s := fmt.Sprintf("watch: checkpoint %s: %v", e.Key, e.Err)
	if e.Owner != "" {
		s += fmt.Sprintf(" (held by %q until %s)", e.Owner, e.Expires.UTC().Format(time.RFC3339Nano))
	}
	return s
}

// Unwrap returns ErrLeaseHeld or ErrLeaseLost.
func (e *LeaseError) Unwrap() error { return e.Err }

// FieldError names an invalid option; facades turn it into their argument error.
type FieldError struct {
	Field, Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// handlerError is a handler failure that ended a poll.
type handlerError struct{ err error }

func (e *handlerError) Error() string { return e.err.Error() }
func (e *handlerError) Unwrap() error { return e.err }
