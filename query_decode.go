package sentinel

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/rowmap"
)

// ColumnError reports a value, or a whole column, that does not fit the type it is decoded
// into: a long too large for an int32 field, a datetime column mapped to an int64 field, a
// string that is not a timespan. It names the table, the row (-1 when the column as a whole
// does not fit) and the column.
type ColumnError struct {
	Table  string
	Row    int
	Column string
	Type   ColumnType
	// Field is the struct field and its Go type, when decoding into a struct.
	Field string
	Err   error
}

// Error says which table, row, column and field failed, and why.
func (e *ColumnError) Error() string {
	var b strings.Builder
	b.WriteString("sentinel: table ")
	b.WriteString(e.Table)
	if e.Row >= 0 {
		fmt.Fprintf(&b, ", row %d", e.Row)
	}
	fmt.Fprintf(&b, ", column %q", e.Column)
	if e.Type != "" {
		b.WriteString(" (")
		b.WriteString(string(e.Type))
		b.WriteByte(')')
	}
	if e.Field != "" {
		b.WriteString(", field ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying parse error.
func (e *ColumnError) Unwrap() error { return e.Err }

func (t *Table) cellError(row, col int, field string, err error) *ColumnError {
	e := &ColumnError{Table: t.Name, Row: row, Field: field, Err: err}
	if col >= 0 && col < len(t.Columns) {
		e.Column, e.Type = t.Columns[col].Name, t.Columns[col].Type
	}
	return e
}

// DecodeTable decodes the rows of t into structs, mapping columns to fields by the field tag
// `kql:"ColumnName"` or, without a tag, by the field's name (an exact match first, then a
// case-insensitive one). A tag "-" skips a field; a tagged field whose column is absent is an
// error unless the tag says `kql:"Name,optional"`. Columns without a field are ignored.
// Fields of embedded structs are promoted.
//
// Field types by column type (a null cell leaves the field's zero value; a pointer field
// stays nil):
//   - datetime: time.Time (UTC)
//   - long, int: int64 and the other integer types (range-checked; a long keeps every bit,
//     also above 2^53), float64
//   - real: float64, float32 ("NaN" and "Infinity" accepted)
//   - bool: bool
//   - timespan: time.Duration ("[-][d.]hh:mm:ss[.fffffff]", days included)
//   - dynamic: json.RawMessage (the JSON, also when the service sent it as a string holding
//     JSON), or a map, slice or struct the JSON is unmarshaled into
//   - decimal: string (exact text), *big.Rat, *big.Float (through encoding.TextUnmarshaler),
//     float64
//   - any column: string (its text), any (see Value.Any), Value (converted later), a pointer
//     to a supported type, and types implementing encoding.TextUnmarshaler such as
//     netip.Addr (not for dynamic)
//
// A column whose type cannot go into its field fails before any row with a *ColumnError
// whose Row is -1; a value that does not parse fails with a *ColumnError naming its row.
// Decoded strings share the table's memory, which never changes, instead of being copied;
// byte slices (json.RawMessage, the text handed to an UnmarshalText method) are copies of
// their own.
func DecodeTable[T any](t *Table) ([]T, error) {
	si, err := structInfoFor(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	plan, err := newPlan(si, t)
	if err != nil {
		return nil, err
	}
	out := make([]T, t.nrows)
	i := 0
	err = plan.decodeStored(t, func() rowPtr {
		p := rowPtrOf(&out[i])
		i++
		return p
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// structField is a field of a struct that rows decode into (see rowmap for the mapping
// rule, shared with defender's hunting decoders).
type structField = rowmap.Field

type structInfo struct {
	typ    reflect.Type
	fields []structField
}

var structInfos sync.Map // reflect.Type → *structInfo

func structInfoFor(t reflect.Type) (*structInfo, error) {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo), nil
	}
	fields, err := rowmap.Fields(t)
	if err != nil {
		return nil, err
	}
	v, _ := structInfos.LoadOrStore(t, &structInfo{typ: t, fields: fields})
	return v.(*structInfo), nil
}

// setFunc stores a cell of kind k (never null) with text s into the field at f.
//
// s is only valid during the call (it may alias the decoder's buffer, which is reused): a
// setter that keeps text copies it with st, and never hands s itself to other code.
type setFunc func(f fieldPtr, k byte, s string, st *setState) error

// setState is the context of a decode. stable says that s outlives the decode and never
// changes (the text of a stored table), so strings may share it; otherwise setters copy what
// they keep into text blocks of their own.
type setState struct {
	stable bool
	text   textBlocks
	// recent holds copies of short strings decoded lately, so that a value repeated from
	// row to row (a user, an application, a result code) is stored once and shared. It is
	// direct-mapped by hash: a new value replaces the one in its slot.
	recent *[recentSlots]string
}

const (
	recentSlots  = 1024
	recentMaxLen = 64
)

// quickHash mixes a few bytes of s (not empty) and its length: cheap, and good enough to
// spread the values of a column over the slots of a table that checks for equality.
func quickHash(s string) uint {
	n := len(s)
	h := uint(n)*0x9E3779B1 ^ uint(s[0])<<5 ^ uint(s[n/3])<<11 ^ uint(s[n/2])<<17 ^ uint(s[2*n/3])<<23 ^ uint(s[n-1])<<29
	return h ^ h>>13 ^ h>>21
}

// keep returns s as a string that stays valid: s itself when it is stable, else a copy,
// shared with an equal string kept before when there is one.
func (st *setState) keep(s string) string {
	if st.stable {
		return s
	}
	if len(s) > recentMaxLen || s == "" {
		return st.text.string(s)
	}
	if st.recent == nil {
		st.recent = new([recentSlots]string)
	}
	slot := &st.recent[quickHash(s)&(recentSlots-1)]
	if *slot != s {
		*slot = st.text.string(s)
	}
	return *slot
}

// colPlan maps one column to a field.
type colPlan struct {
	set    setFunc // nil: the column has no field
	offset uintptr
	field  string
	raw    bool // the field is a json.RawMessage or jsontext.Value: see resultDecoder.rows
}

type typedPlan struct {
	cols  []colPlan
	st    setState
	table *Table
}

var errNoColumn = errors.New("the result has no such column")

// newPlan maps t's columns to si's fields and picks a setter for each.
func newPlan(si *structInfo, t *Table) (*typedPlan, error) {
	p := &typedPlan{cols: make([]colPlan, len(t.Columns)), table: t}
	for i := range si.fields {
		f := &si.fields[i]
		j := t.ColumnIndex(f.Column)
		field := f.Name + " (" + f.Type.String() + ")"
		if j < 0 {
			// A field no column fills is an error, never a silently zero value: a typo in a
			// column name, or a query that projects the column away, would go unnoticed.
			if !f.Optional {
				return nil, &ColumnError{Table: t.Name, Row: -1, Column: f.Column, Field: field,
					Err: fmt.Errorf("%w; tag the field `kql:\"%s,optional\"` to allow that, or `kql:\"-\"` to leave it out", errNoColumn, f.Column)}
			}
			continue
		}
		if p.cols[j].set != nil {
			continue // another field already took this column by a case-insensitive match
		}
		set, err := setterFor(f.Type, t.Columns[j].Type)
		if err != nil {
			return nil, t.cellError(-1, j, field, err)
		}
		raw := f.Type == rawMessageType || f.Type == jsontextValueType
		p.cols[j] = colPlan{set: set, offset: f.Offset, field: field, raw: raw}
	}
	return p, nil
}

// setCell stores one cell of row into the struct at base.
func (p *typedPlan) setCell(base rowPtr, row, col int, k byte, s string) error {
	c := &p.cols[col]
	if c.set == nil || k == kindNull {
		return nil
	}
	if err := c.set(base.field(c.offset), k, s, &p.st); err != nil {
		return p.table.cellError(row, col, c.field, err)
	}
	return nil
}

// decodeStored decodes the stored rows of t into the structs newRow returns.
func (p *typedPlan) decodeStored(t *Table, newRow func() rowPtr) error {
	for i := 0; i < t.nrows; i++ {
		if err := p.decodeStoredRow(t, i, newRow()); err != nil {
			return err
		}
	}
	return nil
}

// decodeStoredRow decodes stored row i of t into the struct at base. The stored text is
// immutable, so strings share it.
func (p *typedPlan) decodeStoredRow(t *Table, i int, base rowPtr) error {
	p.st.stable = true
	defer func() { p.st.stable = false }()
	for j, ref := range t.row(i) {
		cell := t.arena.get(ref)
		if err := p.setCell(base, i, j, cell[0], cell[1:]); err != nil {
			return err
		}
	}
	return nil
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	durationType      = reflect.TypeFor[time.Duration]()
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsontextValueType = reflect.TypeFor[jsontext.Value]()
	textUnmarshaler   = reflect.TypeFor[encoding.TextUnmarshaler]()
	valueType         = reflect.TypeFor[Value]()
)

func knownColumnType(ct ColumnType) bool {
	switch ct {
	case ColumnTypeBool, ColumnTypeDateTime, ColumnTypeDynamic, ColumnTypeGUID, ColumnTypeInt,
		ColumnTypeLong, ColumnTypeReal, ColumnTypeString, ColumnTypeTimespan, ColumnTypeDecimal:
		return true
	}
	return false
}

// setterFor picks the setter for a field of type ft from a column of type ct, or says why
// the column cannot go into the field.
func setterFor(ft reflect.Type, ct ColumnType) (setFunc, error) {
	accept := func(set setFunc, types ...ColumnType) (setFunc, error) {
		if !knownColumnType(ct) {
			return set, nil // an unknown type: try each value
		}
		for _, t := range types {
			if t == ct {
				return set, nil
			}
		}
		return nil, fmt.Errorf("a %s column cannot be decoded into %s", ct, ft)
	}
	switch ft {
	case timeType:
		return accept(cellSetTime, ColumnTypeDateTime, ColumnTypeString)
	case durationType:
		return accept(cellSetDuration, ColumnTypeTimespan, ColumnTypeString)
	case rawMessageType, jsontextValueType:
		return rawJSONSetter(), nil
	case valueType:
		return valueSetter(ct), nil
	}
	if ft.Kind() == reflect.Pointer {
		set, err := setterFor(ft.Elem(), ct)
		if err != nil {
			return nil, err
		}
		return pointerSetter(ft.Elem(), set), nil
	}
	if ct != ColumnTypeDynamic && reflect.PointerTo(ft).Implements(textUnmarshaler) {
		return textSetter(ft), nil
	}
	switch ft.Kind() {
	case reflect.String:
		return cellSetString, nil
	case reflect.Bool:
		return accept(cellSetBool, ColumnTypeBool)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return accept(intSetter(ft.Bits()), ColumnTypeInt, ColumnTypeLong)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return accept(uintSetter(ft.Bits()), ColumnTypeInt, ColumnTypeLong)
	case reflect.Float32:
		return accept(cellSetFloat32, ColumnTypeReal, ColumnTypeInt, ColumnTypeLong, ColumnTypeDecimal)
	case reflect.Float64:
		return accept(cellSetFloat64, ColumnTypeReal, ColumnTypeInt, ColumnTypeLong, ColumnTypeDecimal)
	case reflect.Interface:
		if ft.NumMethod() == 0 {
			return anySetter(ct), nil
		}
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Struct:
		return accept(jsonSetter(ft), ColumnTypeDynamic, ColumnTypeString)
	}
	return nil, fmt.Errorf("fields of type %s are not supported", ft)
}

func cellSetString(f fieldPtr, k byte, s string, st *setState) error {
	switch k {
	case kindString, kindJSONText, kindNumber, kindJSON:
		*fieldAs[string](f) = st.keep(s)
	default:
		*fieldAs[string](f) = cellText(k, s)
	}
	return nil
}

func cellSetBool(f fieldPtr, k byte, s string, _ *setState) error {
	v, err := cellBool(k, s)
	*fieldAs[bool](f) = v
	return err
}

func intSetter(bits int) setFunc {
	switch bits {
	case 8:
		return func(f fieldPtr, k byte, s string, _ *setState) error {
			n, err := cellInt(k, s, 8)
			*fieldAs[int8](f) = int8(n)
			return err
		}
	case 16:
		return func(f fieldPtr, k byte, s string, _ *setState) error {
			n, err := cellInt(k, s, 16)
			*fieldAs[int16](f) = int16(n)
			return err
		}
	case 32:
		return func(f fieldPtr, k byte, s string, _ *setState) error {
			n, err := cellInt(k, s, 32)
			*fieldAs[int32](f) = int32(n)
			return err
		}
	}
	return cellSetInt64
}

func cellSetInt64(f fieldPtr, k byte, s string, _ *setState) error {
	n, err := cellInt(k, s, 64)
	*fieldAs[int64](f) = n
	return err
}

func uintSetter(bits int) setFunc {
	return func(f fieldPtr, k byte, s string, _ *setState) error {
		n, err := cellUint(k, s, bits)
		switch bits {
		case 8:
			*fieldAs[uint8](f) = uint8(n)
		case 16:
			*fieldAs[uint16](f) = uint16(n)
		case 32:
			*fieldAs[uint32](f) = uint32(n)
		default:
			*fieldAs[uint64](f) = n
		}
		return err
	}
}

func cellSetFloat64(f fieldPtr, k byte, s string, _ *setState) error {
	v, err := cellFloat(k, s)
	*fieldAs[float64](f) = v
	return err
}

func cellSetFloat32(f fieldPtr, k byte, s string, _ *setState) error {
	v, err := cellFloat(k, s)
	*fieldAs[float32](f) = float32(v)
	return err
}

func cellSetTime(f fieldPtr, k byte, s string, _ *setState) error {
	t, err := cellTime(k, s)
	*fieldAs[time.Time](f) = t
	return err
}

func cellSetDuration(f fieldPtr, k byte, s string, _ *setState) error {
	d, err := cellDuration(k, s)
	*fieldAs[time.Duration](f) = d
	return err
}

// rawJSONSetter stores the cell's JSON (see Value.Dynamic), always in a copy of its own: the
// caller may change the bytes.
func rawJSONSetter() setFunc {
	return func(f fieldPtr, k byte, s string, st *setState) error {
		*fieldAs[[]byte](f) = st.text.bytes(cellJSON(k, s))
		return nil
	}
}

// valueSetter keeps the cell as a Value, converted when the caller asks.
func valueSetter(ct ColumnType) setFunc {
	return func(f fieldPtr, k byte, s string, st *setState) error {
		*fieldAs[Value](f) = Value{typ: ct, s: st.text.cell(k, s)}
		return nil
	}
}

func pointerSetter(elem reflect.Type, set setFunc) setFunc {
	return func(f fieldPtr, k byte, s string, st *setState) error {
		v := newValue(elem)
		if err := set(v, k, s, st); err != nil {
			return err
		}
		f.setPointer(v)
		return nil
	}
}

// textSetter hands the cell's text to the field's UnmarshalText in a copy of its own, which
// the method may keep or change.
func textSetter(ft reflect.Type) setFunc {
	return func(f fieldPtr, k byte, s string, st *setState) error {
		u := f.reflectPtr(ft).Interface().(encoding.TextUnmarshaler)
		return u.UnmarshalText(st.text.bytes(unsafeBytes(cellText(k, s))))
	}
}

// anySetter stores the cell as the Go type of its column (see Value.Any); strings are kept.
func anySetter(ct ColumnType) setFunc {
	return func(f fieldPtr, k byte, s string, st *setState) error {
		if anyIsText(ct, k) {
			s = st.keep(s)
		}
		v, err := cellAny(ct, k, s)
		if err != nil {
			return err
		}
		*fieldAs[any](f) = v
		return nil
	}
}

// jsonSetter unmarshals the cell's JSON into a map, slice or struct field.
func jsonSetter(ft reflect.Type) setFunc {
	return func(f fieldPtr, k byte, s string, _ *setState) error {
		return decodeJSON(k, s, f.reflectPtr(ft).Interface())
	}
}

// dynamicOptions decode dynamic values like encoding/json would: field names match without
// regard to case, and times are parsed leniently.
var dynamicOptions = jsonv2.JoinOptions(decodeOptions, jsonv2.MatchCaseInsensitiveNames(true))

// readQueryResponse decodes a query response, handing the first table's rows to sink when it
// is not nil.
func readQueryResponse(resp *http.Response, sink *typedSink) (*QueryResult, error) {
	if resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
		return &QueryResult{}, nil
	}
	// Look at the start of the body to report an empty or non-JSON body clearly.
	head := make([]byte, 512)
	n, err := io.ReadFull(resp.Body, head)
	complete := n < len(head)
	head = head[:n]
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, decodeError(resp, fmt.Errorf("reading body: %w", err))
	}
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 && complete {
		return nil, decodeError(resp, errors.New("empty body"))
	}
	if len(trimmed) > 0 && trimmed[0] != '{' {
		return nil, decodeError(resp, fmt.Errorf("expected a JSON body, got %s", errs.DescribeBody(trimmed, resp.Header.Get("Content-Type"), "body")))
	}
	body := &limitedReader{r: io.MultiReader(bytes.NewReader(head), resp.Body), n: maxQueryBody}
	res, errObj, sawTables, err := decodeQueryBody(body, sink)
	if err == errStopped {
		return nil, err
	}
	if err != nil {
		var ce *ColumnError
		var ae *ArgumentError
		if errors.As(err, &ce) || errors.As(err, &ae) {
			return nil, err
		}
		return nil, decodeError(resp, err)
	}
	if errObj == nil {
		return res, nil
	}
	re := errs.FromInfo(resp, errObj)
	if !sawTables {
		if re.ErrorCode == "" && re.Message == "" {
			re.Message = "the response carries an empty error object"
		}
		return nil, re
	}
	return res, &PartialResultError{Code: re.ErrorCode, Message: re.Message, Details: re.Details, RequestID: re.RequestID}
}

// maxQueryBody bounds a query response: the service sends at most about 100 MiB, so a body
// ten times larger is not the service's. A variable for tests.
var maxQueryBody int64 = 1 << 30

// limitedReader fails once more than n bytes were read.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, fmt.Errorf("the response is larger than %d bytes", maxQueryBody)
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}

// ErrPartialResult matches a *PartialResultError with errors.Is.
var ErrPartialResult = errors.New("sentinel: partial query result")

// PartialResultError reports a query the service answered with 200 OK, tables and an error
// (code "PartialError"): the tables are incomplete, typically cut at the result limits (the
// details then name E_QUERY_RESULT_SET_TOO_LARGE), or a workspace of a cross-workspace query
// failed. Query returns the result together with this error; decide whether the rows are
// good enough. It matches ErrPartialResult.
type PartialResultError struct {
	// Code is the service's code, "PartialError".
	Code string
	// Message is the service's message.
	Message string
	// Details are the nested errors that say what went wrong, innermost last.
	Details []ErrorDetail
	// RequestID is the x-ms-request-id header.
	RequestID string
}

// Error returns the service's code and message and the details that say what failed.
func (e *PartialResultError) Error() string {
	var b strings.Builder
	b.WriteString("sentinel: the query returned a partial result")
	if e.Code != "" {
		b.WriteString(": ")
		b.WriteString(e.Code)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	errs.WriteDetails(&b, e.Message, e.Details)
	if e.RequestID != "" {
		b.WriteString(" (request ID ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is ErrPartialResult.
func (e *PartialResultError) Is(target error) bool { return target == ErrPartialResult }

// typedSink receives the rows of the first table of a response as they stream in
// (QueryInto, QueryRows).
type typedSink struct {
	info *structInfo
	// newRow returns the zeroed struct the next row decodes into.
	newRow func() rowPtr
	// done, when not nil, is called after each row; false stops the decode with errStopped.
	done func() bool
	plan *typedPlan
}

// errStopped ends a decode whose caller stopped reading rows.
var errStopped = errors.New("sentinel: the caller stopped reading rows")

// Depths of the parts of a response: {"tables":[{"rows":[[cell.
const (
	depthTop    = 1 // members of the response object
	depthTable  = 3 // members of a table object
	depthColumn = 5 // members of a column object
	depthCell   = 5 // cells of a row
)

// decodeQueryBody stream-decodes a Log Analytics query response. Rows of the first table go
// to sink when it is not nil; all others are stored. It returns the response's "error"
// member, if any, and whether the response had a "tables" member.
func decodeQueryBody(r io.Reader, sink *typedSink) (res *QueryResult, errObj *errs.ErrorInfo, sawTables bool, err error) {
	d := &resultDecoder{s: newKQLScanner(r), sink: sink, arena: new(arena)}
	res = &QueryResult{}
	s := d.s
	if c := s.next(); c != '{' {
		return nil, nil, false, s.invalidChar(c, "at start of value (expecting '{')")
	}
	s.pos++
	err = d.object(func(name []byte) error {
		switch {
		case asciiEqualFold(name, "tables"):
			sawTables = true
			return d.tables(res)
		case string(name) == "statistics" || string(name) == "render":
			raw, err := s.capture(depthTop)
			if err != nil {
				return err
			}
			v := bytes.Clone(sanitizeJSON(nil, raw))
			if string(name) == "statistics" {
				res.Statistics = v
			} else {
				res.Render = v
			}
			return nil
		case string(name) == "error" && s.next() == '{':
			raw, err := s.capture(depthTop)
			if err != nil {
				return err
			}
			errObj = new(errs.ErrorInfo)
			return jsonv2.Unmarshal(raw, errObj, decodeOptions)
		}
		err := s.skip(depthTop)
		return err
	})
	if err != nil {
		return nil, nil, false, err
	}
	return res, errObj, sawTables, nil
}

type resultDecoder struct {
	s       *kqlScanner
	inner   kqlScanner // validates JSON held in strings
	valid   jsonCache  // JSON held in strings validated lately
	scratch []byte     // decoded text of the current string
	name    []byte     // decoded text of the current member name
	arena   *arena
	rowBuf  []uint64
	sink    *typedSink
}

// object reads the members of an object whose '{' was read, calling member with each name
// (valid until the next read) to read the value.
func (d *resultDecoder) object(member func(name []byte) error) error {
	s := d.s
	if s.next() == '}' {
		s.pos++
		return nil
	}
	for {
		if c := s.next(); c != '"' {
			return s.invalidChar(c, "at start of string (expecting '\"')")
		}
		content, _, err := s.str()
		if err != nil {
			return err
		}
		d.name = appendText(d.name[:0], content)
		if err := s.consume(':', "after object name (expecting ':')"); err != nil {
			return err
		}
		if err := member(d.name); err != nil {
			return err
		}
		switch c := s.next(); c {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.invalidChar(c, "after object value (expecting ',' or '}')")
		}
	}
}

// array reads the elements of an array, calling elem for each, or nothing for null.
func (d *resultDecoder) array(what string, elem func(i int) error) error {
	s := d.s
	switch c := s.next(); c {
	case 'n':
		_, err := s.literal()
		return err
	case '[':
		s.pos++
	default:
		return s.invalidChar(c, "at start of "+what+" (expecting '[')")
	}
	if s.next() == ']' {
		s.pos++
		return nil
	}
	for i := 0; ; i++ {
		if err := elem(i); err != nil {
			return err
		}
		switch c := s.next(); c {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.invalidChar(c, "after array element (expecting ',' or ']')")
		}
	}
}

// text reads a string value and returns its text, or "" for null; what names the value in
// the error for any other kind.
func (d *resultDecoder) text(what string) (string, error) {
	s := d.s
	switch c := s.next(); c {
	case 'n':
		_, err := s.literal()
		return "", err
	case '"':
		content, _, err := s.str()
		if err != nil {
			return "", err
		}
		return string(appendText(d.scratch[:0], content)), nil
	default:
		return "", fmt.Errorf("%s is not a string at offset %d", what, s.base+int64(s.pos))
	}
}

func (d *resultDecoder) tables(res *QueryResult) error {
	return d.array("tables", func(int) error {
		var sink *typedSink
		if len(res.Tables) == 0 {
			sink = d.sink
		}
		t, err := d.table(sink)
		if err != nil {
			return err
		}
		res.Tables = append(res.Tables, t)
		return nil
	})
}

// table decodes one table. Rows stream into sink once the columns are known; rows that
// precede the columns are stored and handed to sink at the end.
func (d *resultDecoder) table(sink *typedSink) (Table, error) {
	t := Table{arena: d.arena}
	if err := d.s.consume('{', "at start of table (expecting '{')"); err != nil {
		return t, err
	}
	sawColumns, sawRows := false, false
	width := -1       // row width seen before the columns
	storedBefore := 0 // rows stored before the columns were known
	err := d.object(func(name []byte) error {
		var err error
		switch {
		case asciiEqualFold(name, "name") || asciiEqualFold(name, "tablename"):
			t.Name, err = d.text("the table name")
		case asciiEqualFold(name, "columns"):
			if sawColumns {
				return fmt.Errorf("table %q has two column lists", t.Name)
			}
			sawColumns = true
			if t.Columns, err = d.columns(); err != nil {
				return err
			}
			if width >= 0 && width != len(t.Columns) {
				return fmt.Errorf("table %q has rows of %d values but %d columns", t.Name, width, len(t.Columns))
			}
			if storedBefore = t.nrows; storedBefore > 0 {
				// The rows came first: now that the types are known, find the dynamic
				// values among them.
				if err := t.classifyStored(&d.inner); err != nil {
					return err
				}
			}
			if sink != nil && t.nrows == 0 {
				sink.plan, err = newPlan(sink.info, &t)
			}
		case asciiEqualFold(name, "rows"):
			if sawRows {
				return fmt.Errorf("table %q has two row lists", t.Name)
			}
			sawRows = true
			err = d.rows(&t, sink, sawColumns, &width)
		default:
			err = d.s.skip(depthTable)
		}
		return err
	})
	if err != nil {
		return t, err
	}
	if t.nrows > 0 && !sawColumns && width > 0 {
		return t, fmt.Errorf("table %q has rows but no columns", t.Name)
	}
	if sink != nil && sink.plan == nil {
		// The rows came before the columns (or there were none): decode the stored rows now.
		plan, err := newPlan(sink.info, &t)
		if err != nil {
			return t, err
		}
		sink.plan = plan
		for i := 0; i < t.nrows; i++ {
			if err := plan.decodeStoredRow(&t, i, sink.newRow()); err != nil {
				return t, err
			}
			if sink.done != nil && !sink.done() {
				return t, errStopped
			}
		}
		t.streamed, t.nrows, t.blocks = t.nrows, 0, nil
	}
	return t, nil
}

func (d *resultDecoder) columns() ([]Column, error) {
	cols := []Column{}
	err := d.array("columns", func(int) error {
		if err := d.s.consume('{', "at start of column (expecting '{')"); err != nil {
			return err
		}
		var c Column
		err := d.object(func(name []byte) error {
			var err error
			switch {
			case asciiEqualFold(name, "name") || asciiEqualFold(name, "columnname"):
				c.Name, err = d.columnText(name)
			case asciiEqualFold(name, "type") || asciiEqualFold(name, "columntype"):
				var typ string
				typ, err = d.columnText(name)
				c.Type = ColumnType(typ)
			default:
				err = d.s.skip(depthColumn)
			}
			return err
		})
		cols = append(cols, c)
		return err
	})
	return cols, err
}

// columnText reads a column's name or type, which must be a string.
func (d *resultDecoder) columnText(member []byte) (string, error) {
	if d.s.next() != '"' {
		return "", fmt.Errorf("column %s is not a string at offset %d", member, d.s.base+int64(d.s.pos))
	}
	return d.text("column " + string(member))
}

// rows reads the rows of t: into sink's structs when its plan is ready, else stored.
func (d *resultDecoder) rows(t *Table, sink *typedSink, sawColumns bool, width *int) error {
	want := len(t.Columns)
	if !sawColumns {
		want = -1
	}
	var unwrap []bool // the columns whose strings may hold JSON
	for _, c := range t.Columns {
		unwrap = append(unwrap, unwrapsJSON(c.Type))
	}
	var plan *typedPlan
	var raw []bool // the columns decoded into json.RawMessage fields
	if sink != nil && sink.plan != nil {
		plan = sink.plan
		for _, c := range plan.cols {
			raw = append(raw, c.raw)
		}
	}
	s := d.s
	return d.array("rows", func(row int) error {
		if c := s.peek(); c != '[' {
			return s.invalidChar(c, "at start of row (expecting '[')")
		}
		s.pos++
		var base rowPtr
		if plan != nil {
			base = sink.newRow()
		}
		refs := d.rowBuf[:0]
		n := 0
		if s.next() == ']' {
			s.pos++
		} else {
			for ; ; n++ {
				if want >= 0 && n >= want {
					return fmt.Errorf("table %q row %d has more than %d values", t.Name, row, want)
				}
				into := &d.scratch
				if n < len(raw) && raw[n] {
					// A string decodes straight into the memory the field's bytes will
					// have, where textBlocks.bytes takes it without a copy.
					free := plan.st.text.free()
					into = &free
				}
				k, text, err := d.cell(n < len(unwrap) && unwrap[n], into)
				if err == errTooDeep {
					return t.cellError(row, n, "", err)
				}
				if err != nil {
					return err
				}
				if plan != nil {
					if err := plan.setCell(base, row, n, k, unsafeString(text)); err != nil {
						return err
					}
				} else {
					ref, err := d.arena.put(k, text)
					if err != nil {
						return err
					}
					refs = append(refs, ref)
				}
				c := s.peek()
				if c == ',' {
					s.pos++
					continue
				}
				if c != ']' {
					return s.invalidChar(c, "after array element (expecting ',' or ']')")
				}
				s.pos++
				n++
				break
			}
		}
		if want < 0 {
			want, *width = n, n
		} else if n != want {
			return fmt.Errorf("table %q row %d has %d values, expected %d", t.Name, row, n, want)
		}
		if plan != nil {
			t.streamed++
			if sink.done != nil && !sink.done() {
				return errStopped
			}
			return nil
		}
		d.rowBuf = refs
		t.appendRow(refs)
		return nil
	})
}

// jsonCache remembers texts recently found to be JSON nested at most maxDepth levels, so
// that a dynamic value repeated from row to row (a device, a location) is validated once.
// It is direct-mapped by hash and holds copies of the texts in a buffer of its own; when the
// buffer is full, a new one is started and the slots are cleared.
type jsonCache struct {
	slots [256]string
	buf   []byte
	seed  maphash.Seed
}

const jsonCacheBuf = 64 << 10

// slot returns the slot where text would be.
func (c *jsonCache) slot(text []byte) *string {
	if c.buf == nil {
		c.seed = maphash.MakeSeed()
		c.buf = make([]byte, 0, jsonCacheBuf)
	}
	return &c.slots[maphash.Bytes(c.seed, text)&uint64(len(c.slots)-1)]
}

// add stores a copy of text, valid JSON, in its slot.
func (c *jsonCache) add(slot *string, text []byte) {
	if len(text) > jsonCacheBuf/16 {
		return
	}
	if cap(c.buf)-len(c.buf) < len(text) {
		// The slots' strings keep the old buffer alive while referenced; it is never
		// written again.
		c.slots = [256]string{}
		c.buf = make([]byte, 0, jsonCacheBuf)
	}
	n := len(c.buf)
	c.buf = append(c.buf, text...)
	*slot = unsafeString(c.buf[n:len(c.buf):len(c.buf)])
}

var errTooDeep = fmt.Errorf("the dynamic value nests deeper than %d levels, the most this SDK decodes", maxDepth)

// cell reads one cell and returns its kind and text, valid until the next read. A string
// that may hold JSON (unwrap: a dynamic column's) and does is of kind kindJSONText. A string
// that needs decoding is decoded into *into's memory.
func (d *resultDecoder) cell(unwrap bool, into *[]byte) (byte, []byte, error) {
	s := d.s
	switch c := s.peek(); {
	case c == '"':
		text, buf, err := s.strText(*into)
		*into = buf
		if err != nil {
			return 0, nil, err
		}
		if unwrap && looksLikeJSON(unsafeString(text)) {
			slot := d.valid.slot(text)
			if *slot == unsafeString(text) {
				return kindJSONText, text, nil // the same text as a value validated lately
			}
			if ok, depth := d.inner.jsonDepth(text); ok {
				if depth > maxDepth {
					return 0, nil, errTooDeep
				}
				d.valid.add(slot, text)
				return kindJSONText, text, nil
			}
		}
		return kindString, text, nil
	case c == '{' || c == '[':
		raw, err := s.capture(depthCell)
		if err != nil {
			return 0, nil, err
		}
		if !utf8.Valid(raw) {
			d.scratch = sanitizeJSON(d.scratch[:0], raw)
			raw = d.scratch
		}
		return kindJSON, raw, nil
	case c == '-' || ('0' <= c && c <= '9'):
		lit, err := s.num()
		return kindNumber, lit, err
	case c == 't' || c == 'f' || c == 'n':
		k, err := s.literal()
		return k, nil, err
	default:
		return 0, nil, s.invalidChar(c, "at start of value")
	}
}

// asciiEqualFold reports whether name equals the lower-case ASCII word w, ignoring case.
func asciiEqualFold(name []byte, w string) bool {
	if len(name) != len(w) {
		return false
	}
	for i := range name {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// appendRow stores the cell references of a row of the table's width.
func (t *Table) appendRow(row []uint64) {
	if t.rowsPerBlock == 0 {
		t.rowsPerBlock = max(1, cellsPerBlock/max(1, len(row)))
	}
	if n := len(t.blocks); n == 0 || len(t.blocks[n-1])+len(row) > cap(t.blocks[n-1]) {
		t.blocks = append(t.blocks, make([]uint64, 0, t.rowsPerBlock*len(row)))
	}
	b := &t.blocks[len(t.blocks)-1]
	*b = append(*b, row...)
	t.nrows++
}

// classifyStored marks the strings holding JSON in the dynamic columns of rows stored
// before the table's columns were known, as cell does for rows read after them.
func (t *Table) classifyStored(v *kqlScanner) error {
	for j, c := range t.Columns {
		if !unwrapsJSON(c.Type) {
			continue
		}
		for i := 0; i < t.nrows; i++ {
			ref := t.row(i)[j]
			cell := t.arena.get(ref)
			if cell == "" || cell[0] != kindString || !looksLikeJSON(cell[1:]) {
				continue
			}
			ok, depth := v.jsonDepth(unsafeBytes(cell[1:]))
			if !ok {
				continue
			}
			if depth > maxDepth {
				return t.cellError(i, j, "", errTooDeep)
			}
			t.arena.setKind(ref, kindJSONText)
		}
	}
	return nil
}

// rowBlocks collects the structs of a streamed table in blocks, so that growing never copies
// the rows decoded so far; slice joins the blocks once at the end.
type rowBlocks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

func (r *rowBlocks[T]) next() rowPtr {
	if len(r.cur) == cap(r.cur) {
		size := 64
		if r.cur != nil {
			r.full = append(r.full, r.cur)
			size = min(2*cap(r.cur), 8192)
		}
		r.cur = make([]T, 0, size)
	}
	r.cur = r.cur[:len(r.cur)+1]
	r.n++
	return rowPtrOf(&r.cur[len(r.cur)-1])
}

// slice returns all rows in one slice.
func (r *rowBlocks[T]) slice() []T {
	if len(r.full) == 0 {
		return r.cur
	}
	out := make([]T, 0, r.n)
	for i, b := range r.full {
		out = append(out, b...)
		r.full[i] = nil // let the block go as soon as it is copied
	}
	return append(out, r.cur...)
}
