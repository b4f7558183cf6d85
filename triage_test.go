package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// inFlight is a transport that records the most requests it had in flight at once.
type inFlight struct {
	inner    *http.Client
	mu       sync.Mutex
	now, max int
}

func (t *inFlight) Do(r *http.Request) (*http.Response, error) {
	t.mu.Lock()
	t.now++
	t.max = max(t.max, t.now)
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		t.now--
		t.mu.Unlock()
	}()
	return t.inner.Do(r)
}

func (t *inFlight) peak() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.max
}

func seededIncident(t *testing.T, env *testEnv, comments int) string {
	t.Helper()
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(inc))
	for i := range comments {
		_, err := env.client.CreateComment(context.Background(), inc, fmt.Sprintf("comment %d", i), nil)
		require.NoError(t, err)
	}
	env.srv.ResetRequests()
	return inc
}

func TestGetIncidentDetails(t *testing.T) {
	env := newEnv(t)
	inc := seededIncident(t, env, 3)

	d, err := env.client.GetIncidentDetails(context.Background(), inc, nil)
	require.NoError(t, err)
	assert.Nil(t, d.Errors)
	assert.Equal(t, inc, d.Incident.Name)
	assert.Equal(t, 3, d.Incident.AdditionalData.CommentsCount)
	assert.Len(t, d.Alerts, 2)
	assert.Len(t, d.Entities, 29)
	assert.NotEmpty(t, sentinel.EntityCounts(d.Entities))
	assert.Len(t, d.Enriched, 28)
	require.Len(t, d.Comments, 3)
	assert.Equal(t, "comment 0", d.Comments[0].Message)

	var got []string
	for _, r := range env.srv.Requests() {
		got = append(got, r.Method+" "+strings.TrimPrefix(r.Path, "/arm"+wsPath))
	}
	sort.Strings(got)
	assert.Equal(t, []string{
		"GET /incidents/" + inc,
		"GET /incidents/" + inc + "/comments",
		"POST /incidents/" + inc + "/alerts",
		"POST /incidents/" + inc + "/entities",
	}, got)
}

func TestGetIncidentDetailsPartialFailure(t *testing.T) {
	env := newEnv(t)
	inc := seededIncident(t, env, 1)
	env.srv.Fail(sentineltest.Fault{Status: http.StatusForbidden, Match: func(r *http.Request) bool {
		return strings.HasSuffix(r.URL.Path, "/alerts")
	}})

	d, err := env.client.GetIncidentDetails(context.Background(), inc, nil)
	require.Error(t, err)
	require.NotNil(t, d, "the parts that worked are returned")
	var de *sentinel.IncidentDetailsError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, inc, de.IncidentID)
	assert.ErrorIs(t, err, sentinel.ErrForbidden)
	assert.NotErrorIs(t, err, sentinel.ErrNotFound)
	require.Len(t, d.Errors, 1)
	assert.ErrorIs(t, d.Errors[sentinel.PartAlerts], sentinel.ErrForbidden)
	assert.Contains(t, err.Error(), "1 of 4 parts failed; alerts: ")

	assert.Empty(t, d.Alerts)
	assert.Equal(t, inc, d.Incident.Name)
	assert.Len(t, d.Entities, 29)
	assert.Len(t, d.Enriched, 28)
	assert.Len(t, d.Comments, 1)
}

func TestGetIncidentDetailsMissingIncident(t *testing.T) {
	env := newEnv(t)
	d, err := env.client.GetIncidentDetails(context.Background(), "no-such-incident", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	require.NotNil(t, d)
	assert.Len(t, d.Errors, 4)
	var de *sentinel.IncidentDetailsError
	require.ErrorAs(t, err, &de)
	assert.Len(t, de.Unwrap(), 4)
}

func TestGetIncidentDetailsConcurrency(t *testing.T) {
	for _, tt := range []struct{ limit, atMost, atLeast int }{{1, 1, 1}, {2, 2, 2}, {0, 4, 2}} {
		t.Run(fmt.Sprint(tt.limit), func(t *testing.T) {
			counter := &inFlight{}
			env := newEnv(t, func(o *sentinel.ClientOptions) { counter.inner = o.Transport.(*http.Client); o.Transport = counter })
			inc := seededIncident(t, env, 0)
			env.srv.SetLatency(40 * time.Millisecond)
			d, err := env.client.GetIncidentDetails(context.Background(), inc, &sentinel.GetIncidentDetailsOptions{MaxConcurrency: tt.limit})
			require.NoError(t, err)
			assert.Len(t, d.Alerts, 2)
			assert.LessOrEqual(t, counter.peak(), tt.atMost)
			assert.GreaterOrEqual(t, counter.peak(), tt.atLeast)
		})
	}
}

func TestGetIncidentDetailsOptions(t *testing.T) {
	env := newEnv(t)
	inc := seededIncident(t, env, 5)
	ctx := context.Background()

	d, err := env.client.GetIncidentDetails(ctx, inc, &sentinel.GetIncidentDetailsOptions{MaxComments: 2})
	require.NoError(t, err)
	assert.Len(t, d.Comments, 2)

	env.srv.ResetRequests()
	for name, opts := range map[string]*sentinel.GetIncidentDetailsOptions{
		"GetIncidentDetailsOptions.MaxConcurrency": {MaxConcurrency: -1},
		"GetIncidentDetailsOptions.MaxComments":    {MaxComments: -1},
	} {
		d, err := env.client.GetIncidentDetails(ctx, inc, opts)
		assert.Zero(t, d)
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, name, ae.Name)
	}
	_, err = env.client.GetIncidentDetails(ctx, "a/b", nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	assert.Zero(t, env.srv.RequestCount())

	canceled, cancel := context.WithCancel(ctx)
	cancel()
	d, err = env.client.GetIncidentDetails(canceled, inc, nil)
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
	assert.Len(t, d.Errors, 4)
}

// ExampleClient_GetIncidentDetails triages an incident of the emulator in one call.
func ExampleClient_GetIncidentDetails() {
	srv := sentineltest.NewServer()
	defer srv.Close()
	ws := srv.Workspace()
	client, err := sentinel.NewClient(
		sentinel.Workspace{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: ws.Name},
		srv.Credential(),
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
	if err != nil {
		panic(err)
	}
	id := srv.CreateIncident(map[string]any{"title": "Multi-stage attack on WS-FIN-0142", "severity": "High", "status": "New"})
	srv.Data().SeedIncidentDetails(id)

	d, err := client.GetIncidentDetails(context.Background(), id, nil)
	if err != nil {
		panic(err) // an *IncidentDetailsError: d still holds the parts that worked
	}
	fmt.Printf("%s: %d alerts, %d entities (%d after merging)\n", d.Incident.Title, len(d.Alerts), len(d.Entities), len(d.Enriched))
	for _, e := range d.Enriched[:3] {
		fmt.Printf("%s %s\n", e.Kind, e.Value)
	}
	// Output:
	// Multi-stage attack on WS-FIN-0142: 2 alerts, 29 entities (28 after merging)
	// Account alice.jones@contoso.com
	// Host ws-fin-0142.contoso.com
	// Ip 185.220.101.45
}
