package blobcheckpoint

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/watch"
)

// Lister is a checkpoint store that can list its records: Store, or for tests in one
// process sentinel.NewMemoryCheckpoint().
type Lister interface {
	sentinel.CheckpointStore
	List(ctx context.Context) ([]sentinel.CheckpointRecord, error)
}

// Coordinator spreads watchers (jobs, one per workspace) over the replicas of a service that
// share a store, so that each checkpoint is worked by one replica at a time, using the load
// balancing of the Azure Event Hubs event processor:
//
//   - Every Interval a replica lists the checkpoint records (one request), counts the live
//     owners (replicas with an unexpired lease) and itself, and computes its fair share of the
//     W jobs over those R replicas: W/R, or one more while fewer than W%R replicas hold that
//     many.
//   - Below its share, it claims free or expired checkpoints: the job's ETag-conditional
//     write decides any race. When none is free, it asks the most loaded replica to hand one
//     over (it writes its ID in the blob's handoff metadata); that replica finishes the
//     incident in hand, saves the checkpoint and writes the new owner in the same
//     conditional write, so the two never deliver for one workspace at once and nothing is
//     delivered twice.
//   - A replica that stops (ctx done) saves and releases its checkpoints: the others claim
//     them in their next round. One that dies keeps them until its leases expire
//     (sentinel.WatchOptions.LeaseDuration); the replica that claims a checkpoint then
//     delivers at most K (SaveEvery) incidents again.
//
// Rebalancing after a replica joins or leaves takes a few rounds: a new replica takes one
// checkpoint per overloaded replica per round.
type Coordinator struct {
	c *watch.Coordinator
}

// CoordinatorOptions configure a Coordinator.
type CoordinatorOptions struct {
	// Replica is this replica's ID, for example its host or pod name; "" means host name,
	// process ID and random bits. A replica restarted with the same ID takes back at once
	// the checkpoints whose leases it still holds. At most 128 printable ASCII characters.
	Replica string
	// Interval is the time between balancing rounds; 0 means 20 seconds (a third of the
	// default lease). Keep it well below the watchers' LeaseDuration.
	Interval time.Duration
	// Logger receives ownership events: claims, hand-over requests, leases lost, the
	// balance of each round (Debug). nil discards them.
	Logger *slog.Logger
}

// NewCoordinator returns a coordinator over store.
func NewCoordinator(store Lister, opts *CoordinatorOptions) (*Coordinator, error) {
	var o CoordinatorOptions
	if opts != nil {
		o = *opts
	}
	if store == nil {
		return nil, &sentinel.ArgumentError{Name: "store", Reason: "must not be nil"}
	}
	c, err := watch.NewCoordinator(store, watch.CoordinatorOptions{Replica: o.Replica, Interval: o.Interval, Logger: o.Logger})
	var fe *watch.FieldError
	if errors.As(err, &fe) {
		return nil, &sentinel.ArgumentError{Name: "CoordinatorOptions." + fe.Field, Reason: fe.Problem}
	}
	if err != nil {
		return nil, err
	}
	return &Coordinator{c: c}, nil
}

// Replica returns the replica's ID.
func (c *Coordinator) Replica() string { return c.c.Replica() }

// Owned returns the keys of the checkpoints whose lease this replica holds now, sorted.
func (c *Coordinator) Owned() []string { return c.c.Owned() }

// Stats returns the counters of the watchers this replica runs now (holding their lease, or
// claiming it), by checkpoint key.
func (c *Coordinator) Stats() []sentinel.WatchStats { return c.c.Stats() }

// Run balances until ctx is done, running each job while this replica owns its checkpoint,
// then stops them (each saves its checkpoint and releases its lease) and returns ctx's
// error. Every replica should be given the same jobs; their keys must be distinct.
func (c *Coordinator) Run(ctx context.Context, jobs ...sentinel.WatchJob) error {
	err := c.c.Run(ctx, jobs)
	var fe *watch.FieldError
	if errors.As(err, &fe) {
		return &sentinel.ArgumentError{Name: fe.Field, Reason: fe.Problem}
	}
	return err
}
