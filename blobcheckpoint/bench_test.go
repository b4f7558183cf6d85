package blobcheckpoint_test

import (
	"context"
	"testing"

	"github.com/sentinel-go/sentinel"
)

// BenchmarkStoreSave is one checkpoint save (a conditional Put Blob of a 1 KiB cursor) on
// Azurite: the cost of a lease renewal or a batch save.
func BenchmarkStoreSave(b *testing.B) {
	cc := newContainer(b)
	s := newStore(b, cc, "")
	cursor := make([]byte, 1024)
	for i := range cursor {
		cursor[i] = 'x'
	}
	cursor[0], cursor[len(cursor)-1] = '"', '"'
	rec := sentinel.CheckpointRecord{Key: "bench/ws", Cursor: cursor, Owner: "replica-a"}
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		v, err := s.Save(ctx, rec)
		if err != nil {
			b.Fatal(err)
		}
		rec.Version = v
	}
}
