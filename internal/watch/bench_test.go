package watch

import (
	"context"
	"testing"
)

// BenchmarkWatcherDeliver is the machinery's cost per delivered item (memory store, K=100,
// a source that allocates nothing per page beyond its slice).
func BenchmarkWatcherDeliver(b *testing.B) {
	srv := newNumbers(b.N)
	srv.pageSize = 1000
	w := New[item, cursor](source{srv}, Options[item]{Key: "bench/ws"})
	b.ReportAllocs()
	b.ResetTimer()
	n, err := w.Poll(context.Background(), func(context.Context, item) error { return nil })
	if err != nil || n != b.N {
		b.Fatal(n, err)
	}
}
