package iso8601

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"PT5H", 5 * time.Hour, false},
		{"PT5M", 5 * time.Minute, false},
		{"P1D", 24 * time.Hour, false},
		{"P1DT12H", 36 * time.Hour, false},
		{"PT0.5S", 500 * time.Millisecond, false},
		{"PT1H30M15S", time.Hour + 30*time.Minute + 15*time.Second, false},
		{"-PT1H", -time.Hour, false},
		{"P2W", 14 * 24 * time.Hour, false},
		{"pt10m", 10 * time.Minute, false},
		{"PT0S", 0, false},
		{"", 0, true},
		{"P", 0, true},
		{"PT", 0, true},
		{"5H", 0, true},
		{"P1Y", 0, true},
		{"P1M", 0, true},
		{"PT1X", 0, true},
		{"PTH", 0, true},
		{"P1H", 0, true},
		{"PT1HT", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "PT0S"},
		{5 * time.Hour, "PT5H"},
		{24 * time.Hour, "P1D"},
		{36 * time.Hour, "P1DT12H"},
		{90 * time.Second, "PT1M30S"},
		{1500 * time.Millisecond, "PT1.5S"},
		{-time.Hour, "-PT1H"},
	}
	for _, tt := range tests {
		got := FormatDuration(tt.in)
		assert.Equal(t, tt.want, got)
		back, err := ParseDuration(got)
		require.NoError(t, err)
		assert.Equal(t, tt.in, back)
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"PT5H", "P1DT2H3M4.5S", "-P2W", "P1Y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		back, err := ParseDuration(FormatDuration(d))
		if err != nil {
			t.Fatalf("format of %q (%v) does not parse: %v", s, d, err)
		}
		if diff := back - d; diff > time.Microsecond || diff < -time.Microsecond {
			t.Fatalf("round trip of %q: %v != %v", s, back, d)
		}
	})
}
