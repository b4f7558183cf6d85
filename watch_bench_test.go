package sentinel_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sentinel-go/sentinel"
)

// BenchmarkWatchBacklog delivers a 3,000-incident backlog in one poll, with the checkpoint in
// memory and in a file saved every K deliveries. The target: the file checkpoint
// within 2x of the memory checkpoint's time. K=1 is the behaviour before batching (a durable
// save per incident). Run with -benchtime 3x; each iteration builds its own emulator.
func BenchmarkWatchBacklog(b *testing.B) {
	cases := []struct {
		name string
		k    int
		file bool
	}{
		{"memory", 0, false},
		{"file/K=1", 1, true},
		{"file/K=10", 10, true},
		{"file/K=50", 50, true},
		{"file/K=100", 100, true},
		{"file/K=500", 500, true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var saves int64
			for range b.N {
				b.StopTimer()
				env := newEnv(&testing.T{})
				serverAtClock(env)
				env.srv.SeedIncidents(3000)
				var store sentinel.CheckpointStore = sentinel.NewMemoryCheckpoint()
				if c.file {
					store = sentinel.NewFileCheckpoint(filepath.Join(b.TempDir(), "cp"))
				}
				opts := sentinel.WatchOptions{Since: 72 * time.Hour, Checkpoint: store, SaveEvery: c.k}
				sentinel.SetWatchClock(&opts, env.clock)
				w, err := env.client.NewIncidentWatcher(&opts)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				n, err := w.Poll(context.Background(), func(context.Context, sentinel.Incident) error { return nil })
				b.StopTimer()
				if err != nil || n != 3000 {
					b.Fatal(fmt.Sprint(n, err))
				}
				saves += w.Stats().Saves
				env.srv.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(saves)/float64(b.N), "saves/op")
		})
	}
}
