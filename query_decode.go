package sentinel

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"time"
	"unsafe"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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
// Decoded strings share memory with the table instead of being copied.
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
	err = plan.decodeStored(t, func() unsafe.Pointer {
		p := unsafe.Pointer(&out[i])
		i++
		return p
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// structField is a field of a struct that rows decode into.
type structField struct {
	name     string // Go name
	column   string
	tagged   bool
	optional bool
	offset   uintptr
	typ      reflect.Type
}

type structInfo struct {
	typ    reflect.Type
	fields []structField
}

var structInfos sync.Map // reflect.Type → *structInfo

func structInfoFor(t reflect.Type) (*structInfo, error) {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo), nil
	}
	if t.Kind() != reflect.Struct {
		return nil, argError("T", "rows decode into a struct type, not %s", t)
	}
	si := &structInfo{typ: t}
	if err := si.collect(t, 0, 0); err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, f := range si.fields {
		if other, dup := seen[f.column]; dup {
			return nil, argError("T", "fields %s and %s of %s both map to column %q", other, f.name, t, f.column)
		}
		seen[f.column] = f.name
	}
	v, _ := structInfos.LoadOrStore(t, si)
	return v.(*structInfo), nil
}

func (si *structInfo) collect(t reflect.Type, base uintptr, depth int) error {
	if depth > 8 {
		return argError("T", "%s nests embedded structs too deeply", si.typ)
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("kql")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && !hasTag {
			ft := f.Type
			if ft.Kind() == reflect.Struct && ft != timeType {
				if err := si.collect(ft, base+f.Offset, depth+1); err != nil {
					return err
				}
				continue
			}
			if ft.Kind() == reflect.Pointer && ft.Elem().Kind() == reflect.Struct {
				if f.IsExported() {
					return argError("T", "embedded pointer %s in %s is not supported; embed the struct itself", ft, si.typ)
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
		si.fields = append(si.fields, structField{
			name: f.Name, column: name, tagged: hasTag,
			optional: opts == "optional", offset: base + f.Offset, typ: f.Type,
		})
	}
	return nil
}

// setFunc stores a cell of kind k (never null) with text s into the field at p.
type setFunc func(p unsafe.Pointer, k byte, s string, st *setState) error

// setState is the context of a decode: stable says s outlives the decode (a stored table,
// whose strings may be shared); otherwise s is transient and copied into arena.
type setState struct {
	stable bool
	arena  arena
}

func (st *setState) keep(s string) string {
	if st.stable {
		return s
	}
	return st.arena.string(unsafeBytes(s))
}

// colPlan maps one column to a field.
type colPlan struct {
	set    setFunc // nil: the column has no field
	offset uintptr
	field  string
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
		j := t.ColumnIndex(f.column)
		field := f.name + " (" + f.typ.String() + ")"
		if j < 0 {
			if f.tagged && !f.optional {
				return nil, &ColumnError{Table: t.Name, Row: -1, Column: f.column, Field: field,
					Err: fmt.Errorf("%w; tag the field `kql:\"%s,optional\"` to allow that", errNoColumn, f.column)}
			}
			continue
		}
		if p.cols[j].set != nil {
			continue // another field already took this column by a case-insensitive match
		}
		set, err := setterFor(f.typ, t.Columns[j].Type)
		if err != nil {
			return nil, t.cellError(-1, j, field, err)
		}
		p.cols[j] = colPlan{set: set, offset: f.offset, field: field}
	}
	return p, nil
}

// setCell stores one cell of row into the struct at base.
func (p *typedPlan) setCell(base unsafe.Pointer, row, col int, k byte, s string) error {
	c := &p.cols[col]
	if c.set == nil || k == kindNull {
		return nil
	}
	if err := c.set(unsafe.Add(base, c.offset), k, s, &p.st); err != nil {
		return p.table.cellError(row, col, c.field, err)
	}
	return nil
}

// decodeStored decodes the stored rows of t into the structs newRow returns.
func (p *typedPlan) decodeStored(t *Table, newRow func() unsafe.Pointer) error {
	p.st.stable = true
	defer func() { p.st.stable = false }()
	for i := 0; i < t.nrows; i++ {
		base := newRow()
		for j, ref := range t.row(i) {
			cell := t.arena.get(ref)
			if err := p.setCell(base, i, j, cell[0], cell[1:]); err != nil {
				return err
			}
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
		return rawJSONSetter(unwrapsJSON(ct)), nil
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

func cellSetString(p unsafe.Pointer, k byte, s string, st *setState) error {
	switch k {
	case kindString, kindNumber, kindJSON:
		*(*string)(p) = st.keep(s)
	default:
		*(*string)(p) = cellText(k, s)
	}
	return nil
}

func cellSetBool(p unsafe.Pointer, k byte, s string, _ *setState) error {
	v, err := cellBool(k, s)
	*(*bool)(p) = v
	return err
}

func intSetter(bits int) setFunc {
	switch bits {
	case 8:
		return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
			n, err := cellInt(k, s, 8)
			*(*int8)(p) = int8(n)
			return err
		}
	case 16:
		return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
			n, err := cellInt(k, s, 16)
			*(*int16)(p) = int16(n)
			return err
		}
	case 32:
		return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
			n, err := cellInt(k, s, 32)
			*(*int32)(p) = int32(n)
			return err
		}
	}
	return cellSetInt64
}

func cellSetInt64(p unsafe.Pointer, k byte, s string, _ *setState) error {
	n, err := cellInt(k, s, 64)
	*(*int64)(p) = n
	return err
}

func uintSetter(bits int) setFunc {
	return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
		n, err := cellUint(k, s, bits)
		switch bits {
		case 8:
			*(*uint8)(p) = uint8(n)
		case 16:
			*(*uint16)(p) = uint16(n)
		case 32:
			*(*uint32)(p) = uint32(n)
		default:
			*(*uint64)(p) = n
		}
		return err
	}
}

func cellSetFloat64(p unsafe.Pointer, k byte, s string, _ *setState) error {
	f, err := cellFloat(k, s)
	*(*float64)(p) = f
	return err
}

func cellSetFloat32(p unsafe.Pointer, k byte, s string, _ *setState) error {
	f, err := cellFloat(k, s)
	*(*float32)(p) = float32(f)
	return err
}

func cellSetTime(p unsafe.Pointer, k byte, s string, _ *setState) error {
	t, err := cellTime(k, s)
	*(*time.Time)(p) = t
	return err
}

func cellSetDuration(p unsafe.Pointer, k byte, s string, _ *setState) error {
	d, err := cellDuration(k, s)
	*(*time.Duration)(p) = d
	return err
}

func rawJSONSetter(unwrap bool) setFunc {
	return func(p unsafe.Pointer, k byte, s string, st *setState) error {
		j := cellJSON(k, s, unwrap)
		_, _, b := st.arena.alloc(len(j))
		copy(b, j)
		*(*[]byte)(p) = b
		return nil
	}
}

// valueSetter keeps the cell as a Value, converted when the caller asks.
func valueSetter(ct ColumnType) setFunc {
	return func(p unsafe.Pointer, k byte, s string, st *setState) error {
		ref, err := st.arena.put(k, unsafeBytes(s))
		if err != nil {
			return err
		}
		*(*Value)(p) = Value{typ: ct, s: st.arena.get(ref)}
		return nil
	}
}

func pointerSetter(elem reflect.Type, set setFunc) setFunc {
	return func(p unsafe.Pointer, k byte, s string, st *setState) error {
		v := reflect.New(elem)
		if err := set(v.UnsafePointer(), k, s, st); err != nil {
			return err
		}
		*(*unsafe.Pointer)(p) = v.UnsafePointer()
		return nil
	}
}

func textSetter(ft reflect.Type) setFunc {
	return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
		u := reflect.NewAt(ft, p).Interface().(encoding.TextUnmarshaler)
		return u.UnmarshalText(unsafeBytes(cellText(k, s)))
	}
}

func anySetter(ct ColumnType) setFunc {
	return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
		v, err := cellAny(ct, k, s)
		if err != nil {
			return err
		}
		*(*any)(p) = v
		return nil
	}
}

func jsonSetter(ft reflect.Type) setFunc {
	return func(p unsafe.Pointer, k byte, s string, _ *setState) error {
		return unmarshalDynamic(cellJSON(k, s, true), reflect.NewAt(ft, p).Interface())
	}
}

// dynamicOptions decode dynamic values like encoding/json would: field names match without
// regard to case, and times are parsed leniently.
var dynamicOptions = jsonv2.JoinOptions(decodeOptions, jsonv2.MatchCaseInsensitiveNames(true))

func unmarshalDynamic(j []byte, dst any) error {
	return jsonv2.Unmarshal(j, dst, dynamicOptions)
}

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
		return nil, decodeError(resp, fmt.Errorf("expected a JSON body, got %s", describeBody(trimmed, resp.Header.Get("Content-Type"), "body")))
	}
	body := &limitedReader{r: io.MultiReader(bytes.NewReader(head), resp.Body), n: maxQueryBody}
	res, errObj, sawTables, err := decodeQueryBody(body, sink)
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
	re := &ResponseError{
		StatusCode:    resp.StatusCode,
		RequestID:     resp.Header.Get("x-ms-request-id"),
		CorrelationID: resp.Header.Get("x-ms-correlation-request-id"),
	}
	if resp.Request != nil {
		re.Method, re.URL = resp.Request.Method, cleanURL(resp.Request.URL.String())
	}
	re.fromInfo(errObj)
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
	writeDetails(&b, e.Message, e.Details)
	if e.RequestID != "" {
		b.WriteString(" (request ID ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is ErrPartialResult.
func (e *PartialResultError) Is(target error) bool { return target == ErrPartialResult }

// typedSink receives the rows of the first table of a response as they stream in (QueryInto).
type typedSink struct {
	info   *structInfo
	newRow func() unsafe.Pointer
	plan   *typedPlan
}

// decodeQueryBody stream-decodes a Log Analytics query response. Rows of the first table go
// to sink when it is not nil; all others are stored. It returns the response's "error"
// member, if any, and whether the response had a "tables" member.
func decodeQueryBody(r io.Reader, sink *typedSink) (res *QueryResult, errObj *errorInfo, sawTables bool, err error) {
	d := &resultDecoder{dec: jsontext.NewDecoder(r, decodeOptions), sink: sink, arena: new(arena)}
	res = &QueryResult{}
	tok, err := d.dec.ReadToken()
	if err != nil {
		return nil, nil, false, err
	}
	if tok.Kind() != '{' {
		return nil, nil, false, fmt.Errorf("expected a JSON object, got %s", tok.Kind())
	}
	for d.dec.PeekKind() == '"' {
		name, err := d.name()
		if err != nil {
			return nil, nil, false, err
		}
		switch {
		case strings.EqualFold(name, "tables"):
			sawTables = true
			if err := d.tables(res); err != nil {
				return nil, nil, false, err
			}
		case name == "statistics" || name == "render":
			v, err := d.dec.ReadValue()
			if err != nil {
				return nil, nil, false, err
			}
			if name == "statistics" {
				res.Statistics = bytes.Clone(v)
			} else {
				res.Render = bytes.Clone(v)
			}
		case name == "error" && d.dec.PeekKind() == '{':
			errObj = new(errorInfo)
			if err := jsonv2.UnmarshalDecode(d.dec, errObj, decodeOptions); err != nil {
				return nil, nil, false, err
			}
		default:
			if err := d.dec.SkipValue(); err != nil {
				return nil, nil, false, err
			}
		}
	}
	if _, err := d.dec.ReadToken(); err != nil {
		return nil, nil, false, err
	}
	return res, errObj, sawTables, nil
}

type resultDecoder struct {
	dec    *jsontext.Decoder
	cells  cellReader
	arena  *arena
	rowBuf []uint64
	sink   *typedSink
}

// name reads an object member name.
func (d *resultDecoder) name() (string, error) {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return "", err
	}
	return tok.String(), nil
}

func (d *resultDecoder) expect(k jsontext.Kind) error {
	tok, err := d.dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != k {
		return fmt.Errorf("expected %s, got %s at %s", k, tok.Kind(), d.dec.StackPointer())
	}
	return nil
}

// null consumes a null value and reports whether there was one.
func (d *resultDecoder) null() (bool, error) {
	if d.dec.PeekKind() != 'n' {
		return false, nil
	}
	_, err := d.dec.ReadToken()
	return true, err
}

func (d *resultDecoder) tables(res *QueryResult) error {
	if isNull, err := d.null(); isNull || err != nil {
		return err
	}
	if err := d.expect('['); err != nil {
		return err
	}
	for d.dec.PeekKind() != ']' {
		var sink *typedSink
		if len(res.Tables) == 0 {
			sink = d.sink
		}
		t, err := d.table(sink)
		if err != nil {
			return err
		}
		res.Tables = append(res.Tables, t)
	}
	return d.expect(']')
}

// table decodes one table. Rows stream into sink once the columns are known; rows that
// precede the columns are stored and handed to sink at the end.
func (d *resultDecoder) table(sink *typedSink) (Table, error) {
	t := Table{arena: d.arena}
	if err := d.expect('{'); err != nil {
		return t, err
	}
	sawColumns, sawRows := false, false
	width := -1 // row width seen before the columns
	for d.dec.PeekKind() == '"' {
		name, err := d.name()
		if err != nil {
			return t, err
		}
		switch strings.ToLower(name) {
		case "name", "tablename":
			if isNull, err := d.null(); err != nil {
				return t, err
			} else if !isNull {
				if t.Name, err = d.name(); err != nil {
					return t, err
				}
			}
		case "columns":
			if sawColumns {
				return t, fmt.Errorf("table %q has two column lists", t.Name)
			}
			sawColumns = true
			if t.Columns, err = d.columns(); err != nil {
				return t, err
			}
			if width >= 0 && width != len(t.Columns) {
				return t, fmt.Errorf("table %q has rows of %d values but %d columns", t.Name, width, len(t.Columns))
			}
			if sink != nil && t.nrows == 0 {
				if sink.plan, err = newPlan(sink.info, &t); err != nil {
					return t, err
				}
			}
		case "rows":
			if sawRows {
				return t, fmt.Errorf("table %q has two row lists", t.Name)
			}
			sawRows = true
			if sink != nil && sink.plan != nil {
				err = d.streamRows(&t, sink)
			} else {
				err = d.storeRows(&t, sawColumns, &width)
			}
			if err != nil {
				return t, err
			}
		default:
			if err := d.dec.SkipValue(); err != nil {
				return t, err
			}
		}
	}
	if err := d.expect('}'); err != nil {
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
		if err := plan.decodeStored(&t, sink.newRow); err != nil {
			return t, err
		}
		t.streamed, t.nrows, t.blocks = t.nrows, 0, nil
	}
	return t, nil
}

func (d *resultDecoder) columns() ([]Column, error) {
	if isNull, err := d.null(); isNull || err != nil {
		return nil, err
	}
	if err := d.expect('['); err != nil {
		return nil, err
	}
	cols := []Column{}
	for d.dec.PeekKind() != ']' {
		if err := d.expect('{'); err != nil {
			return nil, err
		}
		var c Column
		for d.dec.PeekKind() == '"' {
			name, err := d.name()
			if err != nil {
				return nil, err
			}
			var dst *string
			switch strings.ToLower(name) {
			case "name", "columnname":
				dst = &c.Name
			case "type", "columntype":
				dst = (*string)(&c.Type)
			default:
				if err := d.dec.SkipValue(); err != nil {
					return nil, err
				}
				continue
			}
			if d.dec.PeekKind() != '"' {
				return nil, fmt.Errorf("column %s is not a string at %s", name, d.dec.StackPointer())
			}
			if *dst, err = d.name(); err != nil {
				return nil, err
			}
		}
		if err := d.expect('}'); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, d.expect(']')
}

// storeRows stores the rows of t in its cells.
func (d *resultDecoder) storeRows(t *Table, sawColumns bool, width *int) error {
	if isNull, err := d.null(); isNull || err != nil {
		return err
	}
	if err := d.expect('['); err != nil {
		return err
	}
	want := len(t.Columns)
	if !sawColumns {
		want = -1
	}
	for d.dec.PeekKind() != ']' {
		if err := d.expect('['); err != nil {
			return err
		}
		row := d.rowBuf[:0]
		if want >= 0 {
			for n := 0; n < want; n++ {
				raw, err := d.readCell(t, t.nrows, n, want)
				if err != nil {
					return err
				}
				ref, err := d.arena.put(d.cells.read(raw))
				if err != nil {
					return err
				}
				row = append(row, ref)
			}
			if err := d.endRow(t, t.nrows, want); err != nil {
				return err
			}
		} else {
			for d.dec.PeekKind() != ']' {
				raw, err := d.dec.ReadValue()
				if err != nil {
					return err
				}
				ref, err := d.arena.put(d.cells.read(raw))
				if err != nil {
					return err
				}
				row = append(row, ref)
			}
			if err := d.expect(']'); err != nil {
				return err
			}
			want, *width = len(row), len(row)
		}
		d.rowBuf = row
		t.appendRow(row)
	}
	return d.expect(']')
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

// streamRows decodes the rows of t straight into sink's structs.
func (d *resultDecoder) streamRows(t *Table, sink *typedSink) error {
	if isNull, err := d.null(); isNull || err != nil {
		return err
	}
	if err := d.expect('['); err != nil {
		return err
	}
	plan, want := sink.plan, len(t.Columns)
	for row := 0; d.dec.PeekKind() != ']'; row++ {
		if err := d.expect('['); err != nil {
			return err
		}
		base := sink.newRow()
		for n := 0; n < want; n++ {
			raw, err := d.readCell(t, row, n, want)
			if err != nil {
				return err
			}
			k, s := d.cells.read(raw)
			if err := plan.setCell(base, row, n, k, unsafeString(s)); err != nil {
				return err
			}
		}
		if err := d.endRow(t, row, want); err != nil {
			return err
		}
		t.streamed++
	}
	return d.expect(']')
}

// readCell reads value n of a row that should have want values.
func (d *resultDecoder) readCell(t *Table, row, n, want int) (jsontext.Value, error) {
	raw, err := d.dec.ReadValue()
	if err != nil && d.dec.PeekKind() == ']' {
		return nil, fmt.Errorf("table %q row %d has %d values, expected %d", t.Name, row, n, want)
	}
	return raw, err
}

// endRow reads the end of a row that should have want values.
func (d *resultDecoder) endRow(t *Table, row, want int) error {
	if k := d.dec.PeekKind(); k != ']' && k != 0 {
		return fmt.Errorf("table %q row %d has more than %d values", t.Name, row, want)
	}
	return d.expect(']')
}

// rowBlocks collects the structs of a streamed table in blocks, so that growing never copies
// the rows decoded so far; slice joins the blocks once at the end.
type rowBlocks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

func (r *rowBlocks[T]) next() unsafe.Pointer {
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
	return unsafe.Pointer(&r.cur[len(r.cur)-1])
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
