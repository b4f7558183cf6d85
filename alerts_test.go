package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

func TestListAlerts(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(inc))
	assert.Equal(t, 2, additionalCount(t, env, inc, "alertsCount"))
	ctx := context.Background()

	alerts, err := env.client.ListAlerts(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	r := env.srv.Requests()[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/alerts", r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)
	assert.Empty(t, r.Body)

	require.Len(t, alerts, 2)
	mde, mdo := alerts[0], alerts[1]
	assert.Equal(t, "Suspicious PowerShell command line", mde.DisplayName)
	assert.Equal(t, sentinel.SeverityHigh, mde.Severity)
	assert.Equal(t, []sentinel.AttackTactic{sentinel.TacticExecution, sentinel.TacticDefenseEvasion}, mde.Tactics)
	assert.Equal(t, 0.92, mde.ConfidenceScore)
	assert.Len(t, mde.ResourceIdentifiers, 2)

	assert.Equal(t, sentinel.EntityKindSecurityAlert, mdo.Kind())
	assert.Equal(t, "Email messages containing malicious file removed after delivery", mdo.DisplayName)
	assert.Equal(t, "OfficeATP_ZapMalwareFile", mdo.AlertType)
	assert.Equal(t, sentinel.SeverityMedium, mdo.Severity)
	assert.Equal(t, sentinel.AlertStatusInProgress, mdo.Status)
	assert.Equal(t, sentinel.ConfidenceUnknown, mdo.ConfidenceLevel)
	assert.Equal(t, sentinel.ConfidenceScoreNotApplicable, mdo.ConfidenceScoreStatus)
	assert.Equal(t, sentinel.IntentProbing, mdo.Intent)
	assert.Equal(t, []sentinel.AttackTactic{sentinel.TacticInitialAccess}, mdo.Tactics)
	assert.Equal(t, "Microsoft Defender for Office 365", mdo.ProductName)
	assert.Equal(t, "Microsoft", mdo.VendorName)
	assert.Equal(t, "fa7c2b19d3-0ba1-4f3e-8c1e-2b9d7e6a5c41", mdo.ProviderAlertID)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, mdo.SystemAlertID)
	assert.Equal(t, time.Date(2026, 5, 13, 9, 58, 3, 0, time.UTC), mdo.StartTime)
	assert.Equal(t, mdo.StartTime, mdo.EndTime)
	assert.Equal(t, time.Date(2026, 5, 13, 10, 15, 44, 200000000, time.UTC), mdo.TimeGenerated)
	assert.Equal(t, []string{"Review the messages in Explorer and purge remaining copies."}, mdo.RemediationSteps)
	assert.Equal(t, "alice.jones@contoso.com", mdo.CompromisedEntity)
	assert.Equal(t, "https://security.microsoft.com/alerts/fa7c2b19d3-0ba1-4f3e-8c1e-2b9d7e6a5c41", mdo.AlertLink)
	assert.Equal(t, []map[string]any{{"type": "AAD", "aadTenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47"}}, mdo.ResourceIdentifiers)
	assert.Equal(t, mdo.DisplayName, mdo.FriendlyName)
	assert.NoError(t, mdo.DecodeError())
	assert.True(t, strings.HasPrefix(mdo.ID, wsPath+"/Entities/"))

	// The alerts are the same entities ListEntities shows.
	ents, err := env.client.ListEntities(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	inList := sentinel.EntitiesOf[*sentinel.SecurityAlert](ents)
	require.Len(t, inList, 1)
	assert.Equal(t, mde, *inList[0])

	_, err = env.client.ListAlerts("no-such-incident", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	_, err = env.client.ListAlerts("", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)

	none, err := env.client.ListAlerts(newIncident(t, env), nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, none)
}

func TestListAlertsOddPayloads(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	items := []string{
		// confidenceScore as a string, an RFC 1123 time: both fields are left zero.
		`{"name":"a1","kind":"SecurityAlert","properties":{"alertDisplayName":"Odd","confidenceScore":"0.9","startTimeUtc":"Wed, 13 May 2026 10:02:11 GMT","severity":"Low","tactics":["Execution","SomeFutureTactic"],"status":"Escalated"}}`,
		// No kind at all.
		`{"name":"a2","properties":{"alertDisplayName":"No kind","severity":"High"}}`,
		`null`,
		// Another kind.
		`{"name":"a4","kind":"Ip","properties":{"address":"10.0.0.1"}}`,
		// A well-formed alert with members this SDK does not model.
		`{"name":"a5","kind":"SecurityAlert","properties":{"alertDisplayName":"Future","severity":"Medium","futureScore":{"value":7}},"futureTop":1}`,
	}
	require.True(t, env.srv.Data().SetIncidentAlerts(inc, []byte("["+strings.Join(items, ",")+"]")))
	assert.Equal(t, len(items), additionalCount(t, env, inc, "alertsCount"))

	alerts, err := env.client.ListAlerts(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, alerts, len(items), "nothing is dropped")
	for i, a := range alerts[:4] {
		require.Error(t, a.DecodeError(), "item %d", i)
		assert.Equal(t, items[i], string(marshal(t, a)), "item %d encodes to its JSON as received", i)
	}
	odd := alerts[0]
	assert.Equal(t, "Odd", odd.DisplayName)
	assert.Equal(t, sentinel.SeverityLow, odd.Severity)
	assert.Zero(t, odd.ConfidenceScore)
	assert.True(t, odd.StartTime.IsZero())
	assert.Equal(t, []sentinel.AttackTactic{"Execution", "SomeFutureTactic"}, odd.Tactics, "unknown enum values are kept")
	assert.Equal(t, sentinel.AlertStatus("Escalated"), odd.Status)
	assert.Contains(t, odd.DecodeError().Error(), "confidenceScore")
	assert.Contains(t, odd.DecodeError().Error(), "startTimeUtc")

	assert.Equal(t, "No kind", alerts[1].DisplayName, "the fields that fit are decoded")
	assert.ErrorContains(t, alerts[1].DecodeError(), `without a "kind"`)
	assert.ErrorContains(t, alerts[2].DecodeError(), "JSON null")
	assert.ErrorContains(t, alerts[3].DecodeError(), `"Ip" entity`)
	assert.Equal(t, "a4", alerts[3].Name)

	future := alerts[4]
	assert.NoError(t, future.DecodeError())
	assert.Equal(t, "Future", future.DisplayName)
	assert.JSONEq(t, `{"futureScore":{"value":7}}`, string(future.SecurityAlertProperties.Unknown))
	assert.JSONEq(t, items[4], string(marshal(t, future)), "unknown members are kept")

	// What the alerts encode to lists as the same alerts.
	require.True(t, env.srv.Data().SetIncidentAlerts(inc, marshal(t, alerts)))
	back, err := env.client.ListAlerts(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, back, len(items))
	for i := range back {
		assert.Equal(t, string(marshal(t, alerts[i])), string(marshal(t, back[i])), "item %d", i)
	}
	assert.Equal(t, future, back[4])
}

func TestListAlertsBrokenResponses(t *testing.T) {
	bodies := map[string]string{
		"no value":       `{"values":[]}`,
		"value not list": `{"value":{"a":1}}`,
		"truncated":      `{"value":[{"kind":"SecurityAlert"`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			c, _ := stubEnv(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(body))
			})
			_, err := c.ListAlerts("inc", nil).Collect(context.Background(), 0)
			var de *sentinel.DecodeError
			assert.ErrorAs(t, err, &de)
		})
	}
	t.Run("null value", func(t *testing.T) {
		c, _ := stubEnv(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"value":null}`))
		})
		alerts, err := c.ListAlerts("inc", nil).Collect(context.Background(), 0)
		require.NoError(t, err)
		assert.Empty(t, alerts)
	})
}

// BenchmarkDecodeAlerts decodes 100 alerts with the entity registry, as ListAlerts does
// for each item.
func BenchmarkDecodeAlerts(b *testing.B) {
	data, err := os.ReadFile("testdata/entities/list.json")
	require.NoError(b, err)
	var wire struct {
		Entities []json.RawMessage `json:"entities"`
	}
	require.NoError(b, json.Unmarshal(data, &wire))
	var alert []byte
	for _, e := range wire.Entities {
		if strings.Contains(string(e), `"kind": "SecurityAlert"`) {
			var c bytes.Buffer
			require.NoError(b, json.Compact(&c, e))
			alert = c.Bytes()
		}
	}
	require.NotNil(b, alert)
	items := make([]string, 100)
	for i := range items {
		items[i] = string(alert)
	}
	body := []byte("[" + strings.Join(items, ",") + "]")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		var alerts []sentinel.Entity
		if err := sentinel.UnmarshalJSON(body, &alerts); err != nil || len(alerts) != 100 || alerts[99].(*sentinel.SecurityAlert).DisplayName == "" {
			b.Fatal(err, len(alerts))
		}
	}
}
