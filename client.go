package sentinel

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/rest"
)

const (
	moduleName    = "sentinel"
	moduleVersion = "v0.1.0"
)

// LogAnalyticsService is the cloud.ServiceName of the Log Analytics query API in a
// cloud.Configuration. It has the same value as azlogs.ServiceName, so a configuration made
// for azlogs works here too. The predefined clouds need no entry.
const LogAnalyticsService cloud.ServiceName = "query/azlogs"

// Workspace names the Log Analytics workspace that Microsoft Sentinel runs on.
type Workspace struct {
	// SubscriptionID is the Azure subscription, a GUID.
	SubscriptionID string
	// ResourceGroup is the workspace's resource group: 1-90 letters, digits, '_', '-', '.',
	// '(' or ')', not ending in '.'.
	ResourceGroup string
	// Name is the workspace's ARM name (not its GUID): 4-63 letters, digits or '-',
	// starting and ending with a letter or digit.
	Name string
	// CustomerID is the workspace GUID the Log Analytics query API addresses. It is optional:
	// Query resolves it through ARM once when it is empty.
	CustomerID string
}

var (
	guidRE          = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	workspaceNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$`)
)

// Validate checks the workspace's fields and returns an *ArgumentError naming the first one
// that is wrong.
func (w Workspace) Validate() error {
	if !guidRE.MatchString(w.SubscriptionID) {
		return argError("Workspace.SubscriptionID", "%q is not a GUID", w.SubscriptionID)
	}
	rg := w.ResourceGroup
	if n := utf8.RuneCountInString(rg); n < 1 || n > 90 {
		return argError("Workspace.ResourceGroup", "must be 1-90 characters, got %d", n)
	}
	for _, r := range rg {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_-.()", r)) {
			return argError("Workspace.ResourceGroup", "%q contains %q; allowed are letters, digits, '_', '-', '.', '(' and ')'", rg, r)
		}
	}
	if strings.HasSuffix(rg, ".") {
		return argError("Workspace.ResourceGroup", "%q must not end with '.'", rg)
	}
	if !workspaceNameRE.MatchString(w.Name) {
		return argError("Workspace.Name", "%q must be 4-63 letters, digits or '-', starting and ending with a letter or digit", w.Name)
	}
	if w.CustomerID != "" && !guidRE.MatchString(w.CustomerID) {
		return argError("Workspace.CustomerID", "%q is not a GUID", w.CustomerID)
	}
	return nil
}

// Client calls the Microsoft Sentinel REST API of one workspace. Create it with NewClient. A
// Client is safe for concurrent use by many goroutines and shares one token cache; create one
// per workspace and reuse it.
type Client struct {
	ws         Workspace
	apiVersion string
	t          *rest.Transport // shared by the audiences: retries, throttling budget, clock
	arm        *rest.Service
	logs       *rest.Service // nil when the cloud configuration names no Log Analytics endpoint
	prefix     string        // escaped path of the workspace's Microsoft.SecurityInsights provider
	workspaceGUID
}

type knownCloud struct {
	armEndpoint, armAudience string
	logsEndpoint             string
}

var knownClouds = map[string]knownCloud{
	"https://login.microsoftonline.com/": {"https://management.azure.com", "https://management.core.windows.net/", "https://api.loganalytics.io"},
	"https://login.microsoftonline.us/":  {"https://management.usgovcloudapi.net", "https://management.core.usgovcloudapi.net/", "https://api.loganalytics.us"},
	"https://login.chinacloudapi.cn/":    {"https://management.chinacloudapi.cn", "https://management.core.chinacloudapi.cn/", "https://api.loganalytics.azure.cn"},
}

// resolveCloud returns the endpoint and audience of name in cfg, falling back to the
// predefined clouds.
func resolveCloud(cfg cloud.Configuration, name cloud.ServiceName) (endpoint, audience string, err error) {
	if s, ok := cfg.Services[name]; ok && s.Endpoint != "" {
		endpoint, audience = s.Endpoint, s.Audience
		if audience == "" {
			audience = endpoint
		}
		return endpoint, audience, nil
	}
	host := cfg.ActiveDirectoryAuthorityHost
	if host == "" {
		host = cloud.AzurePublic.ActiveDirectoryAuthorityHost
	}
	if !strings.HasSuffix(host, "/") {
		host += "/"
	}
	k, ok := knownClouds[strings.ToLower(host)]
	if !ok {
		return "", "", argError("ClientOptions.Cloud", "a custom cloud must name the %q service's endpoint and audience", name)
	}
	if name == cloud.ResourceManager {
		return k.armEndpoint, k.armAudience, nil
	}
	return k.logsEndpoint, k.logsEndpoint, nil
}

// NewClient returns a client for the workspace ws that authenticates with cred, typically
// an azidentity credential such as azidentity.NewDefaultAzureCredential. It validates ws and
// the options and sends no request.
func NewClient(ws Workspace, cred azcore.TokenCredential, opts *ClientOptions) (*Client, error) {
	if err := ws.Validate(); err != nil {
		return nil, err
	}
	if cred == nil {
		return nil, argError("cred", "a credential is required")
	}
	o := optionsOf(opts)
	if o.APIVersion == "" {
		o.APIVersion = DefaultAPIVersion
	} else if !apiVersionRE.MatchString(o.APIVersion) {
		return nil, argError("ClientOptions.APIVersion", "%q is not an api-version such as 2023-02-01", o.APIVersion)
	}
	t, err := o.transport(cred, "Microsoft.SecurityInsights")
	if err != nil {
		return nil, err
	}
	armEndpoint, armAudience, err := resolveCloud(o.Cloud, cloud.ResourceManager)
	if err != nil {
		return nil, err
	}
	c := &Client{ws: ws, apiVersion: o.APIVersion, t: t}
	armURL, err := rest.ParseEndpoint("ARM", armEndpoint)
	if err != nil {
		return nil, err
	}
	// A custom cloud may name no Log Analytics endpoint; only queries need one.
	var logsURL *url.URL
	logsEndpoint, logsAudience, logsErr := resolveCloud(o.Cloud, LogAnalyticsService)
	if logsErr == nil {
		if logsURL, err = rest.ParseEndpoint(string(LogAnalyticsService), logsEndpoint); err != nil {
			return nil, err
		}
	}
	// One pipeline per token audience, each pinned to its own origin: the ARM token never
	// goes to the Log Analytics host and the other way round. The rate limit is ARM's.
	if c.arm, err = t.NewService(pipeline.Audience{Name: "Azure Resource Manager", Endpoint: armURL, Scope: pipeline.Scope(armAudience)}, rest.ServiceOptions{RateLimited: true}); err != nil {
		return nil, err
	}
	if logsURL != nil {
		if c.logs, err = t.NewService(pipeline.Audience{Name: "Log Analytics", Endpoint: logsURL, Scope: pipeline.Scope(logsAudience)}, rest.ServiceOptions{}); err != nil {
			return nil, err
		}
	}
	c.prefix = strings.TrimSuffix(c.arm.Endpoint.EscapedPath(), "/") +
		"/subscriptions/" + url.PathEscape(ws.SubscriptionID) +
		"/resourceGroups/" + url.PathEscape(ws.ResourceGroup) +
		"/providers/Microsoft.OperationalInsights/workspaces/" + url.PathEscape(ws.Name) +
		"/providers/Microsoft.SecurityInsights"
	c.workspaceGUID = workspaceGUID{lock: make(chan struct{}, 1), id: ws.CustomerID}
	return c, nil
}

var apiVersionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)

// workspaceGUID caches the workspace's customerId for the Log Analytics query API. lock is
// a one-slot semaphore rather than a mutex, so that a caller waiting for another's lookup can
// give up when its context ends.
type workspaceGUID struct {
	lock chan struct{}
	id   string
}

// request is one API call. Every method builds one and hands it to send, call or a pager.
type request struct {
	op     string // span name, e.g. "Client.GetIncident"
	method string
	// Either path, an escaped path below the workspace's provider prefix built by c.path,
	// or rawURL, an absolute URL used verbatim (a nextLink).
	path   string
	rawURL string
	// service is the audience; nil means ARM.
	service *rest.Service
	// query parameters besides api-version, in order.
	query      []param
	apiVersion string // "" means the client's
	noVersion  bool   // do not add api-version
	body       any    // JSON-encoded when non-nil
	header     http.Header
	ok         []int // success statuses; nil means 200
}

// param is one query parameter.
type param = rest.Param

// path joins escaped segments below the workspace's Microsoft.SecurityInsights prefix. The
// segments must have been checked with checkID when they come from the caller.
func (c *Client) path(segments ...string) string { return rest.JoinPath(c.prefix, segments...) }

// checkID validates a caller-supplied resource name that becomes one path segment (see
// rest.CheckID): non-empty, at most 256 bytes, no '/', '\\' or control characters, not "."
// or "..", not ending with '.' or a space.
func checkID(name, v string) error { return rest.CheckID(name, v) }

// url returns the absolute URL of r.
func (c *Client) url(r *request) string {
	if r.rawURL != "" {
		return r.rawURL
	}
	svc := r.service
	if svc == nil {
		svc = c.arm
	}
	var b strings.Builder
	b.WriteString(svc.Endpoint.Scheme)
	b.WriteString("://")
	b.WriteString(svc.Endpoint.Host)
	b.WriteString(r.path)
	sep := byte('?')
	if !r.noVersion {
		v := r.apiVersion
		if v == "" {
			v = c.apiVersion
		}
		b.WriteString("?api-version=")
		b.WriteString(url.QueryEscape(v))
		sep = '&'
	}
	rest.AppendQuery(&b, sep, r.query)
	return b.String()
}

// wire returns r as the transport sends it: its absolute URL and its service.
func (c *Client) wire(r *request) *rest.Request {
	svc := r.service
	if svc == nil {
		svc = c.arm
	}
	return &rest.Request{Op: r.op, Method: r.method, URL: c.url(r), Service: svc, Header: r.header, Body: r.body, OK: r.ok}
}

// send performs r through the pipeline of its service and returns the response when its
// status is one of r.ok; otherwise it returns a *ResponseError. The caller closes the body.
func (c *Client) send(ctx context.Context, r *request) (*http.Response, error) {
	return c.t.Send(ctx, c.wire(r))
}

// call sends r and decodes the JSON body into out (nil discards it). When the call fails,
// what out points to is reset to its zero value: no partial result goes with an error, also
// when the body failed after some of it was decoded.
func (c *Client) call(ctx context.Context, r *request, out any) error {
	return c.t.Call(ctx, c.wire(r), out)
}

var (
	okPut    = []int{http.StatusOK, http.StatusCreated}
	okDelete = []int{http.StatusOK, http.StatusNoContent}
)
