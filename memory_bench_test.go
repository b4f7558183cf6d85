package sentinel

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"
)

// peakHeap runs f and returns by how much, at most, the heap grew above its starting point
// while f ran, in bytes. It collects garbage first, then samples the bytes of heap objects
// every 100 µs. During the measurement the collector runs at GOGC=10, so that a sample is the
// live heap plus at most about a tenth of garbage: the figure may overstate live memory a
// little, never understate it. Use it in benchmarks (see reportPeakHeap), not in timed tests.
func peakHeap(f func()) uint64 {
	runtime.GC()
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	base := read()
	var peak atomic.Uint64
	peak.Store(base)
	note := func() {
		if v := read(); v > peak.Load() {
			peak.Store(v)
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			note()
			select {
			case <-stop:
				return
			default:
				time.Sleep(100 * time.Microsecond)
			}
		}
	}()
	f()
	close(stop)
	<-done
	note()
	return peak.Load() - base
}

// reportPeakHeap runs f once per benchmark iteration and reports the largest peak heap
// growth (see peakHeap) as "peak-heap-MiB" and, when body is not 0, as a multiple of the
// body's size, "peak/body". f must drop what it decoded before it returns if the figure is
// to describe a streaming consumer; f that keeps its result measures the result too.
func reportPeakHeap(b *testing.B, body int, f func()) {
	var worst uint64
	for b.Loop() {
		worst = max(worst, peakHeap(f))
	}
	b.ReportMetric(float64(worst)/(1<<20), "peak-heap-MiB")
	if body > 0 {
		b.ReportMetric(float64(worst)/float64(body), "peak/body")
	}
}
