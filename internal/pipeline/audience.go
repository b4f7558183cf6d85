package pipeline

import (
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
)

// Audience is one token audience of a client: the endpoint its token may be sent to and the
// scope the token is requested for. Azure Resource Manager, Log Analytics and Microsoft Graph
// are three audiences; each gets its own Pipeline, pinned to its own origin, so that a token
// never reaches another audience's host, even one the client also talks to.
type Audience struct {
	// Name says whose token it is in messages: "Azure Resource Manager", "Log Analytics".
	Name string
	// Endpoint is the audience's base URL: scheme://host[/base path].
	Endpoint *url.URL
	// Scope is the token scope, such as "https://api.loganalytics.io/.default" (see Scope).
	Scope string
}

// Scope returns the ".default" token scope of an audience URI. ARM's documented audiences
// end in "/", and their scope keeps it: "https://management.core.windows.net//.default".
func Scope(audience string) string {
	return audience + "/.default"
}

// Options are what a client's audiences share.
type Options struct {
	// Module and Version name the client in telemetry.
	Module, Version string
	// Credential issues the tokens, one per audience scope.
	Credential azcore.TokenCredential
	// Client is azcore's configuration: transport, retry, logging, tracing.
	Client *policy.ClientOptions
	// PerCall policies run once per call, after the origin pin (throttling).
	PerCall []policy.Policy
	// PerRetry policies run before each attempt, ahead of the bearer token (rate limits).
	PerRetry []policy.Policy
	// AllowedHeaders and AllowedQueryParameters may be logged unredacted.
	AllowedHeaders, AllowedQueryParameters []string
	// TracingNamespace is the az.namespace of the spans.
	TracingNamespace string
	// Refuse builds the error for a URL outside the audience's origin; clean is the URL
	// without query, fragment or user information. The error is returned before anything is
	// sent. It should implement NonRetriable.
	Refuse func(clean string, a *Audience, allowed string) error
}

// Pipeline is the azcore pipeline of one audience: origin pin, the shared per-call
// policies, azcore's retries, the per-retry policies and a bearer token for the audience's
// scope only.
type Pipeline struct {
	Audience Audience
	// Origin is the only origin requests may go to.
	Origin string
	Tracer tracing.Tracer

	pl     runtime.Pipeline
	refuse func(clean string, a *Audience, allowed string) error
}

// New builds the pipeline of audience a.
func New(a Audience, o Options) (*Pipeline, error) {
	p := &Pipeline{Audience: a, Origin: Origin(a.Endpoint), refuse: o.Refuse}
	perRetry := append(append([]policy.Policy(nil), o.PerRetry...), runtime.NewBearerTokenPolicy(o.Credential, []string{a.Scope}, nil))
	az, err := azcore.NewClient(o.Module, o.Version, runtime.PipelineOptions{
		PerCall:                append([]policy.Policy{originPin{p}}, o.PerCall...),
		PerRetry:               perRetry,
		AllowedHeaders:         o.AllowedHeaders,
		AllowedQueryParameters: o.AllowedQueryParameters,
		Tracing:                runtime.TracingOptions{Namespace: o.TracingNamespace},
	}, o.Client)
	if err != nil {
		return nil, err
	}
	p.pl, p.Tracer = az.Pipeline(), az.Tracer()
	return p, nil
}

// Check returns the Refuse error when u is not on the audience's origin (scheme, host and
// port), and nil when it is.
func (p *Pipeline) Check(u *url.URL) error {
	if Origin(u) == p.Origin {
		return nil
	}
	clean := *u
	clean.RawQuery, clean.Fragment, clean.User, clean.ForceQuery = "", "", nil, false
	return p.refuse(clean.String(), &p.Audience, p.Origin)
}

// Do sends req through the pipeline. A request to another origin fails in the origin pin,
// ahead of retries and of the bearer token: it is never authorized and never sent.
func (p *Pipeline) Do(req *policy.Request) (*http.Response, error) {
	return p.pl.Do(req)
}

// originPin is the first policy of an audience's pipeline.
type originPin struct{ p *Pipeline }

func (o originPin) Do(req *policy.Request) (*http.Response, error) {
	if err := o.p.Check(req.Raw().URL); err != nil {
		return nil, err
	}
	return req.Next()
}
