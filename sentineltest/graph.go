package sentineltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The emulated Microsoft Graph security API (v1.0) on the server's Graph host (GraphEndpoint,
// another origin than the ARM endpoint): incidents (list with $filter, $top, $skip, $count and
// $expand=alerts; get; PATCH; comments), alerts_v2 (list, get, PATCH, comments) with their
// evidence, and runHuntingQuery (graph_hunting.go). Incidents and alerts are JSON objects the
// emulator stores as given (unknown members included); each Graph incident created through
// GraphData is mirrored by a Sentinel incident of the default workspace with providerName
// "Microsoft XDR" and providerIncidentId the Graph incident's id, as the Defender XDR
// connector does. Later changes on one side are not synchronised to the other.
//
// Lists are newest first and page by $top (default: the server's page size) and $skip, with
// an absolute @odata.nextLink. $filter takes comparisons on status, severity, assignedTo,
// classification, determination, createdDateTime and lastUpdateDateTime (incidents), plus
// serviceSource and incidentId (alerts), and the lambda customTags/any(t:t eq 'x'); string
// comparisons ignore case, as Graph's enums do. Errors use Graph's shape,
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}, with
// request-id and client-request-id headers.

// graphService is the cloud.ServiceName of Microsoft Graph in Cloud (defender.ServiceName).
const graphService = "msgraph"

// graphTenant is the emulated tenant.
const graphTenant = "b3c1b5fc-828c-45fa-a1e1-10d74f6d6e9c"

// graphState is the server's Graph data.
type graphState struct {
	incidents *collection
	alerts    *collection
	nextID    int64 // incident IDs
	nextAlert int64
	hunting   hunting
}

// graphData returns the server's Graph state, creating it; the caller holds s.mu.
func (s *Server) graphData() *graphState {
	if s.graph == nil {
		s.graph = &graphState{
			incidents: &collection{path: "incidents", docs: map[string]*document{}},
			alerts:    &collection{path: "alerts_v2", docs: map[string]*document{}},
			nextID:    2972395, nextAlert: 1,
			hunting: hunting{byText: map[string]HuntingResponse{}},
		}
	}
	return s.graph
}

// GraphEndpoint is the Graph root to configure (the "msgraph" endpoint of Cloud):
// https://127.0.0.1:port, an origin of its own. The API is below /v1.0/security.
func (s *Server) GraphEndpoint() string { return s.graphTS.URL }

// isGraphPath reports whether path is on the Graph API (/v1.0/...).
func isGraphPath(path string) bool {
	return len(path) >= 6 && strings.EqualFold(path[:6], "/v1.0/")
}

// onItsHost reports whether r came to the host that serves its path: Graph paths on the
// Graph host, everything else on the ARM (and Log Analytics) host.
func (s *Server) onItsHost(r *http.Request) bool {
	graphHost := strings.TrimPrefix(s.graphTS.URL, "https://")
	return isGraphPath(r.URL.Path) == strings.EqualFold(r.Host, graphHost)
}

// writeGraphAwareNotFound answers a request on the wrong host as that host would.
func writeGraphAwareNotFound(w http.ResponseWriter, r *http.Request) {
	if isGraphPath(r.URL.Path) {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("The requested resource '%s' was not found.", r.URL.Path))
		return
	}
	writeGraphError(w, r, http.StatusBadRequest, "BadRequest", "Invalid version: "+firstSegment(r.URL.Path))
}

func firstSegment(p string) string {
	s, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return s
}

func lastSegment(p string) string {
	p = strings.TrimSuffix(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

// writeGraphError is the emulator's one writer of Graph errors.
func writeGraphError(w http.ResponseWriter, r *http.Request, status int, code, msg string) {
	id := requestID()
	inner := map[string]any{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": id}
	if cid := r.Header.Get("client-request-id"); cid != "" {
		inner["client-request-id"] = cid
		w.Header().Set("client-request-id", cid)
	}
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": inner}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", id)
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeGraph answers a Graph success with body b.
func writeGraph(w http.ResponseWriter, r *http.Request, b []byte) {
	if cid := r.Header.Get("client-request-id"); cid != "" {
		w.Header().Set("client-request-id", cid)
	}
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8")
	w.Header().Set("request-id", requestID())
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// graphFaultCode is the Graph error code of a fault's status.
func graphFaultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	case http.StatusServiceUnavailable:
		return "serviceNotAvailable"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusConflict:
		return "Conflict"
	}
	return "generalException"
}

// gcall is one Graph request being handled, with the server locked.
type gcall struct {
	s *Server
	g *graphState
	w http.ResponseWriter
	r *http.Request
}

func (c *gcall) fail(status int, code, msg string) { writeGraphError(c.w, c.r, status, code, msg) }

// graphRoute registers a handler of a path below /v1.0/security; it runs with the server
// locked.
func (s *Server) graphRoute(method, subpath string, h func(c *gcall)) {
	s.router.handle(method, "/v1.0/security/"+subpath, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		h(&gcall{s: s, g: s.graphData(), w: w, r: r})
	})
}

func init() {
	register(func(s *Server) {
		s.graphRoute("GET", "incidents", func(c *gcall) { c.list(c.g.incidents, graphIncidentPaths, true) })
		s.graphRoute("GET", "incidents/{id}", func(c *gcall) { c.get(c.g.incidents, "Incident", true) })
		s.graphRoute("PATCH", "incidents/{id}", func(c *gcall) { c.patch(c.g.incidents, "Incident", incidentWritable) })
		s.graphRoute("POST", "incidents/{id}/comments", func(c *gcall) { c.comment(c.g.incidents, "Incident", "incidents") })
		s.graphRoute("GET", "alerts_v2", func(c *gcall) { c.list(c.g.alerts, graphAlertPaths, false) })
		s.graphRoute("GET", "alerts_v2/{id}", func(c *gcall) { c.get(c.g.alerts, "Alert", false) })
		s.graphRoute("PATCH", "alerts_v2/{id}", func(c *gcall) { c.patch(c.g.alerts, "Alert", alertWritable) })
		s.graphRoute("POST", "alerts_v2/{id}/comments", func(c *gcall) { c.comment(c.g.alerts, "Alert", "alerts_v2") })
	})
}

var (
	graphIncidentPaths = map[string]bool{
		"status": true, "severity": true, "assignedto": true, "classification": true, "determination": true,
		"createddatetime": true, "lastupdatedatetime": true, "customtags": true, "customtags/*": true,
	}
	graphAlertPaths = map[string]bool{
		"status": true, "severity": true, "assignedto": true, "classification": true, "determination": true,
		"createddatetime": true, "lastupdatedatetime": true, "servicesource": true, "incidentid": true,
	}
)

// graphContext is the @odata.context of a list or resource.
func (c *gcall) context(coll string, entity bool) string {
	s := "https://graph.microsoft.com/v1.0/$metadata#security/" + coll
	if entity {
		s += "/$entity"
	}
	return s
}

// list answers a list: $filter, newest first, $top and $skip, $count, $expand=alerts.
func (c *gcall) list(coll *collection, paths map[string]bool, incidents bool) {
	q := c.r.URL.Query()
	docs := coll.sorted()
	docs, err := filterDocs(docs, q.Get("$filter"), paths, true)
	if err != nil {
		c.fail(http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
		return
	}
	expand, ok := c.expand(incidents)
	if !ok {
		return
	}
	sort.SliceStable(docs, func(i, j int) bool { // newest first
		ti, _ := parseTime(str(docs[i].obj["createdDateTime"]))
		tj, _ := parseTime(str(docs[j].obj["createdDateTime"]))
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return docs[i].seq > docs[j].seq
	})
	top, skip := c.s.pageDefault, 0
	for _, p := range []struct {
		name string
		v    *int
		min  int
	}{{"$top", &top, 1}, {"$skip", &skip, 0}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < p.min {
				c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid value '%s' for %s.", v, p.name))
				return
			}
			*p.v = n
		}
	}
	name := lastSegment(c.r.URL.Path)
	out := map[string]any{"@odata.context": c.context(name, false)}
	if strings.EqualFold(q.Get("$count"), "true") {
		out["@odata.count"] = len(docs)
	}
	start := min(skip, len(docs))
	end := min(start+top, len(docs))
	value := make([]any, 0, end-start)
	for _, d := range docs[start:end] {
		value = append(value, c.view(d, expand))
	}
	out["value"] = value
	if end < len(docs) {
		q.Set("$skip", strconv.Itoa(end))
		if q.Get("$top") == "" {
			q.Set("$top", strconv.Itoa(top))
		}
		out["@odata.nextLink"] = "https://" + c.r.Host + c.r.URL.EscapedPath() + "?" + encodeQuery(q)
	}
	b, _ := json.Marshal(out)
	writeGraph(c.w, c.r, b)
}

// expand checks $expand: incidents take "alerts", alerts nothing.
func (c *gcall) expand(incidents bool) (bool, bool) {
	e := c.r.URL.Query().Get("$expand")
	switch {
	case e == "":
		return false, true
	case incidents && strings.EqualFold(e, "alerts"):
		return true, true
	}
	c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Could not find a property named '%s' on type 'microsoft.graph.security.%s'.", e, map[bool]string{true: "incident", false: "alert"}[incidents]))
	return false, false
}

// view returns a stored incident or alert as sent, with its alerts when expanded.
func (c *gcall) view(d *document, expandAlerts bool) map[string]any {
	obj := deepCopy(d.obj).(map[string]any)
	if expandAlerts {
		alerts := []any{}
		for _, a := range c.g.alerts.sorted() {
			if str(a.obj["incidentId"]) == d.name {
				alerts = append(alerts, deepCopy(a.obj))
			}
		}
		obj["alerts"] = alerts
	}
	return obj
}

// get answers one incident or alert.
func (c *gcall) get(coll *collection, noun string, incidents bool) {
	d := coll.get(c.r.PathValue("id"))
	if d == nil {
		c.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("%s %s was not found.", noun, c.r.PathValue("id")))
		return
	}
	expand, ok := c.expand(incidents)
	if !ok {
		return
	}
	obj := c.view(d, expand)
	obj["@odata.context"] = c.context(coll.path, true)
	b, _ := json.Marshal(obj)
	writeGraph(c.w, c.r, b)
}

// A writable member of a PATCH: the values it takes (nil: any string; "[]": a list of
// strings), compared without regard to case.
type writable map[string][]string

var (
	incidentWritable = writable{
		"status":         {"active", "resolved", "inProgress", "redirected", "awaitingAction", "unknownFutureValue"},
		"classification": {"unknown", "falsePositive", "truePositive", "informationalExpectedActivity", "unknownFutureValue"},
		"determination":  determinations,
		"assignedTo":     nil, "description": nil, "resolvingComment": nil, "summary": nil,
		"customTags": {"[]"},
	}
	alertWritable = writable{
		"status":         {"unknown", "new", "inProgress", "resolved", "unknownFutureValue"},
		"classification": {"unknown", "falsePositive", "truePositive", "informationalExpectedActivity", "unknownFutureValue"},
		"determination":  determinations,
		"assignedTo":     nil,
	}
	// determinations in both spellings the documentation uses.
	determinations = []string{"unknown", "apt", "malware", "securityPersonnel", "securityTesting", "unwantedSoftware",
		"other", "multiStagedAttack", "compromisedAccount", "compromisedUser", "phishing", "maliciousUserActivity",
		"notMalicious", "clean", "notEnoughDataToValidate", "insufficientData", "confirmedActivity",
		"confirmedUserActivity", "lineOfBusinessApplication", "unknownFutureValue"}
)

// patch applies a partial update: only the members sent change, each must be writable and
// of its type; anything else is 400 and nothing changes.
func (c *gcall) patch(coll *collection, noun string, allowed writable) {
	d := coll.get(c.r.PathValue("id"))
	if d == nil {
		c.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("%s %s was not found.", noun, c.r.PathValue("id")))
		return
	}
	var req map[string]any
	dec := json.NewDecoder(c.r.Body)
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil || req == nil {
		c.fail(http.StatusBadRequest, "BadRequest", "Empty Payload. JSON content expected.")
		return
	}
	for k, v := range req {
		if k == "@odata.type" {
			continue
		}
		values, ok := allowed[k]
		if !ok {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Property '%s' can not be updated on type '%s'.", k, noun))
			return
		}
		if msg := checkWritable(k, v, values); msg != "" {
			c.fail(http.StatusBadRequest, "BadRequest", msg)
			return
		}
	}
	for k, v := range req {
		if k != "@odata.type" {
			d.obj[k] = deepCopy(v)
		}
	}
	now := formatTime(c.s.now())
	d.obj["lastUpdateDateTime"] = now
	if noun == "Incident" {
		d.obj["lastModifiedBy"] = "sentineltest@contoso.com"
	}
	if noun == "Alert" && strings.EqualFold(str(req["status"]), "resolved") {
		d.obj["resolvedDateTime"] = now
	}
	d.touch()
	obj := c.view(d, false)
	obj["@odata.context"] = c.context(coll.path, true)
	b, _ := json.Marshal(obj)
	writeGraph(c.w, c.r, b)
}

func checkWritable(k string, v any, values []string) string {
	switch {
	case len(values) == 1 && values[0] == "[]":
		list, ok := v.([]any)
		if !ok {
			return fmt.Sprintf("Cannot convert the literal to the expected type 'Collection(Edm.String)' for '%s'.", k)
		}
		for _, x := range list {
			if _, ok := x.(string); !ok {
				return fmt.Sprintf("Cannot convert an item of '%s' to 'Edm.String'.", k)
			}
		}
		return ""
	case v == nil:
		if values == nil {
			return ""
		}
		return fmt.Sprintf("Property '%s' cannot be null.", k)
	}
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("Cannot convert the literal to the expected type 'Edm.String' for '%s'.", k)
	}
	if values == nil {
		return ""
	}
	for _, x := range values {
		if strings.EqualFold(x, s) {
			return ""
		}
	}
	return fmt.Sprintf("Requested value '%s' was not found in the enumeration of '%s'.", s, k)
}

// comment adds a comment and answers with every comment of the incident or alert.
func (c *gcall) comment(coll *collection, noun, path string) {
	d := coll.get(c.r.PathValue("id"))
	if d == nil {
		c.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("%s %s was not found.", noun, c.r.PathValue("id")))
		return
	}
	var req map[string]any
	if err := json.NewDecoder(c.r.Body).Decode(&req); err != nil || req == nil {
		c.fail(http.StatusBadRequest, "BadRequest", "Empty Payload. JSON content expected.")
		return
	}
	text, _ := req["comment"].(string)
	if strings.TrimSpace(text) == "" {
		c.fail(http.StatusBadRequest, "BadRequest", "The comment is required.")
		return
	}
	comments, _ := d.obj["comments"].([]any)
	comments = append(comments, map[string]any{
		"@odata.type": "#microsoft.graph.security.alertComment", "comment": text,
		"createdByDisplayName": "sentineltest@contoso.com", "createdDateTime": formatTime(c.s.now()),
	})
	d.obj["comments"] = comments
	d.obj["lastUpdateDateTime"] = formatTime(c.s.now())
	d.touch()
	b, _ := json.Marshal(map[string]any{
		"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/" + path + "('" + url.PathEscape(d.name) + "')/comments",
		"value":          deepCopy(comments),
	})
	writeGraph(c.w, c.r, b)
}

// str returns v when it is a string, else "".
func str(v any) string {
	s, _ := v.(string)
	return s
}
