package defender_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

// scopedCred issues a token naming its scope, so that a test sees which audience's token
// went where.
type scopedCred struct {
	mu     sync.Mutex
	scopes []string
}

func (c *scopedCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scopes = append(c.scopes, o.Scopes...)
	return azcore.AccessToken{Token: "token-for " + strings.Join(o.Scopes, ","), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// recorder answers every request with body and records "host token".
type recorder struct {
	mu   sync.Mutex
	sent []string
	body func(r *http.Request) string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.sent = append(r.sent, req.URL.Host+" "+req.Header.Get("Authorization"))
	r.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(r.body(req))), Request: req}, nil
}

// TestTokensStayWithTheirAudience: the Graph client asks for the Graph scope of its cloud
// and sends that token only to the Graph host; a nextLink to the ARM or Log Analytics host
// is a *ForeignOriginError without a request; and the Sentinel client refuses Graph links
// the same way, so neither token reaches the other's host.
func TestTokensStayWithTheirAudience(t *testing.T) {
	tests := []struct {
		name  string
		cloud cloud.Configuration
		host  string
		scope string
	}{
		{"public", cloud.AzurePublic, "graph.microsoft.com", "https://graph.microsoft.com/.default"},
		{"zero value is public", cloud.Configuration{}, "graph.microsoft.com", "https://graph.microsoft.com/.default"},
		{"US Gov L4", cloud.AzureGovernment, "graph.microsoft.us", "https://graph.microsoft.us/.default"},
		{"US Gov L5", defender.AzureGovernmentDoD, "dod-graph.microsoft.us", "https://dod-graph.microsoft.us/.default"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, foreign := range []string{"https://management.azure.com/subscriptions/x?$skiptoken=1", "https://api.loganalytics.io/v1/x", "https://" + tt.host + ".evil.example/v1.0/security/incidents", "http://" + tt.host + "/v1.0/security/incidents"} {
				rec := &recorder{body: func(*http.Request) string {
					return `{"value":[{"id":"1"}],"@odata.nextLink":"` + foreign + `"}`
				}}
				cred := &scopedCred{}
				c, err := defender.NewClient(cred, &defender.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: tt.cloud, Transport: rec}})
				require.NoError(t, err)
				p := c.ListIncidents(nil)
				page, err := p.NextPage(context.Background())
				require.NoError(t, err)
				assert.Equal(t, "1", page[0].ID)
				_, err = p.NextPage(context.Background())
				var fe *sentinel.ForeignOriginError
				require.ErrorAs(t, err, &fe, foreign)
				assert.Equal(t, "Microsoft Graph", fe.Audience)
				assert.Equal(t, []string{"https://" + tt.host}, fe.Allowed)
				assert.NotContains(t, fe.Error(), "token-for")
				assert.Equal(t, []string{tt.host + " Bearer token-for " + tt.scope}, rec.sent, "one request, to Graph, with the Graph token")
				assert.Equal(t, []string{tt.scope}, cred.scopes)
			}
		})
	}

	// The Sentinel client refuses a nextLink to the Graph host: the ARM token never goes there.
	rec := &recorder{body: func(*http.Request) string {
		return `{"value":[],"nextLink":"https://graph.microsoft.com/v1.0/security/incidents?$skip=1"}`
	}}
	cred := &scopedCred{}
	sc, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "rg", Name: "ws-name"}, cred,
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: rec}})
	require.NoError(t, err)
	p := sc.ListIncidents(nil)
	_, err = p.NextPage(context.Background())
	require.NoError(t, err)
	_, err = p.NextPage(context.Background())
	var fe *sentinel.ForeignOriginError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, "Azure Resource Manager", fe.Audience)
	require.Len(t, rec.sent, 1)
	assert.True(t, strings.HasPrefix(rec.sent[0], "management.azure.com Bearer token-for https://management.core.windows.net//.default"), rec.sent[0])
}

// TestEmulatorHostsAreSeparate: on the emulator, the Graph client only reaches the Graph
// host, and a Graph path sent to the ARM host (or an ARM path to the Graph host) is not
// served.
func TestEmulatorHostsAreSeparate(t *testing.T) {
	env := newEnv(t)
	assert.NotEqual(t, env.srv.URL(), env.srv.GraphEndpoint())
	hc := env.srv.HTTPClient()
	for _, u := range []string{env.srv.URL() + "/v1.0/security/incidents", env.srv.GraphEndpoint() + "/arm/subscriptions/x"} {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer sentineltest-token")
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.NotEqual(t, http.StatusOK, resp.StatusCode, u)
	}
}

func TestClouds(t *testing.T) {
	cred := &scopedCred{}
	for _, tt := range []struct {
		name  string
		cloud cloud.Configuration
		want  string
	}{
		{"China", cloud.AzureChina, "China cloud"},
		{"China Graph host", cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.chinacloudapi.cn/", Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			defender.ServiceName: {Endpoint: "https://microsoftgraph.chinacloudapi.cn"}}}, "China cloud"},
		{"custom without Graph", cloud.Configuration{ActiveDirectoryAuthorityHost: "https://login.example/"}, `"msgraph"`},
		{"bad endpoint", cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{defender.ServiceName: {Endpoint: "graph.example"}}}, "not an absolute"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := defender.NewClient(cred, &defender.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: tt.cloud}})
			assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
			assert.ErrorContains(t, err, tt.want)
		})
	}
	_, err := defender.NewClient(nil, nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	assert.Empty(t, cred.scopes, "no token was asked for")
}
