package sentinel_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/replay"
	"github.com/sentinel-go/sentinel/sentineltest"
)

var fixtureWorkspace = sentinel.Workspace{SubscriptionID: "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", ResourceGroup: "myRg", Name: "myWorkspace"}

func replayClient(t *testing.T, cassette string) (*sentinel.Client, *replay.Transport) {
	t.Helper()
	tr, err := replay.Load(cassette)
	require.NoError(t, err)
	// The client sends the version the cassette was recorded at.
	c, err := sentinel.NewClient(fixtureWorkspace, staticCred{}, &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: tr}, APIVersion: tr.APIVersion()})
	require.NoError(t, err)
	t.Cleanup(func() {
		assert.Empty(t, tr.Unused(), "recorded interactions not requested")
		assert.Empty(t, tr.Unauthorized)
	})
	return c, tr
}

func TestIncidentFixtureGet(t *testing.T) {
	c, _ := replayClient(t, "testdata/incidents/get.cassette.json")
	inc, err := c.GetIncident(context.Background(), "73e01a99-5cd7-4139-a149-9f2736ff2ab5", nil)
	require.NoError(t, err)
	assert.Equal(t, "73e01a99-5cd7-4139-a149-9f2736ff2ab5", inc.Name)
	assert.True(t, strings.HasSuffix(inc.ID, "/incidents/73e01a99-5cd7-4139-a149-9f2736ff2ab5"))
	assert.Equal(t, `"0300bf09-0000-0000-0000-5c37296e0000"`, inc.Etag)
	assert.Equal(t, "Suspicious sign-in from a rare location for alice@contoso.com", inc.Title)
	assert.Equal(t, sentinel.SeverityHigh, inc.Severity)
	assert.Equal(t, sentinel.IncidentStatusActive, inc.Status)
	assert.Empty(t, inc.Classification)
	assert.Equal(t, sentinel.IncidentOwner{ObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70", Email: "bob.smith@contoso.com", AssignedTo: "Bob Smith", UserPrincipalName: "bob.smith@contoso.com", OwnerType: sentinel.OwnerTypeUser}, inc.Owner)
	assert.Equal(t, []sentinel.IncidentLabel{{Name: "phishing", Type: sentinel.LabelTypeUser}, {Name: "vip", Type: sentinel.LabelTypeAutoAssigned}}, inc.Labels)
	assert.Equal(t, time.Date(2019, 1, 1, 13, 0, 30, 0, time.UTC), inc.FirstActivityTime)
	assert.Equal(t, time.Date(2019, 1, 1, 13, 5, 30, 0, time.UTC), inc.LastActivityTime)
	assert.Equal(t, time.Date(2019, 1, 1, 13, 15, 30, 123456700, time.UTC), inc.CreatedTime)
	assert.Equal(t, inc.CreatedTime, inc.LastModifiedTime)
	assert.Equal(t, int64(3177), inc.Number)
	assert.Contains(t, inc.URL, "https://portal.azure.com/#asset/")
	assert.Equal(t, "Azure Sentinel", inc.ProviderName)
	assert.Equal(t, "3177", inc.ProviderIncidentID)
	require.Len(t, inc.RelatedAnalyticRuleIDs, 1)
	assert.True(t, strings.HasSuffix(inc.RelatedAnalyticRuleIDs[0], "/alertRules/fab3d2d4-747f-46a7-8ef0-9c0be8112bf7"))
	assert.Equal(t, sentinel.IncidentAdditionalData{
		AlertsCount: 3, BookmarksCount: 1, CommentsCount: 2,
		AlertProductNames:   []string{"Azure Sentinel", "Microsoft Defender for Office 365"},
		Tactics:             []sentinel.AttackTactic{sentinel.TacticInitialAccess, sentinel.TacticPersistence},
		Techniques:          []string{"T1078", "T1114"},
		ProviderIncidentURL: "https://security.microsoft.com/incidents/3177?tid=72f988bf",
	}, inc.AdditionalData)

	unknown := sentinel.UnknownMembers(inc.IncidentProperties.Unknown)
	require.Len(t, unknown, 2)
	assert.JSONEq(t, `3170`, string(unknown["mergedIncidentNumber"]))
	assert.JSONEq(t, `{"teamId": "e8a3f2d1-4b6c-4d8e-9f0a-1b2c3d4e5f60", "name": "Incident 3177 war room", "primaryChannelUrl": "https://teams.microsoft.com/l/channel/x"}`, string(unknown["teamInformation"]))

	// The JSON form is the wire form and keeps the unknown parts.
	b, err := sentinel.MarshalJSON(inc)
	require.NoError(t, err)
	var round map[string]any
	require.NoError(t, json.Unmarshal(b, &round))
	props := round["properties"].(map[string]any)
	assert.Equal(t, float64(3170), props["mergedIncidentNumber"])
	assert.Equal(t, "rule-engine", round["systemData"].(map[string]any)["createdBy"])
	var back sentinel.Incident
	require.NoError(t, sentinel.UnmarshalJSON(b, &back))
	assert.Equal(t, inc.Title, back.Title)
	for k, v := range sentinel.UnknownMembers(inc.IncidentProperties.Unknown) {
		assert.JSONEq(t, string(v), string(sentinel.UnknownMembers(back.IncidentProperties.Unknown)[k]), k)
	}
}

func TestIncidentFixtureListWithUnknownValues(t *testing.T) {
	c, _ := replayClient(t, "testdata/incidents/list.cassette.json")
	incs, err := c.ListIncidents(&sentinel.ListIncidentsOptions{Top: 2}).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, incs, 3)
	first := incs[0]
	assert.Equal(t, sentinel.Severity("Critical"), first.Severity, "an unknown severity is kept")
	assert.Equal(t, sentinel.IncidentStatus("Investigating"), first.Status)
	assert.Equal(t, "Mass download by it's-me@contoso.com", first.Title)
	assert.True(t, first.Owner.IsZero(), "null owner fields decode as unassigned")
	assert.Equal(t, time.Date(2023, 10, 24, 10, 0, 0, 0, time.UTC), first.FirstActivityTime, "a time without zone is UTC")
	assert.Equal(t, time.Date(2023, 10, 24, 10, 5, 0, 5e8, time.UTC), first.LastActivityTime)
	assert.Equal(t, []sentinel.AttackTactic{sentinel.TacticExfiltration, "BrandNewTactic"}, first.AdditionalData.Tactics)
	assert.Equal(t, int64(4243), incs[1].Number)
	assert.Equal(t, 2, incs[1].AdditionalData.AlertsCount)
	assert.Equal(t, sentinel.ClassificationBenignPositive, incs[2].Classification)
	assert.Equal(t, sentinel.ClassificationReasonSuspiciousButExpected, incs[2].ClassificationReason)
}

func TestIncidentCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	c := env.client

	created, err := c.CreateIncident(ctx, sentinel.IncidentProperties{
		Title: "Manual investigation: O'Brien's laptop", Description: "Opened from a playbook",
		Severity: sentinel.SeverityMedium, Status: sentinel.IncidentStatusNew,
		Labels: []sentinel.IncidentLabel{{Name: "manual"}},
	}, nil)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, created.Name)
	assert.Equal(t, int64(1), created.Number)
	assert.NotEmpty(t, created.Etag)
	assert.False(t, created.CreatedTime.IsZero())
	assert.Equal(t, []sentinel.IncidentLabel{{Name: "manual", Type: sentinel.LabelTypeUser}}, created.Labels)

	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+created.Name, reqs[0].Path)
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &body))
	assert.NotContains(t, body, "etag", "a create sends no etag")
	assert.NotContains(t, body, "id")
	props := body["properties"].(map[string]any)
	assert.Equal(t, "Manual investigation: O'Brien's laptop", props["title"])
	assert.NotContains(t, props, "incidentNumber", "read-only zero fields are not sent")

	// Caller-chosen ID.
	mine, err := c.CreateIncident(ctx, sentinel.IncidentProperties{Title: "x", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}, &sentinel.CreateIncidentOptions{ID: "playbook-42"})
	require.NoError(t, err)
	assert.Equal(t, "playbook-42", mine.Name)

	got, err := c.GetIncident(ctx, created.Name, nil)
	require.NoError(t, err)
	assert.Equal(t, created.Etag, got.Etag)
	assert.Equal(t, "Opened from a playbook", got.Description)

	// Raw PUT with a stale etag conflicts; with the current one it succeeds.
	got.Title = "renamed"
	stale := got
	stale.Etag = `"stale"`
	_, err = c.CreateOrUpdateIncident(ctx, got.Name, stale, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)
	upd, err := c.CreateOrUpdateIncident(ctx, got.Name, got, nil)
	require.NoError(t, err)
	assert.Equal(t, "renamed", upd.Title)
	assert.NotEqual(t, got.Etag, upd.Etag)

	require.NoError(t, c.DeleteIncident(ctx, got.Name, nil))
	_, err = c.GetIncident(ctx, got.Name, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	require.NoError(t, c.DeleteIncident(ctx, got.Name, nil), "deleting a missing incident succeeds (204)")
}

func TestIncidentValidation(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	base := sentinel.IncidentProperties{Title: "t", Severity: sentinel.SeverityHigh, Status: sentinel.IncidentStatusActive}
	tests := []struct {
		name  string
		edit  func(*sentinel.IncidentProperties)
		field string
	}{
		{"no title", func(i *sentinel.IncidentProperties) { i.Title = " " }, "Incident.Title"},
		{"no severity", func(i *sentinel.IncidentProperties) { i.Severity = "" }, "Incident.Severity"},
		{"no status", func(i *sentinel.IncidentProperties) { i.Status = "" }, "Incident.Status"},
		{"closed without classification", func(i *sentinel.IncidentProperties) { i.Status = sentinel.IncidentStatusClosed }, "Incident.Classification"},
		{"wrong reason", func(i *sentinel.IncidentProperties) {
			i.Status, i.Classification, i.ClassificationReason = sentinel.IncidentStatusClosed, sentinel.ClassificationTruePositive, sentinel.ClassificationReasonInaccurateData
		}, "Incident.ClassificationReason"},
		{"benign without reason", func(i *sentinel.IncidentProperties) {
			i.Status, i.Classification = sentinel.IncidentStatusClosed, sentinel.ClassificationBenignPositive
		}, "Incident.ClassificationReason"},
		{"undetermined with reason", func(i *sentinel.IncidentProperties) {
			i.Classification, i.ClassificationReason = sentinel.ClassificationUndetermined, sentinel.ClassificationReasonSuspiciousActivity
		}, "Incident.ClassificationReason"},
		{"owner object id not guid", func(i *sentinel.IncidentProperties) { i.Owner = sentinel.IncidentOwner{ObjectID: "bob"} }, "Incident.Owner.ObjectID"},
		{"empty label", func(i *sentinel.IncidentProperties) { i.Labels = []sentinel.IncidentLabel{{Name: ""}} }, "Incident.Labels[0]"},
		{"bad id", func(*sentinel.IncidentProperties) {}, "CreateIncidentOptions.ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inc := base
			tt.edit(&inc)
			opts := &sentinel.CreateIncidentOptions{}
			if tt.field == "CreateIncidentOptions.ID" {
				opts.ID = "../x"
			}
			_, err := env.client.CreateIncident(ctx, inc, opts)
			var ae *sentinel.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.field, ae.Name)
		})
	}
	assert.Zero(t, env.srv.RequestCount(), "nothing is sent for invalid input")
}

func TestUpdateIncidentPartial(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	id := env.srv.CreateIncident(map[string]any{
		"title": "Phishing email delivered to bob", "severity": "Low", "status": "New",
		"labels":          []any{map[string]any{"labelName": "phishing", "labelType": "AutoAssigned"}, map[string]any{"labelName": "old"}},
		"teamInformation": map[string]any{"teamId": "t-1", "name": "war room"},
	})

	sev := sentinel.SeverityHigh
	status := sentinel.IncidentStatusActive
	upd, err := env.client.UpdateIncident(ctx, id, sentinel.IncidentUpdate{
		Severity: &sev, Status: &status,
		Owner:     &sentinel.IncidentOwner{UserPrincipalName: "alice.jones@contoso.com"},
		AddLabels: []string{"escalated", "phishing"}, RemoveLabels: []string{"old"},
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.SeverityHigh, upd.Severity)
	assert.Equal(t, sentinel.IncidentStatusActive, upd.Status)
	assert.Equal(t, "alice.jones@contoso.com", upd.Owner.UserPrincipalName)
	assert.Equal(t, "Alice Jones", upd.Owner.AssignedTo)
	assert.Equal(t, []sentinel.IncidentLabel{{Name: "phishing", Type: sentinel.LabelTypeAutoAssigned}, {Name: "escalated", Type: sentinel.LabelTypeUser}}, upd.Labels)
	assert.Equal(t, "Phishing email delivered to bob", upd.Title, "unchanged fields stay")

	stored := env.srv.Incident(id)
	team := stored["properties"].(map[string]any)["teamInformation"].(map[string]any)
	assert.Equal(t, "t-1", team["teamId"], "unknown properties survive the read-modify-write")

	reqs := env.srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, http.MethodPut, reqs[1].Method)
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[1].Body, &body))
	assert.NotEmpty(t, body["etag"], "an update sends the etag it read")
}

func TestUpdateIncidentRetriesConflicts(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	id := env.srv.CreateIncident(map[string]any{"title": "t", "severity": "Low", "status": "New"})

	// Another analyst changes the incident between our GET and PUT, twice.
	var interfere atomic.Int32
	interfere.Store(2)
	env.srv.OnRequest(func(r sentineltest.Request) {
		if r.Method == http.MethodPut && interfere.Add(-1) >= 0 {
			env.srv.ModifyIncident(id, func(p map[string]any) {
				p["labels"] = append(p["labels"].([]any), map[string]any{"labelName": "by-other"})
			})
		}
	})
	upd, err := env.client.AddIncidentLabels(ctx, id, []string{"mine"}, nil)
	require.NoError(t, err)
	names := []string{}
	for _, l := range upd.Labels {
		names = append(names, l.Name)
	}
	assert.Equal(t, []string{"by-other", "by-other", "mine"}, names, "both changes land")
	assert.Equal(t, 6, env.srv.RequestCount(), "three GET+PUT rounds")

	// Always interfering: gives up after MaxAttempts with ErrConflict.
	env.srv.OnRequest(func(r sentineltest.Request) {
		if r.Method == http.MethodPut {
			env.srv.ModifyIncident(id, func(map[string]any) {})
		}
	})
	env.srv.ResetRequests()
	_, err = env.client.SetIncidentSeverity(ctx, id, sentinel.SeverityHigh, &sentinel.SetIncidentSeverityOptions{MaxAttempts: 3})
	require.ErrorIs(t, err, sentinel.ErrConflict)
	var re *sentinel.ResponseError
	require.True(t, errors.As(err, &re))
	assert.Equal(t, 409, re.StatusCode)
	assert.Equal(t, 6, env.srv.RequestCount())
}

func TestIncidentVerbs(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	c := env.client
	id := env.srv.CreateIncident(map[string]any{"title": "t", "severity": "Low", "status": "New"})

	inc, err := c.AssignIncident(ctx, id, sentinel.IncidentOwner{ObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70", UserPrincipalName: "carol.white@contoso.com"}, nil)
	require.NoError(t, err)
	assert.Equal(t, "2046feea-040d-4a46-9e2b-91c2941bfa70", inc.Owner.ObjectID)
	_, err = c.AssignIncident(ctx, id, sentinel.IncidentOwner{}, nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)

	inc, err = c.SetIncidentSeverity(ctx, id, sentinel.SeverityInformational, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.SeverityInformational, inc.Severity)

	inc, err = c.AddIncidentLabels(ctx, id, []string{"a", "b"}, nil)
	require.NoError(t, err)
	assert.Len(t, inc.Labels, 2)
	inc, err = c.RemoveIncidentLabels(ctx, id, []string{"a"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []sentinel.IncidentLabel{{Name: "b", Type: sentinel.LabelTypeUser}}, inc.Labels)

	_, err = c.CloseIncident(ctx, id, sentinel.ClassificationFalsePositive, sentinel.ClassificationReasonSuspiciousActivity, &sentinel.CloseIncidentOptions{Comment: ""})
	var ae *sentinel.ArgumentError
	require.ErrorAs(t, err, &ae, "the reason must belong to the classification")

	inc, err = c.CloseIncident(ctx, id, sentinel.ClassificationFalsePositive, sentinel.ClassificationReasonInaccurateData, &sentinel.CloseIncidentOptions{Comment: "sensor glitch"})
	require.NoError(t, err)
	assert.Equal(t, sentinel.IncidentStatusClosed, inc.Status)
	assert.Equal(t, sentinel.ClassificationFalsePositive, inc.Classification)
	assert.Equal(t, sentinel.ClassificationReasonInaccurateData, inc.ClassificationReason)
	assert.Equal(t, "sensor glitch", inc.ClassificationComment)

	inc, err = c.SetIncidentStatus(ctx, id, sentinel.IncidentStatusActive, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.IncidentStatusActive, inc.Status)
	assert.Empty(t, inc.Classification, "reopening clears the classification")
}

func TestIncidentFilterBuilder(t *testing.T) {
	at := time.Date(2026, 11, 1, 8, 30, 0, 0, time.UTC)
	tests := []struct {
		f    sentinel.IncidentFilter
		want string
	}{
		{sentinel.IncidentFilter{}, ""},
		{sentinel.IncidentFilter{}.SeverityIn(sentinel.SeverityHigh), "properties/severity eq 'High'"},
		{sentinel.IncidentFilter{}.SeverityIn(sentinel.SeverityHigh, sentinel.SeverityMedium).StatusIn(sentinel.IncidentStatusNew),
			"(properties/severity eq 'High' or properties/severity eq 'Medium') and properties/status eq 'New'"},
		{sentinel.IncidentFilter{}.TitleContains("O'Brien"), "contains(properties/title,'O''Brien')"},
		{sentinel.IncidentFilter{}.CreatedAfter(at).CreatedBefore(at.Add(time.Hour)),
			"properties/createdTimeUtc gt 2026-11-01T08:30:00Z and properties/createdTimeUtc lt 2026-11-01T09:30:00Z"},
		{sentinel.IncidentFilter{}.ModifiedAfter(at.In(time.FixedZone("x", 3600))), "properties/lastModifiedTimeUtc gt 2026-11-01T08:30:00Z"},
		{sentinel.IncidentFilter{}.NumberGreaterThan(41).ClassificationIs(sentinel.ClassificationTruePositive),
			"properties/incidentNumber gt 41 and properties/classification eq 'TruePositive'"},
		{sentinel.IncidentFilter{}.OwnerUPN("a@b.c").Raw("properties/status ne 'Closed' or properties/severity eq 'High'"),
			"properties/owner/userPrincipalName eq 'a@b.c' and (properties/status ne 'Closed' or properties/severity eq 'High')"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.f.String())
	}
	// Builders do not share state.
	base := sentinel.IncidentFilter{}.SeverityIn(sentinel.SeverityHigh)
	a, b := base.StatusIn(sentinel.IncidentStatusNew), base.StatusIn(sentinel.IncidentStatusClosed)
	assert.NotEqual(t, a.String(), b.String())
	assert.Equal(t, "properties/severity eq 'High'", base.String())
}

func TestListIncidentsFilteredOnEmulator(t *testing.T) {
	env := newEnv(t)
	now := time.Now().UTC()
	mk := func(title, sev, status string, age time.Duration) string {
		return env.srv.CreateIncident(map[string]any{"title": title, "severity": sev, "status": status,
			"createdTimeUtc": now.Add(-age).Format(time.RFC3339Nano)})
	}
	a := mk("O'Brien's laptop beaconing", "High", "Active", time.Hour)
	mk("old one", "High", "Active", 30*time.Hour)
	mk("low one", "Low", "New", time.Hour)
	b := mk("Medium new", "Medium", "New", 2*time.Hour)
	mk("closed", "High", "Closed", time.Hour)

	f := sentinel.IncidentFilter{}.
		SeverityIn(sentinel.SeverityHigh, sentinel.SeverityMedium).
		StatusIn(sentinel.IncidentStatusNew, sentinel.IncidentStatusActive).
		CreatedAfter(now.Add(-24 * time.Hour))
	got, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Filter: f.String(), OrderBy: sentinel.OrderByCreatedAsc}).Collect(context.Background(), 0)
	require.NoError(t, err)
	var names []string
	for _, i := range got {
		names = append(names, i.Name)
	}
	assert.Equal(t, []string{b, a}, names)

	got, err = env.client.ListIncidents(&sentinel.ListIncidentsOptions{Filter: sentinel.IncidentFilter{}.TitleContains("o'brien").String()}).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, a, got[0].Name)

	_, err = env.client.ListIncidents(&sentinel.ListIncidentsOptions{Filter: "properties/nope eq 1"}).Collect(context.Background(), 0)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)
}

func FuzzDecodeIncident(f *testing.F) {
	for _, s := range []string{
		`{"name":"x","properties":{"title":"t","severity":"High","status":"New"}}`,
		`{"properties":{"labels":[{"labelName":"a"}],"createdTimeUtc":"2023-01-01T00:00:00"}}`,
		`{"properties":{"owner":{"objectId":null},"additionalData":{"tactics":["X"]}},"extra":[1,2]}`,
		`{"properties":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var inc sentinel.Incident
		if err := sentinel.UnmarshalJSON(b, &inc); err != nil {
			return
		}
		out, err := sentinel.MarshalJSON(inc)
		require.NoError(t, err)
		var again sentinel.Incident
		require.NoError(t, json.Unmarshal(out, &again), "re-decoding %s", out)
		assert.Equal(t, inc.Title, again.Title)
		assert.Equal(t, inc.Number, again.Number)
	})
}
