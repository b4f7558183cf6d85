package sentinel_test

// Hostile-server suite, part 4: hostile input (scenario 5) and oversized or odd payloads
// (scenario 6).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// idOps are the incident methods that take an ID, each with the method it sends first.
func idOps() map[string]struct {
	method string
	run    func(ctx context.Context, c *sentinel.Client, id string) error
} {
	inc := sentinel.Incident{IncidentProperties: sentinel.IncidentProperties{Title: "t", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}}
	return map[string]struct {
		method string
		run    func(ctx context.Context, c *sentinel.Client, id string) error
	}{
		"GetIncident": {http.MethodGet, func(ctx context.Context, c *sentinel.Client, id string) error {
			_, err := c.GetIncident(ctx, id, nil)
			return err
		}},
		"DeleteIncident": {http.MethodDelete, func(ctx context.Context, c *sentinel.Client, id string) error {
			return c.DeleteIncident(ctx, id, nil)
		}},
		"CreateOrUpdateIncident": {http.MethodPut, func(ctx context.Context, c *sentinel.Client, id string) error {
			_, err := c.CreateOrUpdateIncident(ctx, id, inc, nil)
			return err
		}},
		"CreateIncident": {http.MethodPut, func(ctx context.Context, c *sentinel.Client, id string) error {
			_, err := c.CreateIncident(ctx, inc.IncidentProperties, &sentinel.CreateIncidentOptions{ID: id})
			return err
		}},
		"UpdateIncident": {http.MethodGet, func(ctx context.Context, c *sentinel.Client, id string) error {
			_, err := c.SetIncidentSeverity(ctx, id, sentinel.SeverityHigh, nil)
			return err
		}},
	}
}

// hostileRejectedIDs are IDs that every method taking an ID must refuse with an
// *ArgumentError before sending anything, by a description.
func hostileRejectedIDs() map[string]string {
	return map[string]string{
		"empty":               "",
		"dot":                 ".",
		"dot dot":             "..",
		"slash":               "a/b",
		"traversal":           "../../../workspaces/other/providers/Microsoft.SecurityInsights/incidents/x",
		"leading slash":       "/x",
		"backslash":           `..\x`,
		"newline":             "a\nb",
		"NUL":                 "a\x00b",
		"DEL":                 "a\x7fb",
		"C1 control":          "a\u0085b",
		"invalid UTF-8":       "a\xffb",
		"10,000 characters":   strings.Repeat("x", 10_000),
		"257 bytes":           strings.Repeat("x", 257),
		"129 two-byte runes":  strings.Repeat("é", 129),
		"trailing dot":        "victim.",
		"trailing space":      "victim ",
		"only spaces":         "   ",
		"dot dot with spaces": ".. ",
	}
}

// hostileEscapedIDs are IDs that are legal and must arrive as exactly one escaped path
// segment: the ID and its escaped form.
func hostileEscapedIDs() map[string]string {
	return map[string]string{
		"a?b":                    "a%3Fb",
		"a#b":                    "a%23b",
		"50%":                    "50%25",
		"%2e%2e":                 "%252e%252e",
		"a%2Fb":                  "a%252Fb",
		"with space":             "with%20space",
		" leading":               "%20leading",
		"ünïcødé":                "%C3%BCn%C3%AFc%C3%B8d%C3%A9",
		"日本語":                    "%E6%97%A5%E6%9C%AC%E8%AA%9E",
		"a／b":                    "a%EF%BC%8Fb", // fullwidth solidus
		"a∕b":                    "a%E2%88%95b", // division slash
		"..a":                    "..a",
		"a..b":                   "a..b",
		".hidden":                ".hidden",
		"a;b,c":                  "a%3Bb%2Cc",
		"a:b@c":                  "a:b@c",
		"a+b&c=d$":               "a+b&c=d$",
		"'quoted'":               "%27quoted%27",
		`"dq"`:                   "%22dq%22",
		"<script>":               "%3Cscript%3E",
		"emoji🔥":                 "emoji%F0%9F%94%A5",
		strings.Repeat("x", 256): strings.Repeat("x", 256),
	}
}

func TestHostileIDsNeverReachAnotherResource(t *testing.T) {
	rejected, escaped := hostileRejectedIDs(), hostileEscapedIDs()
	ctx := context.Background()
	for opName, op := range idOps() {
		t.Run(opName, func(t *testing.T) {
			env := newEnv(t)
			for name, id := range rejected {
				if id == "" && opName == "CreateIncident" {
					continue // "" asks for a new GUID
				}
				err := op.run(ctx, env.client, id)
				var ae *sentinel.ArgumentError
				require.ErrorAs(t, err, &ae, "%s: %q", name, truncate(id, 40))
				assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
				assert.Contains(t, []string{"id", "CreateIncidentOptions.ID"}, ae.Name)
				assert.True(t, utf8.ValidString(err.Error()), "the message is valid UTF-8")
				assert.Less(t, len(err.Error()), 400, "the message does not repeat a 10,000-character ID")
			}
			assert.Zero(t, env.srv.RequestCount(), "nothing is sent for a rejected ID")

			for id, want := range escaped {
				env.srv.ResetRequests()
				err := op.run(ctx, env.client, id)
				reqs := env.srv.Requests()
				require.NotEmpty(t, reqs, id)
				assert.Equal(t, op.method, reqs[0].Method)
				assert.Equal(t, "/arm"+wsPath+"/incidents/"+want, reqs[0].Path, "id %q", id)
				assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, reqs[0].RawQuery, "nothing of the ID leaks into the query")
				switch op.method {
				case http.MethodPut: // created under exactly that name
					require.NoError(t, err, id)
					got, err := env.client.GetIncident(ctx, id, nil)
					require.NoError(t, err, id)
					assert.Equal(t, id, got.Name)
					require.NoError(t, env.client.DeleteIncident(ctx, id, nil))
				case http.MethodDelete:
					require.NoError(t, err)
				default:
					assert.ErrorIs(t, err, sentinel.ErrNotFound, id)
				}
			}
		})
	}
}

// TestHostileFilterValues: values with quotes and URL metacharacters stay literal, both in
// the OData expression and in the query string.
func TestHostileFilterValues(t *testing.T) {
	env := newEnv(t)
	titles := []string{
		"O'Brien's laptop",
		"'",
		"''",
		"x') or (1 eq 1",
		"a&b=c",
		"50% off",
		"x+y",
		"#tag",
		"line\nbreak",
		"tab\there",
		`back\slash`,
		"ünï 日本 🔥",
		"$filter=foo",
	}
	ids := map[string]string{}
	for _, title := range titles {
		ids[title] = env.srv.CreateIncident(map[string]any{"title": "[" + title + "]", "severity": "High", "status": "New"})
	}
	env.srv.CreateIncident(map[string]any{"title": "unrelated", "severity": "Low", "status": "New"})
	ctx := context.Background()
	for _, title := range titles {
		t.Run(fmt.Sprintf("%q", title), func(t *testing.T) {
			f := sentinel.IncidentFilter{}.TitleContains("[" + title + "]")
			env.srv.ResetRequests()
			got, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Filter: f.String()}).Collect(ctx, 0)
			require.NoError(t, err)
			require.Len(t, got, 1, "exactly the incident with that title")
			assert.Equal(t, ids[title], got[0].Name)
			assert.Equal(t, "["+title+"]", got[0].Title)

			reqs := env.srv.Requests()
			require.Len(t, reqs, 1)
			q, err := url.ParseQuery(reqs[0].RawQuery)
			require.NoError(t, err)
			assert.Equal(t, []string{f.String()}, q["$filter"], "the filter arrives as built")
			assert.Equal(t, []string{sentinel.DefaultAPIVersion}, q["api-version"])
			assert.Len(t, q, 3, "no parameter injected: %s", reqs[0].RawQuery)
		})
	}
	// An injection attempt through the owner filter matches nothing.
	got, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{
		Filter: sentinel.IncidentFilter{}.OwnerUPN("x' or properties/severity eq 'High").String(),
	}).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, got)
}

// heapSampler records the peak heap in use while it runs.
type heapSampler struct {
	stop chan struct{}
	done chan struct{}
	peak atomic.Uint64
	base uint64
}

func sampleHeap() *heapSampler {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{}), base: m.HeapAlloc}
	h.peak.Store(m.HeapAlloc)
	go func() {
		defer close(h.done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > h.peak.Load() {
				h.peak.Store(m.HeapAlloc)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// Stop returns the peak heap above the starting point, in bytes.
func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load() - h.base
}

func TestHostileTenThousandLabels(t *testing.T) {
	env := newEnv(t)
	labels := make([]any, 10_000)
	for i := range labels {
		labels[i] = map[string]any{"labelName": fmt.Sprintf("label-%05d", i), "labelType": "AutoAssigned"}
	}
	id := env.srv.CreateIncident(map[string]any{"title": "label storm", "severity": "High", "status": "New", "labels": labels})
	body, _ := json.Marshal(env.srv.Incident(id))
	ctx := context.Background()

	h := sampleHeap()
	inc, err := env.client.GetIncident(ctx, id, nil)
	peak := h.Stop()
	require.NoError(t, err)
	require.Len(t, inc.Labels, 10_000)
	assert.Equal(t, sentinel.IncidentLabel{Name: "label-09999", Type: sentinel.LabelTypeAutoAssigned}, inc.Labels[9999])
	t.Logf("GetIncident with 10,000 labels: body %d KiB, peak heap +%d KiB", len(body)>>10, peak>>10)
	assert.Less(t, peak, uint64(16<<20), "decoding a %d KiB body must not take more than 16 MiB", len(body)>>10)

	// Adding 10,000 more labels and removing 5,000 is one read-modify-write, in linear time.
	add := make([]string, 10_000)
	for i := range add {
		add[i] = fmt.Sprintf("new-%05d", i)
	}
	var remove []string
	for i := 0; i < 10_000; i += 2 {
		remove = append(remove, fmt.Sprintf("label-%05d", i))
	}
	start := time.Now()
	h = sampleHeap()
	upd, err := env.client.UpdateIncident(ctx, id, sentinel.IncidentUpdate{AddLabels: add, RemoveLabels: remove}, nil)
	peak = h.Stop()
	require.NoError(t, err)
	assert.Len(t, upd.Labels, 15_000)
	assert.Equal(t, "label-00001", upd.Labels[0].Name)
	assert.Equal(t, "new-09999", upd.Labels[14_999].Name)
	t.Logf("UpdateIncident to 15,000 labels: %v, peak heap +%d KiB", time.Since(start), peak>>10)

	// A page of 20 such incidents.
	for range 19 {
		env.srv.CreateIncident(map[string]any{"title": "label storm", "severity": "High", "status": "New", "labels": labels})
	}
	// Live heap (after a GC) at the first item of each page: the pager keeps one page.
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	before, maxLive := m.HeapAlloc, uint64(0)
	n := 0
	for inc, err := range env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 5}).All(ctx) {
		require.NoError(t, err)
		require.Len(t, inc.Labels, map[bool]int{true: 15_000, false: 10_000}[inc.Name == id])
		if n%5 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&m)
			maxLive = max(maxLive, m.HeapAlloc-min(m.HeapAlloc, before))
		}
		n++
	}
	assert.Equal(t, 20, n)
	t.Logf("listing 20 incidents of 10,000 labels, 5 per page: live heap at most +%d KiB", maxLive>>10)
	assert.Less(t, maxLive, uint64(24<<20), "the pager keeps one page of about 2.7 MiB of JSON")
}

// oddServer answers every GET with one incident body (get) or a page of it (list).
func oddServer(t *testing.T, incident string) (*sentinel.Client, *sync.Mutex, *[]string) {
	var mu sync.Mutex
	var puts []string
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("x-ms-request-id", "rid-odd")
		switch {
		case r.Method == http.MethodPut:
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			puts = append(puts, string(b))
			mu.Unlock()
			_, _ = w.Write(b)
		case strings.HasSuffix(r.URL.Path, "/incidents"):
			_, _ = w.Write([]byte(`{"value":[` + incidentJSON(1) + `,` + incident + `]}`))
		default:
			_, _ = w.Write([]byte(incident))
		}
	})
	return c, &mu, &puts
}

func TestHostileOddPayloads(t *testing.T) {
	nested := func(depth int) string { return strings.Repeat("[", depth) + strings.Repeat("]", depth) }
	const base = `"id":"x/inc","name":"inc","etag":"\"1\"","properties":{"title":"t","severity":"High","status":"New",`
	tests := []struct {
		name string
		body string
		// wantErr is a substring of the DecodeError; "" means the incident decodes.
		wantErr string
		check   func(t *testing.T, inc sentinel.Incident)
	}{
		{name: "incident number beyond int64", body: `{` + base + `"incidentNumber":99999999999999999999}}`,
			wantErr: `/properties/incidentNumber`},
		{name: "count beyond int", body: `{` + base + `"additionalData":{"alertsCount":1e400}}}`,
			wantErr: `/properties/additionalData/alertsCount`},
		{name: "negative zero and exponent in unknown numbers", body: `{` + base + `"score":-0.0e-0,"big":123456789012345678901234567890.5e300}}`,
			check: func(t *testing.T, inc sentinel.Incident) {
				assert.Equal(t, "123456789012345678901234567890.5e300", string(sentinel.UnknownMembers(inc.IncidentProperties.Unknown)["big"]), "kept byte for byte")
				assert.Equal(t, "-0.0e-0", string(sentinel.UnknownMembers(inc.IncidentProperties.Unknown)["score"]))
			}},
		{name: "unknown property nested 500 deep", body: `{` + base + `"deep":` + nested(500) + `}}`,
			check: func(t *testing.T, inc sentinel.Incident) {
				assert.Equal(t, nested(500), string(sentinel.UnknownMembers(inc.IncidentProperties.Unknown)["deep"]))
			}},
		{name: "unknown property nested 100,000 deep", body: `{` + base + `"deep":` + nested(100_000) + `}}`,
			wantErr: "exceeded max depth"},
		{name: "invalid UTF-8 in the title", body: "{" + base[:len(base)-1] + `,"description":"caf` + "\xe9" + ` au lait` + "\xff\xfe" + `"}}`,
			check: func(t *testing.T, inc sentinel.Incident) {
				assert.True(t, utf8.ValidString(inc.Description), "decoded as valid UTF-8: %q", inc.Description)
				assert.Equal(t, "caf\uFFFD au lait\uFFFD\uFFFD", inc.Description)
			}},
		{name: "lone surrogate escape", body: `{` + base + `"description":"\ud800x"}}`,
			check: func(t *testing.T, inc sentinel.Incident) { assert.Equal(t, "\uFFFDx", inc.Description) }},
		{name: "duplicate names: the last wins", body: `{` + base + `"severity":"Low"}}`,
			check: func(t *testing.T, inc sentinel.Incident) { assert.Equal(t, sentinel.SeverityLow, inc.Severity) }},
		{name: "nulls for every known field", body: `{"id":null,"name":"inc","etag":null,"properties":{"title":null,"severity":null,"status":null,"labels":null,"owner":null,"additionalData":null,"createdTimeUtc":null,"incidentNumber":null}}`,
			check: func(t *testing.T, inc sentinel.Incident) {
				assert.Equal(t, "inc", inc.Name)
				assert.Zero(t, inc.Number)
				assert.True(t, inc.CreatedTime.IsZero())
			}},
		{name: "wrong type for a known field", body: `{` + base + `"labels":"phishing"}}`, wantErr: `/properties/labels`},
		{name: "a label that is not an object", body: `{` + base + `"labels":[{"labelName":"a"},"phishing"]}}`, wantErr: `/properties/labels/1`},
		{name: "time that is not a time", body: `{` + base + `"createdTimeUtc":"yesterday"}}`, wantErr: `yesterday`},
		{name: "a 1 MiB title", body: `{` + base + `"description":"` + strings.Repeat("é", 1<<19) + `"}}`,
			check: func(t *testing.T, inc sentinel.Incident) { assert.Len(t, inc.Description, 1<<20) }},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, mu, puts := oddServer(t, tt.body)
			inc, getErr := c.GetIncident(ctx, "inc", nil)
			items, listErr := c.ListIncidents(nil).Collect(ctx, 0)
			if tt.wantErr != "" {
				for _, err := range []error{getErr, listErr} {
					var de *sentinel.DecodeError
					require.ErrorAs(t, err, &de)
					assert.Contains(t, err.Error(), tt.wantErr)
					assert.Equal(t, "rid-odd", de.RequestID)
					assert.True(t, utf8.ValidString(err.Error()))
					assert.Less(t, len(err.Error()), 1000)
				}
				assert.Contains(t, listErr.Error(), "item 1:", "the error names the item")
				assert.Empty(t, items, "no partial page")
				return
			}
			require.NoError(t, getErr)
			require.NoError(t, listErr)
			require.Len(t, items, 2)
			tt.check(t, inc)
			tt.check(t, items[1])

			// What was read is written back unchanged by an update.
			if inc.Title == "" {
				return
			}
			_, err := c.CreateOrUpdateIncident(ctx, "inc", inc, nil)
			require.NoError(t, err)
			mu.Lock()
			sent := (*puts)[len(*puts)-1]
			mu.Unlock()
			for name, raw := range sentinel.UnknownMembers(inc.IncidentProperties.Unknown) {
				assert.Contains(t, sent, `"`+name+`":`+string(raw), "unknown property %s sent back as read", name)
			}
		})
	}
}
