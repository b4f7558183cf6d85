package sentinel_test

// Hostile-server suite, part 6: fuzz targets for the error body decoder, the page decoder and
// the filter builder, with benchmarks. They run through a client whose transport answers from
// memory, so the whole response path (guard transport, azcore pipeline, decoders) is fuzzed.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// memTransport answers every request with one canned response and records the last URL.
type memTransport struct {
	mu      sync.Mutex
	status  int
	header  http.Header
	body    []byte
	lastURL *url.URL
}

func (m *memTransport) set(status int, header http.Header, body []byte) {
	m.mu.Lock()
	m.status, m.header, m.body = status, header, body
	m.mu.Unlock()
}

func (m *memTransport) Do(req *http.Request) (*http.Response, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastURL = req.URL
	h := http.Header{}
	for k, v := range m.header {
		h[k] = append([]string(nil), v...)
	}
	return &http.Response{StatusCode: m.status, Status: fmt.Sprintf("%d %s", m.status, http.StatusText(m.status)), Header: h,
		Body: io.NopCloser(bytes.NewReader(m.body)), ContentLength: int64(len(m.body)), Request: req}, nil
}

func memClient(tb testing.TB) (*sentinel.Client, *memTransport) {
	tb.Helper()
	tr := &memTransport{status: 200}
	const ep = "https://management.example.test"
	c, err := sentinel.NewClient(fixtureWorkspace, staticCred{}, &sentinel.ClientOptions{
		ThrottleBudget: -1,
		ClientOptions: azcore.ClientOptions{
			Transport: tr,
			Retry:     policy.RetryOptions{MaxRetries: -1},
			Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
				cloud.ResourceManager: {Endpoint: ep, Audience: ep}, sentinel.LogAnalyticsService: {Endpoint: ep, Audience: ep},
			}},
		},
	})
	require.NoError(tb, err)
	return c, tr
}

var errorBodySeeds = []struct {
	status      int
	contentType string
	body        string
}{
	{404, "application/json", `{"error":{"code":"NotFound","message":"Incident 'x' was not found."}}`},
	{400, "application/json", `{"error":{"code":"BadRequest","message":"outer","target":"properties.title","details":[{"code":"Inner","message":"inner","details":[{"code":"Deeper"}]}],"innererror":{"code":"X","innererror":{"code":"Y"}}}}`},
	{409, "application/json; charset=utf-8", `{"code":"Conflict","message":"top-level shape"}`},
	{429, "application/json", `{"error":{"code":"TooManyRequests","message":"slow down"}}`},
	{502, "text/html", "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"},
	{503, "", ""},
	{500, "application/json", `{"error":null}`},
	{500, "application/json", `{"error":{"code":1,"message":["not","a","string"]}}`},
	{403, "text/plain", "\xff\xfe invalid UTF-8 \xc3"},
	{401, "application/json", `{"error":{"code":"AuthenticationFailed","message":"Bearer sentineltest-token was rejected"}}`},
	{307, "", ""},
	{400, "application/json", `{"error":{"details":[` + strings.Repeat(`{"code":"d","message":"m"},`, 50) + `{}]}}`},
}

// FuzzDecodeErrorBody feeds arbitrary statuses, content types and bodies to the error path:
// the result is always a *ResponseError with a bounded, valid UTF-8 message that never
// contains the bearer token.
func FuzzDecodeErrorBody(f *testing.F) {
	for _, s := range errorBodySeeds {
		f.Add(uint16(s.status), s.contentType, []byte(s.body))
	}
	c, tr := memClient(f)
	f.Fuzz(func(t *testing.T, status uint16, contentType string, body []byte) {
		code := 300 + int(status)%300 // 300-599: every non-success status
		h := http.Header{"X-Ms-Request-Id": {"rid-fuzz"}}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		tr.set(code, h, body)
		_, err := c.GetIncident(context.Background(), "inc", nil)
		var re *sentinel.ResponseError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, code, re.StatusCode)
		assert.Equal(t, "rid-fuzz", re.RequestID)
		msg := err.Error()
		assert.True(t, utf8.ValidString(msg), "valid UTF-8: %q", msg)
		assert.Less(t, len(msg), 64<<10, "bounded")
		assert.LessOrEqual(t, len(re.Details), 32)
		assert.NotContains(t, msg, "sentineltest-token")
		assert.Contains(t, msg, fmt.Sprintf(": %d", code))
	})
}

// TestHostileHugeErrorObject: an error object (under the 1 MiB read limit) with a 256 KiB
// message and 10,000 details.
func TestHostileHugeErrorObject(t *testing.T) {
	c, tr := memClient(t)
	body, _ := json.Marshal(map[string]any{"error": map[string]any{
		"code": strings.Repeat("C", 1000), "message": strings.Repeat("é", 1<<17),
		"details": func() []any {
			d := make([]any, 10_000)
			for i := range d {
				d[i] = map[string]any{"code": "D", "message": fmt.Sprint("detail ", i)}
			}
			return d
		}(),
	}})
	tr.set(400, http.Header{"Content-Type": {"application/json"}}, body)
	_, err := c.GetIncident(context.Background(), "inc", nil)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Len(t, re.Details, 32)
	assert.Len(t, re.ErrorCode, 256+3)
	assert.True(t, strings.HasSuffix(re.Message, "é..."), "cut on a character boundary")
	assert.Less(t, len(err.Error()), 64<<10)
	assert.True(t, utf8.ValidString(err.Error()))
}

func BenchmarkDecodeErrorBody(b *testing.B) {
	c, tr := memClient(b)
	tr.set(400, http.Header{"Content-Type": {"application/json"}}, []byte(errorBodySeeds[1].body))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.GetIncident(ctx, "inc", nil); err == nil {
			b.Fatal("no error")
		}
	}
}

var pageSeeds = []string{
	`{"value":[` + incidentJSON(1) + `,` + incidentJSON(2) + `],"nextLink":"https://management.example.test/next?$skipToken=abc"}`,
	`{"value":[]}`,
	`{"value":null,"nextLink":null}`,
	`{"nextLink":"x"}`,
	`{"value":[{}],"nextLink":"https://evil.example/x"}`,
	`{"error":{"code":"ResourceNotFound","message":"gone"}}`,
	`{"value":[{"properties":{"incidentNumber":99999999999999999999}}]}`,
	`{"value":[` + incidentJSON(1) + `,{"id":`,
	`<html><title>proxy</title></html>`,
	`{"value":[]} trailing`,
	"",
	`[]`,
}

// FuzzDecodeIncidentPage feeds arbitrary bodies to the pager: a page decodes into items
// that re-encode, or fails with a typed error and no items; it never panics or hangs.
func FuzzDecodeIncidentPage(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s))
	}
	c, tr := memClient(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		tr.set(200, http.Header{"Content-Type": {"application/json"}, "X-Ms-Request-Id": {"rid-page"}}, body)
		p := c.ListIncidents(nil)
		items, err := p.NextPage(context.Background())
		if err != nil {
			assert.Nil(t, items)
			assert.False(t, p.More())
			var de *sentinel.DecodeError
			var re *sentinel.ResponseError
			if !errors.As(err, &de) && !errors.As(err, &re) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			assert.True(t, utf8.ValidString(err.Error()))
			assert.Contains(t, err.Error(), "rid-page")
			return
		}
		for _, inc := range items {
			b, err := json.Marshal(inc)
			require.NoError(t, err)
			var again sentinel.Incident
			require.NoError(t, json.Unmarshal(b, &again))
			assert.Equal(t, inc.Name, again.Name)
		}
	})
}

func BenchmarkDecodeIncidentPage(b *testing.B) {
	c, tr := memClient(b)
	var sb strings.Builder
	sb.WriteString(`{"value":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(incidentJSON(i))
	}
	sb.WriteString(`]}`)
	tr.set(200, http.Header{"Content-Type": {"application/json"}}, []byte(sb.String()))
	ctx := context.Background()
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		items, err := c.ListIncidents(nil).NextPage(ctx)
		if err != nil || len(items) != 1000 {
			b.Fatal(err)
		}
	}
}

// odataLiteral reads the OData string literal at the start of s and returns its value and
// the rest of s.
func odataLiteral(s string) (value, rest string, ok bool) {
	if !strings.HasPrefix(s, "'") {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		return b.String(), s[i+1:], true
	}
	return "", "", false
}

// FuzzIncidentFilter: whatever the values, each stays one literal in the expression, and the
// expression reaches the wire unchanged as the one $filter parameter.
func FuzzIncidentFilter(f *testing.F) {
	for _, s := range [][2]string{
		{"O'Brien", "alice@contoso.com"},
		{"'", "''"},
		{"x') or (1 eq 1", "' or 1 eq 1 or '"},
		{"a&b=c#d", "50%+x"},
		{"line\nbreak\ttab", "\x00\xff"},
		{"ünï 日本 🔥", ""},
	} {
		f.Add(s[0], s[1])
	}
	c, tr := memClient(f)
	tr.set(200, http.Header{"Content-Type": {"application/json"}}, []byte(`{"value":[]}`))
	f.Fuzz(func(t *testing.T, title, upn string) {
		filter := sentinel.IncidentFilter{}.TitleContains(title).OwnerUPN(upn).SeverityIn(sentinel.Severity(upn)).String()

		rest, ok := strings.CutPrefix(filter, "contains(properties/title,")
		require.True(t, ok, filter)
		got, rest, ok := odataLiteral(rest)
		require.True(t, ok, filter)
		assert.Equal(t, title, got)
		rest, ok = strings.CutPrefix(rest, ") and properties/owner/userPrincipalName eq ")
		require.True(t, ok, "the title literal ends where it should: %q", filter)
		got, rest, ok = odataLiteral(rest)
		require.True(t, ok, filter)
		assert.Equal(t, upn, got)
		rest, ok = strings.CutPrefix(rest, " and properties/severity eq ")
		require.True(t, ok, filter)
		got, rest, ok = odataLiteral(rest)
		require.True(t, ok, filter)
		assert.Equal(t, upn, got)
		assert.Empty(t, rest)

		_, err := c.ListIncidents(&sentinel.ListIncidentsOptions{Filter: filter}).NextPage(context.Background())
		require.NoError(t, err)
		tr.mu.Lock()
		raw := tr.lastURL.RawQuery
		tr.mu.Unlock()
		q, err := url.ParseQuery(raw)
		require.NoError(t, err)
		assert.Equal(t, []string{filter}, q["$filter"])
		assert.Len(t, q, 3, "api-version, $filter and $top only: %s", raw)
	})
}
