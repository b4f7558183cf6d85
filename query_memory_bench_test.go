package sentinel_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// memSignIn is the row of the memory benchmarks: the 8 columns of bench/'s KQL benchmark,
// six types, a dynamic value among them.
type memSignIn struct {
	TimeGenerated     time.Time
	UserPrincipalName string
	AppDisplayName    string
	IPAddress         string
	ResultType        string
	IsInteractive     bool
	DurationMs        int64
	DeviceDetail      json.RawMessage
}

// signinBody returns a query response of n SigninLogs rows of memSignIn's columns, as the
// emulator encodes them: 10,000 generated rows, repeated.
func signinBody(n int) []byte {
	const unique = 10_000
	tbl := sentineltest.SigninLogs(unique, time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)).Project(
		"TimeGenerated", "UserPrincipalName", "AppDisplayName", "IPAddress", "ResultType", "IsInteractive", "DurationMs", "DeviceDetail")
	one := sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}}.Encode()
	start := bytes.Index(one, []byte(`"rows":[`)) + len(`"rows":[`)
	end := bytes.LastIndex(one, []byte(`]}]`))
	rows := one[start:end]
	var b bytes.Buffer
	b.Grow(len(one) * (n/unique + 1))
	b.Write(one[:start])
	for i := 0; i < n/unique; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(rows)
	}
	b.Write(one[end:])
	return b.Bytes()
}

// BenchmarkQueryMemory reports the peak heap growth ("peak-heap-MiB", and "peak/body" as a
// multiple of the body) of reading a SigninLogs result of 50,000 and 500,000 rows (13 and
// 133 MiB) through the emulator: QueryRows holding one row at a time, and QueryInto keeping
// all rows. Run it with -benchtime 1x; the time it reports is not a speed measurement.
func BenchmarkQueryMemory(b *testing.B) {
	for _, n := range []int{50_000, 500_000} {
		body := string(signinBody(n)) // served as it is, without a copy per request
		srv := sentineltest.NewServer()
		srv.HandleQueries(func(sentineltest.QueryRequest) (sentineltest.QueryResponse, bool) {
			return sentineltest.QueryResponse{Body: body}, true
		})
		c, err := sentinel.NewClient(workspaceOf(srv.Workspace()), srv.Credential(), &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.Run(fmt.Sprintf("QueryRows/%d", n), func(b *testing.B) {
			sentinel.ReportPeakHeap(b, len(body), func() {
				rows := 0
				for _, err := range sentinel.QueryRows[memSignIn](ctx, c, "SigninLogs", nil) {
					if err != nil {
						b.Fatal(err)
					}
					rows++
				}
				if rows != n {
					b.Fatalf("%d rows", rows)
				}
			})
		})
		b.Run(fmt.Sprintf("QueryInto/%d", n), func(b *testing.B) {
			sentinel.ReportPeakHeap(b, len(body), func() {
				rows, _, err := sentinel.QueryInto[memSignIn](ctx, c, "SigninLogs", nil)
				if err != nil || len(rows) != n {
					b.Fatal(err, len(rows))
				}
			})
		})
		srv.Close()
	}
}
