package recording

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sub    = "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0"
	tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	oid    = "2046feea-040d-4a46-9e2b-91c2941bfa70"
	inc    = "73e01a99-5cd7-4139-a149-9f2736ff2ab5"
	reqID  = "f3a1b2c4-0000-0000-0000-000000000001"
	jwt    = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl"
)

func TestSanitize(t *testing.T) {
	base := "https://management.azure.com/subscriptions/" + sub + "/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc/providers/Microsoft.SecurityInsights"
	exs := []exchange{{
		method: "GET", url: base + "/incidents?api-version=2023-02-01&$filter=" + "properties%2Fowner%2FobjectId%20eq%20%27" + strings.ToUpper(oid) + "%27",
		reqHeader: http.Header{"Authorization": {"Bearer " + jwt}, "Accept": {"application/json"}},
		status:    200,
		respHead:  http.Header{"X-Ms-Request-Id": {reqID}, "Set-Cookie": {"x=1"}, "Content-Length": {"99"}},
		// Pretty-printed on purpose: bodies are kept byte for byte apart from the replacements.
		respBody: []byte("{\n  \"value\": [\n    {\"id\": \"/subscriptions/" + strings.ToUpper(sub) + "/resourceGroups/soc-rg/providers/Microsoft.OperationalInsights/workspaces/soc/providers/Microsoft.SecurityInsights/Incidents/" + inc + "\",\n" +
			"     \"name\": \"" + inc + "\", \"etag\": \"\\\"0300bf09-0000-0000-0000-5c37296e0000\\\"\",\n" +
			"     \"properties\": {\"title\": \"Sign-in by Alice.Jones@contoso.com\", \"owner\": {\"objectId\": \"" + oid + "\", \"email\": \"alice.jones@contoso.com\"},\n" +
			"       \"aadTenantId\": \"" + tenant + "\", \"alertLink\": \"https://security.microsoft.com/alerts/1?tid=" + tenant + "\"}}\n  ],\n" +
			"  \"nextLink\": \"" + base + "/incidents?api-version=2023-02-01&%24filter=owner%20eq%20%27alice.jones%40contoso.com%27&%24skipToken=abc\"\n}"),
	}, {
		method: "PUT", url: base + "/alertRules/r1/actions/a1?api-version=2023-02-01",
		reqBody: []byte(`{"properties":{"logicAppResourceId":"/subscriptions/` + sub + `/resourceGroups/soar/providers/Microsoft.Logic/workflows/notify","triggerUri":"https://prod-01.westeurope.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SuperSecretSignature0123456789"}}`),
		status:  200,
		respBody: []byte(`{"properties":{"workflowId":"9f1","triggerUri":"https://prod-01.westeurope.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sig=SuperSecretSignature0123456789"},` +
			`"error":"Bearer ` + jwt + ` echoed"}`),
	}, {
		method: "PUT", url: base + "/dataConnectors/taxii?api-version=2023-02-01",
		reqBody:  []byte(`{"kind":"ThreatIntelligenceTaxii","properties":{"userName":"feeduser","password":"p4ss","clientSecret":"0123456789abcdef","connectionString":"Endpoint=sb://x;SharedAccessKey=0123456789abcdef","tenantId":"` + tenant + `"}}`),
		status:   200,
		respBody: []byte(`{"properties":{"password":null,"note":"p4ss stays where it is not a secret member; 0123456789abcdef does not"}}`),
	}, {
		method: "GET", url: "https://api.loganalytics.io/v1/workspaces/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/query?query=SigninLogs",
		status: 200, respHead: http.Header{"Content-Type": {"text/plain"}},
		respBody: []byte("plain text from it's-me@contoso.com\n"),
	}, {
		method: "GET", url: "https://example.test/binary", status: 200, respBody: []byte{0xff, 0x00, 0xfe},
	}}
	got := sanitize(newRules(Rules{Replace: map[string]string{"soc-rg": "recorded-rg"}}), exs)
	require.Len(t, got, len(exs))

	g1, g2, g3, g4, g5 := "ffffffff-0000-4000-8000-000000000001", "ffffffff-0000-4000-8000-000000000002",
		"ffffffff-0000-4000-8000-000000000003", "ffffffff-0000-4000-8000-000000000004", "ffffffff-0000-4000-8000-000000000005"
	// The subscription and the owner in the first URL come first, then the incident, the
	// tenant; the same GUID in upper case is the same GUID.
	base2 := "https://management.azure.com/subscriptions/" + g1 + "/resourceGroups/recorded-rg/providers/Microsoft.OperationalInsights/workspaces/soc/providers/Microsoft.SecurityInsights"
	assert.Equal(t, base2+"/incidents?api-version=2023-02-01&$filter=properties%2Fowner%2FobjectId%20eq%20%27"+g2+"%27", got[0].URL)
	assert.Equal(t, map[string][]string{"Accept": {"application/json"}}, got[0].RequestHeaders, "Authorization dropped")
	assert.Equal(t, map[string][]string{"X-Ms-Request-Id": {reqID}}, got[0].Headers, "Set-Cookie and Content-Length dropped; a request ID is no ID")
	assert.Equal(t, "{\n  \"value\": [\n    {\"id\": \"/subscriptions/"+g1+"/resourceGroups/recorded-rg/providers/Microsoft.OperationalInsights/workspaces/soc/providers/Microsoft.SecurityInsights/Incidents/"+g3+"\",\n"+
		"     \"name\": \""+g3+"\", \"etag\": \"\\\"0300bf09-0000-0000-0000-5c37296e0000\\\"\",\n"+
		"     \"properties\": {\"title\": \"Sign-in by user1@example.com\", \"owner\": {\"objectId\": \""+g2+"\", \"email\": \"user1@example.com\"},\n"+
		"       \"aadTenantId\": \""+g4+"\", \"alertLink\": \"https://security.microsoft.com/alerts/1?tid="+g4+"\"}}\n  ],\n"+
		"  \"nextLink\": \""+base2+"/incidents?api-version=2023-02-01&%24filter=owner%20eq%20%27user1%40example.com%27&%24skipToken=abc\"\n}",
		string(got[0].Body))

	assert.JSONEq(t, `{"properties":{"logicAppResourceId":"/subscriptions/`+g1+`/resourceGroups/soar/providers/Microsoft.Logic/workflows/notify","triggerUri":"https://prod-01.westeurope.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=REDACTED-2"}}`, string(got[1].RequestBody))
	assert.JSONEq(t, `{"properties":{"workflowId":"9f1","triggerUri":"https://prod-01.westeurope.logic.azure.com:443/workflows/1/triggers/manual/paths/invoke?api-version=2016-10-01&sig=REDACTED-2"},"error":"Bearer REDACTED-1 echoed"}`, string(got[1].Body))

	assert.JSONEq(t, `{"kind":"ThreatIntelligenceTaxii","properties":{"userName":"feeduser","password":"REDACTED-5","clientSecret":"REDACTED-3","connectionString":"REDACTED-4","tenantId":"`+g4+`"}}`, string(got[2].RequestBody))
	assert.JSONEq(t, `{"properties":{"password":null,"note":"p4ss stays where it is not a secret member; REDACTED-3 does not"}}`, string(got[2].Body))

	assert.Equal(t, "https://api.loganalytics.io/v1/workspaces/"+g5+"/query?query=SigninLogs", got[3].URL)
	assert.Equal(t, `"plain text from user2@example.com\n"`, string(got[3].Body), "text as a JSON string")
	assert.Equal(t, "/wD+", got[4].BodyBase64, "other bytes in base64")
	assert.Nil(t, got[4].Body)
}

// TestSanitizeIdempotent: sanitising a sanitised cassette changes nothing, so a cassette can
// be re-recorded through a replayer or edited and saved again.
func TestSanitizeIdempotent(t *testing.T) {
	exs := []exchange{{
		method: "GET", url: "https://h/subscriptions/ffffffff-0000-4000-8000-000000000001/x?sig=REDACTED-1",
		status: 200, respBody: []byte(`{"owner":"user3@example.com","objectId":"ffffffff-0000-4000-8000-000000000002","password":"REDACTED-7"}`),
	}}
	got := sanitize(newRules(Rules{}), exs)
	assert.Equal(t, exs[0].url, got[0].URL)
	assert.Equal(t, string(exs[0].respBody), string(got[0].Body))
}

// TestRulesAdd: configured GUIDs, secrets, members, parameters and headers add to the
// defaults.
func TestRulesAdd(t *testing.T) {
	exs := []exchange{{
		method: "GET", url: "https://h/x?apiKeyParam=zzzzzzzzzz&n=1",
		reqHeader: http.Header{"X-Custom-Secret": {"s"}, "X-Other": {"my-app-secret-value"}},
		status:    200,
		respBody:  []byte(`{"appGuid":"11111111-2222-4333-8444-555555555555","ref":"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee","pin":"1234","note":"my-app-secret-value"}`),
	}}
	got := sanitize(newRules(Rules{
		GUIDs: []string{"AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"}, Secrets: []string{"my-app-secret-value"},
		IDMembers: []string{"appGuid"}, SecretMembers: []string{"PIN"}, SecretParameters: []string{"apiKeyParam"},
		DropHeaders: []string{"x-custom-secret"},
	}), exs)
	assert.Equal(t, "https://h/x?apiKeyParam=REDACTED-2&n=1", got[0].URL)
	assert.Equal(t, map[string][]string{"X-Other": {"REDACTED-1"}}, got[0].RequestHeaders)
	assert.JSONEq(t, `{"appGuid":"ffffffff-0000-4000-8000-000000000002","ref":"ffffffff-0000-4000-8000-000000000001","pin":"REDACTED-3","note":"REDACTED-1"}`, string(got[0].Body))
}

// FuzzSanitize: whatever a body holds, sanitising does not panic, keeps a JSON body JSON,
// and no value of a secret member survives. Seeds are in testdata/fuzz/FuzzSanitize.
func FuzzSanitize(f *testing.F) {
	rl := newRules(Rules{})
	f.Fuzz(func(t *testing.T, body, secret string) {
		planted := []byte(body)
		if secret != "" && !strings.ContainsAny(secret, "\"\\") && json.Valid([]byte(body)) {
			var v any
			_ = json.Unmarshal([]byte(body), &v)
			if m, ok := v.(map[string]any); ok {
				m["password"] = secret
				planted, _ = json.Marshal(m)
			}
		}
		out := sanitize(rl, []exchange{{method: "POST", url: "https://h/p", reqBody: planted, status: 200, respBody: planted}})
		b, _ := decodeBody(out[0].Body, out[0].BodyBase64, "")
		if json.Valid(planted) && !json.Valid(b) {
			t.Fatalf("%q became %q, not JSON", planted, b)
		}
		if json.Valid(planted) {
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				if p, ok := m["password"].(string); ok && p == secret && secret != "" && !placeholderSecretRE.MatchString(secret) {
					t.Fatalf("the password %q survived in %q", secret, b)
				}
			}
		}
	})
}

// TestSanitizeHiddenSecrets: secrets under snake_case names, inside arrays and objects held
// by a secret member, inside a URL-encoded parameter and in a form body are replaced, and
// the replayer's errors do not quote a secret parameter.
func TestSanitizeHiddenSecrets(t *testing.T) {
	tests := []struct {
		name   string
		ex     exchange
		secret string
	}{
		{"snake_case member", exchange{method: "POST", url: "https://h/t", status: 200,
			respBody: []byte(`{"refresh_token":"0.AXYrefreshvalue","access_token":"opaque-access-value"}`)}, "refreshvalue"},
		{"snake_case access token", exchange{method: "POST", url: "https://h/t", status: 200,
			respBody: []byte(`{"access_token":"opaque-access-value"}`)}, "opaque-access-value"},
		{"array under a secret member", exchange{method: "POST", url: "https://h/t", status: 200,
			reqBody: []byte(`{"password":["hunter2hunter2"]}`)}, "hunter2hunter2"},
		{"object under a secret member", exchange{method: "POST", url: "https://h/t", status: 200,
			reqBody: []byte(`{"clientSecret":{"value":"s3cret-value-1"}}`)}, "s3cret-value-1"},
		{"sig inside an encoded parameter", exchange{method: "GET", status: 200,
			url: "https://h/t?callback=https%3A%2F%2Fx%2Finvoke%3Fsv%3D1%26sig%3DSIGVALUE0123456"}, "SIGVALUE0123456"},
		{"form body", exchange{method: "POST", url: "https://h/token", status: 200,
			reqBody: []byte(`client_id=app&client_secret=formsecret0123&grant_type=client_credentials`)}, "formsecret0123"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sanitize(newRules(Rules{}), []exchange{tt.ex})
			b, err := json.Marshal(got)
			require.NoError(t, err)
			assert.NotContains(t, string(b), tt.secret)
			assert.Contains(t, string(b), "REDACTED-")
		})
	}
	rp := &Replayer{redactRE: newRules(Rules{}).secretParamRE}
	assert.NotContains(t, rp.redact("https://h/t?client_secret=leakInError&x=1"), "leakInError")
}

// TestWalkStringsMembers checks the members walkStrings reports for names and values at
// every depth.
func TestWalkStringsMembers(t *testing.T) {
	var got []string
	ok := walkStrings([]byte(`{"a":"1","b":["2",{"c":"3"}],"d":{"e":{"f":"4"}}}`), func(members []string, value string, _, _ int, isName bool) {
		kind := "value"
		if isName {
			kind = "name"
		}
		got = append(got, kind+" "+value+" under "+strings.Join(members, "/"))
	})
	require.True(t, ok)
	assert.Equal(t, []string{
		"name a under ", "value 1 under /a",
		"name b under ", "value 2 under /b/", "name c under /b/", "value 3 under /b//c",
		"name d under ", "name e under /d", "name f under /d/e", "value 4 under /d/e/f",
	}, got)
}
