package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/monitor/azquery"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/securityinsights/armsecurityinsights"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// staticServer answers every request with body, for the single-response benchmarks.
func staticServer(tb testing.TB, body []byte) *httptest.Server {
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}))
	tb.Cleanup(ts.Close)
	return ts
}

func sharedCloud(url string) cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: url + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager:        {Endpoint: url, Audience: url},
			sentinel.LogAnalyticsService: {Endpoint: url, Audience: url},
			azquery.ServiceNameLogs:      {Endpoint: url, Audience: url},
		},
	}
}

var (
	entitiesOnce sync.Once
	entityBody   []byte // 500 well-formed entities of all 21 stable kinds
	unknownBody  []byte // the same plus entities of a kind newer than the stable API
)

// entityPayloads builds the entity responses from the emulator's seeded incident details.
func entityPayloads(tb testing.TB) ([]byte, []byte) {
	entitiesOnce.Do(func() {
		srv := sentineltest.NewServer()
		defer srv.Close()
		id := srv.CreateIncident(map[string]any{"title": "t", "severity": "High", "status": "New"})
		srv.Data().SeedIncidentDetails(id)
		req, _ := http.NewRequest(http.MethodPost, srv.Endpoint()+listPath+"/"+id+"/entities?api-version=2023-02-01", nil)
		req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
		resp, err := srv.HTTPClient().Do(req)
		if err != nil {
			panic(err)
		}
		var page struct {
			Entities []map[string]any `json:"entities"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			panic(err)
		}
		var good, unknown []map[string]any
		for _, e := range page.Entities {
			if e["kind"] == "Nic" {
				unknown = append(unknown, e)
				continue
			}
			if p, _ := e["properties"].(map[string]any); p != nil {
				if _, isObj := p["url"].(map[string]any); isObj {
					continue // the malformed Url entity
				}
				if ct, _ := p["creationTimeUtc"].(string); strings.Contains(ct, "/") {
					continue // the process with a US-format time
				}
			}
			good = append(good, e)
		}
		build := func(src []map[string]any, extra []map[string]any) []byte {
			var list []map[string]any
			for i := 0; len(list) < 500; i++ {
				list = append(list, src[i%len(src)])
				if len(extra) > 0 && i%25 == 0 {
					list = append(list, extra[0])
				}
			}
			b, _ := json.Marshal(map[string]any{"entities": list[:500], "metaData": []any{}})
			return b
		}
		entityBody, unknownBody = build(good, nil), build(good, unknown)
	})
	return entityBody, unknownBody
}

// BenchmarkListEntities lists the 500 entities of one incident.
func BenchmarkListEntities(b *testing.B) {
	body, _ := entityPayloads(b)
	ts := staticServer(b, body)
	ctx := context.Background()
	const n = 500
	b.Run("sdk", func(b *testing.B) {
		c, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: subscription, ResourceGroup: group, Name: workspace}, fakeCred{},
			&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: sharedCloud(ts.URL), Transport: ts.Client()}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		m := mallocs()
		for b.Loop() {
			res, err := c.ListEntities("incident-1", nil).Collect(ctx, 0)
			if err != nil || len(res) != n {
				b.Fatal(err, len(res))
			}
		}
		perEntity(b, n, mallocs()-m)
	})
	b.Run("armsecurityinsights", func(b *testing.B) {
		c, err := armsecurityinsights.NewIncidentsClient(subscription, fakeCred{}, &arm.ClientOptions{
			ClientOptions: azcore.ClientOptions{Cloud: sharedCloud(ts.URL), Transport: ts.Client()}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		m := mallocs()
		for b.Loop() {
			res, err := c.ListEntities(ctx, group, workspace, "incident-1", nil)
			if err != nil || len(res.Entities) != n {
				b.Fatal(err, len(res.Entities))
			}
		}
		perEntity(b, n, mallocs()-m)
	})
}

func perEntity(b *testing.B, n int, mallocs uint64) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entity")
	b.ReportMetric(float64(mallocs)/float64(b.N*n), "allocs/entity")
}

// TestEntitiesUnknownKindKept shows what each client keeps of entities of a kind newer than
// the stable API: this SDK keeps their properties, the official one drops them.
func TestEntitiesUnknownKindKept(t *testing.T) {
	_, body := entityPayloads(t)
	ts := staticServer(t, body)
	ctx := context.Background()
	c, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: subscription, ResourceGroup: group, Name: workspace}, fakeCred{},
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: sharedCloud(ts.URL), Transport: ts.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	ours, err := c.ListEntities("incident-1", nil).Collect(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, e := range ours {
		if u, ok := e.(*sentinel.UnknownEntity); ok && bytes.Contains(u.Raw, []byte("VLAN-12")) {
			kept++
		}
	}
	official, err := armsecurityinsights.NewIncidentsClient(subscription, fakeCred{}, &arm.ClientOptions{
		ClientOptions: azcore.ClientOptions{Cloud: sharedCloud(ts.URL), Transport: ts.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := official.ListEntities(ctx, group, workspace, "incident-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	officialKept := 0
	for _, e := range res.Entities {
		b, _ := json.Marshal(e)
		if bytes.Contains(b, []byte("VLAN-12")) {
			officialKept++
		}
	}
	t.Logf("unknown-kind entities with their properties: sdk %d, armsecurityinsights %d (of %d listed)", kept, officialKept, len(res.Entities))
	if kept == 0 || officialKept != 0 {
		t.Fatalf("expected the SDK to keep and the official client to drop unknown-kind properties: %d %d", kept, officialKept)
	}
}

// signIn is the typed row of the KQL benchmark: 8 columns of 6 types.
type signIn struct {
	TimeGenerated     time.Time
	UserPrincipalName string
	AppDisplayName    string
	IPAddress         string
	ResultType        string
	IsInteractive     bool
	DurationMs        int64
	DeviceDetail      json.RawMessage
}

const kqlRows = 50000

var (
	kqlOnce sync.Once
	kqlBody []byte
)

func kqlPayload() []byte {
	kqlOnce.Do(func() {
		t := sentineltest.SigninLogs(kqlRows, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)).Project(
			"TimeGenerated", "UserPrincipalName", "AppDisplayName", "IPAddress", "ResultType", "IsInteractive", "DurationMs", "DeviceDetail")
		kqlBody = sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{t}}.Encode()
	})
	return kqlBody
}

// BenchmarkKQLDecode decodes a 50,000-row, 8-column SigninLogs result.
func BenchmarkKQLDecode(b *testing.B) {
	ts := staticServer(b, kqlPayload())
	ctx := context.Background()
	const guid = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	query := "SigninLogs | project TimeGenerated, UserPrincipalName, AppDisplayName, IPAddress, ResultType, IsInteractive, DurationMs, DeviceDetail"
	var cpu0 time.Duration
	perRow := func(b *testing.B, m uint64) {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*kqlRows), "ns/row")
		b.ReportMetric(float64(m)/float64(b.N*kqlRows), "allocs/row")
		// CPU time of the process (server and client, GC included): steadier than wall
		// time on a shared machine.
		b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*kqlRows), "cpu-ns/row")
	}
	b.Run("sdk", func(b *testing.B) {
		c, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: subscription, ResourceGroup: group, Name: workspace, CustomerID: guid}, fakeCred{},
			&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: sharedCloud(ts.URL), Transport: ts.Client()}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var m uint64
		m, cpu0 = mallocs(), cpuTime()
		for b.Loop() {
			rows, _, err := sentinel.QueryInto[signIn](ctx, c, query, nil)
			if err != nil || len(rows) != kqlRows {
				b.Fatal(err, len(rows))
			}
		}
		perRow(b, mallocs()-m)
	})
	b.Run("azquery", func(b *testing.B) {
		c, err := azquery.NewLogsClient(fakeCred{}, &azquery.LogsClientOptions{ClientOptions: azcore.ClientOptions{Cloud: sharedCloud(ts.URL), Transport: ts.Client()}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var m uint64
		m, cpu0 = mallocs(), cpuTime()
		for b.Loop() {
			res, err := c.QueryWorkspace(ctx, guid, azquery.Body{Query: &query}, nil)
			if err != nil || len(res.Tables[0].Rows) != kqlRows {
				b.Fatal(err)
			}
		}
		perRow(b, mallocs()-m)
	})
	b.Run("raw-tokenize-encoding-json", func(b *testing.B) {
		client := ts.Client()
		b.ReportAllocs()
		var m uint64
		m, cpu0 = mallocs(), cpuTime()
		for b.Loop() {
			resp := postQuery(b, client, ts.URL+"/v1/workspaces/"+guid+"/query")
			dec := json.NewDecoder(resp.Body)
			dec.UseNumber()
			for {
				if _, err := dec.Token(); err != nil {
					if err != io.EOF {
						b.Fatal(err)
					}
					break
				}
			}
			resp.Body.Close()
		}
		perRow(b, mallocs()-m)
	})
	b.Run("raw-tokenize", func(b *testing.B) {
		client := ts.Client()
		b.ReportAllocs()
		var m uint64
		m, cpu0 = mallocs(), cpuTime()
		for b.Loop() {
			resp := postQuery(b, client, ts.URL+"/v1/workspaces/"+guid+"/query")
			dec := jsontext.NewDecoder(resp.Body)
			for {
				if _, err := dec.ReadToken(); err != nil {
					if err != io.EOF {
						b.Fatal(err)
					}
					break
				}
			}
			resp.Body.Close()
		}
		perRow(b, mallocs()-m)
	})
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// postQuery sends a query request with plain net/http, for the floors.
func postQuery(b *testing.B, client *http.Client, url string) *http.Response {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"query":"x"}`))
	req.Header.Set("Authorization", "Bearer bench-token")
	resp, err := client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	return resp
}
