package sentinel

import (
	"bytes"
	"fmt"
	"reflect"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// This file is the model mechanism shared by the workspace resources (alert rules,
// bookmarks, data connectors, indicators, watchlists): the ARM envelope around a model's
// properties, the unknown members kept for a round trip, and the decoding of polymorphic
// resources by their "kind".
//
// A model is a public flat struct whose envelope fields (ID, Name, Etag) are tagged json:"-"
// and whose other fields carry the json tags of the members of "properties". A defined type
// without methods (type bookmarkProps Bookmark) is inlined into propsOf, so the model's tags
// are its wire form and no field is listed twice.

// ResourceInfo identifies a stored resource of any kind.
type ResourceInfo struct {
	// ID is the ARM resource ID (read-only).
	ID string
	// Name is the resource's ID within the workspace, the one the methods of Client take.
	Name string
	// Etag identifies the stored version; updates send it back to detect conflicts.
	Etag string
}

// resourceRaw keeps what a model does not type: the envelope's type and kind and the
// unknown members of the envelope and of its properties, all sent back unchanged.
type resourceRaw struct {
	typ, kind  string
	top, props jsontext.Value
}

// header points at a model's envelope fields.
type header struct {
	id, name, etag *string
	raw            *resourceRaw
}

// envelope is the wire form of an ARM resource with properties P.
type envelope[P any] struct {
	ID         string         `json:"id,omitzero"`
	Name       string         `json:"name,omitzero"`
	Type       string         `json:"type,omitzero"`
	Etag       string         `json:"etag,omitzero"`
	Kind       string         `json:"kind,omitzero"`
	Properties propsOf[P]     `json:"properties"`
	Unknown    jsontext.Value `json:",embed"`
}

// propsOf is the "properties" object: the model's tagged fields and the unknown members.
type propsOf[P any] struct {
	P       *P             `json:",embed"`
	Unknown jsontext.Value `json:",embed"`
}

// decodeResource decodes an ARM resource into the model whose properties type is P. The
// model is reset first.
func decodeResource[P any](dec *jsontext.Decoder, p *P, h header) error {
	var zero P
	*p = zero
	w := envelope[P]{Properties: propsOf[P]{P: p}}
	if err := json.UnmarshalDecode(dec, &w, decodeOptions); err != nil {
		return err
	}
	if w.Properties.P != p && w.Properties.P != nil { // defensive: never happens with a preset pointer
		*p = *w.Properties.P
	}
	*h.id, *h.name, *h.etag = w.ID, w.Name, w.Etag
	*h.raw = resourceRaw{typ: w.Type, kind: w.Kind, top: w.Unknown, props: w.Properties.Unknown}
	return nil
}

// encodeResource encodes the model as an ARM resource. kind is the discriminator of a
// polymorphic model; "" sends the kind the model was read with, if any.
func encodeResource[P any](enc *jsontext.Encoder, p *P, h header, kind string) error {
	if kind == "" {
		kind = h.raw.kind
	}
	w := envelope[P]{
		ID: *h.id, Name: *h.name, Type: h.raw.typ, Etag: *h.etag, Kind: kind, Unknown: h.raw.top,
		Properties: propsOf[P]{P: p, Unknown: h.raw.props},
	}
	return json.MarshalEncode(enc, &w, encodeOptions)
}

// checkEnum reports an *ArgumentError when v is set but not one of known, or when it is
// required and empty.
func checkEnum[T ~string](name string, v T, required bool, known ...T) error {
	if v == "" {
		if required {
			return argError(name, "is required")
		}
		return nil
	}
	for _, k := range known {
		if v == k {
			return nil
		}
	}
	return argError(name, "%q is not one of %s", v, joinQuoted(known))
}

func joinQuoted[T ~string](vs []T) string {
	var b bytes.Buffer
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", string(v))
	}
	return b.String()
}

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

// UserInfo is the user who created or last changed a resource, as the service records it.
type UserInfo struct {
	ObjectID string `json:"objectId,omitzero"`
	Email    string `json:"email,omitzero"` // read-only
	Name     string `json:"name,omitzero"`  // read-only
	// Unknown holds the members this SDK does not model; they are sent back unchanged.
	Unknown jsontext.Value `json:",embed"`
}

// IsZero reports whether no member is set.
func (u UserInfo) IsZero() bool {
	return u.ObjectID == "" && u.Email == "" && u.Name == "" && len(u.Unknown) == 0
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

// unknownMembers splits a JSON object of unknown members (legacy form).
func unknownMembers(v jsontext.Value) map[string][]byte {
	m := UnknownMembers(v)
	if m == nil {
		return nil
	}
	out := make(map[string][]byte, len(m))
	for k, x := range m {
		out[k] = []byte(x)
	}
	return out
}
