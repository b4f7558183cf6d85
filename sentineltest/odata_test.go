package sentineltest_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFilterLambdas lists incidents with any() and all() over labels, tactics and alert
// products, on the wire: the answer holds exactly the incidents the filter selects.
func TestFilterLambdas(t *testing.T) {
	w := newWire(t)
	label := func(name, typ string) map[string]any { return map[string]any{"labelName": name, "labelType": typ} }
	create := func(title string, labels []any, tactics []any, products []any) {
		w.srv.CreateIncident(map[string]any{
			"title": title, "severity": "High", "status": "New", "labels": labels,
			"additionalData": map[string]any{"tactics": tactics, "alertProductNames": products},
		})
	}
	create("vip-user", []any{label("vip", "User"), label("phishing", "AutoAssigned")}, []any{"InitialAccess"}, []any{"Azure Sentinel"})
	create("vip-auto", []any{label("vip", "AutoAssigned")}, []any{"Execution", "Persistence"}, []any{"Microsoft Defender for Endpoint"})
	create("tier2", []any{label("tier2", "User")}, []any{}, []any{"Azure Sentinel", "Microsoft Defender for Endpoint"})
	create("none", nil, nil, nil)

	for _, tc := range []struct {
		filter string
		want   []string
	}{
		{"properties/labels/any(l: l/labelName eq 'vip')", []string{"vip-user", "vip-auto"}},
		{"properties/labels/any(l:l/labelName eq 'vip')", []string{"vip-user", "vip-auto"}},
		{"properties/labels/any(l : l/labelName eq 'vip')", []string{"vip-user", "vip-auto"}},
		{"properties/labels/any(x: x/labelName eq 'vip' and x/labelType eq 'User')", []string{"vip-user"}},
		{"properties/labels/any(l: l/labelName eq 'vip') and properties/labels/any(l: l/labelName eq 'phishing')", []string{"vip-user"}},
		{"not properties/labels/any(l: l/labelName eq 'vip')", []string{"tier2", "none"}},
		{"properties/labels/any(l: contains(l/labelName, 'IER'))", []string{"tier2"}},
		{"properties/labels/any()", []string{"vip-user", "vip-auto", "tier2"}},
		{"not properties/labels/any()", []string{"none"}},
		// all() is true for an incident without labels, as in OData.
		{"properties/labels/all(l: l/labelType eq 'User')", []string{"tier2", "none"}},
		{"properties/labels/all(l: l/labelType eq 'User') and properties/labels/any()", []string{"tier2"}},
		{"properties/additionalData/tactics/any(t: t eq 'Execution' or t eq 'InitialAccess')", []string{"vip-user", "vip-auto"}},
		{"properties/additionalData/alertProductNames/all(p: p ne 'Azure Sentinel')", []string{"vip-auto", "none"}},
		// The body may use the incident's own paths.
		{"properties/labels/any(l: l/labelName eq 'vip' and properties/title eq 'vip-auto')", []string{"vip-auto"}},
		// Nested lambdas see the outer variable.
		{"properties/labels/any(a: a/labelName eq 'vip' and properties/labels/any(b: b/labelName eq 'phishing'))", []string{"vip-user"}},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			a := w.with(t).must(200, "GET", "{ws}/incidents?api-version=2023-02-01&$filter="+url.QueryEscape(tc.filter), nil)
			var got []string
			for _, v := range a.obj(t)["value"].([]any) {
				title, _ := at(v, "properties/title")
				got = append(got, title.(string))
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestFilterLambdaErrors: malformed lambdas and paths outside the collections are 400 with
// the service's error shape, naming what is wrong.
func TestFilterLambdaErrors(t *testing.T) {
	w := newWire(t)
	w.srv.CreateIncident(map[string]any{"title": "x", "severity": "High", "status": "New"})
	for _, tc := range []struct{ filter, msg string }{
		{"properties/labels/all()", "all() needs a lambda expression"},
		{"properties/owner/any(o: o eq 'x')", `could not find a collection property named "properties/owner"`},
		{"properties/labels/any(l: l/unknown eq 'x')", `could not find a property named "l/unknown"`},
		{"properties/labels/any(l: m/labelName eq 'x')", `could not find a property named "m/labelName"`},
		{"properties/labels/any(l l/labelName eq 'x')", "expected a lambda variable and ':'"},
		{"properties/labels/any(l: l/labelName eq 'x'", `expected ")"`},
		{"properties/labels/any(properties: properties/labelName eq 'x')", `the lambda variable "properties" is already defined`},
		{"properties/labels/any(l: properties/labels/any(l: l/labelName eq 'x'))", `the lambda variable "l" is already defined`},
		{"properties/labels/any(l: l/labelName eq properties/title)", `invalid literal "properties/title"`},
		{"l/labelName eq 'x'", `could not find a property named "l/labelName"`},
		{"properties/labels/* eq 'x'", `could not find a property named "properties/labels/*"`},
		{"properties/labels/any(l: l/labelName eq 'x') and l/labelName eq 'y'", `could not find a property named "l/labelName"`},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			a := w.with(t).must(400, "GET", "{ws}/incidents?api-version=2023-02-01&$filter="+url.QueryEscape(tc.filter), nil)
			msg, _ := at(a.JSON, "error/message")
			require.IsType(t, "", msg)
			assert.Contains(t, msg, tc.msg)
			code, _ := at(a.JSON, "error/code")
			assert.Equal(t, "BadRequest", code)
		})
	}
	a := w.must(400, "GET", "{ws}/incidents?api-version=2023-02-01&$orderby="+url.QueryEscape("properties/labels/*"), nil)
	msg, _ := at(a.JSON, "error/message")
	assert.Contains(t, msg, "Invalid $orderby")
}
