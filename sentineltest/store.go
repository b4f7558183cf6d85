package sentineltest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
)

// workspace is the state of one emulated workspace: collections of ARM resources by path.
type workspace struct {
	info        WorkspaceInfo
	collections map[string]*collection // by lower-case collection path, e.g. "incidents" or "incidents/<id>/comments"
	nextNumber  int64                  // incident numbers
	data        map[string]any         // per-resource extra state, keyed by the resource file
}

func newWorkspace(info WorkspaceInfo) *workspace {
	return &workspace{info: info, collections: map[string]*collection{}, nextNumber: 1, data: map[string]any{}}
}

// prefix is the ARM ID prefix of the workspace's Microsoft.SecurityInsights resources.
func (ws *workspace) prefix() string {
	return "/subscriptions/" + ws.info.SubscriptionID + "/resourceGroups/" + ws.info.ResourceGroup +
		"/providers/Microsoft.OperationalInsights/workspaces/" + ws.info.Name + "/providers/Microsoft.SecurityInsights"
}

// coll returns the collection at path, creating it.
func (ws *workspace) coll(path string) *collection {
	k := strings.ToLower(path)
	c := ws.collections[k]
	if c == nil {
		c = &collection{path: path, docs: map[string]*document{}}
		ws.collections[k] = c
	}
	return c
}

// dropColls removes every collection under path (used when a parent resource is deleted).
func (ws *workspace) dropColls(path string) {
	p := strings.ToLower(path) + "/"
	for k := range ws.collections {
		if strings.HasPrefix(k, p) {
			delete(ws.collections, k)
		}
	}
}

// document is one stored resource, as the JSON object the server returns.
type document struct {
	name string
	obj  map[string]any
	seq  int64
	raw  []byte // cached encoding of obj; nil after a change
	// hidden documents exist but are not listed or returned yet, like an incident the
	// service has not finished indexing.
	hidden bool
}

func (d *document) encode() []byte {
	if d.raw == nil {
		d.raw, _ = json.Marshal(d.obj)
	}
	return d.raw
}

// touch invalidates the cached encoding after obj changed.
func (d *document) touch() { d.raw = nil }

func (d *document) props() map[string]any {
	p, _ := d.obj["properties"].(map[string]any)
	if p == nil {
		p = map[string]any{}
		d.obj["properties"] = p
	}
	return p
}

type collection struct {
	path string
	docs map[string]*document
	seq  int64
}

func (c *collection) get(name string) *document {
	if d := c.docs[strings.ToLower(name)]; d != nil && !d.hidden {
		return d
	}
	return nil
}

func (c *collection) put(d *document) {
	if d.seq == 0 {
		c.seq++
		d.seq = c.seq
	}
	d.touch()
	c.docs[strings.ToLower(d.name)] = d
}

func (c *collection) remove(name string) bool {
	k := strings.ToLower(name)
	_, ok := c.docs[k]
	delete(c.docs, k)
	return ok
}

// sorted returns the documents in insertion order.
func (c *collection) sorted() []*document {
	out := make([]*document, 0, len(c.docs))
	for _, d := range c.docs {
		if !d.hidden {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// newEtag returns a fresh quoted etag in the service's style.
func (s *Server) newEtag() string {
	s.etagSeq++
	return fmt.Sprintf("\"%08x-0000-0000-0000-%012x\"", s.etagSeq, s.now().UnixNano()/1e6)
}

// call is one request being handled, with the server locked.
type call struct {
	s  *Server
	ws *workspace
	w  http.ResponseWriter
	r  *http.Request
	// version is the request's api-version; answers are shaped by it (see features).
	version apiVersion
	// order is the list's sort order (from $orderby); page breaks ties by insertion order.
	order []orderKey
}

// resourceKind describes a type of resource the emulator stores: its ARM type and how the
// service answers for it where resource types differ.
type resourceKind struct {
	// typ is the ARM type, as the service writes it in "type".
	typ string
	// noun names the resource in error messages, e.g. "Incident".
	noun string
	// createStatus is the status of a PUT that creates the resource; 0 means 201.
	createStatus int
	// notFoundCode is the error code of a 404 for the resource; "" means "NotFound".
	notFoundCode string
}

// readObject decodes the request body as a JSON object; on failure it answers 400 and
// returns nil.
func (c *call) readObject() map[string]any {
	var m map[string]any
	dec := json.NewDecoder(c.r.Body)
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		c.fail(http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
		return nil
	}
	return m
}

func (c *call) write(status int, v any) {
	var b []byte
	switch v := v.(type) {
	case []byte:
		b = v
	case *document:
		b = c.encodeDoc(v)
	default:
		b, _ = json.Marshal(v)
	}
	writeRaw(c.w, status, b)
}

// encodeDoc returns a stored resource as the service sends it at the request's api-version:
// its cached encoding, or the encoding of a copy its type's view has shaped.
func (c *call) encodeDoc(d *document) []byte {
	typ, _ := d.obj["type"].(string)
	v := views[typ]
	if v == nil {
		return d.encode()
	}
	shape := v(c.version)
	if shape == nil {
		return d.encode()
	}
	obj := deepCopy(d.obj).(map[string]any)
	shape(obj)
	b, _ := json.Marshal(obj)
	return b
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("x-ms-request-id", requestID())
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// fail answers an ARM error; see writeError.
func (c *call) fail(status int, code, msg string) { writeError(c.w, status, code, msg) }

// notFound answers 404 for the resource name of kind k, with the code the service uses for
// that kind.
func (c *call) notFound(k *resourceKind, name string) {
	code := k.notFoundCode
	if code == "" {
		code = "NotFound"
	}
	c.fail(http.StatusNotFound, code, fmt.Sprintf("%s '%s' was not found.", k.noun, name))
}

// writeError is the emulator's one writer of ARM errors: the service's CloudError shape,
// {"error":{"code","message"}}, as JSON with an x-ms-request-id header. (The Log Analytics
// query API has its own shape; see writeQueryError.)
func writeError(w http.ResponseWriter, status int, code, msg string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": msg}})
	writeRaw(w, status, b)
}

var reqSeq atomic.Uint64

func requestID() string {
	return fmt.Sprintf("00000000-0000-4000-8000-%012d", reqSeq.Add(1))
}

// page writes one page of docs (sorted by c.order, then insertion order) for a list request,
// honouring $top (default: the server's page size; at most maxTop) and $skipToken, with an
// absolute nextLink that repeats the request's query with a new $skipToken. A skip token
// holds the sort key of the last item sent (keyset paging), so items created, deleted or
// reordered while a client pages are neither skipped nor repeated because of a shifted offset.
func (c *call) page(docs []*document, maxTop int) {
	q := c.r.URL.Query()
	top := c.s.pageDefault
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			c.fail(http.StatusBadRequest, "BadRequest", "The value of $top must be a positive integer.")
			return
		}
		if maxTop > 0 && n > maxTop {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The value of $top must be at most %d.", maxTop))
			return
		}
		top = n
	}
	start, ok := c.resume(docs, q.Get("$skipToken"))
	if !ok {
		c.fail(http.StatusBadRequest, "BadRequest", "The $skipToken is invalid.")
		return
	}
	c.writePage(docs, start, top, q)
}

// list answers a list request over docs, applying the request's $filter and $orderby
// (the subset documented on Server, on the given lower-case paths), then paging.
func (c *call) list(docs []*document, paths map[string]bool, maxTop int) {
	q := c.r.URL.Query()
	docs, err := filterDocs(docs, q.Get("$filter"), paths, false)
	if err != nil {
		c.fail(http.StatusBadRequest, "BadRequest", "Invalid $filter: "+err.Error())
		return
	}
	if o := q.Get("$orderby"); o != "" {
		keys, err := parseOrderBy(o, paths)
		if err != nil {
			c.fail(http.StatusBadRequest, "BadRequest", "Invalid $orderby: "+err.Error())
			return
		}
		sortDocs(docs, keys)
		c.order = keys
	}
	c.page(docs, maxTop)
}

// resume returns the index of the first of docs after the skip token tok ("" is the start).
func (c *call) resume(docs []*document, tok string) (int, bool) {
	if tok == "" {
		return 0, true
	}
	after, ok := decodeSkipToken(tok)
	if !ok || len(after.Keys) != len(c.order) {
		return 0, false
	}
	return sort.Search(len(docs), func(i int) bool { return c.compareKey(docs[i], after) > 0 }), true
}

// writePage writes docs[start:start+top] as a page, with a nextLink to the request's path
// and query q with a new $skipToken when more remain.
func (c *call) writePage(docs []*document, start, top int, q url.Values) {
	if start > len(docs) {
		start = len(docs)
	}
	end := min(start+top, len(docs))
	var b strings.Builder
	b.WriteString(`{"value":[`)
	for i, d := range docs[start:end] {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(c.encodeDoc(d))
	}
	b.WriteString("]")
	if end < len(docs) {
		q.Set("$skipToken", encodeSkipToken(c.keyOf(docs[end-1])))
		link := "https://" + c.r.Host + c.r.URL.EscapedPath() + "?" + encodeQuery(q)
		nl, _ := json.Marshal(link)
		b.WriteString(`,"nextLink":`)
		b.Write(nl)
	}
	b.WriteString("}")
	writeRaw(c.w, http.StatusOK, []byte(b.String()))
}

// pageKey is the position of an item in a sorted list: its sort key values and sequence.
type pageKey struct {
	Keys []any `json:"k"`
	Seq  int64 `json:"s"`
}

func (c *call) keyOf(d *document) pageKey {
	k := pageKey{Keys: make([]any, len(c.order)), Seq: d.seq}
	for i, o := range c.order {
		k.Keys[i] = lookup(d.obj, o.path)
	}
	return k
}

// compareKey orders d against a key in the list's order.
func (c *call) compareKey(d *document, k pageKey) int {
	for i, o := range c.order {
		v := compareValues(lookup(d.obj, o.path), k.Keys[i])
		if o.desc {
			v = -v
		}
		if v != 0 {
			return v
		}
	}
	switch {
	case d.seq < k.Seq:
		return -1
	case d.seq > k.Seq:
		return 1
	}
	return 0
}

// encodeQuery encodes q with api-version first and '$' kept literal, as ARM writes nextLinks.
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i] == "api-version" || keys[j] == "api-version" {
			return keys[i] == "api-version"
		}
		return keys[i] < keys[j]
	})
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, strings.ReplaceAll(url.QueryEscape(k), "%24", "$")+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	return strings.Join(parts, "&")
}

func encodeSkipToken(k pageKey) string {
	b, _ := json.Marshal(k)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeSkipToken(tok string) (pageKey, bool) {
	var k pageKey
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return k, false
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	return k, dec.Decode(&k) == nil
}

// idSegments are the resource type segments the service writes in IDs in another casing
// than its request paths, by lower-case segment: ".../Incidents/{id}/Comments/{id}",
// ".../Watchlists/{alias}/WatchlistItems/{id}". Other segments keep the casing of the
// emulator's routes ("alertRules", "threatIntelligence/main/indicators", ...).
var idSegments = map[string]string{
	"incidents":      "Incidents",
	"comments":       "Comments",
	"watchlists":     "Watchlists",
	"watchlistitems": "WatchlistItems",
}

// resourceID is the emulator's one builder of ARM IDs: the ID of the resource at sub-path p
// of the workspace's Microsoft.SecurityInsights provider (alternating type and name
// segments, e.g. "incidents/x/comments/y"), with type segments in the service's casing.
func (ws *workspace) resourceID(p string) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	for i := 0; i < len(segs); i += 2 {
		if canon, ok := idSegments[strings.ToLower(segs[i])]; ok {
			segs[i] = canon
		}
	}
	return ws.prefix() + "/" + strings.Join(segs, "/")
}

// putDoc is the common create-or-update of a resource with the service's etag semantics: a
// PUT without an etag creates or overwrites (the last writer wins); a PUT whose etag is not
// the resource's current one is 409 Conflict. build receives the request object and the
// existing document (nil when new) and returns the object to store, or ok=false when it has
// already answered with an error. putDoc answers 200 for an update and k's create status
// for a new resource.
func (c *call) putDoc(coll *collection, name string, k *resourceKind, build func(req map[string]any, old *document) (map[string]any, bool)) {
	req := c.readObject()
	if req == nil {
		return
	}
	old := coll.get(name)
	if old != nil && !c.etagMatches(req, old, name) {
		return
	}
	obj, ok := build(req, old)
	if !ok {
		return
	}
	if old != nil {
		name = old.name
	}
	obj["id"] = c.ws.resourceID(coll.path + "/" + name)
	obj["name"] = name
	obj["type"] = k.typ
	obj["etag"] = c.s.newEtag()
	d := &document{name: name, obj: obj}
	status := k.createStatus
	if status == 0 {
		status = http.StatusCreated
	}
	if old != nil {
		d.seq = old.seq
		status = http.StatusOK
	}
	coll.put(d)
	c.write(status, d)
}

// etagMatches checks the etag of a write to the existing resource d: none (the write
// overwrites) or d's current one. Otherwise it answers 409 Conflict and returns false.
func (c *call) etagMatches(req map[string]any, d *document, name string) bool {
	etag, _ := req["etag"].(string)
	if etag == "" || etag == d.obj["etag"] {
		return true
	}
	c.fail(http.StatusConflict, "Conflict", fmt.Sprintf("Newer version of resource '%s' exists. Data was not saved", name))
	return false
}

// getDoc answers a GET of one resource.
func (c *call) getDoc(coll *collection, k *resourceKind, name string) {
	d := coll.get(name)
	if d == nil {
		c.notFound(k, name)
		return
	}
	c.write(http.StatusOK, d)
}

// deleteDoc answers a DELETE: 200 with {} when the resource existed, 204 when not.
func (c *call) deleteDoc(coll *collection, name string) {
	if coll.remove(name) {
		c.ws.dropColls(coll.path + "/" + name)
		c.write(http.StatusOK, []byte("{}"))
		return
	}
	c.noContent()
}

// noContent answers 204 with the service's request ID and no body.
func (c *call) noContent() {
	c.w.Header().Set("x-ms-request-id", requestID())
	c.w.WriteHeader(http.StatusNoContent)
}

// deepCopy copies a JSON value.
func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = deepCopy(x)
		}
		return s
	}
	return v
}

// storeDoc stores obj as resource name of the collection at path, as if written through the
// API: it sets id, name, type and a new etag, keeps the creation order of an existing
// resource, and returns the etag. The server must be locked.
func (ws *workspace) storeDoc(s *Server, path, name string, k *resourceKind, obj map[string]any) string {
	obj = deepCopy(obj).(map[string]any)
	coll := ws.coll(path)
	d := &document{name: name, obj: obj}
	if old := coll.get(name); old != nil {
		d.name, d.seq = old.name, old.seq
	}
	obj["id"] = ws.resourceID(coll.path + "/" + d.name)
	obj["name"] = d.name
	obj["type"] = k.typ
	etag := s.newEtag()
	obj["etag"] = etag
	coll.put(d)
	return etag
}

// docCopy returns a copy of a stored resource as the server would send it, or nil.
func (d *document) docCopy() map[string]any {
	if d == nil {
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(d.encode())))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

// keepTopLevel copies the request's top-level members other than the envelope and
// properties into obj, as ARM stores e.g. systemData.
func keepTopLevel(req, obj map[string]any) {
	for k, v := range req {
		switch k {
		case "properties", "etag", "id", "name", "type":
		default:
			if _, set := obj[k]; !set {
				obj[k] = deepCopy(v)
			}
		}
	}
}
