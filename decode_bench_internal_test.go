package sentinel

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/sentinel-go/sentinel/internal/rest"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// BenchmarkIncidentDecoder decodes a page of realistic incidents from memory, without HTTP:
// the declarative decoder's own cost per incident.
func BenchmarkIncidentDecoder(b *testing.B) {
	page := realisticPage(b)
	n := bytes.Count(page, []byte(`"incidentNumber"`))
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	var items []Incident
	for b.Loop() {
		resp := &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(page))}
		var err error
		items, _, err = rest.DecodePage(resp, items[:0], "", rest.DecodeItem[Incident], "nextLink")
		if err != nil || len(items) != n {
			b.Fatal(err, len(items))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/incident")
}

func realisticPage(b *testing.B) []byte {
	srv := sentineltest.NewServer()
	defer srv.Close()
	srv.SeedIncidents(50)
	ws := srv.Workspace()
	req, _ := http.NewRequest(http.MethodGet, srv.Endpoint()+"/subscriptions/"+ws.SubscriptionID+"/resourceGroups/"+ws.ResourceGroup+
		"/providers/Microsoft.OperationalInsights/workspaces/"+ws.Name+"/providers/Microsoft.SecurityInsights/incidents?api-version=2023-02-01&$top=50", nil)
	req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
	resp, err := srv.HTTPClient().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	return page
}
