package sentinel_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

func TestListIncidentBookmarks(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(inc))
	assert.Equal(t, 1, additionalCount(t, env, inc, "bookmarksCount"))
	ctx := context.Background()

	got, err := env.client.ListIncidentBookmarks(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	r := env.srv.Requests()[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/bookmarks", r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)

	require.Len(t, got, 1)
	b := got[0]
	assert.Equal(t, sentinel.EntityKindBookmark, b.Kind())
	assert.Equal(t, "PowerShell download cradle on WS-FIN-0142", b.DisplayName)
	assert.Contains(t, b.Query, "DeviceProcessEvents")
	assert.Equal(t, []string{"hunting", "powershell"}, b.Labels)
	assert.Equal(t, time.Date(2026, 5, 13, 10, 2, 11, 234000000, time.UTC), b.EventTime)
	assert.Equal(t, "Bob Smith", b.CreatedBy.Name)
	assert.Equal(t, inc, b.Incident.IncidentID)
	assert.Equal(t, sentinel.SeverityHigh, b.Incident.Severity)
	assert.NoError(t, b.DecodeError())

	// Odd bookmarks are kept.
	require.True(t, env.srv.Data().SetIncidentBookmarks(inc, []byte(`[{"name":"b1","kind":"Bookmark","properties":{"displayName":"x","labels":"not-a-list","created":"yesterday"}}]`)))
	got, err = env.client.ListIncidentBookmarks(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "x", got[0].DisplayName)
	assert.ErrorContains(t, got[0].DecodeError(), "labels")
	assert.ErrorContains(t, got[0].DecodeError(), "created")

	none, err := env.client.ListIncidentBookmarks(newIncident(t, env), nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
	_, err = env.client.ListIncidentBookmarks("missing", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	_, err = env.client.ListIncidentBookmarks("a/b", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
}
