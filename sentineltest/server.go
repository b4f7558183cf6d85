// Package sentineltest is an in-memory Microsoft Sentinel for tests: a stateful emulator of
// the Microsoft.SecurityInsights REST API (and the Log Analytics query API) served over TLS on
// loopback, with fault injection and a request log.
//
// It is an independent implementation of the wire format: it shares no types or decoders with
// package sentinel, so a mistake in the SDK's models cannot hide on both sides. Package
// sentineltest/testclient gives a sentinel client for it in one call:
//
//	client, srv := testclient.New(t) // closed when the test ends
//	name := srv.AddIncident(sentineltest.IncidentSeed{Title: "CEO sign-in", Labels: []string{"vip"},
//		Entities: []sentineltest.Entity{sentineltest.Account("ceo@contoso.com")}})
//	// ... run the code under test with client ...
//	inc, _ := srv.GetIncident(name) // an IncidentView: typed fields and the raw resource
//
// Seeding (AddIncident, IncidentSeed, the entity builders) and inspection (GetIncident,
// IncidentView) use the emulator's own small types; the map-based CreateIncident,
// ModifyIncident and Incident remain for raw shapes.
//
// Behaviour follows the real service, as recorded from live sessions and checked by the
// package's fidelity suite (testdata/fidelity): a PUT to an existing resource overwrites it
// (the last writer wins) unless it carries an etag, and a stale etag is 409 Conflict; lists
// page by $top (default 50, at most 1000) with absolute nextLinks carrying $skipToken;
// incidents support $orderby and a $filter subset (see [Server] for the grammar); paths match
// without regard to case; answers are shaped by the request's api-version; errors, also for
// paths the emulator does not serve, use the service's {"error":{"code","message"}} shape
// with an x-ms-request-id header. It runs the workspace's automation rules on incidents
// created and updated through it and records playbook runs (see AutomationRuns and
// PlaybookRuns). What the emulator does not model is listed in the README.
package sentineltest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Token is the bearer token Credential issues and the server requires.
const Token = "sentineltest-token"

// WorkspaceInfo names an emulated workspace.
type WorkspaceInfo struct {
	SubscriptionID string
	ResourceGroup  string
	Name           string
	// CustomerID is the workspace GUID of the Log Analytics query API.
	CustomerID string
}

// Server is a running emulator. Its methods are safe for concurrent use, also while the
// server handles requests.
//
// The $filter grammar for incidents: comparisons `path op literal` with op one of eq, ne, gt,
// ge, lt, le; `contains(path,'text')` (case-insensitive); combined with and, or, not and
// parentheses. Paths are properties/severity, properties/status, properties/classification,
// properties/owner/{objectId,email,userPrincipalName,assignedTo}, properties/title,
// properties/createdTimeUtc, properties/lastModifiedTimeUtc and properties/incidentNumber.
// Literals are 'strings' (quote doubled to escape), numbers, unquoted date-times and null.
// The lambdas any() and all() range over properties/labels (items with labelName and
// labelType), properties/additionalData/tactics and properties/additionalData/alertProductNames
// (strings): `properties/labels/any(l: l/labelName eq 'vip')`,
// `properties/additionalData/tactics/any(t: t eq 'Execution')`, `properties/labels/all(l:
// l/labelType eq 'User')` (true for no labels) and `properties/labels/any()` (has a label);
// the body may use any of the above, nested lambdas and the paths of the incident.
// $orderby takes one or more of those paths (not collections) with asc or desc.
type Server struct {
	ts       *httptest.Server
	graphTS  *httptest.Server // the Microsoft Graph host (see graph.go)
	router   router
	basePath string

	mu          sync.Mutex
	workspaces  map[string]*workspace // by lower-case "sub/rg/name"
	def         *workspace
	now         func() time.Time
	pageDefault int
	requests    []Request
	faults      []*Fault
	latency     time.Duration
	hook        func(Request)
	etagSeq     uint64
	graph       *graphState
}

// Option configures NewServer.
type Option func(*Server)

// WithBasePath serves the ARM API under a path prefix such as "/arm", so that a client that
// builds URLs by hand instead of from its endpoint fails.
func WithBasePath(p string) Option {
	return func(s *Server) { s.basePath = "/" + strings.Trim(p, "/") }
}

// WithClock sets the server's clock, used for created and modified times.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithDefaultPageSize sets the page size used when a list has no $top (the service uses 50).
func WithDefaultPageSize(n int) Option { return func(s *Server) { s.pageDefault = n } }

var (
	routesMu sync.Mutex
	routes   []func(*Server)
)

// register adds routes to every server; each resource file calls it from init.
func register(f func(*Server)) {
	routesMu.Lock()
	routes = append(routes, f)
	routesMu.Unlock()
}

// NewServer starts an emulator with one workspace (see Workspace). Close it when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		workspaces:  map[string]*workspace{},
		now:         func() time.Time { return time.Now().UTC() },
		pageDefault: 50,
	}
	for _, o := range opts {
		o(s)
	}
	if s.basePath == "/" {
		s.basePath = ""
	}
	s.def = s.addWorkspace(WorkspaceInfo{
		SubscriptionID: "00000000-1111-2222-3333-444444444444",
		ResourceGroup:  "soc-rg",
		Name:           "soc-workspace",
		CustomerID:     "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
	})
	routesMu.Lock()
	for _, r := range routes {
		r(s)
	}
	routesMu.Unlock()
	s.ts = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.ts.Config.ErrorLog = log.New(io.Discard, "", 0) // clients hanging up are not news
	s.ts.StartTLS()
	s.graphTS = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.graphTS.Config.ErrorLog = s.ts.Config.ErrorLog
	s.graphTS.StartTLS()
	return s
}

// Close shuts the server down.
func (s *Server) Close() {
	s.ts.Close()
	s.graphTS.Close()
}

// URL is the server's origin, https://127.0.0.1:port.
func (s *Server) URL() string { return s.ts.URL }

// Endpoint is the ARM endpoint to configure: URL plus the base path.
func (s *Server) Endpoint() string { return s.ts.URL + s.basePath }

// HTTPClient returns an *http.Client that trusts the server's certificate; use it as the
// client's Transport.
func (s *Server) HTTPClient() *http.Client { return s.ts.Client() }

// Cloud returns a cloud configuration whose ARM and Log Analytics endpoints are this server,
// and whose Microsoft Graph endpoint (service "msgraph", defender.ServiceName) is its Graph
// host (GraphEndpoint), another origin.
func (s *Server) Cloud() cloud.Configuration {
	return cloud.Configuration{
		ActiveDirectoryAuthorityHost: s.ts.URL + "/",
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: s.Endpoint(), Audience: s.Endpoint()},
			"query/azlogs":        {Endpoint: s.ts.URL, Audience: s.ts.URL},
			graphService:          {Endpoint: s.graphTS.URL, Audience: s.graphTS.URL},
		},
	}
}

// Credential returns a credential that issues Token.
func (s *Server) Credential() azcore.TokenCredential { return staticCredential{} }

type staticCredential struct{}

func (staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: Token, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// Workspace returns the default workspace.
func (s *Server) Workspace() WorkspaceInfo { return s.def.info }

// Workspace returns the names of the workspace whose data d is.
func (d *WorkspaceData) Workspace() WorkspaceInfo { return d.ws.info }

// AddWorkspace adds an empty workspace in the default subscription and resource group and
// returns it.
func (s *Server) AddWorkspace(name string) WorkspaceInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := sha256.Sum256([]byte(name))
	h := hex.EncodeToString(sum[:16])
	info := WorkspaceInfo{
		SubscriptionID: s.def.info.SubscriptionID, ResourceGroup: s.def.info.ResourceGroup, Name: name,
		CustomerID: h[0:8] + "-" + h[8:12] + "-4" + h[13:16] + "-8" + h[17:20] + "-" + h[20:32],
	}
	return s.addWorkspace(info).info
}

func (s *Server) addWorkspace(info WorkspaceInfo) *workspace {
	ws := newWorkspace(info)
	s.workspaces[wsKey(info.SubscriptionID, info.ResourceGroup, info.Name)] = ws
	return ws
}

func wsKey(sub, rg, name string) string {
	return strings.ToLower(sub + "/" + rg + "/" + name)
}

// SetClock replaces the server's clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// SetLatency delays every response by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// OnRequest sets a function called with each request before it is handled, outside the
// server's lock, so it may call the server's methods (for example to create incidents while
// a client is paging). nil removes it.
func (s *Server) OnRequest(f func(Request)) {
	s.mu.Lock()
	s.hook = f
	s.mu.Unlock()
}

// Request is one request as the server received it.
type Request struct {
	Method string
	// Path is the escaped path as sent, base path included.
	Path string
	// RawQuery is the query string as sent.
	RawQuery string
	Query    url.Values
	// Authorized reports whether the request carried the expected bearer token;
	// Authorization is the header's value as sent ("" when absent).
	Authorized    bool
	Authorization string
	Body          []byte
	Header        http.Header
	Time          time.Time
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// RequestCount returns how many requests the server has received.
func (s *Server) RequestCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// serve is the server's handler: log, hook, faults, latency, auth, then the route.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	auth := r.Header.Get("Authorization")
	rec := Request{
		Method: r.Method, Path: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery, Query: r.URL.Query(),
		Authorized: auth == "Bearer "+Token, Authorization: auth, Body: body, Header: r.Header.Clone(),
	}
	s.mu.Lock()
	rec.Time = s.now()
	s.requests = append(s.requests, rec)
	hook, latency := s.hook, s.latency
	f := s.takeFault(r)
	s.mu.Unlock()
	if hook != nil {
		hook(rec)
	}
	if latency > 0 {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return
		}
	}
	if f != nil && f.apply(w, r, s) {
		return
	}
	if !s.onItsHost(r) {
		writeGraphAwareNotFound(w, r)
		return
	}
	if !rec.Authorized {
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="https://login.microsoftonline.com/common"`)
		writeError(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.")
		return
	}
	s.router.serveHTTP(w, r)
}

// ServeHTTP lets the emulator be mounted in another server or called directly.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.serve(w, r) }

// route registers a handler for a Microsoft.SecurityInsights sub-path of every workspace,
// such as "GET incidents/{incidentId}". The handler runs with the server locked.
func (s *Server) route(method, subpath string, h func(c *call)) {
	s.routeWorkspace(method, "/providers/Microsoft.SecurityInsights/"+subpath, h)
}

// routeWorkspace registers a handler for an ARM path below the workspace itself, such as
// "GET " (the workspace resource); the handler runs with the server locked.
func (s *Server) routeWorkspace(method, subpath string, h func(c *call)) {
	pattern := s.basePath + "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.OperationalInsights/workspaces/{ws}" + subpath
	s.router.handle(method, pattern, func(w http.ResponseWriter, r *http.Request) {
		s.withWorkspace(w, r, h)
	})
}

func (s *Server) withWorkspace(w http.ResponseWriter, r *http.Request, h func(c *call)) {
	v := r.URL.Query().Get("api-version")
	if v == "" {
		writeError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ws := s.workspaces[wsKey(r.PathValue("sub"), r.PathValue("rg"), r.PathValue("ws"))]
	if ws == nil {
		writeError(w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("The Resource 'Microsoft.OperationalInsights/workspaces/%s' under resource group '%s' was not found.", r.PathValue("ws"), r.PathValue("rg")))
		return
	}
	h(&call{s: s, ws: ws, w: w, r: r, version: apiVersion(v)})
}
