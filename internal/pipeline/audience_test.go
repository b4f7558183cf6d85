package pipeline

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type recorder struct {
	mu     sync.Mutex
	sent   []string // "origin token"
	scopes []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, Origin(req.URL)+" "+req.Header.Get("Authorization"))
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: http.NoBody, Request: req}, nil
}

func (r *recorder) GetToken(_ context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.scopes = append(r.scopes, o.Scopes...)
	return azcore.AccessToken{Token: "tok:" + strings.Join(o.Scopes, ","), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

type refused struct{ url, audience, allowed string }

func (refused) Error() string { return "refused" }

// TestAudiencesDoNotShareOrigins: three audiences built from the same options (as ARM, Log
// Analytics and Graph are) each send their own token to their own origin and refuse every
// other one, in each direction, before a token is requested or a byte is sent.
func TestAudiencesDoNotShareOrigins(t *testing.T) {
	rec := &recorder{}
	opts := Options{Module: "m", Version: "v0.0.1", Credential: rec, Client: &policy.ClientOptions{Transport: rec},
		Refuse: func(clean string, a *Audience, allowed string) error {
			return refused{clean, a.Name, allowed}
		}}
	mk := func(name, endpoint string) *Pipeline {
		u, err := url.Parse(endpoint)
		require.NoError(t, err)
		p, err := New(Audience{Name: name, Endpoint: u, Scope: Scope(endpoint)}, opts)
		require.NoError(t, err)
		return p
	}
	all := []*Pipeline{
		mk("ARM", "https://management.azure.com"),
		mk("Log Analytics", "https://api.loganalytics.io"),
		mk("Graph", "https://graph.microsoft.com"),
	}
	for _, p := range all {
		for _, target := range all {
			req, err := runtime.NewRequest(context.Background(), http.MethodGet, target.Audience.Endpoint.String()+"/x?secret=1")
			require.NoError(t, err)
			before := len(rec.sent)
			_, err = p.Do(req)
			if p == target {
				require.NoError(t, err)
				require.Len(t, rec.sent, before+1)
				assert.Equal(t, p.Origin+" Bearer tok:"+p.Audience.Scope, rec.sent[before])
				continue
			}
			var r refused
			require.True(t, errors.As(err, &r), "%s to %s: %v", p.Audience.Name, target.Audience.Name, err)
			assert.Equal(t, refused{target.Audience.Endpoint.String() + "/x", p.Audience.Name, p.Origin}, r)
			assert.Len(t, rec.sent, before, "%s sent a request to %s", p.Audience.Name, target.Audience.Name)
			assert.ErrorAs(t, p.Check(req.Raw().URL), &r, "Check agrees with the pipeline")
		}
	}
	// Each scope was asked for by its own audience only.
	assert.ElementsMatch(t, []string{"https://management.azure.com/.default", "https://api.loganalytics.io/.default", "https://graph.microsoft.com/.default"}, rec.scopes)
}

func TestScope(t *testing.T) {
	assert.Equal(t, "https://management.core.windows.net//.default", Scope("https://management.core.windows.net/"))
	assert.Equal(t, "https://api.loganalytics.io/.default", Scope("https://api.loganalytics.io"))
}
