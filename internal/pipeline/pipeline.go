// Package pipeline holds the per-audience pipelines of the SDK's clients (Audience, New: one
// pipeline per token audience, pinned to that audience's origin) and the policies they add to
// azcore's own: a throttling policy that honours Retry-After beyond azcore's 60 s cap within
// a budget, and a client-side rate limit. It also parses the service's Retry-After headers.
package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Origin is a URL's scheme and host with the scheme's default port removed, lower-cased:
// "https://management.azure.com". Two URLs may share credentials only if their origins are
// equal.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// maxRetryAfter caps the delays RetryAfter returns (about 146 years), so that adding them up
// cannot overflow.
const maxRetryAfter = time.Duration(1 << 62)

// RetryAfter returns the delay the response asks for: retry-after-ms, then
// x-ms-retry-after-ms, then Retry-After as seconds or an HTTP date. ok is false when none of
// them is present and valid.
func RetryAfter(h http.Header, now time.Time) (d time.Duration, ok bool) {
	for _, name := range []string{"Retry-After-Ms", "X-Ms-Retry-After-Ms"} {
		if v := strings.TrimSpace(h.Get(name)); v != "" {
			if ms, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
				if err != nil || ms > uint64(maxRetryAfter/time.Millisecond) {
					return maxRetryAfter, true
				}
				return time.Duration(ms) * time.Millisecond, true
			}
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseUint(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		// A value too large to represent is still a (very long) delay, not a missing one.
		if err != nil || s > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// Clock is the time source of the throttling policy and the rate limiter; tests replace it.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, whichever is first.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d or until ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ThrottlePolicy retries 429 Too Many Requests responses. It waits for the response's
// Retry-After (or an exponential backoff when there is none) as long as the total wait for
// one call stays within Budget, and returns the 429 response unchanged otherwise, so that the
// caller can report it with its Retry-After. azcore's retry policy, which sits after this one,
// is configured not to handle 429 itself, because it gives up at once on a Retry-After above
// its 60 s cap.
type ThrottlePolicy struct {
	Budget     time.Duration // total wait allowed per call
	MaxRetries int           // retries of 429 per call
	BaseDelay  time.Duration // backoff base when the response gives no Retry-After
	Clock      Clock
	// OnThrottle, when set, is called before each wait.
	OnThrottle func(wait time.Duration)
}

// Do implements policy.Policy.
func (p *ThrottlePolicy) Do(req *policy.Request) (*http.Response, error) {
	var waited time.Duration
	for try := 0; ; try++ {
		if try > 0 {
			if err := req.RewindBody(); err != nil {
				return nil, err
			}
		}
		resp, err := req.Clone(req.Raw().Context()).Next()
		if err != nil || resp.StatusCode != http.StatusTooManyRequests || try >= p.MaxRetries {
			return resp, err
		}
		wait, ok := RetryAfter(resp.Header, p.Clock.Now())
		if !ok {
			wait = p.BaseDelay << min(try, 10)
		}
		if wait > p.Budget-waited {
			return resp, nil
		}
		drain(resp)
		if p.OnThrottle != nil {
			p.OnThrottle(wait)
		}
		if err := p.Clock.Sleep(req.Raw().Context(), wait); err != nil {
			return nil, err
		}
		waited += wait
	}
}

func drain(resp *http.Response) {
	if resp != nil && resp.Body != nil {
		buf := make([]byte, 4096)
		for i := 0; i < 64; i++ { // at most 256 KiB
			if _, err := resp.Body.Read(buf); err != nil {
				break
			}
		}
		resp.Body.Close()
	}
}

// RateLimiter is a token bucket: it admits Rate requests per second on average and bursts of
// up to Burst. It is safe for concurrent use and may be shared by several clients.
type RateLimiter struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
	clock  Clock
}

// NewRateLimiter returns a full bucket.
func NewRateLimiter(rate float64, burst int, clock Clock) *RateLimiter {
	if burst < 1 {
		burst = 1
	}
	if clock == nil {
		clock = RealClock{}
	}
	return &RateLimiter{rate: rate, burst: float64(burst), tokens: float64(burst), last: clock.Now(), clock: clock}
}

// Wait takes one token, waiting until one is available or ctx is done.
func (l *RateLimiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	now := l.clock.Now()
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
		l.last = now
	}
	l.tokens--
	var wait time.Duration
	if l.tokens < 0 {
		wait = time.Duration(-l.tokens / l.rate * float64(time.Second))
	}
	l.mu.Unlock()
	if wait == 0 {
		return nil
	}
	if err := l.clock.Sleep(ctx, wait); err != nil {
		l.mu.Lock()
		l.tokens++ // give the token back
		l.mu.Unlock()
		return err
	}
	return nil
}

// RateLimitPolicy takes a token from the limiter before every attempt, retries included.
type RateLimitPolicy struct {
	Limiter interface{ Wait(context.Context) error }
}

// Do implements policy.Policy.
func (p RateLimitPolicy) Do(req *policy.Request) (*http.Response, error) {
	if err := p.Limiter.Wait(req.Raw().Context()); err != nil {
		return nil, err
	}
	return req.Next()
}

// Redacted replaces a bearer token found in a response.
const Redacted = "REDACTED"

// GuardTransport sits between azcore's pipeline and the HTTP client, below azcore's logging
// and retry policies. For every response it replaces the request's bearer token in the
// response headers, and for every response that is not a success (3xx, 4xx, 5xx) it reads at
// most MaxErrorBody bytes of the body, drops the rest and replaces the token in what it kept.
// azcore downloads error bodies in full, retries and logs them, so this bounds the memory and
// time a hostile or broken error response (an endless body, a proxy page that echoes the
// request headers) can take, and keeps an echoed token out of logs and error messages.
// Success bodies are left alone: they are streamed to the decoders.
type GuardTransport struct {
	Next         policy.Transporter
	MaxErrorBody int64
}

// Do implements policy.Transporter.
func (t *GuardTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.Next.Do(req)
	if err != nil || resp == nil {
		return resp, err
	}
	secret := BearerToken(req.Header.Get("Authorization"))
	if secret != "" {
		for k, vs := range resp.Header {
			for i, v := range vs {
				if strings.Contains(v, secret) {
					resp.Header[k][i] = strings.ReplaceAll(v, secret, Redacted)
				}
			}
		}
	}
	if resp.StatusCode < 300 || resp.Body == nil || resp.Body == http.NoBody {
		return resp, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, t.MaxErrorBody)) // a broken error body keeps what arrived
	resp.Body.Close()
	if secret != "" {
		body = bytes.ReplaceAll(body, []byte(secret), []byte(Redacted))
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

// BearerToken returns the credential of an Authorization header value ("Bearer <token>"),
// or "" when there is none long enough to be a token.
func BearerToken(auth string) string {
	_, tok, ok := strings.Cut(strings.TrimSpace(auth), " ")
	tok = strings.TrimSpace(tok)
	if !ok || len(tok) < 8 {
		return ""
	}
	return tok
}
