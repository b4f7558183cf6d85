package sentinel_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel"
)

// benchSignIn is the typed row of the benchmark table.
type benchSignIn struct {
	TimeGenerated     time.Time
	UserPrincipalName string
	AppDisplayName    string
	IPAddress         string
	Location          string
	ResultType        string
	IsInteractive     bool
	DurationMs        int64
}

const benchRows = 50000

// signinLogsBody returns a query response of n SigninLogs-like rows with 8 columns.
func signinLogsBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"tables":[{"name":"PrimaryResult","columns":[` +
		`{"name":"TimeGenerated","type":"datetime"},{"name":"UserPrincipalName","type":"string"},` +
		`{"name":"AppDisplayName","type":"string"},{"name":"IPAddress","type":"string"},` +
		`{"name":"Location","type":"string"},{"name":"ResultType","type":"string"},` +
		`{"name":"IsInteractive","type":"bool"},{"name":"DurationMs","type":"long"}],"rows":[`)
	users := []string{"alice.jones", "bob.smith", "carol.white", "dave.brown", "erin.miller"}
	apps := []string{"Azure Portal", "Microsoft Teams", "Office 365 Exchange Online", "Microsoft Azure CLI"}
	locs := []string{"US", "GB", "DE", "NL", "RU"}
	results := []string{"0", "0", "0", "50126", "53003"}
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		ts := start.Add(time.Duration(i) * 1733 * time.Millisecond).Format("2006-01-02T15:04:05.0000000Z")
		fmt.Fprintf(&b, `["%s","%s@contoso.com","%s","203.0.%d.%d","%s","%s",%t,%d]`,
			ts, users[i%len(users)], apps[i%len(apps)], i%256, (i/256)%256, locs[i%len(locs)], results[i%len(results)], i%3 != 0, 40+i*7%5000)
	}
	b.WriteString(`]}]}`)
	return b.Bytes()
}

// azqueryShape decodes results the way the generated azquery/azlogs models do: each object
// is first split into a map of raw members, then each member is unmarshaled on its own, and
// rows become [][]any through encoding/json (long values as float64).
type azqueryShape struct {
	Tables []azqueryTable
}

func (r *azqueryShape) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, v := range raw {
		if k == "tables" {
			if err := json.Unmarshal(v, &r.Tables); err != nil {
				return err
			}
		}
	}
	return nil
}

type azqueryTable struct {
	Name    *string
	Columns []*struct{ Name, Type *string }
	Rows    [][]any
}

func (t *azqueryTable) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, v := range raw {
		var err error
		switch k {
		case "name":
			err = json.Unmarshal(v, &t.Name)
		case "columns":
			err = json.Unmarshal(v, &t.Columns)
		case "rows":
			err = json.Unmarshal(v, &t.Rows)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkQueryDecode decodes a 50,000-row, 8-column SigninLogs-like response. Metrics are
// per row. "floor-tokenize" only tokenizes the body and "floor-cells" reads each cell as one
// value, both without producing anything; "azquery-shape" decodes as the official client's
// generated models do, into [][]any.
func BenchmarkQueryDecode(b *testing.B) {
	body := signinLogsBody(benchRows)
	run := func(b *testing.B, f func() error) {
		b.SetBytes(int64(len(body)))
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		cpu0 := cpuTime()
		b.ResetTimer()
		n := 0
		for b.Loop() {
			if err := f(); err != nil {
				b.Fatal(err)
			}
			n++
		}
		b.StopTimer()
		cpu := cpuTime() - cpu0
		runtime.ReadMemStats(&after)
		rows := float64(n) * benchRows
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/rows, "ns/row")
		b.ReportMetric(float64(after.Mallocs-before.Mallocs)/rows, "allocs/row")
		// CPU time of the process (GC included) is steadier than wall time on a busy machine.
		b.ReportMetric(float64(cpu.Nanoseconds())/rows, "cpu-ns/row")
	}
	b.Run("floor-tokenize", func(b *testing.B) {
		run(b, func() error {
			dec := jsontext.NewDecoder(bytes.NewReader(body))
			for {
				if _, err := dec.ReadToken(); err != nil {
					if err == io.EOF {
						return nil
					}
					return err
				}
			}
		})
	})
	b.Run("floor-cells", func(b *testing.B) {
		// The decoder's structure without conversions: one ReadValue per cell.
		run(b, func() error {
			dec := jsontext.NewDecoder(bytes.NewReader(body))
			for {
				switch dec.PeekKind() {
				case '{', '[', '}', ']':
					if _, err := dec.ReadToken(); err != nil {
						return err
					}
				case 0:
					_, err := dec.ReadToken()
					if err == io.EOF {
						return nil
					}
					return err
				default:
					if dec.StackDepth() > 0 {
						if _, err := dec.ReadValue(); err != nil {
							return err
						}
					}
				}
			}
		})
	})
	b.Run("azquery-shape", func(b *testing.B) {
		run(b, func() error {
			var r azqueryShape
			return json.Unmarshal(body, &r)
		})
	})
	b.Run("QueryInto-typed", func(b *testing.B) {
		run(b, func() error {
			rows, _, err := sentinel.DecodeQueryResponseInto[benchSignIn](bytes.NewReader(body))
			if err == nil && len(rows) != benchRows {
				err = fmt.Errorf("got %d rows", len(rows))
			}
			return err
		})
	})
	b.Run("stored+DecodeTable-typed", func(b *testing.B) {
		run(b, func() error {
			res, err := sentinel.DecodeQueryResponse(bytes.NewReader(body))
			if err != nil {
				return err
			}
			rows, err := sentinel.DecodeTable[benchSignIn](res.PrimaryResult())
			if err == nil && len(rows) != benchRows {
				err = fmt.Errorf("got %d rows", len(rows))
			}
			return err
		})
	})
	b.Run("stored-only", func(b *testing.B) {
		run(b, func() error {
			_, err := sentinel.DecodeQueryResponse(bytes.NewReader(body))
			return err
		})
	})
	b.Run("generic-Values", func(b *testing.B) {
		run(b, func() error {
			res, err := sentinel.DecodeQueryResponse(bytes.NewReader(body))
			if err != nil {
				return err
			}
			for _, row := range res.PrimaryResult().Rows() {
				if _, err := row.Values(); err != nil {
					return err
				}
			}
			return nil
		})
	})
	b.Run("generic-Value-accessors", func(b *testing.B) {
		run(b, func() error {
			res, err := sentinel.DecodeQueryResponse(bytes.NewReader(body))
			if err != nil {
				return err
			}
			for _, row := range res.PrimaryResult().Rows() {
				if _, err := row.Value(0).Time(); err != nil {
					return err
				}
				_ = row.Value(1).String()
				if _, err := row.Value(7).Int64(); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// BenchmarkQueryDecodeDynamic compares, in memory, QueryInto into memSignIn (8 columns, one
// of them a dynamic value sent as a string holding JSON, as bench/'s KQLDecode) with a
// jsontext pass that only tokenizes the same body: the decoder's own cost against the floor
// that bench/ measures end to end. Metrics are per row.
func BenchmarkQueryDecodeDynamic(b *testing.B) {
	body := signinBody(benchRows)
	for _, tc := range []struct {
		name string
		f    func() error
	}{
		{"floor-tokenize", func() error {
			dec := jsontext.NewDecoder(bytes.NewReader(body))
			for {
				if _, err := dec.ReadToken(); err != nil {
					if err == io.EOF {
						return nil
					}
					return err
				}
			}
		}},
		{"QueryInto", func() error {
			rows, _, err := sentinel.DecodeQueryResponseInto[memSignIn](bytes.NewReader(body))
			if err == nil && len(rows) != benchRows {
				err = fmt.Errorf("got %d rows", len(rows))
			}
			return err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			cpu0 := cpuTime()
			for b.Loop() {
				if err := tc.f(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
			b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/float64(b.N*benchRows), "cpu-ns/row")
		})
	}
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestBenchmarkBodyDecodes keeps the benchmark's input honest.
func TestBenchmarkBodyDecodes(t *testing.T) {
	body := signinLogsBody(10)
	rows, _, err := sentinel.DecodeQueryResponseInto[benchSignIn](bytes.NewReader(body))
	if err != nil || len(rows) != 10 || !strings.HasSuffix(rows[3].UserPrincipalName, "@contoso.com") || rows[1].DurationMs != 47 {
		t.Fatalf("rows %+v, err %v", rows, err)
	}
}
