package sentineltest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// graphDo sends a raw request to the emulator's Graph host.
func graphDo(t *testing.T, s *Server, method, path, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.GraphEndpoint()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+Token)
	req.Header.Set("client-request-id", "cid-1")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := s.HTTPClient().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		require.NoError(t, json.Unmarshal(b, &m), "%s", b)
	}
	return resp.StatusCode, resp.Header, m
}

func TestGraphPagingAndFilter(t *testing.T) {
	s := NewServer()
	defer s.Close()
	for i := range 5 {
		s.Graph().CreateIncident(map[string]any{"displayName": "i", "severity": []string{"high", "low"}[i%2],
			"customTags": []any{"Tag" + string(rune('A'+i))}, "createdDateTime": "2026-01-0" + string(rune('1'+i)) + "T00:00:00Z"})
	}
	status, _, page := graphDo(t, s, "GET", "/v1.0/security/incidents?$top=2&$count=true", "")
	require.Equal(t, 200, status)
	assert.EqualValues(t, 5, page["@odata.count"])
	value := page["value"].([]any)
	require.Len(t, value, 2)
	assert.Equal(t, "2026-01-05T00:00:00Z", value[0].(map[string]any)["createdDateTime"], "newest first")
	next := page["@odata.nextLink"].(string)
	assert.True(t, strings.HasPrefix(next, s.GraphEndpoint()+"/v1.0/security/incidents?"), next)
	assert.Contains(t, next, "$skip=2")

	status, _, page = graphDo(t, s, "GET", "/v1.0/security/incidents?$filter="+strings.ReplaceAll("severity eq 'HIGH' and customTags/any(t: t eq 'tagc')", " ", "%20"), "")
	require.Equal(t, 200, status)
	require.Len(t, page["value"].([]any), 1)

	status, h, page := graphDo(t, s, "GET", "/v1.0/security/incidents?$filter=title%20eq%20'x'", "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "cid-1", h.Get("client-request-id"))
	inner := page["error"].(map[string]any)["innerError"].(map[string]any)
	assert.Equal(t, h.Get("request-id"), inner["request-id"])
	assert.Equal(t, "cid-1", inner["client-request-id"])
}

func TestGraphPatchSemantics(t *testing.T) {
	s := NewServer()
	defer s.Close()
	g := s.Graph().CreateIncident(map[string]any{"displayName": "x", "zzKeep": true})
	for _, tt := range []struct {
		body   string
		status int
	}{
		{`{"displayName":"renamed"}`, 400}, // read-only
		{`{"status":"closed"}`, 400},       // not in the enumeration
		{`{"customTags":"vip"}`, 400},      // not a collection
		{`{"assignedTo":null}`, 200},
		{`{"status":"InProgress","customTags":["vip"]}`, 200},
	} {
		status, _, _ := graphDo(t, s, "PATCH", "/v1.0/security/incidents/"+g.ID, tt.body)
		assert.Equal(t, tt.status, status, tt.body)
	}
	m := s.Graph().Incident(g.ID)
	assert.Equal(t, "x", m["displayName"])
	assert.Equal(t, "InProgress", m["status"])
	assert.Equal(t, []any{"vip"}, m["customTags"])
	assert.Equal(t, true, m["zzKeep"])

	// The mirror in Sentinel, and the hosts kept apart.
	sent := s.Incident(g.SentinelName)
	props := sent["properties"].(map[string]any)
	assert.Equal(t, "Microsoft XDR", props["providerName"])
	assert.Equal(t, g.ID, props["providerIncidentId"])
	req, _ := http.NewRequest("GET", s.URL()+"/v1.0/security/incidents", nil)
	req.Header.Set("Authorization", "Bearer "+Token)
	resp, err := s.HTTPClient().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestGraphHuntingValidation(t *testing.T) {
	s := NewServer()
	defer s.Close()
	s.Graph().SetHuntingResult("T | take 1", HuntingResponse{Schema: []HuntingColumn{{Name: "A", Type: "String"}}, Rows: []map[string]any{{"A": "x"}}})
	status, _, m := graphDo(t, s, "POST", "/v1.0/security/runHuntingQuery", `{"Query":"T | take 1","Timespan":"P1D"}`)
	require.Equal(t, 200, status)
	assert.Equal(t, []any{map[string]any{"A": "x"}}, m["results"])
	for _, body := range []string{`{}`, `{"Query":" "}`, `{"Query":"T | take 1","Timespan":"yesterday"}`, `{"Query":"unknown"}`} {
		status, _, _ := graphDo(t, s, "POST", "/v1.0/security/runHuntingQuery", body)
		assert.Equal(t, 400, status, body)
	}
}
