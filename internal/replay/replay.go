// Package replay is an HTTP transport that answers requests from recorded interactions in
// testdata, so decoding tests run against real-shaped payloads with no network. A cassette is
// a JSON file:
//
//	{"interactions": [
//	  {"method": "GET", "url": "https://management.azure.com/...?api-version=2023-02-01",
//	   "status": 200, "headers": {"x-ms-request-id": ["..."]}, "bodyFile": "get.json"}
//	]}
//
// bodyFile is relative to the cassette; "body" may hold an inline body instead. Requests must
// match an unused interaction by method and exact URL; anything else is an error naming the
// request, so a test cannot silently pass on the wrong wire request. Authorization headers are
// checked for presence and never stored.
package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
)

// Interaction is one recorded request and its response.
type Interaction struct {
	Method   string              `json:"method"`
	URL      string              `json:"url"`
	Status   int                 `json:"status"`
	Headers  map[string][]string `json:"headers"`
	Body     json.RawMessage     `json:"body"`
	BodyFile string              `json:"bodyFile"`

	body []byte
	used bool
}

// Transport serves a cassette. It implements azcore's policy.Transporter.
type Transport struct {
	mu           sync.Mutex
	interactions []*Interaction
	// Unauthorized lists requests that arrived without an Authorization header.
	Unauthorized []string
}

// Load reads a cassette and the body files it names.
func Load(path string) (*Transport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c struct {
		Interactions []*Interaction `json:"interactions"`
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("replay: %s: %w", path, err)
	}
	for _, in := range c.Interactions {
		switch {
		case in.BodyFile != "":
			if in.body, err = os.ReadFile(filepath.Join(filepath.Dir(path), in.BodyFile)); err != nil {
				return nil, fmt.Errorf("replay: %s: %w", path, err)
			}
		case len(in.Body) > 0:
			var s string
			if json.Unmarshal(in.Body, &s) == nil {
				in.body = []byte(s) // a string body is sent as its text
			} else {
				in.body = in.Body
			}
		}
	}
	return &Transport{interactions: c.Interactions}, nil
}

// Do answers req from the first unused interaction with the same method and URL.
func (t *Transport) Do(req *http.Request) (*http.Response, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	u := req.URL.String()
	if req.Header.Get("Authorization") == "" {
		t.Unauthorized = append(t.Unauthorized, req.Method+" "+u)
	}
	for _, in := range t.interactions {
		if in.used || in.Method != req.Method || in.URL != u {
			continue
		}
		in.used = true
		h := http.Header{}
		for k, v := range in.Headers {
			h[http.CanonicalHeaderKey(k)] = v
		}
		if h.Get("Content-Type") == "" && len(in.body) > 0 {
			h.Set("Content-Type", "application/json; charset=utf-8")
		}
		return &http.Response{
			StatusCode: in.Status, Status: fmt.Sprintf("%d %s", in.Status, http.StatusText(in.Status)),
			Header: h, Body: io.NopCloser(bytes.NewReader(in.body)), Request: req,
			ContentLength: int64(len(in.body)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		}, nil
	}
	return nil, fmt.Errorf("replay: no recorded response for %s %s", req.Method, u)
}

// Unused returns the interactions no request has matched.
func (t *Transport) Unused() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, in := range t.interactions {
		if !in.used {
			out = append(out, in.Method+" "+in.URL)
		}
	}
	return out
}

// APIVersion returns the api-version the cassette was recorded at: that of its first
// interaction ("" when it has none or its URL has no api-version). A client that replays a
// cassette sends that version, so a change of the SDK's default does not invalidate
// recordings.
func (t *Transport) APIVersion() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.interactions) == 0 {
		return ""
	}
	u, err := url.Parse(t.interactions[0].URL)
	if err != nil {
		return ""
	}
	return u.Query().Get("api-version")
}
