package sentinel_test

// Hostile-server suite, part 7: oversized payloads of the resources added since the first
// part (scenario 6): an incident with 20,000 entities, and a KQL result at the service's
// 500,000-row limit, each decoded with bounded memory.

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// manyEntities returns a JSON array of n entities made from the realistic ones of
// SeedIncidentDetails (all 21 kinds, an unknown kind, malformed properties), copied with
// their IDs, names, host and user made unique per copy so that the copies are different
// real-world entities whose references resolve within the copy.
func manyEntities(t *testing.T, env *testEnv, n int) []byte {
	t.Helper()
	seed := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(seed))
	res, err := env.client.ListEntities(seed, nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.NotEmpty(t, res)
	var b bytes.Buffer
	b.WriteByte('[')
	for i := 0; i < n; i++ {
		e := res[i%len(res)]
		k := i / len(res)
		raw := marshal(t, e)
		raw = bytes.ReplaceAll(raw, []byte(`"name":"`+e.Envelope().Name+`"`), fmt.Appendf(nil, `"name":"c%d-%s"`, k, e.Envelope().Name))
		raw = bytes.ReplaceAll(raw, []byte("/Entities/"), fmt.Appendf(nil, "/Entities/c%d-", k))
		raw = bytes.ReplaceAll(raw, []byte("WS-FIN-0142"), fmt.Appendf(nil, "WS-FIN-%04d", k))
		raw = bytes.ReplaceAll(raw, []byte("alice.jones"), fmt.Appendf(nil, "alice.jones%d", k))
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw)
	}
	b.WriteByte(']')
	return b.Bytes()
}

func TestHostileTwentyThousandEntities(t *testing.T) {
	const n = 20_000
	env := newEnv(t)
	arr := manyEntities(t, env, n)
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SetIncidentEntities(inc, arr))
	ctx := context.Background()

	// Warm up the connection outside the measurement.
	_, err := env.client.GetIncident(ctx, inc, nil)
	require.NoError(t, err)
	env.srv.ResetRequests()

	// Its time and memory are measured by BenchmarkListEntitiesHeap.
	res, err := env.client.ListEntities(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, res, n)

	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/entities", reqs[0].Path)

	kinds := map[sentinel.EntityKind]int{}
	for _, e := range res {
		kinds[e.Kind()]++
	}
	for _, k := range sentinel.PossibleEntityKindValues() {
		assert.Positive(t, kinds[k], "kind %s", k)
	}
	total := 0
	for _, c := range sentinel.EntityCounts(res) {
		total += c.Count
		assert.Equal(t, kinds[c.Kind], c.Count, c.Kind)
	}
	assert.Equal(t, n, total)
	last := res[n-1]
	assert.Contains(t, last.Envelope().ID, fmt.Sprintf("/Entities/c%d-", (n-1)/29))
	assert.True(t, bytes.HasSuffix(arr, append(marshal(t, last), ']')), "the last entity writes the JSON it was read from")

	enriched := sentinel.EnrichEntities(res)
	hosts := 0
	for _, e := range enriched {
		if e.Kind == sentinel.EntityKindHost {
			hosts++
		}
	}
	assert.Equal(t, 1, hosts, "the copies share the host's agent ID, so they are one host")
	assert.Less(t, len(enriched), n)
}

// bigQueryUsers and bigQueryResults are the values of the rows of bigQueryBody.
var (
	bigQueryUsers   = []string{"alice.jones", "bob.smith", "carol.white", "dave.brown", "erin.green", "svc-backup", "frank.miller"}
	bigQueryResults = []string{"0", "0", "0", "50126", "50074", "53003"}
	bigQueryDevices = []string{
		`"{\"operatingSystem\":\"Windows 10\",\"isCompliant\":true}"`, // as the service sends dynamic values
		`{"operatingSystem":"MacOs","isCompliant":false}`,
		`null`,
	}
)

// bigQueryBody returns a query response of one table of n sign-ins, the newest first, one
// every 100 ms before end; row i has DurationMs i, and a DeviceDetail only when i%1000 < 3.
func bigQueryBody(n int, end time.Time) string {
	var b strings.Builder
	b.Grow(n*100 + 512)
	b.WriteString(`{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},` +
		`{"name":"UserPrincipalName","type":"string"},{"name":"ResultType","type":"string"},` +
		`{"name":"DurationMs","type":"long"},{"name":"DeviceDetail","type":"dynamic"}],"rows":[`)
	var buf []byte
	for i := range n {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `["`...)
		buf = end.Add(-time.Duration(i)*100*time.Millisecond).AppendFormat(buf, "2006-01-02T15:04:05.0000000Z")
		buf = append(buf, `","`...)
		buf = append(buf, bigQueryUsers[i%len(bigQueryUsers)]...)
		buf = append(buf, `@contoso.com","`...)
		buf = append(buf, bigQueryResults[i%len(bigQueryResults)]...)
		buf = append(buf, `",`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, ',')
		if i%1000 < len(bigQueryDevices) {
			buf = append(buf, bigQueryDevices[i%1000]...)
		} else {
			buf = append(buf, "null"...)
		}
		buf = append(buf, ']')
		b.Write(buf)
	}
	b.WriteString(`]}],"statistics":{"query":{"executionTime":41.2}}}`)
	return b.String()
}

// TestHostileHalfMillionRowQuery decodes a result at the service's limit of 500,000 rows,
// served by the emulator as a pre-encoded body (building 500,000 rows of Go values in the
// emulator would take more memory than the client under test). The rows are narrow (five
// columns, about 30 MiB) so that the race detector gets through them in a few seconds; the
// service also caps results at about 100 MiB.
func TestHostileHalfMillionRowQuery(t *testing.T) {
	const n = 500_000
	end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	body := bigQueryBody(n, end)
	env := newEnv(t)
	const kql = "SigninLogs | where TimeGenerated > ago(1d) | project TimeGenerated, UserPrincipalName, ResultType, DurationMs, DeviceDetail"
	env.srv.HandleQueries(func(q sentineltest.QueryRequest) (sentineltest.QueryResponse, bool) {
		return sentineltest.QueryResponse{Body: body}, q.Query == kql
	})
	ctx := context.Background()
	// Warm up the connection outside the measurements.
	_, err := env.client.Query(ctx, "print 1", nil)
	require.Error(t, err)

	type signIn struct {
		TimeGenerated time.Time
		User          string `kql:"UserPrincipalName"`
		ResultType    string
		DurationMs    int64
	}
	start := time.Now()
	h := sampleHeap()
	rows, res, err := sentinel.QueryInto[signIn](ctx, env.client, kql, nil)
	peak := h.Stop()
	require.NoError(t, err)
	require.Len(t, rows, n)
	rowBytes := uint64(n) * uint64(reflect.TypeFor[signIn]().Size())
	t.Logf("QueryInto of %d rows: body %d MiB, %v, peak heap +%d MiB (the []signIn alone is %d MiB)",
		n, len(body)>>20, time.Since(start), peak>>20, rowBytes>>20)
	// The rows (twice while their blocks are joined into one slice) and their strings; the
	// body itself is never held whole.
	assert.Less(t, peak, 3*rowBytes+uint64(len(body))/2, "QueryInto must stream the rows")
	assert.Zero(t, res.PrimaryResult().Len(), "the streamed table keeps no rows")
	kept := liveHeap() - h.base
	t.Logf("QueryInto keeps +%d MiB", kept>>20)
	assert.Less(t, kept, rowBytes+uint64(len(body))/2, "the rows and their strings")
	for _, i := range []int{0, 1, 6, 7, 4242, n / 2, n - 1} {
		r := rows[i]
		require.Equal(t, int64(i), r.DurationMs)
		require.True(t, end.Add(-time.Duration(i)*100*time.Millisecond).Equal(r.TimeGenerated), "row %d: %v", i, r.TimeGenerated)
		require.Equal(t, bigQueryUsers[i%len(bigQueryUsers)]+"@contoso.com", r.User)
		require.Equal(t, bigQueryResults[i%len(bigQueryResults)], r.ResultType)
	}
	rows = nil // let the rows go before the next measurement
	runtime.KeepAlive(rows)

	start = time.Now()
	h = sampleHeap()
	res, err = env.client.Query(ctx, kql, nil)
	peak = h.Stop()
	require.NoError(t, err)
	tbl := res.PrimaryResult()
	require.Equal(t, n, tbl.Len())
	t.Logf("Query of %d rows: %v, peak heap +%d MiB", n, time.Since(start), peak>>20)
	// The cells are stored once, compactly: their text without quotes, one kind byte and an
	// 8-byte reference each, which is about the size of the body.
	kept = liveHeap() - h.base
	t.Logf("Query keeps +%d MiB", kept>>20)
	assert.Less(t, kept, uint64(len(body))*8/5, "Query stores the cells in about the body's size")
	assert.Less(t, peak, uint64(len(body))*2, "Query must store the rows about once")

	// Generic access converts on demand, without allocating per row.
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	failed, sum := 0, int64(0)
	user, dur := tbl.ColumnIndex("UserPrincipalName"), tbl.ColumnIndex("DurationMs")
	for i := 0; i < n; i += 7 {
		row := tbl.Row(i)
		d, err := row.Value(dur).Int64()
		require.NoError(t, err)
		sum += d
		if row.Get("ResultType").String() != "0" {
			failed++
		}
		if row.Value(user).String() != bigQueryUsers[0]+"@contoso.com" {
			t.Fatalf("row %d: user %q", i, row.Value(user).String())
		}
	}
	runtime.ReadMemStats(&after)
	t.Logf("reading every 7th row: %d KiB allocated", (after.TotalAlloc-before.TotalAlloc)>>10)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "reading values does not copy them")
	assert.Positive(t, failed)
	assert.Positive(t, sum)

	last := tbl.Row(n - 1)
	var device map[string]any
	require.NoError(t, tbl.Row(0).Get("DeviceDetail").Decode(&device), "a dynamic value sent as a string holding JSON")
	assert.Equal(t, "Windows 10", device["operatingSystem"])
	assert.Equal(t, `{"operatingSystem":"MacOs","isCompliant":false}`, string(tbl.Row(1).Get("DeviceDetail").Dynamic()))
	assert.True(t, tbl.Row(2).Get("DeviceDetail").IsNull())
	got, err := last.Get("TimeGenerated").Time()
	require.NoError(t, err)
	assert.True(t, end.Add(-(n-1)*100*time.Millisecond).Equal(got))
	assert.NotEmpty(t, res.Statistics)
}

// liveHeap returns the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
