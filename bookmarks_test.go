package sentinel_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

func TestBookmarkFixtureDecode(t *testing.T) {
	var b sentinel.Bookmark
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "bookmarks/get.json"), &b))
	assert.Equal(t, "73e01a99-5cd7-4139-a149-9f2736ff2ab5", b.Name)
	assert.Equal(t, `"0300bf09-0000-0000-0000-5c37296e0000"`, b.Etag)
	assert.Equal(t, "My bookmark", b.DisplayName)
	assert.Equal(t, "SecurityEvent | where TimeGenerated > ago(1d) and TimeGenerated < ago(2d)", b.Query)
	assert.Equal(t, "Security Event query result", b.QueryResult)
	assert.Equal(t, "Found a suspicious activity", b.Notes)
	assert.Equal(t, []string{"Tag1", "Tag2"}, b.Labels)
	assert.Equal(t, time.Date(2026, 9, 30, 13, 15, 30, 123000000, time.UTC), b.QueryStartTime)
	assert.Equal(t, time.Date(2026, 10, 1, 13, 15, 30, 0, time.UTC), b.QueryEndTime, "a time without zone is UTC")
	assert.Equal(t, time.Date(2026, 9, 30, 22, 1, 2, 0, time.UTC), b.EventTime)
	assert.Equal(t, time.Date(2026, 10, 1, 13, 15, 30, 0, time.UTC), b.Created)
	assert.Equal(t, sentinel.UserInfo{ObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70", Email: "john@contoso.com", Name: "John Doe"}, b.CreatedBy)
	assert.Equal(t, sentinel.BookmarkIncidentInfo{IncidentID: "DDA8CD70-4B15-4A5E-9F6D-A7B8C9D0E1F2", Severity: sentinel.SeverityLow, Title: "New case 1", RelationName: "Relation Name"}, b.IncidentInfo)
	assert.Equal(t, []string{"entityMappings", "tactics"}, sortedKeys(sentinel.UnknownMembers(b.BookmarkProperties.Unknown)))
	assert.Equal(t, "john@contoso.com", b.SystemData.CreatedBy)
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func TestBookmarkCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	id := "b7c2d9e4-1f3a-4c5b-8d6e-7f8091a2b3c4"
	start := time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)
	in := sentinel.Bookmark{BookmarkProperties: sentinel.BookmarkProperties{
		DisplayName:    "Rare process on SRV-DC-01",
		Query:          "SecurityEvent | where Computer == 'SRV-DC-01' and EventID == 4688",
		QueryResult:    `[{"Computer":"SRV-DC-01","NewProcessName":"C:\\Temp\\x.exe"}]`,
		QueryStartTime: start,
		QueryEndTime:   start.Add(24 * time.Hour),
		EventTime:      start.Add(3 * time.Hour),
		Notes:          "Unsigned binary from a temp folder",
		Labels:         []string{"hunting", "dc"},
	}}
	created, err := env.client.CreateOrUpdateBookmark(ctx, id, in, nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/bookmarks/"+id, req.Method+" "+req.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, req.RawQuery)
	assert.JSONEq(t, `{"properties":{"displayName":"Rare process on SRV-DC-01",
		"query":"SecurityEvent | where Computer == 'SRV-DC-01' and EventID == 4688",
		"queryResult":"[{\"Computer\":\"SRV-DC-01\",\"NewProcessName\":\"C:\\\\Temp\\\\x.exe\"}]",
		"queryStartTime":"2026-10-31T00:00:00Z","queryEndTime":"2026-11-01T00:00:00Z","eventTime":"2026-10-31T03:00:00Z",
		"notes":"Unsigned binary from a temp folder","labels":["hunting","dc"]}}`, string(req.Body))
	assert.Equal(t, id, created.Name)
	assert.NotEmpty(t, created.Etag)
	assert.Equal(t, in.QueryEndTime, created.QueryEndTime)
	assert.Equal(t, "Sentinel Test", created.CreatedBy.Name)
	assert.False(t, created.Created.IsZero())

	got, err := env.client.GetBookmark(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, created, got)

	got.Notes = "Confirmed: attacker tooling"
	got.Labels = append(got.Labels, "confirmed")
	upd, err := env.client.CreateOrUpdateBookmark(ctx, id, got, nil)
	require.NoError(t, err)
	assert.Equal(t, "Confirmed: attacker tooling", upd.Notes)
	assert.Equal(t, []string{"hunting", "dc", "confirmed"}, upd.Labels)
	assert.Equal(t, created.Created, upd.Created)
	_, err = env.client.CreateOrUpdateBookmark(ctx, id, got, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	all, err := env.client.ListBookmarks(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, []sentinel.Bookmark{upd}, all)
	assert.Equal(t, "GET /arm"+wsPath+"/bookmarks", lastRequest(t, env).Method+" "+lastRequest(t, env).Path)

	require.NoError(t, env.client.DeleteBookmark(ctx, id, nil))
	assert.Equal(t, "DELETE /arm"+wsPath+"/bookmarks/"+id, lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	_, err = env.client.GetBookmark(ctx, id, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestBookmarkUnknownPropertiesRoundTrip(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	obj := fixtureObject(t, "bookmarks/get.json")
	env.srv.Data().AddBookmark("bm", obj)
	b, err := env.client.GetBookmark(ctx, "bm", nil)
	require.NoError(t, err)
	want := members(t, members(t, mustMarshal(t, env.srv.Data().Bookmark("bm")))["properties"])
	_, err = env.client.CreateOrUpdateBookmark(ctx, "bm", b, nil)
	require.NoError(t, err)
	sent := members(t, members(t, lastRequest(t, env).Body)["properties"])
	for _, k := range []string{"entityMappings", "tactics"} {
		assert.Equal(t, string(want[k]), string(sent[k]), "unknown property %s", k)
	}
	stored := env.srv.Data().Bookmark("bm")["properties"].(map[string]any)
	assert.Equal(t, []any{"Execution"}, stored["tactics"])
}

// mustMarshal encodes a JSON tree (a map from the emulator) with encoding/json, which writes
// json.Number as a number; models go through sentinel.MarshalJSON.
func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func TestBookmarkValidation(t *testing.T) {
	valid := func() sentinel.Bookmark {
		return sentinel.Bookmark{BookmarkProperties: sentinel.BookmarkProperties{DisplayName: "x", Query: "SecurityEvent | take 1"}}
	}
	tests := []struct {
		name  string
		id    string
		edit  func(b *sentinel.Bookmark)
		field string
	}{
		{"id empty", "", func(*sentinel.Bookmark) {}, "bookmarkID"},
		{"id path", "../incidents/x", func(*sentinel.Bookmark) {}, "bookmarkID"},
		{"display name", "b", func(b *sentinel.Bookmark) { b.DisplayName = "" }, "Bookmark.DisplayName"},
		{"query", "b", func(b *sentinel.Bookmark) { b.Query = "  " }, "Bookmark.Query"},
		{"creator", "b", func(b *sentinel.Bookmark) { b.CreatedBy.ObjectID = "john" }, "Bookmark.CreatedBy.ObjectID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			b := valid()
			tt.edit(&b)
			_, err := env.client.CreateOrUpdateBookmark(context.Background(), tt.id, b, nil)
			requireArgError(t, env, err, tt.field)
		})
	}
	env := newEnv(t)
	_, err := env.client.GetBookmark(context.Background(), "a/b", nil)
	requireArgError(t, env, err, "bookmarkID")
	requireArgError(t, env, env.client.DeleteBookmark(context.Background(), "..", nil), "bookmarkID")
}

// TestBookmarkUndocumentedChecksAreGone: what the service does not document as rejected is
// sent, so that a bookmark read is always accepted back.
func TestBookmarkUndocumentedChecksAreGone(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	b := sentinel.Bookmark{BookmarkProperties: sentinel.BookmarkProperties{
		DisplayName: "x", Query: "SecurityEvent | take 1",
		QueryStartTime: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC), QueryEndTime: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		Labels:       []string{"ok", ""},
		IncidentInfo: sentinel.BookmarkIncidentInfo{Severity: "Critical"},
	}}
	got, err := env.client.CreateOrUpdateBookmark(ctx, sentinel.NewID(), b, nil)
	require.NoError(t, err)
	props := members(t, members(t, lastRequest(t, env).Body)["properties"])
	assert.JSONEq(t, `["ok",""]`, string(props["labels"]))
	assert.JSONEq(t, `"2026-11-01T00:00:00Z"`, string(props["queryEndTime"]))
	assert.JSONEq(t, `{"severity":"Critical"}`, string(props["incidentInfo"]), "a severity this SDK does not name is sent")
	assert.Equal(t, b.QueryEndTime, got.QueryEndTime)
}

func FuzzUnmarshalBookmark(f *testing.F) {
	f.Add(fixture(f, "bookmarks/get.json"))
	f.Add([]byte(`{"properties":{"created":"","eventTime":"2026-01-01T00:00:00"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b sentinel.Bookmark
		if sentinel.UnmarshalJSON(data, &b) != nil {
			return
		}
		out, err := sentinel.MarshalJSON(b)
		require.NoError(t, err, "encoding what was decoded")
		var back sentinel.Bookmark
		require.NoError(t, sentinel.UnmarshalJSON(out, &back), "re-decoding %s", out)
		assert.Equal(t, b.DisplayName, back.DisplayName)
		again, err := sentinel.MarshalJSON(back)
		require.NoError(t, err)
		assert.Equal(t, string(out), string(again), "a second round trip changes nothing")
	})
}

func BenchmarkUnmarshalBookmark(b *testing.B) {
	data := fixture(b, "bookmarks/get.json")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var bm sentinel.Bookmark
		if err := sentinel.UnmarshalJSON(data, &bm); err != nil {
			b.Fatal(err)
		}
	}
}
