package sentinel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func phishingIndicator() sentinel.IndicatorProperties {
	return sentinel.IndicatorProperties{
		DisplayName:     "Phishing landing page",
		Description:     "Credential harvesting page seen in campaign 2026-11",
		Pattern:         "[url:value = 'http://login-micros0ft.example/reset']",
		PatternType:     sentinel.PatternTypeURL,
		PatternVersion:  "2.1",
		Source:          "Microsoft Sentinel",
		Confidence:      80,
		ThreatTypes:     []string{"malicious-activity"},
		Tags:            []string{"phishing"},
		KillChainPhases: []sentinel.KillChainPhase{{KillChainName: "lockheed-martin-cyber-kill-chain", PhaseName: "delivery"}},
		ValidFrom:       sentinel.TextTimeOf(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)),
	}
}

func TestIndicatorFixtureDecode(t *testing.T) {
	var ind sentinel.Indicator
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "indicators/get.json"), &ind))
	assert.Equal(t, "e16ef847-962e-d7b6-9c8b-a33e4bd30e47", ind.Name)
	assert.Equal(t, "indicator", ind.Kind)
	assert.Equal(t, "contoso@contoso.com", ind.SystemData.CreatedBy)
	assert.Equal(t, `"0000262c-0000-0800-0000-5e9767060000"`, ind.Etag)
	assert.Equal(t, 78, ind.Confidence)
	assert.Equal(t, "[url:value = 'https://www.contoso.com']", ind.Pattern)
	assert.Equal(t, "url", ind.PatternType)
	assert.Equal(t, []string{"compromised"}, ind.ThreatTypes)
	assert.Equal(t, []string{"new schema"}, ind.Tags)
	assert.Equal(t, []sentinel.KillChainPhase{
		{KillChainName: "lockheed-martin-cyber-kill-chain", PhaseName: "reconnaissance"},
		{KillChainName: "mitre-attack", PhaseName: "initial-access"},
	}, ind.KillChainPhases)
	assert.Equal(t, []sentinel.ParsedPattern{{PatternTypeKey: "url", PatternTypeValues: []sentinel.ParsedPatternTypeValue{
		{ValueType: "url", Value: "https://www.contoso.com"}, {ValueType: "domain-name", Value: "www.contoso.com"},
	}}}, ind.ParsedPattern)
	assert.Equal(t, []sentinel.ExternalReference{{Description: "report", ExternalID: "CERT-2026-0415", SourceName: "Contoso CERT", URL: "https://cert.contoso.example/r/1", Hashes: map[string]any{"SHA-256": "6db5e4f2"}}}, ind.ExternalReferences)
	assert.Equal(t, []string{"phishing-campaign", "credential-theft"}, ind.Labels)
	assert.True(t, ind.Defanged)
	assert.Equal(t, []sentinel.GranularMarking{{Language: "en", MarkingRef: 1, Selectors: []string{"description"}}}, ind.GranularMarkings)
	assert.Equal(t, map[string]any{"extension-definition--1": map[string]any{"extension_type": "property-extension", "score": float64(3)}}, ind.Extensions)
	assert.Equal(t, "new schema", ind.FriendlyName)

	// Lenient times: parsed when they can be, the text kept either way.
	assert.Equal(t, time.Date(2026, 4, 15, 17, 44, 0, 114052000, time.UTC), ind.ValidFrom.Time)
	assert.Equal(t, "2026-04-15T17:44:00.114052Z", ind.ValidFrom.Text)
	assert.Equal(t, time.Date(2026, 7, 15, 17, 44, 0, 114052000, time.UTC), ind.ValidUntil.Time)
	assert.Equal(t, time.Date(2026, 4, 15, 19, 40, 2, 500000000, time.UTC), ind.ExternalLastUpdated.Time)
	assert.True(t, ind.Modified.Time.IsZero())
	assert.Equal(t, "4/15/2026 7:51:17 PM", ind.Modified.Text)
	assert.Equal(t, "4/15/2026 7:51:17 PM", ind.Modified.String())
	assert.Equal(t, time.Date(2026, 4, 15, 20, 15, 11, 74903000, time.UTC), ind.LastUpdated.Time)
	assert.Equal(t, map[string]jsontext.Value{"sightingsCount": jsontext.Value("4")}, sentinel.UnknownMembers(ind.IndicatorProperties.Unknown))

	b, err := sentinel.MarshalJSON(ind)
	require.NoError(t, err)
	top := members(t, b)
	assert.Equal(t, `"indicator"`, string(top["kind"]))
	props := members(t, top["properties"])
	assert.Equal(t, `"4/15/2026 7:51:17 PM"`, string(props["modified"]), "unparsed text goes back unchanged")
	assert.Equal(t, `"2026-04-15T17:44:00.114052Z"`, string(props["validFrom"]), "parsed text goes back unchanged")
	assert.Equal(t, `4`, string(props["sightingsCount"]))
}

func TestTextTime(t *testing.T) {
	when := time.Date(2026, 11, 1, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   sentinel.TextTime
		want string
	}{
		{"from time", sentinel.TextTimeOf(when), `"2026-11-01T12:30:00Z"`},
		{"text kept", sentinel.TextTime{Time: when, Text: "2026-11-01T12:30:00.000+00:00"}, `"2026-11-01T12:30:00.000+00:00"`},
		{"time changed", sentinel.TextTime{Time: when.Add(time.Hour), Text: "2026-11-01T12:30:00Z"}, `"2026-11-01T13:30:00Z"`},
		{"unparsed text", sentinel.TextTime{Text: "yesterday"}, `"yesterday"`},
		{"zero", sentinel.TextTime{}, `""`},
		{"local zone", sentinel.TextTimeOf(when.In(time.FixedZone("X", 3600))), `"2026-11-01T12:30:00Z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := sentinel.MarshalJSON(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(b))
		})
	}
	var v sentinel.TextTime
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`"2026-11-01 12:30:00Z"`), &v))
	assert.Equal(t, when, v.Time)
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`""`), &v))
	assert.True(t, v.IsZero())
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`null`), &v))
	assert.True(t, v.IsZero())
	assert.Error(t, sentinel.UnmarshalJSON([]byte(`12`), &v))
}

// TestTextTimeRoundTrip: any text the service sends goes back byte for byte, escapes and
// invalid UTF-8 included, until Text or Time is changed.
func TestTextTimeRoundTrip(t *testing.T) {
	for _, in := range []string{
		`"2026-04-15T17:44:00.114052Z"`,
		`"4/15/2026 7:51:17 PM"`,
		`"2026-04-15T17:44:00\u005a"`,
		`"\u00e9t\u00e9 2026"`,
		`"été 2026"`,
		`"a\/b\"c\\d\t"`,
		`"\ud83d\ude00"`,
		`"\ud800 lone surrogate"`,
		"\"\xff\xfe bytes\"",
		`"2026-04-15T17:44:00+02:00"`,
	} {
		t.Run(in, func(t *testing.T) {
			var v sentinel.TextTime
			require.NoError(t, sentinel.UnmarshalJSON([]byte(in), &v))
			out, err := sentinel.MarshalJSON(v)
			require.NoError(t, err)
			assert.Equal(t, in, string(out))

			// Inside a model, too.
			doc := `{"kind":"indicator","properties":{"modified":` + in + `}}`
			var ind sentinel.Indicator
			require.NoError(t, sentinel.UnmarshalJSON([]byte(doc), &ind))
			out, err = sentinel.MarshalJSON(ind)
			require.NoError(t, err)
			assert.Equal(t, doc, string(out))

			// A text set in Go is sent as it is now.
			v.Text, v.Time = v.Text+"!", time.Time{}
			out, err = sentinel.MarshalJSON(v)
			require.NoError(t, err)
			var s string
			require.NoError(t, sentinel.UnmarshalJSON(out, &s))
			assert.Equal(t, v.Text, s)
		})
	}

	// A changed time is sent in RFC 3339.
	var v sentinel.TextTime
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`"2026-04-15T17:44:00\u005a"`), &v))
	v.Time = v.Time.Add(time.Hour)
	out, err := sentinel.MarshalJSON(v)
	require.NoError(t, err)
	assert.Equal(t, `"2026-04-15T18:44:00Z"`, string(out))
}

func TestIndicatorCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()

	created, err := env.client.CreateIndicator(ctx, phishingIndicator(), nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "POST /arm"+wsPath+"/threatIntelligence/main/createIndicator", req.Method+" "+req.Path)
	assert.JSONEq(t, `{"kind":"indicator","properties":{
		"displayName":"Phishing landing page","description":"Credential harvesting page seen in campaign 2026-11",
		"pattern":"[url:value = 'http://login-micros0ft.example/reset']","patternType":"url","patternVersion":"2.1",
		"source":"Microsoft Sentinel","confidence":80,"threatTypes":["malicious-activity"],"threatIntelligenceTags":["phishing"],
		"killChainPhases":[{"killChainName":"lockheed-martin-cyber-kill-chain","phaseName":"delivery"}],
		"validFrom":"2026-11-01T00:00:00Z"}}`, string(req.Body))
	require.NotEmpty(t, created.Name)
	assert.NotEmpty(t, created.Etag)
	assert.Equal(t, []sentinel.ParsedPattern{{PatternTypeKey: "url", PatternTypeValues: []sentinel.ParsedPatternTypeValue{{ValueType: "url", Value: "http://login-micros0ft.example/reset"}}}}, created.ParsedPattern)
	assert.False(t, created.LastUpdated.Time.IsZero())
	assert.Equal(t, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), created.ValidFrom.Time)

	got, err := env.client.GetIndicator(ctx, created.Name, nil)
	require.NoError(t, err)
	assert.Equal(t, created, got)
	assert.Equal(t, "GET /arm"+wsPath+"/threatIntelligence/main/indicators/"+created.Name, lastRequest(t, env).Method+" "+lastRequest(t, env).Path)

	got.Confidence = 95
	got.Revoked = true
	upd, err := env.client.UpdateIndicator(ctx, got.Name, got, nil)
	require.NoError(t, err)
	req = lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/threatIntelligence/main/indicators/"+got.Name, req.Method+" "+req.Path)
	var sent struct {
		Etag string `json:"etag"`
	}
	require.NoError(t, json.Unmarshal(req.Body, &sent))
	assert.Equal(t, got.Etag, sent.Etag)
	assert.Equal(t, 95, upd.Confidence)
	assert.True(t, upd.Revoked)
	assert.Equal(t, created.Created, upd.Created, "created is kept")
	_, err = env.client.UpdateIndicator(ctx, got.Name, got, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	require.NoError(t, env.client.DeleteIndicator(ctx, got.Name, nil))
	assert.Equal(t, "DELETE", lastRequest(t, env).Method)
	_, err = env.client.GetIndicator(ctx, got.Name, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestCreateIndicatorIsNotRetried(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	env.srv.Fail(sentineltest.Fault{Status: http.StatusServiceUnavailable, Times: 3})
	_, err := env.client.CreateIndicator(ctx, phishingIndicator(), nil)
	assert.ErrorIs(t, err, sentinel.ErrServer)
	assert.Equal(t, 1, env.srv.RequestCount(), "a POST that may have created the indicator must not be repeated")

	// Reads are still retried.
	env.srv.ClearFaults()
	env.srv.ResetRequests()
	env.srv.Fail(sentineltest.Fault{Status: http.StatusServiceUnavailable, Times: 1})
	_, err = env.client.ListIndicatorMetrics(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, 2, env.srv.RequestCount())

	// Throttling means nothing happened: it is waited out.
	env.srv.ResetRequests()
	env.srv.Throttle(1, "1")
	done := make(chan error, 1)
	go func() {
		_, err := env.client.CreateIndicator(ctx, phishingIndicator(), nil)
		done <- err
	}()
	require.Eventually(t, func() bool { return env.srv.RequestCount() >= 1 }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { env.clock.Advance(time.Second); return len(done) == 1 }, 5*time.Second, 5*time.Millisecond)
	require.NoError(t, <-done)
	assert.Equal(t, 2, env.srv.RequestCount())
}

func TestListIndicators(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	env.srv.Data().SeedIndicators(12)

	all, err := env.client.ListIndicators(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, all, 12)

	env.srv.ResetRequests()
	p := env.client.ListIndicators(&sentinel.ListIndicatorsOptions{
		Filter: "properties/patternType eq 'url'", OrderBy: "properties/confidence desc", Top: 2,
	})
	urls, err := p.Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, urls, 3)
	for _, u := range urls {
		assert.Equal(t, "url", u.PatternType)
	}
	assert.GreaterOrEqual(t, urls[0].Confidence, urls[1].Confidence)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, "/arm"+wsPath+"/threatIntelligence/main/indicators", reqs[0].Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion+"&$filter=properties%2FpatternType%20eq%20%27url%27&$orderby=properties%2Fconfidence%20desc&$top=2", reqs[0].RawQuery)

	_, err = env.client.ListIndicators(&sentinel.ListIndicatorsOptions{Top: -1}).NextPage(ctx)
	requireArgError(t, nil, err, "ListIndicatorsOptions.Top")
}

func TestQueryIndicatorsPagesByBody(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	env.srv.Data().SeedIndicators(40)
	env.srv.ResetRequests()

	maxConf := 99
	p := env.client.QueryIndicators(&sentinel.QueryIndicatorsOptions{
		PageSize:      4,
		PatternTypes:  []string{sentinel.PatternTypeURL, sentinel.PatternTypeIPv4},
		MinConfidence: 50, MaxConfidence: &maxConf,
		SortBy: []sentinel.IndicatorSort{{ItemKey: "confidence", SortOrder: sentinel.SortDescending}},
	})
	var got []sentinel.Indicator
	for ind, err := range p.All(ctx) {
		require.NoError(t, err)
		got = append(got, ind)
	}
	require.Len(t, got, 20)
	for i, ind := range got {
		assert.Contains(t, []string{"url", "ipv4-addr"}, ind.PatternType)
		if i > 0 {
			assert.GreaterOrEqual(t, got[i-1].Confidence, ind.Confidence)
		}
	}
	reqs := env.srv.Requests()
	require.Len(t, reqs, 5)
	for i, r := range reqs {
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Equal(t, "/arm"+wsPath+"/threatIntelligence/main/queryIndicators", r.Path)
		var body map[string]any
		require.NoError(t, json.Unmarshal(r.Body, &body))
		assert.Equal(t, float64(4), body["pageSize"])
		assert.Equal(t, []any{"url", "ipv4-addr"}, body["patternTypes"])
		assert.Equal(t, float64(50), body["minConfidence"])
		assert.Equal(t, float64(99), body["maxConfidence"])
		if i == 0 {
			assert.NotContains(t, body, "skipToken")
			assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)
			continue
		}
		assert.Equal(t, r.Query.Get("$skipToken"), body["skipToken"], "the body carries the nextLink's skip token")
	}
}

func TestQueryIndicatorsCriteria(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	names := env.srv.Data().SeedIndicators(8)
	tests := []struct {
		name string
		opts *sentinel.QueryIndicatorsOptions
		want int
	}{
		{"all", nil, 8},
		{"ids", &sentinel.QueryIndicatorsOptions{IDs: names[:3]}, 3},
		{"source", &sentinel.QueryIndicatorsOptions{Sources: []string{"MISP"}}, 2},
		{"threat type", &sentinel.QueryIndicatorsOptions{ThreatTypes: []string{"compromised"}}, 2},
		{"keyword", &sentinel.QueryIndicatorsOptions{Keywords: []string{"BADHOST"}}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := env.client.QueryIndicators(tt.opts).Collect(ctx, 0)
			require.NoError(t, err)
			assert.Len(t, got, tt.want)
		})
	}

	// Revoked indicators are excluded unless asked for.
	ind, err := env.client.GetIndicator(ctx, names[0], nil)
	require.NoError(t, err)
	ind.Revoked = true
	_, err = env.client.UpdateIndicator(ctx, ind.Name, ind, nil)
	require.NoError(t, err)
	got, err := env.client.QueryIndicators(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, got, 7)
	got, err = env.client.QueryIndicators(&sentinel.QueryIndicatorsOptions{IncludeDisabled: true}).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, got, 8)
}

func TestQueryIndicatorsNextLinkWithoutToken(t *testing.T) {
	n := 0
	c, ts := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"value":[],"nextLink":"https://%s/other?page=2"}`, r.Host)
	})
	_ = ts
	_, err := c.QueryIndicators(nil).Collect(context.Background(), 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "has no skip token")
	assert.Equal(t, 1, n)
}

func TestIndicatorTags(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	created, err := env.client.CreateIndicator(ctx, phishingIndicator(), nil)
	require.NoError(t, err)

	require.NoError(t, env.client.AppendIndicatorTags(ctx, created.Name, []string{"campaign-42", "phishing"}, nil))
	req := lastRequest(t, env)
	assert.Equal(t, "POST /arm"+wsPath+"/threatIntelligence/main/indicators/"+created.Name+"/appendTags", req.Method+" "+req.Path)
	assert.JSONEq(t, `{"threatIntelligenceTags":["campaign-42","phishing"]}`, string(req.Body))
	got, err := env.client.GetIndicator(ctx, created.Name, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"phishing", "campaign-42"}, got.Tags)

	replaced, err := env.client.ReplaceIndicatorTags(ctx, created.Name, []string{"triaged"}, &sentinel.ReplaceIndicatorTagsOptions{Etag: got.Etag})
	require.NoError(t, err)
	req = lastRequest(t, env)
	assert.Equal(t, "POST /arm"+wsPath+"/threatIntelligence/main/indicators/"+created.Name+"/replaceTags", req.Method+" "+req.Path)
	assert.JSONEq(t, `{"etag":`+mustJSON(got.Etag)+`,"kind":"indicator","properties":{"threatIntelligenceTags":["triaged"]}}`, string(req.Body))
	assert.Equal(t, []string{"triaged"}, replaced.Tags)
	assert.Equal(t, got.Pattern, replaced.Pattern)

	_, err = env.client.ReplaceIndicatorTags(ctx, created.Name, nil, &sentinel.ReplaceIndicatorTagsOptions{Etag: got.Etag})
	assert.ErrorIs(t, err, sentinel.ErrConflict, "the etag read before the replacement is stale")
	cleared, err := env.client.ReplaceIndicatorTags(ctx, created.Name, nil, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"indicator","properties":{"threatIntelligenceTags":[]}}`, string(lastRequest(t, env).Body))
	assert.Empty(t, cleared.Tags)

	err = env.client.AppendIndicatorTags(ctx, "missing", []string{"x"}, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func TestIndicatorMetrics(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	env.srv.Data().SeedIndicators(8)
	m, err := env.client.ListIndicatorMetrics(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, "GET /arm"+wsPath+"/threatIntelligence/main/metrics", lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	require.Len(t, m, 1)
	assert.Equal(t, []sentinel.IndicatorMetric{{Name: "domain-name", Value: 2}, {Name: "file", Value: 2}, {Name: "ipv4-addr", Value: 2}, {Name: "url", Value: 2}}, m[0].PatternTypeMetrics)
	assert.Len(t, m[0].SourceMetrics, 4)
	assert.Len(t, m[0].ThreatTypeMetrics, 4)
	assert.False(t, m[0].LastUpdated.Time.IsZero())

	page := fixture(t, "indicators/metrics.json")
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page)
	})
	m, err = c.ListIndicatorMetrics(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, m, 1)
	assert.Equal(t, []sentinel.IndicatorMetric{{Name: "compromised", Value: 1}, {Name: "malicious-activity", Value: 12}}, m[0].ThreatTypeMetrics)
	assert.Equal(t, []sentinel.IndicatorMetric{{Name: "Azure Sentinel", Value: 13}}, m[0].SourceMetrics)

	c, _ = stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	_, err = c.ListIndicatorMetrics(nil).Collect(ctx, 0)
	var de *sentinel.DecodeError
	assert.ErrorAs(t, err, &de)
}

func TestIndicatorValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(i *sentinel.IndicatorProperties)
		field string
	}{
		{"no pattern", func(i *sentinel.IndicatorProperties) { i.Pattern = "" }, "Indicator.Pattern"},
		{"no pattern type", func(i *sentinel.IndicatorProperties) { i.PatternType = " " }, "Indicator.PatternType"},
		{"confidence", func(i *sentinel.IndicatorProperties) { i.Confidence = 101 }, "Indicator.Confidence"},
		{"negative confidence", func(i *sentinel.IndicatorProperties) { i.Confidence = -1 }, "Indicator.Confidence"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			ind := phishingIndicator()
			tt.edit(&ind)
			_, err := env.client.CreateIndicator(context.Background(), ind, nil)
			requireArgError(t, env, err, tt.field)
			_, err = env.client.UpdateIndicator(context.Background(), "x", sentinel.Indicator{IndicatorProperties: ind}, nil)
			requireArgError(t, env, err, tt.field)
		})
	}

	env := newEnv(t)
	ctx := context.Background()
	maxConf, negative := 10, -1
	for name, opts := range map[string]*sentinel.QueryIndicatorsOptions{
		"QueryIndicatorsOptions.PageSize":           {PageSize: -1},
		"QueryIndicatorsOptions.MinConfidence":      {MinConfidence: 101},
		"QueryIndicatorsOptions.MaxConfidence":      {MinConfidence: 20, MaxConfidence: &maxConf},
		"QueryIndicatorsOptions.SortBy[0].ItemKey":  {SortBy: []sentinel.IndicatorSort{{SortOrder: sentinel.SortAscending}}},
		"QueryIndicatorsOptions.MaxValidUntil":      {MinValidUntil: time.Now(), MaxValidUntil: time.Now().Add(-time.Hour)},
		"QueryIndicatorsOptions.MaxConfidence (<0)": {MaxConfidence: &negative},
	} {
		_, err := env.client.QueryIndicators(opts).NextPage(ctx)
		want := name
		if name == "QueryIndicatorsOptions.MaxConfidence (<0)" {
			want = "QueryIndicatorsOptions.MaxConfidence"
		}
		requireArgError(t, env, err, want)
	}
	for _, call := range []func() error{
		func() error { _, err := env.client.GetIndicator(ctx, "../x", nil); return err },
		func() error { return env.client.DeleteIndicator(ctx, "", nil) },
		func() error {
			_, err := env.client.UpdateIndicator(ctx, "a/b", sentinel.Indicator{IndicatorProperties: phishingIndicator()}, nil)
			return err
		},
		func() error { return env.client.AppendIndicatorTags(ctx, "x", nil, nil) },
		func() error { return env.client.AppendIndicatorTags(ctx, "x", []string{""}, nil) },
		func() error { _, err := env.client.ReplaceIndicatorTags(ctx, "a\\b", nil, nil); return err },
	} {
		assert.ErrorIs(t, call(), sentinel.ErrInvalidArgument)
	}
	assert.Zero(t, env.srv.RequestCount())
}

// TestIndicatorOpenValues: what the service does not document as rejected is sent as it is,
// so that an indicator read is always accepted back and values the service added later can
// be written.
func TestIndicatorOpenValues(t *testing.T) {
	tests := []struct {
		name string
		edit func(i *sentinel.IndicatorProperties)
		// sent is a member of "properties" that must be in the body as given.
		member, sent string
	}{
		{"a STIX pattern that is not one bracketed comparison", func(i *sentinel.IndicatorProperties) {
			i.Pattern = "([ipv4-addr:value = '203.0.113.7'] OR [ipv4-addr:value = '203.0.113.8']) WITHIN 300 SECONDS"
			i.PatternType = sentinel.PatternTypeIPv4
		}, "pattern", `"([ipv4-addr:value = '203.0.113.7'] OR [ipv4-addr:value = '203.0.113.8']) WITHIN 300 SECONDS"`},
		{"a pattern type this SDK does not name", func(i *sentinel.IndicatorProperties) {
			i.Pattern, i.PatternType = "[x509-certificate:serial_number = '4c:0b']", "x509-certificate"
		}, "patternType", `"x509-certificate"`},
		{"a time the service sent as free text", func(i *sentinel.IndicatorProperties) {
			i.ValidFrom = sentinel.TextTime{Text: "4/15/2026 7:51:17 PM"}
		}, "validFrom", `"4/15/2026 7:51:17 PM"`},
		{"valid until before valid from", func(i *sentinel.IndicatorProperties) {
			i.ValidUntil = sentinel.TextTimeOf(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC))
		}, "validUntil", `"2026-10-01T00:00:00Z"`},
		{"a kill chain phase without a name", func(i *sentinel.IndicatorProperties) {
			i.KillChainPhases = []sentinel.KillChainPhase{{PhaseName: "delivery"}}
		}, "killChainPhases", `[{"phaseName":"delivery"}]`},
		{"a blank tag", func(i *sentinel.IndicatorProperties) { i.Tags = []string{" "} }, "threatIntelligenceTags", `[" "]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, sent := captureEnv(t)
			ind := phishingIndicator()
			tt.edit(&ind)
			_, err := c.CreateIndicator(context.Background(), ind, nil)
			require.NoError(t, err)
			props := members(t, members(t, sent())["properties"])
			assert.JSONEq(t, tt.sent, string(props[tt.member]))
			_, err = c.UpdateIndicator(context.Background(), "x", sentinel.Indicator{IndicatorProperties: ind}, nil)
			require.NoError(t, err)
			top := members(t, sent())
			assert.Equal(t, `"indicator"`, string(top["kind"]), "an indicator built in Go is sent with its kind")
			assert.JSONEq(t, tt.sent, string(members(t, top["properties"])[tt.member]))
		})
	}

	// A sort order this SDK does not name is sent; "" is not sent.
	c, sent := captureEnv(t)
	_, err := c.QueryIndicators(&sentinel.QueryIndicatorsOptions{SortBy: []sentinel.IndicatorSort{
		{ItemKey: "confidence", SortOrder: "descendingNullsLast"}, {ItemKey: "created"},
	}}).NextPage(context.Background())
	require.NoError(t, err)
	assert.JSONEq(t, `{"sortBy":[{"itemKey":"confidence","sortOrder":"descendingNullsLast"},{"itemKey":"created"}]}`, string(sent()))
}

// captureEnv is a client against a server that answers every request with an empty
// indicator list or an indicator, and the function that returns the last request body.
func captureEnv(t *testing.T) (*sentinel.Client, func() []byte) {
	t.Helper()
	var mu sync.Mutex
	var last []byte
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		last = b
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/queryIndicators") {
			_, _ = w.Write([]byte(`{"value":[]}`))
			return
		}
		_, _ = w.Write([]byte(`{"kind":"indicator","name":"x","properties":{}}`))
	})
	return c, func() []byte {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

func FuzzUnmarshalIndicator(f *testing.F) {
	f.Add(fixture(f, "indicators/get.json"))
	f.Add([]byte(`{"kind":"indicator","properties":{"validFrom":"","modified":"4/15/2026","created":null}}`))
	f.Add([]byte("{\"kind\":\"indicator\",\"properties\":{\"validFrom\":\"2026-04-15T17:44:00\\u005a\",\"modified\":\"\\u00e9t\\u00e9 \xff\",\"killChainPhases\":[{\"x\":1}]}}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ind sentinel.Indicator
		if sentinel.UnmarshalJSON(data, &ind) != nil {
			return
		}
		b, err := sentinel.MarshalJSON(ind)
		require.NoError(t, err, "encoding what was decoded")
		var back sentinel.Indicator
		require.NoError(t, sentinel.UnmarshalJSON(b, &back), "re-decoding %s", b)
		assert.True(t, ind.ValidFrom.Time.Equal(back.ValidFrom.Time))
		assert.Equal(t, ind.Modified.Text, back.Modified.Text)
		again, err := sentinel.MarshalJSON(back)
		require.NoError(t, err)
		assert.Equal(t, string(b), string(again), "a second round trip changes nothing")
	})
}

// FuzzUnmarshalIndicatorMetrics decodes the response of IndicatorMetrics.
func FuzzUnmarshalIndicatorMetrics(f *testing.F) {
	f.Add(fixture(f, "indicators/metrics.json"))
	f.Add([]byte(`{"value":[{"properties":{"lastUpdatedTimeUtc":"","threatTypeMetrics":[{"metricName":"x","metricValue":1,"y":[]}]},"z":1}]}`))
	f.Add([]byte(`{"value":[{"properties":null},null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, tr := memClient(t)
		tr.set(200, jsonHeader, data)
		m, err := c.ListIndicatorMetrics(nil).Collect(context.Background(), 0)
		if err != nil {
			assert.Nil(t, m, "no partial result with an error")
			return
		}
		b, err := sentinel.MarshalJSON(m)
		require.NoError(t, err, "encoding what was decoded")
		var back []sentinel.IndicatorMetrics
		require.NoError(t, sentinel.UnmarshalJSON(b, &back), "re-decoding %s", b)
		require.Len(t, back, len(m))
		for i := range m {
			assert.Equal(t, len(m[i].SourceMetrics), len(back[i].SourceMetrics))
		}
	})
}

func BenchmarkUnmarshalIndicator(b *testing.B) {
	data := fixture(b, "indicators/get.json")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var ind sentinel.Indicator
		if err := sentinel.UnmarshalJSON(data, &ind); err != nil {
			b.Fatal(err)
		}
	}
}
