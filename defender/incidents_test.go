package defender_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

func TestIncidentFilterString(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name string
		f    interface{ String() string }
		want string
	}{
		{"empty", defender.IncidentFilter{}, ""},
		{"one status", defender.IncidentFilter{}.StatusIn(defender.IncidentStatusActive), "status eq 'active'"},
		{"statuses and severity", defender.IncidentFilter{}.StatusIn(defender.IncidentStatusActive, defender.IncidentStatusInProgress).SeverityIn(defender.SeverityHigh),
			"(status eq 'active' or status eq 'inProgress') and severity eq 'high'"},
		{"verdict", defender.IncidentFilter{}.ClassificationIn(defender.ClassificationTruePositive).DeterminationIn(defender.DeterminationMalware),
			"classification eq 'truePositive' and determination eq 'malware'"},
		{"owner quoted", defender.IncidentFilter{}.AssignedTo("o'neil@contoso.com"), "assignedTo eq 'o''neil@contoso.com'"},
		{"unassigned", defender.IncidentFilter{}.AssignedTo(""), "assignedTo eq null"},
		{"times", defender.IncidentFilter{}.CreatedSince(at).CreatedBefore(at).UpdatedSince(at).UpdatedBefore(at),
			"createdDateTime ge 2026-01-02T03:04:05Z and createdDateTime lt 2026-01-02T03:04:05Z and lastUpdateDateTime ge 2026-01-02T03:04:05Z and lastUpdateDateTime lt 2026-01-02T03:04:05Z"},
		{"tag", defender.IncidentFilter{}.HasCustomTag("vip"), "customTags/any(t:t eq 'vip')"},
		{"raw and and", defender.IncidentFilter{}.Raw("severity eq 'low'").And(defender.IncidentFilter{}.StatusIn(defender.IncidentStatusResolved)),
			"(severity eq 'low') and status eq 'resolved'"},
		{"alert filter", defender.AlertFilter{}.StatusIn(defender.AlertStatusNew).ServiceSourceIn(defender.ServiceSourceMicrosoftSentinel).AssignedTo(""),
			"status eq 'new' and serviceSource eq 'microsoftSentinel' and assignedTo eq null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.f.String()) })
	}
}

// TestListIncidentsFilterAndPages lists with a typed filter and a small page: every page
// follows @odata.nextLink on the Graph host, and the items are the ones the emulator's own
// data says match.
func TestListIncidentsFilterAndPages(t *testing.T) {
	env := newEnv(t)
	ids := env.srv.Graph().SeedIncidents(40)
	var want []string
	for _, id := range ids {
		m := env.srv.Graph().Incident(id)
		if (m["status"] == "active" || m["status"] == "inProgress") && (m["severity"] == "high" || m["severity"] == "medium") {
			want = append(want, id)
		}
	}
	require.NotEmpty(t, want)
	f := defender.IncidentFilter{}.StatusIn(defender.IncidentStatusActive, defender.IncidentStatusInProgress).SeverityIn(defender.SeverityHigh, defender.SeverityMedium)
	env.srv.ResetRequests()
	pager := env.client.ListIncidents(&defender.ListIncidentsOptions{Filter: f.String(), Top: 4})
	var got []string
	var created []time.Time
	for inc, err := range pager.All(context.Background()) {
		require.NoError(t, err)
		got = append(got, inc.ID)
		created = append(created, inc.CreatedDateTime)
		assert.True(t, inc.Status.Is(defender.IncidentStatusActive) || inc.Status.Is(defender.IncidentStatusInProgress), inc.Status)
	}
	assert.ElementsMatch(t, want, got)
	assert.True(t, slices.IsSortedFunc(created, func(a, b time.Time) int { return b.Compare(a) }), "newest first")

	reqs := env.graphRequests()
	require.Len(t, reqs, (len(want)+3)/4)
	for i, r := range reqs {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, "/v1.0/security/incidents", r.Path)
		assert.Equal(t, f.String(), r.Query.Get("$filter"))
		assert.Equal(t, "4", r.Query.Get("$top"))
		if i == 0 {
			assert.Empty(t, r.Query.Get("$skip"))
			assert.Equal(t, "$filter="+strings.ReplaceAll(url.QueryEscape(f.String()), "+", "%20")+"&$top=4", r.RawQuery, "the first request's query, exactly")
		} else {
			assert.Equal(t, strconv.Itoa(4*i), r.Query.Get("$skip"))
		}
		assert.True(t, r.Authorized)
		assert.NotEmpty(t, r.Header.Get("client-request-id"))
		assert.Equal(t, "include-unknown-enum-members", r.Header.Get("Prefer"))
	}
}

func TestListIncidentsExpandAlertsAndTag(t *testing.T) {
	env := newEnv(t)
	env.srv.Graph().SeedIncidents(3)
	tagged := env.srv.Graph().CreateIncident(map[string]any{"displayName": "Tagged", "customTags": []any{"VIP", "escalated"}})
	incs, err := env.client.ListIncidents(&defender.ListIncidentsOptions{ExpandAlerts: true}).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, incs, 4)
	withAlerts := 0
	for _, inc := range incs {
		for _, a := range inc.Alerts {
			assert.Equal(t, inc.ID, a.IncidentID)
			assert.NotEmpty(t, a.Evidence)
			withAlerts++
		}
	}
	assert.Positive(t, withAlerts)
	r := env.graphRequests()[0]
	assert.Equal(t, "alerts", r.Query.Get("$expand"))

	got, err := env.client.ListIncidents(&defender.ListIncidentsOptions{Filter: defender.IncidentFilter{}.HasCustomTag("vip").String()}).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, got, 1, "tags compare without regard to case, as Graph's do")
	assert.Equal(t, tagged.ID, got[0].ID)
	assert.Equal(t, []string{"VIP", "escalated"}, got[0].CustomTags)
}

func TestListIncidentsInvalidOptions(t *testing.T) {
	env := newEnv(t)
	for _, o := range []*defender.ListIncidentsOptions{{Top: -1}, {Skip: -2}} {
		_, err := env.client.ListIncidents(o).NextPage(context.Background())
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	}
	assert.Empty(t, env.srv.Requests())
}

func TestGetIncident(t *testing.T) {
	env := newEnv(t)
	g := env.srv.Graph().CreateIncident(map[string]any{
		"displayName": "Ransomware on WS-01", "severity": "High", "status": "Active", "classification": "TruePositive",
		"determination": "compromisedUser", "assignedTo": "kai@contoso.com", "zzFuture": map[string]any{"x": 1},
	}, map[string]any{"title": "Ransom note dropped"})
	inc, err := env.client.GetIncident(context.Background(), g.ID, &defender.GetIncidentOptions{ExpandAlerts: true})
	require.NoError(t, err)
	assert.Equal(t, g.ID, inc.ID)
	assert.Equal(t, "Ransomware on WS-01", inc.DisplayName)
	assert.True(t, inc.Severity.Is(defender.SeverityHigh), "PascalCase values compare equal")
	assert.True(t, inc.Status.Is(defender.IncidentStatusActive))
	assert.True(t, inc.Classification.Is(defender.ClassificationTruePositive))
	assert.True(t, inc.Determination.Is(defender.DeterminationCompromisedAccount), "the older spelling is the same value")
	assert.Equal(t, defender.Determination("compromisedUser"), inc.Determination, "kept as sent")
	assert.Equal(t, "kai@contoso.com", inc.AssignedTo)
	assert.Contains(t, sentinel.UnknownMembers(inc.Unknown), "zzFuture")
	require.Len(t, inc.Alerts, 1)
	assert.Equal(t, "Ransom note dropped", inc.Alerts[0].Title)
	r := env.graphRequests()[0]
	assert.Equal(t, "/v1.0/security/incidents/"+g.ID, r.Path)
	assert.Equal(t, "$expand=alerts", r.RawQuery)
}

// TestGetIncidentNotFound maps Graph's error body: the code and message, the request ID from
// the header and the client-request-id the client sent, and the same sentinel errors as the
// Sentinel client.
func TestGetIncidentNotFound(t *testing.T) {
	env := newEnv(t)
	_, err := env.client.GetIncident(context.Background(), "424242", nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, http.StatusNotFound, re.StatusCode)
	assert.Equal(t, "NotFound", re.ErrorCode)
	assert.Contains(t, re.Message, "424242")
	assert.NotEmpty(t, re.RequestID)
	r := env.graphRequests()[0]
	assert.Equal(t, r.Header.Get("client-request-id"), re.CorrelationID)
	assert.Empty(t, re.Details, "Graph's innerError carries IDs, not a nested error")
}

func TestIncidentArgumentsCheckedBeforeRequests(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	for _, id := range []string{"", "..", "a/b", "x\n", "ends."} {
		_, err := env.client.GetIncident(ctx, id, nil)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "%q", id)
		_, err = env.client.UpdateIncident(ctx, id, defender.IncidentUpdate{AssignedTo: sentinel.Ptr("a")}, nil)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "%q", id)
		_, err = env.client.CreateIncidentComment(ctx, id, "x", nil)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "%q", id)
	}
	_, err := env.client.UpdateIncident(ctx, "1", defender.IncidentUpdate{}, nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	_, err = env.client.CreateIncidentComment(ctx, "1", "", nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	assert.Empty(t, env.srv.Requests())
}

// TestUpdateIncidentIsAPartialPatch sends only the members set, and the emulator's stored
// incident keeps everything else, unknown members included.
func TestUpdateIncidentIsAPartialPatch(t *testing.T) {
	env := newEnv(t)
	g := env.srv.Graph().CreateIncident(map[string]any{
		"displayName": "Phishing wave", "severity": "medium", "status": "active", "description": "before",
		"customTags": []any{"old"}, "zzFuture": map[string]any{"nested": []any{1, "x"}},
	})
	tests := []struct {
		name string
		u    defender.IncidentUpdate
		body string
	}{
		{"resolve", defender.IncidentUpdate{
			Status: sentinel.Ptr(defender.IncidentStatusResolved), Classification: sentinel.Ptr(defender.ClassificationTruePositive),
			Determination: sentinel.Ptr(defender.DeterminationPhishing), ResolvingComment: sentinel.Ptr("Mail purged."),
		}, `{"status":"resolved","classification":"truePositive","determination":"phishing","resolvingComment":"Mail purged."}`},
		{"assign", defender.IncidentUpdate{AssignedTo: sentinel.Ptr("kai@contoso.com")}, `{"assignedTo":"kai@contoso.com"}`},
		{"tags replaced", defender.IncidentUpdate{CustomTags: sentinel.Ptr([]string{"vip", "phish"})}, `{"customTags":["vip","phish"]}`},
		{"tags cleared", defender.IncidentUpdate{CustomTags: sentinel.Ptr([]string{})}, `{"customTags":[]}`},
		{"description", defender.IncidentUpdate{Description: sentinel.Ptr("after")}, `{"description":"after"}`},
		{"a value the SDK does not know is sent", defender.IncidentUpdate{Determination: sentinel.Ptr(defender.Determination("clean"))}, `{"determination":"clean"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.srv.ResetRequests()
			before := env.srv.Graph().Incident(g.ID)
			out, err := env.client.UpdateIncident(context.Background(), g.ID, tt.u, nil)
			require.NoError(t, err)
			reqs := env.graphRequests()
			require.Len(t, reqs, 1)
			assert.Equal(t, http.MethodPatch, reqs[0].Method)
			assert.Equal(t, "/v1.0/security/incidents/"+g.ID, reqs[0].Path)
			assert.Empty(t, reqs[0].RawQuery)
			assert.JSONEq(t, tt.body, string(reqs[0].Body))
			assert.Equal(t, "application/json", reqs[0].Header.Get("Content-Type"))

			after := env.srv.Graph().Incident(g.ID)
			sent := bodyOf(t, reqs[0].Body)
			for k, v := range before {
				if _, changed := sent[k]; changed || k == "lastUpdateDateTime" || k == "lastModifiedBy" {
					continue
				}
				assert.Equal(t, v, after[k], "member %s is untouched", k)
			}
			for k, v := range sent {
				assert.Equal(t, v, after[k], "member %s is changed", k)
			}
			assert.Equal(t, g.ID, out.ID)
			assert.Equal(t, after["lastUpdateDateTime"], out.LastUpdateDateTime.Format("2006-01-02T15:04:05.0000000Z"))
		})
	}
	assert.Contains(t, env.srv.Graph().Incident(g.ID), "zzFuture")
}

func TestUpdateIncidentRefusedByTheService(t *testing.T) {
	env := newEnv(t)
	g := env.srv.Graph().CreateIncident(map[string]any{"displayName": "x"})
	_, err := env.client.UpdateIncident(context.Background(), g.ID, defender.IncidentUpdate{Status: sentinel.Ptr(defender.IncidentStatus("closed"))}, nil)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)
	var re *sentinel.ResponseError
	require.True(t, errors.As(err, &re))
	assert.Contains(t, re.Message, "closed")
	assert.Equal(t, "active", env.srv.Graph().Incident(g.ID)["status"], "nothing changed")
}

func TestCreateIncidentComment(t *testing.T) {
	env := newEnv(t)
	g := env.srv.Graph().CreateIncident(map[string]any{"displayName": "x", "comments": []any{
		map[string]any{"comment": "first", "createdBy": "DavidS@contoso.com", "createdTime": "2026-01-01T10:00:00.0000000Z"},
	}})
	comments, err := env.client.CreateIncidentComment(context.Background(), g.ID, "Isolated the host.", nil)
	require.NoError(t, err)
	require.Len(t, comments, 2, "the service answers with every comment")
	assert.Equal(t, "first", comments[0].Comment)
	assert.Equal(t, "DavidS@contoso.com", comments[0].Author(), "the older spelling")
	assert.Equal(t, time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC), comments[0].Created())
	assert.Equal(t, "Isolated the host.", comments[1].Comment)
	assert.Equal(t, "sentineltest@contoso.com", comments[1].Author())
	assert.False(t, comments[1].Created().IsZero())
	r := env.graphRequests()[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v1.0/security/incidents/"+g.ID+"/comments", r.Path)
	assert.JSONEq(t, `{"@odata.type":"microsoft.graph.security.alertComment","comment":"Isolated the host."}`, string(r.Body))
}
