package sentineltest_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sentinel-go/sentinel/sentineltest"
)

// FuzzRoutes sends arbitrary methods, paths and bodies to the emulator: whatever it is
// asked, it answers with a request ID, and every error is the service's JSON error shape.
// Seeds are in testdata/fuzz/FuzzRoutes.
func FuzzRoutes(f *testing.F) {
	srv := sentineltest.NewServer()
	f.Cleanup(srv.Close)
	methods := []string{"GET", "PUT", "DELETE", "PATCH", "POST"}
	f.Fuzz(func(t *testing.T, m uint8, target, body string) {
		u, err := url.ParseRequestURI(target)
		if err != nil || !strings.HasPrefix(target, "/") {
			return
		}
		r := httptest.NewRequest(methods[int(m)%len(methods)], "https://emulator.test"+u.RequestURI(), strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+sentineltest.Token)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Header().Get("x-ms-request-id") == "" {
			t.Fatalf("%s %s: %d without a request ID", r.Method, target, w.Code)
		}
		if w.Code < 400 {
			return
		}
		var e struct {
			Error *struct {
				Code    *string `json:"code"`
				Message *string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error == nil || e.Error.Code == nil || e.Error.Message == nil {
			t.Fatalf("%s %s: %d with %q, not the service's error shape", r.Method, target, w.Code, w.Body.String())
		}
		if !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s %s: %d as %q", r.Method, target, w.Code, w.Header().Get("Content-Type"))
		}
	})
}
