package sentineltest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatTimespan(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "00:00:00"},
		{5 * time.Minute, "00:05:00"},
		{-5 * time.Minute, "-00:05:00"},
		{26*time.Hour + 3*time.Minute + 4*time.Second + 500*time.Millisecond, "1.02:03:04.5000000"},
		{100 * time.Nanosecond, "00:00:00.0000001"},
		{-(10*24*time.Hour + time.Second), "-10.00:00:01"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, formatTimespan(tt.d), "formatTimespan(%v)", tt.d)
	}
}

func TestEncodeCell(t *testing.T) {
	tests := []struct {
		typ  string
		v    any
		want string
	}{
		{"long", int64(9007199254740993), `9007199254740993`},
		{"datetime", time.Date(2026, 11, 1, 10, 9, 26, 123456700, time.UTC), `"2026-11-01T10:09:26.1234567Z"`},
		{"dynamic", map[string]any{"a": 1}, `"{\"a\":1}"`},
		{"dynamic", json.RawMessage(`{"a":1}`), `{"a":1}`},
		{"dynamic", "text", `"text"`},
		{"real", nanValue(), `"NaN"`},
		{"string", nil, `null`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, string(encodeCell(tt.typ, tt.v)), "encodeCell(%s, %v)", tt.typ, tt.v)
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

func TestQueryEndpointBehaviour(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.SetQueryResult("T", QueryResponse{Tables: []QueryTable{{Name: "PrimaryResult", Columns: []QueryColumn{{"A", "long"}}, Rows: [][]any{{int64(1)}}}}})
	url := s.URL() + "/v1/workspaces/" + s.Workspace().CustomerID + "/query"
	post := func(body, contentType, prefer string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+Token)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if prefer != "" {
			req.Header.Set("Prefer", prefer)
		}
		resp, err := s.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name, body, contentType, prefer string
		status                          int
		contains                        string
	}{
		{"result", `{"query":"T"}`, "application/json", "", 200, `"rows":[[1]]`},
		{"statistics", `{"query":"T"}`, "application/json", "include-statistics=true", 200, `"tableRowCount":1`},
		{"no content type", `{"query":"T"}`, "", "", 200, ""},
		{"no query", `{}`, "application/json", "", 400, "Query is required"},
		{"bad timespan", `{"query":"T","timespan":"yesterday"}`, "application/json", "", 400, "InvalidTimespan"},
		{"interval", `{"query":"T","timespan":"2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"}`, "application/json", "", 200, `"rows"`},
		{"wait too long", `{"query":"T"}`, "application/json", "wait=601", 400, "wait"},
		{"unregistered", `{"query":"U"}`, "application/json", "", 400, "SetQueryResult"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(tt.body, tt.contentType, tt.prefer)
			assert.Equal(t, tt.status, status)
			assert.Contains(t, body, tt.contains)
			if tt.contains == "" {
				assert.Empty(t, body)
			}
		})
	}
}

func TestWorkspaceResource(t *testing.T) {
	s := NewServer(WithBasePath("/arm"))
	defer s.Close()
	ws := s.Workspace()
	req, _ := http.NewRequest(http.MethodGet, s.Endpoint()+"/subscriptions/"+ws.SubscriptionID+"/resourceGroups/"+ws.ResourceGroup+"/providers/Microsoft.OperationalInsights/workspaces/"+ws.Name+"?api-version=2022-10-01", nil)
	req.Header.Set("Authorization", "Bearer "+Token)
	resp, err := s.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var got struct {
		Name       string
		Properties struct{ CustomerID string }
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, ws.Name, got.Name)
	assert.Equal(t, ws.CustomerID, got.Properties.CustomerID)
}

func TestSigninLogsDeterministic(t *testing.T) {
	end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	a, b := SigninLogs(50, end), SigninLogs(50, end)
	ea, eb := QueryResponse{Tables: []QueryTable{a}}.Encode(), QueryResponse{Tables: []QueryTable{b}}.Encode()
	assert.Equal(t, string(ea), string(eb), "deterministic")
	assert.True(t, json.Valid(ea))
	p := a.Project("UserPrincipalName", "TimeGenerated")
	assert.Equal(t, []QueryColumn{{"UserPrincipalName", "string"}, {"TimeGenerated", "datetime"}}, p.Columns)
	assert.Equal(t, a.Rows[3][1], p.Rows[3][0])
	assert.Panics(t, func() { a.Project("Nope") })
}
