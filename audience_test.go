package sentinel_test

import (
	"context"
	"encoding/json"
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
)

// audienceTransport plays ARM and Log Analytics of the public cloud: an incident list whose
// nextLink points where the test says, and an empty query result. It records every request
// with the token it carried.
type audienceTransport struct {
	mu       sync.Mutex
	nextLink string
	sent     []audienceReq
}

type audienceReq struct{ url, token string }

func (a *audienceTransport) Do(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	a.sent = append(a.sent, audienceReq{r.URL.String(), r.Header.Get("Authorization")})
	a.mu.Unlock()
	body := `{"tables":[]}`
	if r.URL.Host == "management.azure.com" {
		b, _ := json.Marshal(map[string]any{"value": []any{json.RawMessage(incidentJSON(1))}, "nextLink": a.nextLink})
		body = string(b)
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// audienceCred issues a token named after the scope it is asked for.
type audienceCred struct{}

func (audienceCred) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "token-for-" + strings.Join(o.Scopes, ","), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestTokenScopePerAudience: each pipeline sends its token only to its own origin. An ARM
// nextLink to the Log Analytics host (or to the same host on another scheme) is refused
// with a *ForeignOriginError before anything is sent, although the client does talk to that
// host, with another token.
func TestTokenScopePerAudience(t *testing.T) {
	const armToken = "Bearer token-for-https://management.core.windows.net//.default"
	const logsToken = "Bearer token-for-https://api.loganalytics.io/.default"
	links := map[string]string{
		"Log Analytics host":           "https://api.loganalytics.io/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query?$skipToken=2",
		"Log Analytics host, port 443": "https://api.loganalytics.io:443/subscriptions/x/incidents?$skipToken=2",
		"Log Analytics host, http":     "http://api.loganalytics.io/subscriptions/x/incidents?$skipToken=2",
	}
	for name, link := range links {
		t.Run(name, func(t *testing.T) {
			tr := &audienceTransport{nextLink: link}
			ws := sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace", CustomerID: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}
			c, err := sentinel.NewClient(ws, audienceCred{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.AzurePublic, Transport: tr}})
			require.NoError(t, err)
			ctx := context.Background()

			// The client talks to both hosts, each with its own token.
			_, err = c.Query(ctx, "SecurityEvent | take 1", nil)
			require.NoError(t, err)
			items, err := c.ListIncidents(nil).Collect(ctx, 0)
			assert.Len(t, items, 1, "the first page's incident comes with the error")
			var fe *sentinel.ForeignOriginError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, []string{"https://management.azure.com"}, fe.Allowed, "the ARM token goes to ARM's origin only")
			assert.NotContains(t, err.Error(), "skipToken")

			require.Len(t, tr.sent, 2, "the nextLink was not followed")
			assert.Equal(t, "api.loganalytics.io", hostOf(tr.sent[0].url))
			assert.Equal(t, logsToken, tr.sent[0].token)
			assert.Equal(t, "management.azure.com", hostOf(tr.sent[1].url))
			assert.Equal(t, armToken, tr.sent[1].token)
		})
	}
}

func hostOf(raw string) string {
	_, rest, _ := strings.Cut(raw, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}
