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

func TestListAlertsWithFilter(t *testing.T) {
	env := newEnv(t)
	g := env.srv.Graph().CreateIncident(map[string]any{"displayName": "x"},
		map[string]any{"title": "a1", "status": "new", "serviceSource": "microsoftSentinel"},
		map[string]any{"title": "a2", "status": "resolved", "serviceSource": "microsoftSentinel"},
		map[string]any{"title": "a3", "status": "new", "serviceSource": "microsoftDefenderForEndpoint"},
	)
	f := defender.AlertFilter{}.StatusIn(defender.AlertStatusNew).ServiceSourceIn(defender.ServiceSourceMicrosoftSentinel)
	alerts, err := env.client.ListAlerts(&defender.ListAlertsOptions{Filter: f.String(), Top: 1}).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, "a1", alerts[0].Title)
	assert.Equal(t, g.ID, alerts[0].IncidentID)
	r := env.graphRequests()[0]
	assert.Equal(t, "/v1.0/security/alerts_v2", r.Path)
	assert.Equal(t, f.String(), r.Query.Get("$filter"))
	assert.Equal(t, "1", r.Query.Get("$top"))
}

func TestGetUpdateAndCommentAlert(t *testing.T) {
	env := newEnv(t)
	env.srv.Graph().SeedIncidents(1)
	alerts, err := env.client.ListAlerts(nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.NotEmpty(t, alerts)
	id := alerts[0].ID

	a, err := env.client.GetAlert(context.Background(), id, nil)
	require.NoError(t, err)
	assert.Equal(t, id, a.ID)
	assert.NotEmpty(t, a.Evidence)

	env.srv.ResetRequests()
	out, err := env.client.UpdateAlert(context.Background(), id, defender.AlertUpdate{
		Status: sentinel.Ptr(defender.AlertStatusResolved), Classification: sentinel.Ptr(defender.ClassificationFalsePositive),
		Determination: sentinel.Ptr(defender.DeterminationNotMalicious), AssignedTo: sentinel.Ptr("kai@contoso.com"),
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, defender.AlertStatusResolved, out.Status)
	assert.Equal(t, "kai@contoso.com", out.AssignedTo)
	assert.False(t, out.ResolvedDateTime.IsZero(), "the service stamps the resolution")
	assert.Equal(t, len(a.Evidence), len(out.Evidence), "the evidence is untouched")
	r := env.graphRequests()[0]
	assert.Equal(t, http.MethodPatch, r.Method)
	assert.Equal(t, "/v1.0/security/alerts_v2/"+id, r.Path)
	assert.JSONEq(t, `{"status":"resolved","classification":"falsePositive","determination":"notMalicious","assignedTo":"kai@contoso.com"}`, string(r.Body))

	comments, err := env.client.CreateAlertComment(context.Background(), id, "False positive: red team.", nil)
	require.NoError(t, err)
	require.Len(t, comments, 1)
	assert.Equal(t, "False positive: red team.", comments[0].Comment)
	assert.Equal(t, "/v1.0/security/alerts_v2/"+id+"/comments", env.graphRequests()[1].Path)

	_, err = env.client.UpdateAlert(context.Background(), id, defender.AlertUpdate{}, nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	_, err = env.client.GetAlert(context.Background(), "missing", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}
