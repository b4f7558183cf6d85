package defender

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/rest"
)

const (
	moduleName    = "sentinel/defender"
	moduleVersion = "v0.1.0"
)

// ServiceName is the cloud.ServiceName of Microsoft Graph in a cloud.Configuration. The
// predefined clouds need no entry; a custom cloud (or a sovereign cloud's other Graph host)
// names the Graph root, such as https://dod-graph.microsoft.us, under it.
const ServiceName cloud.ServiceName = "msgraph"

// AzureGovernmentDoD is the US Government L5 (DoD) cloud: its authority host with the Graph
// root https://dod-graph.microsoft.us. The L4 (GCC High) cloud is azcore's
// cloud.AzureGovernment, whose Graph root is https://graph.microsoft.us. Give the credential
// the same authority host.
var AzureGovernmentDoD = cloud.Configuration{
	ActiveDirectoryAuthorityHost: cloud.AzureGovernment.ActiveDirectoryAuthorityHost,
	Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
		ServiceName: {Endpoint: "https://dod-graph.microsoft.us", Audience: "https://dod-graph.microsoft.us"},
	},
}

// graphRoots are the Graph roots of the predefined clouds, by authority host. The China
// cloud (21Vianet) has a Graph host, but not the security API: it is refused.
var graphRoots = map[string]string{
	"https://login.microsoftonline.com/": "https://graph.microsoft.com",
	"https://login.microsoftonline.us/":  "https://graph.microsoft.us",
	"https://login.chinacloudapi.cn/":    "",
}

// chinaGraphHost is the China cloud's Graph host, which has no security API.
const chinaGraphHost = "microsoftgraph.chinacloudapi.cn"

// ClientOptions configures a Client. A nil *ClientOptions means all defaults. The client
// copies the options; changing them after NewClient has no effect. The fields mean what
// they mean in sentinel.ClientOptions.
type ClientOptions struct {
	// ClientOptions are azcore's options. Cloud selects the cloud: the zero value or
	// cloud.AzurePublic (https://graph.microsoft.com), cloud.AzureGovernment (US Gov L4,
	// https://graph.microsoft.us), AzureGovernmentDoD (US Gov L5), or a custom
	// cloud.Configuration naming ServiceName's endpoint. cloud.AzureChina is refused: the
	// China cloud has no Graph security API. Retry, Logging, Telemetry, TracingProvider and
	// Transport work as for sentinel.ClientOptions: 429 is handled by the throttling budget,
	// redirects are never followed, the Authorization header is never logged.
	azcore.ClientOptions

	// ThrottleBudget is the longest time one call waits in total for 429 Too Many Requests
	// responses, honouring each Retry-After. 0 means sentinel.DefaultThrottleBudget (5 min);
	// a negative value disables waiting.
	ThrottleBudget time.Duration
	// MaxThrottleRetries bounds the 429 retries of one call; 0 means 10.
	MaxThrottleRetries int
	// RateLimiter, when set, paces every request this client sends, retries included. Graph
	// limits each application per tenant; one limiter can be shared with other clients.
	RateLimiter *sentinel.RateLimiter
	// ProxyURL sends all requests through this HTTP proxy; nil means the environment's.
	ProxyURL *url.URL
	// DangerouslySkipTLSVerification turns off verification of the server's certificate.
	// Never set it in production.
	DangerouslySkipTLSVerification bool

	clock pipeline.Clock
}

// Client calls the Microsoft Graph security API (v1.0) of one tenant: incidents, alerts and
// advanced hunting. Create it with NewClient. A Client is safe for concurrent use; create one
// per tenant and credential and reuse it.
//
// Its requests go through the same machinery as sentinel.Client's: one azcore pipeline for
// the Graph audience, pinned to the Graph origin (the Graph token goes nowhere else, and no
// other token comes here), the throttling budget, azcore's retries, bounded bodies, the
// same Pager and the same errors (*sentinel.ResponseError, sentinel.ErrNotFound, ...).
// Every request carries a new client-request-id and "Prefer: include-unknown-enum-members",
// so that values such as the incident status awaitingAction arrive as they are.
type Client struct {
	t     *rest.Transport
	graph *rest.Service
	base  string // escaped path of the security API below the endpoint: [/base]/v1.0/security
}

// NewClient returns a client of the Microsoft Graph security API that authenticates with
// cred, typically an azidentity credential, for the scope "<graph root>/.default" of the
// client's cloud. It validates the options and sends no request.
func NewClient(cred azcore.TokenCredential, opts *ClientOptions) (*Client, error) {
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	endpoint, audience, err := resolveGraph(o.Cloud)
	if err != nil {
		return nil, err
	}
	u, err := rest.ParseEndpoint("Microsoft Graph", endpoint)
	if err != nil {
		return nil, err
	}
	t, err := rest.New(rest.Config{
		Client: o.ClientOptions, Credential: cred,
		ThrottleBudget: o.ThrottleBudget, MaxThrottleRetries: o.MaxThrottleRetries,
		RateLimiter: o.RateLimiter, ProxyURL: o.ProxyURL, SkipTLSVerification: o.DangerouslySkipTLSVerification,
		Clock: o.clock, Module: moduleName, Version: moduleVersion, TracingNamespace: "Microsoft.Graph.Security",
		AllowedHeaders:         []string{"request-id", "client-request-id", "x-ms-ags-diagnostic"},
		AllowedQueryParameters: []string{"$top", "$skip", "$expand", "$count"},
	})
	if err != nil {
		return nil, err
	}
	graph, err := t.NewService(pipeline.Audience{Name: "Microsoft Graph", Endpoint: u, Scope: pipeline.Scope(audience)}, rest.ServiceOptions{
		RateLimited: true,
		NextLink:    "@odata.nextLink",
		PerCall:     []policy.Policy{graphHeaders{}},
	})
	if err != nil {
		return nil, err
	}
	return &Client{t: t, graph: graph, base: strings.TrimSuffix(u.EscapedPath(), "/") + "/v1.0/security"}, nil
}

// resolveGraph returns the Graph root and token audience of cfg.
func resolveGraph(cfg cloud.Configuration) (endpoint, audience string, err error) {
	if s, ok := cfg.Services[ServiceName]; ok && s.Endpoint != "" {
		endpoint, audience = s.Endpoint, s.Audience
		if audience == "" {
			audience = endpoint
		}
	} else {
		host := cfg.ActiveDirectoryAuthorityHost
		if host == "" {
			host = cloud.AzurePublic.ActiveDirectoryAuthorityHost
		}
		if !strings.HasSuffix(host, "/") {
			host += "/"
		}
		root, known := graphRoots[strings.ToLower(host)]
		switch {
		case !known:
			return "", "", errs.ArgError("ClientOptions.Cloud", "a custom cloud must name the %q service's endpoint (the Microsoft Graph root)", ServiceName)
		case root == "":
			return "", "", errs.ArgError("ClientOptions.Cloud", "the China cloud (21Vianet) has no Microsoft Graph security API; incidents of its Sentinel workspaces are reached with sentinel.Client")
		}
		endpoint, audience = root, root
	}
	if u, perr := url.Parse(endpoint); perr == nil && strings.EqualFold(u.Hostname(), chinaGraphHost) {
		return "", "", errs.ArgError("ClientOptions.Cloud", "the China cloud (21Vianet) has no Microsoft Graph security API; incidents of its Sentinel workspaces are reached with sentinel.Client")
	}
	return endpoint, strings.TrimSuffix(audience, "/"), nil
}

// graphHeaders sets the headers Microsoft Graph asks clients to send: a client-request-id
// (a GUID; Graph repeats it in responses and errors, and support asks for it) and Prefer:
// include-unknown-enum-members. It runs once per call, so retries keep the same ID.
type graphHeaders struct{}

func (graphHeaders) Do(req *policy.Request) (*http.Response, error) {
	h := req.Raw().Header
	if h.Get("client-request-id") == "" {
		h.Set("client-request-id", sentinel.NewID())
	}
	if h.Get("Prefer") == "" {
		h.Set("Prefer", "include-unknown-enum-members")
	}
	return req.Next()
}

// request builds the request of an operation on the security API path below base, with the
// query parameters that are set.
func (c *Client) request(op, method string, query []rest.Param, body any, segments ...string) *rest.Request {
	var b strings.Builder
	b.WriteString(c.graph.Endpoint.Scheme)
	b.WriteString("://")
	b.WriteString(c.graph.Endpoint.Host)
	b.WriteString(rest.JoinPath(c.base, segments...))
	rest.AppendQuery(&b, '?', query)
	return &rest.Request{Op: op, Method: method, URL: b.String(), Service: c.graph, Body: body}
}
