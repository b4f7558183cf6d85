package defender_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/internal/fakeclock"
	"github.com/sentinel-go/sentinel/sentineltest"
)

const processQuery = `DeviceProcessEvents | where InitiatingProcessFileName =~ "powershell.exe" | project Timestamp, DeviceName, FileName, ProcessId, IsElevated, AdditionalFields | limit 3`

// processRow is a row as a caller writes it: a tag, a field matched by name, a field matched
// without regard to case, a dynamic column as raw JSON, a pointer for a nullable value.
type processRow struct {
	When       time.Time `kql:"Timestamp"`
	DeviceName string
	Filename   string
	ProcessID  int64 `kql:"ProcessId"`
	IsElevated *bool
	Extra      json.RawMessage `kql:"AdditionalFields"`
	Ignored    string          `kql:"-"`
}

func processResult() sentineltest.HuntingResponse {
	t0 := time.Date(2026, 3, 26, 9, 39, 50, 768864100, time.UTC)
	return sentineltest.HuntingResponse{
		Schema: []sentineltest.HuntingColumn{{Name: "Timestamp", Type: "DateTime"}, {Name: "DeviceName", Type: "String"}, {Name: "FileName", Type: "String"},
			{Name: "ProcessId", Type: "Int64"}, {Name: "IsElevated", Type: "Boolean"}, {Name: "AdditionalFields", Type: "Object"}},
		Rows: []map[string]any{
			{"Timestamp": t0, "DeviceName": "ws-fin-0142", "FileName": "cmd.exe", "ProcessId": 7412, "IsElevated": true, "AdditionalFields": `{"Parent":"powershell.exe"}`},
			{"Timestamp": t0.Add(-time.Second), "DeviceName": "srv-dc-01", "FileName": "rundll32.exe", "ProcessId": int64(9123372036854775807), "IsElevated": nil, "AdditionalFields": map[string]any{"Parent": "svchost.exe"}},
			{"Timestamp": t0.Add(-2 * time.Second), "DeviceName": "srv-sql-07", "FileName": "whoami.exe", "ProcessId": 12, "IsElevated": false, "AdditionalFields": nil},
		},
	}
}

func TestRunHuntingQuery(t *testing.T) {
	env := newEnv(t)
	env.srv.Graph().SetHuntingResult(processQuery, processResult())
	res, err := env.client.RunHuntingQuery(context.Background(), processQuery, &defender.RunHuntingQueryOptions{Timespan: 7 * 24 * time.Hour})
	require.NoError(t, err)
	require.Len(t, res.Schema, 6)
	assert.Equal(t, defender.HuntingColumn{Name: "ProcessId", Type: "Int64"}, defender.HuntingColumn{Name: res.Schema[3].Name, Type: res.Schema[3].Type})
	require.Len(t, res.Results, 3)

	rows, err := defender.DecodeHuntingRows[processRow](res)
	require.NoError(t, err)
	checkProcessRows(t, rows)

	r := env.graphRequests()[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, "/v1.0/security/runHuntingQuery", r.Path)
	assert.Equal(t, "application/json; charset=utf-8", r.Header.Get("Content-Type"))
	assert.JSONEq(t, `{"Query":`+quote(processQuery)+`,"Timespan":"P7D"}`, string(r.Body))
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func checkProcessRows(t *testing.T, rows []processRow) {
	t.Helper()
	require.Len(t, rows, 3)
	assert.Equal(t, time.Date(2026, 3, 26, 9, 39, 50, 768864100, time.UTC), rows[0].When)
	assert.Equal(t, "ws-fin-0142", rows[0].DeviceName)
	assert.Equal(t, "cmd.exe", rows[0].Filename, "matched without regard to case")
	assert.Equal(t, int64(7412), rows[0].ProcessID)
	require.NotNil(t, rows[0].IsElevated)
	assert.True(t, *rows[0].IsElevated)
	assert.JSONEq(t, `{"Parent":"powershell.exe"}`, string(rows[0].Extra), "JSON sent as a string is handed over as JSON")
	assert.Equal(t, int64(9123372036854775807), rows[1].ProcessID, "every bit of a long")
	assert.Nil(t, rows[1].IsElevated, "null leaves the pointer nil")
	assert.JSONEq(t, `{"Parent":"svchost.exe"}`, string(rows[1].Extra))
	assert.Equal(t, "null", string(rows[2].Extra))
}

func TestHuntingIntoAndRows(t *testing.T) {
	env := newEnv(t)
	env.srv.Graph().SetHuntingResult(processQuery, processResult())
	rows, err := defender.HuntingInto[processRow](context.Background(), env.client, processQuery, nil)
	require.NoError(t, err)
	checkProcessRows(t, rows)
	assert.JSONEq(t, `{"Query":`+quote(processQuery)+`}`, string(env.graphRequests()[0].Body), "no Timespan: the service's default")

	var names []string
	for row, err := range defender.HuntingRows[processRow](context.Background(), env.client, processQuery, nil) {
		require.NoError(t, err)
		names = append(names, row.DeviceName)
		if len(names) == 2 {
			break
		}
	}
	assert.Equal(t, []string{"ws-fin-0142", "srv-dc-01"}, names)
}

func TestHuntingOptionsAndErrors(t *testing.T) {
	env := newEnv(t)
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	env.srv.Graph().HandleHunting(func(r sentineltest.HuntingRequest) (sentineltest.HuntingResponse, bool) {
		return sentineltest.HuntingResponse{Schema: []sentineltest.HuntingColumn{{Name: "Timespan", Type: "String"}}, Rows: []map[string]any{{"Timespan": r.Timespan}}}, r.Query == "echo"
	})
	type echo struct{ Timespan string }
	tests := []struct {
		name string
		opts *defender.RunHuntingQueryOptions
		want string
	}{
		{"start and end", &defender.RunHuntingQueryOptions{Start: start, End: start.Add(48 * time.Hour)}, "2026-03-01T00:00:00Z/2026-03-03T00:00:00Z"},
		{"start only", &defender.RunHuntingQueryOptions{Start: start}, "2026-03-01T00:00:00Z"},
		{"duration", &defender.RunHuntingQueryOptions{Timespan: 36 * time.Hour}, "P1DT12H"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := defender.HuntingInto[echo](context.Background(), env.client, "echo", tt.opts)
			require.NoError(t, err)
			require.Len(t, rows, 1)
			assert.Equal(t, tt.want, rows[0].Timespan)
		})
	}

	env.srv.ResetRequests()
	for _, o := range []*defender.RunHuntingQueryOptions{
		{Timespan: -time.Hour}, {Timespan: time.Hour, Start: start}, {End: start}, {Start: start, End: start},
	} {
		_, err := env.client.RunHuntingQuery(context.Background(), "echo", o)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "%+v", o)
	}
	for _, q := range []string{"", "  ", "bad \xff utf-8"} {
		_, err := env.client.RunHuntingQuery(context.Background(), q, nil)
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "%q", q)
	}
	assert.Empty(t, env.srv.Requests())

	// A query the service refuses, and a value that does not fit its field.
	_, err := env.client.RunHuntingQuery(context.Background(), "DeviceEvents | nonsense", nil)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)
	type wrong struct {
		Timespan int
	}
	_, err = defender.HuntingInto[wrong](context.Background(), env.client, "echo", &defender.RunHuntingQueryOptions{Start: start})
	var ce *sentinel.ColumnError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 0, ce.Row)
	assert.Equal(t, "Timespan", ce.Column)
	type missing struct {
		X string `kql:"NoSuchColumn"`
	}
	_, err = defender.HuntingInto[missing](context.Background(), env.client, "echo", &defender.RunHuntingQueryOptions{Start: start})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, -1, ce.Row)
	_, err = defender.HuntingInto[int](context.Background(), env.client, "echo", nil)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
}

// TestHuntingThrottled waits out a 429 (the tenant's hunting quota) within the throttling
// budget, on the client's clock.
func TestHuntingThrottled(t *testing.T) {
	clk := fakeclock.New(time.Now())
	env := newEnv(t, func(o *defender.ClientOptions) { defender.SetClock(o, clk) })
	env.srv.Graph().SetHuntingResult(processQuery, processResult())
	env.srv.Throttle(2, "30")
	rows, err := defender.HuntingInto[processRow](context.Background(), env.client, processQuery, nil)
	require.NoError(t, err)
	assert.Len(t, rows, 3)
	assert.Equal(t, []time.Duration{30 * time.Second, 30 * time.Second}, clk.Sleeps())

	env.srv.Throttle(1, "600")
	_, err = env.client.RunHuntingQuery(context.Background(), processQuery, nil)
	assert.ErrorIs(t, err, sentinel.ErrThrottled, "beyond the budget (5 minutes)")
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 600*time.Second, re.RetryAfter)
	assert.Equal(t, "TooManyRequests", re.ErrorCode)
}

func TestHuntingFixtureDecodes(t *testing.T) {
	data, err := os.ReadFile("testdata/hunting.json")
	require.NoError(t, err)
	var res defender.HuntingResult
	require.NoError(t, sentinel.UnmarshalJSON(data, &res))
	type row struct {
		Timestamp        time.Time
		DeviceName       string
		ProcessId        uint64 //nolint:revive // the column's name
		IsElevated       bool
		AdditionalFields map[string]string
		Score            *float64
	}
	rows, err := defender.DecodeHuntingRows[row](res)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, map[string]string{"ParentProcessName": "powershell.exe"}, rows[0].AdditionalFields)
	assert.Equal(t, uint64(9123372036854775807), rows[1].ProcessId)
	assert.Nil(t, rows[1].Score)
	assert.InDelta(t, 0.93, *rows[0].Score, 1e-9)
}

// TestHuntingDecodeAgreesWithDecodeTable: the streaming and the whole-result decoders map
// columns as sentinel.DecodeTable does (each field finds its column, exact name first),
// refuse a missing required column also when the schema is missing, and decode an Object
// sent as a string holding JSON with field names matched without regard to case and white
// space around it.
func TestHuntingDecodeAgreesWithDecodeTable(t *testing.T) {
	type caseRow struct{ Name string }
	body := `{"schema":[{"name":"Name","type":"String"},{"name":"name","type":"String"}],"results":[{"Name":"a","name":"b"}]}`
	rows, err := defender.DecodeHuntingBody[caseRow]([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, []caseRow{{Name: "a"}}, rows, "the exact column wins, as in DecodeTable")
	var res defender.HuntingResult
	require.NoError(t, sentinel.UnmarshalJSON([]byte(body), &res))
	whole, err := defender.DecodeHuntingRows[caseRow](res)
	require.NoError(t, err)
	assert.Equal(t, rows, whole)

	type required struct {
		Device string `kql:"DeviceName"`
	}
	_, err = defender.DecodeHuntingBody[required]([]byte(`{"results":[{"Other":"x"}]}`))
	var ce *sentinel.ColumnError
	require.ErrorAs(t, err, &ce, "no schema: the required column is missing, as for DecodeHuntingRows")
	assert.Equal(t, "DeviceName", ce.Column)

	type details struct{ ParentProcessName string }
	type objRow struct{ Details details }
	rows2, err := defender.DecodeHuntingBody[objRow]([]byte(`{"schema":[{"name":"Details","type":"Object"}],"results":[{"Details":" {\"parentProcessName\":\"p\"}"}]}`))
	require.NoError(t, err)
	assert.Equal(t, []objRow{{Details: details{ParentProcessName: "p"}}}, rows2)
}
