package sentinel_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sentinel-go/sentinel"
)

// fuzzRow maps the columns the seeds use; every field is optional.
type fuzzRow struct {
	A int64           `kql:",optional"`
	B string          `kql:",optional"`
	C time.Time       `kql:",optional"`
	D time.Duration   `kql:",optional"`
	E json.RawMessage `kql:",optional"`
	F bool            `kql:",optional"`
	G *int32          `kql:",optional"`
	H *uint16         `kql:",optional"`
	I sentinel.Value  `kql:",optional"`
}

// FuzzDecodeQueryResponse feeds arbitrary bodies to the table decoder: it must never panic,
// every stored value must convert without panicking, and streaming the first table into
// structs must agree with storing it and decoding it afterwards.
func FuzzDecodeQueryResponse(f *testing.F) {
	files, _ := filepath.Glob("testdata/query/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	cols := `"columns":[{"name":"A","type":"long"},{"name":"B","type":"string"},{"name":"C","type":"datetime"},{"name":"D","type":"timespan"},{"name":"E","type":"dynamic"},{"name":"F","type":"bool"},{"name":"G","type":"int"},{"name":"H","type":"int"},{"name":"I","type":"real"}]`
	f.Add(`{"tables":[{"name":"PrimaryResult",` + cols + `,"rows":[[9007199254740993,"x\u00e9","2026-11-01T10:09:26.1234567Z","1.02:03:04.5","{\"a\":[1,2]}",true,7,65535,"NaN"]]}]}`)
	f.Add(`{"tables":[{"name":"PrimaryResult",` + cols + `,"rows":[[null,null,null,null,null,null,null,null,null],["1e3","","2026-11-01","-00:00:01",{"b":null},1,-1,0,1.5]]}]}`)
	f.Add(`{"tables":[{"rows":[[1,"a"]],"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}]}],"error":{"code":"PartialError","message":"m"}}`)
	f.Add(`{"tables":[{"name":"T","columns":[],"rows":[[],[]]},{"name":"U","columns":[{"name":"E","type":"dynamic"}],"rows":[["[\"x\"]"]]}]}`)
	f.Add(`{"error":{"code":"BadArgumentError","message":"bad","innererror":{"code":"SyntaxError","message":"x"}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
		rows, sres, serr := sentinel.DecodeQueryResponseInto[fuzzRow](strings.NewReader(body))
		var de *sentinel.DecodeError
		if errors.As(err, &de) || res == nil {
			if serr == nil {
				t.Fatalf("stored decode failed (%v) but streaming succeeded", err)
			}
			return
		}
		for ti := range res.Tables {
			tbl := &res.Tables[ti]
			for _, row := range tbl.Rows() {
				_, _ = row.Values()
				for j := 0; j < row.Len(); j++ {
					v := row.Value(j)
					_ = v.String()
					_ = v.Dynamic()
					_, _ = v.Int64()
					_, _ = v.Float64()
					_, _ = v.Bool()
					_, _ = v.Time()
					_, _ = v.Duration()
					var x any
					_ = v.Decode(&x)
				}
			}
		}
		if len(res.Tables) == 0 {
			if len(rows) != 0 {
				t.Fatalf("streamed %d rows from a result without tables", len(rows))
			}
			return
		}
		stored, derr := sentinel.DecodeTable[fuzzRow](&res.Tables[0])
		if derr != nil {
			if serr == nil {
				t.Fatalf("DecodeTable failed (%v) but streaming succeeded", derr)
			}
			return
		}
		if serr != nil && (err == nil || serr.Error() != err.Error()) {
			t.Fatalf("streaming failed (%v) but storing gave %v and DecodeTable succeeded", serr, err)
		}
		if len(stored) == 0 && len(rows) == 0 {
			return
		}
		if !reflect.DeepEqual(stored, rows) {
			t.Fatalf("streamed rows differ from stored rows:\n%#v\n%#v", rows, stored)
		}
		if sres == nil || len(sres.Tables) != len(res.Tables) {
			t.Fatalf("streaming result has other tables: %v", sres)
		}
	})
}
