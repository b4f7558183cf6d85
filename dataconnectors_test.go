package sentinel_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

const tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

var enabled = sentinel.DataType{State: sentinel.DataTypeEnabled}
var disabled = sentinel.DataType{State: sentinel.DataTypeDisabled}

func TestDataConnectorFixturesDecode(t *testing.T) {
	tests := []struct {
		file string
		want sentinel.DataConnector
	}{
		{"AzureActiveDirectory", &sentinel.AzureActiveDirectoryDataConnector{AzureActiveDirectoryDataConnectorProperties: sentinel.AzureActiveDirectoryDataConnectorProperties{TenantID: tenant, DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}},
		{"AzureAdvancedThreatProtection", &sentinel.AzureAdvancedThreatProtectionDataConnector{AzureAdvancedThreatProtectionDataConnectorProperties: sentinel.AzureAdvancedThreatProtectionDataConnectorProperties{TenantID: tenant, DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}},
		{"AzureSecurityCenter", &sentinel.AzureSecurityCenterDataConnector{AzureSecurityCenterDataConnectorProperties: sentinel.AzureSecurityCenterDataConnectorProperties{SubscriptionID: "c0688291-89d7-4bed-87a2-a7b1bff43f4c", DataTypes: sentinel.AlertsDataTypes{Alerts: disabled}}}},
		{"AmazonWebServicesCloudTrail", &sentinel.AmazonWebServicesCloudTrailDataConnector{AmazonWebServicesCloudTrailDataConnectorProperties: sentinel.AmazonWebServicesCloudTrailDataConnectorProperties{AWSRoleARN: "arn:aws:iam::072643944673:role/testrole", DataTypes: sentinel.AWSCloudTrailDataTypes{Logs: enabled}}}},
		{"MicrosoftCloudAppSecurity", &sentinel.MicrosoftCloudAppSecurityDataConnector{MicrosoftCloudAppSecurityDataConnectorProperties: sentinel.MicrosoftCloudAppSecurityDataConnectorProperties{TenantID: tenant, DataTypes: sentinel.MicrosoftCloudAppSecurityDataTypes{Alerts: enabled, DiscoveryLogs: disabled}}}},
		{"MicrosoftDefenderAdvancedThreatProtection", &sentinel.MicrosoftDefenderAdvancedThreatProtectionDataConnector{MicrosoftDefenderAdvancedThreatProtectionDataConnectorProperties: sentinel.MicrosoftDefenderAdvancedThreatProtectionDataConnectorProperties{TenantID: tenant, DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}},
		{"Office365", &sentinel.Office365DataConnector{Office365DataConnectorProperties: sentinel.Office365DataConnectorProperties{TenantID: tenant, DataTypes: sentinel.Office365DataTypes{Exchange: enabled, SharePoint: enabled, Teams: disabled}}}},
		{"ThreatIntelligence", &sentinel.ThreatIntelligenceDataConnector{ThreatIntelligenceDataConnectorProperties: sentinel.ThreatIntelligenceDataConnectorProperties{TenantID: tenant, TIPLookbackPeriod: time.Date(2026, 1, 1, 13, 0, 30, 123000000, time.UTC), DataTypes: sentinel.ThreatIntelligenceDataTypes{Indicators: enabled}}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw := fixture(t, "dataconnectors/get_"+tt.file+".json")
			got, err := sentinel.UnmarshalDataConnector(raw)
			require.NoError(t, err)
			require.IsType(t, tt.want, got)
			assert.Equal(t, sentinel.DataConnectorKind(tt.file), got.Kind())
			env := got.Envelope()
			assert.NotEmpty(t, env.Name)
			assert.Contains(t, env.ID, "/dataConnectors/"+env.Name)
			assert.NotEmpty(t, env.Etag)
			assert.Equal(t, "Microsoft.SecurityInsights/dataConnectors", env.Type)

			// The decoded connector encodes back to the fixture, and its typed fields are
			// the expected ones.
			b, err := sentinel.MarshalJSON(got)
			require.NoError(t, err)
			assert.JSONEq(t, string(raw), string(b))
			wantProps, err := sentinel.MarshalJSON(tt.want)
			require.NoError(t, err)
			assert.JSONEq(t, string(members(t, raw)["properties"]), string(members(t, wantProps)["properties"]))
		})
	}

	raw := bytes.TrimSpace(fixture(t, "dataconnectors/get_unknown.json"))
	got, err := sentinel.UnmarshalDataConnector(raw)
	require.NoError(t, err)
	u, ok := got.(*sentinel.UnknownDataConnector)
	require.True(t, ok, "got %T", got)
	assert.Equal(t, sentinel.DataConnectorKind("RestApiPoller"), u.Kind())
	assert.Equal(t, "RestApiPoller-Okta", u.Name)
	assert.Equal(t, string(raw), string(u.Raw))
}

func TestListDataConnectorsFixture(t *testing.T) {
	page := fixture(t, "dataconnectors/list.json")
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page)
	})
	all, err := c.ListDataConnectors(nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, all, 9)
	var kinds []sentinel.DataConnectorKind
	for _, d := range all {
		kinds = append(kinds, d.Kind())
	}
	assert.Equal(t, []sentinel.DataConnectorKind{"AzureActiveDirectory", "AzureAdvancedThreatProtection", "AzureSecurityCenter",
		"AmazonWebServicesCloudTrail", "MicrosoftCloudAppSecurity", "MicrosoftDefenderAdvancedThreatProtection", "Office365",
		"ThreatIntelligence", "RestApiPoller"}, kinds)
	assert.IsType(t, &sentinel.UnknownDataConnector{}, all[8])
	assert.Equal(t, sentinel.DataTypeDisabled, all[6].(*sentinel.Office365DataConnector).DataTypes.Teams.State)
}

func TestDataConnectorCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	const id = "f0cd27d2-5f03-4c06-ba31-d2dc82dcb51d"
	in := &sentinel.Office365DataConnector{Office365DataConnectorProperties: sentinel.Office365DataConnectorProperties{TenantID: tenant, DataTypes: sentinel.Office365DataTypes{Exchange: enabled, SharePoint: enabled, Teams: disabled}}}
	created, err := env.client.CreateOrUpdateDataConnector(ctx, id, in, nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/dataConnectors/"+id, req.Method+" "+req.Path)
	assert.JSONEq(t, `{"kind":"Office365","properties":{"tenantId":"`+tenant+`","dataTypes":{"exchange":{"state":"Enabled"},"sharePoint":{"state":"Enabled"},"teams":{"state":"Disabled"}}}}`, string(req.Body))
	o, ok := created.(*sentinel.Office365DataConnector)
	require.True(t, ok, "got %T", created)
	assert.Equal(t, id, o.Name)
	assert.NotEmpty(t, o.Etag)
	assert.Equal(t, in.DataTypes, o.DataTypes)

	got, err := env.client.GetDataConnector(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, created, got)

	o = got.(*sentinel.Office365DataConnector)
	o.DataTypes.Teams = enabled
	upd, err := env.client.CreateOrUpdateDataConnector(ctx, id, o, nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.DataTypeEnabled, upd.(*sentinel.Office365DataConnector).DataTypes.Teams.State)
	_, err = env.client.CreateOrUpdateDataConnector(ctx, id, o, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict, "the etag read before the update is stale")

	// The kind of a connector cannot change.
	aad := &sentinel.AzureActiveDirectoryDataConnector{Resource: sentinel.Resource{Etag: upd.Envelope().Etag}, AzureActiveDirectoryDataConnectorProperties: sentinel.AzureActiveDirectoryDataConnectorProperties{TenantID: tenant, DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}
	_, err = env.client.CreateOrUpdateDataConnector(ctx, id, aad, nil)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)

	aws := &sentinel.AmazonWebServicesCloudTrailDataConnector{AmazonWebServicesCloudTrailDataConnectorProperties: sentinel.AmazonWebServicesCloudTrailDataConnectorProperties{AWSRoleARN: "arn:aws:iam::072643944673:role/SentinelRole", DataTypes: sentinel.AWSCloudTrailDataTypes{Logs: enabled}}}
	_, err = env.client.CreateOrUpdateDataConnector(ctx, "aws", aws, nil)
	require.NoError(t, err)
	ti := &sentinel.ThreatIntelligenceDataConnector{ThreatIntelligenceDataConnectorProperties: sentinel.ThreatIntelligenceDataConnectorProperties{TenantID: tenant, TIPLookbackPeriod: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DataTypes: sentinel.ThreatIntelligenceDataTypes{Indicators: enabled}}}
	_, err = env.client.CreateOrUpdateDataConnector(ctx, "ti", ti, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"ThreatIntelligence","properties":{"tenantId":"`+tenant+`","tipLookbackPeriod":"2026-01-01T00:00:00Z","dataTypes":{"indicators":{"state":"Enabled"}}}}`, string(lastRequest(t, env).Body))

	all, err := env.client.ListDataConnectors(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, all, 3)
	assert.Equal(t, upd, all[0])
	assert.Equal(t, sentinel.DataConnectorKindAmazonWebServicesCloudTrail, all[1].Kind())
	assert.Equal(t, ti.TIPLookbackPeriod, all[2].(*sentinel.ThreatIntelligenceDataConnector).TIPLookbackPeriod)

	require.NoError(t, env.client.DeleteDataConnector(ctx, id, nil))
	assert.Equal(t, "DELETE /arm"+wsPath+"/dataConnectors/"+id, lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	_, err = env.client.GetDataConnector(ctx, id, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

// An unknown kind survives get-then-update byte for byte, through the emulator and against
// the exact fixture bytes.
func TestUnknownDataConnectorRoundTrip(t *testing.T) {
	raw := bytes.TrimSpace(fixture(t, "dataconnectors/get_unknown.json"))
	var put []byte
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			put = readAll(r)
		}
		_, _ = w.Write(raw)
	})
	ctx := context.Background()
	d, err := c.GetDataConnector(ctx, "RestApiPoller-Okta", nil)
	require.NoError(t, err)
	_, err = c.CreateOrUpdateDataConnector(ctx, d.Envelope().Name, d, nil)
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(put))

	env := newEnv(t)
	obj := fixtureObject(t, "dataconnectors/get_unknown.json")
	env.srv.Data().AddDataConnector("okta", obj)
	d, err = env.client.GetDataConnector(ctx, "okta", nil)
	require.NoError(t, err)
	require.IsType(t, &sentinel.UnknownDataConnector{}, d)
	getBody := mustMarshal(t, env.srv.Data().DataConnector("okta"))
	_, err = env.client.CreateOrUpdateDataConnector(ctx, "okta", d, nil)
	require.NoError(t, err)
	sent := members(t, lastRequest(t, env).Body)
	want := members(t, getBody)
	assert.Equal(t, string(want["properties"]), string(sent["properties"]))
	assert.Equal(t, string(want["etag"]), string(sent["etag"]))
	// And the stored connector is unchanged but for its etag.
	after := env.srv.Data().DataConnector("okta")
	assert.JSONEq(t, string(mustMarshal(t, obj["properties"])), string(mustMarshal(t, after["properties"])))
}

// Unknown properties of a typed kind are kept too.
func TestDataConnectorUnknownPropertiesRoundTrip(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	obj := fixtureObject(t, "dataconnectors/get_AzureActiveDirectory.json")
	obj["properties"].(map[string]any)["dataTypes"].(map[string]any)["alerts"].(map[string]any)["state"] = "Enabled"
	obj["properties"].(map[string]any)["previewFeature"] = map[string]any{"on": true, "ratio": 0.5}
	obj["systemData"] = map[string]any{"createdBy": "x"}
	env.srv.Data().AddDataConnector("aad", obj)
	d, err := env.client.GetDataConnector(ctx, "aad", nil)
	require.NoError(t, err)
	_, err = env.client.CreateOrUpdateDataConnector(ctx, "aad", d, nil)
	require.NoError(t, err)
	sent := members(t, lastRequest(t, env).Body)
	assert.JSONEq(t, `{"on":true,"ratio":0.5}`, string(members(t, sent["properties"])["previewFeature"]))
	assert.JSONEq(t, `{"createdBy":"x"}`, string(sent["systemData"]))
}

func TestDataConnectorValidation(t *testing.T) {
	tests := []struct {
		name  string
		id    string
		conn  sentinel.DataConnector
		field string
	}{
		{"id", "a/b", &sentinel.Office365DataConnector{}, "connectorID"},
		{"nil", "x", nil, "connector"},
		{"typed nil", "x", (*sentinel.Office365DataConnector)(nil), "connector"},
		{"tenant", "x", &sentinel.AzureActiveDirectoryDataConnector{AzureActiveDirectoryDataConnectorProperties: sentinel.AzureActiveDirectoryDataConnectorProperties{TenantID: "contoso", DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}, "AzureActiveDirectoryDataConnector.TenantID"},
		{"state missing", "x", &sentinel.AzureAdvancedThreatProtectionDataConnector{AzureAdvancedThreatProtectionDataConnectorProperties: sentinel.AzureAdvancedThreatProtectionDataConnectorProperties{TenantID: tenant}}, "AzureAdvancedThreatProtectionDataConnector.DataTypes.Alerts.State"},
		{"subscription", "x", &sentinel.AzureSecurityCenterDataConnector{AzureSecurityCenterDataConnectorProperties: sentinel.AzureSecurityCenterDataConnectorProperties{SubscriptionID: "sub", DataTypes: sentinel.AlertsDataTypes{Alerts: enabled}}}, "AzureSecurityCenterDataConnector.SubscriptionID"},
		{"aws role", "x", &sentinel.AmazonWebServicesCloudTrailDataConnector{AmazonWebServicesCloudTrailDataConnectorProperties: sentinel.AmazonWebServicesCloudTrailDataConnectorProperties{AWSRoleARN: "arn:aws:iam::12:user/x", DataTypes: sentinel.AWSCloudTrailDataTypes{Logs: enabled}}}, "AmazonWebServicesCloudTrailDataConnector.AWSRoleARN"},
		{"mcas discovery", "x", &sentinel.MicrosoftCloudAppSecurityDataConnector{MicrosoftCloudAppSecurityDataConnectorProperties: sentinel.MicrosoftCloudAppSecurityDataConnectorProperties{TenantID: tenant, DataTypes: sentinel.MicrosoftCloudAppSecurityDataTypes{Alerts: enabled}}}, "MicrosoftCloudAppSecurityDataConnector.DataTypes.DiscoveryLogs.State"},
		{"o365 teams", "x", &sentinel.Office365DataConnector{Office365DataConnectorProperties: sentinel.Office365DataConnectorProperties{TenantID: tenant, DataTypes: sentinel.Office365DataTypes{Exchange: enabled, SharePoint: enabled}}}, "Office365DataConnector.DataTypes.Teams.State"},
		{"ti", "x", &sentinel.ThreatIntelligenceDataConnector{ThreatIntelligenceDataConnectorProperties: sentinel.ThreatIntelligenceDataConnectorProperties{TenantID: tenant}}, "ThreatIntelligenceDataConnector.DataTypes.Indicators.State"},
		{"unknown not json", "x", &sentinel.UnknownDataConnector{Raw: []byte("[1]")}, "Unknown.Raw"},
		{"unknown no kind", "x", &sentinel.UnknownDataConnector{Raw: []byte(`{}`)}, "Unknown.Raw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			_, err := env.client.CreateOrUpdateDataConnector(context.Background(), tt.id, tt.conn, nil)
			requireArgError(t, env, err, tt.field)
		})
	}
	env := newEnv(t)
	_, err := env.client.GetDataConnector(context.Background(), "..", nil)
	requireArgError(t, env, err, "connectorID")
	requireArgError(t, env, env.client.DeleteDataConnector(context.Background(), "", nil), "connectorID")
}

func FuzzUnmarshalDataConnector(f *testing.F) {
	for _, k := range []string{"AzureActiveDirectory", "AmazonWebServicesCloudTrail", "Office365", "ThreatIntelligence", "unknown"} {
		f.Add(fixture(f, "dataconnectors/get_"+k+".json"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := sentinel.UnmarshalDataConnector(data)
		if err != nil {
			return
		}
		b, err := sentinel.MarshalJSON(d)
		if err != nil {
			return
		}
		back, err := sentinel.UnmarshalDataConnector(b)
		require.NoError(t, err, "re-decoding %s", b)
		assert.Equal(t, d.Kind(), back.Kind())
	})
}

func BenchmarkUnmarshalDataConnector(b *testing.B) {
	for _, k := range []string{"Office365", "unknown"} {
		data := fixture(b, "dataconnectors/get_"+k+".json")
		b.Run(k, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := sentinel.UnmarshalDataConnector(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A connector read from the service is sent back by CreateOrUpdateDataConnector with
// everything it had: members this SDK does not model inside "dataTypes" and each data type,
// and states this SDK does not know.
func TestDataConnectorUpdateSendsBackWhatItRead(t *testing.T) {
	future := map[string]any{"nested": []any{1.5, "x", map[string]any{"deep": true}}}
	kinds := map[string][]string{
		"AzureActiveDirectory":                      {"alerts"},
		"AzureAdvancedThreatProtection":             {"alerts"},
		"AzureSecurityCenter":                       {"alerts"},
		"AmazonWebServicesCloudTrail":               {"logs"},
		"MicrosoftCloudAppSecurity":                 {"alerts", "discoveryLogs"},
		"MicrosoftDefenderAdvancedThreatProtection": {"alerts"},
		"Office365":          {"exchange", "sharePoint", "teams"},
		"ThreatIntelligence": {"indicators"},
	}
	for kind, types := range kinds {
		t.Run(kind, func(t *testing.T) {
			doc := fixtureObject(t, "dataconnectors/get_"+kind+".json")
			dt := objAt(t, doc, "properties", "dataTypes")
			dt["zzFutureType"] = map[string]any{"state": "Enabled"}
			keep := []string{"/properties/dataTypes/zzFutureType"}
			for _, name := range types {
				d := objAt(t, dt, name)
				d["state"] = "PendingApproval"
				d["zzFuture"] = future
				keep = append(keep, "/properties/dataTypes/"+name+"/state", "/properties/dataTypes/"+name+"/zzFuture")
			}
			c, sent := serveForUpdate(t, doc)
			ctx := context.Background()
			d, err := c.GetDataConnector(ctx, "d", nil)
			require.NoError(t, err)
			_, err = c.CreateOrUpdateDataConnector(ctx, "d", d, nil)
			require.NoError(t, err)
			body := sent()
			for _, p := range keep {
				want, _ := pointer(doc, p)
				got, ok := pointer(body, p)
				if assert.True(t, ok, "%s was not sent", p) {
					assert.Equal(t, want, got, p)
				}
			}
		})
	}
}
