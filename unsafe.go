package sentinel

import (
	"reflect"
	"unsafe"
)

// This file holds every use of package unsafe in the SDK. Each function says the invariant
// its callers keep; nothing here hands a user memory that the SDK changes or reuses.
//
// The memory strings are made from without copying is either immutable once written (an
// arena chunk or a text block: bytes are only ever appended to them, never changed, and they
// are never reused while referenced) or only read during the call that made the string, which
// does not keep it (parsing a number or a time from a reused buffer).

// unsafeString returns b as a string without copying.
//
// Invariant: the bytes of b are never modified while the string is reachable. Either b is
// immutable memory (arena chunks, text blocks), or the string does not outlive the call it is
// made for and b does not change during that call.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// unsafeBytes returns the bytes of s without copying.
//
// Invariant: the caller only reads them (parses, compares or copies them) and does not keep
// the slice, and never hands it to code outside this package, except internal/model's
// ParseTime (through parseTime), which only reads it during the call and keeps nothing.
func unsafeBytes(s string) []byte {
	if s == "" {
		return nil
	}
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// rowPtr is the address of a struct that a row decodes into: an element of the caller's
// []T, or the T a row iterator yields.
type rowPtr struct{ p unsafe.Pointer }

// rowPtrOf returns the address of *v.
func rowPtrOf[T any](v *T) rowPtr { return rowPtr{unsafe.Pointer(v)} }

// fieldPtr is the address of one field of a row struct, or of a value allocated for a
// pointer field.
type fieldPtr struct{ p unsafe.Pointer }

// field returns the address of the field at offset off.
//
// Invariant: off comes from the structInfo built for r's struct type (reflect's
// StructField.Offset, added up through embedded structs), so it lies inside the struct.
func (r rowPtr) field(off uintptr) fieldPtr { return fieldPtr{unsafe.Add(r.p, off)} }

// fieldAs returns the field as a *F.
//
// Invariant: the field's type is F or a defined type with the same underlying type (a
// setter is chosen by setterFor from the field's reflect.Type: cellSetString for kind
// String, intSetter(16) for kind Int16, and so on), so F describes its memory exactly.
func fieldAs[F any](f fieldPtr) *F { return (*F)(f.p) }

// reflectPtr returns the field as a reflect.Value of type *t.
//
// Invariant: t is the field's type.
func (f fieldPtr) reflectPtr(t reflect.Type) reflect.Value { return reflect.NewAt(t, f.p) }

// newValue allocates a zero value of type t for a pointer field and returns its address.
func newValue(t reflect.Type) fieldPtr { return fieldPtr{reflect.New(t).UnsafePointer()} }

// setPointer stores v, the address of a value newValue allocated, into the pointer field f.
//
// Invariant: f's type is *t, where t is the type v was allocated with.
func (f fieldPtr) setPointer(v fieldPtr) { *(*unsafe.Pointer)(f.p) = v.p }
