package defender

import (
	"bytes"
	"io"
	"net/http"
	"net/url"

	"github.com/sentinel-go/sentinel/internal/pipeline"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// SetClock makes the client's throttling policy use clk; for tests in package defender_test.
func SetClock(o *ClientOptions, clk pipeline.Clock) { o.clock = clk }

// SetWatchClock makes a watcher use clk for its start time, intervals and lag.
func SetWatchClock(o *WatchOptions, clk pipeline.Clock) { o.clock = clk }

// DecodeHuntingBody stream-decodes a runHuntingQuery body as HuntingRows does.
func DecodeHuntingBody[T any](body []byte) ([]T, error) {
	p, err := newRowPlan[T]()
	if err != nil {
		return nil, err
	}
	var out []T
	err = p.stream(fakeResponse(body), func(row T, _ error) bool {
		out = append(out, row)
		return true
	})
	return out, err
}

// DecodeIncidentPage decodes a page of incidents as ListIncidents does.
func DecodeIncidentPage(body []byte) ([]Incident, string, error) {
	return rest.DecodePage(fakeResponse(body), nil, "", rest.DecodeItem[Incident], "@odata.nextLink")
}

func fakeResponse(body []byte) *http.Response {
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(bytes.NewReader(body)),
		Request: &http.Request{Method: http.MethodGet, URL: &url.URL{Scheme: "https", Host: "graph.microsoft.com", Path: "/v1.0/security/incidents"}}}
}
