package sentinel

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/tracing"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/pipeline"
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
	arm        service
	logs       service
	prefix     string // escaped path of the workspace's Microsoft.SecurityInsights provider
	tracer     tracing.Tracer
	clock      pipeline.Clock // the throttling policy's clock, also for Retry-After dates in errors
	retry      policy.RetryOptions
	queryRetry policy.RetryOptions // azcore's form, for policy.WithRetryOptions
	workspaceGUID
}

// service is one token audience: its endpoint and its own pipeline, pinned to the endpoint's
// origin.
type service struct {
	endpoint *url.URL // scheme://host[/base path]
	pl       *pipeline.Pipeline
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
	var o ClientOptions
	if opts != nil {
		o = *opts
	}
	if o.APIVersion == "" {
		o.APIVersion = DefaultAPIVersion
	} else if !apiVersionRE.MatchString(o.APIVersion) {
		return nil, argError("ClientOptions.APIVersion", "%q is not an api-version such as 2023-02-01", o.APIVersion)
	}
	if o.ThrottleBudget == 0 {
		o.ThrottleBudget = DefaultThrottleBudget
	}
	if o.MaxThrottleRetries <= 0 {
		o.MaxThrottleRetries = 10
	}
	if o.clock == nil {
		o.clock = pipeline.RealClock{}
	}
	transport, err := o.transport()
	if err != nil {
		return nil, err
	}
	// Below azcore's logging and retries: error bodies are bounded and an echoed token is
	// removed before anything logs or keeps them.
	o.Transport = &pipeline.GuardTransport{Next: transport, MaxErrorBody: maxErrorBody}
	// The Authorization header is never logged, even when the caller allow-lists it.
	o.Logging.AllowedHeaders = slices.DeleteFunc(slices.Clone(o.Logging.AllowedHeaders), func(h string) bool {
		return strings.EqualFold(h, "Authorization") || strings.EqualFold(h, "Proxy-Authorization")
	})

	armEndpoint, armAudience, err := resolveCloud(o.Cloud, cloud.ResourceManager)
	if err != nil {
		return nil, err
	}
	c := &Client{ws: ws, apiVersion: o.APIVersion, clock: o.clock}
	if c.arm.endpoint, err = parseEndpoint("ARM", armEndpoint); err != nil {
		return nil, err
	}
	// A custom cloud may name no Log Analytics endpoint; only queries need one.
	logsEndpoint, logsAudience, logsErr := resolveCloud(o.Cloud, LogAnalyticsService)
	if logsErr == nil {
		if c.logs.endpoint, err = parseEndpoint(string(LogAnalyticsService), logsEndpoint); err != nil {
			return nil, err
		}
	}

	// azcore's retry policy handles 408, 5xx and transport errors; 429 belongs to the
	// throttling policy, which honours long Retry-After values within the budget.
	retry := o.Retry
	if retry.StatusCodes == nil {
		retry.StatusCodes = []int{http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	} else {
		var codes []int
		for _, s := range retry.StatusCodes {
			if s != http.StatusTooManyRequests {
				codes = append(codes, s)
			}
		}
		retry.StatusCodes = codes
	}
	o.Retry = retry
	// A query that outlived its server timeout answers 504; sending it again would run the
	// same long query again, so queries are not retried on 504.
	c.queryRetry = retry
	c.queryRetry.StatusCodes = slices.DeleteFunc(slices.Clone(retry.StatusCodes), func(s int) bool { return s == http.StatusGatewayTimeout })
	c.retry = retry
	switch {
	case c.retry.MaxRetries == 0:
		c.retry.MaxRetries = 3 // azcore's default
	case c.retry.MaxRetries < 0:
		c.retry.MaxRetries = 0
	}
	throttle := &pipeline.ThrottlePolicy{Budget: o.ThrottleBudget, MaxRetries: o.MaxThrottleRetries, BaseDelay: retryBase(o.Retry), Clock: o.clock}
	if o.ThrottleBudget < 0 {
		throttle.MaxRetries = 0
	}
	// One pipeline per token audience, each pinned to its own origin: the ARM token never
	// goes to the Log Analytics host and the other way round.
	shared := pipeline.Options{
		Module: moduleName, Version: moduleVersion, Credential: cred, Client: &o.ClientOptions,
		PerCall: []policy.Policy{throttle},
		AllowedHeaders: []string{
			"x-ms-correlation-request-id", "x-ms-ratelimit-remaining-subscription-reads",
			"x-ms-ratelimit-remaining-subscription-writes", "Retry-After", "retry-after-ms", "x-ms-retry-after-ms",
		},
		AllowedQueryParameters: []string{"$top", "$orderby"},
		TracingNamespace:       "Microsoft.SecurityInsights",
		Refuse:                 refuseForeign,
	}
	armOpts := shared
	if o.RateLimiter != nil { // the rate limit is ARM's
		armOpts.PerRetry = []policy.Policy{pipeline.RateLimitPolicy{Limiter: o.RateLimiter.l}}
	}
	if c.arm.pl, err = pipeline.New(pipeline.Audience{Name: "Azure Resource Manager", Endpoint: c.arm.endpoint, Scope: pipeline.Scope(armAudience)}, armOpts); err != nil {
		return nil, err
	}
	c.tracer = c.arm.pl.Tracer
	if c.logs.endpoint != nil {
		if c.logs.pl, err = pipeline.New(pipeline.Audience{Name: "Log Analytics", Endpoint: c.logs.endpoint, Scope: pipeline.Scope(logsAudience)}, shared); err != nil {
			return nil, err
		}
	}
	c.prefix = strings.TrimSuffix(c.arm.endpoint.EscapedPath(), "/") +
		"/subscriptions/" + url.PathEscape(ws.SubscriptionID) +
		"/resourceGroups/" + url.PathEscape(ws.ResourceGroup) +
		"/providers/Microsoft.OperationalInsights/workspaces/" + url.PathEscape(ws.Name) +
		"/providers/Microsoft.SecurityInsights"
	c.workspaceGUID = workspaceGUID{lock: make(chan struct{}, 1), id: ws.CustomerID}
	return c, nil
}

var apiVersionRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)

func retryBase(r policy.RetryOptions) time.Duration {
	if r.RetryDelay > 0 {
		return r.RetryDelay
	}
	return 800 * time.Millisecond // azcore's default
}

// workspaceGUID caches the workspace's customerId for the Log Analytics query API. lock is
// a one-slot semaphore rather than a mutex, so that a caller waiting for another's lookup can
// give up when its context ends.
type workspaceGUID struct {
	lock chan struct{}
	id   string
}

func parseEndpoint(name, s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return nil, argError("ClientOptions.Cloud", "the %s endpoint %q is not an absolute http(s) URL", name, s)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// transport returns the HTTP client: the caller's with redirects disabled, or one built from
// ProxyURL and the TLS setting.
func (o *ClientOptions) transport() (policy.Transporter, error) {
	if o.Transport != nil {
		if o.ProxyURL != nil {
			return nil, argError("ClientOptions.ProxyURL", "cannot be combined with Transport; configure the proxy on the transport")
		}
		if o.DangerouslySkipTLSVerification {
			return nil, argError("ClientOptions.DangerouslySkipTLSVerification", "cannot be combined with Transport; configure TLS on the transport")
		}
		if hc, ok := o.Transport.(*http.Client); ok && hc != nil {
			cp := *hc
			cp.CheckRedirect = refuseRedirect
			return &cp, nil
		}
		return o.Transport, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	if o.ProxyURL != nil {
		if o.ProxyURL.Scheme == "" || o.ProxyURL.Host == "" {
			return nil, argError("ClientOptions.ProxyURL", "%q is not an absolute URL", o.ProxyURL.Redacted())
		}
		tr.Proxy = http.ProxyURL(o.ProxyURL)
	}
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.DangerouslySkipTLSVerification} //nolint:gosec // opt-in, loudly named
	return &http.Client{Transport: tr, CheckRedirect: refuseRedirect}, nil
}

// refuseRedirect makes http.Client return a 3xx response instead of following it, so that
// the Authorization header is never replayed to another URL.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// ForeignOriginError reports a URL (typically a nextLink) on another scheme, host or port
// than the endpoint of the token audience it was meant for. Each audience (Azure Resource
// Manager, Log Analytics) has its own pipeline that sends its token to its own origin only,
// so an ARM link to the Log Analytics host is refused too. No request was sent and the bearer
// token did not leave the process.
type ForeignOriginError struct {
	// URL is the refused URL without its query.
	URL string
	// Audience names the token that was to be sent: "Azure Resource Manager" or
	// "Log Analytics".
	Audience string
	// Allowed is the origin that token goes to.
	Allowed []string
}

func (e *ForeignOriginError) Error() string {
	return "sentinel: refusing to send credentials to " + e.URL + ": the " + e.Audience + " token only goes to " + strings.Join(e.Allowed, " and ")
}

// refuseForeign is the pipelines' error for a URL outside their audience's origin.
func refuseForeign(clean string, a *pipeline.Audience, allowed string) error {
	return &ForeignOriginError{URL: clean, Audience: a.Name, Allowed: []string{allowed}}
}

// NonRetriable tells azcore's retry policy not to retry.
func (e *ForeignOriginError) NonRetriable() {}

// request is one API call. Every method builds one and hands it to send, call or a pager.
type request struct {
	op     string // span name, e.g. "Client.GetIncident"
	method string
	// Either path, an escaped path below the workspace's provider prefix built by c.path,
	// or rawURL, an absolute URL used verbatim (a nextLink).
	path   string
	rawURL string
	// service is the endpoint; nil means ARM.
	service *service
	// query parameters besides api-version, in order.
	query      []param
	apiVersion string // "" means the client's
	noVersion  bool   // do not add api-version
	body       any    // JSON-encoded when non-nil
	header     http.Header
	ok         []int // success statuses; nil means 200
}

type param struct{ key, value string }

// path joins escaped segments below the workspace's Microsoft.SecurityInsights prefix. The
// segments must have been checked with checkID when they come from the caller.
func (c *Client) path(segments ...string) string {
	n := len(c.prefix)
	for _, s := range segments {
		n += 1 + len(s)*3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(c.prefix)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// maxIDLength bounds caller-supplied path segments; ARM resource names are far shorter.
const maxIDLength = 256

// checkID validates a caller-supplied resource name that becomes one path segment: it must
// be non-empty, at most 256 bytes, not "." or "..", free of '/', '\\' and control
// characters, and must not end with '.' or a space, which front ends such as IIS strip from
// path segments ("victim." would name "victim"). Everything else is escaped by c.path, so a
// segment can never reach another resource.
func checkID(name, v string) error {
	switch {
	case v == "":
		return argError(name, "must not be empty")
	case len(v) > maxIDLength:
		return argError(name, "is %d bytes long; at most %d are allowed", len(v), maxIDLength)
	case v == "." || v == "..":
		return argError(name, "%q is not a resource name", v)
	case !utf8.ValidString(v):
		return argError(name, "is not valid UTF-8")
	case strings.HasSuffix(v, ".") || strings.HasSuffix(v, " "):
		return argError(name, "%q ends with '.' or a space, which the service may strip, naming another resource", v)
	}
	for _, r := range v {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return argError(name, "%q contains %q, which cannot be part of a resource name", v, r)
		}
	}
	return nil
}

// url returns the absolute URL of r.
func (c *Client) url(r *request) string {
	if r.rawURL != "" {
		return r.rawURL
	}
	svc := r.service
	if svc == nil {
		svc = &c.arm
	}
	var b strings.Builder
	b.WriteString(svc.endpoint.Scheme)
	b.WriteString("://")
	b.WriteString(svc.endpoint.Host)
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
	for _, p := range r.query {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(p.key) // keys are constants such as "$filter"
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p.value), "+", "%20"))
	}
	return b.String()
}

// send performs r through the pipeline of its service and returns the response when its
// status is one of r.ok; otherwise it returns a *ResponseError. The caller closes the body.
func (c *Client) send(ctx context.Context, r *request) (resp *http.Response, err error) {
	if r.op != "" && c.tracer.Enabled() {
		var end func(error)
		ctx, end = runtime.StartSpan(ctx, r.op, c.tracer, nil)
		defer func() { end(err) }()
	}
	svc := r.service
	if svc == nil {
		svc = &c.arm
	}
	u := c.url(r)
	req, err := runtime.NewRequest(ctx, r.method, u)
	if err != nil {
		return nil, fmt.Errorf("sentinel: %s %s: %w", r.method, cleanURL(u), err)
	}
	if err := svc.pl.Check(req.Raw().URL); err != nil {
		return nil, err
	}
	runtime.SkipBodyDownload(req) // bodies are stream-decoded
	h := req.Raw().Header
	h.Set("Accept", "application/json")
	for k, v := range r.header {
		h[k] = v
	}
	if r.body != nil {
		b, err := json.Marshal(r.body, encodeOptions)
		if err != nil {
			return nil, fmt.Errorf("sentinel: encoding %s body: %w", r.op, err)
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(b)), "application/json"); err != nil {
			return nil, err
		}
	}
	resp, err = svc.pl.Do(req)
	if err != nil {
		var foreign *ForeignOriginError
		if errors.As(err, &foreign) {
			return nil, foreign
		}
		return nil, fmt.Errorf("sentinel: %s %s: %w", r.method, cleanURL(u), err)
	}
	ok := r.ok
	if ok == nil {
		ok = okGet
	}
	for _, s := range ok {
		if resp.StatusCode == s {
			return resp, nil
		}
	}
	return nil, newResponseError(resp, c.clock.Now())
}

var (
	okGet    = []int{http.StatusOK}
	okPut    = []int{http.StatusOK, http.StatusCreated}
	okDelete = []int{http.StatusOK, http.StatusNoContent}
)

// call sends r and decodes the JSON body into out (nil discards it). When the call fails,
// what out points to is reset to its zero value: no partial result goes with an error, also
// when the body failed after some of it was decoded.
func (c *Client) call(ctx context.Context, r *request, out any) error {
	err := c.exchange(ctx, r, func(resp *http.Response) error {
		if out == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
			return nil
		}
		return decodeResponse(resp, out)
	})
	if err != nil && out != nil {
		resetOut(out)
	}
	return err
}

// resetOut sets what out points to to its zero value. A decoding adapter that writes
// elsewhere (kinded) resets its target itself.
func resetOut(out any) {
	if r, ok := out.(interface{ reset() }); ok {
		r.reset()
		return
	}
	if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
}

// exchange sends r and hands the response to consume, which reads and decodes the body; the
// body is closed afterwards. Success bodies are limited to maxBody bytes. When reading the
// body of a GET fails in the connection (reset or cut short after the headers), the request
// is sent again, up to the client's retry count with its backoff: azcore's retry policy only
// sees failures up to the headers of a streamed response. A failure while the caller's
// context is done matches the context's error.
func (c *Client) exchange(ctx context.Context, r *request, consume func(*http.Response) error) error {
	for try := 0; ; try++ {
		resp, err := c.send(ctx, r)
		if err != nil {
			return err
		}
		body := &bodyReader{rc: resp.Body, left: maxBody, limit: maxBody}
		resp.Body = body
		err = consume(resp)
		body.Close()
		var de *DecodeError
		if err == nil || !errors.As(err, &de) {
			return err
		}
		if ctxErr := ctx.Err(); ctxErr != nil { // the body was cut off because ctx ended
			de.Err = fmt.Errorf("reading the body: %w", ctxErr)
			return de
		}
		if body.ioErr == nil { // the body arrived and is wrong
			return de
		}
		de.Err = fmt.Errorf("the connection failed while reading the body, after %d bytes: %w", body.n, body.ioErr)
		if r.method != http.MethodGet || try >= int(c.retry.MaxRetries) {
			return de
		}
		if err := c.clock.Sleep(ctx, c.backoff(try)); err != nil {
			return de
		}
	}
}

// backoff is the wait before retry number try+1 of a body that failed: azcore's schedule.
func (c *Client) backoff(try int) time.Duration {
	d := retryBase(c.retry) << min(try, 16)
	if maxD := c.retry.MaxRetryDelay; maxD > 0 && d > maxD {
		d = maxD
	}
	return d
}

// maxBody bounds a success response body: a single resource or one page of a list.
var maxBody int64 = 64 << 20

// bodyTooLargeError reports a success body longer than maxBody.
type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("the body exceeds the client's limit of %d bytes", e.limit)
}

// bodyReader wraps a success body for the decoders. It fails with a *bodyTooLargeError after
// limit bytes, and records a failure of the connection (ioErr), as opposed to the decoder
// finding bad JSON, so that exchange can retry a GET whose body was cut off.
type bodyReader struct {
	rc          io.ReadCloser
	left, limit int64
	n           int64 // bytes read
	ioErr       error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.left <= 0 { // at the limit: the body must end here
		var one [1]byte
		n, err := b.rc.Read(one[:])
		switch {
		case n > 0:
			return 0, &bodyTooLargeError{b.limit}
		case err == io.EOF:
			return 0, io.EOF
		case err != nil:
			b.ioErr = err
			return 0, err
		}
		return 0, nil
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.n += int64(n)
	b.left -= int64(n)
	if err != nil && err != io.EOF && b.ioErr == nil {
		b.ioErr = err
	}
	return n, err
}

// Close reads what is left of the body (up to 1 MiB) before closing it, so that the
// connection can be reused: a decoder stops at the closing brace, before EOF.
func (b *bodyReader) Close() error {
	_, _ = io.Copy(io.Discard, io.LimitReader(b.rc, maxErrorBody))
	return b.rc.Close()
}

// decodeResponse decodes a success body into out as it arrives, refusing bodies that are not
// JSON, and returning the service's error when the body is an ARM error object (its first
// member is "error"; such a body is small and read whole).
func decodeResponse(resp *http.Response, out any) error {
	br := bufio.NewReader(resp.Body)
	if err := expectObject(resp, br); err != nil {
		return decodeError(resp, err)
	}
	if firstMemberIsError(br) {
		data, err := io.ReadAll(br)
		if err != nil {
			return decodeError(resp, fmt.Errorf("reading body: %w", err))
		}
		if err := bodyError(data, resp); err != nil {
			return err
		}
		br = bufio.NewReader(bytes.NewReader(data))
	}
	dec := jsontext.NewDecoder(br, decodeOptions)
	if err := json.UnmarshalDecode(dec, out, decodeOptions); err != nil {
		return decodeError(resp, err)
	}
	if err := expectEnd(dec); err != nil {
		return decodeError(resp, err)
	}
	return nil
}

// expectEnd checks that nothing but white space follows the JSON value dec has read: a
// second value or a proxy's page appended to the response means the body is not what the
// service sent.
func expectEnd(dec *jsontext.Decoder) error {
	_, err := dec.ReadToken()
	switch {
	case err == io.EOF:
		return nil
	case err == nil:
		return errors.New("unexpected data after the JSON object")
	}
	return fmt.Errorf("unexpected data after the JSON object: %w", err)
}

// firstMemberIsError reports whether the JSON object at the start of br, which it does not
// consume, has "error" as its first member, looking at what br buffers at most.
func firstMemberIsError(br *bufio.Reader) bool {
	head, _ := br.Peek(br.Size())
	dec := jsontext.NewDecoder(bytes.NewReader(head), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	name, err := dec.ReadToken()
	return err == nil && name.Kind() == '"' && name.String() == "error"
}

// bodyError returns the error object of a success body shaped {"error": {...}} without
// resource properties.
func bodyError(data []byte, resp *http.Response) error {
	if !bytes.Contains(data, []byte(`"error"`)) {
		return nil
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data), decodeOptions)
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil
		}
		switch name.String() {
		case "properties", "value", "id":
			return nil
		case "error":
			if dec.PeekKind() == '{' {
				return errorFromObject(dec, resp)
			}
		}
		if dec.SkipValue() != nil {
			return nil
		}
	}
	return nil
}

func decodeError(resp *http.Response, err error) *DecodeError {
	e := &DecodeError{StatusCode: resp.StatusCode, RequestID: clip(resp.Header.Get("x-ms-request-id"), maxCodeText),
		ContentType: clip(resp.Header.Get("Content-Type"), maxCodeText), Err: err}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, cleanURL(resp.Request.URL.String())
	}
	return e
}
