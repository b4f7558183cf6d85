package defender_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

// TestLinkBothWays goes from a Sentinel incident mirrored from Defender to its Graph
// incident (one Graph request) and back (one ARM request with the provider filter).
func TestLinkBothWays(t *testing.T) {
	env := newEnv(t)
	env.srv.Graph().SeedIncidents(3)
	g := env.srv.Graph().CreateIncident(map[string]any{
		"displayName": "Credential theft on SRV-DC-01", "severity": "high", "assignedTo": "kai@contoso.com",
		"classification": "truePositive", "determination": "compromisedAccount",
	})
	native := env.srv.CreateIncident(map[string]any{"title": "Native", "severity": "Low", "status": "New"})
	ctx := context.Background()

	s, err := env.sentinel.GetIncident(ctx, g.SentinelName, nil)
	require.NoError(t, err)
	assert.Equal(t, defender.ProviderName, s.ProviderName)
	id, ok := defender.LinkedIncidentID(s)
	require.True(t, ok)
	assert.Equal(t, g.ID, id)

	env.srv.ResetRequests()
	gi, err := env.client.GetLinkedIncident(ctx, s, nil)
	require.NoError(t, err)
	assert.Equal(t, g.ID, gi.ID)
	assert.Equal(t, "Credential theft on SRV-DC-01", gi.DisplayName)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1.0/security/incidents/"+g.ID, reqs[0].Path)

	env.srv.ResetRequests()
	back, err := defender.GetSentinelIncident(ctx, env.sentinel, g.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, g.SentinelName, back.Name)
	assert.Equal(t, gi.IncidentWebURL, back.AdditionalData.ProviderIncidentURL)
	reqs = env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "/arm/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/incidents", reqs[0].Path)
	assert.Equal(t, "(properties/providerName eq 'Microsoft XDR' and properties/providerIncidentId eq '"+g.ID+"')", reqs[0].Query.Get("$filter"))

	v := defender.Linked{Graph: gi, Sentinel: back}.Verdicts()
	assert.Equal(t, defender.Verdicts{
		GraphStatus: defender.IncidentStatusActive, GraphClassification: defender.ClassificationTruePositive,
		GraphDetermination: defender.DeterminationCompromisedAccount, GraphAssignedTo: "kai@contoso.com",
		SentinelStatus: sentinel.IncidentStatusActive, SentinelOwner: "kai@contoso.com",
	}, v, "both vocabularies as they are, no mapping: the Sentinel incident has no classification yet")

	// A native Sentinel incident has no Graph incident: refused before any request.
	ns, err := env.sentinel.GetIncident(ctx, native, nil)
	require.NoError(t, err)
	env.srv.ResetRequests()
	_, ok = defender.LinkedIncidentID(ns)
	assert.False(t, ok)
	_, err = env.client.GetLinkedIncident(ctx, ns, nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	assert.Empty(t, env.srv.Requests())

	// A Graph incident without a Sentinel incident, and a native incident's number, which is
	// its providerIncidentId under another provider.
	for _, id := range []string{"999999", ns.ProviderIncidentID} {
		_, err = defender.GetSentinelIncident(ctx, env.sentinel, id, nil)
		assert.ErrorIs(t, err, sentinel.ErrNotFound, id)
	}
	_, err = defender.GetSentinelIncident(ctx, env.sentinel, " ", nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	_, err = defender.GetSentinelIncident(ctx, nil, "1", nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
}
