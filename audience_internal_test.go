package sentinel

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/sentinel-go/sentinel/internal/rest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type countingTransport struct {
	mu   sync.Mutex
	urls []string
}

func (c *countingTransport) Do(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.urls = append(c.urls, r.URL.String())
	c.mu.Unlock()
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{}`)), Request: r}, nil
}

type fixedCred struct{}

func (fixedCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "secret-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestEachAudienceOnlyReachesItsOrigin sends requests through each audience's pipeline to
// the other audience's host, in both directions: each is a *ForeignOriginError naming the
// audience, and nothing is sent.
func TestEachAudienceOnlyReachesItsOrigin(t *testing.T) {
	tr := &countingTransport{}
	ws := Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace"}
	c, err := NewClient(ws, fixedCred{}, &ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.AzurePublic, Transport: tr}})
	require.NoError(t, err)
	tests := []struct {
		name     string
		svc      *rest.Service
		url      string
		audience string
		allowed  string
	}{
		{"ARM token to Log Analytics", c.arm, "https://api.loganalytics.io/v1/workspaces/x/query", "Azure Resource Manager", "https://management.azure.com"},
		{"Log Analytics token to ARM", c.logs, "https://management.azure.com/subscriptions/x", "Log Analytics", "https://api.loganalytics.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.send(context.Background(), &request{op: "test", method: http.MethodGet, rawURL: tt.url + "?sig=1", service: tt.svc})
			var fe *ForeignOriginError
			require.True(t, errors.As(err, &fe), "%v", err)
			assert.Equal(t, tt.url, fe.URL)
			assert.Equal(t, tt.audience, fe.Audience)
			assert.Equal(t, []string{tt.allowed}, fe.Allowed)
			assert.Empty(t, tr.urls)
		})
	}
}
