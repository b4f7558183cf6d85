package defender_test

import (
	"os"
	"testing"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

// BenchmarkDecodeAlert decodes an alert with 44 evidence (every typed kind, nested evidence
// and one unknown kind) from memory: the model layer's cost for Graph payloads.
func BenchmarkDecodeAlert(b *testing.B) {
	data, err := os.ReadFile("testdata/alert.json")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var a defender.Alert
		if err := sentinel.UnmarshalJSON(data, &a); err != nil || len(a.Evidence) != 44 {
			b.Fatal(err)
		}
	}
}

// BenchmarkListIncidentsWithAlerts lists 200 seeded incidents with their alerts and evidence
// from the emulator, 50 per page, over loopback TLS.
func BenchmarkListIncidentsWithAlerts(b *testing.B) {
	env := newEnv(b)
	env.srv.Graph().SeedIncidents(200)
	b.ReportAllocs()
	for b.Loop() {
		incs, err := env.client.ListIncidents(&defender.ListIncidentsOptions{ExpandAlerts: true, Top: 50}).Collect(b.Context(), 0)
		if err != nil || len(incs) != 200 {
			b.Fatal(err, len(incs))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*200), "µs/incident")
}
