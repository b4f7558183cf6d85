// Package model is the model mechanism every facade of the SDK uses (the Sentinel client in
// the root package, the Microsoft Graph security client in defender): the ARM resource
// envelope, the kind registry of polymorphic families with its one unknown-kind shape
// (Unknown[K]), the shared JSON helpers, and the codec options every body is decoded and
// encoded with (Decode, Encode).
//
// A model has ONE wire definition: its struct tags. Decoding and encoding both follow from
// them (go-json-experiment), so there is no hand-written codec to forget a member in. Every
// JSON object the service may extend has its own Unknown field (`json:",embed"`), nested
// objects and array items included, so a resource read and written back keeps every member
// the service sent, at every depth. Enums are open string types: any value decodes and is
// sent back.
//
// Polymorphic values (entities, analytics rules, data connectors, Graph alert evidence) are
// interfaces with one struct per kind. One registry per family (NewFamily, NewFamilyOn) maps
// each kind to its struct, and a kind the SDK does not type decodes into Unknown[K], which
// keeps the JSON and sends it back byte for byte.
package model

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/errs"
)

// Resource holds the members every Azure resource has. Models embed it, so its fields read as
// the model's own (inc.ID, rule.Etag).
type Resource struct {
	// ID is the ARM resource ID (read-only).
	ID string `json:"id,omitzero"`
	// Name is the resource's ID within its parent, the one Client's methods take.
	Name string `json:"name,omitzero"`
	// Type is the ARM resource type, such as "Microsoft.SecurityInsights/Incidents" (read-only).
	Type string `json:"type,omitzero"`
	// Kind is the discriminator of a polymorphic resource as sent on the wire. The Kind method
	// of a typed kind (ScheduledAlertRule.Kind) returns its constant; the client fills this
	// field with it when it sends a value built in Go.
	Kind string `json:"kind,omitzero"`
	// Etag identifies the stored version. Updates send it back: the service answers 409
	// Conflict (ErrConflict) when the resource changed in between.
	Etag string `json:"etag,omitzero"`
	// SystemData says who created and last modified the resource and when (read-only).
	SystemData SystemData `json:"systemData,omitzero"`

	// decodeErr and raw are set when a lenient family (entities) could not decode every
	// member into its typed fields: decodeErr says which, raw is the object as received and
	// is what the value encodes to, so that nothing is lost.
	decodeErr error
	raw       jsontext.Value
}

// Envelope returns r: the resource's ID, name, type, kind, etag and system data. Every model
// has it, so it reaches these fields through an interface such as AlertRule or Entity.
func (r *Resource) Envelope() *Resource { return r }

// DecodeError reports the members of an entity that could not be decoded into its typed
// fields (a number where the schema says string, a time in an odd format): those fields are
// zero, every other field is decoded, and the entity encodes to its JSON as received. It is
// nil for every other resource, which fails to decode instead.
func (r *Resource) DecodeError() error { return r.decodeErr }

// SetLenient records on r that a lenient family could not decode every member of raw into
// its typed fields (err says which): the value then encodes to raw, as received.
func SetLenient(r *Resource, raw jsontext.Value, err error) {
	r.raw, r.decodeErr = raw, err
}

// IdentityType is the kind of principal in SystemData.
type IdentityType string

// Identity types of ARM's systemData.
const (
	IdentityUser            IdentityType = "User"
	IdentityApplication     IdentityType = "Application"
	IdentityManagedIdentity IdentityType = "ManagedIdentity"
	IdentityKey             IdentityType = "Key"
)

// SystemData is ARM's record of who created and last modified a resource, and when.
type SystemData struct {
	CreatedBy          string         `json:"createdBy,omitzero"`
	CreatedByType      IdentityType   `json:"createdByType,omitzero"`
	CreatedAt          time.Time      `json:"createdAt,omitzero"`
	LastModifiedBy     string         `json:"lastModifiedBy,omitzero"`
	LastModifiedByType IdentityType   `json:"lastModifiedByType,omitzero"`
	LastModifiedAt     time.Time      `json:"lastModifiedAt,omitzero"`
	Unknown            jsontext.Value `json:",embed"`
}

// Unknown is a member of a polymorphic family whose kind this SDK does not type: an entity,
// analytics rule, rule template or data connector of a kind added to the service later or
// only in preview API versions (UnknownEntity, UnknownAlertRule, UnknownDataConnector are
// its instances). Raw is the object exactly as the service sent it, and it is what the value
// encodes to, byte for byte; only the etag is replaced when Etag was changed, so that an
// update of a rule of an unknown kind works. The embedded Resource is read from Raw.
type Unknown[K ~string] struct {
	Resource
	// Raw is the object's JSON as received. To create a resource of a kind this SDK does
	// not type, decode its wire form into an Unknown with UnmarshalJSON.
	Raw jsontext.Value
}

// Kind returns the kind as sent, which may be "".
func (u *Unknown[K]) Kind() K { return K(u.Resource.Kind) }

// Decode decodes Raw into v, for reading members this SDK does not type.
func (u *Unknown[K]) Decode(v any) error { return json.Unmarshal(u.Raw, v, Decode()) }

// MarshalJSONTo writes Raw, with its etag replaced by Etag when they differ.
func (u Unknown[K]) MarshalJSONTo(enc *jsontext.Encoder) error {
	if len(bytes.TrimSpace(u.Raw)) == 0 {
		return fmt.Errorf("sentinel: an unknown %s has no JSON", familyOf[K]().name)
	}
	raw := u.Raw
	if raw.Kind() != '{' { // a member of a lenient family that is not an object
		return enc.WriteValue(raw)
	}
	var env struct {
		Etag string `json:"etag"`
	}
	if err := json.Unmarshal(raw, &env, Decode()); err != nil {
		return err
	}
	if env.Etag != u.Etag {
		v, _ := jsontext.AppendQuote(nil, u.Etag)
		var err error
		if raw, err = SetMember(raw, "etag", v); err != nil {
			return err
		}
	}
	return enc.WriteValue(raw)
}

// UnmarshalJSONFrom keeps the object as Raw and reads its envelope.
func (u *Unknown[K]) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return u.set(raw.Clone())
}

func (u *Unknown[K]) set(raw jsontext.Value) error {
	*u = Unknown[K]{Raw: raw}
	info := familyOf[K]()
	if raw.Kind() != '{' {
		return fmt.Errorf("sentinel: an %s must be a JSON object, got a JSON %s", info.name, raw.Kind())
	}
	var env struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Type string `json:"type"`
		Etag string `json:"etag"`
	}
	if err := json.Unmarshal(raw, &env, Decode()); err != nil {
		u.decodeErr = fmt.Errorf("sentinel: reading the envelope of an unknown %s: %w", info.name, err)
		return nil
	}
	u.ID, u.Name, u.Type, u.Etag = env.ID, env.Name, env.Type, env.Etag
	kind, err := DiscriminatorOf(raw, info.member)
	if err != nil {
		u.decodeErr = fmt.Errorf("sentinel: reading the %q of an unknown %s: %w", info.member, info.name, err)
		return nil
	}
	u.Resource.Kind = kind
	if kind == "" {
		u.decodeErr = fmt.Errorf("sentinel: the %s has no %q", info.name, info.member)
	}
	return nil
}

// Validate checks that Raw can be sent: a JSON object with a kind. The client calls it
// before it sends an Unknown; it returns an *ArgumentError matching ErrInvalidArgument.
func (u *Unknown[K]) Validate() error {
	if u.Raw.Kind() != '{' || !u.Raw.IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
		return errs.ArgError("Unknown.Raw", "is not a JSON object")
	}
	member := familyOf[K]().member
	k, err := DiscriminatorOf(u.Raw, member)
	if err != nil || k == "" {
		return errs.ArgError("Unknown.Raw", "has no %q", member)
	}
	return nil
}

// familyInfo is what Unknown[K] needs to know of its family: the discriminator member and
// a name for messages.
type familyInfo struct{ member, name string }

// familyOf returns the registration of the family whose kinds are K.
func familyOf[K any]() familyInfo {
	familiesMu.Lock()
	defer familiesMu.Unlock()
	if info, ok := familyInfos[reflect.TypeFor[K]()]; ok {
		return info
	}
	return familyInfo{member: "kind", name: "resource"}
}

// A Family is the kind registry of one polymorphic family: the struct of each typed kind,
// and Unknown[K] for the rest. It decodes a member of the family (a value of interface type
// I) into the struct of its kind, wherever I appears: in a list, a response, a field; and it
// writes the kind of a typed kind built in Go when it is encoded.
type Family[K ~string, I interface{ Kind() K }] struct {
	familyInfo
	kinds map[K]func() I
	// lenient families decode what fits: a member whose value does not fit its typed field
	// leaves that field zero and is reported by DecodeError, instead of failing the value.
	lenient bool
}

// kindField is where a typed kind keeps its discriminator: the field's index and its value.
type kindField struct {
	kind  string
	index []int
}

var (
	familiesMu  sync.Mutex
	familyInfos = map[reflect.Type]familyInfo{}
	// typedKinds maps each typed kind's Go type (*ScheduledAlertRule) to its discriminator.
	typedKinds = map[reflect.Type]kindField{}
	// familyUnmarshalers and familyMarshalers are the families' codecs; the options of
	// Decode and Encode include them.
	familyUnmarshalers []*json.Unmarshalers
	familyMarshalers   []*json.Marshalers
)

// NewFamilyOn registers a polymorphic family whose discriminator is the member named member
// ("kind" for ARM resources, "conditionType", "@odata.type"); name names the family in
// messages ("entity", "alert evidence"). Each typed kind must have a string field tagged
// with member (Resource.Kind for "kind"). Families register from package variables, before
// any value is decoded; Decode and Encode include every family registered so far.
func NewFamilyOn[K ~string, I interface{ Kind() K }](member, name string, lenient bool, kinds ...func() I) *Family[K, I] {
	f := &Family[K, I]{familyInfo: familyInfo{member: member, name: name}, kinds: make(map[K]func() I, len(kinds)), lenient: lenient}
	familiesMu.Lock()
	defer familiesMu.Unlock()
	for _, k := range kinds {
		v := k()
		t := reflect.TypeOf(v)
		index := fieldTagged(t.Elem(), member)
		if index == nil {
			panic(fmt.Sprintf("sentinel: %s has no field for %q", t, member))
		}
		f.kinds[v.Kind()] = k
		typedKinds[t] = kindField{kind: string(v.Kind()), index: index}
	}
	if _, ok := any(&Unknown[K]{}).(I); !ok {
		panic(fmt.Sprintf("sentinel: Unknown[%s] does not implement %s", reflect.TypeFor[K](), reflect.TypeFor[I]()))
	}
	familyInfos[reflect.TypeFor[K]()] = f.familyInfo
	familyUnmarshalers = append(familyUnmarshalers, json.UnmarshalFromFunc(f.decodeInto))
	familyMarshalers = append(familyMarshalers, json.MarshalToFunc(func(enc *jsontext.Encoder, v I) error {
		return marshalKinded(enc, v)
	}))
	rebuildOptions()
	return f
}

// fieldTagged returns the index of the string field of struct t whose JSON name is name,
// looking into embedded structs without a JSON name; nil when there is none.
func fieldTagged(t reflect.Type, name string) []int {
	for i := range t.NumField() {
		sf := t.Field(i)
		tag, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
			if sub := fieldTagged(sf.Type, name); sub != nil {
				return append([]int{i}, sub...)
			}
			continue
		}
		if tag == name && sf.Type.Kind() == reflect.String {
			return []int{i}
		}
	}
	return nil
}

// decodeInto decodes one member of the family into *out: null leaves it nil, except in a
// lenient family (see decode).
func (f *Family[K, I]) decodeInto(dec *jsontext.Decoder, out *I) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	v, err := f.Decode(raw)
	if err != nil {
		return err
	}
	*out = v
	return nil
}

// Decode decodes raw, which it does not keep, into the struct of its kind. In a lenient
// family, a value that is not an object (null included) or whose kind is not a string is an
// Unknown[K] that keeps it, with DecodeError saying why, so that one odd member of a list
// neither fails the list nor leaves a nil in it.
func (f *Family[K, I]) Decode(raw jsontext.Value) (I, error) {
	var zero I
	if raw.Kind() != '{' {
		if f.lenient {
			u := &Unknown[K]{Raw: raw.Clone()}
			u.decodeErr = fmt.Errorf("sentinel: an %s must be a JSON object, got a JSON %s", f.name, raw.Kind())
			return any(u).(I), nil
		}
		if raw.Kind() == 'n' {
			return zero, nil
		}
		return zero, fmt.Errorf("expected a JSON object, got a JSON %s", raw.Kind())
	}
	kind, err := DiscriminatorOf(raw, f.member)
	if err != nil && !f.lenient {
		return zero, err
	}
	ctor := f.kinds[K(kind)] // nil when the kind is unreadable: Unknown[K] reports it
	if ctor == nil {
		u := &Unknown[K]{}
		if err := u.set(raw.Clone()); err != nil {
			return zero, err
		}
		return any(u).(I), nil
	}
	v := ctor()
	err = json.Unmarshal(raw, v, Decode())
	if err != nil && f.lenient {
		v = ctor()
		err = DecodeLenient(raw, v)
		if e, ok := any(v).(interface{ Envelope() *Resource }); ok {
			env := e.Envelope()
			env.decodeErr = fmt.Errorf("sentinel: %s %s %q: %w", kind, f.name, firstNonEmpty(env.Name, env.ID), err)
			env.raw = raw.Clone()
			err = nil
		}
	}
	if err != nil {
		return zero, err
	}
	return v, nil
}

// DecodeLenient decodes each member of the object raw into v on its own, and each member of
// its "properties" object on its own, so that a member that does not fit leaves only its own
// field zero. It returns the errors of the members that did not fit.
func DecodeLenient(raw jsontext.Value, v any) error {
	var errs []error
	var doc []byte // one buffer for every member: the decoder copies what it keeps
	err := EachMember(raw, func(name, member jsontext.Value) {
		if string(name) == `"properties"` && bytes.HasPrefix(bytes.TrimLeft(member[len(name):], " \t\r\n:"), []byte("{")) {
			value := bytes.TrimLeft(member[len(name):], " \t\r\n:")
			if err := EachMember(value, func(_, prop jsontext.Value) {
				doc = append(append(append(doc[:0], `{"properties":{`...), prop...), "}}"...)
				if err := json.Unmarshal(doc, v, Decode()); err != nil {
					errs = append(errs, err)
				}
			}); err != nil {
				errs = append(errs, err)
			}
			return
		}
		doc = append(append(append(doc[:0], '{'), member...), '}')
		if err := json.Unmarshal(doc, v, Decode()); err != nil {
			errs = append(errs, err)
		}
	})
	if err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// EachMember calls fn with the raw name and the raw `"name":value` text of each member of the
// JSON object obj; both are sub-slices of obj.
func EachMember(obj jsontext.Value, fn func(name, member jsontext.Value)) error {
	s := scanners.Get().(*scanner)
	defer s.put()
	dec := s.reset(obj)
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '{' {
		return fmt.Errorf("expected a JSON object, got a JSON %s", tok.Kind())
	}
	for dec.PeekKind() == '"' {
		start := dec.InputOffset()
		if _, err := dec.ReadValue(); err != nil {
			return err
		}
		name := bytes.TrimLeft(obj[start:dec.InputOffset()], " \t\r\n,")
		if _, err := dec.ReadValue(); err != nil {
			return err
		}
		member := bytes.TrimLeft(obj[start:dec.InputOffset()], " \t\r\n,")
		fn(name, member)
	}
	_, err := dec.ReadToken()
	return err
}

// marshalKinded encodes a member of a family: an entity decoded leniently is written as
// received, and a typed kind built in Go gets its kind written. Everything else is encoded
// from its struct tags (errors.ErrUnsupported hands it back to them).
func marshalKinded(enc *jsontext.Encoder, v any) error {
	if e, ok := v.(interface{ Envelope() *Resource }); ok && e.Envelope().raw != nil {
		return enc.WriteValue(e.Envelope().raw)
	}
	t := reflect.TypeOf(v)
	familiesMu.Lock()
	info, ok := typedKinds[t]
	familiesMu.Unlock()
	if !ok || t.Kind() != reflect.Pointer {
		return errors.ErrUnsupported
	}
	field := reflect.ValueOf(v).Elem().FieldByIndex(info.index)
	switch field.String() {
	case info.kind:
		return errors.ErrUnsupported
	case "":
	default:
		return fmt.Errorf("sentinel: a %s cannot have kind %q", t.Elem().Name(), field.String())
	}
	cp := reflect.New(t.Elem())
	cp.Elem().Set(reflect.ValueOf(v).Elem())
	cp.Elem().FieldByIndex(info.index).SetString(info.kind)
	return json.MarshalEncode(enc, cp.Interface())
}

// DiscriminatorOf returns the member named member (the discriminator) of the JSON object raw
// ("" when absent or null). When the member appears more than once, the last one counts, as
// it does when the object is decoded.
func DiscriminatorOf(raw []byte, member string) (string, error) {
	if kind, ok := discriminatorFast(raw, member); ok {
		return kind, nil
	}
	return discriminatorSlow(raw, member)
}

// discriminatorFast is DiscriminatorOf for the common case, in one pass over the bytes that
// validates nothing: raw comes from a decoder that validated it (ReadValue) or was checked
// with IsValid. It gives up (ok false) on anything it does not expect, and on escapes or
// non-ASCII bytes in a member name or in the discriminator's value, whose meaning the
// decoder defines (unescaping, U+FFFD for invalid UTF-8); discriminatorSlow then decides.
// Like the decoder with duplicate names allowed, the last occurrence wins.
// FuzzDiscriminatorOf checks that it agrees with discriminatorSlow.
func discriminatorFast(raw []byte, member string) (kind string, ok bool) {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return "", false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == '}' {
		return "", true
	}
	for {
		if i >= len(raw) || raw[i] != '"' {
			return "", false
		}
		start := i + 1
		end, plain := scanString(raw, start)
		if end < 0 || !plain {
			return "", false
		}
		i = skipSpace(raw, end+1)
		if i >= len(raw) || raw[i] != ':' {
			return "", false
		}
		i = skipSpace(raw, i+1)
		if i >= len(raw) {
			return "", false
		}
		if string(raw[start:end]) == member {
			switch raw[i] {
			case '"':
				vend, plain := scanString(raw, i+1)
				if vend < 0 || !plain {
					return "", false
				}
				kind = string(raw[i+1 : vend])
				i = vend + 1
			case 'n':
				if !bytes.HasPrefix(raw[i:], []byte("null")) {
					return "", false
				}
				kind = ""
				i += len("null")
			default:
				return "", false // not a string: discriminatorSlow reports it
			}
		} else if i = skipValue(raw, i); i < 0 {
			return "", false
		}
		i = skipSpace(raw, i)
		if i >= len(raw) {
			return "", false
		}
		switch raw[i] {
		case ',':
			i = skipSpace(raw, i+1)
		case '}':
			return kind, true
		default:
			return "", false
		}
	}
}

// skipSpace returns the index of the first byte at or after i that is not JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index of the quote that ends the string whose content starts at i,
// or -1, and whether the content is plain: no escape and only ASCII bytes.
func scanString(b []byte, i int) (end int, plain bool) {
	plain = true
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i, plain
		case c == '\\':
			plain = false
			i++ // the escaped byte cannot end the string
		case c >= 0x80:
			plain = false
		}
	}
	return -1, false
}

// skipValue returns the index just past the (valid) JSON value that starts at i, or -1.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			end, _ := scanString(b, i+1)
			if end < 0 {
				return -1
			}
			i = end
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // the end of a number or a literal, and of its object
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\n', '\r', ':':
			if depth == 0 {
				return i // the end of a number or a literal
			}
		}
	}
	if depth == 0 {
		return i // a number or a literal that ends the input
	}
	return -1
}

// discriminatorSlow is DiscriminatorOf through a decoder: it defines the result.
func discriminatorSlow(raw []byte, member string) (string, error) {
	s := scanners.Get().(*scanner)
	defer s.put()
	dec := s.reset(raw)
	tok, err := dec.ReadToken()
	if err != nil {
		return "", err
	}
	if tok.Kind() != '{' {
		return "", fmt.Errorf("expected a JSON object, got a JSON %s", tok.Kind())
	}
	kind := ""
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return "", err
		}
		if !isName(name, member) {
			if err := dec.SkipValue(); err != nil {
				return "", err
			}
			continue
		}
		v, err := dec.ReadToken()
		if err != nil {
			return "", err
		}
		switch v.Kind() {
		case '"':
			kind = v.String()
		case 'n':
			kind = ""
		default:
			return "", fmt.Errorf("%q is not a string", member)
		}
	}
	return kind, nil
}

// A scanner reads a JSON value in memory. discriminatorOf runs for every member of a family
// decoded, and eachMember for every member of a lenient one that did not fit, so their
// decoders are pooled: a new one would be garbage of about 500 bytes each.
type scanner struct {
	buf bytes.Buffer
	dec jsontext.Decoder
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

// reset returns s's decoder reading raw, which it does not copy (a bytes.Buffer is read in
// place).
func (s *scanner) reset(raw []byte) *jsontext.Decoder {
	s.buf = *bytes.NewBuffer(raw)
	s.dec.Reset(&s.buf, Decode())
	return &s.dec
}

// put drops s's reference to the value it read and returns it to the pool.
func (s *scanner) put() {
	s.buf = bytes.Buffer{}
	s.dec.Reset(&s.buf)
	scanners.Put(s)
}

// isName reports whether the quoted JSON string quoted is name, without allocating unless it
// has escapes.
func isName(quoted jsontext.Value, name string) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return len(quoted) == len(name)+2 && string(quoted[1:len(quoted)-1]) == name
	}
	s, err := jsontext.AppendUnquote(nil, quoted)
	return err == nil && string(s) == name
}

// SetMember returns the JSON object raw with its top-level member name set to value,
// keeping the bytes and order of every other member; a new member goes last.
func SetMember(raw []byte, name string, value jsontext.Value) ([]byte, error) {
	out := []byte{'{'}
	found := false
	err := EachMember(raw, func(n, member jsontext.Value) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		var s string
		if json.Unmarshal(n, &s) == nil && s == name {
			out = append(append(append(out, n...), ':'), value...)
			found = true
			return
		}
		out = append(out, member...)
	})
	if err != nil {
		return nil, err
	}
	if !found {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out, _ = jsontext.AppendQuote(out, name)
		out = append(append(out, ':'), value...)
	}
	return append(out, '}'), nil
}

// UnknownMembers splits a JSON object of members this SDK does not model (a model's Unknown
// field) by name. It returns nil for an empty object.
func UnknownMembers(v jsontext.Value) map[string]jsontext.Value {
	if len(v) == 0 {
		return nil
	}
	out := map[string]jsontext.Value{}
	_ = EachMember(v, func(name, member jsontext.Value) {
		var s string
		if json.Unmarshal(name, &s, Decode()) != nil {
			return
		}
		value := bytes.TrimLeft(member[len(name):], " \t\r\n:")
		out[s] = jsontext.Value(value).Clone()
	})
	return out
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
