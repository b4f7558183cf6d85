// Package rest is the transport core every facade of the SDK uses (the Sentinel client in the
// root package, the Microsoft Graph security client in defender): one pipeline per token
// audience built from the client's options (Transport.NewService), the request a method
// builds (Request), sending it (Send), exchanging it with bounded bodies and re-sent cut
// bodies (Exchange), decoding one resource (Call) or pages (Pager), and mapping error bodies to
// the one *errs.ResponseError. A method of either facade is: check the arguments, build a
// Request, Call it or hand it to NewPager.
package rest

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
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/errs"
	"github.com/sentinel-go/sentinel/internal/model"
	"github.com/sentinel-go/sentinel/internal/pipeline"
)

// Config is what a facade's ClientOptions give its transport; see sentinel.ClientOptions for
// the meaning of each field. Option is the name of the options struct in messages
// ("ClientOptions").
type Config struct {
	Client                 azcore.ClientOptions
	Credential             azcore.TokenCredential
	ThrottleBudget         time.Duration // 0 means DefaultThrottleBudget; negative disables waiting
	MaxThrottleRetries     int           // 0 means 10
	RateLimiter            *pipeline.RateLimiter
	ProxyURL               *url.URL
	SkipTLSVerification    bool
	Clock                  pipeline.Clock // nil means the wall clock
	Module, Version        string
	TracingNamespace       string
	AllowedHeaders         []string
	AllowedQueryParameters []string
}

// DefaultThrottleBudget is the total wait for 429 responses per call when
// Config.ThrottleBudget is 0.
const DefaultThrottleBudget = 5 * time.Minute

// Transport is what a client's audiences share: the HTTP client, the retry rules, the
// throttling budget, the clock. Each audience is a Service made by NewService.
type Transport struct {
	// Clock is the throttling policy's clock, also for Retry-After dates and body retries.
	Clock pipeline.Clock
	// Retry is azcore's retry configuration as the client applies it (429 removed).
	Retry policy.RetryOptions
	// QueryRetry is Retry without 504, for queries: a query that outlived its server
	// timeout answers 504, and sending it again would run the same long query again.
	QueryRetry policy.RetryOptions

	maxRetries  int // body retries of a GET
	shared      pipeline.Options
	rateLimiter *pipeline.RateLimiter
}

// New validates cfg and returns the transport. It sends nothing.
func New(cfg Config) (*Transport, error) {
	if cfg.Credential == nil {
		return nil, errs.ArgError("cred", "a credential is required")
	}
	o := cfg.Client
	if cfg.ThrottleBudget == 0 {
		cfg.ThrottleBudget = DefaultThrottleBudget
	}
	if cfg.MaxThrottleRetries <= 0 {
		cfg.MaxThrottleRetries = 10
	}
	if cfg.Clock == nil {
		cfg.Clock = pipeline.RealClock{}
	}
	transport, err := httpClient(&cfg)
	if err != nil {
		return nil, err
	}
	// Below azcore's logging and retries: error bodies are bounded and an echoed token is
	// removed before anything logs or keeps them.
	o.Transport = &pipeline.GuardTransport{Next: transport, MaxErrorBody: errs.MaxErrorBody}
	// The Authorization header is never logged, even when the caller allow-lists it.
	o.Logging.AllowedHeaders = slices.DeleteFunc(slices.Clone(o.Logging.AllowedHeaders), func(h string) bool {
		return strings.EqualFold(h, "Authorization") || strings.EqualFold(h, "Proxy-Authorization")
	})
	// azcore's retry policy handles 408, 5xx and transport errors; 429 belongs to the
	// throttling policy, which honours long Retry-After values within the budget.
	retry := o.Retry
	if retry.StatusCodes == nil {
		retry.StatusCodes = []int{http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout}
	} else {
		retry.StatusCodes = slices.DeleteFunc(slices.Clone(retry.StatusCodes), func(s int) bool { return s == http.StatusTooManyRequests })
	}
	o.Retry = retry
	t := &Transport{Clock: cfg.Clock, Retry: retry, rateLimiter: cfg.RateLimiter}
	t.QueryRetry = retry
	t.QueryRetry.StatusCodes = slices.DeleteFunc(slices.Clone(retry.StatusCodes), func(s int) bool { return s == http.StatusGatewayTimeout })
	switch {
	case retry.MaxRetries == 0:
		t.maxRetries = 3 // azcore's default
	case retry.MaxRetries > 0:
		t.maxRetries = int(retry.MaxRetries)
	}
	throttle := &pipeline.ThrottlePolicy{Budget: cfg.ThrottleBudget, MaxRetries: cfg.MaxThrottleRetries, BaseDelay: retryBase(retry), Clock: cfg.Clock}
	if cfg.ThrottleBudget < 0 {
		throttle.MaxRetries = 0
	}
	t.shared = pipeline.Options{
		Module: cfg.Module, Version: cfg.Version, Credential: cfg.Credential, Client: &o,
		PerCall: []policy.Policy{throttle},
		AllowedHeaders: append([]string{
			"Retry-After", "retry-after-ms", "x-ms-retry-after-ms",
		}, cfg.AllowedHeaders...),
		AllowedQueryParameters: cfg.AllowedQueryParameters,
		TracingNamespace:       cfg.TracingNamespace,
		Refuse:                 errs.RefuseForeign,
	}
	return t, nil
}

// httpClient returns the HTTP client: the caller's with redirects disabled, or one built from
// ProxyURL and the TLS setting.
func httpClient(cfg *Config) (policy.Transporter, error) {
	if tr := cfg.Client.Transport; tr != nil {
		if cfg.ProxyURL != nil {
			return nil, errs.ArgError("ClientOptions.ProxyURL", "cannot be combined with Transport; configure the proxy on the transport")
		}
		if cfg.SkipTLSVerification {
			return nil, errs.ArgError("ClientOptions.DangerouslySkipTLSVerification", "cannot be combined with Transport; configure TLS on the transport")
		}
		if hc, ok := tr.(*http.Client); ok && hc != nil {
			cp := *hc
			cp.CheckRedirect = refuseRedirect
			return &cp, nil
		}
		return tr, nil
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	if cfg.ProxyURL != nil {
		if cfg.ProxyURL.Scheme == "" || cfg.ProxyURL.Host == "" {
			return nil, errs.ArgError("ClientOptions.ProxyURL", "%q is not an absolute URL", cfg.ProxyURL.Redacted())
		}
		tr.Proxy = http.ProxyURL(cfg.ProxyURL)
	}
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: cfg.SkipTLSVerification} //nolint:gosec // opt-in, loudly named
	return &http.Client{Transport: tr, CheckRedirect: refuseRedirect}, nil
}

// refuseRedirect makes http.Client return a 3xx response instead of following it, so that
// the Authorization header is never replayed to another URL.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func retryBase(r policy.RetryOptions) time.Duration {
	if r.RetryDelay > 0 {
		return r.RetryDelay
	}
	return 800 * time.Millisecond // azcore's default
}

// Service is one token audience of a client: its endpoint, its own pipeline pinned to the
// endpoint's origin, and how its lists link their pages.
type Service struct {
	// Endpoint is scheme://host[/base path], without a trailing slash.
	Endpoint *url.URL
	Pipeline *pipeline.Pipeline
	// NextLink is the member of a page that links the next one: "nextLink" (ARM) or
	// "@odata.nextLink" (Microsoft Graph).
	NextLink string
}

// ServiceOptions configure one audience.
type ServiceOptions struct {
	// RateLimited puts the client's rate limiter in front of every attempt.
	RateLimited bool
	// NextLink is the page member of the next page's link; "" means "nextLink".
	NextLink string
	// PerCall policies run once per call, ahead of the throttling policy (so that what
	// they set stays the same for every retry).
	PerCall []policy.Policy
	// AllowedHeaders may be logged besides the transport's.
	AllowedHeaders []string
}

// NewService builds the pipeline of audience a on the transport.
func (t *Transport) NewService(a pipeline.Audience, o ServiceOptions) (*Service, error) {
	po := t.shared
	po.PerCall = append(slices.Clone(o.PerCall), po.PerCall...)
	po.AllowedHeaders = append(slices.Clone(po.AllowedHeaders), o.AllowedHeaders...)
	if o.RateLimited && t.rateLimiter != nil {
		po.PerRetry = []policy.Policy{pipeline.RateLimitPolicy{Limiter: t.rateLimiter}}
	}
	pl, err := pipeline.New(a, po)
	if err != nil {
		return nil, err
	}
	if o.NextLink == "" {
		o.NextLink = "nextLink"
	}
	return &Service{Endpoint: a.Endpoint, Pipeline: pl, NextLink: o.NextLink}, nil
}

// ParseEndpoint checks an endpoint from a cloud configuration: an absolute http(s) URL
// without query or fragment. The trailing slash is dropped. name says whose endpoint it is.
func ParseEndpoint(name, s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.RawQuery != "" || u.Fragment != "" {
		return nil, errs.ArgError("ClientOptions.Cloud", "the %s endpoint %q is not an absolute http(s) URL", name, s)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = strings.TrimSuffix(u.RawPath, "/")
	return u, nil
}

// Request is one API call, as a facade built it.
type Request struct {
	// Op is the span name, e.g. "Client.GetIncident".
	Op     string
	Method string
	// URL is absolute: the facade built it from its service's endpoint, or it is a nextLink.
	URL     string
	Service *Service
	Header  http.Header
	// Body is JSON-encoded (model.Encode) when non-nil, sent as ContentType ("" means
	// application/json).
	Body        any
	ContentType string
	// OK are the success statuses; nil means 200.
	OK []int
}

// Send performs r through the pipeline of its service and returns the response when its
// status is one of r.OK; otherwise it returns a *errs.ResponseError. The caller closes the
// body.
func (t *Transport) Send(ctx context.Context, r *Request) (resp *http.Response, err error) {
	pl := r.Service.Pipeline
	if r.Op != "" && pl.Tracer.Enabled() {
		var end func(error)
		ctx, end = runtime.StartSpan(ctx, r.Op, pl.Tracer, nil)
		defer func() { end(err) }()
	}
	req, err := runtime.NewRequest(ctx, r.Method, r.URL)
	if err != nil {
		return nil, fmt.Errorf("sentinel: %s %s: %w", r.Method, errs.CleanURL(r.URL), err)
	}
	if err := pl.Check(req.Raw().URL); err != nil {
		return nil, err
	}
	runtime.SkipBodyDownload(req) // bodies are stream-decoded
	h := req.Raw().Header
	h.Set("Accept", "application/json")
	for k, v := range r.Header {
		h[k] = v
	}
	if r.Body != nil {
		b, err := json.Marshal(r.Body, model.Encode())
		if err != nil {
			return nil, fmt.Errorf("sentinel: encoding %s body: %w", r.Op, err)
		}
		ct := r.ContentType
		if ct == "" {
			ct = "application/json"
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(b)), ct); err != nil {
			return nil, err
		}
	}
	resp, err = pl.Do(req)
	if err != nil {
		var foreign *errs.ForeignOriginError
		if errors.As(err, &foreign) {
			return nil, foreign
		}
		return nil, fmt.Errorf("sentinel: %s %s: %w", r.Method, errs.CleanURL(r.URL), err)
	}
	ok := r.OK
	if ok == nil {
		ok = okGet
	}
	if slices.Contains(ok, resp.StatusCode) {
		return resp, nil
	}
	return nil, errs.NewResponseError(resp, t.Clock.Now())
}

var okGet = []int{http.StatusOK}

// Call sends r and decodes the JSON body into out (nil discards it). When the call fails,
// what out points to is reset to its zero value: no partial result goes with an error, also
// when the body failed after some of it was decoded.
func (t *Transport) Call(ctx context.Context, r *Request, out any) error {
	err := t.Exchange(ctx, r, func(resp *http.Response) error {
		if out == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, errs.MaxErrorBody))
			return nil
		}
		return DecodeResponse(resp, out)
	})
	if err != nil && out != nil {
		if v := reflect.ValueOf(out); v.Kind() == reflect.Pointer && !v.IsNil() {
			v.Elem().SetZero()
		}
	}
	return err
}

// Exchange sends r and hands the response to consume, which reads and decodes the body; the
// body is closed afterwards. Success bodies are limited to MaxBody bytes. When reading the
// body of a GET fails in the connection (reset or cut short after the headers), the request
// is sent again, up to the client's retry count with its backoff: azcore's retry policy only
// sees failures up to the headers of a streamed response. A failure while the caller's
// context is done matches the context's error.
func (t *Transport) Exchange(ctx context.Context, r *Request, consume func(*http.Response) error) error {
	for try := 0; ; try++ {
		resp, err := t.Send(ctx, r)
		if err != nil {
			return err
		}
		body := &bodyReader{rc: resp.Body, left: MaxBody, limit: MaxBody}
		resp.Body = body
		err = consume(resp)
		body.Close()
		var de *errs.DecodeError
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
		if r.Method != http.MethodGet || try >= t.maxRetries {
			return de
		}
		if err := t.Clock.Sleep(ctx, t.backoff(try)); err != nil {
			return de
		}
	}
}

// backoff is the wait before retry number try+1 of a body that failed: azcore's schedule.
func (t *Transport) backoff(try int) time.Duration {
	d := retryBase(t.Retry) << min(try, 16)
	if maxD := t.Retry.MaxRetryDelay; maxD > 0 && d > maxD {
		d = maxD
	}
	return d
}

// MaxBody bounds a success response body: a single resource or one page of a list. Tests
// lower it.
var MaxBody int64 = 64 << 20

// bodyTooLargeError reports a success body longer than MaxBody.
type bodyTooLargeError struct{ limit int64 }

func (e *bodyTooLargeError) Error() string {
	return fmt.Sprintf("the body exceeds the client's limit of %d bytes", e.limit)
}

// bodyReader wraps a success body for the decoders. It fails with a *bodyTooLargeError after
// limit bytes, and records a failure of the connection (ioErr), as opposed to the decoder
// finding bad JSON, so that Exchange can retry a GET whose body was cut off.
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
	_, _ = io.Copy(io.Discard, io.LimitReader(b.rc, errs.MaxErrorBody))
	return b.rc.Close()
}

// DecodeResponse decodes a success body into out as it arrives, refusing bodies that are not
// JSON, and returning the service's error when the body is an error object (its first
// member is "error"; such a body is small and read whole).
func DecodeResponse(resp *http.Response, out any) error {
	br := bufio.NewReader(resp.Body)
	if err := expectObject(resp, br); err != nil {
		return errs.NewDecodeError(resp, err)
	}
	if firstMemberIsError(br) {
		data, err := io.ReadAll(br)
		if err != nil {
			return errs.NewDecodeError(resp, fmt.Errorf("reading body: %w", err))
		}
		if err := bodyError(data, resp); err != nil {
			return err
		}
		br = bufio.NewReader(bytes.NewReader(data))
	}
	opts := model.Decode()
	dec := jsontext.NewDecoder(br, opts)
	if err := json.UnmarshalDecode(dec, out, opts); err != nil {
		return errs.NewDecodeError(resp, err)
	}
	if err := expectEnd(dec); err != nil {
		return errs.NewDecodeError(resp, err)
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
	dec := jsontext.NewDecoder(bytes.NewReader(head), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return false
	}
	name, err := dec.ReadToken()
	return err == nil && name.Kind() == '"' && name.String() == "error"
}

// bodyError returns the error object of a success body shaped {"error": {...}} without
// resource members.
func bodyError(data []byte, resp *http.Response) error {
	if !bytes.Contains(data, []byte(`"error"`)) {
		return nil
	}
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
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
				return errs.ErrorFromObject(dec, resp)
			}
		}
		if dec.SkipValue() != nil {
			return nil
		}
	}
	return nil
}

// expectObject skips leading white space and checks that the body starts a JSON object. It
// describes what came instead: nothing, another JSON value, or a page that is not JSON (a
// proxy's HTML), quoting its title.
func expectObject(resp *http.Response, br *bufio.Reader) error {
	for {
		b, err := br.ReadByte()
		if err == io.EOF {
			return errors.New("empty body")
		}
		if err != nil {
			return err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return br.UnreadByte()
		}
		_ = br.UnreadByte()
		head, _ := br.Peek(br.Size())
		if b == '[' || b == '"' || jsontext.Value(bytes.TrimSpace(head)).IsValid() {
			return fmt.Errorf("expected a JSON object, got a JSON %s", kindName(b))
		}
		return fmt.Errorf("expected a JSON object, got %s", errs.DescribeBody(errs.RedactBody(resp, head), resp.Header.Get("Content-Type"), "body"))
	}
}

func kindName(first byte) string {
	switch first {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}
