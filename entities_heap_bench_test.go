package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// entityListBody returns a ListEntities response of n entities made from the fixture's 29
// (all 21 kinds, an unknown kind, two that do not fit the schema), each copy with its own
// name and ID, compacted as the service sends it.
func entityListBody(tb testing.TB, n int) []byte {
	tb.Helper()
	data, err := os.ReadFile("testdata/entities/list.json")
	require.NoError(tb, err)
	var wire struct {
		Entities []json.RawMessage `json:"entities"`
	}
	require.NoError(tb, json.Unmarshal(data, &wire))
	var b bytes.Buffer
	b.WriteString(`{"entities":[`)
	for i := range n {
		var c bytes.Buffer
		require.NoError(tb, json.Compact(&c, wire.Entities[i%len(wire.Entities)]))
		item := bytes.ReplaceAll(c.Bytes(), []byte("/Entities/"), fmt.Appendf(nil, "/Entities/c%d-", i))
		item = bytes.Replace(item, []byte(`"name":"`), fmt.Appendf(nil, `"name":"c%d-`, i), 1)
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(item)
	}
	fmt.Fprintf(&b, `],"metaData":[{"entityKind":"Account","count":%d}]}`, n)
	return b.Bytes()
}

// BenchmarkListEntitiesHeap lists 20,000 entities from a static TLS server and reports the
// peak growth of the heap while ListEntities runs (peak-heap-MiB, garbage not yet collected
// included), what the result keeps once collected (kept-MiB), and the body's size.
func BenchmarkListEntitiesHeap(b *testing.B) {
	const n = 20_000
	body := entityListBody(b, n)
	c, _ := stubEnv(b, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	ctx := context.Background()
	if res, err := c.ListEntities("inc", nil).Collect(ctx, 0); err != nil || len(res) != n { // warm up the connection
		b.Fatal(err, len(res))
	}
	var peak, kept uint64
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		h := sampleHeap()
		b.StartTimer()
		res, err := c.ListEntities("inc", nil).Collect(ctx, 0)
		b.StopTimer()
		peak = max(peak, h.Stop())
		if err != nil || len(res) != n {
			b.Fatal(err, len(res))
		}
		kept = max(kept, liveHeap()-h.base)
		runtime.KeepAlive(res)
		b.StartTimer()
	}
	b.ReportMetric(float64(len(body))/(1<<20), "body-MiB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(kept)/(1<<20), "kept-MiB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entity")
}

// BenchmarkDeeplyNestedEntities decodes an entity list whose account carries 9,990 levels of
// nested objects in its additionalData, the deepest the decoder accepts (see
// TestHostileDeeplyNestedEntityData).
func BenchmarkDeeplyNestedEntities(b *testing.B) {
	body := []byte(`{"entities":[{"id":"/x/Entities/acc","name":"acc","kind":"Account","properties":{"accountName":"alice",` +
		`"additionalData":{"deep":` + nestedObjects(9_990) + `}}}]}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var resp sentinel.IncidentEntities
		if err := sentinel.UnmarshalJSON(body, &resp); err != nil || len(resp.Entities) != 1 || resp.Entities[0].DecodeError() != nil {
			res := resp.Entities
			b.Fatal(err, res)
		}
	}
}
