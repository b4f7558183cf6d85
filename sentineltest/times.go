package sentineltest

import "time"

// The service writes times in three layouts, depending on the resource; these are the
// emulator's only time formatters.

// formatTime writes t with seven fractional digits and Z, as incidents, comments, tasks,
// alert rules, bookmarks, ARM systemData and query results have them:
// 2026-11-01T10:09:26.1234567Z.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.0000000Z") }

// formatOffsetTime writes t with seven fractional digits and a +00:00 offset, as watchlists
// and watchlist items have them: 2026-11-01T10:09:26.1234567+00:00.
func formatOffsetTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.0000000-07:00")
}

// formatTrimmedTime writes t with at most seven fractional digits, trailing zeros dropped,
// and Z, as threat intelligence indicators have them: 2026-11-01T10:09:26.12Z.
func formatTrimmedTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.9999999Z07:00")
}
