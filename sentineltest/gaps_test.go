package sentineltest_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/sentineltest"
)

// The tests in this file pin, one numbered gap of issue 18 at a time, answers in which the
// emulator differed from the live service. Each names what the service does.

// scheduledRule is a valid Scheduled analytics rule body.
func scheduledRule(name string) map[string]any {
	return map[string]any{"kind": "Scheduled", "properties": map[string]any{
		"displayName": name, "enabled": true, "severity": "Medium", "query": "SecurityEvent | take 1",
		"queryFrequency": "PT1H", "queryPeriod": "PT1H", "triggerOperator": "GreaterThan", "triggerThreshold": 0,
		"suppressionEnabled": false, "suppressionDuration": "PT1H",
	}}
}

func (w *wire) seedIncident(name string) {
	w.t.Helper()
	w.must(201, "PUT", "{ws}/incidents/"+name, map[string]any{"properties": map[string]any{"title": "Seed", "severity": "Low", "status": "New"}})
}

func (w *wire) seedWatchlist(alias string) {
	w.t.Helper()
	w.must(201, "PUT", "{ws}/watchlists/"+alias, map[string]any{"properties": map[string]any{
		"displayName": "VIP users", "provider": "Microsoft", "source": "Local file", "itemsSearchKey": "UPN",
	}})
}

// Gap 1: the service accepts a PUT without an etag on an existing resource (last writer
// wins); only a stale etag is a conflict.
func TestGap1PutWithoutEtagOverwrites(t *testing.T) {
	const ti = "2024-03-01"
	tests := []struct {
		name   string
		target string
		first  map[string]any
		second map[string]any
		probe  string // path of a member the second PUT changes
		want   any
	}{
		{"incident", "{ws}/incidents/i1",
			map[string]any{"properties": map[string]any{"title": "First", "severity": "Low", "status": "New"}},
			map[string]any{"properties": map[string]any{"title": "Second", "severity": "High", "status": "Active"}},
			"properties/title", "Second"},
		{"alert rule", "{ws}/alertRules/r1", scheduledRule("First"), scheduledRule("Second"), "properties/displayName", "Second"},
		{"watchlist item", "{ws}/watchlists/vip/watchlistItems/0f8b8f8e-5b1c-4f0e-9a51-7c8a1d2e3f40",
			map[string]any{"properties": map[string]any{"itemsKeyValue": map[string]any{"UPN": "alice@contoso.com"}}},
			map[string]any{"properties": map[string]any{"itemsKeyValue": map[string]any{"UPN": "bob@contoso.com"}}},
			"properties/itemsKeyValue/UPN", "bob@contoso.com"},
		{"comment", "{ws}/incidents/parent/comments/c1",
			map[string]any{"properties": map[string]any{"message": "First"}},
			map[string]any{"properties": map[string]any{"message": "Second"}},
			"properties/message", "Second"},
		{"task", "{ws}/incidents/parent/tasks/t1?api-version=" + ti,
			map[string]any{"properties": map[string]any{"title": "First", "status": "New"}},
			map[string]any{"properties": map[string]any{"title": "Second", "status": "Completed"}},
			"properties/title", "Second"},
		{"relation", "{ws}/incidents/parent/relations/rel-1",
			map[string]any{"properties": map[string]any{"relatedResourceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/bookmarks/b1"}},
			map[string]any{"properties": map[string]any{"relatedResourceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/bookmarks/b2"}},
			"properties/relatedResourceName", "b2"},
		{"data connector", "{ws}/dataConnectors/asc",
			map[string]any{"kind": "AzureSecurityCenter", "properties": map[string]any{"subscriptionId": "s1", "dataTypes": map[string]any{"alerts": map[string]any{"state": "Enabled"}}}},
			map[string]any{"kind": "AzureSecurityCenter", "properties": map[string]any{"subscriptionId": "s1", "dataTypes": map[string]any{"alerts": map[string]any{"state": "Disabled"}}}},
			"properties/dataTypes/alerts/state", "Disabled"},
		{"indicator", "{ws}/threatIntelligence/main/indicators/ind-1",
			map[string]any{"kind": "indicator", "properties": map[string]any{"displayName": "First", "pattern": "[url:value = 'http://a.example']", "patternType": "url"}},
			map[string]any{"kind": "indicator", "properties": map[string]any{"displayName": "Second", "pattern": "[url:value = 'http://a.example']", "patternType": "url"}},
			"properties/displayName", "Second"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWire(t)
			w.seedIncident("parent")
			w.seedWatchlist("vip")
			created := w.do("PUT", tt.target, tt.first)
			require.Contains(t, []int{200, 201}, created.Status, "%s", created.Raw)
			etag, _ := at(created.JSON, "etag")

			got := w.must(200, "PUT", tt.target, tt.second)
			v, _ := at(got.JSON, tt.probe)
			assert.Equal(t, tt.want, v, "the last writer wins")
			assert.NotEqual(t, etag, got.obj(t)["etag"], "a write makes a new etag")

			stale := tt.first
			stale["etag"] = etag
			conflict := w.must(409, "PUT", tt.target, stale)
			code, _ := at(conflict.JSON, "error/code")
			assert.Equal(t, "Conflict", code, "a stale etag still conflicts")
		})
	}
}

// Gap 2: a new watchlist item is created with 200, not 201.
func TestGap2WatchlistItemCreatedWith200(t *testing.T) {
	w := newWire(t)
	w.seedWatchlist("vip")
	w.must(200, "PUT", "{ws}/watchlists/vip/watchlistItems/6b1e1a55-2d6c-4b7e-8a0f-1c2d3e4f5a6b",
		map[string]any{"properties": map[string]any{"itemsKeyValue": map[string]any{"UPN": "alice@contoso.com"}}})
}

// Gap 3: error codes as the service writes them, and JSON errors with a request ID for
// routes the emulator does not serve.
func TestGap3ErrorCodes(t *testing.T) {
	w := newWire(t)
	w.seedWatchlist("vip")

	missing := w.must(404, "GET", "{ws}/watchlists/vip/watchlistItems/8d6f2a4c-0000-4000-8000-000000000000", nil)
	code, _ := at(missing.JSON, "error/code")
	assert.Equal(t, "404", code, "a missing watchlist item")

	w.srv.Throttle(1, "3")
	throttled := w.must(429, "GET", "{ws}/incidents", nil)
	code, _ = at(throttled.JSON, "error/code")
	assert.Equal(t, "ResourceRequestsThrottled", code)
	assert.Equal(t, "3", throttled.Header.Get("Retry-After"))

	tests := []struct {
		name, method, target string
		status               int
	}{
		{"unknown resource type", "GET", "{ws}/noSuchThings", 404},
		{"unknown path", "GET", "/nowhere", 404},
		{"unknown query path", "GET", "/v1/nowhere", 404},
		{"method not allowed", "PATCH", "{ws}/incidents/i1", 405},
		{"POST on a list", "POST", "{ws}/incidents", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := w.with(t)
			a := w.must(tt.status, tt.method, tt.target, nil)
			assert.Contains(t, a.Header.Get("Content-Type"), "application/json")
			assert.NotEmpty(t, a.Header.Get("x-ms-request-id"))
			code, _ := at(a.JSON, "error/code")
			assert.NotEmpty(t, code, "%s", a.Raw)
			msg, _ := at(a.JSON, "error/message")
			assert.NotEmpty(t, msg)
		})
	}
}

// Gap 4: resource IDs in the service's casing, indicators at the path they are served from,
// and paths matched without regard to case.
func TestGap4ResourceIDs(t *testing.T) {
	w := newWire(t)
	w.seedIncident("inc-1")
	w.seedWatchlist("vip")
	ws := w.wsPath()

	inc := w.must(200, "GET", "{ws}/incidents/inc-1", nil)
	assert.Equal(t, ws+"/Incidents/inc-1", inc.obj(t)["id"])

	comment := w.must(201, "PUT", "{ws}/incidents/inc-1/comments/c-1", map[string]any{"properties": map[string]any{"message": "m"}})
	assert.Equal(t, ws+"/Incidents/inc-1/Comments/c-1", comment.obj(t)["id"])

	item := w.must(200, "PUT", "{ws}/watchlists/vip/watchlistItems/i-1", map[string]any{"properties": map[string]any{"itemsKeyValue": map[string]any{"UPN": "a@contoso.com"}}})
	assert.Equal(t, ws+"/Watchlists/vip/WatchlistItems/i-1", item.obj(t)["id"])

	ind := w.must(201, "POST", "{ws}/threatIntelligence/main/createIndicator", map[string]any{"kind": "indicator", "properties": map[string]any{
		"displayName": "x", "pattern": "[url:value = 'http://a.example']", "patternType": "url"}})
	id, _ := ind.obj(t)["id"].(string)
	name, _ := ind.obj(t)["name"].(string)
	assert.Equal(t, ws+"/threatIntelligence/main/indicators/"+name, id)
	assert.Equal(t, "Microsoft.SecurityInsights/threatIntelligence/main/indicators", ind.obj(t)["type"])
	// The id is a path the emulator serves.
	w.must(200, "GET", id+"?api-version=2023-02-01", nil)

	wsi := w.srv.Workspace()
	lower := strings.ToLower("/subscriptions/"+wsi.SubscriptionID+"/resourcegroups/"+wsi.ResourceGroup+
		"/providers/microsoft.operationalinsights/workspaces/"+wsi.Name+"/providers/microsoft.securityinsights") + "/INCIDENTS/inc-1"
	got := w.must(200, "GET", lower, nil)
	assert.Equal(t, "inc-1", got.obj(t)["name"])
}

var (
	offsetTimeRE  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$`)
	upTo7DigitsRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?Z$`)
)

// Gap 5: watchlist times with a +00:00 offset; indicator times with at most 7 fractional
// digits.
func TestGap5TimeFormats(t *testing.T) {
	w := newWire(t)
	wl := w.must(201, "PUT", "{ws}/watchlists/vip", map[string]any{"properties": map[string]any{
		"displayName": "VIP", "provider": "Microsoft", "source": "Local file", "itemsSearchKey": "UPN",
		"contentType": "text/csv", "rawContent": "UPN\nalice@contoso.com\n"}})
	items := w.must(200, "GET", "{ws}/watchlists/vip/watchlistItems", nil)
	list, _ := at(items.JSON, "value")
	require.Len(t, list, 1)
	for _, doc := range []any{wl.JSON, list.([]any)[0]} {
		for _, k := range []string{"properties/created", "properties/updated"} {
			v, _ := at(doc, k)
			assert.Regexp(t, offsetTimeRE, v, k)
		}
	}

	ind := w.must(201, "POST", "{ws}/threatIntelligence/main/createIndicator", map[string]any{"kind": "indicator", "properties": map[string]any{
		"displayName": "x", "pattern": "[url:value = 'http://a.example']", "patternType": "url"}})
	v, _ := at(ind.JSON, "properties/lastUpdatedTimeUtc")
	assert.Regexp(t, upTo7DigitsRE, v)
}

// Gap 6: an owner given only by object ID is not resolved: null email, UPN and assignedTo,
// ownerType Unknown.
func TestGap6OwnerByObjectIDOnly(t *testing.T) {
	w := newWire(t)
	inc := w.must(201, "PUT", "{ws}/incidents/i1", map[string]any{"properties": map[string]any{
		"title": "t", "severity": "Low", "status": "New", "owner": map[string]any{"objectId": "2046feea-040d-4a46-9e2b-91c2941bfa70"}}})
	owner, _ := at(inc.JSON, "properties/owner")
	assert.Equal(t, map[string]any{
		"objectId": "2046feea-040d-4a46-9e2b-91c2941bfa70", "email": nil, "userPrincipalName": nil, "assignedTo": nil, "ownerType": "Unknown",
	}, owner)
}

// Gap 7: members the service fills in.
func TestGap7FilledMembers(t *testing.T) {
	w := newWire(t)
	t.Run("MicrosoftSecurityIncidentCreation nulls", func(t *testing.T) {
		w := w.with(t)
		r := w.must(201, "PUT", "{ws}/alertRules/msic", map[string]any{"kind": "MicrosoftSecurityIncidentCreation", "properties": map[string]any{
			"displayName": "MCAS", "enabled": true, "productFilter": "Microsoft Cloud App Security"}})
		for _, k := range []string{"description", "severitiesFilter", "displayNamesFilter", "displayNamesExcludeFilter", "alertRuleTemplateName"} {
			v, ok := at(r.JSON, "properties/"+k)
			assert.True(t, ok, k)
			assert.Nil(t, v, k)
		}
	})
	t.Run("Fusion copies its template", func(t *testing.T) {
		w := w.with(t)
		r := w.must(201, "PUT", "{ws}/alertRules/BuiltInFusion", map[string]any{"kind": "Fusion", "properties": map[string]any{
			"alertRuleTemplateName": "f71aba3d-28fb-450b-b192-4e76a83015c8", "enabled": true}})
		name, _ := at(r.JSON, "properties/displayName")
		assert.Equal(t, "Advanced Multistage Attack Detection", name)
		sev, _ := at(r.JSON, "properties/severity")
		assert.Equal(t, "High", sev)
		desc, _ := at(r.JSON, "properties/description")
		assert.NotEmpty(t, desc)
		tactics, _ := at(r.JSON, "properties/tactics")
		assert.NotEmpty(t, tactics)
	})
	t.Run("incident techniques", func(t *testing.T) {
		w := w.with(t)
		w.seedIncident("i1")
		inc := w.must(200, "GET", "{ws}/incidents/i1", nil)
		v, ok := at(inc.JSON, "properties/additionalData/techniques")
		assert.True(t, ok)
		assert.Equal(t, []any{}, v)
	})
	t.Run("watchlist item systemData and watchlistType", func(t *testing.T) {
		w := w.with(t)
		wl := w.must(201, "PUT", "{ws}/watchlists/vip", map[string]any{"properties": map[string]any{
			"displayName": "VIP", "provider": "Microsoft", "source": "Local file", "itemsSearchKey": "UPN"}})
		typ, ok := at(wl.JSON, "properties/watchlistType")
		assert.True(t, ok)
		assert.Equal(t, "watchlist", typ)
		item := w.must(200, "PUT", "{ws}/watchlists/vip/watchlistItems/i1", map[string]any{"properties": map[string]any{"itemsKeyValue": map[string]any{"UPN": "a@contoso.com"}}})
		sd, ok := item.obj(t)["systemData"].(map[string]any)
		require.True(t, ok, "%s", item.Raw)
		for _, k := range []string{"createdBy", "createdByType", "createdAt", "lastModifiedBy", "lastModifiedByType", "lastModifiedAt"} {
			assert.Contains(t, sd, k)
		}
	})
	t.Run("bookmark createdBy", func(t *testing.T) {
		w := w.with(t)
		b := w.must(201, "PUT", "{ws}/bookmarks/b1", map[string]any{"properties": map[string]any{
			"displayName": "b", "query": "SecurityEvent | take 1", "createdBy": map[string]any{"objectId": "2046feea-040d-4a46-9e2b-91c2941bfa70"}}})
		cb, _ := at(b.JSON, "properties/createdBy")
		m, _ := cb.(map[string]any)
		assert.Contains(t, m, "email")
		assert.Contains(t, m, "name")
	})
	t.Run("indicator externalId", func(t *testing.T) {
		w := w.with(t)
		ind := w.must(201, "POST", "{ws}/threatIntelligence/main/createIndicator", map[string]any{"kind": "indicator", "properties": map[string]any{
			"displayName": "x", "pattern": "[url:value = 'http://a.example']", "patternType": "url"}})
		v, ok := at(ind.JSON, "properties/externalId")
		assert.True(t, ok)
		name, _ := ind.obj(t)["name"].(string)
		assert.Equal(t, "indicator--"+name, v)
	})
}

// queryWire posts a query (or GETs it, when get is set) to the default workspace.
func (w *wire) query(method, kql string, header ...string) answer {
	w.t.Helper()
	target := "/v1/workspaces/" + w.srv.Workspace().CustomerID + "/query"
	if method == "GET" {
		return w.do("GET", target+"?query="+strings.ReplaceAll(kql, " ", "%20"), nil, header...)
	}
	return w.do("POST", target, map[string]any{"query": kql}, header...)
}

// Gap 8: Log Analytics shapes.
func TestGap8LogAnalytics(t *testing.T) {
	w := newWire(t)
	table := sentineltest.QueryTable{Name: "PrimaryResult", Columns: []sentineltest.QueryColumn{{Name: "Count", Type: "long"}}, Rows: [][]any{{int64(3)}}}
	w.srv.SetQueryResult("SecurityEvent | count | render barchart", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{table}})
	w.srv.SetQueryResult("SecurityEvent | count", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{table}})
	w.srv.SetQueryResult("SecurityEvent | wher", sentineltest.SyntaxError("Query could not be parsed at 'wher' on line [1,16]"))
	w.srv.SetQueryResult("Nope | take 1", sentineltest.SemanticError("'take' operator: Failed to resolve table or column expression named 'Nope'"))

	t.Run("render", func(t *testing.T) {
		w := w.with(t)
		a := w.query("POST", "SecurityEvent | count | render barchart", "Prefer", "include-render=true")
		require.Equal(t, 200, a.Status, "%s", a.Raw)
		v, _ := at(a.JSON, "render/visualization")
		assert.Equal(t, "barchart", v)
		assert.Equal(t, "include-render=true", a.Header.Get("Preference-Applied"))
	})
	t.Run("statistics", func(t *testing.T) {
		w := w.with(t)
		a := w.query("POST", "SecurityEvent | count", "Prefer", "include-statistics=true, wait=30")
		require.Equal(t, 200, a.Status, "%s", a.Raw)
		for _, p := range []string{"query/resourceUsage/network", "query/resourceUsage/cache/shards", "query/inputDatasetStatistics/shards", "query/resourceUsage/cache/memory", "query/resourceUsage/cache/disk"} {
			_, ok := at(a.obj(t)["statistics"], p)
			assert.True(t, ok, p)
		}
		assert.Equal(t, "include-statistics=true,wait=30", a.Header.Get("Preference-Applied"))
	})
	t.Run("syntax error", func(t *testing.T) {
		w := w.with(t)
		a := w.query("POST", "SecurityEvent | wher")
		require.Equal(t, 400, a.Status)
		assert.Regexp(t, `^[0-9a-f-]{36}$`, a.obj(t)["error"].(map[string]any)["correlationId"])
		inner, _ := at(a.JSON, "error/innererror/innererror")
		assert.Equal(t, map[string]any{
			"code": "SYN0002", "message": "Query could not be parsed at 'wher' on line [1,16]",
			"line": json.Number("1"), "pos": json.Number("16"), "token": "wher", "severity": json.Number("2"), "severityName": "Error",
		}, inner)
	})
	t.Run("semantic error", func(t *testing.T) {
		w := w.with(t)
		a := w.query("POST", "Nope | take 1")
		require.Equal(t, 400, a.Status)
		inner, _ := at(a.JSON, "error/innererror/innererror")
		m, _ := inner.(map[string]any)
		assert.Equal(t, json.Number("2"), m["severity"])
		assert.Equal(t, "Error", m["severityName"])
	})
	t.Run("GET form", func(t *testing.T) {
		w := w.with(t)
		a := w.query("GET", "SecurityEvent | count")
		require.Equal(t, 200, a.Status, "%s", a.Raw)
		rows, _ := at(a.JSON, "tables")
		assert.Len(t, rows, 1)
	})
	t.Run("unregistered query", func(t *testing.T) {
		w := w.with(t)
		a := w.query("POST", "Heartbeat | take 5")
		require.Equal(t, 400, a.Status)
		assert.NotEmpty(t, a.Header.Get("x-ms-request-id"))
		e := a.obj(t)["error"].(map[string]any)
		assert.Equal(t, "BadArgumentError", e["code"])
		assert.Contains(t, e, "correlationId")
		msg, _ := at(a.JSON, "error/innererror/innererror/message")
		assert.Contains(t, msg, "sentineltest")
		assert.Contains(t, msg, "SetQueryResult")
		sev, _ := at(a.JSON, "error/innererror/innererror/severityName")
		assert.Equal(t, "Error", sev)
	})
}

// Gap 9: DELETE of an existing resource answers 200 with {} as JSON.
func TestGap9DeleteBody(t *testing.T) {
	w := newWire(t)
	w.seedIncident("i1")
	a := w.must(200, "DELETE", "{ws}/incidents/i1", nil)
	assert.Equal(t, "{}", string(a.Raw))
	assert.Contains(t, a.Header.Get("Content-Type"), "application/json")
	assert.NotEmpty(t, a.Header.Get("x-ms-request-id"))
	gone := w.must(204, "DELETE", "{ws}/incidents/i1", nil)
	assert.Empty(t, gone.Raw)
	assert.NotEmpty(t, gone.Header.Get("x-ms-request-id"))
}

// Gap 10: answers shaped by the api-version and by what the service accepts and hides.
func TestGap10VersionedAnswers(t *testing.T) {
	w := newWire(t)
	w.must(201, "PUT", "{ws}/incidents/i1", map[string]any{"properties": map[string]any{
		"title": "t", "severity": "Low", "status": "New", "owner": map[string]any{"userPrincipalName": "alice@contoso.com"}}})
	tests := []struct {
		version string
		present bool
	}{
		{"2020-01-01", false},
		{"2021-04-01", true},
		{"2023-02-01", true},
		{"2025-12-01", true},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			w := w.with(t)
			got := w.must(200, "GET", "{ws}/incidents/i1?api-version="+tt.version, nil)
			for _, p := range []string{"properties/providerName", "properties/providerIncidentId", "properties/owner/ownerType"} {
				_, ok := at(got.JSON, p)
				assert.Equal(t, tt.present, ok, p)
			}
			list := w.must(200, "GET", "{ws}/incidents?api-version="+tt.version, nil)
			first, _ := at(list.JSON, "value")
			_, ok := at(first.([]any)[0], "properties/providerName")
			assert.Equal(t, tt.present, ok, "in a list")
		})
	}

	t.Run("watchlist source is open", func(t *testing.T) {
		w := w.with(t)
		w.must(201, "PUT", "{ws}/watchlists/sdk", map[string]any{"properties": map[string]any{
			"displayName": "SDK", "provider": "Microsoft", "source": "sdktest", "itemsSearchKey": "UPN"}})
	})
	t.Run("connector secrets are not echoed", func(t *testing.T) {
		w := w.with(t)
		body := map[string]any{"kind": "ThreatIntelligenceTaxii", "properties": map[string]any{
			"tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47", "workspaceId": "w", "friendlyName": "feed",
			"taxiiServer": "https://limo.anomali.com/api/v1/taxii2/feeds", "collectionId": "135",
			"userName": "guest", "password": "s3cret", "pollingFrequency": "OnceAnHour",
			"dataTypes": map[string]any{"taxiiClient": map[string]any{"state": "Enabled"}},
		}}
		for _, a := range []answer{w.must(201, "PUT", "{ws}/dataConnectors/taxii", body), w.must(200, "GET", "{ws}/dataConnectors/taxii", nil)} {
			for _, k := range []string{"userName", "password"} {
				v, ok := at(a.JSON, "properties/"+k)
				assert.True(t, ok, k)
				assert.Nil(t, v, k)
			}
			assert.NotContains(t, string(a.Raw), "s3cret")
		}
	})
}
