// Package iso8601 converts between time.Duration and ISO-8601 durations ("PT5H", "P1DT30M").
package iso8601

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseDuration parses an ISO-8601 duration of days, hours, minutes and seconds, with an
// optional sign and weeks: "PT5M", "P1D", "P1DT12H", "PT0.5S", "-PT1H", "P2W". Years and
// months have no fixed length and are rejected.
func ParseDuration(s string) (time.Duration, error) {
	orig := s
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, s[1:]
	} else if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	if len(s) < 2 || (s[0] != 'P' && s[0] != 'p') {
		return 0, fmt.Errorf("invalid ISO-8601 duration %q: must start with P", orig)
	}
	s = s[1:]
	var total float64
	inTime, any := false, false
	for len(s) > 0 {
		if s[0] == 'T' || s[0] == 't' {
			if inTime {
				return 0, fmt.Errorf("invalid ISO-8601 duration %q: repeated T", orig)
			}
			inTime = true
			s = s[1:]
			if len(s) == 0 {
				return 0, fmt.Errorf("invalid ISO-8601 duration %q: nothing after T", orig)
			}
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == ',') {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("invalid ISO-8601 duration %q", orig)
		}
		n, err := strconv.ParseFloat(strings.ReplaceAll(s[:i], ",", "."), 64)
		if err != nil {
			return 0, fmt.Errorf("invalid ISO-8601 duration %q: %v", orig, err)
		}
		var unit float64
		switch u := s[i] | 0x20; {
		case !inTime && u == 'w':
			unit = float64(7 * 24 * time.Hour)
		case !inTime && u == 'd':
			unit = float64(24 * time.Hour)
		case !inTime && (u == 'y' || u == 'm'):
			return 0, fmt.Errorf("invalid ISO-8601 duration %q: years and months have no fixed length", orig)
		case inTime && u == 'h':
			unit = float64(time.Hour)
		case inTime && u == 'm':
			unit = float64(time.Minute)
		case inTime && u == 's':
			unit = float64(time.Second)
		default:
			return 0, fmt.Errorf("invalid ISO-8601 duration %q: unexpected %q", orig, s[i])
		}
		total += n * unit
		any = true
		s = s[i+1:]
	}
	if !any {
		return 0, fmt.Errorf("invalid ISO-8601 duration %q: no value", orig)
	}
	if total > math.MaxInt64 {
		return 0, fmt.Errorf("invalid ISO-8601 duration %q: out of range", orig)
	}
	d := time.Duration(math.Round(total))
	if neg {
		d = -d
	}
	return d, nil
}

// FormatDuration formats d as an ISO-8601 duration using days, hours, minutes and seconds:
// 5h → "PT5H", 36h → "P1DT12H", 0 → "PT0S".
func FormatDuration(d time.Duration) string {
	var b strings.Builder
	if d < 0 {
		b.WriteByte('-')
		d = -d // math.MinInt64 stays negative; it is far beyond any real duration
	}
	b.WriteByte('P')
	if days := d / (24 * time.Hour); days > 0 {
		b.WriteString(strconv.FormatInt(int64(days), 10))
		b.WriteByte('D')
		d -= days * 24 * time.Hour
	}
	if d == 0 {
		if b.Len() <= 2 {
			b.WriteString("T0S")
		}
		return b.String()
	}
	b.WriteByte('T')
	if h := d / time.Hour; h > 0 {
		b.WriteString(strconv.FormatInt(int64(h), 10))
		b.WriteByte('H')
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		b.WriteString(strconv.FormatInt(int64(m), 10))
		b.WriteByte('M')
		d -= m * time.Minute
	}
	if d > 0 {
		s := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
		b.WriteString(s)
		b.WriteByte('S')
	}
	return b.String()
}
