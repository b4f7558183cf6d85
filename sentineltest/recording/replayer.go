package recording

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
)

// ReplayerOptions configures NewReplayer; nil means the defaults.
type ReplayerOptions struct {
	// MatchBody makes a request with a body (POST, PUT, PATCH) match only an interaction
	// whose recorded request body is the same JSON value (or the same bytes, when not JSON).
	MatchBody bool
}

// Replayer is a policy.Transporter that answers requests from a cassette, never from the
// network. A Replayer is safe for concurrent use.
type Replayer struct {
	path      string
	matchBody bool
	redactRE  *regexp.Regexp

	mu           sync.Mutex
	entries      []*entry
	unauthorized []string
}

// entry is an interaction with what matching compares, precomputed.
type entry struct {
	in            *interaction
	reqBody, body []byte
	used          bool

	method string
	path   pattern
	query  []queryPattern
	// reqValue is the recorded request body decoded for MatchBody: a JSON value, or the
	// body as a string when it is not JSON, or nil when there is none.
	reqValue any
}

type queryPattern struct {
	name string
	val  pattern
}

// pattern is a recorded text. Where it holds placeholders, they stand for any value of
// their class when matching loosely; elsewhere it must be equal.
type pattern struct {
	text string
	re   *regexp.Regexp // nil without placeholders
}

func newPattern(text string) pattern {
	locs := placeholderRE.FindAllStringIndex(text, -1)
	if locs == nil {
		return pattern{text: text}
	}
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, l := range locs {
		b.WriteString(regexp.QuoteMeta(text[last:l[0]]))
		switch ph := text[l[0]:l[1]]; {
		case strings.HasPrefix(ph, "REDACTED-"):
			b.WriteString(`.+?`)
		case strings.HasPrefix(ph, "ffffffff-"):
			b.WriteString(guidRE.String())
		default:
			b.WriteString(emailRE.String())
		}
		last = l[1]
	}
	b.WriteString(regexp.QuoteMeta(text[last:]))
	b.WriteString("$")
	return pattern{text: text, re: regexp.MustCompile(b.String())}
}

// match reports whether s matches: equal, or when loose, matching the placeholders.
func (p pattern) match(s string, loose bool) bool {
	if s == p.text {
		return true
	}
	return loose && p.re != nil && p.re.MatchString(s)
}

// NewReplayer loads the cassette at path (and the body files it names). opts may be nil.
func NewReplayer(path string, opts *ReplayerOptions) (*Replayer, error) {
	var o ReplayerOptions
	if opts != nil {
		o = *opts
	}
	ins, bodies, err := readCassette(path)
	if err != nil {
		return nil, err
	}
	rp := &Replayer{path: path, matchBody: o.MatchBody, redactRE: newRules(Rules{}).secretParamRE}
	for i, in := range ins {
		u, err := url.Parse(in.URL)
		if err != nil {
			return nil, fmt.Errorf("recording: %s: interaction %d: %w", path, i, err)
		}
		e := &entry{in: in, reqBody: bodies[i][0], body: bodies[i][1], method: in.Method, path: newPattern(u.Path)}
		for _, kv := range queryPairs(u) {
			e.query = append(e.query, queryPattern{name: kv[0], val: newPattern(kv[1])})
		}
		e.reqValue = decodeForMatch(e.reqBody)
		rp.entries = append(rp.entries, e)
	}
	return rp, nil
}

// queryPairs returns a URL's decoded query parameters as name, value pairs, sorted.
func queryPairs(u *url.URL) [][2]string {
	var out [][2]string
	for name, vals := range u.Query() {
		for _, v := range vals {
			out = append(out, [2]string{name, v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// decodeForMatch decodes a request body for MatchBody: JSON as a value, other bytes as a
// string, no body as nil.
func decodeForMatch(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(b, &v) == nil {
		return v
	}
	return string(b)
}

// matches reports whether the entry matches a request: method, path and query, and the
// body with MatchBody; loose lets placeholders stand for any value of their class.
func (e *entry) matches(method, path string, query [][2]string, body any, matchBody, loose bool) bool {
	if e.method != method || !e.path.match(path, loose) || len(e.query) != len(query) {
		return false
	}
	taken := make([]bool, len(query))
	for _, q := range e.query { // each recorded parameter takes one request parameter
		found := false
		for i, kv := range query {
			if !taken[i] && kv[0] == q.name && q.val.match(kv[1], loose) {
				taken[i], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return !matchBody || matchValue(e.reqValue, body, loose)
}

// matchValue compares a recorded JSON value with a request's: strings as patterns, the
// rest equal.
func matchValue(rec, got any, loose bool) bool {
	switch r := rec.(type) {
	case string:
		g, ok := got.(string)
		return ok && newPattern(r).match(g, loose)
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(r) {
			return false
		}
		for k, v := range r {
			gv, ok := g[k]
			if !ok || !matchValue(v, gv, loose) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(r) {
			return false
		}
		for i := range r {
			if !matchValue(r[i], g[i], loose) {
				return false
			}
		}
		return true
	}
	return rec == got
}

// Do answers req from the cassette (see Matching in the package documentation): from the
// first unused interaction equal to the request, or else from the first that matches with
// its placeholders standing for any value of their class. A request that matches nothing
// is an error naming it, never a guess.
func (rp *Replayer) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("recording: reading the request body: %w", err)
		}
		body = b
	}
	query := queryPairs(req.URL)
	value := decodeForMatch(body)

	rp.mu.Lock()
	defer rp.mu.Unlock()
	if req.Header.Get("Authorization") == "" {
		rp.unauthorized = append(rp.unauthorized, req.Method+" "+rp.redact(req.URL.String()))
	}
	var hit *entry
	for _, loose := range []bool{false, true} {
		for _, e := range rp.entries {
			if !e.used && e.matches(req.Method, req.URL.Path, query, value, rp.matchBody, loose) {
				hit = e
				break
			}
		}
		if hit != nil {
			break
		}
	}
	if hit == nil {
		return nil, rp.noMatch(req.Method, req.URL)
	}
	hit.used = true
	h := http.Header{}
	for k, v := range hit.in.Headers {
		h[http.CanonicalHeaderKey(k)] = slices.Clone(v)
	}
	if h.Get("Content-Type") == "" && len(hit.body) > 0 {
		h.Set("Content-Type", "application/json; charset=utf-8")
	}
	status := hit.in.Status
	return &http.Response{
		StatusCode: status, Status: fmt.Sprintf("%d %s", status, http.StatusText(status)),
		Header: h, Body: io.NopCloser(bytes.NewReader(hit.body)), Request: req,
		ContentLength: int64(len(hit.body)), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
	}, nil
}

// noMatch is the error for a request nothing matches: it names the request (its secret
// parameters redacted) and the unused interactions of the same method and path, the likely
// candidates. The Replayer is locked.
func (rp *Replayer) noMatch(method string, u *url.URL) error {
	var near []string
	recorded := false
	for _, e := range rp.entries {
		if e.method == method && e.path.match(u.Path, true) {
			recorded = true
			if !e.used {
				near = append(near, e.in.URL)
			}
		}
	}
	msg := fmt.Sprintf("recording: %s: no recorded interaction for %s %s", rp.path, method, rp.redact(u.String()))
	switch {
	case len(near) > 0:
		msg += "; unused interactions with this method and path: " + strings.Join(near, ", ")
	case recorded:
		msg += " (it was recorded fewer times than it is requested)"
	}
	return fmt.Errorf("%s", msg)
}

// redact removes the values of secret query parameters from a URL for messages.
func (rp *Replayer) redact(u string) string {
	return rp.redactRE.ReplaceAllStringFunc(u, func(m string) string {
		sub := rp.redactRE.FindStringSubmatchIndex(m)
		return m[:sub[2]] + "REDACTED" + m[sub[3]:]
	})
}

// Unused returns the interactions no request has matched, as "METHOD URL", in cassette
// order: a test that replays a cassette checks it is empty at the end.
func (rp *Replayer) Unused() []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	var out []string
	for _, e := range rp.entries {
		if !e.used {
			out = append(out, e.in.Method+" "+e.in.URL)
		}
	}
	return out
}

// Unauthorized returns the requests that arrived without an Authorization header, as
// "METHOD URL": the client under test did not authenticate them.
func (rp *Replayer) Unauthorized() []string {
	rp.mu.Lock()
	defer rp.mu.Unlock()
	return slices.Clone(rp.unauthorized)
}

// APIVersion returns the api-version the cassette was recorded at: that of its first
// interaction ("" when it has none or its URL has no api-version). A client that replays a
// cassette sends that version, so that a change of the SDK's default does not invalidate
// recordings.
func (rp *Replayer) APIVersion() string {
	if len(rp.entries) == 0 {
		return ""
	}
	u, err := url.Parse(rp.entries[0].in.URL)
	if err != nil {
		return ""
	}
	return u.Query().Get("api-version")
}
