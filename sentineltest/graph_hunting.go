package sentineltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Advanced hunting on the Graph host: POST /v1.0/security/runHuntingQuery with
// {"Query": ..., "Timespan": ...}, answered with results that tests register by query text
// (GraphData.SetHuntingResult) or compute (GraphData.HandleHunting).

func init() {
	register(func(s *Server) {
		s.router.handle("POST", "/v1.0/security/runHuntingQuery", s.serveHunting)
	})
}

// HuntingColumn is a column of a hunting result: its name and type ("DateTime", "String",
// "Int64", "Int32", "Boolean", "Double", "Object", ...).
type HuntingColumn struct {
	Name string
	Type string
}

// HuntingResponse is the answer to a hunting query. With Status 0 or 200 the emulator sends
// {"schema": [...], "results": [...]}: each row an object keyed by column name, its values
// encoded with encoding/json (time.Time in RFC 3339 with 7 fractional digits, as the
// service does). Otherwise it sends Graph's error shape with Status, Code and Message (and
// Retry-After when set).
type HuntingResponse struct {
	Status     int
	Schema     []HuntingColumn
	Rows       []map[string]any
	Code       string
	Message    string
	RetryAfter string
}

// HuntingRequest is a hunting query as the emulator received it.
type HuntingRequest struct {
	Query    string
	Timespan string
}

// hunting is the Graph host's hunting state.
type hunting struct {
	byText   map[string]HuntingResponse
	handlers []func(HuntingRequest) (HuntingResponse, bool)
}

// SetHuntingResult makes the emulator answer the hunting query (compared after trimming
// white space) with r.
func (g *GraphData) SetHuntingResult(query string, r HuntingResponse) {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	g.s.graphData().hunting.byText[strings.TrimSpace(query)] = r
}

// HandleHunting adds a handler for hunting queries. Handlers run in the order added, before
// the results set with SetHuntingResult, without the server's lock; the first that returns
// true answers.
func (g *GraphData) HandleHunting(h func(HuntingRequest) (HuntingResponse, bool)) {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	st := g.s.graphData()
	st.hunting.handlers = append(st.hunting.handlers, h)
}

func (s *Server) serveHunting(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	st := s.graphData()
	handlers := append([]func(HuntingRequest) (HuntingResponse, bool)(nil), st.hunting.handlers...)
	byText := st.hunting.byText
	s.mu.Unlock()
	var body struct {
		Query    *string `json:"Query"`
		Timespan string  `json:"Timespan"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Empty Payload. JSON content expected.")
		return
	}
	if body.Query == nil || strings.TrimSpace(*body.Query) == "" {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "The query is required.")
		return
	}
	if body.Timespan != "" && !validHuntingTimespan(body.Timespan) {
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid timespan '"+body.Timespan+"'.")
		return
	}
	req := HuntingRequest{Query: *body.Query, Timespan: body.Timespan}
	resp, ok := HuntingResponse{}, false
	for _, h := range handlers {
		if resp, ok = h(req); ok {
			break
		}
	}
	if !ok {
		s.mu.Lock()
		resp, ok = byText[strings.TrimSpace(req.Query)]
		s.mu.Unlock()
	}
	if !ok {
		resp = HuntingResponse{Status: http.StatusBadRequest, Code: "BadRequest",
			Message: "sentineltest has no result for this hunting query; register one with GraphData.SetHuntingResult or GraphData.HandleHunting in your test: " + req.Query}
	}
	if resp.Status != 0 && resp.Status != http.StatusOK {
		if resp.RetryAfter != "" {
			w.Header().Set("Retry-After", resp.RetryAfter)
		}
		writeGraphError(w, r, resp.Status, resp.Code, resp.Message)
		return
	}
	writeGraph(w, r, resp.encode())
}

// validHuntingTimespan accepts the documented forms: start/end, duration/end, start/duration,
// duration, and a single start time.
func validHuntingTimespan(s string) bool {
	if a, b, ok := strings.Cut(s, "/"); ok {
		return validTimespanPart(a) && validTimespanPart(b)
	}
	return validTimespanPart(s)
}

// encode writes the result as the service does.
func (r HuntingResponse) encode() []byte {
	var b bytes.Buffer
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults","schema":[`)
	for i, c := range r.Schema {
		if i > 0 {
			b.WriteByte(',')
		}
		n, _ := json.Marshal(c.Name)
		t, _ := json.Marshal(c.Type)
		b.WriteString(`{"name":`)
		b.Write(n)
		b.WriteString(`,"type":`)
		b.Write(t)
		b.WriteByte('}')
	}
	b.WriteString(`],"results":[`)
	for i, row := range r.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		out := make(map[string]any, len(row))
		for k, v := range row {
			if t, ok := v.(time.Time); ok {
				v = t.UTC().Format("2006-01-02T15:04:05.0000000Z")
			}
			out[k] = v
		}
		enc, _ := json.Marshal(out)
		b.Write(enc)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
