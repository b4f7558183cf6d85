package sentinel

import (
	"fmt"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// decodeOptions are used for every response body: the service's JSON is accepted even with
// invalid UTF-8 (replaced) or duplicate names (last wins), times are parsed leniently,
// durations are ISO-8601, and the polymorphic families decode by their kind. encodeOptions
// are used for every request body: raw JSON kept from a response (unknown members, resources
// of unknown kinds) is written byte for byte, escapes included, and a typed kind built in Go
// gets its kind. Both are complete in init, once every family has registered.
var decodeOptions, encodeOptions json.Options

func init() {
	decodeOptions = json.JoinOptions(
		jsontext.AllowInvalidUTF8(true),
		jsontext.AllowDuplicateNames(true),
		json.WithUnmarshalers(json.JoinUnmarshalers(append([]*json.Unmarshalers{
			json.UnmarshalFromFunc(unmarshalTime), json.UnmarshalFromFunc(unmarshalDuration),
		}, familyUnmarshalers...)...)),
	)
	encodeOptions = json.JoinOptions(
		json.Deterministic(true),
		jsontext.PreserveRawStrings(true),
		jsontext.AllowInvalidUTF8(true),
		jsontext.AllowDuplicateNames(true),
		json.WithMarshalers(json.JoinMarshalers(append([]*json.Marshalers{
			json.MarshalToFunc(marshalTime), json.MarshalToFunc(marshalDuration),
		}, familyMarshalers...)...)),
	)
}

// MarshalJSON encodes v (a model, a slice of models, or any value holding them) in the
// service's wire form, as the client sends it: times in RFC 3339, durations in ISO-8601,
// every kept unknown member at its place. encoding/json does not know the models' tags for
// unknown members; use this function (or go-json-experiment with the same semantics).
func MarshalJSON(v any) ([]byte, error) { return json.Marshal(v, encodeOptions) }

// UnmarshalJSON decodes data in the service's wire form into v, as the client decodes
// responses: members this SDK does not model are kept, polymorphic values (Entity,
// AlertRule, AlertRuleTemplate, DataConnector) decode into the type of their kind.
func UnmarshalJSON(data []byte, v any) error { return json.Unmarshal(data, v, decodeOptions) }

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
	if len(raw) > 0 && raw[len(raw)-1] == '\\' || containsByte(raw, '\\') {
		s, err := jsontext.AppendUnquote(nil, v)
		if err != nil {
			return err
		}
		raw = s
	}
	pt, err := parseTime(raw)
	if err != nil {
		return err
	}
	*t = pt
	return nil
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// parseTime parses the time formats the service sends. It does not allocate for RFC 3339.
func parseTime(b []byte) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, nil
	}
	s := unsafeString(b)
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
	return time.Time{}, fmt.Errorf("cannot parse %q as a time", strings.Clone(s))
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
// duration of the API is ISO-8601 on the wire.
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
