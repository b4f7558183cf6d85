package sentineltest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/sentineltest"
)

// The fidelity suite: exchanges with the service, written from the API reference, the
// swagger's examples and what was observed of the live service (issue 18), in
// testdata/fidelity/*.json. Each file runs on a fresh emulator; its exchanges run in order,
// so that one creates what the next reads. Each response is compared by status, headers and
// JSON shape: member names, JSON types, null against absent, and the format of strings
// (time layouts, GUIDs, ARM ID patterns with their casing), not values, except at the
// JSON paths an exchange lists as exact.

// fidelityFile is one file of exchanges.
type fidelityFile struct {
	Description string             `json:"description"`
	Setup       fidelitySetup      `json:"setup"`
	Exchanges   []fidelityExchange `json:"exchanges"`
}

// fidelitySetup is state a file needs that the API cannot create.
type fidelitySetup struct {
	// AlertRuleTemplates seeds the built-in templates (SeedAlertRuleTemplates).
	AlertRuleTemplates bool `json:"alertRuleTemplates"`
	// Queries maps a query text to a named answer (see fidelityAnswers).
	Queries map[string]string `json:"queries"`
}

type fidelityExchange struct {
	Name    string `json:"name"`
	Request struct {
		Method string `json:"method"`
		// Path may start with {ws} (the workspace's Microsoft.SecurityInsights path) and
		// contain {workspaceId} (the workspace GUID); it is sent as written otherwise.
		Path    string            `json:"path"`
		Query   string            `json:"query"`
		Headers map[string]string `json:"headers"`
		// Body is sent as it is written, with {ws} replaced in it.
		Body json.RawMessage `json:"body"`
		// Throttle queues a 429 with this Retry-After before the request is sent.
		Throttle string `json:"throttle"`
	} `json:"request"`
	Response struct {
		Status int `json:"status"`
		// Headers are compared by value; "*" means present with any value, "-" absent.
		Headers map[string]string `json:"headers"`
		// Body is the expected shape; when it is absent the body must be empty.
		Body json.RawMessage `json:"body"`
		// Exact lists JSON paths ("/error/code", "/value/*/type") compared by value.
		Exact []string `json:"exact"`
	} `json:"response"`
}

// fidelityAnswers are the query answers a file's setup can name.
var fidelityAnswers = map[string]sentineltest.QueryResponse{
	"table": {Tables: []sentineltest.QueryTable{{Name: "PrimaryResult",
		Columns: []sentineltest.QueryColumn{{Name: "Computer", Type: "string"}, {Name: "Count", Type: "long"}},
		Rows:    [][]any{{"WS-FIN-0142", int64(42)}, {"SRV-DC-01", int64(7)}}}}},
	"syntaxError":   sentineltest.SyntaxError("Query could not be parsed at 'wher' on line [1,16]"),
	"semanticError": sentineltest.SemanticError("'take' operator: Failed to resolve table or column expression named 'Nope'"),
	"partialError": sentineltest.PartialError("Query result set has exceeded the internal record count limit 500000",
		sentineltest.QueryTable{Name: "PrimaryResult", Columns: []sentineltest.QueryColumn{{Name: "TimeGenerated", Type: "datetime"}}, Rows: [][]any{{testClock}}}),
	"noContent": sentineltest.NoContent(),
	"throttled": sentineltest.Throttled("10"),
}

func TestFidelity(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fidelity", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var tally fidelityTally
	defer func() {
		t.Logf("fidelity: %d of %d statuses and %d of %d bodies as the service's", tally.statusOK, tally.statuses, tally.bodyOK, tally.bodies)
	}()
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".json"), func(t *testing.T) {
			raw, err := os.ReadFile(path)
			require.NoError(t, err)
			var f fidelityFile
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&f), "decode %s", path)
			require.NotEmpty(t, f.Exchanges)
			runFidelity(t, f, &tally)
		})
	}
}

// fidelityTally counts the exchanges whose status, and whose body, were the service's.
type fidelityTally struct{ statuses, statusOK, bodies, bodyOK int }

func runFidelity(t *testing.T, f fidelityFile, tally *fidelityTally) {
	w := newWire(t)
	if f.Setup.AlertRuleTemplates {
		w.srv.Data().SeedAlertRuleTemplates()
	}
	for kql, name := range f.Setup.Queries {
		r, ok := fidelityAnswers[name]
		require.True(t, ok, "no query answer named %q", name)
		w.srv.SetQueryResult(kql, r)
	}
	ws := w.srv.Workspace()
	expand := func(s string) string {
		s = strings.ReplaceAll(s, "{ws}", w.wsPath())
		return strings.ReplaceAll(s, "{workspaceId}", ws.CustomerID)
	}
	for i, x := range f.Exchanges {
		name := fmt.Sprintf("%02d %s", i, x.Name)
		q := x.Request
		target := expand(q.Path)
		if q.Query != "" {
			target += "?" + q.Query
		}
		if q.Throttle != "" {
			w.srv.Throttle(1, q.Throttle)
		}
		var body any
		if len(q.Body) > 0 {
			body = expand(string(q.Body))
		}
		var hdr []string
		for k, v := range q.Headers {
			hdr = append(hdr, k, v)
		}
		a := w.do(q.Method, target, body, hdr...)
		want := x.Response
		tally.statuses++
		tally.bodies++
		if !assert.Equal(t, want.Status, a.Status, "%s: status; body %s", name, a.Raw) {
			continue
		}
		tally.statusOK++
		for k, v := range want.Headers {
			got := a.Header.Get(k)
			switch v {
			case "*":
				assert.NotEmpty(t, got, "%s: header %s", name, k)
			case "-":
				assert.Empty(t, got, "%s: header %s", name, k)
			default:
				assert.Equal(t, v, got, "%s: header %s", name, k)
			}
		}
		if len(want.Body) == 0 {
			if assert.Empty(t, string(a.Raw), "%s: the body must be empty", name) {
				tally.bodyOK++
			}
			continue
		}
		var wantBody any
		dec := json.NewDecoder(bytes.NewReader([]byte(expand(string(want.Body)))))
		dec.UseNumber()
		require.NoError(t, dec.Decode(&wantBody), "%s: expected body", name)
		if !assert.NotNil(t, a.JSON, "%s: the body is not JSON: %q", name, a.Raw) {
			continue
		}
		if d := shapeDiff(wantBody, a.JSON, want.Exact); len(d) > 0 {
			t.Errorf("%s: the body differs from the service's:\n\t%s\nbody: %s", name, strings.Join(d, "\n\t"), a.Raw)
			continue
		}
		tally.bodyOK++
	}
}

// shapeDiff compares got with the shape of want and returns the differences, one line each.
// Members at the paths in exact are compared by value as well.
func shapeDiff(want, got any, exact []string) []string {
	var out []string
	compareShape("", want, got, exact, &out)
	return out
}

func compareShape(path string, want, got any, exact []string, out *[]string) {
	where := path
	if where == "" {
		where = "/"
	}
	if matchesAny(path, exact) && !jsonEqual(want, got) {
		*out = append(*out, fmt.Sprintf("%s: value %s, want %s", where, show(got), show(want)))
		return
	}
	if jsonType(want) != jsonType(got) {
		*out = append(*out, fmt.Sprintf("%s: %s %s, want %s", where, jsonType(got), show(got), jsonType(want)))
		return
	}
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, k := range sortedKeys(w) {
			if _, ok := g[k]; !ok {
				*out = append(*out, fmt.Sprintf("%s/%s: absent, want %s", path, k, jsonType(w[k])))
				continue
			}
			compareShape(path+"/"+k, w[k], g[k], exact, out)
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; !ok {
				*out = append(*out, fmt.Sprintf("%s/%s: unexpected member %s", path, k, show(g[k])))
			}
		}
	case []any:
		g := got.([]any)
		switch {
		case len(w) == 0 && len(g) > 0:
			*out = append(*out, fmt.Sprintf("%s: %d items, want none", where, len(g)))
		case len(w) > 0 && len(g) == 0:
			*out = append(*out, fmt.Sprintf("%s: no items, want some", where))
		}
		for i, item := range g {
			if len(w) == 0 {
				break
			}
			compareShape(fmt.Sprintf("%s/%d", path, i), w[min(i, len(w)-1)], item, exact, out)
		}
	case string:
		if fw, fg := stringFormat(w), stringFormat(got.(string)); fw != fg {
			*out = append(*out, fmt.Sprintf("%s: %s %q, want %s like %q", where, fg, got, fw, w))
		}
	case json.Number:
		if !strings.ContainsAny(w.String(), ".eE") && strings.ContainsAny(got.(json.Number).String(), ".eE") {
			*out = append(*out, fmt.Sprintf("%s: %s, want an integer", where, got))
		}
	}
}

func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

func show(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// matchesAny reports whether the JSON path matches one of patterns, where "*" stands for
// any one segment.
func matchesAny(path string, patterns []string) bool {
	segs := strings.Split(path, "/")
	for _, p := range patterns {
		ps := strings.Split(p, "/")
		if len(ps) != len(segs) {
			continue
		}
		ok := true
		for i := range ps {
			ok = ok && (ps[i] == "*" || ps[i] == segs[i])
		}
		if ok {
			return true
		}
	}
	return false
}

var (
	timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// stringFormat names the format of a string value: a date-time with its number of
// fractional digits and its zone form, a GUID, an ARM ID by its pattern (type segments in
// their casing, names elided), a URL, a quoted etag, or plain text.
func stringFormat(s string) string {
	switch {
	case timeRE.MatchString(s):
		m := timeRE.FindStringSubmatch(s)
		digits := max(len(m[1])-1, 0)
		zone := m[2]
		if zone != "Z" {
			zone = "offset " + zone
		}
		return fmt.Sprintf("date-time(%d digits, %s)", digits, zone)
	case guidRE.MatchString(s):
		return "GUID"
	case strings.HasPrefix(s, "/subscriptions/"):
		return "ARM ID " + armPattern(s)
	case strings.HasPrefix(s, "https://"):
		return "URL"
	case len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"':
		return "etag"
	}
	return "text"
}

// armPattern returns an ARM ID with its names replaced by {}: the type segments, provider
// namespaces and "providers" keep their casing, which is part of the service's answer.
func armPattern(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	var b strings.Builder
	for i := 0; i < len(segs); i++ {
		b.WriteByte('/')
		if strings.EqualFold(segs[i], "providers") && i+1 < len(segs) {
			b.WriteString(segs[i] + "/" + segs[i+1])
			i++
			continue
		}
		b.WriteString(segs[i])
		if i+1 < len(segs) {
			b.WriteString("/{}")
			i++
		}
	}
	return b.String()
}

// The comparison itself must catch what the suite is for.
func TestShapeDiff(t *testing.T) {
	num := func(s string) json.Number { return json.Number(s) }
	tests := []struct {
		name      string
		want, got any
		exact     []string
		diff      string // a substring of the one difference expected; "" means none
	}{
		{"same shape, other values", map[string]any{"a": "x", "n": num("1")}, map[string]any{"a": "y", "n": num("2")}, nil, ""},
		{"absent member", map[string]any{"a": nil}, map[string]any{}, nil, "/a: absent"},
		{"extra member", map[string]any{}, map[string]any{"b": true}, nil, "/b: unexpected member"},
		{"null is not empty string", map[string]any{"a": nil}, map[string]any{"a": ""}, nil, "/a: string"},
		{"time zone form", "2026-11-01T10:09:26.1234567+00:00", "2026-11-01T10:09:26.1234567Z", nil, "offset +00:00"},
		{"fraction digits", "2026-11-01T10:09:26.1234567Z", "2026-11-01T10:09:26.123456789Z", nil, "9 digits"},
		{"ARM ID casing", "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/Incidents/i",
			"/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/incidents/i", nil, "/incidents/{}"},
		{"ARM ID names are values", "/subscriptions/s/resourceGroups/g/providers/Microsoft.SecurityInsights/Incidents/a",
			"/subscriptions/t/resourceGroups/h/providers/Microsoft.SecurityInsights/Incidents/b", nil, ""},
		{"integer", num("3"), num("3.5"), nil, "want an integer"},
		{"items", []any{map[string]any{"a": "x"}}, []any{map[string]any{"a": "x"}, map[string]any{"a": num("1")}}, nil, "/1/a: number"},
		{"no items", []any{"x"}, []any{}, nil, "no items"},
		{"exact value", map[string]any{"error": map[string]any{"code": "404"}}, map[string]any{"error": map[string]any{"code": "NotFound"}}, []string{"/error/code"}, `value "NotFound"`},
		{"exact with wildcard", []any{map[string]any{"t": "A"}}, []any{map[string]any{"t": "B"}}, []string{"/*/t"}, `value "B"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shapeDiff(tt.want, tt.got, tt.exact)
			if tt.diff == "" {
				assert.Empty(t, d)
				return
			}
			require.Len(t, d, 1, "%v", d)
			assert.Contains(t, d[0], tt.diff)
		})
	}
}
