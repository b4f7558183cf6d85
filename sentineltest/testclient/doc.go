// Package testclient gives tests a sentinel client in one call: on a fresh sentineltest
// emulator (New), on a running one (Connect), or on a recorded cassette (Recorded). It is
// the bridge between package sentinel and the emulator, which imports nothing of the SDK.
//
// A complete test of code that uses the SDK:
//
//	func TestEscalateVIPs(t *testing.T) {
//		client, srv := testclient.New(t) // emulator closed with the test
//		vip := srv.AddIncident(sentineltest.IncidentSeed{Title: "CEO sign-in", Severity: "Low", Labels: []string{"vip"}})
//		other := srv.AddIncident(sentineltest.IncidentSeed{Title: "Printer offline", Severity: "Low"})
//		srv.Fail(sentineltest.Fault{Status: 503}) // a transient failure costs milliseconds
//
//		require.NoError(t, escalateVIPs(context.Background(), client))
//
//		got, _ := srv.GetIncident(vip)
//		assert.Equal(t, "High", got.Severity)
//		untouched, _ := srv.GetIncident(other)
//		assert.Equal(t, "Low", untouched.Severity)
//	}
//
// Test clients retry after milliseconds (RetryDelay, MaxRetryDelay) and skip the waits of
// 429 responses (WithRealThrottleWaits restores them), so fault injection does not slow a
// test down.
//
// Recorded replays a cassette written by sentineltest/recording, or records it against real
// Azure when SENTINEL_RECORD=1:
//
//	func TestTriageRecorded(t *testing.T) {
//		client := testclient.Recorded(t, "testdata/triage.cassette.json")
//		// ... the same test code, against the service's real answers
//	}
package testclient
