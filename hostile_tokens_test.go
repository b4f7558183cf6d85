package sentinel_test

// Hostile-server suite, part 1: where the bearer token may go (scenario 1) and what reaches
// logs and error strings (scenario 7).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// wireLog records every request that leaves the process. It sits below the http.Client, so it
// would also see a redirect the client followed.
type wireLog struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []wireReq
}

type wireReq struct {
	Method, URL, Authorization string
}

func (w *wireLog) RoundTrip(r *http.Request) (*http.Response, error) {
	w.mu.Lock()
	w.reqs = append(w.reqs, wireReq{Method: r.Method, URL: r.URL.String(), Authorization: r.Header.Get("Authorization")})
	w.mu.Unlock()
	return w.next.RoundTrip(r)
}

func (w *wireLog) requests() []wireReq {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]wireReq(nil), w.reqs...)
}

// tapTransport replaces the client's *http.Client transport with one that records the wire.
func tapTransport(o *sentinel.ClientOptions) *wireLog {
	hc := o.Transport.(*http.Client)
	cp := *hc
	wl := &wireLog{next: hc.Transport}
	if wl.next == nil {
		wl.next = http.DefaultTransport
	}
	cp.Transport = wl
	o.Transport = &cp
	return wl
}

// attacker is a server that must never be contacted.
type attacker struct {
	*httptest.Server
	hits atomic.Int32
	auth atomic.Int32
}

func newAttacker(t *testing.T, tls bool) *attacker {
	a := &attacker{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.hits.Add(1)
		if r.Header.Get("Authorization") != "" {
			a.auth.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"value":[]}`))
	})
	if tls {
		a.Server = httptest.NewTLSServer(h)
	} else {
		a.Server = httptest.NewServer(h)
	}
	t.Cleanup(a.Close)
	return a
}

func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Scheme + "://" + u.Host
}

func TestHostileTokenOnlyGoesToTheEndpoint(t *testing.T) {
	attTLS := newAttacker(t, true)
	attPlain := newAttacker(t, false)
	attPort := strings.TrimPrefix(attTLS.URL, "https://127.0.0.1:")
	plainPort := strings.TrimPrefix(attPlain.URL, "http://127.0.0.1:")

	// Targets are templates: {emu} is the emulator's port.
	targets := map[string]string{
		"other host (localhost, same port)":      "https://localhost:{emu}/arm" + wsPath + "/incidents?api-version=2023-02-01",
		"other host (attacker)":                  "https://localhost:" + attPort + "/steal?$skipToken=s3cr3t",
		"ipv6 loopback, same port":               "https://[::1]:{emu}/arm" + wsPath + "/incidents",
		"http, same host and port":               "http://127.0.0.1:{emu}/arm" + wsPath + "/incidents?api-version=2023-02-01",
		"http, attacker":                         "http://127.0.0.1:" + plainPort + "/steal",
		"same host, other port":                  "https://127.0.0.1:" + attPort + "/arm" + wsPath + "/incidents",
		"userinfo to attacker":                   "https://admin:pw@127.0.0.1:" + attPort + "/x",
		"scheme-relative to attacker":            "//127.0.0.1:" + attPort + "/x",
		"ftp scheme":                             "ftp://127.0.0.1:{emu}/x",
		"fragment trick to attacker":             "https://127.0.0.1:" + attPort + "#@127.0.0.1:{emu}/x",
		"upper-case scheme, host, other port":    "HTTPS://127.0.0.1:" + attPort + "/x",
		"same host, explicit default https port": "https://127.0.0.1:443/x",
	}
	type via struct {
		name string
		run  func(env *testEnv, target string) error
	}
	ctx := context.Background()
	vias := []via{
		{"nextLink", func(env *testEnv, target string) error {
			body, _ := json.Marshal(map[string]any{"value": []any{json.RawMessage(incidentJSON(1))}, "nextLink": target})
			env.srv.Fail(sentineltest.Fault{Status: 200, Body: string(body)})
			items, err := env.client.ListIncidents(nil).Collect(ctx, 0)
			if err != nil && len(items) != 1 {
				return fmt.Errorf("want the first page's item with the error, got %d items: %w", len(items), err)
			}
			return err
		}},
		{"redirect of a nextLink page", func(env *testEnv, target string) error {
			env.srv.SeedIncidents(3)
			env.srv.Fail(sentineltest.Fault{Status: http.StatusFound, Header: http.Header{"Location": {target}}, Body: "-",
				Match: func(r *http.Request) bool { return r.URL.Query().Get("$skipToken") != "" }})
			_, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 1}).Collect(ctx, 0)
			return err
		}},
		{"redirect of a GET", func(env *testEnv, target string) error {
			env.srv.Fail(sentineltest.Fault{Status: http.StatusMovedPermanently, Header: http.Header{"Location": {target}}, Body: "<a href=x>Moved</a>"})
			_, err := env.client.GetIncident(ctx, "abc", nil)
			return err
		}},
		{"redirect of a PUT (307)", func(env *testEnv, target string) error {
			env.srv.Fail(sentineltest.Fault{Status: http.StatusTemporaryRedirect, Header: http.Header{"Location": {target}}, Body: "-"})
			_, err := env.client.CreateIncident(ctx, sentinel.IncidentProperties{Title: "t", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}, nil)
			return err
		}},
		{"redirect of a DELETE (308)", func(env *testEnv, target string) error {
			env.srv.Fail(sentineltest.Fault{Status: http.StatusPermanentRedirect, Header: http.Header{"Location": {target}}, Body: "-"})
			return env.client.DeleteIncident(ctx, "abc", nil)
		}},
		{"redirect 303 of an update", func(env *testEnv, target string) error {
			id := env.srv.CreateIncident(map[string]any{"title": "t", "severity": "Low", "status": "New"})
			env.srv.Fail(sentineltest.Fault{Status: http.StatusSeeOther, Header: http.Header{"Location": {target}}, Body: "-",
				Match: func(r *http.Request) bool { return r.Method == http.MethodPut }})
			_, err := env.client.SetIncidentSeverity(ctx, id, sentinel.SeverityHigh, nil)
			return err
		}},
	}
	for name, tmpl := range targets {
		for _, v := range vias {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				var wl *wireLog
				env := newEnv(t, func(o *sentinel.ClientOptions) { wl = tapTransport(o) })
				emuOrigin := env.srv.URL()
				target := strings.ReplaceAll(tmpl, "{emu}", strings.TrimPrefix(emuOrigin, "https://127.0.0.1:"))

				err := v.run(env, target)
				require.Error(t, err, "the call must fail, not return a short result")

				for _, r := range wl.requests() {
					assert.Equal(t, emuOrigin, origin(r.URL), "a request left for %s %s", r.Method, r.URL)
					assert.Equal(t, "Bearer "+sentineltest.Token, r.Authorization)
				}
				assert.Zero(t, attTLS.hits.Load()+attPlain.hits.Load(), "an attacker server was contacted")
				assert.NotContains(t, err.Error(), "s3cr3t", "the error must not repeat a link's query")
				assert.NotContains(t, err.Error(), "pw@", "the error must not repeat a link's credentials")
				assert.NotContains(t, err.Error(), sentineltest.Token)

				if v.name == "nextLink" {
					var fe *sentinel.ForeignOriginError
					require.ErrorAs(t, err, &fe)
					assert.Contains(t, err.Error(), "refusing to send credentials")
					return
				}

				var re *sentinel.ResponseError
				require.ErrorAs(t, err, &re)
				assert.GreaterOrEqual(t, re.StatusCode, 300)
				assert.Less(t, re.StatusCode, 400)
				assert.Contains(t, re.Message, "redirected the request to ")
				assert.Contains(t, re.Message, "redirects are not followed")
			})
		}
	}
}

// TestHostileUnparsableLinks: a nextLink or Location that does not parse is refused without
// a request; the error does not repeat the link's credentials.
func TestHostileUnparsableLinks(t *testing.T) {
	attTLS := newAttacker(t, true)
	attPort := strings.TrimPrefix(attTLS.URL, "https://127.0.0.1:")
	for _, link := range []string{
		"https://127.0.0.1:" + attPort + "\\@127.0.0.1:1/x",
		"https://admin:pw@127.0.0.1:bad-port/x",
		"https://[::1/x",
		"\x00https://127.0.0.1:" + attPort,
	} {
		t.Run(link, func(t *testing.T) {
			var wl *wireLog
			env := newEnv(t, func(o *sentinel.ClientOptions) { wl = tapTransport(o) })
			body, _ := json.Marshal(map[string]any{"value": []any{json.RawMessage(incidentJSON(1))}, "nextLink": link})
			env.srv.Fail(sentineltest.Fault{Status: 200, Body: string(body)})
			_, err := env.client.ListIncidents(nil).Collect(context.Background(), 0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "invalid nextLink")
			assert.NotContains(t, err.Error(), "pw@")
			assert.Len(t, wl.requests(), 1)

			// The same as a Location: the HTTP client cannot parse it, azcore retries, and the
			// call fails once the retries are used up; nothing leaves for another origin.
			env.srv.Fail(sentineltest.Fault{Status: http.StatusFound, Header: http.Header{"Location": {link}}, Body: "-", Times: 10})
			_, err = env.client.GetIncident(context.Background(), "abc", nil)
			require.Error(t, err)
			for _, r := range wl.requests() {
				assert.Equal(t, env.srv.URL(), origin(r.URL))
			}
			assert.Zero(t, attTLS.hits.Load())
		})
	}
}

// TestHostileRedirectMessageNamesTheTarget pins the error text of a refused redirect.
func TestHostileRedirectMessageNamesTheTarget(t *testing.T) {
	env := newEnv(t)
	env.srv.Fail(sentineltest.Fault{Status: http.StatusTemporaryRedirect, Body: "-",
		Header: http.Header{"Location": {"https://user:pw@evil.example.com:8443/steal?sig=abc#frag"}, "X-Ms-Request-Id": {"rid-7"}}})
	_, err := env.client.GetIncident(context.Background(), "abc", nil)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "the service redirected the request to https://evil.example.com:8443/steal; redirects are not followed, so that the bearer token is only sent to the client's endpoints", re.Message)
	assert.Equal(t, "rid-7", re.RequestID)
	assert.Equal(t, "sentinel: GET "+env.srv.Endpoint()+wsPath+"/incidents/abc: 307 Temporary Redirect: "+re.Message+" (request ID rid-7)", err.Error())

	// A relative Location is resolved against the request.
	env.srv.Fail(sentineltest.Fault{Status: http.StatusFound, Body: "-", Header: http.Header{"Location": {"/elsewhere?x=1"}}})
	_, err = env.client.GetIncident(context.Background(), "abc", nil)
	require.ErrorAs(t, err, &re)
	assert.Contains(t, re.Message, "redirected the request to "+env.srv.URL()+"/elsewhere;")
	assert.Equal(t, 2, env.srv.RequestCount())
}

// aadStub is a minimal Entra ID token endpoint for azidentity's client-secret flow.
func aadStub(t *testing.T, secret, token string) *httptest.Server {
	var base string
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		tenant, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		switch {
		case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
			_ = json.NewEncoder(w).Encode(map[string]any{
				"token_endpoint":         base + "/" + tenant + "/oauth2/v2.0/token",
				"authorization_endpoint": base + "/" + tenant + "/oauth2/v2.0/authorize",
				"issuer":                 base + "/" + tenant + "/v2.0",
			})
		case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
			_ = r.ParseForm()
			if r.PostForm.Get("client_secret") != secret {
				w.WriteHeader(http.StatusUnauthorized)
				_ = json.NewEncoder(w).Encode(map[string]any{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"token_type": "Bearer", "expires_in": 3600, "ext_expires_in": 3600, "access_token": token})
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	base = ts.URL
	t.Cleanup(ts.Close)
	return ts
}

// TestHostileSecretsStayOutOfLogsAndErrors runs failing requests with azcore logging at full
// verbosity, request and response bodies included and the Authorization header allow-listed
// by the caller, against a service that echoes the token back, and greps everything captured.
// It must not run in parallel: the azcore log listener is global.
func TestHostileSecretsStayOutOfLogsAndErrors(t *testing.T) {
	const (
		tenantID = "72f988bf-86f1-41af-91ab-2d7cd011db47"
		clientID = "0f8e4b1c-3c7a-4d9e-8f21-6a5b4c3d2e1f"
		secret   = "client-s3cret~VALUE.that_must_not_leak"
	)
	var mu sync.Mutex
	var captured strings.Builder
	azlog.SetEvents() // all events
	azlog.SetListener(func(ev azlog.Event, msg string) {
		mu.Lock()
		fmt.Fprintf(&captured, "[%s] %s\n", ev, msg)
		mu.Unlock()
	})
	t.Cleanup(func() { azlog.SetListener(nil) })

	aad := aadStub(t, secret, sentineltest.Token)
	credOpts := &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: aad.URL + "/"}, Transport: aad.Client()},
		DisableInstanceDiscovery: true,
	}
	cred, err := azidentity.NewClientSecretCredential(tenantID, clientID, secret, credOpts)
	require.NoError(t, err)

	srv := sentineltest.NewServer(sentineltest.WithBasePath("/arm"))
	t.Cleanup(srv.Close)
	opts := &sentinel.ClientOptions{ThrottleBudget: time.Second, ClientOptions: azcore.ClientOptions{
		Cloud: srv.Cloud(), Transport: srv.HTTPClient(),
	}}
	opts.Retry.RetryDelay, opts.Retry.MaxRetryDelay = time.Millisecond, 5*time.Millisecond
	opts.Logging.IncludeBody = true
	opts.Logging.AllowedHeaders = []string{"authorization", "X-Echo"}
	client, err := sentinel.NewClient(workspaceOf(srv.Workspace()), cred, opts)
	require.NoError(t, err)
	id := srv.SeedIncidents(1)[0]

	echo := "Authorization: Bearer " + sentineltest.Token
	echoJSON, _ := json.Marshal(map[string]any{"error": map[string]any{"code": "AuthenticationFailed", "message": "Token rejected. Request headers: " + echo}})
	ctx := context.Background()
	var errs []error
	run := func(name string, faults []sentineltest.Fault, call func() error) {
		srv.Fail(faults...)
		err := call()
		require.Error(t, err, name)
		errs = append(errs, err)
	}
	getInc := func() error { _, err := client.GetIncident(ctx, id, nil); return err }
	run("server errors until retries run out", []sentineltest.Fault{{Status: 500, Times: 4}}, getInc)
	run("401 echoing the token in body and headers", []sentineltest.Fault{{Status: 401, Body: string(echoJSON),
		Header: http.Header{"X-Echo": {echo}, "X-Ms-Request-Id": {sentineltest.Token}}}}, getInc)
	run("429 beyond the budget, echoing", []sentineltest.Fault{{Status: 429, RetryAfter: "3600", Body: string(echoJSON)}}, getInc)
	run("proxy HTML error page echoing", []sentineltest.Fault{{Status: 502, Times: 4, Header: http.Header{"Content-Type": {"text/html"}},
		Body: "<html><title>Bad gateway</title><pre>" + echo + "</pre></html>"}}, getInc)
	run("200 captive-portal page echoing", []sentineltest.Fault{{Status: 200, Header: http.Header{"Content-Type": {"text/html"}},
		Body: "<html><title>Sign in to the proxy " + echo + "</title></html>"}}, getInc)
	run("a page that is an echoing HTML", []sentineltest.Fault{{Status: 200, Header: http.Header{"Content-Type": {"text/html"}},
		Body: "<html>" + echo + "</html>"}}, func() error { _, err := client.ListIncidents(nil).Collect(ctx, 0); return err })
	run("connection reset", []sentineltest.Fault{{Action: sentineltest.Reset, Times: 50}}, getInc)
	srv.ClearFaults()
	run("failing update", []sentineltest.Fault{{Status: 400, Body: string(echoJSON), Match: func(r *http.Request) bool { return r.Method == http.MethodPut }}},
		func() error { _, err := client.SetIncidentSeverity(ctx, id, sentinel.SeverityHigh, nil); return err })

	// A credential with a wrong secret.
	badCred, err := azidentity.NewClientSecretCredential(tenantID, clientID, secret+"-wrong", credOpts)
	require.NoError(t, err)
	badClient, err := sentinel.NewClient(workspaceOf(srv.Workspace()), badCred, opts)
	require.NoError(t, err)
	_, err = badClient.GetIncident(ctx, id, nil)
	require.Error(t, err)
	errs = append(errs, err)

	mu.Lock()
	out := captured.String()
	mu.Unlock()
	for _, err := range errs {
		out += "\n" + err.Error() + "\n" + fmt.Sprintf("%+v\n%#v\n", err, err)
		var re *sentinel.ResponseError
		if errors.As(err, &re) {
			out += fmt.Sprintf("%+v\n", *re)
		}
	}
	require.Contains(t, out, "==> OUTGOING REQUEST", "logging really was at full verbosity")
	require.Contains(t, out, "Authorization: REDACTED", "request headers were logged, redacted")
	require.Contains(t, out, "Request headers: Authorization: Bearer REDACTED", "echoed bodies were logged, redacted")
	for _, s := range []string{sentineltest.Token, secret, "s3cret"} {
		assert.NotContains(t, out, s)
	}
	if t.Failed() {
		t.Log(out)
	}
}
