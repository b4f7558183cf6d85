// Package blobcheckpoint keeps watchers' checkpoints in Azure Blob Storage and spreads the
// watchers of many workspaces over several replicas of a service, in the way of the Azure
// Event Hubs event processor: one blob per checkpoint, ETag-conditional writes, ownership
// recorded on the blob with an expiry, and a load-balancing coordinator.
//
//	cc, _ := container.NewClient("https://acct.blob.core.windows.net/watch-checkpoints", cred, nil)
//	store, _ := blobcheckpoint.NewStore(cc, nil)
//	coord, _ := blobcheckpoint.NewCoordinator(store, &blobcheckpoint.CoordinatorOptions{Replica: hostname})
//	var jobs []sentinel.WatchJob
//	for _, ws := range workspaces {
//		client, _ := sentinel.NewClient(ws, cred, &sentinel.ClientOptions{RateLimiter: limiter})
//		w, _ := client.NewIncidentWatcher(&sentinel.WatchOptions{Checkpoint: store})
//		jobs = append(jobs, w.Job(handler))
//	}
//	err := coord.Run(ctx, jobs...)
//
// Any watcher of this module works: the store keeps the cursor as opaque JSON.
package blobcheckpoint

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/watch"
)

// Store is a sentinel.CheckpointStore on one blob container: each checkpoint is the block
// blob Prefix+key, its content the cursor JSON, its metadata the lease (owner, expires,
// handoff), its ETag the version. Save is one Put Blob with If-Match on the version (or
// If-None-Match: * to create), so a lost race is ErrCheckpointConflict and writes nothing.
// List is one List Blobs request (with metadata) per 5,000 checkpoints.
type Store struct {
	cc     *container.Client
	prefix string
}

// StoreOptions configure a Store.
type StoreOptions struct {
	// Prefix is put before every blob name, e.g. "prod/"; it lets several deployments share
	// a container. Every replica of one deployment must use the same prefix.
	Prefix string
}

// NewStore returns a store on the container cc (which must exist; see CreateContainer).
func NewStore(cc *container.Client, opts *StoreOptions) (*Store, error) {
	if cc == nil {
		return nil, &sentinel.ArgumentError{Name: "cc", Reason: "must not be nil"}
	}
	var o StoreOptions
	if opts != nil {
		o = *opts
	}
	if o.Prefix != "" {
		if err := watch.CheckKey(strings.TrimSuffix(o.Prefix, "/")); err != nil || strings.HasPrefix(o.Prefix, "/") {
			return nil, &sentinel.ArgumentError{Name: "StoreOptions.Prefix", Reason: "must be '/'-separated segments, neither empty nor '.' or '..'"}
		}
	}
	return &Store{cc: cc, prefix: o.Prefix}, nil
}

// CreateContainer creates the store's container; an existing container is fine.
func (s *Store) CreateContainer(ctx context.Context) error {
	_, err := s.cc.Create(ctx, nil)
	if err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return err
	}
	return nil
}

// Metadata names on the blobs.
const (
	metaOwner   = "owner"
	metaExpires = "expires"
	metaHandoff = "handoff"
)

// maxCursor bounds how much of a blob Load reads: a cursor is a few kilobytes.
const maxCursor = 16 << 20

func (s *Store) blobName(key string) string { return s.prefix + key }

// Load downloads the checkpoint blob of key; a missing blob is ok=false.
func (s *Store) Load(ctx context.Context, key string) (sentinel.CheckpointRecord, bool, error) {
	if err := watch.CheckKey(key); err != nil {
		return sentinel.CheckpointRecord{}, false, err
	}
	resp, err := s.cc.NewBlobClient(s.blobName(key)).DownloadStream(ctx, nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound) {
		return sentinel.CheckpointRecord{}, false, nil
	}
	if err != nil {
		return sentinel.CheckpointRecord{}, false, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCursor+1))
	if err != nil {
		return sentinel.CheckpointRecord{}, false, err
	}
	if len(body) > maxCursor {
		return sentinel.CheckpointRecord{}, false, fmt.Errorf("%w: the checkpoint blob %s is over %d bytes", sentinel.ErrUnusableCheckpoint, s.blobName(key), maxCursor)
	}
	rec, err := record(key, resp.Metadata, resp.ETag)
	if err != nil {
		return sentinel.CheckpointRecord{}, false, err
	}
	if len(body) > 0 {
		rec.Cursor = body
	}
	return rec, true, nil
}

// record reads the lease from a blob's metadata, whose names may come in any case.
func record(key string, meta map[string]*string, etag *azcore.ETag) (sentinel.CheckpointRecord, error) {
	rec := sentinel.CheckpointRecord{Key: key, Version: version(etag)}
	for name, v := range meta {
		if v == nil {
			continue
		}
		val, err := url.QueryUnescape(*v)
		if err != nil {
			return rec, fmt.Errorf("%w: metadata %s of checkpoint %s: %v", sentinel.ErrUnusableCheckpoint, name, key, err)
		}
		switch strings.ToLower(name) {
		case metaOwner:
			rec.Owner = val
		case metaHandoff:
			rec.Handoff = val
		case metaExpires:
			if val == "" {
				continue
			}
			if rec.Expires, err = time.Parse(time.RFC3339Nano, val); err != nil {
				return rec, fmt.Errorf("%w: metadata expires of checkpoint %s: %v", sentinel.ErrUnusableCheckpoint, key, err)
			}
		}
	}
	return rec, nil
}

// Save uploads the checkpoint blob if it is still at rec.Version.
func (s *Store) Save(ctx context.Context, rec sentinel.CheckpointRecord) (string, error) {
	if err := watch.CheckKey(rec.Key); err != nil {
		return "", err
	}
	meta := map[string]*string{
		metaOwner:   to.Ptr(url.QueryEscape(rec.Owner)),
		metaHandoff: to.Ptr(url.QueryEscape(rec.Handoff)),
		metaExpires: to.Ptr(""),
	}
	if !rec.Expires.IsZero() {
		meta[metaExpires] = to.Ptr(rec.Expires.UTC().Format(time.RFC3339Nano))
	}
	cond := &blob.ModifiedAccessConditions{}
	if rec.Version == "" {
		cond.IfNoneMatch = to.Ptr(azcore.ETagAny)
	} else {
		cond.IfMatch = to.Ptr(azcore.ETag(`"` + rec.Version + `"`))
	}
	resp, err := s.cc.NewBlockBlobClient(s.blobName(rec.Key)).Upload(ctx, streaming.NopCloser(bytes.NewReader(rec.Cursor)), &blockblob.UploadOptions{
		Metadata:         meta,
		HTTPHeaders:      &blob.HTTPHeaders{BlobContentType: to.Ptr("application/json")},
		AccessConditions: &blob.AccessConditions{ModifiedAccessConditions: cond},
	})
	if bloberror.HasCode(err, bloberror.ConditionNotMet, bloberror.BlobAlreadyExists) {
		return "", fmt.Errorf("%w: %s", sentinel.ErrCheckpointConflict, s.blobName(rec.Key))
	}
	if err != nil {
		return "", err
	}
	if resp.ETag == nil {
		return "", errors.New("the service sent no ETag for " + s.blobName(rec.Key))
	}
	return version(resp.ETag), nil
}

// version is an ETag without its quotes: headers quote it, listings may not.
func version(etag *azcore.ETag) string {
	if etag == nil {
		return ""
	}
	return strings.Trim(string(*etag), `"`)
}

// List returns the records under the store's prefix, without their cursors.
func (s *Store) List(ctx context.Context) ([]sentinel.CheckpointRecord, error) {
	pager := s.cc.NewListBlobsFlatPager(&container.ListBlobsFlatOptions{
		Prefix:  to.Ptr(s.prefix),
		Include: container.ListBlobsInclude{Metadata: true},
	})
	var out []sentinel.CheckpointRecord
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, item := range page.Segment.BlobItems {
			if item == nil || item.Name == nil {
				continue
			}
			key := strings.TrimPrefix(*item.Name, s.prefix)
			if watch.CheckKey(key) != nil {
				continue // not a checkpoint of this store
			}
			var etag *azcore.ETag
			if item.Properties != nil {
				etag = item.Properties.ETag
			}
			rec, err := record(key, item.Metadata, etag)
			if err != nil {
				return nil, err
			}
			out = append(out, rec)
		}
	}
	return out, nil
}
