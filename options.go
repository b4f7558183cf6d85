package sentinel

import (
	"net/url"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// DefaultAPIVersion is the Microsoft.SecurityInsights api-version the client sends unless
// ClientOptions.APIVersion says otherwise: the newest stable version. Every method is tested
// at it and at 2023-02-01, the previous default.
const DefaultAPIVersion = "2025-12-01"

// DefaultThrottleBudget is how long one call may wait in total for 429 Too Many Requests
// responses when ClientOptions.ThrottleBudget is zero.
const DefaultThrottleBudget = rest.DefaultThrottleBudget

// ClientOptions configures a Client. A nil *ClientOptions means all defaults. The client
// copies the options; changing them after NewClient has no effect.
type ClientOptions struct {
	// ClientOptions are azcore's options:
	//   - Cloud selects the cloud: the zero value or cloud.AzurePublic, cloud.AzureGovernment,
	//     cloud.AzureChina, or a custom cloud.Configuration whose Services name the
	//     cloud.ResourceManager endpoint and audience (and LogAnalyticsService for queries).
	//     Give azidentity credentials the same Cloud so that they use its authority host.
	//   - Retry configures azcore's retry policy for 408, 5xx and transport errors
	//     (default: 3 retries, exponential backoff from 800 ms, honouring Retry-After up to
	//     MaxRetryDelay, 60 s). 429 is handled by the throttling policy below instead.
	//   - Logging, Telemetry and TracingProvider work as everywhere in the Azure SDK; header
	//     and query values are redacted in logs unless allow-listed. The Authorization header
	//     is never logged, even when allow-listed, and a bearer token that a service or proxy
	//     echoes back in a response header or error body is replaced by "REDACTED" before
	//     azcore logs it or an error quotes it.
	//   - Transport replaces the HTTP client, e.g. an *http.Client for tests. When it is an
	//     *http.Client the client uses a copy that does not follow redirects, so that the
	//     bearer token is never replayed to a redirect target. Any other policy.Transporter
	//     must not follow redirects itself. Error bodies are read up to 1 MiB; the rest is
	//     dropped.
	azcore.ClientOptions

	// APIVersion is the Microsoft.SecurityInsights api-version to send; "" means
	// DefaultAPIVersion (2025-12-01). At an older version, the APIs that version does not
	// have are sent at the oldest stable version known to have them: incident tasks at
	// TasksAPIVersion, running playbooks at RunPlaybookAPIVersion. Automation rules'
	// AddIncidentTask actions and PropertyArray and Boolean conditions are refused (400) by
	// versions that lack them, such as 2023-02-01.
	APIVersion string

	// ThrottleBudget is the longest time one call waits in total for 429 Too Many Requests
	// responses, honouring each response's Retry-After (or backing off when it has none). 0
	// means DefaultThrottleBudget (5 min); a negative value disables waiting for 429. When the
	// next wait would exceed the budget the call returns a *ResponseError that matches
	// ErrThrottled and carries the service's RetryAfter. (azcore alone gives up at once when
	// Retry-After exceeds 60 s.)
	ThrottleBudget time.Duration

	// MaxThrottleRetries bounds the 429 retries of one call; 0 means 10.
	MaxThrottleRetries int

	// RateLimiter, when set, paces every request this client sends, retries included. Share
	// one limiter between the clients of several workspaces to keep a whole process under an
	// ARM limit. nil means no client-side limit.
	RateLimiter *RateLimiter

	// ProxyURL sends all requests through this HTTP proxy. nil means the proxy from the
	// environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). It cannot be combined with Transport.
	ProxyURL *url.URL

	// DangerouslySkipTLSVerification turns off verification of the server's TLS certificate,
	// which lets anyone on the network path read the bearer token and the data. Never set it
	// in production; it exists for lab set-ups with self-signed certificates. It cannot be
	// combined with Transport.
	DangerouslySkipTLSVerification bool

	// clock replaces the wall clock of the throttling policy; for tests.
	clock pipeline.Clock
}

// RateLimiter is a client-side token bucket shared by any number of clients: it admits
// requests at a steady rate with bursts of a given size. ARM refills subscription reads at
// 25 per second per principal (bucket 250); the older hourly model allows 12,000 reads per
// hour (3.3 per second). Its Wait method blocks until the limiter admits one request or the
// context is done.
type RateLimiter = pipeline.RateLimiter

// NewRateLimiter returns a limiter that admits perSecond requests per second on average and
// up to burst requests at once. It panics if perSecond is not positive.
func NewRateLimiter(perSecond float64, burst int) *RateLimiter {
	if !(perSecond > 0) {
		panic("sentinel: NewRateLimiter: perSecond must be positive")
	}
	return pipeline.NewRateLimiter(perSecond, burst, nil)
}

// transport builds the transport the client's audiences share from the options; namespace
// is the az.namespace of the spans.
func (o *ClientOptions) transport(cred azcore.TokenCredential, namespace string) (*rest.Transport, error) {
	return rest.New(rest.Config{
		Client: o.ClientOptions, Credential: cred,
		ThrottleBudget: o.ThrottleBudget, MaxThrottleRetries: o.MaxThrottleRetries,
		RateLimiter: o.RateLimiter, ProxyURL: o.ProxyURL, SkipTLSVerification: o.DangerouslySkipTLSVerification,
		Clock: o.clock, Module: moduleName, Version: moduleVersion, TracingNamespace: namespace,
		AllowedHeaders: []string{
			"x-ms-correlation-request-id", "x-ms-ratelimit-remaining-subscription-reads",
			"x-ms-ratelimit-remaining-subscription-writes",
		},
		AllowedQueryParameters: []string{"$top", "$orderby"},
	})
}

// optionsOf returns *opts, or the zero options (the defaults) for nil: every method takes its
// options this way and never changes the caller's struct.
func optionsOf[T any](opts *T) T {
	if opts == nil {
		var zero T
		return zero
	}
	return *opts
}

// Ptr returns a pointer to v, for the pointer fields of partial updates:
// IncidentUpdate{Severity: sentinel.Ptr(sentinel.SeverityHigh)}.
func Ptr[T any](v T) *T { return &v }
