package errs

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func response(status int, header http.Header, body string) *http.Response {
	u, _ := url.Parse("https://graph.microsoft.com/v1.0/security/incidents/1?$expand=alerts")
	req := &http.Request{Method: http.MethodGet, URL: u, Header: http.Header{"Authorization": {"Bearer secret-token-123"}}}
	if header == nil {
		header = http.Header{}
	}
	return &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader([]byte(body))), Request: req}
}

// TestOneMapperForEveryErrorShape maps the error bodies of ARM, Log Analytics and Microsoft
// Graph to one ResponseError.
func TestOneMapperForEveryErrorShape(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		header        http.Header
		body          string
		code, message string
		requestID     string
		correlation   string
		details       []ErrorDetail
		is            error
	}{
		{"ARM", 404, http.Header{"X-Ms-Request-Id": {"arm-1"}, "X-Ms-Correlation-Request-Id": {"corr-1"}},
			`{"error":{"code":"ResourceNotFound","message":"gone","details":[{"code":"Inner","message":"deeper"}]}}`,
			"ResourceNotFound", "gone", "arm-1", "corr-1", []ErrorDetail{{Code: "Inner", Message: "deeper"}}, ErrNotFound},
		{"Graph, IDs in headers", 404, http.Header{"Request-Id": {"g-1"}, "Client-Request-Id": {"c-1"}},
			`{"error":{"code":"NotFound","message":"Incident 1 was not found.","innerError":{"date":"2026-01-01T00:00:00","request-id":"g-1","client-request-id":"c-1"}}}`,
			"NotFound", "Incident 1 was not found.", "g-1", "c-1", nil, ErrNotFound},
		{"Graph, IDs only in innerError", 403, nil,
			`{"error":{"code":"Forbidden","message":"Missing role","innerError":{"date":"2026-01-01T00:00:00","request-id":"g-2","client-request-id":"c-2"}}}`,
			"Forbidden", "Missing role", "g-2", "c-2", nil, ErrForbidden},
		{"Graph, innererror spelling with a nested code", 400, nil,
			`{"error":{"code":"badRequest","message":"Invalid filter","innererror":{"code":"invalidRange","message":"bad date","request-id":"g-3"}}}`,
			"badRequest", "Invalid filter", "g-3", "", []ErrorDetail{{Code: "invalidRange", Message: "bad date"}}, ErrBadRequest},
		{"Graph throttling", 429, http.Header{"Retry-After": {"7"}},
			`{"error":{"code":"TooManyRequests","message":"Too many requests","innerError":{}}}`,
			"TooManyRequests", "Too many requests", "", "", nil, ErrThrottled},
		{"Log Analytics", 400, nil,
			`{"error":{"code":"BadArgumentError","message":"The request had some invalid properties","innererror":{"code":"SyntaxError","message":"A recognition error occurred"}}}`,
			"BadArgumentError", "The request had some invalid properties", "", "", []ErrorDetail{{Code: "SyntaxError", Message: "A recognition error occurred"}}, ErrBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := NewResponseError(response(tt.status, tt.header, tt.body), time.Now())
			assert.Equal(t, tt.status, e.StatusCode)
			assert.Equal(t, tt.code, e.ErrorCode)
			assert.Equal(t, tt.message, e.Message)
			assert.Equal(t, tt.requestID, e.RequestID)
			assert.Equal(t, tt.correlation, e.CorrelationID)
			assert.Equal(t, tt.details, e.Details)
			assert.ErrorIs(t, e, tt.is)
			assert.Equal(t, "https://graph.microsoft.com/v1.0/security/incidents/1", e.URL, "without the query")
			assert.NotContains(t, e.Error(), "secret-token-123")
		})
	}
}

// TestGraphErrorInASuccessBody classifies an error object of a 200 answer by its Graph code.
func TestGraphErrorInASuccessBody(t *testing.T) {
	for code, want := range map[string]error{
		"itemNotFound": ErrNotFound, "accessDenied": ErrForbidden, "unauthenticated": ErrUnauthorized,
		"activityLimitReached": ErrThrottled, "generalException": ErrServer, "invalidRequest": ErrBadRequest,
		"resourceModified": ErrConflict,
	} {
		resp := response(200, http.Header{"Request-Id": {"r"}}, "")
		dec := jsontext.NewDecoder(bytes.NewReader([]byte(`{"code":"` + code + `","message":"m","innerError":{"request-id":"r2"}}`)))
		err := ErrorFromObject(dec, resp)
		var re *ResponseError
		require.True(t, errors.As(err, &re), code)
		assert.ErrorIs(t, err, want, code)
		assert.Equal(t, "r", re.RequestID, "the header wins over innerError")
	}
}
