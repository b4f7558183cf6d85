package model

import (
	"bytes"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// codec is the pair of options every body is decoded and encoded with.
type codec struct{ decode, encode json.Options }

// options holds the current codec. It is rebuilt each time a family registers (from the
// package variables of the root package and of defender, before main runs), so that every
// facade decodes every family, whichever package registered it.
var options atomic.Pointer[codec]

func init() { rebuildOptions() }

// Decode returns the options for every response body: the service's JSON is accepted even
// with invalid UTF-8 (replaced) or duplicate names (last wins), times are parsed leniently,
// durations are ISO-8601, and the polymorphic families decode by their kind.
func Decode() json.Options { return options.Load().decode }

// Encode returns the options for every request body: raw JSON kept from a response (unknown
// members, resources of unknown kinds) is written byte for byte, escapes included, times are
// RFC 3339 in UTC, durations ISO-8601, and a typed kind built in Go gets its kind.
func Encode() json.Options { return options.Load().encode }

// rebuildOptions makes the codec of the time and duration codecs and every registered
// family's. Callers hold familiesMu, or run from init.
func rebuildOptions() {
	options.Store(&codec{
		decode: json.JoinOptions(
			jsontext.AllowInvalidUTF8(true),
			jsontext.AllowDuplicateNames(true),
			json.WithUnmarshalers(json.JoinUnmarshalers(append([]*json.Unmarshalers{
				json.UnmarshalFromFunc(unmarshalTime), json.UnmarshalFromFunc(unmarshalDuration),
			}, familyUnmarshalers...)...)),
		),
		encode: json.JoinOptions(
			json.Deterministic(true),
			jsontext.PreserveRawStrings(true),
			jsontext.AllowInvalidUTF8(true),
			jsontext.AllowDuplicateNames(true),
			json.WithMarshalers(json.JoinMarshalers(append([]*json.Marshalers{
				json.MarshalToFunc(marshalTime), json.MarshalToFunc(marshalDuration),
			}, familyMarshalers...)...)),
		),
	})
}

// unmarshalTime accepts RFC 3339 with any number of fractional digits, the same without a
// zone (taken as UTC, as the service writes some times), "" and null (zero time).
func unmarshalTime(dec *jsontext.Decoder, t *time.Time) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		*t = time.Time{}
		return err
	}
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	if len(v) < 2 || v[0] != '"' {
		return fmt.Errorf("time must be a string, got %s", v)
	}
	raw := v[1 : len(v)-1]
	if bytes.IndexByte(raw, '\\') >= 0 {
		s, err := jsontext.AppendUnquote(nil, v)
		if err != nil {
			return err
		}
		raw = s
	}
	pt, err := ParseTime(raw)
	if err != nil {
		return err
	}
	*t = pt
	return nil
}

// ParseTime parses the time formats the services send: RFC 3339 with any number of
// fractional digits, the same without a zone (UTC) or with a space for the 'T'; empty is the
// zero time. It does not allocate for RFC 3339 and never keeps b.
func ParseTime(b []byte) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, nil
	}
	var t time.Time
	if t.UnmarshalText(b) == nil { // strict RFC 3339, without copying b
		return t, nil
	}
	s := string(b)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	// Without a zone: "2023-05-22T10:09:26.123" means UTC.
	if t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999Z07:00", s, time.UTC); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("cannot parse %q as a time", s)
}

// marshalTime writes times in UTC RFC 3339 with nanoseconds, as the service does, and the
// zero time (reached only for fields without omitzero) as null.
func marshalTime(enc *jsontext.Encoder, t time.Time) error {
	if t.IsZero() {
		return enc.WriteToken(jsontext.Null)
	}
	var buf [40]byte
	b := append(buf[:0], '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, '"')
	return enc.WriteValue(b)
}

// unmarshalDuration reads an ISO-8601 duration ("PT5H", "P1D"); "" and null are 0. Every
// duration of the APIs is ISO-8601 on the wire.
func unmarshalDuration(dec *jsontext.Decoder, d *time.Duration) error {
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*d = 0
		return nil
	case '"':
	default:
		return fmt.Errorf("duration must be an ISO-8601 string, got %s", tok.Kind())
	}
	s := tok.String()
	if s == "" {
		*d = 0
		return nil
	}
	v, err := iso8601.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// marshalDuration writes d as an ISO-8601 duration.
func marshalDuration(enc *jsontext.Encoder, d time.Duration) error {
	return enc.WriteToken(jsontext.String(iso8601.FormatDuration(d)))
}
