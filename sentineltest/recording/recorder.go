package recording

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// RecorderOptions configures NewRecorder; nil means the defaults.
type RecorderOptions struct {
	// Rules add to the default sanitising rules.
	Rules Rules
}

// Recorder is a policy.Transporter that sends each request through another transport and
// keeps the exchange in memory; Save sanitises what it kept and writes the cassette. Nothing
// is written before Save, and nothing unsanitised is ever written. A Recorder is safe for
// concurrent use.
type Recorder struct {
	next  policy.Transporter
	path  string
	rules *rules

	mu        sync.Mutex
	exchanges []exchange
}

// exchange is one request and response as they were sent and received.
type exchange struct {
	method, url         string
	reqHeader, respHead http.Header
	reqBody, respBody   []byte
	status              int
}

// NewRecorder returns a Recorder that sends requests through next (an *http.Client, for
// example) and writes the cassette at path on Save.
func NewRecorder(next policy.Transporter, path string, opts *RecorderOptions) *Recorder {
	var o RecorderOptions
	if opts != nil {
		o = *opts
	}
	return &Recorder{next: next, path: path, rules: newRules(o.Rules)}
}

// Do sends req through the next transport and records the exchange. The response body is
// read in full and handed back from memory. A request that fails in the transport (no
// response) returns its error and is not recorded.
func (r *Recorder) Do(req *http.Request) (*http.Response, error) {
	out := req
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("recording: reading the request body: %w", err)
		}
		reqBody = b
		out = req.Clone(req.Context())
		out.Body = io.NopCloser(bytes.NewReader(b))
		out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
		out.ContentLength = int64(len(b))
	}
	resp, err := r.next.Do(out)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.exchanges = append(r.exchanges, exchange{
		method: req.Method, url: req.URL.String(), reqHeader: req.Header.Clone(), reqBody: reqBody,
		status: resp.StatusCode, respHead: resp.Header.Clone(), respBody: body,
	})
	r.mu.Unlock()
	return resp, nil
}

// Len returns how many exchanges the Recorder holds.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.exchanges)
}

// Save sanitises every exchange recorded so far and writes them to the cassette, replacing
// the file. It may be called again as more exchanges arrive; each call rewrites the whole
// cassette, so the placeholders are the same in every part of it.
func (r *Recorder) Save() error {
	r.mu.Lock()
	exs := append([]exchange(nil), r.exchanges...)
	r.mu.Unlock()
	return writeCassette(r.path, sanitize(r.rules, exs))
}

// sanitize turns exchanges into cassette interactions: it learns the sensitive values of
// all of them first, so that a value gets one placeholder wherever it appears, then
// rewrites each text and drops the secret headers.
func sanitize(rl *rules, exs []exchange) []*interaction {
	s := newSanitizer(rl)
	for _, ex := range exs {
		s.learnURL(ex.url)
		s.learnHeader(ex.reqHeader)
		s.learnBody(ex.reqBody)
		s.learnHeader(ex.respHead)
		s.learnBody(ex.respBody)
	}
	out := make([]*interaction, len(exs))
	for i, ex := range exs {
		in := &interaction{
			Method: ex.method, URL: s.text(ex.url), Status: ex.status,
			RequestHeaders: s.headers(ex.reqHeader), Headers: s.headers(ex.respHead),
		}
		in.RequestBody, in.RequestBodyBase64 = encodeBody(s.body(ex.reqBody))
		in.Body, in.BodyBase64 = encodeBody(s.body(ex.respBody))
		out[i] = in
	}
	return out
}

// learnHeader learns from header values; those of dropped headers are learned too (a bearer
// token in Authorization is replaced wherever a service echoes it).
func (s *sanitizer) learnHeader(h http.Header) {
	for _, vs := range h {
		for _, v := range vs {
			s.learnText(s.r.applyReplace(v))
		}
	}
}

// headers returns the headers to keep, their values rewritten: without the dropped ones and
// without Content-Length, which the replayer sets from the body.
func (s *sanitizer) headers(h http.Header) map[string][]string {
	out := map[string][]string{}
	for k, vs := range h {
		lk := strings.ToLower(k)
		if s.r.dropHeaders[lk] || lk == "content-length" {
			continue
		}
		for _, v := range vs {
			out[k] = append(out[k], s.text(v))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
