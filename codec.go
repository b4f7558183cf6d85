package sentinel

import (
	"time"

	"github.com/go-json-experiment/json"

	"github.com/sentinel-go/sentinel/internal/model"
)

// decodeOptions are used for every response body: the service's JSON is accepted even with
// invalid UTF-8 (replaced) or duplicate names (last wins), times are parsed leniently,
// durations are ISO-8601, and the polymorphic families decode by their kind. encodeOptions
// are used for every request body: raw JSON kept from a response (unknown members, resources
// of unknown kinds) is written byte for byte, escapes and number text included (white space
// between tokens is compacted), and a typed kind built in Go
// gets its kind. Both are internal/model's options, complete in init, once every family of
// this package has registered.
var decodeOptions, encodeOptions json.Options

func init() {
	decodeOptions, encodeOptions = model.Decode(), model.Encode()
}

// MarshalJSON encodes v (a model, a slice of models, or any value holding them) in the
// service's wire form, as the client sends it: times in RFC 3339, durations in ISO-8601,
// every kept unknown member at its place. encoding/json does not know the models' tags for
// unknown members; use this function (or go-json-experiment with the same semantics). It
// encodes the models of package defender too.
func MarshalJSON(v any) ([]byte, error) { return json.Marshal(v, model.Encode()) }

// UnmarshalJSON decodes data in the service's wire form into v, as the client decodes
// responses: members this SDK does not model are kept, polymorphic values (Entity,
// AlertRule, AlertRuleTemplate, DataConnector, defender.Evidence) decode into the type of
// their kind.
func UnmarshalJSON(data []byte, v any) error { return json.Unmarshal(data, v, model.Decode()) }

// parseTime parses the time formats the service sends. It does not allocate for RFC 3339.
func parseTime(b []byte) (time.Time, error) { return model.ParseTime(b) }
