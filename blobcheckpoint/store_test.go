package blobcheckpoint_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/blobcheckpoint"
	"github.com/sentinel-go/sentinel/internal/azuritetest"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func TestMain(m *testing.M) { os.Exit(azuritetest.Main(m)) }

var containerSeq atomic.Int64

// newContainer creates a fresh container on Azurite for one test.
func newContainer(t testing.TB) *container.Client {
	t.Helper()
	ep := azuritetest.Endpoint(t)
	name := fmt.Sprintf("t%d-%d-%s", time.Now().UnixNano()%1e9, containerSeq.Add(1), strings.ToLower(strings.NewReplacer("/", "-", "_", "-").Replace(t.Name())))
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-")
	}
	cc, err := container.NewClientFromConnectionString(azuritetest.ConnectionString(ep), name, &container.ClientOptions{
		ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: 2, RetryDelay: 10 * time.Millisecond}},
	})
	require.NoError(t, err)
	_, err = cc.Create(context.Background(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = cc.Delete(context.Background(), nil) })
	return cc
}

func newStore(t testing.TB, cc *container.Client, prefix string) *blobcheckpoint.Store {
	t.Helper()
	s, err := blobcheckpoint.NewStore(cc, &blobcheckpoint.StoreOptions{Prefix: prefix})
	require.NoError(t, err)
	return s
}

func TestStoreCompareAndSwap(t *testing.T) {
	ctx := context.Background()
	cc := newContainer(t)
	s := newStore(t, cc, "prod/")
	key := "sentinel/sub/rg/ws-1/new"

	_, ok, err := s.Load(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok)

	expires := time.Date(2026, 11, 1, 12, 0, 0, 123456789, time.UTC)
	v1, err := s.Save(ctx, sentinel.CheckpointRecord{Key: key, Cursor: []byte(`{"number":7}`), Owner: "replica-a", Expires: expires})
	require.NoError(t, err)
	assert.NotEmpty(t, v1)

	_, err = s.Save(ctx, sentinel.CheckpointRecord{Key: key, Cursor: []byte(`{}`)})
	require.ErrorIs(t, err, sentinel.ErrCheckpointConflict, "create only if absent (If-None-Match: *)")

	rec, ok, err := s.Load(ctx, key)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, sentinel.CheckpointRecord{Key: key, Cursor: []byte(`{"number":7}`), Owner: "replica-a", Expires: expires, Version: v1}, rec)

	rec.Handoff = "replica b/ü" // escaped in metadata
	rec.Cursor = []byte(`{"number":8}`)
	v2, err := s.Save(ctx, rec)
	require.NoError(t, err)
	assert.NotEqual(t, v1, v2)
	_, err = s.Save(ctx, rec) // still at v1: stale
	require.ErrorIs(t, err, sentinel.ErrCheckpointConflict, "If-Match on the ETag")

	// A release: no owner, no expiry.
	v3, err := s.Save(ctx, sentinel.CheckpointRecord{Key: key, Cursor: []byte(`{"number":9}`), Version: v2})
	require.NoError(t, err)
	rec, _, err = s.Load(ctx, key)
	require.NoError(t, err)
	assert.Equal(t, sentinel.CheckpointRecord{Key: key, Cursor: []byte(`{"number":9}`), Version: v3}, rec)

	// List: lease fields and versions, no cursors, only under the store's prefix.
	other := newStore(t, cc, "staging/")
	_, err = other.Save(ctx, sentinel.CheckpointRecord{Key: key, Cursor: []byte(`{}`)})
	require.NoError(t, err)
	_, err = s.Save(ctx, sentinel.CheckpointRecord{Key: "sentinel/sub/rg/ws-2/new", Owner: "replica-b", Expires: expires, Handoff: "replica b/ü"})
	require.NoError(t, err)
	list, err := s.List(ctx)
	require.NoError(t, err)
	require.Len(t, list, 2)
	assert.Equal(t, key, list[0].Key)
	assert.Equal(t, v3, list[0].Version)
	assert.Nil(t, list[0].Cursor)
	assert.Equal(t, "sentinel/sub/rg/ws-2/new", list[1].Key)
	assert.Equal(t, "replica-b", list[1].Owner)
	assert.Equal(t, "replica b/ü", list[1].Handoff)
	assert.True(t, expires.Equal(list[1].Expires))

	_, err = s.Save(ctx, sentinel.CheckpointRecord{Key: "a/../b"})
	require.Error(t, err)
	_, err = blobcheckpoint.NewStore(cc, &blobcheckpoint.StoreOptions{Prefix: "/abs"})
	var ae *sentinel.ArgumentError
	require.ErrorAs(t, err, &ae)
}

// Two watchers of one workspace on the blob store: one delivers, the other stands by and
// takes over when the first stops, with nothing delivered twice.
func TestStoreWatcherLease(t *testing.T) {
	cc := newContainer(t)
	store := newStore(t, cc, "")
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	names := srv.SeedIncidents(300)
	var rec recorder
	newWatcher := func(owner string) *sentinel.IncidentWatcher {
		w, err := clientFor(t, srv, srv.Workspace()).NewIncidentWatcher(&sentinel.WatchOptions{
			Since: 72 * time.Hour, Interval: 5 * time.Millisecond, LeaseDuration: time.Second, Owner: owner, Checkpoint: store, PageSize: 100,
		})
		require.NoError(t, err)
		return w
	}
	a, b := newWatcher("replica-a"), newWatcher("replica-b")
	ctx := context.Background()
	n, err := a.Poll(ctx, rec.handler("a"))
	require.NoError(t, err)
	assert.Equal(t, 300, n)
	_, err = b.Poll(ctx, rec.handler("b"))
	var le *sentinel.LeaseError
	require.ErrorAs(t, err, &le)
	assert.ErrorIs(t, err, sentinel.ErrLeaseHeld)
	assert.Equal(t, "replica-a", le.Owner)

	require.NoError(t, a.Release(ctx))
	more := srv.SeedIncidents(20)
	n, err = b.Poll(ctx, rec.handler("b"))
	require.NoError(t, err)
	assert.Equal(t, 20, n)
	assert.Equal(t, len(names)+len(more), rec.distinct())
	assert.Zero(t, rec.duplicates())
}
