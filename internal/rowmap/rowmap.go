// Package rowmap holds the one rule by which query results map to Go struct fields, for the
// Log Analytics decoders of the root package (DecodeTable, QueryInto, QueryRows) and the
// advanced hunting decoders of package defender: a column goes to the field tagged
// `kql:"ColumnName"` or, without a tag, to the field of that name (an exact match first,
// then a case-insensitive one). A tag "-" skips a field; a tagged field whose column is
// absent is an error unless the tag says `kql:"Name,optional"`; fields of embedded structs
// are promoted.
package rowmap

import (
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/sentinel-go/sentinel/internal/errs"
)

// Field is a field of a struct that rows decode into.
type Field struct {
	Name     string // Go name
	Column   string
	Tagged   bool
	Optional bool
	Offset   uintptr // from the start of the struct, through embedded structs
	Index    []int   // for reflect.Value.FieldByIndex
	Type     reflect.Type
}

var (
	cache    sync.Map // reflect.Type → []Field
	timeType = reflect.TypeFor[time.Time]()
)

// Fields returns the fields of struct type t that columns map to; an *errs.ArgumentError
// names "T" when t is not a struct or two fields claim one column.
func Fields(t reflect.Type) ([]Field, error) {
	if v, ok := cache.Load(t); ok {
		return v.([]Field), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, errs.ArgError("T", "rows decode into a struct type, not %s", t)
	}
	var fields []Field
	if err := collect(t, t, nil, 0, 0, &fields); err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, f := range fields {
		if other, dup := seen[f.Column]; dup {
			return nil, errs.ArgError("T", "fields %s and %s of %s both map to column %q", other, f.Name, t, f.Column)
		}
		seen[f.Column] = f.Name
	}
	v, _ := cache.LoadOrStore(t, fields)
	return v.([]Field), nil
}

func collect(root, t reflect.Type, index []int, base uintptr, depth int, out *[]Field) error {
	if depth > 8 {
		return errs.ArgError("T", "%s nests embedded structs too deeply", root)
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("kql")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(append([]int(nil), index...), i)
		if f.Anonymous && !hasTag {
			ft := f.Type
			if ft.Kind() == reflect.Struct && ft != timeType {
				if err := collect(root, ft, idx, base+f.Offset, depth+1, out); err != nil {
					return err
				}
				continue
			}
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				if f.IsExported() {
					return errs.ArgError("T", "embedded pointer %s in %s is not supported; embed the struct itself", ft, root)
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		*out = append(*out, Field{
			Name: f.Name, Column: name, Tagged: hasTag, Optional: opts == "optional",
			Offset: base + f.Offset, Index: idx, Type: f.Type,
		})
	}
	return nil
}

// ColumnIndex returns the index of the column named name among n columns (name(i) is the
// name of column i): an exact match first, then a case-insensitive one; -1 when none.
func ColumnIndex(n int, name string, nameOf func(i int) string) int {
	for i := range n {
		if nameOf(i) == name {
			return i
		}
	}
	for i := range n {
		if strings.EqualFold(nameOf(i), name) {
			return i
		}
	}
	return -1
}
