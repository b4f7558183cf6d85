package sentinel

import (
	"io"
	"net/http"
	"reflect"
	"testing"
)

// DecodeQueryResponse decodes a Log Analytics query response body with status 200 as Query
// does; for decoder tests, fuzzing and benchmarks.
func DecodeQueryResponse(r io.Reader) (*QueryResult, error) {
	return readQueryResponse(fakeResponse(r), nil)
}

// DecodeQueryResponseInto decodes a response body as QueryInto does.
func DecodeQueryResponseInto[T any](r io.Reader) ([]T, *QueryResult, error) {
	si, err := structInfoFor(reflect.TypeFor[T]())
	if err != nil {
		return nil, nil, err
	}
	var rows rowBlocks[T]
	sink := &typedSink{info: si, newRow: rows.next}
	res, err := readQueryResponse(fakeResponse(r), sink)
	if res == nil {
		return nil, nil, err
	}
	return rows.slice(), res, err
}

func fakeResponse(r io.Reader) *http.Response {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}, Body: io.NopCloser(r)}
}

// SetMaxQueryBody changes the response size limit and returns a function restoring it.
func SetMaxQueryBody(n int64) func() {
	old := maxQueryBody
	maxQueryBody = n
	return func() { maxQueryBody = old }
}

// ReportPeakHeap is reportPeakHeap, for the benchmarks of package sentinel_test.
func ReportPeakHeap(b *testing.B, body int, f func()) { reportPeakHeap(b, body, f) }
