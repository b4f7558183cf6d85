package sentinel_test

// Hostile-server suite, part 8: deeply nested values (scenario 6) in a KQL result's dynamic
// columns and in the free-form data of entities and alerts. JSON nested deeper than 10,000
// levels is refused by the decoder with a typed error; anything up to that depth decodes.
// Nothing panics, overflows the stack or hangs.

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// nestedArrays is depth arrays, one inside the other, around 1.
func nestedArrays(depth int) string {
	return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
}

// nestedObjects is depth objects, one inside the other, around 1.
func nestedObjects(depth int) string {
	return strings.Repeat(`{"a":`, depth) + "1" + strings.Repeat("}", depth)
}

// depthOf returns how deeply v's arrays and objects nest, without recursion.
func depthOf(v any) int {
	depth := 0
	for {
		switch x := v.(type) {
		case []any:
			if len(x) == 0 {
				return depth + 1
			}
			v = x[0]
		case map[string]any:
			if len(x) == 0 {
				return depth + 1
			}
			for _, e := range x {
				v = e
			}
		default:
			return depth
		}
		depth++
	}
}

// quoted returns s as a JSON string, as the service sends dynamic values.
func quoted(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// assertDepthError checks a *DecodeError that names the nesting limit.
func assertDepthError(t *testing.T, err error) {
	t.Helper()
	var de *sentinel.DecodeError
	require.ErrorAs(t, err, &de, "%v", err)
	var se *jsontext.SyntacticError
	assert.ErrorAs(t, err, &se, "the decoder's error is kept")
	assert.Contains(t, err.Error(), "exceeded max depth")
	assert.True(t, utf8.ValidString(err.Error()))
	assert.Less(t, len(err.Error()), 2000, "the message does not repeat the value")
}

func TestHostileDeeplyNestedDynamicValues(t *testing.T) {
	// The row's cell sits at depth 5 of the response ({"tables":[{"rows":[[cell): a cell
	// nested 9,990 deep fits within the decoder's limit of 10,000, one of 10,000 does not.
	// A dynamic value the service sends as a string holding JSON is a single token of the
	// response; its own JSON may nest 10,000 levels. Deeper, the response fails with a
	// *ColumnError naming the table, row and column (finding 3: it used to come back as a
	// JSON string, silently changing type); a string that is not JSON at all stays a string.
	tests := []struct {
		name string
		cell string
		// rejected: the whole response is a *DecodeError.
		rejected bool
		// tooDeep: the whole response is a *ColumnError for the cell.
		tooDeep bool
		// depth of the value when it converts; 0 means it is beyond the limit and comes back
		// as the JSON string it was sent as.
		depth int
	}{
		{name: "9,990 arrays as JSON", cell: nestedArrays(9_990), depth: 9_990},
		{name: "10,000 arrays as JSON", cell: nestedArrays(10_000), rejected: true},
		{name: "1,000,000 arrays as JSON", cell: nestedArrays(1_000_000), rejected: true},
		{name: "1,000,000 objects as JSON", cell: nestedObjects(1_000_000), rejected: true},
		{name: "10,000 arrays in a string", cell: quoted(nestedArrays(10_000)), depth: 10_000},
		{name: "10,000 objects in a string", cell: quoted(nestedObjects(10_000)), depth: 10_000},
		{name: "10,001 arrays in a string", cell: quoted(nestedArrays(10_001)), tooDeep: true},
		{name: "10,001 objects in a string", cell: quoted(nestedObjects(10_001)), tooDeep: true},
		{name: "1,000,000 arrays in a string", cell: quoted(nestedArrays(1_000_000)), tooDeep: true},
		{name: "1,000,000 unclosed arrays in a string", cell: quoted(strings.Repeat("[", 1_000_000))},
	}
	env := newEnv(t)
	bodies := map[string]string{}
	env.srv.HandleQueries(func(q sentineltest.QueryRequest) (sentineltest.QueryResponse, bool) {
		body, ok := bodies[q.Query]
		return sentineltest.QueryResponse{Body: body}, ok
	})
	type rawRow struct {
		N int
		D json.RawMessage
	}
	type treeRow struct {
		N int
		D any `kql:"D"`
		V sentinel.Value
	}
	for i, tt := range tests {
		kql := "Deep | where N == " + strconv.Itoa(i)
		bodies[kql] = `{"tables":[{"name":"PrimaryResult","columns":[{"name":"N","type":"int"},{"name":"D","type":"dynamic"},{"name":"V","type":"dynamic"}],` +
			`"rows":[[1,"[]",null],[2,` + tt.cell + `,` + tt.cell + `],[3,null,"[]"]]}]}`
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kql := "Deep | where N == " + strconv.Itoa(i)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			// The context bounds a hang; how long the decode takes is BenchmarkQueryDecode's
			// business, not a test's (a loaded CI machine varies tenfold).
			res, err := env.client.Query(ctx, kql, nil)
			raws, _, rawErr := sentinel.QueryInto[rawRow](ctx, env.client, kql, nil)
			trees, _, treeErr := sentinel.QueryInto[treeRow](ctx, env.client, kql, nil)
			if tt.rejected {
				for _, err := range []error{err, rawErr, treeErr} {
					assertDepthError(t, err)
				}
				assert.Nil(t, res)
				return
			}
			if tt.tooDeep {
				for _, err := range []error{err, rawErr, treeErr} {
					var ce *sentinel.ColumnError
					require.ErrorAs(t, err, &ce)
					assert.Equal(t, "PrimaryResult", ce.Table)
					assert.Equal(t, 1, ce.Row)
					assert.Equal(t, "D", ce.Column)
					assert.Contains(t, err.Error(), "deeper than 10000 levels")
					assert.Less(t, len(err.Error()), 2000)
				}
				assert.Nil(t, res)
				return
			}
			require.NoError(t, err)
			require.NoError(t, rawErr)
			require.NoError(t, treeErr)
			tbl := res.PrimaryResult()
			require.Equal(t, 3, tbl.Len())
			require.Len(t, raws, 3)
			require.Len(t, trees, 3)
			v := tbl.Row(1).Get("D")
			var tree any
			decodeErr := v.Decode(&tree)
			if tt.depth > 0 {
				// It converts: as JSON, as a Go tree, in a struct.
				want := tt.cell
				if tt.cell[0] == '"' {
					require.NoError(t, json.Unmarshal([]byte(tt.cell), &want))
				}
				assert.Equal(t, want, string(v.Dynamic()))
				assert.Equal(t, want, string(raws[1].D))
				require.NoError(t, decodeErr)
				assert.Equal(t, tt.depth, depthOf(tree))
				assert.Equal(t, want, string(trees[1].D.(json.RawMessage)), "an any field of a dynamic column gets the JSON")
				assert.Equal(t, want, string(trees[1].V.Dynamic()))
				var typed []any
				if strings.HasPrefix(want, "[") {
					require.NoError(t, v.Decode(&typed))
					assert.Equal(t, tt.depth, depthOf(typed))
				}
			} else {
				// A string that is not JSON comes back as the string it is, and decoding it
				// into anything but a string fails.
				assert.Equal(t, tt.cell, string(v.Dynamic()))
				assert.Equal(t, tt.cell, string(raws[1].D))
				require.NoError(t, decodeErr)
				assert.IsType(t, "", tree)
				var typed []any
				err := v.Decode(&typed)
				require.Error(t, err)
				assert.Less(t, len(err.Error()), 2000)
				_, _, err = sentinel.QueryInto[struct {
					D []any
				}](ctx, env.client, kql, nil)
				var ce *sentinel.ColumnError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, "D", ce.Column)
				assert.Equal(t, 1, ce.Row)
				assert.Less(t, len(err.Error()), 2000)
			}
			// The rows around it are intact.
			assert.Equal(t, "[]", string(raws[0].D))
			assert.Equal(t, 3, raws[2].N)
			assert.Equal(t, "[]", string(trees[2].V.Dynamic()))
			values, err := tbl.Row(1).Values()
			require.NoError(t, err)
			assert.Len(t, values, 3)
		})
	}
}

func TestHostileDeeplyNestedEntityData(t *testing.T) {
	// An entity's additionalData sits at depth 5 of the entities answer
	// ({"entities":[{"properties":{"additionalData":{"deep":), and an alert's
	// resourceIdentifiers at depth 5 of the alerts answer ({"value":[{"properties":
	// {"resourceIdentifiers":[): up to 9,990 levels fit within the decoder's limit.
	account := func(deep string) string {
		return `{"id":"/x/Entities/acc","name":"acc","kind":"Account","properties":{"accountName":"alice","upnSuffix":"contoso.com",` +
			`"additionalData":{"deep":` + deep + `},"friendlyName":"alice"}}`
	}
	alert := func(deep string) string {
		return `{"id":"/x/Entities/al","name":"al","kind":"SecurityAlert","properties":{"alertDisplayName":"Deep","severity":"High",` +
			`"resourceIdentifiers":[{"type":"AzureResource","deep":` + deep + `}],"alertLink":"https://security.microsoft.com/a"}}`
	}
	const host = `{"id":"/x/Entities/host","name":"host","kind":"Host","properties":{"hostName":"WS-1","friendlyName":"WS-1"}}`
	tests := []struct {
		name     string
		deep     string
		depth    int
		rejected bool
	}{
		{name: "9,990 arrays", deep: nestedArrays(9_990), depth: 9_990},
		{name: "9,990 objects", deep: nestedObjects(9_990), depth: 9_990},
		{name: "10,000 arrays", deep: nestedArrays(10_000), rejected: true},
		{name: "1,000,000 arrays", deep: nestedArrays(1_000_000), rejected: true},
		{name: "1,000,000 unclosed arrays", deep: strings.Repeat("[", 1_000_000), rejected: true},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			inc := newIncident(t, env)
			require.True(t, env.srv.Data().SetIncidentEntities(inc, []byte("["+host+","+account(tt.deep)+","+alert(tt.deep)+"]")))
			require.True(t, env.srv.Data().SetIncidentAlerts(inc, []byte("["+alert(tt.deep)+"]")))

			// Their time is no test's business (it depends on the machine's load); see
			// BenchmarkDeeplyNestedEntities.
			ents, entErr := env.client.ListEntities(inc, nil).Collect(ctx, 0)
			alerts, alertErr := env.client.ListAlerts(inc, nil).Collect(ctx, 0)
			details, detailsErr := env.client.GetIncidentDetails(ctx, inc, nil)
			_, unmarshalErr := sentinel.UnmarshalEntity([]byte(account(tt.deep)))
			if tt.rejected {
				assertDepthError(t, entErr)
				assertDepthError(t, alertErr)
				assert.Nil(t, alerts)
				// One part of the details fails; the others are there.
				var ide *sentinel.IncidentDetailsError
				require.ErrorAs(t, detailsErr, &ide)
				assert.ElementsMatch(t, []sentinel.IncidentPart{sentinel.PartAlerts, sentinel.PartEntities}, keys(ide.Errors))
				assert.Equal(t, inc, details.Incident.Name)
				// On its own the entity is nested as deeply (its value starts at depth 4).
				var se *jsontext.SyntacticError
				require.ErrorAs(t, unmarshalErr, &se)
				return
			}
			require.NoError(t, entErr)
			require.NoError(t, alertErr)
			require.NoError(t, detailsErr)
			require.NoError(t, unmarshalErr)

			require.Len(t, ents, 3)
			acc := ents[1].(*sentinel.AccountEntity)
			assert.NoError(t, acc.DecodeError())
			assert.Equal(t, "alice@contoso.com", acc.UPN())
			assert.Equal(t, tt.depth, depthOf(acc.AdditionalData["deep"]))

			require.Len(t, alerts, 1)
			assert.Equal(t, "Deep", alerts[0].DisplayName)
			require.Len(t, alerts[0].ResourceIdentifiers, 1)
			assert.Equal(t, tt.depth, depthOf(alerts[0].ResourceIdentifiers[0]["deep"]))
			assert.Len(t, details.Alerts, 1)
			assert.Len(t, details.Enriched, 3)

			// They are written back as read.
			assert.JSONEq(t, account(tt.deep), string(marshal(t, acc)))
			assert.JSONEq(t, alert(tt.deep), string(marshal(t, alerts[0])))
			_, err := sentinel.MarshalJSON(ents)
			require.NoError(t, err)
		})
	}
}

func keys[K comparable, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
