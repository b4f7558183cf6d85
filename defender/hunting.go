package defender

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/iso8601"
	"github.com/sentinel-go/sentinel/internal/model"
	"github.com/sentinel-go/sentinel/internal/rest"
	"github.com/sentinel-go/sentinel/internal/rowmap"
)

// RunHuntingQueryOptions are the options of RunHuntingQuery, HuntingInto and HuntingRows.
// The zero value queries the service's default period, the last 30 days.
type RunHuntingQueryOptions struct {
	// Timespan limits the query to the period of this length that ends now ("P7D" on the
	// wire). 0 means the service's default (30 days, the most it keeps).
	Timespan time.Duration
	// Start and End limit the query to an absolute period instead ("start/end" on the wire);
	// Start alone means from Start to now. They cannot be combined with Timespan.
	Start, End time.Time
}

// huntingBody is the request body of runHuntingQuery; the parameter names are PascalCase.
type huntingBody struct {
	Query    string `json:"Query"`
	Timespan string `json:"Timespan,omitzero"`
}

func (o *RunHuntingQueryOptions) build(query string) (*huntingBody, error) {
	if strings.TrimSpace(query) == "" {
		return nil, errs.ArgError("query", "must not be empty")
	}
	if !utf8.ValidString(query) {
		return nil, errs.ArgError("query", "is not valid UTF-8; KQL text is UTF-8, and JSON would send another query")
	}
	b := &huntingBody{Query: query}
	switch {
	case o.Timespan < 0:
		return nil, errs.ArgError("RunHuntingQueryOptions.Timespan", "must not be negative, got %s", o.Timespan)
	case o.Timespan > 0 && (!o.Start.IsZero() || !o.End.IsZero()):
		return nil, errs.ArgError("RunHuntingQueryOptions.Timespan", "cannot be combined with Start and End")
	case o.Timespan > 0:
		b.Timespan = iso8601.FormatDuration(o.Timespan)
	case !o.End.IsZero() && o.Start.IsZero():
		return nil, errs.ArgError("RunHuntingQueryOptions.End", "needs Start")
	case !o.End.IsZero() && !o.End.After(o.Start):
		return nil, errs.ArgError("RunHuntingQueryOptions.End", "%s is not after Start %s", o.End.Format(time.RFC3339), o.Start.Format(time.RFC3339))
	case !o.End.IsZero():
		b.Timespan = sentinel.ODataTime(o.Start) + "/" + sentinel.ODataTime(o.End)
	case !o.Start.IsZero():
		b.Timespan = sentinel.ODataTime(o.Start)
	}
	return b, nil
}

// HuntingColumn is one column of a hunting result's schema: its name and its type
// ("DateTime", "String", "Int64", "Boolean", "Double", "Object", ...).
type HuntingColumn struct {
	Name    string         `json:"name,case:ignore"`
	Type    string         `json:"type,case:ignore"`
	Unknown jsontext.Value `json:",embed"`
}

// HuntingResult is the answer of runHuntingQuery: the schema and the rows, each row a JSON
// object keyed by column name, as the service sent it. DecodeHuntingRows decodes the rows
// into structs.
type HuntingResult struct {
	Schema  []HuntingColumn  `json:"schema"`
	Results []jsontext.Value `json:"results"`
	Unknown jsontext.Value   `json:",embed"`
}

// RunHuntingQuery runs an advanced hunting query (KQL over the Defender XDR schema:
// DeviceProcessEvents, EmailEvents, IdentityLogonEvents, ...) with POST
// /security/runHuntingQuery and returns the schema and the rows. The service keeps 30 days
// of data, returns at most 100,000 rows and 50 MB, stops a query after three minutes and
// answers 429 when the tenant's hunting CPU quota is spent (waited out within the client's
// throttling budget, then sentinel.ErrThrottled). The query text is sent byte for byte and
// must be valid UTF-8.
//
//meta:operation POST /security/runHuntingQuery
func (c *Client) RunHuntingQuery(ctx context.Context, query string, opts *RunHuntingQueryOptions) (HuntingResult, error) {
	r, err := c.huntingRequest("Client.RunHuntingQuery", query, opts)
	if err != nil {
		return HuntingResult{}, err
	}
	var out HuntingResult
	if err := c.t.Call(ctx, r, &out); err != nil {
		return HuntingResult{}, err
	}
	if out.Results == nil {
		return HuntingResult{}, &errs.DecodeError{Method: r.Method, URL: errs.CleanURL(r.URL), StatusCode: http.StatusOK, Err: errNoResults}
	}
	return out, nil
}

var errNoResults = errors.New(`the response has no "results" member`)

func (c *Client) huntingRequest(op, query string, opts *RunHuntingQueryOptions) (*rest.Request, error) {
	var o RunHuntingQueryOptions
	if opts != nil {
		o = *opts
	}
	body, err := o.build(query)
	if err != nil {
		return nil, err
	}
	r := c.request(op, http.MethodPost, nil, body, "runHuntingQuery")
	r.ContentType = "application/json; charset=utf-8"
	return r, nil
}

// DecodeHuntingRows decodes the rows of res into structs, mapping columns to fields as
// sentinel.DecodeTable does: the field tagged `kql:"ColumnName"` or, without a tag, the
// field of that name (exact, then case-insensitive); `kql:"-"` skips a field, and a tagged
// field whose column is not in the schema is an error unless tagged `kql:"Name,optional"`.
// Values are decoded from their JSON: DateTime into time.Time, numbers into integer and
// float fields, Object into a map, slice, struct, json.RawMessage or jsontext.Value (also
// when the service sent the JSON as a string), any column into string, any or a pointer.
// A value that does not fit its field is a *sentinel.ColumnError naming its row.
func DecodeHuntingRows[T any](res HuntingResult) ([]T, error) {
	p, err := newRowPlan[T]()
	if err != nil {
		return nil, err
	}
	if err := p.checkSchema(res.Schema); err != nil {
		return nil, err
	}
	out := make([]T, len(res.Results))
	for i, raw := range res.Results {
		dec := jsontext.NewDecoder(bytes.NewReader(raw), model.Decode())
		if err := p.decodeRow(dec, &out[i], i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// HuntingInto runs query like Client.RunHuntingQuery and decodes the rows into structs as
// they stream in, with the mapping of DecodeHuntingRows, without keeping the JSON of the
// rows.
//
//meta:operation POST /security/runHuntingQuery
func HuntingInto[T any](ctx context.Context, c *Client, query string, opts *RunHuntingQueryOptions) ([]T, error) {
	var out []T
	for row, err := range HuntingRows[T](ctx, c, query, opts) {
		if err != nil {
			return nil, err
		}
		out = append(out, row)
	}
	return out, nil
}

// HuntingRows runs query like Client.RunHuntingQuery and yields the rows one at a time,
// each decoded into a T as DecodeHuntingRows maps them, while the response streams in:
// nothing of the result is kept between rows. The query is sent when a loop over the
// sequence starts; each loop sends it again. Breaking out of the loop stops reading. Any
// failure (an invalid argument, an error status, a body that does not decode, a
// *sentinel.ColumnError) is yielded once, with a zero T, as the last element.
//
//meta:operation POST /security/runHuntingQuery
func HuntingRows[T any](ctx context.Context, c *Client, query string, opts *RunHuntingQueryOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		p, err := newRowPlan[T]()
		if err == nil {
			var r *rest.Request
			if r, err = c.huntingRequest("HuntingRows", query, opts); err == nil {
				err = c.t.Exchange(ctx, r, func(resp *http.Response) error {
					return p.stream(resp, yield)
				})
			}
		}
		if err != nil && err != errStopped {
			yield(zero, err)
		}
	}
}

// errStopped ends a stream whose consumer broke out of the loop.
var errStopped = errors.New("defender: the caller stopped reading rows")

// rowPlan maps a hunting result's columns to the fields of T.
type rowPlan[T any] struct {
	fields []rowmap.Field
	byName map[string]int // column name as sent → field index, -1 for none
	// opts decode a cell: the model's options with field names matched without regard to
	// case, as sentinel decodes dynamic values.
	opts jsonv2.Options
}

func newRowPlan[T any]() (*rowPlan[T], error) {
	fields, err := rowmap.Fields(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	opts := jsonv2.JoinOptions(model.Decode(), jsonv2.MatchCaseInsensitiveNames(true))
	return &rowPlan[T]{fields: fields, byName: map[string]int{}, opts: opts}, nil
}

// field returns the index of the field a column goes to, or -1. With a schema, checkSchema
// has mapped every column; without one, a column is mapped when first seen.
func (p *rowPlan[T]) field(column string) int {
	if i, ok := p.byName[column]; ok {
		return i
	}
	i := -1
	for j := range p.fields { // exact first, then case-insensitive
		if p.fields[j].Column == column {
			i = j
			break
		}
	}
	if i < 0 {
		for j := range p.fields {
			if strings.EqualFold(p.fields[j].Column, column) {
				i = j
				break
			}
		}
	}
	p.byName[column] = i
	return i
}

// checkSchema maps the schema's columns to fields as sentinel.DecodeTable does (each field
// finds its column, exact name first), and fails when a tagged field that is not optional has
// no column.
func (p *rowPlan[T]) checkSchema(schema []HuntingColumn) error {
	for _, c := range schema {
		p.byName[c.Name] = -1
	}
	for i, f := range p.fields {
		j := rowmap.ColumnIndex(len(schema), f.Column, func(i int) string { return schema[i].Name })
		if j >= 0 {
			p.byName[schema[j].Name] = i
			continue
		}
		if f.Tagged && !f.Optional {
			return &sentinel.ColumnError{Table: "results", Row: -1, Column: f.Column, Field: f.Name + " (" + f.Type.String() + ")",
				Err: fmt.Errorf("the result has no such column; tag the field `kql:\"%s,optional\"` to allow that", f.Column)}
		}
	}
	return nil
}

var (
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	jsontextValueType = reflect.TypeFor[jsontext.Value]()
	timeType          = reflect.TypeFor[time.Time]()
)

// wantsJSON reports whether a field of type t takes a JSON object or array: raw JSON, a map,
// a slice or array (other than bytes), or a struct other than time.Time, behind pointers.
func wantsJSON(t reflect.Type) bool {
	if t == rawMessageType || t == jsontextValueType {
		return true
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Map, reflect.Array:
		return true
	case reflect.Slice:
		return t.Elem().Kind() != reflect.Uint8
	case reflect.Struct:
		return t != timeType
	}
	return false
}

// decodeRow decodes the row object at dec into *out.
func (p *rowPlan[T]) decodeRow(dec *jsontext.Decoder, out *T, row int) error {
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '{' {
		return fmt.Errorf("row %d is a JSON %s, not an object", row, tok.Kind())
	}
	v := reflect.ValueOf(out).Elem()
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		column := tok.String()
		i := p.field(column)
		if i < 0 {
			if err := dec.SkipValue(); err != nil {
				return err
			}
			continue
		}
		f := &p.fields[i]
		val, err := dec.ReadValue()
		if err != nil {
			return err
		}
		if val.Kind() == '"' && wantsJSON(f.Type) {
			// Object values often come as a string holding JSON: hand over the JSON.
			var s string
			if jsonv2.Unmarshal(val, &s) == nil {
				if t := strings.TrimSpace(s); len(t) > 0 && (t[0] == '{' || t[0] == '[') && jsontext.Value(t).IsValid() {
					val = jsontext.Value(t)
				}
			}
		}
		if err := jsonv2.Unmarshal(val, v.FieldByIndex(f.Index).Addr().Interface(), p.opts); err != nil {
			return &sentinel.ColumnError{Table: "results", Row: row, Column: column, Field: f.Name + " (" + f.Type.String() + ")", Err: err}
		}
	}
	_, err := dec.ReadToken() // '}'
	return err
}

// stream decodes a runHuntingQuery body, yielding each row as it arrives.
func (p *rowPlan[T]) stream(resp *http.Response, yield func(T, error) bool) error {
	fail := func(err error) error {
		var ce *sentinel.ColumnError
		if errors.As(err, &ce) {
			return err
		}
		return errs.NewDecodeError(resp, err)
	}
	dec := jsontext.NewDecoder(bufio.NewReader(resp.Body), model.Decode())
	if tok, err := dec.ReadToken(); err != nil {
		return fail(err)
	} else if tok.Kind() != '{' {
		return fail(fmt.Errorf("expected a JSON object, got a JSON %s", tok.Kind()))
	}
	var schema []HuntingColumn
	sawSchema, sawResults, rows := false, false, 0
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return fail(err)
		}
		switch tok.String() {
		case "schema":
			if err := jsonv2.UnmarshalDecode(dec, &schema, model.Decode()); err != nil {
				return fail(err)
			}
			sawSchema = true
			if err := p.checkSchema(schema); err != nil {
				return err
			}
		case "results":
			sawResults = true
			if tok, err := dec.ReadToken(); err != nil {
				return fail(err)
			} else if tok.Kind() != '[' {
				return fail(fmt.Errorf("results is a JSON %s, not an array", tok.Kind()))
			}
			for dec.PeekKind() != ']' {
				var row T
				if err := p.decodeRow(dec, &row, rows); err != nil {
					return fail(err)
				}
				rows++
				if !yield(row, nil) {
					return errStopped
				}
			}
			if _, err := dec.ReadToken(); err != nil {
				return fail(err)
			}
		case "error":
			if dec.PeekKind() == '{' {
				return errs.ErrorFromObject(dec, resp)
			}
			if err := dec.SkipValue(); err != nil {
				return fail(err)
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return fail(err)
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return fail(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return fail(errors.New("unexpected data after the JSON object"))
	}
	if !sawResults {
		return fail(errNoResults)
	}
	if !sawSchema { // as DecodeHuntingRows: a required column cannot be in a missing schema
		return p.checkSchema(nil)
	}
	return nil
}
