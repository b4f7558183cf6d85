package sentineltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The emulated Log Analytics query API: POST /v1/workspaces/{customerId}/query (and its GET
// form, /query?query=...&timespan=...) on the server's origin (the "query/azlogs" endpoint
// of Cloud), answering with results that tests register by query text (SetQueryResult) or
// compute (HandleQueries), and the ARM workspace resource that carries the customerId.
func init() {
	register(func(s *Server) {
		s.router.handle("POST", "/v1/workspaces/{workspaceId}/query", s.serveQuery)
		s.router.handle("GET", "/v1/workspaces/{workspaceId}/query", s.serveQuery)
		s.routeWorkspace("GET", "", func(c *call) { c.getWorkspace() })
	})
}

// QueryColumn is a column of a result table; Type is a KQL type name ("string", "long",
// "datetime", "dynamic", ...).
type QueryColumn struct {
	Name string
	Type string
}

// QueryTable is a result table. Cells are Go values encoded as the service does: nil is
// null; time.Time becomes "2006-01-02T15:04:05.0000000Z"; time.Duration becomes a KQL
// timespan "[-][d.]hh:mm:ss.fffffff"; in a dynamic column a map or slice is sent as a string
// holding its JSON (as the service sends dynamic values), and a json.RawMessage is sent
// verbatim; NaN and infinities become "NaN", "Infinity" and "-Infinity"; integers keep all
// their digits; everything else is encoded with encoding/json.
type QueryTable struct {
	Name    string
	Columns []QueryColumn
	Rows    [][]any
}

// Project returns the table with only the named columns, in that order. It panics on an
// unknown column.
func (t QueryTable) Project(columns ...string) QueryTable {
	idx := make([]int, len(columns))
	out := QueryTable{Name: t.Name}
	for i, name := range columns {
		idx[i] = -1
		for j, c := range t.Columns {
			if c.Name == name {
				idx[i] = j
			}
		}
		if idx[i] < 0 {
			panic("sentineltest: QueryTable.Project: no column " + name)
		}
		out.Columns = append(out.Columns, t.Columns[idx[i]])
	}
	for _, r := range t.Rows {
		row := make([]any, len(idx))
		for i, j := range idx {
			row[i] = r[j]
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// QueryError is an error of the query API: code, message, details and an inner error. The
// outermost error of an answer also carries a correlationId; a KQL diagnostic (the innermost
// error of a syntax or semantic error) carries its position and severity.
type QueryError struct {
	Code    string
	Message string
	// CorrelationID is sent on the outermost error of an answer; "" means a new GUID.
	CorrelationID string
	// Line and Pos (from 1) and Token locate a syntax error in the query; they are sent
	// when Line is not 0.
	Line  int
	Pos   int
	Token string
	// Severity and SeverityName are a diagnostic's severity, such as 2 and "Error"; they
	// are sent when SeverityName is not "".
	Severity     int
	SeverityName string
	Details      []QueryError
	Inner        *QueryError
}

// object returns the error as JSON members; the outermost error of an answer has a
// correlationId.
func (e *QueryError) object(outermost bool) map[string]any {
	m := map[string]any{"code": e.Code, "message": e.Message}
	if outermost {
		id := e.CorrelationID
		if id == "" {
			id = newGUID(nil)
		}
		m["correlationId"] = id
	}
	if e.Line != 0 {
		m["line"], m["pos"], m["token"] = e.Line, e.Pos, e.Token
	}
	if e.SeverityName != "" {
		m["severity"], m["severityName"] = e.Severity, e.SeverityName
	}
	if len(e.Details) > 0 {
		var ds []any
		for i := range e.Details {
			ds = append(ds, e.Details[i].object(false))
		}
		m["details"] = ds
	}
	if e.Inner != nil {
		m["innererror"] = e.Inner.object(false)
	}
	return m
}

// QueryResponse is what the emulated query API answers.
type QueryResponse struct {
	// Status is the HTTP status; 0 means 200. 204 sends no body. With a status of 400 or
	// more the body is {"error": Error}.
	Status int
	// Tables are the result tables; with status 200 they are sent even when empty.
	Tables []QueryTable
	// Error is sent beside the tables with status 200 (a partial error), or alone with an
	// error status.
	Error *QueryError
	// Statistics is sent when the request asks for include-statistics; nil means statistics
	// computed from the tables.
	Statistics map[string]any
	// Render is sent when the request asks for include-render; nil means the visualization
	// of the query's render operator ("| render barchart"), and nothing when it has none.
	Render map[string]any
	// RetryAfter, when not empty, is sent as the Retry-After header.
	RetryAfter string
	// Body, when not empty, is sent verbatim instead of everything above but Status.
	Body string
}

// syntaxPosRE reads the position of a syntax error from the service's message, "Query could
// not be parsed at 'wher' on line [1,16]".
var syntaxPosRE = regexp.MustCompile(`at '(.*)' on line \[(\d+),(\d+)\]`)

// SyntaxError returns the service's answer to a query that does not parse: 400
// BadArgumentError with an inner SyntaxError and, innermost, the diagnostic SYN0002 with
// message and severity Error. A message in the service's form, "Query could not be parsed
// at '<token>' on line [<line>,<pos>]", also gives the diagnostic its line, pos and token.
func SyntaxError(message string) QueryResponse {
	diag := &QueryError{Code: "SYN0002", Message: message, Severity: 2, SeverityName: "Error"}
	if m := syntaxPosRE.FindStringSubmatch(message); m != nil {
		diag.Token = m[1]
		diag.Line, _ = strconv.Atoi(m[2])
		diag.Pos, _ = strconv.Atoi(m[3])
	}
	return QueryResponse{Status: http.StatusBadRequest, Error: &QueryError{
		Code: "BadArgumentError", Message: "The request had some invalid properties",
		Inner: &QueryError{Code: "SyntaxError", Message: "A recognition error occurred in the query.", Inner: diag},
	}}
}

// SemanticError returns the service's answer to a query that parses but refers to an unknown
// table, column or function: 400 BadArgumentError with an inner SemanticError and,
// innermost, the diagnostic SEM0100 with message and severity Error.
func SemanticError(message string) QueryResponse {
	return QueryResponse{Status: http.StatusBadRequest, Error: &QueryError{
		Code: "BadArgumentError", Message: "The request had some invalid properties",
		Inner: &QueryError{Code: "SemanticError", Message: "A semantic error occurred.",
			Inner: &QueryError{Code: "SEM0100", Message: message, Severity: 2, SeverityName: "Error"}},
	}}
}

// PartialError returns a 200 answer with tables and a PartialError, as the service sends
// when a result was cut at its size limit; message is the innermost error's.
func PartialError(message string, tables ...QueryTable) QueryResponse {
	if tables == nil {
		tables = []QueryTable{}
	}
	return QueryResponse{Tables: tables, Error: &QueryError{
		Code: "PartialError", Message: "There were some errors when processing your query.",
		Details: []QueryError{{
			Code: "EngineError", Message: "Something went wrong processing your query on the server.",
			Inner: &QueryError{Code: "-2133196797", Message: message},
		}},
	}}
}

// NoContent returns the service's answer for a workspace without data: 204 No Content.
func NoContent() QueryResponse { return QueryResponse{Status: http.StatusNoContent} }

// Throttled returns 429 Too Many Requests with the given Retry-After (seconds).
func Throttled(retryAfter string) QueryResponse {
	return QueryResponse{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Error: &QueryError{
		Code: "ThrottledError", Message: "Your request is being throttled. Too many concurrent queries.",
	}}
}

// QueryRequest is a query as the emulator received it.
type QueryRequest struct {
	// WorkspaceID is the workspace GUID of the URL.
	WorkspaceID string
	Query       string
	Timespan    string
	Workspaces  []string
	// Prefer are the preferences of the Prefer header, such as "wait=600" and
	// "include-statistics=true".
	Prefer []string
}

// queries is the per-workspace query state.
type queries struct {
	byText   map[string]QueryResponse
	handlers []func(QueryRequest) (QueryResponse, bool)
}

func (ws *workspace) queries() *queries {
	q, _ := ws.data["queries"].(*queries)
	if q == nil {
		q = &queries{byText: map[string]QueryResponse{}}
		ws.data["queries"] = q
	}
	return q
}

// SetQueryResult makes the workspace answer the query kql (compared after trimming white
// space) with r.
func (d *WorkspaceData) SetQueryResult(kql string, r QueryResponse) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	d.ws.queries().byText[strings.TrimSpace(kql)] = r
}

// HandleQueries adds a handler for the workspace's queries. Handlers run in the order added,
// before the results set with SetQueryResult, without the server's lock (they may call the
// server's methods); the first that returns true answers.
func (d *WorkspaceData) HandleQueries(h func(QueryRequest) (QueryResponse, bool)) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	q := d.ws.queries()
	q.handlers = append(q.handlers, h)
}

// SetQueryResult sets a query result of the default workspace; see WorkspaceData.
func (s *Server) SetQueryResult(kql string, r QueryResponse) { s.Data().SetQueryResult(kql, r) }

// HandleQueries adds a query handler to the default workspace; see WorkspaceData.
func (s *Server) HandleQueries(h func(QueryRequest) (QueryResponse, bool)) {
	s.Data().HandleQueries(h)
}

var queryDurationRE = regexp.MustCompile(`^-?P(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)

func validTimespanPart(s string) bool {
	if _, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return true
	}
	return len(s) > 1 && s != "P" && !strings.HasSuffix(s, "T") && queryDurationRE.MatchString(s)
}

func validTimespan(s string) bool {
	if a, b, ok := strings.Cut(s, "/"); ok {
		return validTimespanPart(a) && validTimespanPart(b)
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err != nil && validTimespanPart(s)
}

func (s *Server) serveQuery(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("workspaceId")
	s.mu.Lock()
	var ws *workspace
	for _, x := range s.workspaces {
		if strings.EqualFold(x.info.CustomerID, id) {
			ws = x
		}
	}
	if ws == nil {
		s.mu.Unlock()
		writeQueryError(w, http.StatusNotFound, &QueryError{Code: "WorkspaceNotFoundError", Message: fmt.Sprintf("Workspace '%s' could not be found", id)})
		return
	}
	q := ws.queries()
	handlers := append([]func(QueryRequest) (QueryResponse, bool)(nil), q.handlers...)
	s.mu.Unlock()

	var body struct {
		Query      *string  `json:"query"`
		Timespan   string   `json:"timespan"`
		Workspaces []string `json:"workspaces"`
	}
	if r.Method == http.MethodGet {
		// Query_Get: the query, timespan and workspaces (comma-separated) in the URL.
		q := r.URL.Query()
		if q.Has("query") {
			text := q.Get("query")
			body.Query = &text
		}
		body.Timespan = q.Get("timespan")
		if ws := q.Get("workspaces"); ws != "" {
			body.Workspaces = strings.Split(ws, ",")
		}
	} else {
		// Like the service, a POST without a JSON body answers an empty 200.
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/json" || json.NewDecoder(r.Body).Decode(&body) != nil {
			w.Header().Set("x-ms-request-id", requestID())
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	if body.Query == nil || strings.TrimSpace(*body.Query) == "" {
		writeQueryError(w, http.StatusBadRequest, &QueryError{Code: "BadArgumentError", Message: "The request had some invalid properties",
			Inner: &QueryError{Code: "QueryValidationError", Message: "Query is required"}})
		return
	}
	if body.Timespan != "" && !validTimespan(body.Timespan) {
		writeQueryError(w, http.StatusBadRequest, &QueryError{Code: "BadArgumentError", Message: "The request had some invalid properties",
			Inner: &QueryError{Code: "InvalidTimespan", Message: fmt.Sprintf("Invalid timespan '%s'", body.Timespan)}})
		return
	}
	req := QueryRequest{WorkspaceID: id, Query: *body.Query, Timespan: body.Timespan, Workspaces: body.Workspaces}
	for _, p := range strings.Split(r.Header.Get("Prefer"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			req.Prefer = append(req.Prefer, p)
		}
	}
	var opts answerOptions
	for _, p := range req.Prefer {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "wait":
			if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 600 {
				writeQueryError(w, http.StatusBadRequest, &QueryError{Code: "BadArgumentError", Message: "The 'wait' preference must be a number of seconds between 0 and 600"})
				return
			}
		case "include-statistics":
			opts.stats = v == "true"
		case "include-render":
			opts.render = v == "true"
		default:
			continue // not applied
		}
		opts.applied = append(opts.applied, p)
	}
	resp, ok := QueryResponse{}, false
	for _, h := range handlers {
		if resp, ok = h(req); ok {
			break
		}
	}
	if !ok { // under the lock: a handler may register results (SetQueryResult) meanwhile
		s.mu.Lock()
		resp, ok = q.byText[strings.TrimSpace(req.Query)]
		s.mu.Unlock()
	}
	if !ok {
		// Loud, in the service's shape: the answer to a query that names what does not
		// exist, saying how to register a result.
		resp = SemanticError("sentineltest has no result for this query; register one with Server.SetQueryResult or Server.HandleQueries (or WorkspaceData's) in your test: " + req.Query)
	}
	opts.query = req.Query
	writeQueryResponse(w, resp, opts)
}

// answerOptions are what a query request asked of its answer.
type answerOptions struct {
	stats, render bool
	// applied are the preferences applied, sent back in Preference-Applied.
	applied []string
	query   string
}

// writeQueryError is the one writer of Log Analytics errors: {"error": e} as JSON with an
// x-ms-request-id header, the outermost error with a correlationId.
func writeQueryError(w http.ResponseWriter, status int, e *QueryError) {
	b, _ := json.Marshal(map[string]any{"error": e.object(true)})
	writeRaw(w, status, b)
}

func writeQueryResponse(w http.ResponseWriter, r QueryResponse, opts answerOptions) {
	status := r.Status
	if status == 0 {
		status = http.StatusOK
	}
	if r.RetryAfter != "" {
		w.Header().Set("Retry-After", r.RetryAfter)
	}
	if status < 400 && len(opts.applied) > 0 {
		w.Header().Set("Preference-Applied", strings.Join(opts.applied, ","))
	}
	switch {
	case r.Body != "":
		// Written without a copy: a test may serve a pre-encoded body of many MiB, and the
		// emulator's memory counts in the test's process.
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("x-ms-request-id", requestID())
		w.WriteHeader(status)
		_, _ = io.WriteString(w, r.Body)
	case status == http.StatusNoContent:
		w.Header().Set("x-ms-request-id", requestID())
		w.WriteHeader(status)
	case status >= 400:
		e := r.Error
		if e == nil {
			e = &QueryError{Code: queryFaultCode(status), Message: http.StatusText(status)}
		}
		writeQueryError(w, status, e)
	default:
		writeRaw(w, status, r.encode(opts))
	}
}

// Encode returns the 200 body of r as the service sends it, with statistics.
func (r QueryResponse) Encode() []byte { return r.encode(answerOptions{stats: true}) }

func (r QueryResponse) encode(opts answerOptions) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tables":[`)
	rows, size := 0, 0
	for i, t := range r.Tables {
		if i > 0 {
			b.WriteByte(',')
		}
		start := b.Len()
		t.encode(&b)
		rows += len(t.Rows)
		size += b.Len() - start
	}
	b.WriteByte(']')
	if opts.stats {
		st := r.Statistics
		if st == nil {
			st = defaultStatistics(rows, size)
		}
		s, _ := json.Marshal(st)
		b.WriteString(`,"statistics":`)
		b.Write(s)
	}
	if opts.render {
		rd := r.Render
		if rd == nil {
			rd = renderOf(opts.query)
		}
		if rd != nil {
			s, _ := json.Marshal(rd)
			b.WriteString(`,"render":`)
			b.Write(s)
		}
	}
	if r.Error != nil {
		e, _ := json.Marshal(r.Error.object(true))
		b.WriteString(`,"error":`)
		b.Write(e)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// defaultStatistics are the statistics of a result of rows rows and size bytes, in the
// service's shape: the query's execution time, resource usage (cache by memory, disk and
// shards, CPU with its breakdown, memory, network), input dataset statistics (extents,
// rows, rowstores, shards) and dataset statistics.
func defaultStatistics(rows, size int) map[string]any {
	bytesOf := func(n int) map[string]any { return map[string]any{"hitbytes": n, "missbytes": 0, "retrievebytes": 0} }
	return map[string]any{"query": map[string]any{
		"executionTime": 0.0234,
		"resourceUsage": map[string]any{
			"cache": map[string]any{
				"memory": map[string]any{"hits": 1, "misses": 0, "total": 1},
				"disk":   map[string]any{"hits": 0, "misses": 0, "total": 0},
				"shards": map[string]any{"hot": bytesOf(size), "cold": bytesOf(0), "bypassbytes": 0},
			},
			"cpu": map[string]any{"user": "00:00:00.0156250", "kernel": "00:00:00", "totalCpu": "00:00:00.0156250",
				"breakdown": map[string]any{"queryExecution": "00:00:00", "queryPlanning": "00:00:00.0156250"}},
			"memory":  map[string]any{"peakPerNode": 1048576},
			"network": map[string]any{"interClusterTotalBytes": size, "crossClusterTotalBytes": 0},
		},
		"inputDatasetStatistics": map[string]any{
			"extents":   map[string]any{"total": 1, "scanned": 1, "scannedMinDatetime": "2026-01-01T00:00:00.0000000Z", "scannedMaxDatetime": "2026-01-01T00:00:00.0000000Z"},
			"rows":      map[string]any{"total": rows, "scanned": rows},
			"rowstores": map[string]any{"scannedRows": 0, "scannedValuesSize": 0},
			"shards":    map[string]any{"queriesGeneric": 1, "queriesSpecialized": 0},
		},
		"datasetStatistics":         []any{map[string]any{"tableRowCount": rows, "tableSize": size}},
		"crossClusterResourceUsage": map[string]any{},
	}}
}

// renderRE finds a query's render operator and its visualization.
var renderRE = regexp.MustCompile(`(?i)\|\s*render\s+([a-z]+)`)

// renderOf returns the render object of a query with a render operator, in the service's
// shape (the visualization and its unset options), or nil.
func renderOf(query string) map[string]any {
	m := renderRE.FindStringSubmatch(query)
	if m == nil {
		return nil
	}
	return map[string]any{
		"visualization": strings.ToLower(m[1]), "title": nil, "xColumn": nil, "series": nil, "yColumns": nil,
		"anomalyColumns": nil, "xTitle": nil, "yTitle": nil, "xAxis": nil, "yAxis": nil, "legend": nil,
		"ySplit": nil, "accumulate": false, "isQuerySorted": false, "kind": nil,
		"ymin": "NaN", "ymax": "NaN", "xmin": nil, "xmax": nil,
	}
}

func (t QueryTable) encode(b *bytes.Buffer) {
	name, _ := json.Marshal(t.Name)
	b.WriteString(`{"name":`)
	b.Write(name)
	b.WriteString(`,"columns":[`)
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteByte(',')
		}
		col, _ := json.Marshal(map[string]string{"name": c.Name, "type": c.Type})
		b.Write(col)
	}
	b.WriteString(`],"rows":[`)
	for i, row := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('[')
		for j, v := range row {
			if j > 0 {
				b.WriteByte(',')
			}
			typ := ""
			if j < len(t.Columns) {
				typ = t.Columns[j].Type
			}
			b.Write(encodeCell(typ, v))
		}
		b.WriteByte(']')
	}
	b.WriteString(`]}`)
}

func encodeCell(typ string, v any) []byte {
	var out any = v
	switch v := v.(type) {
	case nil:
		return []byte("null")
	case json.RawMessage:
		return v
	case time.Time:
		out = formatTime(v)
	case time.Duration:
		out = formatTimespan(v)
	case float64:
		switch {
		case math.IsNaN(v):
			out = "NaN"
		case math.IsInf(v, 1):
			out = "Infinity"
		case math.IsInf(v, -1):
			out = "-Infinity"
		}
	default:
		if typ == "dynamic" {
			if _, isString := v.(string); !isString {
				j, err := json.Marshal(v)
				if err != nil {
					panic("sentineltest: cannot encode a dynamic value: " + err.Error())
				}
				out = string(j)
			}
		}
	}
	j, err := json.Marshal(out)
	if err != nil {
		panic(fmt.Sprintf("sentineltest: cannot encode %T cell: %v", v, err))
	}
	return j
}

// formatTimespan formats d as KQL does: "[-][d.]hh:mm:ss[.fffffff]".
func formatTimespan(d time.Duration) string {
	var b strings.Builder
	u := uint64(d)
	if d < 0 {
		b.WriteByte('-')
		u = uint64(-d)
	}
	day := uint64(24 * time.Hour)
	if days := u / day; days > 0 {
		fmt.Fprintf(&b, "%d.", days)
		u %= day
	}
	fmt.Fprintf(&b, "%02d:%02d:%02d", u/uint64(time.Hour), u/uint64(time.Minute)%60, u/uint64(time.Second)%60)
	if frac := u % uint64(time.Second) / 100; frac > 0 {
		fmt.Fprintf(&b, ".%07d", frac)
	}
	return b.String()
}

// getWorkspace answers GET of the Microsoft.OperationalInsights workspace resource.
func (c *call) getWorkspace() {
	info := c.ws.info
	c.write(http.StatusOK, map[string]any{
		"id":       "/subscriptions/" + info.SubscriptionID + "/resourceGroups/" + info.ResourceGroup + "/providers/Microsoft.OperationalInsights/workspaces/" + info.Name,
		"name":     info.Name,
		"type":     "Microsoft.OperationalInsights/workspaces",
		"location": "eastus",
		"properties": map[string]any{
			"customerId":                      info.CustomerID,
			"provisioningState":               "Succeeded",
			"sku":                             map[string]any{"name": "PerGB2018"},
			"retentionInDays":                 90,
			"workspaceCapping":                map[string]any{"dailyQuotaGb": -1.0},
			"publicNetworkAccessForIngestion": "Enabled",
			"publicNetworkAccessForQuery":     "Enabled",
		},
	})
}

var (
	signinApps = []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online", "Microsoft Azure CLI", "SharePoint Online", "Azure Virtual Desktop"}
	signinLocs = []struct{ country, city, state string }{
		{"US", "Seattle", "Washington"}, {"US", "New York", "New York"}, {"GB", "London", "England"},
		{"DE", "Frankfurt am Main", "Hessen"}, {"NL", "Amsterdam", "Noord-Holland"}, {"RU", "Moscow", "Moscow"},
	}
	signinResults = []struct{ code, text string }{
		{"0", ""}, {"0", ""}, {"0", ""}, {"0", ""}, {"0", ""}, {"0", ""},
		{"50126", "Error validating credentials due to invalid username or password."},
		{"50074", "Strong Authentication is required."},
		{"53003", "Access has been blocked by Conditional Access policies."},
		{"50053", "The account is locked, you've tried to sign in too many times with an incorrect user ID or password."},
	}
	signinDevices = []map[string]any{
		{"deviceId": "", "operatingSystem": "Windows 10", "browser": "Edge 130.0.0", "isCompliant": true, "isManaged": true, "trustType": "Azure AD joined"},
		{"deviceId": "", "operatingSystem": "MacOs", "browser": "Chrome 131.0.0", "isCompliant": false, "isManaged": false},
		{"deviceId": "", "operatingSystem": "Ios 17", "browser": "Mobile Safari", "isCompliant": false, "isManaged": false},
		{"deviceId": "", "operatingSystem": "Linux", "browser": "Python Requests 2.31", "isCompliant": false, "isManaged": false},
	}
)

// SigninLogs returns n realistic rows of the Microsoft Entra SigninLogs table (a subset of
// its columns), newest first, spread over the 24 hours before end, deterministically for a
// given n and end. About four in ten sign-ins fail; the failing ones come more often from
// unusual locations and unmanaged devices.
func SigninLogs(n int, end time.Time) QueryTable {
	t := QueryTable{Name: "PrimaryResult", Columns: []QueryColumn{
		{"TimeGenerated", "datetime"}, {"UserPrincipalName", "string"}, {"UserDisplayName", "string"},
		{"AppDisplayName", "string"}, {"IPAddress", "string"}, {"Location", "string"},
		{"ResultType", "string"}, {"ResultDescription", "string"}, {"ClientAppUsed", "string"},
		{"ConditionalAccessStatus", "string"}, {"RiskLevelDuringSignIn", "string"}, {"IsInteractive", "bool"},
		{"AuthenticationRequirement", "string"}, {"DurationMs", "long"}, {"DeviceDetail", "dynamic"},
		{"LocationDetails", "dynamic"}, {"CorrelationId", "string"},
	}}
	rng := rand.New(rand.NewPCG(uint64(n), uint64(end.Unix())))
	end = end.UTC().Truncate(time.Millisecond)
	for i := range n {
		at := end.Add(-time.Duration(float64(24*time.Hour) * (float64(i) + rng.Float64()) / float64(max(n, 1)))).Truncate(time.Millisecond)
		upn := seedUsers[rng.IntN(len(seedUsers))] + "@contoso.com"
		res := signinResults[rng.IntN(len(signinResults))]
		failed := res.code != "0"
		loc := signinLocs[rng.IntN(4)]
		dev := signinDevices[rng.IntN(2)]
		ip := fmt.Sprintf("203.0.113.%d", 10+rng.IntN(40))
		risk := "none"
		if failed {
			loc = signinLocs[rng.IntN(len(signinLocs))]
			dev = signinDevices[rng.IntN(len(signinDevices))]
			ip = fmt.Sprintf("198.51.100.%d", 2+rng.IntN(250))
			risk = []string{"none", "low", "medium", "high"}[rng.IntN(4)]
		}
		if rng.IntN(8) == 0 {
			ip = fmt.Sprintf("2001:db8:%x::%x", rng.IntN(0xffff), 1+rng.IntN(0xfff))
		}
		ca, auth := "success", "multiFactorAuthentication"
		switch res.code {
		case "53003":
			ca = "failure"
		case "50126", "50053":
			ca, auth = "notApplied", "singleFactorAuthentication"
		}
		device := map[string]any{}
		for k, v := range dev {
			device[k] = v
		}
		if dev["isManaged"] == true {
			device["deviceId"] = guidFrom(upn + "/device")
		}
		interactive := rng.IntN(4) != 0
		t.Rows = append(t.Rows, []any{
			at, upn, displayName(upn),
			signinApps[rng.IntN(len(signinApps))], ip, loc.country,
			res.code, res.text, []string{"Browser", "Mobile Apps and Desktop clients"}[rng.IntN(2)],
			ca, risk, interactive,
			auth, int64(30 + rng.IntN(2500)), device,
			map[string]any{"city": loc.city, "state": loc.state, "countryOrRegion": loc.country},
			guidFrom(fmt.Sprintf("%s/%d/%d", upn, at.UnixNano(), i)),
		})
	}
	return t
}
