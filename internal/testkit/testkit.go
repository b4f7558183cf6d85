// Package testkit connects the test kit (sentineltest/testclient) to the unexported test
// seams of package sentinel, so that test clients can be configured in ways that are not
// public API.
package testkit

import "github.com/sentinel-go/sentinel/internal/pipeline"

// SetThrottleClock replaces the clock of the throttling policy in a
// *sentinel.ClientOptions (passed as opts). Package sentinel sets it when it is initialised;
// it panics when opts is of another type.
var SetThrottleClock func(opts any, clk pipeline.Clock)
