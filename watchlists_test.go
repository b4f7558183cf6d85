package sentinel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

const vipCSV = "UserPrincipalName,Department,Risk\n" +
	"alice.jones@contoso.com,Finance,High\n" +
	"\"bob.smith@contoso.com\",\"Sales, EMEA\",Low\n"

func vipWatchlist() sentinel.Watchlist {
	return sentinel.Watchlist{WatchlistProperties: sentinel.WatchlistProperties{
		DisplayName:     "VIP users",
		Provider:        "SOC",
		Source:          sentinel.WatchlistSourceLocalFile,
		ItemsSearchKey:  "UserPrincipalName",
		Description:     "Executives and their assistants",
		Labels:          []string{"vip"},
		DefaultDuration: 30 * 24 * time.Hour,
		RawContent:      vipCSV,
	}}
}

// watchlistItem returns an item with the given columns.
func watchlistItem(columns map[string]any) sentinel.WatchlistItem {
	return sentinel.WatchlistItem{WatchlistItemProperties: sentinel.WatchlistItemProperties{Columns: columns}}
}

func TestWatchlistFixturesDecode(t *testing.T) {
	var w sentinel.Watchlist
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "watchlists/get.json"), &w))
	assert.Equal(t, "highValueAsset", w.Name)
	assert.Equal(t, `"0300bf09-0000-0000-0000-5c37296e0000"`, w.Etag)
	assert.Equal(t, "76d5a51f-ba1f-4038-bc29-0fe2e8a6b6f9", w.WatchlistID)
	assert.Equal(t, "High Value Assets Watchlist", w.DisplayName)
	assert.Equal(t, sentinel.WatchlistSourceLocalFile, w.Source)
	assert.Equal(t, "Hostname", w.ItemsSearchKey)
	assert.Equal(t, "highValueAsset", w.Alias)
	assert.Equal(t, []string{"Tag1", "Tag2"}, w.Labels)
	assert.Equal(t, 1279*24*time.Hour+12*time.Hour+30*time.Minute+5*time.Second, w.DefaultDuration)
	assert.Equal(t, sentinel.WatchlistUploadComplete, w.UploadStatus)
	assert.Equal(t, time.Date(2026, 9, 28, 8, 16, 1, 455343300, time.UTC), w.Created.UTC())
	assert.Equal(t, sentinel.UserInfo{ObjectID: "11111111-1111-1111-1111-111111111111", Email: "bob.smith@contoso.com", Name: "Bob Smith"}, w.CreatedBy)
	assert.Equal(t, 1, w.NumberOfLinesToSkip)
	assert.Equal(t, sentinel.ContentTypeCSV, w.ContentType)
	assert.Equal(t, map[string]jsontext.Value{"sasUri": jsontext.Value("null"), "watchlistCategory": jsontext.Value(`"Assets"`)}, sentinel.UnknownMembers(w.WatchlistProperties.Unknown))

	var item sentinel.WatchlistItem
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "watchlists/item_get.json"), &item))
	assert.Equal(t, "3f8901fe-63d9-4875-9ad5-9fb3b8105797", item.Name)
	assert.Equal(t, map[string]any{"Hostname": "SRV-DC-01", "IP Address": "10.0.1.4", "Tags": "Domain Controller", "Criticality": float64(5)}, item.Columns)
	assert.Equal(t, map[string]any{"Host": "SRV-DC-01"}, item.EntityMapping)
	assert.Equal(t, "watchlist-item", item.WatchlistItemType)
	assert.Equal(t, "Carol White", item.UpdatedBy.Name)

	// The wire form round-trips, unknown members included.
	b, err := sentinel.MarshalJSON(w)
	require.NoError(t, err)
	props := members(t, members(t, b)["properties"])
	assert.Equal(t, `"Assets"`, string(props["watchlistCategory"]))
	assert.Equal(t, `"P1279DT12H30M5S"`, string(props["defaultDuration"]))
	assert.Contains(t, string(members(t, b)["systemData"]), "bob.smith")
}

func TestWatchlistCRUDFromCSV(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()

	w, err := env.client.CreateOrUpdateWatchlist(ctx, "vip", vipWatchlist(), nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/watchlists/vip", req.Method+" "+req.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, req.RawQuery)
	b, _ := json.Marshal(vipCSV)
	assert.JSONEq(t, `{"properties":{"displayName":"VIP users","provider":"SOC","source":"Local file","itemsSearchKey":"UserPrincipalName",
		"description":"Executives and their assistants","labels":["vip"],"defaultDuration":"P30D",
		"rawContent":`+string(b)+`,"contentType":"text/csv"}}`, string(req.Body))
	assert.Equal(t, "vip", w.Name)
	assert.Equal(t, "vip", w.Alias)
	assert.NotEmpty(t, w.WatchlistID)
	assert.NotEmpty(t, w.Etag)
	assert.Empty(t, w.RawContent, "raw content is write-only")
	assert.Equal(t, sentinel.WatchlistUploadComplete, w.UploadStatus)
	assert.Equal(t, 30*24*time.Hour, w.DefaultDuration)
	assert.False(t, w.Created.IsZero())

	items, err := env.client.ListWatchlistItems("vip", nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, "GET /arm"+wsPath+"/watchlists/vip/watchlistItems", lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	require.Len(t, items, 2)
	assert.Equal(t, map[string]any{"UserPrincipalName": "alice.jones@contoso.com", "Department": "Finance", "Risk": "High"}, items[0].Columns)
	assert.Equal(t, map[string]any{"UserPrincipalName": "bob.smith@contoso.com", "Department": "Sales, EMEA", "Risk": "Low"}, items[1].Columns)

	got, err := env.client.GetWatchlist(ctx, "vip", nil)
	require.NoError(t, err)
	assert.Equal(t, w, got)

	// Update with the etag read; a stale etag conflicts.
	got.Description = "Executives only"
	upd, err := env.client.CreateOrUpdateWatchlist(ctx, "vip", got, nil)
	require.NoError(t, err)
	assert.Equal(t, "Executives only", upd.Description)
	assert.Equal(t, w.WatchlistID, upd.WatchlistID)
	_, err = env.client.CreateOrUpdateWatchlist(ctx, "vip", got, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	all, err := env.client.ListWatchlists(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, all, 1)
	assert.Equal(t, upd, all[0])

	require.NoError(t, env.client.DeleteWatchlist(ctx, "vip", nil))
	assert.Equal(t, "DELETE /arm"+wsPath+"/watchlists/vip", lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	_, err = env.client.GetWatchlist(ctx, "vip", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	assert.Empty(t, env.srv.Data().WatchlistItems("vip"), "deleting a watchlist deletes its items")
	require.NoError(t, env.client.DeleteWatchlist(ctx, "vip", nil))
}

func TestWatchlistItemsCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	w := vipWatchlist()
	w.RawContent = ""
	_, err := env.client.CreateOrUpdateWatchlist(ctx, "vip", w, nil)
	require.NoError(t, err)

	id := sentinel.NewID()
	item, err := env.client.CreateOrUpdateWatchlistItem(ctx, "vip", id, sentinel.WatchlistItem{WatchlistItemProperties: sentinel.WatchlistItemProperties{
		Columns: map[string]any{"UserPrincipalName": "carol.white@contoso.com", "Department": "Legal"},
	}}, nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/watchlists/vip/watchlistItems/"+id, req.Method+" "+req.Path)
	assert.JSONEq(t, `{"properties":{"itemsKeyValue":{"UserPrincipalName":"carol.white@contoso.com","Department":"Legal"}}}`, string(req.Body))
	assert.Equal(t, id, item.Name)
	assert.Equal(t, id, item.WatchlistItemID)
	assert.Equal(t, "carol.white@contoso.com", item.Columns["UserPrincipalName"])
	assert.NotEmpty(t, item.Etag)

	got, err := env.client.GetWatchlistItem(ctx, "vip", id, nil)
	require.NoError(t, err)
	assert.Equal(t, item, got)

	got.Columns["Department"] = "Compliance"
	upd, err := env.client.CreateOrUpdateWatchlistItem(ctx, "vip", id, got, nil)
	require.NoError(t, err)
	assert.Equal(t, "Compliance", upd.Columns["Department"])
	assert.NotEqual(t, got.Etag, upd.Etag)
	_, err = env.client.CreateOrUpdateWatchlistItem(ctx, "vip", id, got, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	// The emulator, like the service, wants the search key column.
	_, err = env.client.CreateOrUpdateWatchlistItem(ctx, "vip", sentinel.NewID(), watchlistItem(map[string]any{"Department": "x"}), nil)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)

	list, err := env.client.ListWatchlistItems("vip", nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, []sentinel.WatchlistItem{upd}, list)

	require.NoError(t, env.client.DeleteWatchlistItem(ctx, "vip", id, nil))
	assert.Equal(t, "DELETE /arm"+wsPath+"/watchlists/vip/watchlistItems/"+id, lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	_, err = env.client.GetWatchlistItem(ctx, "vip", id, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)

	_, err = env.client.ListWatchlistItems("missing", nil).NextPage(ctx)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestWatchlistPaging(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("Ip,Note\n")
	for i := range 120 {
		fmt.Fprintf(&b, "10.0.0.%d,host %d\n", i, i)
	}
	w := vipWatchlist()
	w.ItemsSearchKey, w.RawContent = "Ip", b.String()
	_, err := env.client.CreateOrUpdateWatchlist(ctx, "ips", w, nil)
	require.NoError(t, err)
	env.srv.ResetRequests()

	p := env.client.ListWatchlistItems("ips", nil)
	first, err := p.NextPage(ctx)
	require.NoError(t, err)
	assert.Len(t, first, 50)
	link := p.NextLink()
	require.NotEmpty(t, link)
	rest, err := p.Collect(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, rest, 70)
	assert.Len(t, env.srv.Requests(), 3)
	assert.Equal(t, "10.0.0.119", rest[69].Columns["Ip"])

	// A saved skip token resumes the listing.
	tok := env.srv.Requests()[1].Query.Get("$skipToken")
	require.NotEmpty(t, tok)
	env.srv.ResetRequests()
	again, err := env.client.ListWatchlistItems("ips", &sentinel.ListWatchlistItemsOptions{SkipToken: tok}).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, again, 70)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion+"&$skipToken="+tok, env.srv.Requests()[0].RawQuery)
}

func TestWatchlistDeleteWhileUploading(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	_, err := env.client.CreateOrUpdateWatchlist(ctx, "vip", vipWatchlist(), nil)
	require.NoError(t, err)
	require.True(t, env.srv.Data().SetWatchlistUploadStatus("vip", "InProgress"))

	err = env.client.DeleteWatchlist(ctx, "vip", nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, sentinel.ErrWatchlistUploadInProgress)
	assert.ErrorIs(t, err, sentinel.ErrConflict)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, http.StatusConflict, re.StatusCode)
	assert.Contains(t, err.Error(), `watchlist "vip" cannot be deleted while its upload is in progress`)
	assert.NotNil(t, env.srv.Data().Watchlist("vip"))

	env.srv.Data().SetWatchlistUploadStatus("vip", "Complete")
	require.NoError(t, env.client.DeleteWatchlist(ctx, "vip", nil))
}

func TestWatchlistValidation(t *testing.T) {
	tests := []struct {
		name  string
		alias string
		edit  func(w *sentinel.Watchlist)
		field string
	}{
		{"alias empty", "", func(*sentinel.Watchlist) {}, "alias"},
		{"alias path", "../incidents", func(*sentinel.Watchlist) {}, "alias"},
		{"alias slash", "a/b", func(*sentinel.Watchlist) {}, "alias"},
		{"alias mismatch", "vip", func(w *sentinel.Watchlist) { w.Alias = "other" }, "Watchlist.Alias"},
		{"display name", "vip", func(w *sentinel.Watchlist) { w.DisplayName = "" }, "Watchlist.DisplayName"},
		{"provider", "vip", func(w *sentinel.Watchlist) { w.Provider = "" }, "Watchlist.Provider"},
		{"search key", "vip", func(w *sentinel.Watchlist) { w.ItemsSearchKey = "" }, "Watchlist.ItemsSearchKey"},
		{"source missing", "vip", func(w *sentinel.Watchlist) { w.Source = "" }, "Watchlist.Source"},
		{"source blank", "vip", func(w *sentinel.Watchlist) { w.Source = " " }, "Watchlist.Source"},
		{"search key not a column", "vip", func(w *sentinel.Watchlist) { w.ItemsSearchKey = "Email" }, "Watchlist.ItemsSearchKey"},
		{"content type", "vip", func(w *sentinel.Watchlist) { w.ContentType = "application/json" }, "Watchlist.ContentType"},
		{"bad csv", "vip", func(w *sentinel.Watchlist) { w.RawContent = "\"unterminated,x\n" }, "Watchlist.RawContent"},
		{"skipped everything", "vip", func(w *sentinel.Watchlist) { w.NumberOfLinesToSkip = 10 }, "Watchlist.RawContent"},
		{"negative skip", "vip", func(w *sentinel.Watchlist) { w.NumberOfLinesToSkip = -1 }, "Watchlist.NumberOfLinesToSkip"},
		{"too large", "vip", func(w *sentinel.Watchlist) {
			w.RawContent = "UserPrincipalName\n" + strings.Repeat("a@contoso.com\n", 300_000)
		}, "Watchlist.RawContent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			w := vipWatchlist()
			tt.edit(&w)
			_, err := env.client.CreateOrUpdateWatchlist(context.Background(), tt.alias, w, nil)
			requireArgError(t, env, err, tt.field)
		})
	}

	// Skipped lines come before the header.
	env := newEnv(t)
	w := vipWatchlist()
	w.RawContent = "# exported 2026-11-01\n" + vipCSV
	w.NumberOfLinesToSkip = 1
	_, err := env.client.CreateOrUpdateWatchlist(context.Background(), "vip", w, nil)
	require.NoError(t, err)
	assert.Len(t, env.srv.Data().WatchlistItems("vip"), 2)

	ctx := context.Background()
	for _, id := range []string{"", "..", "a/b", "not-a-guid"} {
		env.srv.ResetRequests()
		_, err := env.client.CreateOrUpdateWatchlistItem(ctx, "vip", id, watchlistItem(map[string]any{"a": "b"}), nil)
		requireArgError(t, env, err, "itemID")
	}
	env.srv.ResetRequests()
	_, err = env.client.CreateOrUpdateWatchlistItem(ctx, "vip", sentinel.NewID(), sentinel.WatchlistItem{}, nil)
	requireArgError(t, env, err, "WatchlistItem.Columns")
	for _, call := range []func() error{
		func() error { _, err := env.client.GetWatchlist(ctx, "a/b", nil); return err },
		func() error { return env.client.DeleteWatchlist(ctx, "..", nil) },
		func() error { _, err := env.client.ListWatchlistItems("", nil).NextPage(ctx); return err },
		func() error { _, err := env.client.GetWatchlistItem(ctx, "a\\b", "x", nil); return err },
		func() error { return env.client.DeleteWatchlistItem(ctx, "vip", "x/y", nil) },
	} {
		env.srv.ResetRequests()
		assert.ErrorIs(t, call(), sentinel.ErrInvalidArgument)
		assert.Zero(t, env.srv.RequestCount())
	}
}

// TestWatchlistOpenSource: the source is an open set. The service answered this exact PUT
// (source "sdktest") with 200; the SDK sends it, and a watchlist read with it is accepted
// back. So are upload statuses and item columns this SDK does not know.
func TestWatchlistOpenSource(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	w := vipWatchlist()
	w.RawContent = ""
	w.Source = "sdktest"
	created, err := env.client.CreateOrUpdateWatchlist(ctx, "sdk", w, nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/watchlists/sdk", req.Method+" "+req.Path)
	assert.Equal(t, `"sdktest"`, string(members(t, members(t, req.Body)["properties"])["source"]))
	assert.Equal(t, sentinel.WatchlistSource("sdktest"), created.Source)

	got, err := env.client.GetWatchlist(ctx, "sdk", nil)
	require.NoError(t, err)
	require.True(t, env.srv.Data().SetWatchlistUploadStatus("sdk", "Validating"))
	got, err = env.client.GetWatchlist(ctx, "sdk", nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.WatchlistUploadStatus("Validating"), got.UploadStatus)
	got.Description = "written back as read"
	upd, err := env.client.CreateOrUpdateWatchlist(ctx, "sdk", got, nil)
	require.NoError(t, err, "a watchlist read is accepted back")
	assert.Equal(t, sentinel.WatchlistSource("sdktest"), upd.Source)
	assert.Equal(t, "written back as read", upd.Description)

	// An item with a column whose name is blank (a CSV header may have one) is sent.
	item, err := env.client.CreateOrUpdateWatchlistItem(ctx, "sdk", sentinel.NewID(), watchlistItem(map[string]any{"UserPrincipalName": "dave@contoso.com", "": "x"}), nil)
	require.NoError(t, err)
	assert.Equal(t, "x", item.Columns[""])
}

func FuzzUnmarshalWatchlist(f *testing.F) {
	f.Add(fixture(f, "watchlists/get.json"))
	f.Add(fixture(f, "watchlists/item_get.json"))
	f.Add([]byte(`{"properties":{"defaultDuration":"P1W","created":""}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var w sentinel.Watchlist
		if sentinel.UnmarshalJSON(data, &w) == nil {
			out, err := sentinel.MarshalJSON(w)
			require.NoError(t, err, "encoding what was decoded")
			var back sentinel.Watchlist
			require.NoError(t, sentinel.UnmarshalJSON(out, &back), "re-decoding %s", out)
			assert.Equal(t, w.DefaultDuration, back.DefaultDuration)
		}
		var i sentinel.WatchlistItem
		if sentinel.UnmarshalJSON(data, &i) == nil {
			out, err := sentinel.MarshalJSON(i)
			require.NoError(t, err, "encoding what was decoded")
			var back sentinel.WatchlistItem
			require.NoError(t, sentinel.UnmarshalJSON(out, &back), "re-decoding %s", out)
			assert.Equal(t, len(i.Columns), len(back.Columns))
		}
	})
}

func BenchmarkUnmarshalWatchlistItem(b *testing.B) {
	data := fixture(b, "watchlists/item_get.json")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var i sentinel.WatchlistItem
		if err := sentinel.UnmarshalJSON(data, &i); err != nil {
			b.Fatal(err)
		}
	}
}
