package sentinel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/errs"
)

// The reference decoder reads a query response the straightforward way, token by token with
// jsontext, and applies the decoder's rules with the standard library: it is what the
// specialised scanner must agree with.

type refCell struct {
	k    byte
	text string
}

type refTable struct {
	name string
	cols []Column
	rows [][]refCell
}

type refResult struct {
	tables             []refTable
	statistics, render string
	errCode            string
	hasErr, sawTables  bool
}

// refText is the text of a JSON string value: jsontext's unquoting, then each byte that is
// not valid UTF-8 as U+FFFD.
func refText(raw jsontext.Value) string {
	b, _ := jsontext.AppendUnquote(nil, raw)
	var out []byte
	for _, r := range string(b) {
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

func refValid(b []byte) string {
	var out []byte
	for _, r := range string(b) {
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

func refDecode(body []byte) (*refResult, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(body), decodeOptions)
	res := &refResult{}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, fmt.Errorf("not an object: %v", err)
	}
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String()
		switch {
		case asciiLower(name) == "tables":
			res.sawTables = true
			if err := refTables(dec, res); err != nil {
				return nil, err
			}
		case name == "statistics" || name == "render":
			v, err := dec.ReadValue()
			if err != nil {
				return nil, err
			}
			if name == "statistics" {
				res.statistics = refValid(v)
			} else {
				res.render = refValid(v)
			}
		case name == "error" && dec.PeekKind() == '{':
			var e errs.ErrorInfo
			if err := jsonv2.UnmarshalDecode(dec, &e, decodeOptions); err != nil {
				return nil, err
			}
			res.hasErr, res.errCode = true, e.Code
		default:
			if err := dec.SkipValue(); err != nil {
				return nil, err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	return res, nil
}

func refTables(dec *jsontext.Decoder, res *refResult) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return err
	}
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '[' {
		return fmt.Errorf("tables: %v", err)
	}
	for dec.PeekKind() != ']' {
		if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
			return fmt.Errorf("table: %v", err)
		}
		var t refTable
		sawCols, sawRows, width := false, false, -1
		var pending [][]jsontext.Value
		for dec.PeekKind() == '"' {
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			switch asciiLower(tok.String()) {
			case "name", "tablename":
				v, err := dec.ReadValue()
				if err != nil {
					return err
				}
				switch v.Kind() {
				case '"':
					t.name = refText(v)
				case 'n':
				default:
					return errors.New("table name not a string")
				}
			case "columns":
				if sawCols {
					return errors.New("two column lists")
				}
				sawCols = true
				var cols []jsontext.Value
				if err := jsonv2.UnmarshalDecode(dec, &cols, decodeOptions); err != nil {
					return err
				}
				t.cols = []Column{}
				for _, c := range cols {
					if c.Kind() != '{' {
						return errors.New("column not an object")
					}
					var col Column
					cd := jsontext.NewDecoder(bytes.NewReader(c), decodeOptions)
					_, _ = cd.ReadToken()
					for cd.PeekKind() == '"' {
						k, _ := cd.ReadToken()
						key := k.String()
						v, err := cd.ReadValue()
						if err != nil {
							return err
						}
						var dst *string
						switch asciiLower(key) {
						case "name", "columnname":
							dst = &col.Name
						case "type", "columntype":
							dst = (*string)(&col.Type)
						default:
							continue
						}
						if v.Kind() != '"' {
							return errors.New("column member not a string")
						}
						*dst = refText(v)
					}
					t.cols = append(t.cols, col)
				}
				if width >= 0 && width != len(t.cols) {
					return errors.New("width")
				}
			case "rows":
				if sawRows {
					return errors.New("two row lists")
				}
				sawRows = true
				var list []jsontext.Value
				if err := jsonv2.UnmarshalDecode(dec, &list, decodeOptions); err != nil {
					return err
				}
				var rows [][]jsontext.Value
				for _, rv := range list {
					if rv.Kind() != '[' {
						return errors.New("row not an array")
					}
					var r []jsontext.Value
					if err := jsonv2.Unmarshal(rv, &r, decodeOptions); err != nil {
						return err
					}
					switch {
					case sawCols && len(r) != len(t.cols):
						return errors.New("width")
					case !sawCols && width < 0:
						width = len(r)
					case !sawCols && len(r) != width:
						return errors.New("width")
					}
					rows = append(rows, r)
				}
				pending = rows
			default:
				if err := dec.SkipValue(); err != nil {
					return err
				}
			}
		}
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		if len(pending) > 0 && !sawCols && width > 0 {
			return errors.New("rows without columns")
		}
		for _, r := range pending {
			row := make([]refCell, len(r))
			for j, v := range r {
				unwrap := j < len(t.cols) && unwrapsJSON(t.cols[j].Type)
				row[j] = refCellOf(v, unwrap)
			}
			t.rows = append(t.rows, row)
		}
		res.tables = append(res.tables, t)
	}
	_, err := dec.ReadToken()
	return err
}

func refCellOf(v jsontext.Value, unwrap bool) refCell {
	switch v.Kind() {
	case '"':
		s := refText(v)
		if unwrap && looksLikeJSON(s) && jsontext.Value(s).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
			return refCell{kindJSONText, s}
		}
		return refCell{kindString, s}
	case 'n':
		return refCell{kindNull, ""}
	case 't':
		return refCell{kindTrue, ""}
	case 'f':
		return refCell{kindFalse, ""}
	case '{', '[':
		return refCell{kindJSON, refValid(v)}
	}
	return refCell{kindNumber, string(v)}
}

// oneByteReader hands out its input a byte at a time, so that every value crosses the
// scanner's buffer refills.
type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}

// FuzzQueryScanner checks the specialised decoder against the reference: the same verdict
// on every body (valid or not), and for a valid one the same tables, columns and cells (kind
// and text), statistics, render and error object, whether the body arrives whole or a byte
// at a time. It also checks kqlScanner.jsonDepth against jsontext's validation.
func FuzzQueryScanner(f *testing.F) {
	files, _ := filepath.Glob("testdata/query/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"string"},{"name":"D","type":"dynamic"},{"name":"N","type":"long"}],"rows":[["a\"b\\c\u00e9\ud83d\ude00",  "{\"x\":[1,2,{\"y\":null}]}", -1.5e+3],[null,{"k":[true,false]},0]]}],"statistics":{"q":1}}`,
		"{\"tables\":[{\"name\":\"T\",\"columns\":[{\"name\":\"S\",\"type\":\"string\"}],\"rows\":[[\"a\xffb\\ud800\"],[\"\\u00e9\xc3\"]]}]}",
		`{"Tables":[{"rows":[[1,"x"]],"TableName":"T","Columns":[{"ColumnName":"A","ColumnType":"long"},{"ColumnName":"B","ColumnType":"mystery"}]}],"error":{"code":"PartialError","message":"m"}}`,
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"long"}],"rows":[[01]]}]}`,
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"long"}],"rows":[[1.]]}]}`,
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"string"}],"rows":[["\x01"]]}]}`,
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"dynamic"}],"rows":[[" [1 , 2] "],["[1,"],["\"s\""],["nul"]]}], "render": {"kind":"table"}, "x": [[[{}]]]}`,
		`{"tables":null,"error":{"code":"BadArgumentError","message":"bad"}}`,
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"long"}],"rows":[[1],[2,3]]}]}`,
		`{"tables":[{"name":"T","columns":[{"name":"A","type":"long"}],"rows":[[tru]]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, werr := refDecode(body)
		for _, whole := range []bool{true, false} {
			var r io.Reader = bytes.NewReader(body)
			if !whole {
				r = &oneByteReader{b: body}
			}
			res, errObj, sawTables, err := decodeQueryBody(r, nil)
			var ce *ColumnError
			if errors.As(err, &ce) && errors.Is(err, errTooDeep) {
				continue // JSON deeper than the reference can validate
			}
			if (err != nil) != (werr != nil) {
				t.Fatalf("whole=%v: scanner error %v, reference error %v", whole, err, werr)
			}
			if err != nil {
				continue
			}
			if sawTables != want.sawTables || (errObj != nil) != want.hasErr {
				t.Fatalf("sawTables %v/%v, error object %v/%v", sawTables, want.sawTables, errObj != nil, want.hasErr)
			}
			if errObj != nil && errObj.Code != want.errCode {
				t.Fatalf("error code %q, want %q", errObj.Code, want.errCode)
			}
			if string(res.Statistics) != want.statistics || string(res.Render) != want.render {
				t.Fatalf("statistics %q render %q, want %q %q", res.Statistics, res.Render, want.statistics, want.render)
			}
			if len(res.Tables) != len(want.tables) {
				t.Fatalf("%d tables, want %d", len(res.Tables), len(want.tables))
			}
			for i, wt := range want.tables {
				got := &res.Tables[i]
				if got.Name != wt.name || fmt.Sprint(got.Columns) != fmt.Sprint(wt.cols) || got.Len() != len(wt.rows) {
					t.Fatalf("table %d: %q %v %d rows, want %q %v %d rows", i, got.Name, got.Columns, got.Len(), wt.name, wt.cols, len(wt.rows))
				}
				for ri, wr := range wt.rows {
					for j, wc := range wr {
						cell := got.arena.get(got.row(ri)[j])
						if cell[0] != wc.k || cell[1:] != wc.text {
							t.Fatalf("table %d row %d cell %d: %q %q, want %q %q", i, ri, j, cell[0], cell[1:], wc.k, wc.text)
						}
					}
				}
			}
		}
		// The validator alone, on the body as one JSON document.
		var v kqlScanner
		ok, depth := v.jsonDepth(body)
		valid := jsontext.Value(body).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
		if depth <= maxDepth && ok != valid {
			t.Fatalf("jsonDepth says %v (depth %d), jsontext says %v", ok, depth, valid)
		}
	})
}

// FuzzParseUTCTime checks the datetime fast path against time.Parse: whatever it accepts,
// time.Parse reads as the same instant.
func FuzzParseUTCTime(f *testing.F) {
	for _, s := range []string{"2026-11-01T10:09:26.1234567Z", "0000-02-29T00:00:00Z", "2024-02-29T23:59:59.999999999Z",
		"2023-02-29T00:00:00Z", "20ab-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-01T00:00:00Z", "2026-11-01T24:00:00Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseUTCTime(s)
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Fatalf("parseUTCTime(%q) = %v, time.Parse gives %v, %v", s, got, want, err)
		}
	})
}

// asciiLower lower-cases ASCII letters only, keeping every byte offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// TestPlainEnd checks plainEnd, whose 8-byte steps take the first marked byte of special8 as
// the first special byte, against a byte-by-byte reference: every special byte at every
// position of a word, alone and after another special byte (the borrow case), and with
// bytes that are next to special ones in value.
func TestPlainEnd(t *testing.T) {
	ref := func(b []byte, i int) int {
		for i < len(b) && strByte[b[i]] == 0 {
			i++
		}
		return i
	}
	fill := []byte{'a', ' ', '!', '#', '[', ']', '~', 0x7f}
	special := []byte{'"', '\\', 0, 0x1f, '\n', 0x80, 0xa0, 0xa2, 0xdc, 0xff}
	for _, f := range fill {
		for _, c := range special {
			for _, c2 := range append([]byte{f}, special...) {
				for pos := range 20 {
					for start := range 3 {
						b := bytes.Repeat([]byte{f}, 24)
						b[pos] = c
						if pos+1 < len(b) {
							b[pos+1] = c2
						}
						for _, end := range []int{len(b), pos + 1, pos + 3, 9} {
							sub := b[:min(end, len(b))]
							if start > len(sub) {
								continue
							}
							if got, want := plainEnd(sub, start), ref(sub, start); got != want {
								t.Fatalf("plainEnd(%q, %d) = %d, want %d", sub, start, got, want)
							}
						}
					}
				}
			}
		}
	}
}
