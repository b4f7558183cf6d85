package sentinel

import (
	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// SetClock makes the client's throttling policy use clk; for tests in package sentinel_test.
func SetClock(o *ClientOptions, clk pipeline.Clock) { o.clock = clk }

// SetWatchClock makes a watcher use clk for its start time, intervals and lag.
func SetWatchClock(o *WatchOptions, clk pipeline.Clock) { o.clock = clk }

// SetBodyLimit lowers the size limit of success bodies; the returned function restores it.
func SetBodyLimit(n int64) (restore func()) {
	old := rest.MaxBody
	rest.MaxBody = n
	return func() { rest.MaxBody = old }
}
