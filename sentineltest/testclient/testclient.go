package testclient

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/testkit"
	"github.com/sentinel-go/sentinel/sentineltest"
	"github.com/sentinel-go/sentinel/sentineltest/recording"
)

// Retry delays of test clients, unless the options given say otherwise: an injected 503
// costs milliseconds, not azcore's 0.8 s and more.
const (
	RetryDelay    = time.Millisecond
	MaxRetryDelay = 10 * time.Millisecond
)

// Option configures New, Connect and Recorded.
type Option func(*config)

type config struct {
	server     []sentineltest.Option
	client     sentinel.ClientOptions
	workspace  string
	realWaits  bool
	credential azcore.TokenCredential // Recorded, recording
	rules      recording.Rules        // Recorded, recording
}

// WithServerOptions passes options to sentineltest.NewServer (New only).
func WithServerOptions(opts ...sentineltest.Option) Option {
	return func(c *config) { c.server = append(c.server, opts...) }
}

// WithClientOptions starts from a copy of o instead of the zero options; o is not changed.
// For New and Connect, its Cloud is replaced by the emulator's; a zero Retry.RetryDelay or
// Retry.MaxRetryDelay becomes RetryDelay or MaxRetryDelay; a Transport is kept, and must
// reach the emulator (wrap Server.HTTPClient, for example in a recording.Recorder). For
// Recorded, see there.
func WithClientOptions(o *sentinel.ClientOptions) Option {
	return func(c *config) {
		if o != nil {
			c.client = *o
		}
	}
}

// WithWorkspace makes the client work on the emulated workspace with this name, which is
// added to the emulator when it has none of that name.
func WithWorkspace(name string) Option { return func(c *config) { c.workspace = name } }

// WithRealThrottleWaits makes the client wait for 429 responses in real time, as
// Retry-After says. By default a test client's throttling clock skips such waits: it
// advances by the wait at once, so the throttle budget and retry limits work as in
// production while a test takes milliseconds.
func WithRealThrottleWaits() Option { return func(c *config) { c.realWaits = true } }

// New starts an emulator and returns a client for its default workspace (or the one named
// by WithWorkspace) with the emulator's cloud, credential and transport, and fast retries
// (see RetryDelay and WithRealThrottleWaits). The emulator is closed when the test ends; a
// setup failure fails the test at once.
func New(t testing.TB, opts ...Option) (*sentinel.Client, *sentineltest.Server) {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	srv := sentineltest.NewServer(cfg.server...)
	t.Cleanup(srv.Close)
	c, err := connect(srv, cfg)
	if err != nil {
		t.Fatalf("testclient: %v", err)
	}
	return c, srv
}

// Connect returns a client for an emulator that is already running, configured as New
// configures it: for a second client in a test, or outside tests (the example programs).
func Connect(srv *sentineltest.Server, opts ...Option) (*sentinel.Client, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	return connect(srv, cfg)
}

func connect(srv *sentineltest.Server, cfg config) (*sentinel.Client, error) {
	info := srv.Workspace()
	if cfg.workspace != "" {
		if d := srv.DataFor(cfg.workspace); d != nil {
			info = d.Workspace()
		} else {
			info = srv.AddWorkspace(cfg.workspace)
		}
	}
	o := cfg.client
	o.Cloud = srv.Cloud()
	if o.Transport == nil {
		o.Transport = srv.HTTPClient()
	}
	fastRetries(&o, cfg)
	c, err := sentinel.NewClient(Workspace(info), srv.Credential(), &o)
	if err != nil {
		return nil, fmt.Errorf("a client for the emulator: %w", err)
	}
	return c, nil
}

// fastRetries sets the retry delays that are zero and, unless real waits are asked for,
// the skipping throttling clock.
func fastRetries(o *sentinel.ClientOptions, cfg config) {
	if o.Retry.RetryDelay == 0 {
		o.Retry.RetryDelay = RetryDelay
	}
	if o.Retry.MaxRetryDelay == 0 {
		o.Retry.MaxRetryDelay = MaxRetryDelay
	}
	if !cfg.realWaits {
		testkit.SetThrottleClock(o, &skipClock{})
	}
}

// Workspace converts the emulator's workspace names into the SDK's.
func Workspace(w sentineltest.WorkspaceInfo) sentinel.Workspace {
	return sentinel.Workspace{SubscriptionID: w.SubscriptionID, ResourceGroup: w.ResourceGroup, Name: w.Name, CustomerID: w.CustomerID}
}

// skipClock is the throttling clock of test clients: Sleep returns at once and moves the
// clock forward by the wait, so that time spent waiting for 429s is counted against the
// throttle budget without passing.
type skipClock struct {
	mu      sync.Mutex
	skipped time.Duration
}

func (c *skipClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.skipped)
}

func (c *skipClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d > 0 {
		c.mu.Lock()
		c.skipped += d
		c.mu.Unlock()
	}
	return nil
}
