package sentinel

import (
	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/testkit"
)

// The test kit (sentineltest/testclient) reaches the throttling clock of ClientOptions
// through internal/testkit, so that it is no public API.
func init() {
	testkit.SetThrottleClock = func(opts any, clk pipeline.Clock) { opts.(*ClientOptions).clock = clk }
}
