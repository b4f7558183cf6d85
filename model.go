package sentinel

import (
	"crypto/rand"
	"fmt"
	"reflect"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/model"
)

// This file is the model mechanism every resource uses. A model has ONE wire definition: its
// struct tags. Decoding and encoding both follow from them (go-json-experiment), so there is
// no hand-written codec to forget a member in:
//
//	type Incident struct {
//		Resource                              // id, name, type, kind, etag, systemData
//		IncidentProperties `json:"properties"` // the "properties" object; its fields are promoted
//		Unknown jsontext.Value `json:",embed"` // members of the resource this SDK does not model
//	}
//
// Every JSON object the service may extend has its own Unknown field, nested objects and
// array items included, so a resource read and written back keeps every member the service
// sent, at every depth. Enums are open string types: any value decodes and is sent back.
//
// Polymorphic resources (entities, analytics rules and their templates, data connectors) are
// interfaces with one struct per kind. One registry per family (newFamily) maps each kind to
// its struct, and a kind this SDK does not type decodes into Unknown[K], which keeps the JSON
// and sends it back byte for byte.
//
// The mechanism itself lives in internal/model, shared with the Microsoft Graph client
// (package defender); this file gives it the root package's names.

// Resource holds the members every Azure resource has: ID, Name, Type, Kind, Etag and
// SystemData. Models embed it, so its fields read as the model's own (inc.ID, rule.Etag).
// Envelope returns it, through an interface such as AlertRule or Entity; DecodeError reports
// the members of an entity that could not be decoded into its typed fields (those fields are
// zero, every other field is decoded, and the entity encodes to its JSON as received; it is
// nil for every other resource, which fails to decode instead).
type Resource = model.Resource

// IdentityType is the kind of principal in SystemData.
type IdentityType = model.IdentityType

// Identity types of ARM's systemData.
const (
	IdentityUser            IdentityType = "User"
	IdentityApplication     IdentityType = "Application"
	IdentityManagedIdentity IdentityType = "ManagedIdentity"
	IdentityKey             IdentityType = "Key"
)

// SystemData is ARM's record of who created and last modified a resource, and when:
// CreatedBy, CreatedByType, CreatedAt, LastModifiedBy, LastModifiedByType, LastModifiedAt, and
// Unknown for the members this SDK does not model.
type SystemData = model.SystemData

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

// Unknown is a member of a polymorphic family whose kind this SDK does not type: an entity,
// analytics rule, rule template or data connector of a kind added to the service later or
// only in preview API versions (UnknownEntity, UnknownAlertRule, UnknownDataConnector are
// its instances; defender.UnknownEvidence is one too). Raw is the object exactly as the
// service sent it, and it is what the value encodes to, byte for byte (white space between
// tokens aside: encoding writes compact JSON; strings and numbers keep their text); only the
// etag is replaced when Etag was changed, so that an update of a rule of an unknown kind works. The
// embedded Resource is read from Raw. Kind returns the kind as sent, Decode decodes Raw into
// another value, and Validate checks that Raw can be sent (a JSON object with a kind).
type Unknown[K ~string] = model.Unknown[K]

// A family is the kind registry of one polymorphic family (see model.Family).
type family[K ~string, I interface{ Kind() K }] struct{ f *model.Family[K, I] }

// decode decodes raw, which it does not keep, into the struct of its kind.
func (f *family[K, I]) decode(raw jsontext.Value) (I, error) { return f.f.Decode(raw) }

// newFamily registers an ARM polymorphic family, whose discriminator is the top-level
// "kind", with the constructors of its typed kinds.
func newFamily[K ~string, I interface{ Kind() K }](lenient bool, kinds ...func() I) *family[K, I] {
	name := "resource"
	switch reflect.TypeFor[K]().Name() {
	case "EntityKind":
		name = "entity"
	case "AlertRuleKind":
		name = "analytics rule"
	case "DataConnectorKind":
		name = "data connector"
	}
	return newFamilyOn[K, I]("kind", name, lenient, kinds...)
}

// newFamilyOn registers a polymorphic family whose discriminator is the member named member
// (such as "conditionType"); name names the family in messages. Each typed kind must have a
// string field tagged with member (Resource.Kind for "kind").
func newFamilyOn[K ~string, I interface{ Kind() K }](member, name string, lenient bool, kinds ...func() I) *family[K, I] {
	return &family[K, I]{model.NewFamilyOn[K, I](member, name, lenient, kinds...)}
}

// decodeLenient decodes each member of the object raw into v on its own (see
// model.DecodeLenient).
func decodeLenient(raw jsontext.Value, v any) error { return model.DecodeLenient(raw, v) }

// validate checks a model before it is sent: a typed kind with its validate method, a value
// of an unknown kind with Unknown.Validate.
func validate(v any) error {
	switch m := v.(type) {
	case interface{ validate() error }:
		return m.validate()
	case interface{ Validate() error }:
		return m.Validate()
	}
	return nil
}

// UnknownMembers splits a JSON object of members this SDK does not model (a model's Unknown
// field) by name. It returns nil for an empty object.
func UnknownMembers(v jsontext.Value) map[string]jsontext.Value { return model.UnknownMembers(v) }

// clearReadOnly empties the members of a resource's envelope that the service sets and
// refuses in a request body: its ARM ID, type and system data. Name, etag and kind stay.
func clearReadOnly(r *Resource) { r.ID, r.Type, r.SystemData = "", "", SystemData{} }

// NewID returns a new random GUID, for the IDs the caller chooses: incident, rule, action,
// bookmark, comment, task and watchlist item IDs.
func NewID() string { return newGUID() }

// newGUID returns a random (version 4) GUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// readModifyWrite is the update of a resource the API can only replace (there is no PATCH):
// it reads the resource (get), applies the change, and writes it back (put) with the etag it
// read. When the service answers 409 Conflict because the resource changed in between, it
// reads it again and re-applies the same change, up to attempts times (0 means 5), then
// returns an error matching ErrConflict that names what.
func readModifyWrite[T any](attempts int, what string, get func() (T, error), apply func(*T) error, put func(T) (T, error)) (T, error) {
	var zero T
	if attempts <= 0 {
		attempts = 5
	}
	var lastErr error
	for range attempts {
		v, err := get()
		if err != nil {
			return zero, err
		}
		if err := apply(&v); err != nil {
			return zero, err
		}
		out, err := put(v)
		if err == nil || !isConflict(err) {
			return out, err
		}
		lastErr = err
	}
	return zero, fmt.Errorf("sentinel: %s changed concurrently %d times in a row: %w", what, attempts, lastErr)
}

// createOnce is the creation of a sub-resource under an ID the client chose (comments,
// tasks, relations): put creates it. When the service answers 409 Conflict because the ID is
// taken, createOnce reads the existing resource (get): if same says it is what this call
// would have created (an earlier attempt of the same call, or of the same playbook step,
// created it), it returns it; otherwise an error that matches ErrConflict and names what.
// When that read fails, createOnce returns the read's error.
func createOnce[T any](what string, put func() (T, error), get func() (T, error), same func(T) bool) (T, error) {
	var zero T
	out, err := put()
	if err == nil || !isConflict(err) {
		return out, err
	}
	existing, gerr := get()
	if gerr != nil {
		return zero, fmt.Errorf("sentinel: %s exists (409 Conflict); reading it to compare failed: %w", what, gerr)
	}
	if same(existing) {
		return existing, nil
	}
	return zero, fmt.Errorf("sentinel: %s already exists with other content: %w", what, err)
}
