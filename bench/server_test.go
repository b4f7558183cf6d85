package bench

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// Every client in this suite talks to the same pageServer and decodes the same bytes: realistic
// incidents produced once by the sentineltest emulator's seeder, served from memory so that
// the server costs next to nothing and the clients are compared, not the emulator.

const (
	subscription = "00000000-1111-2222-3333-444444444444"
	group        = "soc-rg"
	workspace    = "soc-workspace"
	listPath     = "/subscriptions/" + subscription + "/resourceGroups/" + group + "/providers/Microsoft.OperationalInsights/workspaces/" + workspace + "/providers/Microsoft.SecurityInsights/incidents"
)

var (
	itemsOnce sync.Once
	items     [][]byte // raw incident JSON objects
)

// seedItems returns 10,000 realistic incidents as raw JSON, made by the emulator's seeder.
func seedItems(tb testing.TB) [][]byte {
	itemsOnce.Do(func() {
		srv := sentineltest.NewServer()
		defer srv.Close()
		srv.SeedIncidents(10000)
		c := srv.HTTPClient()
		next := srv.Endpoint() + listPath + "?api-version=2023-02-01&$top=1000"
		for next != "" {
			req, _ := http.NewRequest(http.MethodGet, next, nil)
			req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
			resp, err := c.Do(req)
			if err != nil {
				panic(err)
			}
			var page struct {
				Value    []json.RawMessage `json:"value"`
				NextLink string            `json:"nextLink"`
			}
			err = json.NewDecoder(resp.Body).Decode(&page)
			resp.Body.Close()
			if err != nil {
				panic(err)
			}
			for _, v := range page.Value {
				items = append(items, []byte(v))
			}
			next = page.NextLink
		}
	})
	if len(items) != 10000 {
		tb.Fatalf("seeded %d incidents", len(items))
	}
	return items
}

// pageServer serves a list of n incidents (cycling through the seeded ones) in pages: $top
// items (50 when absent, as the service does), with nextLinks carrying $skipToken. It runs in
// a child process, so that its allocations do not count against the clients measured here.
type pageServer struct {
	url      string
	client   *http.Client
	statsURL string
}

// TestMain turns the test binary into a page server when BENCH_PAGE_SERVER is set to
// "n,latencyMillis": it prints its URL and certificate on stdout and serves until killed.
func TestMain(m *testing.M) {
	if spec := os.Getenv("BENCH_PAGE_SERVER"); spec != "" {
		servePages(spec)
		return
	}
	os.Exit(m.Run())
}

func servePages(spec string) {
	var n, ms int
	if _, err := fmt.Sscanf(spec, "%d,%d", &n, &ms); err != nil {
		panic(err)
	}
	s := &pageHandler{items: seedItems(nil), n: n, latency: time.Duration(ms) * time.Millisecond}
	ts := httptest.NewUnstartedServer(s)
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	s.base = ts.URL
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ts.Certificate().Raw})
	fmt.Printf("%s\n%s", ts.URL, cert)
	os.Stdout.Close()
	select {}
}

type pageHandler struct {
	items    [][]byte
	n        int
	latency  time.Duration
	base     string
	requests atomic.Int64
}

func (s *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/stats" { // how many list requests, then reset
		fmt.Fprint(w, s.requests.Swap(0))
		return
	}
	s.requests.Add(1)
	if s.latency > 0 {
		time.Sleep(s.latency)
	}
	if r.Header.Get("Authorization") == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	q := r.URL.Query()
	top := 50
	if v := q.Get("$top"); v != "" {
		top, _ = strconv.Atoi(v)
	}
	start, _ := strconv.Atoi(q.Get("$skipToken"))
	end := min(start+top, s.n)
	var b bytes.Buffer
	b.Grow((end - start) * 2600)
	b.WriteString(`{"value":[`)
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte(',')
		}
		b.Write(s.items[i%len(s.items)])
	}
	b.WriteByte(']')
	if end < s.n {
		q.Set("$skipToken", strconv.Itoa(end))
		fmt.Fprintf(&b, `,"nextLink":"%s%s?%s"`, s.base, r.URL.Path, strings.ReplaceAll(q.Encode(), "%24", "$"))
	}
	b.WriteByte('}')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	_, _ = w.Write(b.Bytes())
}

func newPageServer(tb testing.TB, n int, latency time.Duration) *pageServer {
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), fmt.Sprintf("BENCH_PAGE_SERVER=%d,%d", n, latency.Milliseconds()))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	data, err := io.ReadAll(out)
	if err != nil {
		tb.Fatal(err)
	}
	url, certPEM, _ := strings.Cut(string(data), "\n")
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(certPEM)) {
		tb.Fatalf("page server: no certificate in %q", data)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return &pageServer{url: url, client: &http.Client{Transport: tr}, statsURL: url + "/stats"}
}

// requests returns how many list requests the server answered since the last call.
func (s *pageServer) requests(tb testing.TB) int {
	resp, err := s.client.Get(s.statsURL)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	n, _ := strconv.Atoi(string(b))
	return n
}

func (s *pageServer) cloud() cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: s.url + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: s.url, Audience: s.url},
		},
	}
}

// ourClient returns this SDK's client for the server.
func (s *pageServer) ourClient(tb testing.TB) *sentinel.Client {
	c, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: subscription, ResourceGroup: group, Name: workspace}, fakeCred{},
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: s.cloud(), Transport: s.client}})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

type fakeCred struct{}

func (fakeCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "bench-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// rawList follows every page with plain net/http, decoding each page with decode.
func rawList(tb testing.TB, client *http.Client, first string, decode func(io.Reader) (int, string, error)) int {
	total := 0
	for next := first; next != ""; {
		req, _ := http.NewRequest(http.MethodGet, next, nil)
		req.Header.Set("Authorization", "Bearer bench-token")
		resp, err := client.Do(req)
		if err != nil {
			tb.Fatal(err)
		}
		n, link, err := decode(resp.Body)
		resp.Body.Close()
		if err != nil {
			tb.Fatal(err)
		}
		total += n
		next = link
	}
	return total
}
