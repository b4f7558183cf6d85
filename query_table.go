package sentinel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/iso8601"
	"github.com/sentinel-go/sentinel/internal/rowmap"
)

// ColumnType is the KQL type of a result column, as the Log Analytics query API names it.
// Unknown types are kept; their values decode by their JSON form.
type ColumnType string

// The column types of the Log Analytics query API.
const (
	ColumnTypeBool     ColumnType = "bool"
	ColumnTypeDateTime ColumnType = "datetime"
	ColumnTypeDynamic  ColumnType = "dynamic"
	ColumnTypeGUID     ColumnType = "guid"
	ColumnTypeInt      ColumnType = "int"
	ColumnTypeLong     ColumnType = "long"
	ColumnTypeReal     ColumnType = "real"
	ColumnTypeString   ColumnType = "string"
	ColumnTypeTimespan ColumnType = "timespan"
	ColumnTypeDecimal  ColumnType = "decimal"
)

// Column is one column of a result table.
type Column struct {
	Name string
	Type ColumnType
}

// QueryResult is the answer to a KQL query: its tables (usually one, "PrimaryResult") and,
// when requested, the service's statistics and rendering hints.
type QueryResult struct {
	// Tables are the result tables in the order the service sent them.
	Tables []Table
	// Statistics is the "statistics" object the service sends when
	// QueryOptions.IncludeStatistics is set (CPU time, data scanned, rows), as raw JSON.
	Statistics json.RawMessage
	// Render is the "render" object (visualization hints of a KQL render operator) the
	// service sends when QueryOptions.IncludeRender is set, as raw JSON.
	Render json.RawMessage
}

// PrimaryResult returns the first table, which holds the query's rows, or nil when the result
// has no table (a 204 No Content answer).
func (r *QueryResult) PrimaryResult() *Table {
	if r == nil || len(r.Tables) == 0 {
		return nil
	}
	return &r.Tables[0]
}

// Table returns the table with the given name, or nil.
func (r *QueryResult) Table(name string) *Table {
	if r == nil {
		return nil
	}
	for i := range r.Tables {
		if r.Tables[i].Name == name {
			return &r.Tables[i]
		}
	}
	return nil
}

// Table is one result table. Its rows are stored compactly (one copy of the cell text, no
// per-cell Go values) and converted on access: read them generically with Row and Rows, or
// into structs with DecodeTable. A Table is immutable and safe for concurrent reads.
type Table struct {
	Name    string
	Columns []Column

	// Rows are stored as packed references into arena (see arena.put), in blocks of whole
	// rows; the references hold no pointers, so the garbage collector never scans them.
	arena        *arena
	blocks       [][]uint64
	rowsPerBlock int
	nrows        int
	// streamed is the number of rows QueryInto decoded into its slice instead of storing.
	streamed int
}

// cellsPerBlock is the size of a block of stored cells.
const cellsPerBlock = 4096

// row returns the stored cell references of row i.
func (t *Table) row(i int) []uint64 {
	n := len(t.Columns)
	if n == 0 {
		return nil
	}
	b := t.blocks[i/t.rowsPerBlock]
	off := (i % t.rowsPerBlock) * n
	return b[off : off+n : off+n]
}

// Len returns the number of rows stored in the table.
func (t *Table) Len() int { return t.nrows }

// ColumnIndex returns the index of the column named name, or -1. It prefers an exact match
// and falls back to a case-insensitive one.
func (t *Table) ColumnIndex(name string) int {
	return rowmap.ColumnIndex(len(t.Columns), name, func(i int) string { return t.Columns[i].Name })
}

// Row returns row i. It panics if i is out of range, like a slice index.
func (t *Table) Row(i int) Row {
	if i < 0 || i >= t.nrows {
		panic(fmt.Sprintf("sentinel: Table.Row: index %d out of range [0:%d]", i, t.nrows))
	}
	return Row{t: t, i: i}
}

// Rows returns an iterator over the rows with their indexes.
func (t *Table) Rows() iter.Seq2[int, Row] {
	return func(yield func(int, Row) bool) {
		for i := 0; i < t.nrows; i++ {
			if !yield(i, Row{t: t, i: i}) {
				return
			}
		}
	}
}

// Row is one row of a Table, a view that copies nothing.
type Row struct {
	t *Table
	i int
}

// Index returns the row's index in its table.
func (r Row) Index() int { return r.i }

// Len returns the number of values, the number of columns.
func (r Row) Len() int { return len(r.t.Columns) }

// Value returns the value in column j. It panics if j is out of range.
func (r Row) Value(j int) Value {
	n := len(r.t.Columns)
	if j < 0 || j >= n {
		panic(fmt.Sprintf("sentinel: Row.Value: column %d out of range [0:%d]", j, n))
	}
	return Value{typ: r.t.Columns[j].Type, s: r.t.arena.get(r.t.row(r.i)[j])}
}

// Get returns the value in the column named name (see Table.ColumnIndex), or a null Value
// when there is no such column.
func (r Row) Get(name string) Value {
	j := r.t.ColumnIndex(name)
	if j < 0 {
		return Value{}
	}
	return r.Value(j)
}

// Values returns the row's values as Go values by column type (see Value.Any): nil for null,
// bool, time.Time, json.RawMessage, string, int32, int64, float64 and time.Duration. A value
// that does not parse as its column's type gives a *ColumnError naming the column and row.
func (r Row) Values() ([]any, error) {
	out := make([]any, len(r.t.Columns))
	for j := range out {
		v, err := r.Value(j).Any()
		if err != nil {
			return nil, r.t.cellError(r.i, j, "", err)
		}
		out[j] = v
	}
	return out, nil
}

// Cell kinds: the first byte of each stored cell says what JSON value the service sent.
const (
	kindNull   = 'n' // null
	kindString = 's' // a string; the text is its unescaped content
	kindNumber = '0' // a number; the text is its literal
	kindTrue   = 't'
	kindFalse  = 'f'
	kindJSON   = '{' // an object or array; the text is its JSON
	// kindJSONText is a string in a dynamic column (or one of a type this package does not
	// know) whose text is JSON: the service's encoding of dynamic values. The text is the
	// string's, validated as JSON nested at most maxDepth levels when the response was read.
	kindJSONText = 'j'
)

// Value is one cell of a Table together with its column's type. The zero Value is null.
// Conversions parse the cell text on each call and do not allocate, except where noted.
//
// The text of a cell is valid UTF-8 for every accessor: bytes the service sent that are not
// valid UTF-8 (and escaped surrogates that are not part of a pair) read as U+FFFD, one per
// bad byte, in String, Any, Dynamic, Decode, Row.Values, DecodeTable, QueryInto and QueryRows
// alike.
type Value struct {
	typ ColumnType
	s   string // kind byte + text; "" means null
}

func (v Value) kind() byte {
	if v.s == "" {
		return kindNull
	}
	return v.s[0]
}

// Type returns the column's type.
func (v Value) Type() ColumnType { return v.typ }

// IsNull reports whether the service sent null (KQL's empty value for non-string types).
func (v Value) IsNull() bool { return v.kind() == kindNull }

// String returns the value's text: a string's content, a number's literal, "true" or "false",
// a dynamic object's or array's JSON, and "" for null. For datetime, timespan, guid and
// decimal columns it is the text the service sent.
func (v Value) String() string { return cellText(v.kind(), v.text()) }

func (v Value) text() string {
	if len(v.s) <= 1 {
		return ""
	}
	return v.s[1:]
}

// Int64 returns an int or long value. Large longs keep their precision: the number's text is
// parsed as an integer, never through float64. Null is 0.
func (v Value) Int64() (int64, error) { return cellInt(v.kind(), v.text(), 64) }

// Float64 returns a real, int, long or decimal value; the service's "NaN", "Infinity" and
// "-Infinity" strings are accepted. Null is 0.
func (v Value) Float64() (float64, error) { return cellFloat(v.kind(), v.text()) }

// Bool returns a bool value. Null is false.
func (v Value) Bool() (bool, error) { return cellBool(v.kind(), v.text()) }

// Time returns a datetime value (UTC). Null is the zero time.
func (v Value) Time() (time.Time, error) { return cellTime(v.kind(), v.text()) }

// Duration returns a timespan value, sent as "[-][d.]hh:mm:ss[.fffffff]". Null is 0.
func (v Value) Duration() (time.Duration, error) { return cellDuration(v.kind(), v.text()) }

// Dynamic returns the value as JSON: a dynamic column's object, array or scalar, also when the
// service sent it as a string holding JSON (as it does for dynamic columns). A string whose
// content is not JSON, and any value of a string column, comes back as a JSON string. Null
// is the JSON null. The result is a fresh copy.
//
// Such JSON is validated when the response is read, at most 10,000 levels deep, like the
// response itself: a dynamic value nested deeper fails Query, QueryInto and QueryRows with a
// *ColumnError naming its table, row and column, so a value never changes its type with its
// depth.
func (v Value) Dynamic() json.RawMessage {
	return append(json.RawMessage(nil), cellJSON(v.kind(), v.text())...)
}

// Decode unmarshals the value's JSON into dst, typically a map, slice or struct for a dynamic
// column. A string holding JSON is decoded as that JSON, whatever the column's type (KQL's
// tostring() of a dynamic value gives such strings); JSON in such a string that nests deeper
// than 10,000 levels is an error. Object member names match struct fields without regard to
// case, as with encoding/json. An UnmarshalJSON method of dst is handed a copy of its own.
func (v Value) Decode(dst any) error {
	return decodeJSON(v.kind(), v.text(), dst)
}

// unwrapsJSON reports whether strings of a column of type ct are JSON to unwrap: dynamic
// columns, and columns of types this package does not know.
func unwrapsJSON(ct ColumnType) bool {
	return ct == ColumnTypeDynamic || !knownColumnType(ct)
}

// Any returns the value as the Go type of its column: nil for null; bool for bool; time.Time
// for datetime; json.RawMessage for dynamic (see Dynamic); string for string, guid and decimal
// (the exact decimal text); int32 for int; int64 for long; float64 for real; time.Duration for
// timespan. A column of an unknown type gives a string for a string value and json.RawMessage
// otherwise. Strings share memory with the table; json.RawMessage values are copies.
func (v Value) Any() (any, error) { return cellAny(v.typ, v.kind(), v.text()) }

func cellAny(ct ColumnType, k byte, s string) (any, error) {
	if k == kindNull {
		return nil, nil
	}
	switch ct {
	case ColumnTypeBool:
		return cellBool(k, s)
	case ColumnTypeDateTime:
		return cellTime(k, s)
	case ColumnTypeString, ColumnTypeGUID, ColumnTypeDecimal:
		return cellText(k, s), nil
	case ColumnTypeInt:
		n, err := cellInt(k, s, 32)
		return int32(n), err
	case ColumnTypeLong:
		return cellInt(k, s, 64)
	case ColumnTypeReal:
		return cellFloat(k, s)
	case ColumnTypeTimespan:
		return cellDuration(k, s)
	}
	if isString(k) && ct != ColumnTypeDynamic {
		return s, nil
	}
	return json.RawMessage(bytes.Clone(cellJSON(k, s))), nil
}

// anyIsText reports whether cellAny gives the cell's text s itself as a string.
func anyIsText(ct ColumnType, k byte) bool {
	switch ct {
	case ColumnTypeString, ColumnTypeGUID, ColumnTypeDecimal:
		return k != kindNull && k != kindTrue && k != kindFalse
	case ColumnTypeDynamic:
		return false
	}
	return !knownColumnType(ct) && isString(k)
}

// isString reports whether the service sent the cell as a JSON string.
func isString(k byte) bool { return k == kindString || k == kindJSONText }

// cellText returns the text of a cell for string conversions.
func cellText(k byte, s string) string {
	switch k {
	case kindTrue:
		return "true"
	case kindFalse:
		return "false"
	case kindNull:
		return ""
	}
	return s
}

var (
	errNotNumber   = errors.New("not a number")
	errNotBool     = errors.New("not a bool")
	errNotString   = errors.New("not a string")
	errOutOfRange  = errors.New("out of range")
	errBadTimespan = errors.New("not a timespan of the form [-][d.]hh:mm:ss[.fffffff]")
)

func cellKindName(k byte) string {
	switch k {
	case kindString, kindJSONText:
		return "a string"
	case kindNumber:
		return "a number"
	case kindTrue, kindFalse:
		return "a bool"
	case kindJSON:
		return "an object or array"
	}
	return "null"
}

// cellInt parses an integer of the given bit size from a number (or a string holding one,
// which some tools send for long values). An integral number written with a fraction or an
// exponent is accepted when it is exact.
func cellInt(k byte, s string, bits int) (int64, error) {
	switch k {
	case kindNull:
		return 0, nil
	case kindNumber, kindString, kindJSONText:
	default:
		return 0, fmt.Errorf("%w: got %s", errNotNumber, cellKindName(k))
	}
	n, err := strconv.ParseInt(s, 10, bits)
	if err == nil {
		return n, nil
	}
	if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
		return 0, fmt.Errorf("%s is %w for a %d-bit integer", quoteShort(s), errOutOfRange, bits)
	}
	if f, ferr := strconv.ParseFloat(s, 64); ferr == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		if lim := math.Ldexp(1, bits-1); f < -lim || f >= lim {
			return 0, fmt.Errorf("%s is %w for a %d-bit integer", quoteShort(s), errOutOfRange, bits)
		}
		return int64(f), nil
	}
	return 0, fmt.Errorf("%w: %s", errNotNumber, quoteShort(s))
}

func cellUint(k byte, s string, bits int) (uint64, error) {
	n, err := cellInt(k, s, 64)
	if err != nil {
		if errors.Is(err, errOutOfRange) && k != kindNull {
			if u, uerr := strconv.ParseUint(s, 10, bits); uerr == nil {
				return u, nil
			}
		}
		return 0, err
	}
	if n < 0 || (bits < 64 && uint64(n) >= 1<<bits) {
		return 0, fmt.Errorf("%s is %w for a %d-bit unsigned integer", quoteShort(s), errOutOfRange, bits)
	}
	return uint64(n), nil
}

func cellFloat(k byte, s string) (float64, error) {
	switch k {
	case kindNull:
		return 0, nil
	case kindNumber, kindString, kindJSONText:
	default:
		return 0, fmt.Errorf("%w: got %s", errNotNumber, cellKindName(k))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return f, fmt.Errorf("%s is %w for a float64", quoteShort(s), errOutOfRange)
		}
		return 0, fmt.Errorf("%w: %s", errNotNumber, quoteShort(s))
	}
	return f, nil
}

func cellBool(k byte, s string) (bool, error) {
	switch k {
	case kindTrue:
		return true, nil
	case kindFalse, kindNull:
		return false, nil
	case kindNumber:
		switch s {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
	case kindString, kindJSONText:
		switch {
		case strings.EqualFold(s, "true"):
			return true, nil
		case strings.EqualFold(s, "false"):
			return false, nil
		}
	}
	return false, fmt.Errorf("%w: %s", errNotBool, quoteShort(cellText(k, s)))
}

func cellTime(k byte, s string) (time.Time, error) {
	switch k {
	case kindNull:
		return time.Time{}, nil
	case kindString, kindJSONText:
		if t, ok := parseUTCTime(s); ok {
			return t, nil
		}
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
		return parseTime(unsafeBytes(s))
	}
	return time.Time{}, fmt.Errorf("%w: a datetime must be a string, got %s", errNotString, cellKindName(k))
}

func cellDuration(k byte, s string) (time.Duration, error) {
	switch k {
	case kindNull:
		return 0, nil
	case kindString, kindJSONText:
		if d, ok, err := parseTimespan(s); ok {
			return d, err
		}
		if strings.HasPrefix(s, "P") || strings.HasPrefix(s, "-P") {
			return iso8601.ParseDuration(s)
		}
		return 0, fmt.Errorf("%s is %w", quoteShort(s), errBadTimespan)
	}
	return 0, fmt.Errorf("%w: a timespan must be a string, got %s", errNotString, cellKindName(k))
}

// cellJSON returns the JSON of a cell (see Value.Dynamic). A string of a dynamic column that
// holds JSON is that JSON; any other string is the quoted string. The result may alias s;
// callers copy it before handing it out.
func cellJSON(k byte, s string) []byte {
	switch k {
	case kindNull:
		return []byte("null")
	case kindTrue:
		return []byte("true")
	case kindFalse:
		return []byte("false")
	case kindJSONText:
		return unsafeBytes(strings.TrimSpace(s))
	case kindString:
		b, _ := jsontext.AppendQuote(nil, s)
		return b
	}
	return unsafeBytes(s)
}

// decodeJSON unmarshals the JSON of a cell into dst (see Value.Decode): a string holding JSON
// of any column is read as that JSON. jsonv2 reads a copy of the JSON, so that an
// UnmarshalJSON method of dst may keep what it is handed.
func decodeJSON(k byte, s string, dst any) error {
	j := cellJSON(k, s)
	if k == kindString && looksLikeJSON(s) {
		var v kqlScanner
		if ok, depth := v.jsonDepth(unsafeBytes(s)); ok {
			if depth > maxDepth {
				return fmt.Errorf("sentinel: the string holds JSON nested deeper than %d levels, the most this SDK decodes", maxDepth)
			}
			j = unsafeBytes(strings.TrimSpace(s))
		}
	}
	return jsonv2.Unmarshal(bytes.Clone(j), dst, dynamicOptions)
}

// parseUTCTime parses the service's datetime form "2006-01-02T15:04:05[.fffffff]Z" without
// the generality of time.Parse; ok is false for anything else, which the caller parses with
// time.Parse.
func parseUTCTime(s string) (t time.Time, ok bool) {
	if len(s) < 20 || len(s) > 30 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	century, yy := two(s[0], s[1]), two(s[2], s[3])
	year := century*100 + yy
	month, day := two(s[5], s[6]), two(s[8], s[9])
	hour, minute, sec := two(s[11], s[12]), two(s[14], s[15]), two(s[17], s[18])
	if century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 ||
		day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	ns := 0
	if frac := s[19 : len(s)-1]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 {
			return time.Time{}, false
		}
		for i := 1; i < 10; i++ {
			ns *= 10
			if i < len(frac) {
				c := frac[i]
				if c < '0' || c > '9' {
					return time.Time{}, false
				}
				ns += int(c - '0')
			}
		}
	}
	secs := daysSinceEpoch(int64(year), int64(month), int64(day))*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(secs, int64(ns)).UTC(), true
}

// daysSinceEpoch returns the days from 1970-01-01 to a date of the proleptic Gregorian
// calendar (Howard Hinnant's days_from_civil).
func daysSinceEpoch(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// two returns the number of two decimal digits, or -1 when they are not digits.
func two(a, b byte) int {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return -1
	}
	return int(a-'0')*10 + int(b-'0')
}

func daysIn(m time.Month, year int) int {
	if m == time.February && year%4 == 0 && (year%100 != 0 || year%400 == 0) {
		return 29
	}
	return monthDays[m-1]
}

var monthDays = [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// looksLikeJSON is a cheap pre-check before validating a string as JSON.
func looksLikeJSON(s string) bool {
	i := 0 // a loop, not strings.TrimLeft, which builds its cutset's table on every call
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	if s = s[i:]; s == "" {
		return false
	}
	switch c := s[0]; {
	case c == '{' || c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9'):
		return true
	}
	return s == "true" || s == "false" || s == "null"
}

// parseTimespan parses KQL's timespan text "[-][d.]hh:mm:ss[.fffffff]". ok is false when s is
// not of that shape at all (the caller may try ISO-8601); err reports a shape with bad parts.
func parseTimespan(s string) (d time.Duration, ok bool, err error) {
	orig := s
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg, s = s[0] == '-', s[1:]
	}
	c1 := strings.IndexByte(s, ':')
	if c1 < 0 {
		return 0, false, nil
	}
	bad := func() (time.Duration, bool, error) {
		return 0, true, fmt.Errorf("%s is %w", quoteShort(orig), errBadTimespan)
	}
	head, rest := s[:c1], s[c1+1:]
	var days uint64
	if dot := strings.IndexByte(head, '.'); dot >= 0 {
		var ok bool
		if days, ok = digits(head[:dot], 1, 8); !ok {
			return bad()
		}
		head = head[dot+1:]
	}
	hours, ok1 := digits(head, 1, 2)
	c2 := strings.IndexByte(rest, ':')
	if !ok1 || c2 < 0 {
		return bad()
	}
	mins, ok2 := digits(rest[:c2], 1, 2)
	rest = rest[c2+1:]
	frac := ""
	if dot := strings.IndexByte(rest, '.'); dot >= 0 {
		rest, frac = rest[:dot], rest[dot+1:]
		if frac == "" || len(frac) > 9 {
			return bad()
		}
	}
	secs, ok3 := digits(rest, 1, 2)
	if !ok2 || !ok3 || hours > 23 || mins > 59 || secs > 59 {
		return bad()
	}
	var ns uint64
	if frac != "" {
		f, ok := digits(frac, 1, 9)
		if !ok {
			return bad()
		}
		for i := len(frac); i < 9; i++ {
			f *= 10
		}
		ns = f
	}
	const maxDays = math.MaxInt64 / uint64(24*time.Hour)
	if days > maxDays {
		return 0, true, fmt.Errorf("%s is %w for a time.Duration", quoteShort(orig), errOutOfRange)
	}
	total := days*uint64(24*time.Hour) + hours*uint64(time.Hour) + mins*uint64(time.Minute) + secs*uint64(time.Second) + ns
	if total > math.MaxInt64 {
		return 0, true, fmt.Errorf("%s is %w for a time.Duration", quoteShort(orig), errOutOfRange)
	}
	d = time.Duration(total)
	if neg {
		d = -d
	}
	return d, true, nil
}

// digits parses between min and max decimal digits.
func digits(s string, min, max int) (uint64, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// quoteShort quotes s for an error message, shortened to 64 bytes.
func quoteShort(s string) string {
	if len(s) > 64 {
		return strconv.Quote(s[:64]) + "..."
	}
	return strconv.Quote(s)
}

// arena holds the text of cells and strings in large byte chunks, so that a table of millions
// of cells costs a few allocations. Bytes are only ever appended to a chunk, never changed,
// so strings made from them stay valid (and immutable) for as long as they are referenced.
//
// A cell is a kind byte followed by its text, addressed by a packed reference: chunk index
// (16 bits), offset (20 bits) and length (28 bits). Chunk 0 holds the cells that need no
// space of their own (null, true, false, the empty string).
type arena struct {
	chunks [][]byte
	cur    int // index of the chunk being filled
	used   int // bytes used in it
	next   int // size of the next chunk
}

const (
	arenaMinChunk = 4 << 10
	arenaMaxChunk = 1 << 20 // offsets have 20 bits
	maxCellLen    = 1<<28 - 1
	maxChunks     = 1 << 16
)

// staticCells is chunk 0 of every arena.
var staticCells = []byte{kindNull, kindTrue, kindFalse, kindString}

// References of the static cells.
const (
	refNull        uint64 = 0<<28 | 1
	refTrue        uint64 = 1<<28 | 1
	refFalse       uint64 = 2<<28 | 1
	refEmptyString uint64 = 3<<28 | 1
)

// alloc returns n bytes of fresh arena space and their chunk and offset.
func (a *arena) alloc(n int) (chunk, off int, b []byte) {
	if len(a.chunks) == 0 {
		a.chunks = append(a.chunks, staticCells)
		a.used = len(staticCells)
	}
	c := a.chunks[a.cur]
	if len(c)-a.used < n {
		if n > arenaMaxChunk/4 {
			// A large value gets a chunk of its own; the current one stays in use.
			b := make([]byte, n)
			a.chunks = append(a.chunks, b)
			return len(a.chunks) - 1, 0, b
		}
		if a.next < arenaMinChunk {
			a.next = arenaMinChunk
		}
		// The next chunk, or a chunk of the value's size when the value is larger (at most
		// arenaMaxChunk/4, so its offsets still fit).
		c = make([]byte, max(a.next, n))
		a.chunks = append(a.chunks, c)
		a.cur, a.used = len(a.chunks)-1, 0
		if a.next < arenaMaxChunk {
			a.next *= 2
		}
	}
	off = a.used
	a.used += n
	return a.cur, off, c[off : off+n : off+n]
}

// put stores a cell of kind k with text s and returns its reference.
func (a *arena) put(k byte, s []byte) (uint64, error) {
	switch k {
	case kindNull:
		return refNull, nil
	case kindTrue:
		return refTrue, nil
	case kindFalse:
		return refFalse, nil
	case kindString:
		if len(s) == 0 {
			return refEmptyString, nil
		}
	}
	n := 1 + len(s)
	if n > maxCellLen {
		return 0, fmt.Errorf("a value of %d bytes is too large", len(s))
	}
	chunk, off, b := a.alloc(n)
	if chunk >= maxChunks {
		return 0, errors.New("the result is too large to store")
	}
	b[0] = k
	copy(b[1:], s)
	return uint64(chunk)<<48 | uint64(off)<<28 | uint64(n), nil
}

// get returns the cell (kind byte and text) of a reference.
func (a *arena) get(ref uint64) string {
	n := int(ref & maxCellLen)
	if n == 0 {
		return ""
	}
	c := staticCells // chunk 0, also before the arena allocated anything
	if i := ref >> 48; i != 0 {
		c = a.chunks[i]
	}
	off := int(ref>>28) & (arenaMaxChunk - 1)
	return unsafeString(c[off : off+n])
}

// setKind changes the kind byte of a stored cell, before any string was made from it.
func (a *arena) setKind(ref uint64, k byte) {
	if i := ref >> 48; i != 0 {
		a.chunks[i][int(ref>>28)&(arenaMaxChunk-1)] = k
	}
}

// textBlocks hands out copies of text carved from blocks of memory, so that a row's strings
// cost no allocation of their own. It keeps no reference to a block it filled: each block
// lives as long as a string or slice made from it. Bytes are only written once, into space
// nothing else uses, so the strings are immutable and each byte slice is its holder's alone.
type textBlocks struct {
	str  strings.Builder // strings: a Builder's bytes never change once written
	bin  []byte          // byte slices
	next int
}

const (
	textMinBlock = 4 << 10
	textMaxBlock = 64 << 10
)

func (b *textBlocks) blockSize(n int) int {
	size := max(b.next, textMinBlock)
	if size < textMaxBlock {
		b.next = size * 2
	}
	return max(size, n)
}

// string returns a copy of s.
func (b *textBlocks) string(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > textMaxBlock/4 {
		return strings.Clone(s)
	}
	if b.str.Cap()-b.str.Len() < len(s) {
		b.str = strings.Builder{}
		b.str.Grow(b.blockSize(len(s)))
	}
	start := b.str.Len()
	b.str.WriteString(s)
	return b.str.String()[start:]
}

// free returns the free space of the current block of byte slices, at least 4 KiB, for a
// value to be written into before bytes takes it. Nothing else uses that space until then.
func (b *textBlocks) free() []byte {
	if cap(b.bin)-len(b.bin) < 4<<10 {
		b.bin = make([]byte, 0, max(b.blockSize(0), 8<<10))
	}
	return b.bin[len(b.bin):len(b.bin):cap(b.bin)]
}

// cell returns a copy of a cell of kind k and text s, as Value holds it.
func (b *textBlocks) cell(k byte, s string) string {
	switch k {
	case kindNull:
		return ""
	case kindTrue:
		return "t"
	case kindFalse:
		return "f"
	}
	if len(s) > textMaxBlock/4 { // a large value gets its own allocation, as in string
		return string(k) + s
	}
	if b.str.Cap()-b.str.Len() < 1+len(s) {
		b.str = strings.Builder{}
		b.str.Grow(b.blockSize(1 + len(s)))
	}
	start := b.str.Len()
	b.str.WriteByte(k)
	b.str.WriteString(s)
	return b.str.String()[start:]
}

// bytes returns a copy of s that no other value shares. When s was written into the space
// free returned, it is taken where it is, without a copy.
func (b *textBlocks) bytes(s []byte) []byte {
	if free := b.bin[len(b.bin):cap(b.bin)]; len(s) > 0 && len(s) <= len(free) && &free[0] == &s[0] {
		b.bin = b.bin[:len(b.bin)+len(s)]
		return s[:len(s):len(s)]
	}
	if len(s) > textMaxBlock/4 {
		return bytes.Clone(s)
	}
	if cap(b.bin)-len(b.bin) < len(s) {
		b.bin = make([]byte, 0, b.blockSize(len(s)))
	}
	n := len(b.bin)
	b.bin = append(b.bin, s...)
	return b.bin[n:len(b.bin):len(b.bin)]
}
