package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// fixture reads testdata/<path>.
func fixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", path))
	require.NoError(t, err)
	return b
}

// fixtureObject reads a fixture as a JSON object for seeding the emulator.
func fixtureObject(t testing.TB, path string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(fixture(t, path), &m))
	return m
}

// lastRequest returns the last request the emulator received.
func lastRequest(t *testing.T, env *testEnv) sentineltest.Request {
	t.Helper()
	reqs := env.srv.Requests()
	require.NotEmpty(t, reqs)
	return reqs[len(reqs)-1]
}

// requireArgError asserts that err is an *ArgumentError for name and that nothing was sent.
func requireArgError(t *testing.T, env *testEnv, err error, name string) {
	t.Helper()
	var ae *sentinel.ArgumentError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, name, ae.Name)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	if env != nil {
		assert.Zero(t, env.srv.RequestCount(), "an invalid argument must not send a request")
	}
}

// members splits a JSON object into its members' raw bytes.
func members(t *testing.T, b []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	return m
}

func validScheduledRule() *sentinel.ScheduledAlertRule {
	return &sentinel.ScheduledAlertRule{ScheduledAlertRuleProperties: sentinel.ScheduledAlertRuleProperties{
		DisplayName:         "Brute force against Entra ID",
		Enabled:             true,
		Severity:            sentinel.SeverityMedium,
		Query:               "SigninLogs | where ResultType == 50126 | summarize count() by UserPrincipalName",
		QueryFrequency:      5 * time.Hour,
		QueryPeriod:         36 * time.Hour,
		TriggerOperator:     sentinel.TriggerOperatorGreaterThan,
		TriggerThreshold:    10,
		SuppressionDuration: 5 * time.Hour,
		Tactics:             []sentinel.AttackTactic{sentinel.TacticCredentialAccess},
		Techniques:          []string{"T1110"},
		EntityMappings: []sentinel.EntityMapping{{
			EntityType:    sentinel.EntityMappingAccount,
			FieldMappings: []sentinel.FieldMapping{{Identifier: "FullName", ColumnName: "UserPrincipalName"}},
		}},
		CustomDetails: map[string]any{"Attempts": "count_"},
		IncidentConfiguration: &sentinel.IncidentConfiguration{
			CreateIncident: true,
			GroupingConfiguration: &sentinel.GroupingConfiguration{
				Enabled: true, LookbackDuration: 30 * time.Minute, MatchingMethod: sentinel.MatchingSelected,
				GroupByEntities: []sentinel.EntityMappingType{sentinel.EntityMappingAccount},
			},
		},
	}}
}

func TestAlertRuleFixturesDecode(t *testing.T) {
	r, err := sentinel.UnmarshalAlertRule(fixture(t, "alertrules/get_scheduled.json"))
	require.NoError(t, err)
	s, ok := r.(*sentinel.ScheduledAlertRule)
	require.True(t, ok, "got %T", r)
	assert.Equal(t, sentinel.AlertRuleKindScheduled, s.Kind())
	assert.Equal(t, "73e01a99-5cd7-4139-a149-9f2736ff2ab5", s.Name)
	assert.Equal(t, `"0300bf09-0000-0000-0000-5c37296e0000"`, s.Etag)
	assert.Same(t, &s.Resource, s.Envelope())
	assert.Equal(t, "alice.jones@contoso.com", s.SystemData.CreatedBy)
	assert.Equal(t, "Changes to Amazon VPC settings", s.DisplayName)
	assert.True(t, s.Enabled)
	assert.Equal(t, sentinel.SeverityHigh, s.Severity)
	assert.Equal(t, time.Hour, s.QueryFrequency)
	assert.Equal(t, 60*time.Hour, s.QueryPeriod)
	assert.Equal(t, 5*time.Hour, s.SuppressionDuration)
	assert.False(t, s.SuppressionEnabled)
	assert.Equal(t, sentinel.TriggerOperatorGreaterThan, s.TriggerOperator)
	assert.Equal(t, 0, s.TriggerThreshold)
	assert.Equal(t, []sentinel.AttackTactic{sentinel.TacticPersistence, sentinel.TacticLateralMovement}, s.Tactics)
	assert.Equal(t, []string{"T1098", "T1563"}, s.Techniques)
	assert.Equal(t, "1.0.2", s.TemplateVersion)
	assert.Equal(t, time.Date(2026, 10, 30, 14, 1, 2, 123456700, time.UTC), s.LastModified)
	assert.Equal(t, sentinel.EventGroupingAlertPerResult, s.EventGroupingSettings.AggregationKind)
	assert.Equal(t, map[string]any{"EventName": "EventName", "Region": "AWSRegion"}, s.CustomDetails)
	assert.Equal(t, []sentinel.EntityMapping{
		{EntityType: sentinel.EntityMappingAccount, FieldMappings: []sentinel.FieldMapping{{Identifier: "FullName", ColumnName: "AccountCustomEntity"}}},
		{EntityType: sentinel.EntityMappingIP, FieldMappings: []sentinel.FieldMapping{{Identifier: "Address", ColumnName: "IPCustomEntity"}}},
	}, s.EntityMappings)
	assert.Equal(t, sentinel.AlertDetailsOverride{
		AlertDisplayNameFormat: "VPC change by {{AccountCustomEntity}}", AlertDescriptionFormat: "{{EventName}} from {{IPCustomEntity}}",
		AlertTacticsColumnName: "Tactics", AlertSeverityColumnName: "Severity",
		AlertDynamicProperties: []sentinel.AlertPropertyMapping{
			{AlertProperty: sentinel.AlertPropertyProductComponentName, Value: "ProductComponentNameCustomColumn"},
			{AlertProperty: sentinel.AlertPropertyProductName, Value: "ProductNameCustomColumn"},
			{AlertProperty: sentinel.AlertPropertyAlertLink, Value: "Link"},
		},
	}, s.AlertDetailsOverride)
	require.NotNil(t, s.IncidentConfiguration)
	assert.True(t, s.IncidentConfiguration.CreateIncident)
	assert.Equal(t, &sentinel.GroupingConfiguration{
		Enabled: true, LookbackDuration: 5 * time.Hour, MatchingMethod: sentinel.MatchingSelected,
		GroupByEntities:      []sentinel.EntityMappingType{sentinel.EntityMappingAccount, sentinel.EntityMappingIP},
		GroupByAlertDetails:  []sentinel.AlertDetail{sentinel.AlertDetailDisplayName},
		GroupByCustomDetails: []string{"EventName"},
	}, s.IncidentConfiguration.GroupingConfiguration)
	assert.Equal(t, map[string]jsontext.Value{
		"sentinelEntitiesMappings": jsontext.Value(`[{"columnName": "Entities"}]`),
		"subTechniques":            jsontext.Value(`["T1098.001"]`),
	}, sentinel.UnknownMembers(s.ScheduledAlertRuleProperties.Unknown))

	r, err = sentinel.UnmarshalAlertRule(fixture(t, "alertrules/get_msic.json"))
	require.NoError(t, err)
	m, ok := r.(*sentinel.MicrosoftSecurityIncidentCreationAlertRule)
	require.True(t, ok, "got %T", r)
	assert.Equal(t, sentinel.ProductMicrosoftCloudAppSecurity, m.ProductFilter)
	assert.Equal(t, []sentinel.Severity{sentinel.SeverityHigh, sentinel.SeverityMedium}, m.SeveritiesFilter)
	assert.Equal(t, []string{"Impossible travel"}, m.DisplayNamesFilter)
	assert.Equal(t, []string{"Activity from infrequent country"}, m.DisplayNamesExcludeFilter)
	assert.Equal(t, "Creates an incident for each high or medium Defender for Cloud Apps alert", m.Description)
	assert.Equal(t, "b3cfc7c0-092c-481c-a55b-34a3979758cb", m.AlertRuleTemplateName)
	assert.Equal(t, time.Date(2026, 9, 4, 12, 5, 3, 456700000, time.UTC), m.LastModified)
	assert.Equal(t, "Create incidents based on Microsoft Cloud App Security alerts", m.DisplayName)

	r, err = sentinel.UnmarshalAlertRule(fixture(t, "alertrules/get_fusion.json"))
	require.NoError(t, err)
	f, ok := r.(*sentinel.FusionAlertRule)
	require.True(t, ok, "got %T", r)
	assert.Equal(t, "f71aba3d-28fb-450b-b192-4e76a83015c8", f.AlertRuleTemplateName)
	assert.Equal(t, sentinel.SeverityHigh, f.Severity)
	assert.Equal(t, "BuiltInFusion", f.Name)
	assert.Contains(t, sentinel.UnknownMembers(f.FusionAlertRuleProperties.Unknown), "sourceSettings")

	raw := fixture(t, "alertrules/get_nrt.json")
	r, err = sentinel.UnmarshalAlertRule(raw)
	require.NoError(t, err)
	u, ok := r.(*sentinel.UnknownAlertRule)
	require.True(t, ok, "got %T", r)
	assert.Equal(t, sentinel.AlertRuleKindNRT, u.Kind())
	assert.Equal(t, "9d1a6f38-0e6c-4a4f-a8a2-4c6c1e3f0a77", u.Name)
	assert.Equal(t, `"0b00e3a4-0000-0d00-0000-64a1b2c30000"`, u.Etag)
	assert.Equal(t, string(bytes.TrimSpace(raw)), string(u.Raw))
}

func TestAlertRuleTemplateAndActionFixturesDecode(t *testing.T) {
	var tmpl sentinel.AlertRuleTemplate
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "alertrules/get_template_scheduled.json"), &tmpl))
	st, ok := tmpl.(*sentinel.ScheduledAlertRuleTemplate)
	require.True(t, ok, "got %T", tmpl)
	assert.Equal(t, "0d2e1a32-7a6d-4c2b-9a4f-1b8f5d1f3e21", st.Envelope().Name)
	assert.Equal(t, sentinel.IdentityApplication, st.SystemData.CreatedByType)
	assert.Equal(t, 24*time.Hour, st.QueryFrequency)
	assert.Equal(t, 2, st.TriggerThreshold)
	assert.Equal(t, 3, st.RulesCreatedCount)
	assert.Equal(t, "1.0.2", st.Version)
	assert.Equal(t, sentinel.TemplateAvailable, st.Status)
	assert.Equal(t, time.Date(2021, 2, 27, 10, 0, 0, 0, time.UTC), st.LastUpdated)
	assert.Equal(t, []sentinel.AlertPropertyMapping{
		{AlertProperty: sentinel.AlertPropertyProductName, Value: "ProductNameColumn"},
		{AlertProperty: sentinel.AlertPropertyRemediationSteps, Value: "Steps"},
	}, st.AlertDetailsOverride.AlertDynamicProperties)
	assert.Equal(t, sentinel.EventGroupingAlertPerResult, st.EventGroupingSettings.AggregationKind)

	// A rule made from the template copies the override and shares no memory with it.
	r := sentinel.NewRuleFromTemplate(st)
	assert.Equal(t, st.AlertDetailsOverride, r.AlertDetailsOverride)
	assert.Equal(t, st.CustomDetails, r.CustomDetails)
	r.AlertDetailsOverride.AlertDynamicProperties[0].Value = "changed"
	r.CustomDetails["EventName"] = "changed"
	assert.Equal(t, "ProductNameColumn", st.AlertDetailsOverride.AlertDynamicProperties[0].Value)
	assert.Equal(t, "EventName", st.CustomDetails["EventName"])

	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "alertrules/get_template_msic.json"), &tmpl))
	mt, ok := tmpl.(*sentinel.MicrosoftSecurityIncidentCreationAlertRuleTemplate)
	require.True(t, ok, "got %T", tmpl)
	assert.Equal(t, sentinel.ProductAzureSecurityCenterForIoT, mt.ProductFilter)
	assert.Equal(t, []string{"Test alert"}, mt.DisplayNamesExcludeFilter)
	assert.Equal(t, []sentinel.AlertRuleTemplateDataSource{{ConnectorID: "IoT", DataTypes: []string{"SecurityAlert (ASC for IoT)"}}}, mt.RequiredDataConnectors)

	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "alertrules/get_template_fusion.json"), &tmpl))
	ft, ok := tmpl.(*sentinel.FusionAlertRuleTemplate)
	require.True(t, ok, "got %T", tmpl)
	assert.Equal(t, sentinel.TemplateInstalled, ft.Status)
	assert.Equal(t, []string{"T1048", "T1078"}, ft.Techniques)

	raw := bytes.TrimSpace(fixture(t, "alertrules/get_template_nrt.json"))
	require.NoError(t, sentinel.UnmarshalJSON(raw, &tmpl))
	ut, ok := tmpl.(*sentinel.UnknownAlertRuleTemplate)
	require.True(t, ok, "got %T", tmpl)
	assert.Equal(t, sentinel.AlertRuleKindNRT, ut.Kind())
	assert.Equal(t, "dd03057e-4347-4853-bf1e-2b2d21eb4e59", ut.Name)
	assert.Equal(t, string(raw), string(ut.Raw))

	var a sentinel.AlertRuleAction
	require.NoError(t, sentinel.UnmarshalJSON(fixture(t, "alertrules/get_action.json"), &a))
	assert.Equal(t, "912bec42-cb66-4c03-ac63-1761b6898c3e", a.Name)
	assert.Equal(t, `"0300bf09-0000-0000-0000-5c37296e0000"`, a.Etag)
	assert.Equal(t, "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Block-AADUser", a.LogicAppResourceID)
	assert.Equal(t, "cd3765391efd48549fd7681ded1d48d7", a.WorkflowID)
	assert.Empty(t, a.TriggerURI)
}

func TestListAlertRulesFixture(t *testing.T) {
	page := fixture(t, "alertrules/list.json")
	var seen []string
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(page)
	})
	rules, err := c.ListAlertRules(nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"GET " + wsPath + "/alertRules?api-version=" + sentinel.DefaultAPIVersion}, seen)
	require.Len(t, rules, 4)
	var kinds []sentinel.AlertRuleKind
	for _, r := range rules {
		kinds = append(kinds, r.Kind())
	}
	assert.Equal(t, []sentinel.AlertRuleKind{"Scheduled", "MicrosoftSecurityIncidentCreation", "Fusion", "NRT"}, kinds)
	assert.IsType(t, &sentinel.ScheduledAlertRule{}, rules[0])
	assert.IsType(t, &sentinel.MicrosoftSecurityIncidentCreationAlertRule{}, rules[1])
	assert.IsType(t, &sentinel.FusionAlertRule{}, rules[2])
	assert.IsType(t, &sentinel.UnknownAlertRule{}, rules[3])
	assert.Equal(t, "9d1a6f38-0e6c-4a4f-a8a2-4c6c1e3f0a77", rules[3].Envelope().Name)
}

func TestAlertRuleCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	const id = "4f1c2a77-0e2b-4c9f-9f3e-8d2a1b0c9e11"

	created, err := env.client.CreateOrUpdateAlertRule(ctx, id, validScheduledRule(), nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT", req.Method)
	assert.Equal(t, "/arm"+wsPath+"/alertRules/"+id, req.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, req.RawQuery)
	assert.JSONEq(t, `{"kind":"Scheduled","properties":{
		"displayName":"Brute force against Entra ID","enabled":true,"severity":"Medium",
		"query":"SigninLogs | where ResultType == 50126 | summarize count() by UserPrincipalName",
		"queryFrequency":"PT5H","queryPeriod":"P1DT12H","triggerOperator":"GreaterThan","triggerThreshold":10,
		"suppressionEnabled":false,"suppressionDuration":"PT5H",
		"tactics":["CredentialAccess"],"techniques":["T1110"],
		"entityMappings":[{"entityType":"Account","fieldMappings":[{"identifier":"FullName","columnName":"UserPrincipalName"}]}],
		"customDetails":{"Attempts":"count_"},
		"incidentConfiguration":{"createIncident":true,"groupingConfiguration":{"enabled":true,"reopenClosedIncident":false,"lookbackDuration":"PT30M","matchingMethod":"Selected","groupByEntities":["Account"]}}}}`, string(req.Body))

	s, ok := created.(*sentinel.ScheduledAlertRule)
	require.True(t, ok, "got %T", created)
	assert.Equal(t, id, s.Name)
	assert.Equal(t, "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc-workspace/providers/Microsoft.SecurityInsights/alertRules/"+id, s.ID)
	assert.NotEmpty(t, s.Etag)
	assert.Equal(t, 36*time.Hour, s.QueryPeriod)
	assert.False(t, s.LastModified.IsZero())
	stored := env.srv.Data().AlertRule(id)
	assert.Equal(t, "PT5H", stored["properties"].(map[string]any)["queryFrequency"])

	got, err := env.client.GetAlertRule(ctx, id, nil)
	require.NoError(t, err)
	assert.Equal(t, created, got)

	// Update with the etag read.
	s = got.(*sentinel.ScheduledAlertRule)
	s.Enabled = false
	s.Severity = sentinel.SeverityHigh
	updated, err := env.client.CreateOrUpdateAlertRule(ctx, id, s, nil)
	require.NoError(t, err)
	assert.False(t, updated.(*sentinel.ScheduledAlertRule).Enabled)
	assert.Equal(t, sentinel.SeverityHigh, updated.(*sentinel.ScheduledAlertRule).Severity)
	assert.NotEqual(t, s.Etag, updated.Envelope().Etag)

	// The etag read before the update is stale now.
	_, err = env.client.CreateOrUpdateAlertRule(ctx, id, s, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	rules, err := env.client.ListAlertRules(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, rules, 1)
	assert.Equal(t, updated, rules[0])

	require.NoError(t, env.client.DeleteAlertRule(ctx, id, nil))
	req = lastRequest(t, env)
	assert.Equal(t, "DELETE /arm"+wsPath+"/alertRules/"+id, req.Method+" "+req.Path)
	_, err = env.client.GetAlertRule(ctx, id, nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	require.NoError(t, env.client.DeleteAlertRule(ctx, id, nil), "deleting a missing rule succeeds")
}

func TestAlertRuleEtagOnWire(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	created, err := env.client.CreateOrUpdateAlertRule(ctx, "r1", validScheduledRule(), nil)
	require.NoError(t, err)
	_, err = env.client.CreateOrUpdateAlertRule(ctx, "r1", created, nil)
	require.NoError(t, err)
	var body struct {
		Etag string `json:"etag"`
		Name string `json:"name"`
	}
	require.NoError(t, json.Unmarshal(lastRequest(t, env).Body, &body))
	assert.Equal(t, created.Envelope().Etag, body.Etag, "the update must carry the etag read")
}

func TestAlertRuleOtherKindsCRUD(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	msic := &sentinel.MicrosoftSecurityIncidentCreationAlertRule{MicrosoftSecurityIncidentCreationAlertRuleProperties: sentinel.MicrosoftSecurityIncidentCreationAlertRuleProperties{
		DisplayName: "Incidents from Defender for Cloud Apps", Enabled: true,
		ProductFilter:      sentinel.ProductMicrosoftCloudAppSecurity,
		SeveritiesFilter:   []sentinel.Severity{sentinel.SeverityHigh},
		DisplayNamesFilter: []string{"Impossible travel"},
	}}
	got, err := env.client.CreateOrUpdateAlertRule(ctx, "msic", msic, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"MicrosoftSecurityIncidentCreation","properties":{"displayName":"Incidents from Defender for Cloud Apps","enabled":true,"productFilter":"Microsoft Cloud App Security","severitiesFilter":["High"],"displayNamesFilter":["Impossible travel"]}}`, string(lastRequest(t, env).Body))
	m := got.(*sentinel.MicrosoftSecurityIncidentCreationAlertRule)
	assert.Equal(t, msic.SeveritiesFilter, m.SeveritiesFilter)

	fusion := &sentinel.FusionAlertRule{FusionAlertRuleProperties: sentinel.FusionAlertRuleProperties{AlertRuleTemplateName: "f71aba3d-28fb-450b-b192-4e76a83015c8", Enabled: true}}
	got, err = env.client.CreateOrUpdateAlertRule(ctx, "BuiltInFusion", fusion, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"Fusion","properties":{"alertRuleTemplateName":"f71aba3d-28fb-450b-b192-4e76a83015c8","enabled":true}}`, string(lastRequest(t, env).Body))
	assert.Equal(t, sentinel.AlertRuleKindFusion, got.Kind())

	all, err := env.client.ListAlertRules(nil).Collect(ctx, 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "msic", all[0].Envelope().Name)
	assert.Equal(t, "BuiltInFusion", all[1].Envelope().Name)

	// A product the service accepts although the stable API version does not list it.
	o365 := &sentinel.MicrosoftSecurityIncidentCreationAlertRule{MicrosoftSecurityIncidentCreationAlertRuleProperties: sentinel.MicrosoftSecurityIncidentCreationAlertRuleProperties{
		DisplayName: "Incidents from Defender for Office 365", Enabled: true, ProductFilter: sentinel.ProductOffice365AdvancedThreatProtection,
	}}
	got, err = env.client.CreateOrUpdateAlertRule(ctx, "o365", o365, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"MicrosoftSecurityIncidentCreation","properties":{"displayName":"Incidents from Defender for Office 365","enabled":true,"productFilter":"Office 365 Advanced Threat Protection"}}`, string(lastRequest(t, env).Body))
	assert.Equal(t, sentinel.ProductOffice365AdvancedThreatProtection, got.(*sentinel.MicrosoftSecurityIncidentCreationAlertRule).ProductFilter)
}

// An unknown kind survives get-then-update byte for byte: the client sends exactly the JSON
// the service returned.
func TestUnknownAlertRuleRoundTripExact(t *testing.T) {
	raw := bytes.TrimSpace(fixture(t, "alertrules/get_nrt.json"))
	var put []byte
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			put = readAll(r)
		}
		_, _ = w.Write(raw)
	})
	ctx := context.Background()
	rule, err := c.GetAlertRule(ctx, "9d1a6f38-0e6c-4a4f-a8a2-4c6c1e3f0a77", nil)
	require.NoError(t, err)
	require.IsType(t, &sentinel.UnknownAlertRule{}, rule)
	_, err = c.CreateOrUpdateAlertRule(ctx, rule.Envelope().Name, rule, nil)
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(put))

	// Changing the etag replaces only the etag.
	u := rule.(*sentinel.UnknownAlertRule)
	u.Etag = `"new"`
	_, err = c.CreateOrUpdateAlertRule(ctx, u.Name, u, nil)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(string(raw), `"etag":"\"0b00e3a4-0000-0d00-0000-64a1b2c30000\""`, `"etag":"\"new\""`, 1), string(put))
}

// Unknown kinds and unknown properties of known kinds round-trip through the emulator.
func TestAlertRuleRoundTripThroughEmulator(t *testing.T) {
	for _, name := range []string{"get_nrt.json", "get_scheduled.json", "get_fusion.json", "get_msic.json"} {
		t.Run(name, func(t *testing.T) {
			env := newEnv(t)
			ctx := context.Background()
			obj := fixtureObject(t, "alertrules/"+name)
			id := obj["name"].(string)
			env.srv.Data().AddAlertRule(id, obj)

			rule, err := env.client.GetAlertRule(ctx, id, nil)
			require.NoError(t, err)
			getBody := env.srv.Data().AlertRule(id)
			getJSON, _ := json.Marshal(getBody)

			_, err = env.client.CreateOrUpdateAlertRule(ctx, id, rule, nil)
			require.NoError(t, err)
			sent := members(t, lastRequest(t, env).Body)
			want := members(t, getJSON)
			sentProps := members(t, sent["properties"])
			wantProps := members(t, want["properties"])
			if rule.Kind() == sentinel.AlertRuleKindNRT {
				for k, v := range wantProps {
					assert.Equal(t, string(v), string(sentProps[k]), "property %s", k)
				}
				assert.Equal(t, len(wantProps), len(sentProps))
			}
			for _, k := range []string{"sentinelEntitiesMappings", "subTechniques", "sourceSettings", "scenarioExclusionPatterns", "weird"} {
				if v, ok := wantProps[k]; ok {
					assert.Equal(t, string(v), string(sentProps[k]), "unknown property %s must be sent back unchanged", k)
				}
			}
			if v, ok := want["systemData"]; ok {
				assert.JSONEq(t, string(v), string(sent["systemData"]))
			}
			assert.Equal(t, string(want["etag"]), string(sent["etag"]))
		})
	}
}

func TestAlertRuleValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(r *sentinel.ScheduledAlertRule)
		field string
	}{
		{"no display name", func(r *sentinel.ScheduledAlertRule) { r.DisplayName = " " }, "ScheduledAlertRule.DisplayName"},
		{"no query", func(r *sentinel.ScheduledAlertRule) { r.Query = "" }, "ScheduledAlertRule.Query"},
		{"query too long", func(r *sentinel.ScheduledAlertRule) { r.Query = strings.Repeat("x", 10001) }, "ScheduledAlertRule.Query"},
		{"no severity", func(r *sentinel.ScheduledAlertRule) { r.Severity = "" }, "ScheduledAlertRule.Severity"},
		{"no operator", func(r *sentinel.ScheduledAlertRule) { r.TriggerOperator = "" }, "ScheduledAlertRule.TriggerOperator"},
		{"negative threshold", func(r *sentinel.ScheduledAlertRule) { r.TriggerThreshold = -1 }, "ScheduledAlertRule.TriggerThreshold"},
		{"threshold too high", func(r *sentinel.ScheduledAlertRule) { r.TriggerThreshold = 10001 }, "ScheduledAlertRule.TriggerThreshold"},
		{"frequency too short", func(r *sentinel.ScheduledAlertRule) { r.QueryFrequency = time.Minute }, "ScheduledAlertRule.QueryFrequency"},
		{"frequency zero", func(r *sentinel.ScheduledAlertRule) { r.QueryFrequency = 0 }, "ScheduledAlertRule.QueryFrequency"},
		{"period too long", func(r *sentinel.ScheduledAlertRule) { r.QueryPeriod = 15 * 24 * time.Hour }, "ScheduledAlertRule.QueryPeriod"},
		{"fractional period", func(r *sentinel.ScheduledAlertRule) { r.QueryPeriod = time.Hour + time.Millisecond }, "ScheduledAlertRule.QueryPeriod"},
		{"no suppression duration", func(r *sentinel.ScheduledAlertRule) { r.SuppressionDuration = 0 }, "ScheduledAlertRule.SuppressionDuration"},
		{"suppression too long", func(r *sentinel.ScheduledAlertRule) { r.SuppressionDuration = 25 * time.Hour }, "ScheduledAlertRule.SuppressionDuration"},
		{"no entity type", func(r *sentinel.ScheduledAlertRule) { r.EntityMappings[0].EntityType = "" }, "ScheduledAlertRule.EntityMappings[0].EntityType"},
		{"no field mappings", func(r *sentinel.ScheduledAlertRule) { r.EntityMappings[0].FieldMappings = nil }, "ScheduledAlertRule.EntityMappings[0].FieldMappings"},
		{"empty field mapping", func(r *sentinel.ScheduledAlertRule) { r.EntityMappings[0].FieldMappings[0].ColumnName = "" }, "ScheduledAlertRule.EntityMappings[0].FieldMappings[0]"},
		{"custom detail key", func(r *sentinel.ScheduledAlertRule) { r.CustomDetails[""] = "x" }, "ScheduledAlertRule.CustomDetails"},
		{"matching method", func(r *sentinel.ScheduledAlertRule) {
			r.IncidentConfiguration.GroupingConfiguration.MatchingMethod = ""
		}, "ScheduledAlertRule.IncidentConfiguration.GroupingConfiguration.MatchingMethod"},
		{"selected without group", func(r *sentinel.ScheduledAlertRule) {
			r.IncidentConfiguration.GroupingConfiguration.GroupByEntities = nil
		}, "ScheduledAlertRule.IncidentConfiguration.GroupingConfiguration.MatchingMethod"},
		{"lookback too long", func(r *sentinel.ScheduledAlertRule) {
			r.IncidentConfiguration.GroupingConfiguration.LookbackDuration = 8 * 24 * time.Hour
		}, "ScheduledAlertRule.IncidentConfiguration.GroupingConfiguration.LookbackDuration"},
		{"lookback too short", func(r *sentinel.ScheduledAlertRule) {
			r.IncidentConfiguration.GroupingConfiguration.LookbackDuration = 4 * time.Minute
		}, "ScheduledAlertRule.IncidentConfiguration.GroupingConfiguration.LookbackDuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			r := validScheduledRule()
			tt.edit(r)
			_, err := env.client.CreateOrUpdateAlertRule(context.Background(), "rule", r, nil)
			requireArgError(t, env, err, tt.field)
		})
	}

	others := []struct {
		name  string
		rule  sentinel.AlertRule
		field string
	}{
		{"nil", nil, "rule"},
		{"typed nil", (*sentinel.ScheduledAlertRule)(nil), "rule"},
		{"msic no product", &sentinel.MicrosoftSecurityIncidentCreationAlertRule{MicrosoftSecurityIncidentCreationAlertRuleProperties: sentinel.MicrosoftSecurityIncidentCreationAlertRuleProperties{DisplayName: "x"}}, "MicrosoftSecurityIncidentCreationAlertRule.ProductFilter"},
		{"msic name", &sentinel.MicrosoftSecurityIncidentCreationAlertRule{MicrosoftSecurityIncidentCreationAlertRuleProperties: sentinel.MicrosoftSecurityIncidentCreationAlertRuleProperties{ProductFilter: sentinel.ProductAzureSecurityCenter}}, "MicrosoftSecurityIncidentCreationAlertRule.DisplayName"},
		{"fusion template", &sentinel.FusionAlertRule{FusionAlertRuleProperties: sentinel.FusionAlertRuleProperties{Enabled: true}}, "FusionAlertRule.AlertRuleTemplateName"},
		{"unknown not json", &sentinel.UnknownAlertRule{Raw: []byte("nope")}, "Unknown.Raw"},
		{"unknown no kind", &sentinel.UnknownAlertRule{Raw: []byte(`{"properties":{}}`)}, "Unknown.Raw"},
	}
	for _, tt := range others {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			_, err := env.client.CreateOrUpdateAlertRule(context.Background(), "rule", tt.rule, nil)
			requireArgError(t, env, err, tt.field)
		})
	}
}

// Enum values this SDK does not know are sent as they are: only what the service documents
// as refused is checked before sending.
func TestAlertRuleOpenEnumsAreSent(t *testing.T) {
	c, sent := serveForUpdate(t, map[string]any{})
	r := validScheduledRule()
	r.Severity = "Critical"
	r.TriggerOperator = "GreaterThanOrEqual"
	r.EventGroupingSettings.AggregationKind = "AlertPerEntity"
	r.EntityMappings[0].EntityType = "Blob"
	r.AlertDetailsOverride.AlertDynamicProperties = []sentinel.AlertPropertyMapping{{AlertProperty: "SubTechniques", Value: "Sub"}}
	g := r.IncidentConfiguration.GroupingConfiguration
	g.MatchingMethod = "SameCampaign"
	g.GroupByEntities = []sentinel.EntityMappingType{"Blob"}
	g.GroupByAlertDetails = []sentinel.AlertDetail{"Tactics"}
	_, err := c.CreateOrUpdateAlertRule(context.Background(), "r", r, nil)
	require.NoError(t, err)
	p := objAt(t, sent(), "properties")
	assert.Equal(t, "Critical", p["severity"])
	assert.Equal(t, "GreaterThanOrEqual", p["triggerOperator"])
	assert.Equal(t, map[string]any{"aggregationKind": "AlertPerEntity"}, p["eventGroupingSettings"])
	assert.Equal(t, "Blob", objAt(t, p, "entityMappings", "0")["entityType"])
	assert.Equal(t, map[string]any{"alertDynamicProperties": []any{map[string]any{"alertProperty": "SubTechniques", "value": "Sub"}}}, p["alertDetailsOverride"])
	gc := objAt(t, p, "incidentConfiguration", "groupingConfiguration")
	assert.Equal(t, "SameCampaign", gc["matchingMethod"])
	assert.Equal(t, []any{"Blob"}, gc["groupByEntities"])
	assert.Equal(t, []any{"Tactics"}, gc["groupByAlertDetails"])

	m := &sentinel.MicrosoftSecurityIncidentCreationAlertRule{MicrosoftSecurityIncidentCreationAlertRuleProperties: sentinel.MicrosoftSecurityIncidentCreationAlertRuleProperties{
		DisplayName: "x", ProductFilter: "Microsoft 365 Insider Risk Management", SeveritiesFilter: []sentinel.Severity{"Critical"},
	}}
	_, err = c.CreateOrUpdateAlertRule(context.Background(), "m", m, nil)
	require.NoError(t, err)
	p = objAt(t, sent(), "properties")
	assert.Equal(t, "Microsoft 365 Insider Risk Management", p["productFilter"])
	assert.Equal(t, []any{"Critical"}, p["severitiesFilter"])
}

func TestAlertRuleIDsCannotChangePath(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	for _, id := range []string{"", "..", "a/b", `a\b`, "x\n"} {
		_, err := env.client.GetAlertRule(ctx, id, nil)
		requireArgError(t, env, err, "ruleID")
		_, err = env.client.CreateOrUpdateAlertRule(ctx, id, validScheduledRule(), nil)
		requireArgError(t, env, err, "ruleID")
		requireArgError(t, env, env.client.DeleteAlertRule(ctx, id, nil), "ruleID")
		_, err = env.client.ListAlertRuleActions(id, nil).NextPage(ctx)
		requireArgError(t, env, err, "ruleID")
		_, err = env.client.GetAlertRuleAction(ctx, "rule", id, nil)
		requireArgError(t, env, err, "actionID")
		_, err = env.client.GetAlertRuleTemplate(ctx, id, nil)
		requireArgError(t, env, err, "templateID")
	}
	// Characters that are legal in an ID are escaped, never interpreted.
	_, err := env.client.GetAlertRule(ctx, "a?b#c%2F", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	assert.Equal(t, "/arm"+wsPath+"/alertRules/a%3Fb%23c%252F", lastRequest(t, env).Path)
}

func TestAlertRuleActions(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	_, err := env.client.CreateOrUpdateAlertRule(ctx, "rule-1", validScheduledRule(), nil)
	require.NoError(t, err)

	app := "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Block-AADUser"
	action := sentinel.AlertRuleAction{AlertRuleActionProperties: sentinel.AlertRuleActionProperties{LogicAppResourceID: app, TriggerURI: "https://prod-31.northcentralus.logic.azure.com:443/workflows/cd3765391efd48549fd7681ded1d48d7/triggers/manual/paths/invoke?api-version=2016-10-01&sig=secret"}}
	got, err := env.client.CreateOrUpdateAlertRuleAction(ctx, "rule-1", "action-1", action, nil)
	require.NoError(t, err)
	req := lastRequest(t, env)
	assert.Equal(t, "PUT /arm"+wsPath+"/alertRules/rule-1/actions/action-1", req.Method+" "+req.Path)
	assert.JSONEq(t, `{"properties":{"logicAppResourceId":"`+app+`","triggerUri":"`+action.TriggerURI+`"}}`, string(req.Body))
	assert.Equal(t, "action-1", got.Name)
	assert.Equal(t, app, got.LogicAppResourceID)
	assert.Empty(t, got.TriggerURI, "the service never returns the trigger URI")
	assert.NotEmpty(t, got.WorkflowID)
	assert.NotEmpty(t, got.Etag)

	one, err := env.client.GetAlertRuleAction(ctx, "rule-1", "action-1", nil)
	require.NoError(t, err)
	assert.Equal(t, got, one)

	// Update needs the etag and the trigger URI again.
	one.TriggerURI = action.TriggerURI
	upd, err := env.client.CreateOrUpdateAlertRuleAction(ctx, "rule-1", "action-1", one, nil)
	require.NoError(t, err)
	assert.NotEqual(t, one.Etag, upd.Etag)
	_, err = env.client.CreateOrUpdateAlertRuleAction(ctx, "rule-1", "action-1", one, nil)
	assert.ErrorIs(t, err, sentinel.ErrConflict)

	list, err := env.client.ListAlertRuleActions("rule-1", nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, []sentinel.AlertRuleAction{upd}, list)

	require.NoError(t, env.client.DeleteAlertRuleAction(ctx, "rule-1", "action-1", nil))
	assert.Equal(t, "DELETE /arm"+wsPath+"/alertRules/rule-1/actions/action-1", lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	_, err = env.client.GetAlertRuleAction(ctx, "rule-1", "action-1", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)

	_, err = env.client.ListAlertRuleActions("missing-rule", nil).NextPage(ctx)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)

	// Deleting the rule deletes its actions.
	_, err = env.client.CreateOrUpdateAlertRuleAction(ctx, "rule-1", "action-2", action, nil)
	require.NoError(t, err)
	require.NoError(t, env.client.DeleteAlertRule(ctx, "rule-1", nil))
	assert.Nil(t, env.srv.Data().AlertRuleAction("rule-1", "action-2"))

	for _, tt := range []struct {
		name string
		a    sentinel.AlertRuleActionProperties
	}{
		{"AlertRuleAction.LogicAppResourceID", sentinel.AlertRuleActionProperties{LogicAppResourceID: "Block-AADUser", TriggerURI: action.TriggerURI}},
		{"AlertRuleAction.LogicAppResourceID", sentinel.AlertRuleActionProperties{LogicAppResourceID: app + "/runs/x?y", TriggerURI: action.TriggerURI}},
		{"AlertRuleAction.LogicAppResourceID", sentinel.AlertRuleActionProperties{LogicAppResourceID: strings.Replace(app, "Microsoft.Logic/workflows", "Microsoft.Web/sites", 1), TriggerURI: action.TriggerURI}},
		{"AlertRuleAction.TriggerURI", sentinel.AlertRuleActionProperties{LogicAppResourceID: app}},
		{"AlertRuleAction.TriggerURI", sentinel.AlertRuleActionProperties{LogicAppResourceID: app, TriggerURI: "http://insecure.example/x?sig=secret"}},
		{"AlertRuleAction.TriggerURI", sentinel.AlertRuleActionProperties{LogicAppResourceID: app, TriggerURI: "https:///workflows/x?sig=secret"}},
	} {
		env.srv.ResetRequests()
		_, err := env.client.CreateOrUpdateAlertRuleAction(ctx, "rule-1", "a", sentinel.AlertRuleAction{AlertRuleActionProperties: tt.a}, nil)
		requireArgError(t, env, err, tt.name)
		assert.NotContains(t, err.Error(), "sig=secret", "the trigger URI is a secret")
	}
}

func TestAlertRuleTemplatesAndNewRule(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	names := env.srv.Data().SeedAlertRuleTemplates()

	all, err := env.client.ListAlertRuleTemplates(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, "GET /arm"+wsPath+"/alertRuleTemplates", lastRequest(t, env).Method+" "+lastRequest(t, env).Path)
	require.Len(t, all, 3)
	assert.IsType(t, &sentinel.ScheduledAlertRuleTemplate{}, all[0])
	assert.IsType(t, &sentinel.MicrosoftSecurityIncidentCreationAlertRuleTemplate{}, all[1])
	assert.IsType(t, &sentinel.FusionAlertRuleTemplate{}, all[2])
	assert.Equal(t, sentinel.ProductAzureSecurityCenterForIoT, all[1].(*sentinel.MicrosoftSecurityIncidentCreationAlertRuleTemplate).ProductFilter)
	assert.Equal(t, 1, all[2].(*sentinel.FusionAlertRuleTemplate).RulesCreatedCount)

	got, err := env.client.GetAlertRuleTemplate(ctx, names[0], nil)
	require.NoError(t, err)
	tmpl := got.(*sentinel.ScheduledAlertRuleTemplate)
	assert.Equal(t, names[0], tmpl.Name)
	assert.Equal(t, "Changes to Amazon VPC settings", tmpl.DisplayName)
	assert.Equal(t, 24*time.Hour, tmpl.QueryFrequency)
	assert.Equal(t, sentinel.TemplateAvailable, tmpl.Status)
	assert.Equal(t, []sentinel.AlertRuleTemplateDataSource{{ConnectorID: "AWS", DataTypes: []string{"AWSCloudTrail"}}}, tmpl.RequiredDataConnectors)
	assert.Equal(t, names[0], tmpl.Envelope().Name)
	assert.Equal(t, time.Date(2019, 2, 27, 0, 0, 0, 0, time.UTC), tmpl.Created)
	assert.Equal(t, "1.0.2", tmpl.Version)

	rule := sentinel.NewRuleFromTemplate(tmpl)
	assert.Equal(t, names[0], rule.AlertRuleTemplateName)
	assert.Equal(t, "1.0.2", rule.TemplateVersion)
	assert.True(t, rule.Enabled)
	assert.Equal(t, tmpl.Query, rule.Query)
	assert.Equal(t, tmpl.EntityMappings, rule.EntityMappings)
	assert.Equal(t, 5*time.Hour, rule.SuppressionDuration)
	rule.EntityMappings[0].FieldMappings[0].ColumnName = "changed"
	rule.Tactics[0] = "changed"
	assert.Equal(t, "AccountCustomEntity", tmpl.EntityMappings[0].FieldMappings[0].ColumnName, "the rule must not share slices with the template")
	assert.Equal(t, sentinel.TacticPrivilegeEscalation, tmpl.Tactics[0])
	rule.EntityMappings[0].FieldMappings[0].ColumnName = "AccountCustomEntity"
	rule.Tactics[0] = sentinel.TacticPrivilegeEscalation

	created, err := env.client.CreateOrUpdateAlertRule(ctx, "from-template", rule, nil)
	require.NoError(t, err)
	s := created.(*sentinel.ScheduledAlertRule)
	assert.Equal(t, names[0], s.AlertRuleTemplateName)
	assert.Equal(t, sentinel.EventGroupingSingleAlert, s.EventGroupingSettings.AggregationKind)
	assert.Equal(t, map[string]any{"EventName": "EventName"}, s.CustomDetails)
	assert.Equal(t, "PT5H", env.srv.Data().AlertRule("from-template")["properties"].(map[string]any)["suppressionDuration"])

	_, err = env.client.GetAlertRuleTemplate(ctx, "missing", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestAlertRuleJSONForm(t *testing.T) {
	// MarshalJSON of a rule is its wire form, with its kind; UnmarshalJSON reads it back.
	r := validScheduledRule()
	r.Name, r.Etag = "x", `"e"`
	b, err := sentinel.MarshalJSON(r)
	require.NoError(t, err)
	m := members(t, b)
	assert.Equal(t, `"Scheduled"`, string(m["kind"]))
	assert.Equal(t, `"\"e\""`, string(m["etag"]))
	assert.Equal(t, `"PT5H"`, string(members(t, m["properties"])["queryFrequency"]))
	assert.Empty(t, r.Resource.Kind, "encoding does not change the rule")
	var back sentinel.ScheduledAlertRule
	require.NoError(t, sentinel.UnmarshalJSON(b, &back))
	assert.Equal(t, r.QueryPeriod, back.QueryPeriod)
	assert.Equal(t, r.IncidentConfiguration, back.IncidentConfiguration)
	var rule sentinel.AlertRule
	require.NoError(t, sentinel.UnmarshalJSON(b, &rule))
	assert.IsType(t, &sentinel.ScheduledAlertRule{}, rule)

	var u sentinel.UnknownAlertRule
	raw := bytes.TrimSpace(fixture(t, "alertrules/get_nrt.json"))
	require.NoError(t, sentinel.UnmarshalJSON(raw, &u))
	out, err := sentinel.MarshalJSON(u)
	require.NoError(t, err)
	assert.Equal(t, string(raw), string(out))
}

func readAll(r *http.Request) []byte {
	var b bytes.Buffer
	_, _ = b.ReadFrom(r.Body)
	return b.Bytes()
}

func FuzzUnmarshalAlertRule(f *testing.F) {
	for _, name := range []string{"get_scheduled.json", "get_msic.json", "get_fusion.json", "get_nrt.json"} {
		f.Add(fixture(f, "alertrules/"+name))
	}
	f.Add([]byte(`{"kind":"Scheduled","properties":{"queryFrequency":"P1W","queryPeriod":null}}`))
	f.Add([]byte(`{"kind":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := sentinel.UnmarshalAlertRule(data)
		if err != nil {
			return
		}
		b, err := sentinel.MarshalJSON(r)
		if err != nil {
			return // e.g. a member that is not valid JSON kept in an unknown rule
		}
		back, err := sentinel.UnmarshalAlertRule(b)
		require.NoError(t, err, "re-decoding %s", b)
		assert.Equal(t, r.Kind(), back.Kind())
	})
}

func BenchmarkUnmarshalAlertRule(b *testing.B) {
	for _, name := range []string{"get_scheduled.json", "get_nrt.json"} {
		data := fixture(b, "alertrules/"+name)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := sentinel.UnmarshalAlertRule(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// serveForUpdate answers GETs with doc and PUTs with the body they carry, as the service
// stores it, and returns the body of the last PUT.
func serveForUpdate(t *testing.T, doc map[string]any) (*sentinel.Client, func() map[string]any) {
	t.Helper()
	body, err := json.Marshal(doc)
	require.NoError(t, err)
	var put []byte
	c, _ := stubEnv(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			put = readAll(r)
			_, _ = w.Write(put)
			return
		}
		_, _ = w.Write(body)
	})
	return c, func() map[string]any {
		require.NotNil(t, put, "nothing was sent")
		var m map[string]any
		require.NoError(t, json.Unmarshal(put, &m))
		return m
	}
}

// objAt walks a JSON tree by member names and array indexes ("0") to an object.
func objAt(t *testing.T, v any, path ...string) map[string]any {
	t.Helper()
	p := ""
	for _, s := range path {
		p += "/" + s
	}
	got, ok := pointer(v, p)
	require.True(t, ok, "%s is missing", p)
	m, ok := got.(map[string]any)
	require.True(t, ok, "%s is not an object", p)
	return m
}

// A rule read from the service is sent back by CreateOrUpdateAlertRule with everything it
// had: modelled members such as alertDynamicProperties, members this SDK does not model at
// every depth, and enum values this SDK does not know (the service accepts values the
// stable API version does not list, such as the productFilter "Office 365 Advanced Threat
// Protection").
func TestAlertRuleUpdateSendsBackWhatItRead(t *testing.T) {
	future := map[string]any{"nested": []any{1.5, "x", map[string]any{"deep": true}}}
	tests := []struct {
		name    string
		fixture string
		edit    func(t *testing.T, doc map[string]any)
		keep    []string // JSON pointers that must be sent as read
	}{
		{"alert dynamic properties", "get_scheduled.json", nil,
			[]string{"/properties/alertDetailsOverride/alertDynamicProperties"}},
		{"unknown members in typed sub-objects", "get_scheduled.json", func(t *testing.T, doc map[string]any) {
			for _, p := range [][]string{
				{"properties", "alertDetailsOverride"},
				{"properties", "alertDetailsOverride", "alertDynamicProperties", "0"},
				{"properties", "eventGroupingSettings"},
				{"properties", "incidentConfiguration"},
				{"properties", "incidentConfiguration", "groupingConfiguration"},
				{"properties", "entityMappings", "1"},
				{"properties", "entityMappings", "1", "fieldMappings", "0"},
			} {
				objAt(t, doc, p...)["zzFuture"] = future
			}
		}, []string{
			"/properties/alertDetailsOverride/zzFuture",
			"/properties/alertDetailsOverride/alertDynamicProperties/0/zzFuture",
			"/properties/eventGroupingSettings/zzFuture",
			"/properties/incidentConfiguration/zzFuture",
			"/properties/incidentConfiguration/groupingConfiguration/zzFuture",
			"/properties/entityMappings/1/zzFuture",
			"/properties/entityMappings/1/fieldMappings/0/zzFuture",
			"/properties/sentinelEntitiesMappings",
		}},
		{"enum values of later API versions", "get_scheduled.json", func(t *testing.T, doc map[string]any) {
			p := objAt(t, doc, "properties")
			p["severity"] = "Critical"
			p["triggerOperator"] = "GreaterThanOrEqual"
			objAt(t, p, "eventGroupingSettings")["aggregationKind"] = "AlertPerEntity"
			objAt(t, p, "entityMappings", "0")["entityType"] = "Blob"
			objAt(t, p, "alertDetailsOverride", "alertDynamicProperties", "0")["alertProperty"] = "SubTechniques"
			g := objAt(t, p, "incidentConfiguration", "groupingConfiguration")
			g["matchingMethod"] = "SameCampaign"
			g["groupByEntities"] = []any{"Blob", "Account"}
			g["groupByAlertDetails"] = []any{"Tactics"}
		}, []string{
			"/properties/severity", "/properties/triggerOperator", "/properties/eventGroupingSettings/aggregationKind",
			"/properties/entityMappings/0/entityType", "/properties/alertDetailsOverride/alertDynamicProperties/0/alertProperty",
			"/properties/incidentConfiguration/groupingConfiguration/matchingMethod",
			"/properties/incidentConfiguration/groupingConfiguration/groupByEntities",
			"/properties/incidentConfiguration/groupingConfiguration/groupByAlertDetails",
		}},
		{"productFilter the service accepts", "get_msic.json", func(t *testing.T, doc map[string]any) {
			p := objAt(t, doc, "properties")
			p["productFilter"] = "Office 365 Advanced Threat Protection"
			p["severitiesFilter"] = []any{"High", "Critical"}
		}, []string{"/properties/productFilter", "/properties/severitiesFilter"}},
		{"unknown members of a Fusion rule", "get_fusion.json", nil,
			[]string{"/properties/sourceSettings/0/sourceName"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := fixtureObject(t, "alertrules/"+tt.fixture)
			if tt.edit != nil {
				tt.edit(t, doc)
			}
			c, sent := serveForUpdate(t, doc)
			ctx := context.Background()
			rule, err := c.GetAlertRule(ctx, "r", nil)
			require.NoError(t, err)
			_, err = c.CreateOrUpdateAlertRule(ctx, "r", rule, nil)
			require.NoError(t, err)
			body := sent()
			for _, p := range tt.keep {
				want, ok := pointer(doc, p)
				require.True(t, ok, "the test's document has no %s", p)
				got, ok := pointer(body, p)
				if assert.True(t, ok, "%s was not sent", p) {
					assert.Equal(t, want, got, p)
				}
			}
		})
	}
}
