package sentinel_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

const bookmarkID = wsPath + "/bookmarks/2216d0e1-91e3-4902-89fd-d2df8c535096"

func TestCreateRelation(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(inc))
	ctx := context.Background()

	rel, err := env.client.CreateRelation(ctx, inc, bookmarkID, nil)
	require.NoError(t, err)
	r := env.srv.Requests()[0]
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Regexp(t, `^/arm`+wsPath+`/incidents/`+inc+`/relations/[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)
	assert.JSONEq(t, `{"properties":{"relatedResourceId":"`+bookmarkID+`"}}`, string(r.Body))

	assert.Equal(t, r.Path[strings.LastIndex(r.Path, "/")+1:], rel.Name)
	assert.Equal(t, bookmarkID, rel.RelatedResourceID)
	assert.Equal(t, "2216d0e1-91e3-4902-89fd-d2df8c535096", rel.RelatedResourceName)
	assert.Equal(t, "Microsoft.SecurityInsights/Bookmarks", rel.RelatedResourceType)
	assert.NotEmpty(t, rel.Etag)
	assert.Equal(t, 2, additionalCount(t, env, inc, "bookmarksCount"), "the seeded bookmark and the attached one")

	// The attached bookmark shows among the incident's bookmarks.
	bms, err := env.client.ListIncidentBookmarks(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, bms, 2)
	assert.Equal(t, "2216d0e1-91e3-4902-89fd-d2df8c535096", bms[1].Name)
	assert.Equal(t, rel.Name, bms[1].Incident.RelationName)

	t.Run("again is idempotent", func(t *testing.T) {
		// Another spelling of the same ID gives the same name.
		again, err := env.client.CreateRelation(ctx, inc, strings.ToUpper(bookmarkID[:20])+bookmarkID[20:], nil)
		require.NoError(t, err)
		assert.Equal(t, rel.Name, again.Name)
		assert.True(t, strings.EqualFold(bookmarkID, again.RelatedResourceID))
		n, err := env.client.ListRelations(inc, nil).Collect(ctx, 0)
		require.NoError(t, err)
		assert.Len(t, n, 1)
	})

	t.Run("retry after a lost response", func(t *testing.T) {
		other := wsPath + "/bookmarks/9c1f6a3e-7b2d-4e8f-a1c5-3d7e9f0b2a46"
		env.srv.Fail(sentineltest.Fault{Action: sentineltest.Drop, Match: func(r *http.Request) bool { return r.Method == http.MethodPut }})
		got, err := env.client.CreateRelation(ctx, inc, other, nil)
		require.NoError(t, err)
		assert.Equal(t, other, got.RelatedResourceID)
		assert.Equal(t, 3, additionalCount(t, env, inc, "bookmarksCount"))
	})

	t.Run("a name taken by another resource", func(t *testing.T) {
		// The service keeps the last write of a PUT without an etag: the relation now
		// points at the other resource.
		got, err := env.client.CreateRelation(ctx, inc, wsPath+"/bookmarks/x1", &sentinel.CreateRelationOptions{Name: rel.Name})
		require.NoError(t, err)
		assert.Equal(t, rel.Name, got.Name)
		assert.Equal(t, wsPath+"/bookmarks/x1", got.RelatedResourceID)
		stored, err := env.client.GetRelation(ctx, inc, rel.Name, nil)
		require.NoError(t, err)
		assert.Equal(t, "x1", stored.RelatedResourceName)
	})

	t.Run("a chosen name", func(t *testing.T) {
		other := "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/incidents/" + newIncident(t, env)
		got, err := env.client.CreateRelation(ctx, inc, other, &sentinel.CreateRelationOptions{Name: "related-incident-1"})
		require.NoError(t, err)
		assert.Equal(t, "related-incident-1", got.Name)
		assert.Equal(t, "Microsoft.SecurityInsights/Incidents", got.RelatedResourceType)
	})
}

func TestCreateRelationArguments(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name, incident, resource string
		opts                     *sentinel.CreateRelationOptions
		arg                      string
	}{
		{"empty resource", "inc", "", nil, "relatedResourceID"},
		{"relative resource", "inc", "bookmarks/x", nil, "relatedResourceID"},
		{"url", "inc", "https://management.azure.com" + bookmarkID, nil, "relatedResourceID"},
		{"no provider", "inc", "/subscriptions/x/resourceGroups/y", nil, "relatedResourceID"},
		{"control character", "inc", bookmarkID + "\n", nil, "relatedResourceID"},
		{"bad incident", "a/b", bookmarkID, nil, "incidentID"},
		{"name too short", "inc", bookmarkID, &sentinel.CreateRelationOptions{Name: "ab"}, "CreateRelationOptions.Name"},
		{"name with underscore", "inc", bookmarkID, &sentinel.CreateRelationOptions{Name: "my_relation"}, "CreateRelationOptions.Name"},
		{"name too long", "inc", bookmarkID, &sentinel.CreateRelationOptions{Name: strings.Repeat("a", 64)}, "CreateRelationOptions.Name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.client.CreateRelation(ctx, tt.incident, tt.resource, tt.opts)
			var ae *sentinel.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.arg, ae.Name)
		})
	}
	assert.Zero(t, env.srv.RequestCount())
}

func TestListGetDeleteRelations(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	var names []string
	for _, id := range []string{"b1", "b2", "b3"} {
		rel, err := env.client.CreateRelation(ctx, inc, wsPath+"/bookmarks/"+id, nil)
		require.NoError(t, err)
		names = append(names, rel.Name)
	}
	other := newIncident(t, env)
	_, err := env.client.CreateRelation(ctx, inc, wsPath+"/incidents/"+other, &sentinel.CreateRelationOptions{Name: "rel-incident"})
	require.NoError(t, err)
	assert.Equal(t, 3, additionalCount(t, env, inc, "bookmarksCount"))

	env.srv.ResetRequests()
	all, err := env.client.ListRelations(inc, &sentinel.ListRelationsOptions{Top: 2}).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, all, 4)
	assert.Equal(t, append(names, "rel-incident"), []string{all[0].Name, all[1].Name, all[2].Name, all[3].Name})
	reqs := env.srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/relations", reqs[0].Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion+"&$top=2", reqs[0].RawQuery)

	bookmarksOnly, err := env.client.ListRelations(inc, &sentinel.ListRelationsOptions{
		Filter: "properties/relatedResourceType eq 'Microsoft.SecurityInsights/Bookmarks'", OrderBy: "properties/relatedResourceName desc",
	}).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, bookmarksOnly, 3)
	assert.Equal(t, "b3", bookmarksOnly[0].RelatedResourceName)

	got, err := env.client.GetRelation(ctx, inc, "rel-incident", nil)
	require.NoError(t, err)
	assert.Equal(t, other, got.RelatedResourceName)

	env.srv.ResetRequests()
	require.NoError(t, env.client.DeleteRelation(ctx, inc, names[0], nil))
	assert.Equal(t, http.MethodDelete, env.srv.Requests()[0].Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/relations/"+names[0], env.srv.Requests()[0].Path)
	assert.Equal(t, 2, additionalCount(t, env, inc, "bookmarksCount"))
	_, err = env.client.GetRelation(ctx, inc, names[0], nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	assert.NoError(t, env.client.DeleteRelation(ctx, inc, names[0], nil))

	for _, err := range []error{
		env.client.DeleteRelation(ctx, inc, "", nil),
		env.client.DeleteRelation(ctx, "", "x", nil),
		func() error { _, err := env.client.GetRelation(ctx, inc, "a/b", nil); return err }(),
		func() error { _, err := env.client.ListRelations("", nil).NextPage(ctx); return err }(),
		func() error {
			_, err := env.client.ListRelations(inc, &sentinel.ListRelationsOptions{Top: -2}).NextPage(ctx)
			return err
		}(),
	} {
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	}
	_, err = env.client.ListRelations("missing", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestRelationDecoding(t *testing.T) {
	data, err := os.ReadFile("testdata/relations/get.json")
	require.NoError(t, err)
	var r sentinel.IncidentRelation
	require.NoError(t, sentinel.UnmarshalJSON(data, &r))
	assert.Equal(t, "4bb36b7b-26ff-4d1c-9cbe-0d8ab3da0012", r.Name)
	assert.Equal(t, `"190057d0-0000-0d00-0000-5c6f5adb0000"`, r.Etag)
	assert.Equal(t, "afbd324f-6c48-459c-8710-8d1e1cd03812", r.RelatedResourceName)
	assert.Equal(t, "Microsoft.SecurityInsights/Bookmarks", r.RelatedResourceType)
	assert.Equal(t, "", r.RelatedResourceKind)
	assert.Equal(t, map[string]jsontext.Value{"createdTimeUtc": jsontext.Value(`"2026-05-13T11:30:00Z"`)}, sentinel.UnknownMembers(r.IncidentRelationProperties.Unknown))
	out, err := sentinel.MarshalJSON(r)
	require.NoError(t, err)
	// The wire form round-trips, except that the empty read-only kind is left out.
	assert.JSONEq(t, strings.Replace(string(data), `"relatedResourceKind": "",`, "", 1), string(out))
}
