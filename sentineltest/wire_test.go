package sentineltest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/sentineltest"
)

// wire sends raw requests to an emulator, as a client of the service would, so that the
// emulator's tests depend on nothing but the wire.
type wire struct {
	t   *testing.T
	srv *sentineltest.Server
}

// testClock is the emulator clock of the wire tests: its nanoseconds need all nine digits,
// so that a time written with more or fewer fractional digits than the service's shows.
var testClock = time.Date(2026, 11, 1, 10, 9, 26, 123456789, time.UTC)

func newWire(t *testing.T, opts ...sentineltest.Option) *wire {
	t.Helper()
	srv := sentineltest.NewServer(append([]sentineltest.Option{sentineltest.WithClock(func() time.Time { return testClock })}, opts...)...)
	t.Cleanup(srv.Close)
	return &wire{t: t, srv: srv}
}

// with returns the wire for a subtest: failures are reported to t.
func (w *wire) with(t *testing.T) *wire {
	c := *w
	c.t = t
	return &c
}

// wsPath is the ARM path of the default workspace's Microsoft.SecurityInsights provider.
func (w *wire) wsPath() string {
	ws := w.srv.Workspace()
	return "/subscriptions/" + ws.SubscriptionID + "/resourceGroups/" + ws.ResourceGroup +
		"/providers/Microsoft.OperationalInsights/workspaces/" + ws.Name + "/providers/Microsoft.SecurityInsights"
}

// answer is a response as read from the wire.
type answer struct {
	Status int
	Header http.Header
	Raw    []byte
	// JSON is the decoded body (numbers as json.Number), nil when it is not JSON.
	JSON any
}

// obj returns the body as an object, failing the test when it is not one.
func (a answer) obj(t *testing.T) map[string]any {
	t.Helper()
	m, ok := a.JSON.(map[string]any)
	require.True(t, ok, "body is not a JSON object: %q", a.Raw)
	return m
}

// do sends method to target: "{ws}" at its start is replaced by wsPath, a target without a
// query gets ?api-version=2023-02-01, and body is JSON-encoded unless it is a string.
func (w *wire) do(method, target string, body any, header ...string) answer {
	w.t.Helper()
	target = strings.Replace(target, "{ws}", w.wsPath(), 1)
	if !strings.Contains(target, "?") && !strings.HasPrefix(target, "/v1/") {
		target += "?api-version=2023-02-01"
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(w.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, w.srv.URL()+target, rd)
	require.NoError(w.t, err)
	req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := w.srv.HTTPClient().Do(req)
	require.NoError(w.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(w.t, err)
	a := answer{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if len(raw) > 0 && dec.Decode(&v) == nil {
		a.JSON = v
	}
	return a
}

// must sends like do and requires the status.
func (w *wire) must(status int, method, target string, body any, header ...string) answer {
	w.t.Helper()
	a := w.do(method, target, body, header...)
	require.Equal(w.t, status, a.Status, "%s %s: %s", method, target, a.Raw)
	return a
}

// at returns the value at a slash-separated path of members in v, and whether it is present.
func at(v any, path string) (any, bool) {
	for _, k := range strings.Split(strings.Trim(path, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}
