package sentinel_test

// Hostile-server suite, part 3: server faults (scenario 3) and slow servers (scenario 4).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// faultOp is a call that a fault can hit: a single GET, or the second page of a listing.
type faultOp struct {
	name string
	// match selects the request the faults apply to.
	match func(*http.Request) bool
	// run performs the call and returns the incident names it read.
	run func(ctx context.Context, env *testEnv) ([]string, error)
}

func faultOps(id string) []faultOp {
	return []faultOp{
		{"get", nil, func(ctx context.Context, env *testEnv) ([]string, error) {
			inc, err := env.client.GetIncident(ctx, id, nil)
			if err != nil {
				return nil, err
			}
			return []string{inc.Name}, nil
		}},
		{"second page", func(r *http.Request) bool { return r.URL.Query().Get("$skipToken") != "" },
			func(ctx context.Context, env *testEnv) ([]string, error) {
				items, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 3}).Collect(ctx, 0)
				return nameList(items), err
			}},
	}
}

// seeded makes an emulator with 5 incidents.
func seeded(t *testing.T) (*testEnv, []string) {
	env := newEnv(t)
	names := env.srv.SeedIncidents(5)
	return env, names
}

func TestHostileServerErrorBursts(t *testing.T) {
	for _, status := range []int{500, 502, 503, 504} {
		for _, burst := range []int{1, 3, 4} {
			for _, opName := range []string{"get", "second page"} {
				t.Run(fmt.Sprintf("%d x%d %s", status, burst, opName), func(t *testing.T) {
					env, names := seeded(t)
					var op faultOp
					for _, o := range faultOps(names[0]) {
						if o.name == opName {
							op = o
						}
					}
					env.srv.Fail(sentineltest.Fault{Status: status, Times: burst, Match: op.match})
					got, err := op.run(context.Background(), env)
					if burst <= 3 { // azcore's default: 3 retries
						require.NoError(t, err)
						if opName == "get" {
							assert.Equal(t, names[:1], got)
						} else {
							assert.Equal(t, names, got, "nothing lost or doubled by the retries")
						}
						return
					}
					require.ErrorIs(t, err, sentinel.ErrServer)
					var re *sentinel.ResponseError
					require.ErrorAs(t, err, &re)
					assert.Equal(t, status, re.StatusCode)
					assert.NotEmpty(t, re.RequestID)
					assert.Contains(t, err.Error(), fmt.Sprintf(": %d ", status))
					assert.Contains(t, err.Error(), "(request ID "+re.RequestID+")")
					assert.Zero(t, env.srv.PendingFaults())
				})
			}
		}
	}
}

func TestHostileBrokenResponses(t *testing.T) {
	const rid = "rid-broken"
	ridH := func(h http.Header) http.Header {
		if h == nil {
			h = http.Header{}
		}
		h.Set("X-Ms-Request-Id", rid)
		return h
	}
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	// fc is what a case needs to build its faults.
	type fc struct {
		env   *testEnv
		names []string
		op    string
		m     func(*http.Request) bool
	}
	one := func(f sentineltest.Fault) func(fc) []sentineltest.Fault {
		return func(c fc) []sentineltest.Fault { f.Match = c.m; return []sentineltest.Fault{f} }
	}
	tests := []struct {
		name   string
		faults func(fc) []sentineltest.Fault
		// wantDecode is a substring of a *DecodeError's message; wantStatus the status of a
		// *ResponseError; all empty means success.
		wantDecode string
		wantStatus int
		wantCode   string
		wantIs     error
	}{
		{name: "reset before the response, once", faults: one(sentineltest.Fault{Action: sentineltest.Reset})},
		{name: "reset mid-body, once", faults: one(sentineltest.Fault{Action: sentineltest.Truncate})},
		{name: "reset mid-body, three times", faults: one(sentineltest.Fault{Action: sentineltest.Truncate, Times: 3})},
		{name: "reset mid-body, every time", faults: one(sentineltest.Fault{Action: sentineltest.Truncate, Times: 100}),
			wantDecode: "the connection failed while reading the body"},
		{name: "truncated JSON in a complete response", faults: one(sentineltest.Fault{Status: 200, Header: ridH(nil),
			Body: `{"value":[{"id":"x","name":"a","properties":{"title":"cut`}), wantDecode: "unexpected EOF"},
		{name: "200 with an ARM error object", faults: one(sentineltest.Fault{Status: 200, Header: ridH(nil),
			Body: `{"error":{"code":"ResourceNotFound","message":"The workspace was deleted."}}`}),
			wantStatus: 200, wantCode: "ResourceNotFound", wantIs: sentinel.ErrNotFound},
		{name: "200 JSON labelled text/plain", faults: func(c fc) []sentineltest.Fault {
			var body []byte
			if c.op == "get" {
				body, _ = json.Marshal(c.env.srv.Incident(c.names[0]))
			} else {
				body, _ = json.Marshal(map[string]any{"value": []any{c.env.srv.Incident(c.names[3]), c.env.srv.Incident(c.names[4])}})
			}
			return []sentineltest.Fault{{Status: 200, Match: c.m, Header: http.Header{"Content-Type": {"text/plain"}}, Body: string(body)}}
		}},
		{name: "200 HTML labelled application/json", faults: one(sentineltest.Fault{Status: 200, Header: ridH(http.Header{"Content-Type": {"application/json"}}),
			Body: "<html><head><title>Access denied by corporate proxy</title></head></html>"}),
			wantDecode: "non-JSON body (application/json): Access denied by corporate proxy"},
		{name: "200 HTML page from a proxy", faults: one(sentineltest.Fault{Status: 200, Header: ridH(html),
			Body: "\n  <!DOCTYPE html><html><head><title>Sign in to Wi-Fi</title></head><body>" + strings.Repeat("x", 5000) + "</body></html>"}),
			wantDecode: "non-JSON body (text/html; charset=utf-8): Sign in to Wi-Fi"},
		{name: "200 empty", faults: one(sentineltest.Fault{Status: 200, Header: ridH(nil), Body: "-"}), wantDecode: "empty body"},
		{name: "200 JSON array", faults: one(sentineltest.Fault{Status: 200, Header: ridH(nil), Body: `[1,2,3]`}), wantDecode: "JSON object"},
		{name: "200 with trailing garbage", faults: one(sentineltest.Fault{Status: 200, Header: ridH(nil), Body: `{"value":[]} <html>`}),
			wantDecode: "unexpected data after the JSON object"},
		{name: "502 HTML page from a proxy, persistent", faults: one(sentineltest.Fault{Status: 502, Times: 4, Header: html,
			Body: "<html><title>502 Bad Gateway</title><body>nginx</body></html>"}), wantStatus: 502, wantIs: sentinel.ErrServer},
		{name: "204 to a GET", faults: one(sentineltest.Fault{Status: 204, Header: ridH(nil), Body: "-"}), wantStatus: 204},
	}
	for _, tt := range tests {
		for _, opName := range []string{"get", "second page"} {
			t.Run(tt.name+"/"+opName, func(t *testing.T) {
				env := newEnv(t)
				names := env.srv.SeedIncidents(5)
				op := faultOps(names[0])[map[string]int{"get": 0, "second page": 1}[opName]]
				env.srv.Fail(tt.faults(fc{env: env, names: names, op: opName, m: op.match})...)
				got, err := op.run(context.Background(), env)
				switch {
				case tt.wantDecode != "":
					var de *sentinel.DecodeError
					require.ErrorAs(t, err, &de)
					assert.Contains(t, err.Error(), tt.wantDecode)
					assert.Equal(t, http.StatusOK, de.StatusCode)
					assert.Contains(t, err.Error(), "(request ID ", "the request ID, when the response has one")
				case tt.wantStatus != 0:
					var re *sentinel.ResponseError
					require.ErrorAs(t, err, &re)
					assert.Equal(t, tt.wantStatus, re.StatusCode)
					assert.Equal(t, tt.wantCode, re.ErrorCode)
					if tt.wantIs != nil {
						assert.ErrorIs(t, err, tt.wantIs)
					}
				default:
					require.NoError(t, err)
					if opName == "get" {
						assert.Equal(t, names[:1], got)
					} else {
						assert.Equal(t, names, got, "each incident once")
					}
					assert.Zero(t, env.srv.PendingFaults())
					return
				}
				if opName == "second page" {
					assert.Equal(t, names[:3], got, "the first page with the error; a failed page is never hidden")
				}
			})
		}
	}
}

// TestHostileEndlessBodies: a server that never stops sending is cut off by size, not by
// memory running out.
func TestHostileEndlessBodies(t *testing.T) {
	tests := []struct {
		name   string
		status int
		prefix string
		get    bool
		want   string
	}{
		{"error body", 400, `{"error":{"code":"BadRequest","message":"`, true, ""},
		{"error body on a page", 500, `<html><title>oops</title>`, false, ""},
		{"single resource", 200, `{"id":"x","properties":{"title":"`, true, "exceeds"},
		{"page with endless items", 200, `{"value":[`, false, "exceeds"},
		{"page with endless tiny items", 200, `{"value":[{},`, false, "more than 50000 items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			restore := sentinel.SetBodyLimit(4 << 20)
			defer restore()
			c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.prefix))
				chunk := []byte(strings.Repeat("a", 32<<10))
				switch tt.prefix {
				case `{"value":[`:
					chunk = []byte(strings.Repeat(`{"name":"`+strings.Repeat("n", 200)+`","properties":{}},`, 1<<8))
				case `{"value":[{},`:
					chunk = []byte(strings.Repeat(`{},`, 1<<12))
				}
				for r.Context().Err() == nil {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			var err error
			if tt.get {
				_, err = c.GetIncident(ctx, "x", nil)
			} else {
				_, err = c.ListIncidents(nil).NextPage(ctx)
			}
			require.Error(t, err)
			assert.NoError(t, ctx.Err(), "cut off by size, not by the deadline")
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			t.Logf("%s: %v after %v; %d MiB allocated", tt.name, truncate(err.Error(), 300), time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20)
			if tt.want != "" {
				var de *sentinel.DecodeError
				require.ErrorAs(t, err, &de)
				assert.Contains(t, err.Error(), tt.want)
				return
			}
			var re *sentinel.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.status, re.StatusCode)
			assert.Less(t, len(err.Error()), 2000, "the message quotes a bounded part of the body")
		})
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// settleGoroutines waits until the number of goroutines is at most want, and returns the
// last count.
func settleGoroutines(want int) int {
	deadline := time.Now().Add(5 * time.Second)
	n := runtime.NumGoroutine()
	for n > want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		n = runtime.NumGoroutine()
	}
	return n
}

// TestHostileSlowServer: a response that trickles forever, or never starts, ends at the
// caller's deadline plus a small margin, and leaves no goroutine behind.
func TestHostileSlowServer(t *testing.T) {
	const deadline = 150 * time.Millisecond
	const margin = time.Second
	env := newEnv(t)
	names := env.srv.SeedIncidents(5)
	tr := env.srv.HTTPClient().Transport.(*http.Transport)

	// Warm up: the first TLS connection, the emulator's goroutines.
	_, err := env.client.GetIncident(context.Background(), names[0], nil)
	require.NoError(t, err)
	tr.CloseIdleConnections()
	base := settleGoroutines(0)

	ops := map[string]func(ctx context.Context) error{
		"get": func(ctx context.Context) error { _, err := env.client.GetIncident(ctx, names[0], nil); return err },
		"list": func(ctx context.Context) error {
			_, err := env.client.ListIncidents(nil).Collect(ctx, 0)
			return err
		},
		"update": func(ctx context.Context) error {
			_, err := env.client.SetIncidentSeverity(ctx, names[1], sentinel.SeverityHigh, nil)
			return err
		},
		"watcher": func(ctx context.Context) error {
			w, err := env.client.NewIncidentWatcher(&sentinel.WatchOptions{Since: 72 * time.Hour})
			if err != nil {
				return err
			}
			return w.Run(ctx, func(context.Context, sentinel.Incident) error { return nil })
		},
	}
	for _, mode := range []string{"trickle", "no headers"} {
		for name, op := range ops {
			t.Run(mode+"/"+name, func(t *testing.T) {
				for range 3 {
					env.srv.ClearFaults()
					env.srv.SetLatency(0)
					if mode == "trickle" {
						env.srv.Fail(sentineltest.Fault{Action: sentineltest.Stall, Times: 1000})
					} else {
						env.srv.SetLatency(time.Hour)
					}
					ctx, cancel := context.WithTimeout(context.Background(), deadline)
					start := time.Now()
					err := op(ctx)
					elapsed := time.Since(start)
					cancel()
					require.Error(t, err)
					assert.True(t, errors.Is(err, context.DeadlineExceeded), "%T %v", err, err)
					assert.Less(t, elapsed, deadline+margin)
				}
				env.srv.ClearFaults()
				env.srv.SetLatency(0)
				tr.CloseIdleConnections()
				n := settleGoroutines(base + 2)
				assert.LessOrEqual(t, n, base+2, "goroutines leaked: %d before, %d after", base, n)
			})
		}
	}
}
