package sentinel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// keepText and keepJSON keep the bytes their unmarshaler is handed, without copying. The
// encoding contracts allow the SDK to reuse those bytes afterwards; this SDK does not, so
// even such a type reads back what was sent.
type keepText struct{ b []byte }

func (k *keepText) UnmarshalText(b []byte) error { k.b = b; return nil }

type keepJSON struct{ b []byte }

func (k *keepJSON) UnmarshalJSON(b []byte) error { k.b = b; return nil }

// aliasRow takes every kind of destination a user may choose.
type aliasRow struct {
	Str    string
	Any    any
	Esc    any
	Ptr    *string
	Map    map[string]any
	List   []any
	Raw    json.RawMessage
	Text   keepText
	JSON   keepJSON
	Value  sentinel.Value
	Nested struct{ I int }
}

// aliasCells returns row i's cells, and what a reader expects of them.
func aliasCells(i int) []any {
	plain := fmt.Sprintf("row-%d plain %d", i, i)
	esc := fmt.Sprintf("row-%d \"quoted\" \\ tab\t é %d", i, i)
	if i%1000 == 7 { // values larger than any internal buffer
		plain += strings.Repeat("x", 300<<10)
		esc += strings.Repeat("\"", 100<<10)
	}
	return []any{plain, plain, esc, esc,
		map[string]any{"i": i, "s": plain}, []any{i, esc},
		map[string]any{"raw": i}, esc, json.RawMessage(fmt.Sprintf(`{"json":%d}`, i)), esc,
		json.RawMessage(fmt.Sprintf(`"{\"I\":%d}"`, i))}
}

var aliasColumns = []sentineltest.QueryColumn{
	{Name: "Str", Type: "string"}, {Name: "Any", Type: "string"}, {Name: "Esc", Type: "string"}, {Name: "Ptr", Type: "string"},
	{Name: "Map", Type: "dynamic"}, {Name: "List", Type: "dynamic"}, {Name: "Raw", Type: "dynamic"}, {Name: "Text", Type: "string"},
	{Name: "JSON", Type: "dynamic"}, {Name: "Value", Type: "string"}, {Name: "Nested", Type: "dynamic"},
}

func checkAliasRow(t *testing.T, i int, r aliasRow) bool {
	c := aliasCells(i)
	plain, esc := c[0].(string), c[2].(string)
	ok := assert.Equal(t, plain, r.Str, "row %d Str", i)
	ok = ok && assert.Equal(t, plain, r.Any, "row %d Any", i)
	ok = ok && assert.Equal(t, esc, r.Esc, "row %d Esc", i)
	ok = ok && assert.Equal(t, esc, *r.Ptr, "row %d Ptr", i)
	ok = ok && assert.Equal(t, map[string]any{"i": float64(i), "s": plain}, r.Map, "row %d Map", i)
	ok = ok && assert.Equal(t, []any{float64(i), esc}, r.List, "row %d List", i)
	ok = ok && assert.JSONEq(t, fmt.Sprintf(`{"raw":%d}`, i), string(r.Raw), "row %d Raw", i)
	ok = ok && assert.Equal(t, esc, string(r.Text.b), "row %d Text", i)
	ok = ok && assert.JSONEq(t, fmt.Sprintf(`{"json":%d}`, i), string(r.JSON.b), "row %d JSON", i)
	ok = ok && assert.Equal(t, esc, r.Value.String(), "row %d Value", i)
	ok = ok && assert.Equal(t, i, r.Nested.I, "row %d Nested", i)
	return ok
}

// TestQueryResultsDoNotAliasReusedMemory (finding 1): 5,000 rows through every destination
// type, read back only after the whole result was decoded. Strings and slices handed out by
// QueryInto, QueryRows, Query with DecodeTable and Row.Values hold what was sent, also for escaped
// strings and values larger than the decoder's buffers.
func TestQueryResultsDoNotAliasReusedMemory(t *testing.T) {
	const n = 5000
	env := newEnv(t)
	tbl := sentineltest.QueryTable{Name: "PrimaryResult", Columns: aliasColumns}
	for i := range n {
		tbl.Rows = append(tbl.Rows, aliasCells(i))
	}
	const kql = "Alias | take 5000"
	env.srv.SetQueryResult(kql, sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}})
	ctx := context.Background()

	t.Run("QueryInto", func(t *testing.T) {
		rows, _, err := sentinel.QueryInto[aliasRow](ctx, env.client, kql, nil)
		require.NoError(t, err)
		require.Len(t, rows, n)
		for i, r := range rows {
			if !checkAliasRow(t, i, r) {
				return
			}
		}
	})
	t.Run("QueryRows", func(t *testing.T) {
		var rows []aliasRow
		for r, err := range sentinel.QueryRows[aliasRow](ctx, env.client, kql, nil) {
			require.NoError(t, err)
			rows = append(rows, r)
		}
		require.Len(t, rows, n)
		for i, r := range rows {
			if !checkAliasRow(t, i, r) {
				return
			}
		}
	})
	t.Run("Query+DecodeTable", func(t *testing.T) {
		res, err := env.client.Query(ctx, kql, nil)
		require.NoError(t, err)
		rows, err := sentinel.DecodeTable[aliasRow](res.PrimaryResult())
		require.NoError(t, err)
		require.Len(t, rows, n)
		for i, r := range rows {
			if !checkAliasRow(t, i, r) {
				return
			}
		}
	})
	t.Run("Row.Values", func(t *testing.T) {
		res, err := env.client.Query(ctx, kql, nil)
		require.NoError(t, err)
		var all [][]any
		for _, row := range res.PrimaryResult().Rows() {
			v, err := row.Values()
			require.NoError(t, err)
			all = append(all, v)
		}
		for i, v := range all {
			c := aliasCells(i)
			if !assert.Equal(t, c[0], v[0], "row %d", i) || !assert.Equal(t, c[2], v[2], "row %d", i) {
				return
			}
		}
	})
}

// utf8Row decodes the invalid-UTF-8 table into each kind of destination.
type utf8Row struct {
	S    string
	SAny any `kql:"SA"`
	D    json.RawMessage
	DMap map[string]any `kql:"DM"`
	U    sentinel.Value
	Text keepText `kql:"T"`
}

// TestQueryInvalidUTF8OneRule (finding 4): invalid UTF-8 in a cell, raw or escaped (a lone
// surrogate), reads as U+FFFD for each bad byte through every accessor: String, Any,
// Dynamic, Decode, Values, DecodeTable and QueryInto, whatever the destination.
func TestQueryInvalidUTF8OneRule(t *testing.T) {
	body := "{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[" +
		"{\"name\":\"S\",\"type\":\"string\"},{\"name\":\"SA\",\"type\":\"string\"},{\"name\":\"D\",\"type\":\"dynamic\"},{\"name\":\"DM\",\"type\":\"dynamic\"}," +
		"{\"name\":\"U\",\"type\":\"newtype\"},{\"name\":\"T\",\"type\":\"string\"}],\"rows\":[" +
		"[\"a\xffb\",\"a\xffb\",\"{\\\"k\\\":\\\"c\xfe\xffd\\\"}\",\"{\\\"k\\\":\\\"c\xfe\xffd\\\"}\",\"e\xfff\",\"t\xff\"]," +
		"[\"\\u00e9\xff\\n\",\"\\u00e9\xff\\n\",\"[\\\"x\xc3\\\"]\",{\"k\":\"c\xfe\xffd\"},\"\\ud800x\",\"\\ud800\"]" +
		"]}]}"
	const r = "\uFFFD"
	wantS := []string{"a" + r + "b", "é" + r + "\n"}
	wantD := []string{`{"k":"c` + r + r + `d"}`, `["x` + r + `"]`}
	wantDM := []map[string]any{{"k": "c" + r + r + "d"}, {"k": "c" + r + r + "d"}}
	wantU := []string{"e" + r + "f", r + "x"}
	wantT := []string{"t" + r, r}

	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	tbl := res.PrimaryResult()
	require.Equal(t, 2, tbl.Len())
	for i := range 2 {
		row := tbl.Row(i)
		assert.Equal(t, wantS[i], row.Value(0).String(), "String")
		s, err := row.Value(0).Any()
		require.NoError(t, err)
		assert.Equal(t, wantS[i], s, "Any")
		assert.Equal(t, wantS[i], row.Get("SA").String(), "String")
		assert.Equal(t, wantD[i], string(row.Get("D").Dynamic()), "Dynamic")
		d, err := row.Get("D").Any()
		require.NoError(t, err)
		assert.Equal(t, wantD[i], string(d.(json.RawMessage)), "Any of dynamic")
		var m map[string]any
		require.NoError(t, row.Get("DM").Decode(&m))
		assert.Equal(t, wantDM[i], m, "Decode")
		assert.Equal(t, wantU[i], row.Get("U").String(), "String of an unknown type")
		assert.Equal(t, wantT[i], row.Get("T").String())
		vals, err := row.Values()
		require.NoError(t, err)
		assert.Equal(t, wantS[i], vals[0], "Values")
	}
	check := func(name string, rows []utf8Row) {
		require.Len(t, rows, 2, name)
		for i, row := range rows {
			assert.Equal(t, wantS[i], row.S, name)
			assert.Equal(t, wantS[i], row.SAny, name)
			assert.Equal(t, wantD[i], string(row.D), name)
			assert.Equal(t, wantDM[i], row.DMap, name)
			assert.Equal(t, wantU[i], row.U.String(), name)
			assert.Equal(t, wantT[i], string(row.Text.b), name)
		}
	}
	rows, err := sentinel.DecodeTable[utf8Row](tbl)
	require.NoError(t, err)
	check("DecodeTable", rows)
	rows, _, err = sentinel.DecodeQueryResponseInto[utf8Row](strings.NewReader(body))
	require.NoError(t, err)
	check("QueryInto", rows)
}

// TestQueryDecodeOfDeepJSONInAStringColumn: a string column's text that is JSON nested
// deeper than 10,000 levels stays a string, and Decode, which reads such text as JSON, fails
// instead of handing back a string.
func TestQueryDecodeOfDeepJSONInAStringColumn(t *testing.T) {
	deep := strings.Repeat("[", 10_001) + strings.Repeat("]", 10_001)
	body := `{"tables":[{"name":"PrimaryResult","columns":[{"name":"S","type":"string"}],"rows":[["` + deep + `"]]}]}`
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	v := res.PrimaryResult().Row(0).Value(0)
	assert.Equal(t, deep, v.String())
	var x any
	err = v.Decode(&x)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "deeper than 10000 levels")
	assert.Nil(t, x)
}
