package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"runtime"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/securityinsights/armsecurityinsights"
	jsonv2 "github.com/go-json-experiment/json"

	"github.com/sentinel-go/sentinel"
)

const listCount = 10000

// rawIncident is a full incident for the raw decoders, as a hand-written client would define it.
type rawIncident struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Etag       string `json:"etag"`
	Type       string `json:"type"`
	Properties struct {
		Title                 string `json:"title"`
		Description           string `json:"description"`
		Severity              string `json:"severity"`
		Status                string `json:"status"`
		Classification        string `json:"classification"`
		ClassificationReason  string `json:"classificationReason"`
		ClassificationComment string `json:"classificationComment"`
		Owner                 struct {
			ObjectID          string `json:"objectId"`
			Email             string `json:"email"`
			AssignedTo        string `json:"assignedTo"`
			UserPrincipalName string `json:"userPrincipalName"`
			OwnerType         string `json:"ownerType"`
		} `json:"owner"`
		Labels []struct {
			LabelName string `json:"labelName"`
			LabelType string `json:"labelType"`
		} `json:"labels"`
		FirstActivityTimeUtc   time.Time `json:"firstActivityTimeUtc"`
		LastActivityTimeUtc    time.Time `json:"lastActivityTimeUtc"`
		CreatedTimeUtc         time.Time `json:"createdTimeUtc"`
		LastModifiedTimeUtc    time.Time `json:"lastModifiedTimeUtc"`
		IncidentNumber         int64     `json:"incidentNumber"`
		IncidentURL            string    `json:"incidentUrl"`
		ProviderName           string    `json:"providerName"`
		ProviderIncidentID     string    `json:"providerIncidentId"`
		RelatedAnalyticRuleIDs []string  `json:"relatedAnalyticRuleIds"`
		AdditionalData         struct {
			AlertsCount         int      `json:"alertsCount"`
			BookmarksCount      int      `json:"bookmarksCount"`
			CommentsCount       int      `json:"commentsCount"`
			AlertProductNames   []string `json:"alertProductNames"`
			Tactics             []string `json:"tactics"`
			Techniques          []string `json:"techniques"`
			ProviderIncidentURL string   `json:"providerIncidentUrl"`
		} `json:"additionalData"`
	} `json:"properties"`
}

type rawPage struct {
	Value    []rawIncident `json:"value"`
	NextLink string        `json:"nextLink"`
}

// perItem reports ns and allocations per listed item.
func perItem(b *testing.B, items int, mallocs uint64) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*items), "ns/incident")
	b.ReportMetric(float64(mallocs)/float64(b.N*items), "allocs/incident")
}

func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// BenchmarkListIncidents lists 10,000 incidents, 50 per page, with each client.
func BenchmarkListIncidents(b *testing.B) {
	srv := newPageServer(b, listCount, 0)
	ctx := context.Background()
	first := srv.url + listPath + "?api-version=2023-02-01&$top=50"

	b.Run("sdk", func(b *testing.B) {
		c := srv.ourClient(b)
		b.ReportAllocs()
		m := mallocs()
		for b.Loop() {
			n := 0
			for _, err := range c.ListIncidents(&sentinel.ListIncidentsOptions{Top: 50}).All(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != listCount {
				b.Fatalf("listed %d", n)
			}
		}
		perItem(b, listCount, mallocs()-m)
	})

	b.Run("armsecurityinsights", func(b *testing.B) {
		c, err := armsecurityinsights.NewIncidentsClient(subscription, fakeCred{}, &arm.ClientOptions{
			ClientOptions: azcore.ClientOptions{Cloud: srv.cloud(), Transport: srv.client}})
		if err != nil {
			b.Fatal(err)
		}
		top := int32(50)
		b.ReportAllocs()
		m := mallocs()
		for b.Loop() {
			n := 0
			p := c.NewListPager(group, workspace, &armsecurityinsights.IncidentsClientListOptions{Top: &top})
			for p.More() {
				page, err := p.NextPage(ctx)
				if err != nil {
					b.Fatal(err)
				}
				n += len(page.Value)
			}
			if n != listCount {
				b.Fatalf("listed %d", n)
			}
		}
		perItem(b, listCount, mallocs()-m)
	})

	raw := func(decode func(io.Reader) (int, string, error)) func(b *testing.B) {
		return func(b *testing.B) {
			client := srv.client
			b.ReportAllocs()
			m := mallocs()
			for b.Loop() {
				if n := rawList(b, client, first, decode); n != listCount {
					b.Fatalf("listed %d", n)
				}
			}
			perItem(b, listCount, mallocs()-m)
		}
	}
	b.Run("raw-encoding-json", raw(func(r io.Reader) (int, string, error) {
		var p rawPage
		err := json.NewDecoder(r).Decode(&p)
		return len(p.Value), p.NextLink, err
	}))
	b.Run("raw-jsonv2", raw(func(r io.Reader) (int, string, error) {
		var p rawPage
		err := jsonv2.UnmarshalRead(r, &p)
		return len(p.Value), p.NextLink, err
	}))
	b.Run("raw-read-bytes", raw(func(r io.Reader) (int, string, error) {
		data, err := io.ReadAll(r)
		n := bytes.Count(data, []byte(`"incidentNumber"`))
		link := ""
		if i := bytes.LastIndex(data, []byte(`"nextLink":"`)); i >= 0 {
			rest := data[i+len(`"nextLink":"`):]
			link = string(rest[:bytes.IndexByte(rest, '"')])
		}
		return n, link, err
	}))
}

// BenchmarkPagerMemory lists 1,000 and 100,000 incidents through the pager with defaults and
// reports the peak live heap (after a collection at each page, while the page is held): it
// must stay flat (about one page), not grow with the count.
func BenchmarkPagerMemory(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(itoa(n), func(b *testing.B) {
			srv := newPageServer(b, n, 0)
			c := srv.ourClient(b)
			ctx := context.Background()
			var peak uint64
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				p := c.ListIncidents(nil)
				count := 0
				for p.More() {
					page, err := p.NextPage(ctx)
					if err != nil {
						b.Fatal(err)
					}
					count += len(page)
					runtime.GC() // what the pager keeps alive while the caller holds a page
					runtime.ReadMemStats(&ms)
					if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
						peak = ms.HeapAlloc - base
					}
				}
				if count != n {
					b.Fatalf("listed %d", count)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkRoundTrips lists 10,000 incidents with each client's defaults against a server
// that pages by 50 when $top is absent and delays every response by 50 ms, as a network does.
func BenchmarkRoundTrips(b *testing.B) {
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		srv := newPageServer(b, listCount, 50*time.Millisecond)
		c := srv.ourClient(b)
		srv.requests(b) // reset
		for b.Loop() {
			n := 0
			for _, err := range c.ListIncidents(nil).All(ctx) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != listCount {
				b.Fatalf("listed %d", n)
			}
		}
		b.ReportMetric(float64(srv.requests(b))/float64(b.N), "requests")
	})
	b.Run("armsecurityinsights", func(b *testing.B) {
		srv := newPageServer(b, listCount, 50*time.Millisecond)
		c, err := armsecurityinsights.NewIncidentsClient(subscription, fakeCred{}, &arm.ClientOptions{
			ClientOptions: azcore.ClientOptions{Cloud: srv.cloud(), Transport: srv.client}})
		if err != nil {
			b.Fatal(err)
		}
		srv.requests(b) // reset
		for b.Loop() {
			n := 0
			p := c.NewListPager(group, workspace, nil)
			for p.More() {
				page, err := p.NextPage(ctx)
				if err != nil {
					b.Fatal(err)
				}
				n += len(page.Value)
			}
			if n != listCount {
				b.Fatalf("listed %d", n)
			}
		}
		b.ReportMetric(float64(srv.requests(b))/float64(b.N), "requests")
	})
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
