package sentinel

import (
	"reflect"
	"time"

	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// This file holds the argument checks the methods share; checkID (client.go) checks one
// path segment.

// checkDuration reports an *ArgumentError when d is outside [lo, hi] or not a whole number
// of seconds (the service rejects fractions).
func checkDuration(name string, d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return argError(name, "%s is outside %s to %s", iso8601.FormatDuration(d), iso8601.FormatDuration(lo), iso8601.FormatDuration(hi))
	}
	if d%time.Second != 0 {
		return argError(name, "%s is not a whole number of seconds", d)
	}
	return nil
}

// isNilInterface reports whether v is nil or holds a nil pointer.
func isNilInterface(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// checkIDs checks pairs of (name, value) path segments with checkID.
func checkIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := checkID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
