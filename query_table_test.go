package sentinel_test

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/query/" + name)
	require.NoError(t, err)
	return b
}

func decodeFixture(t *testing.T, name string) *sentinel.QueryResult {
	t.Helper()
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(string(readFixture(t, name))))
	require.NoError(t, err)
	return res
}

// allTypes is a struct for testdata/query/alltypes.json.
type allTypes struct {
	Flag          bool
	TimeGenerated time.Time
	Props         json.RawMessage
	ID            string `kql:"Id"`
	Count         int32
	Big           int64
	Score         float64
	Name          string
	Elapsed       time.Duration
	Amount        string
}

func TestQueryColumnTypesTyped(t *testing.T) {
	res := decodeFixture(t, "alltypes.json")
	require.Len(t, res.Tables, 1)
	tbl := res.PrimaryResult()
	require.Equal(t, 3, tbl.Len())
	rows, err := sentinel.DecodeTable[allTypes](tbl)
	require.NoError(t, err)
	require.Len(t, rows, 3)

	r := rows[0]
	assert.True(t, r.Flag)
	assert.Equal(t, time.Date(2026, 11, 1, 10, 9, 26, 123456700, time.UTC), r.TimeGenerated)
	assert.JSONEq(t, `{"os":"Windows 10","tags":["a","b"]}`, string(r.Props), "a dynamic sent as a JSON string")
	assert.Equal(t, "6f1c1d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f", r.ID)
	assert.Equal(t, int32(42), r.Count)
	assert.Equal(t, int64(9007199254740993), r.Big, "a long above 2^53 keeps its precision")
	assert.Equal(t, 3.5, r.Score)
	assert.Equal(t, "alice@contoso.com", r.Name)
	assert.Equal(t, 26*time.Hour+3*time.Minute+4*time.Second+500*time.Millisecond, r.Elapsed, "a timespan over a day")
	assert.Equal(t, "12345678901234567890.123456789", r.Amount)

	r = rows[1]
	assert.False(t, r.Flag)
	assert.JSONEq(t, `{"os":"macOS","tags":[]}`, string(r.Props), "a dynamic sent as an object")
	assert.Equal(t, int64(math.MinInt64), r.Big)
	assert.True(t, math.IsNaN(r.Score))
	assert.Equal(t, "Zoë \"Z\" \\ path", r.Name, "escapes are decoded")
	assert.Equal(t, -5*time.Minute, r.Elapsed, "a negative timespan")
	assert.Equal(t, "0.1", r.Amount)

	assert.Equal(t, allTypes{}, rows[2], "nulls leave zero values")
}

func TestQueryColumnTypesGeneric(t *testing.T) {
	tbl := decodeFixture(t, "alltypes.json").PrimaryResult()
	require.Equal(t, []sentinel.Column{
		{"Flag", sentinel.ColumnTypeBool}, {"TimeGenerated", sentinel.ColumnTypeDateTime},
		{"Props", sentinel.ColumnTypeDynamic}, {"Id", sentinel.ColumnTypeGUID},
		{"Count", sentinel.ColumnTypeInt}, {"Big", sentinel.ColumnTypeLong},
		{"Score", sentinel.ColumnTypeReal}, {"Name", sentinel.ColumnTypeString},
		{"Elapsed", sentinel.ColumnTypeTimespan}, {"Amount", sentinel.ColumnTypeDecimal},
	}, tbl.Columns)

	vals, err := tbl.Row(0).Values()
	require.NoError(t, err)
	assert.Equal(t, []any{
		true,
		time.Date(2026, 11, 1, 10, 9, 26, 123456700, time.UTC),
		json.RawMessage(`{"os":"Windows 10","tags":["a","b"]}`),
		"6f1c1d1e-2a3b-4c5d-8e9f-0a1b2c3d4e5f",
		int32(42),
		int64(9007199254740993),
		3.5,
		"alice@contoso.com",
		26*time.Hour + 3*time.Minute + 4*time.Second + 500*time.Millisecond,
		"12345678901234567890.123456789",
	}, vals)

	vals, err = tbl.Row(2).Values()
	require.NoError(t, err)
	assert.Equal(t, []any{nil, nil, nil, nil, nil, nil, nil, "", nil, nil}, vals)

	row := tbl.Row(1)
	assert.Equal(t, 10, row.Len())
	assert.Equal(t, 1, row.Index())
	big, err := row.Get("Big").Int64()
	require.NoError(t, err)
	assert.Equal(t, int64(math.MinInt64), big)
	assert.Equal(t, "-9223372036854775808", row.Get("big").String(), "case-insensitive column lookup")
	assert.True(t, row.Get("NoSuchColumn").IsNull())
	assert.True(t, tbl.Row(2).Value(0).IsNull())
	assert.False(t, row.Value(0).IsNull())
	assert.Equal(t, sentinel.ColumnTypeTimespan, row.Get("Elapsed").Type())
	var props struct{ OS string }
	require.NoError(t, row.Get("Props").Decode(&props))
	assert.Equal(t, "macOS", props.OS)
	assert.Equal(t, json.RawMessage(`null`), tbl.Row(2).Get("Props").Dynamic())
	assert.Equal(t, -1, tbl.ColumnIndex("nope"))

	n := 0
	for i, r := range tbl.Rows() {
		assert.Equal(t, n, i)
		assert.Equal(t, i, r.Index())
		n++
	}
	assert.Equal(t, 3, n)
	assert.Panics(t, func() { tbl.Row(3) })
	assert.Panics(t, func() { tbl.Row(0).Value(10) })
}

func TestValueConversions(t *testing.T) {
	// One row per case: the cell as the service sends it, in a column of the given type.
	tests := []struct {
		name, typ, cell string
		check           func(t *testing.T, v sentinel.Value)
	}{
		{"long max", "long", `9223372036854775807`, func(t *testing.T, v sentinel.Value) {
			n, err := v.Int64()
			require.NoError(t, err)
			assert.Equal(t, int64(math.MaxInt64), n)
		}},
		{"long 2^53+1", "long", `9007199254740993`, func(t *testing.T, v sentinel.Value) {
			n, err := v.Int64()
			require.NoError(t, err)
			assert.Equal(t, int64(1<<53+1), n)
		}},
		{"long as string", "long", `"123"`, func(t *testing.T, v sentinel.Value) {
			n, err := v.Int64()
			require.NoError(t, err)
			assert.Equal(t, int64(123), n)
		}},
		{"long overflow", "long", `9223372036854775808`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Int64()
			assert.ErrorContains(t, err, "out of range")
		}},
		{"long exponent", "long", `1e3`, func(t *testing.T, v sentinel.Value) {
			n, err := v.Int64()
			require.NoError(t, err)
			assert.Equal(t, int64(1000), n)
		}},
		{"long fraction", "long", `1.5`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Int64()
			assert.Error(t, err)
		}},
		{"int", "int", `-2147483648`, func(t *testing.T, v sentinel.Value) {
			a, err := v.Any()
			require.NoError(t, err)
			assert.Equal(t, int32(math.MinInt32), a)
		}},
		{"real infinity", "real", `"Infinity"`, func(t *testing.T, v sentinel.Value) {
			f, err := v.Float64()
			require.NoError(t, err)
			assert.True(t, math.IsInf(f, 1))
		}},
		{"real negative infinity", "real", `"-Infinity"`, func(t *testing.T, v sentinel.Value) {
			f, err := v.Float64()
			require.NoError(t, err)
			assert.True(t, math.IsInf(f, -1))
		}},
		{"real exponent", "real", `1.5e-7`, func(t *testing.T, v sentinel.Value) {
			f, err := v.Float64()
			require.NoError(t, err)
			assert.Equal(t, 1.5e-7, f)
		}},
		{"real from object", "real", `{}`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Float64()
			assert.Error(t, err)
		}},
		{"bool as number", "bool", `1`, func(t *testing.T, v sentinel.Value) {
			b, err := v.Bool()
			require.NoError(t, err)
			assert.True(t, b)
		}},
		{"bool as string", "bool", `"False"`, func(t *testing.T, v sentinel.Value) {
			b, err := v.Bool()
			require.NoError(t, err)
			assert.False(t, b)
		}},
		{"bool bad", "bool", `"yes"`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Bool()
			assert.Error(t, err)
		}},
		{"datetime without zone", "datetime", `"2026-11-01T10:09:26.123"`, func(t *testing.T, v sentinel.Value) {
			tm, err := v.Time()
			require.NoError(t, err)
			assert.Equal(t, time.Date(2026, 11, 1, 10, 9, 26, 123000000, time.UTC), tm)
		}},
		{"datetime offset", "datetime", `"2026-11-01T12:00:00+02:00"`, func(t *testing.T, v sentinel.Value) {
			tm, err := v.Time()
			require.NoError(t, err)
			assert.True(t, tm.Equal(time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)))
		}},
		{"datetime bad", "datetime", `"yesterday"`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Time()
			assert.Error(t, err)
		}},
		{"datetime number", "datetime", `17`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Time()
			assert.Error(t, err)
		}},
		{"timespan days", "timespan", `"10.00:00:00"`, func(t *testing.T, v sentinel.Value) {
			d, err := v.Duration()
			require.NoError(t, err)
			assert.Equal(t, 240*time.Hour, d)
		}},
		{"timespan ticks", "timespan", `"00:00:00.0000001"`, func(t *testing.T, v sentinel.Value) {
			d, err := v.Duration()
			require.NoError(t, err)
			assert.Equal(t, 100*time.Nanosecond, d)
		}},
		{"timespan negative with days", "timespan", `"-1.00:00:01.5"`, func(t *testing.T, v sentinel.Value) {
			d, err := v.Duration()
			require.NoError(t, err)
			assert.Equal(t, -(24*time.Hour + 1500*time.Millisecond), d)
		}},
		{"timespan iso", "timespan", `"PT1H30M"`, func(t *testing.T, v sentinel.Value) {
			d, err := v.Duration()
			require.NoError(t, err)
			assert.Equal(t, 90*time.Minute, d)
		}},
		{"timespan kql max overflows Duration", "timespan", `"10675199.02:48:05.4775807"`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Duration()
			assert.ErrorContains(t, err, "out of range")
		}},
		{"timespan largest Duration", "timespan", `"106751.23:47:16.854775807"`, func(t *testing.T, v sentinel.Value) {
			d, err := v.Duration()
			require.NoError(t, err)
			assert.Equal(t, time.Duration(math.MaxInt64), d)
		}},
		{"timespan just over", "timespan", `"106751.23:47:16.854775808"`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Duration()
			assert.ErrorContains(t, err, "out of range")
		}},
		{"timespan bad minutes", "timespan", `"00:61:00"`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Duration()
			assert.Error(t, err)
		}},
		{"timespan garbage", "timespan", `"soon"`, func(t *testing.T, v sentinel.Value) {
			_, err := v.Duration()
			assert.Error(t, err)
		}},
		{"dynamic string that is not JSON", "dynamic", `"hello"`, func(t *testing.T, v sentinel.Value) {
			assert.Equal(t, json.RawMessage(`"hello"`), v.Dynamic())
			assert.Equal(t, "hello", v.String())
		}},
		{"string column holding JSON stays a string", "string", `"{\"a\":1}"`, func(t *testing.T, v sentinel.Value) {
			assert.Equal(t, json.RawMessage(`"{\"a\":1}"`), v.Dynamic())
			var m map[string]int
			require.NoError(t, v.Decode(&m), "Decode unwraps it")
			assert.Equal(t, map[string]int{"a": 1}, m)
		}},
		{"dynamic array", "dynamic", `[1, 2]`, func(t *testing.T, v sentinel.Value) {
			assert.Equal(t, json.RawMessage(`[1, 2]`), v.Dynamic())
			var xs []int
			require.NoError(t, v.Decode(&xs))
			assert.Equal(t, []int{1, 2}, xs)
		}},
		{"dynamic number", "dynamic", `12`, func(t *testing.T, v sentinel.Value) {
			a, err := v.Any()
			require.NoError(t, err)
			assert.Equal(t, json.RawMessage(`12`), a)
		}},
		{"unknown type string", "uuid", `"x"`, func(t *testing.T, v sentinel.Value) {
			a, err := v.Any()
			require.NoError(t, err)
			assert.Equal(t, "x", a)
		}},
		{"unknown type number", "float16", `1.5`, func(t *testing.T, v sentinel.Value) {
			a, err := v.Any()
			require.NoError(t, err)
			assert.Equal(t, json.RawMessage(`1.5`), a)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `{"tables":[{"name":"PrimaryResult","columns":[{"name":"C","type":"` + tt.typ + `"}],"rows":[[` + tt.cell + `]]}]}`
			res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
			require.NoError(t, err)
			tt.check(t, res.Tables[0].Row(0).Value(0))
		})
	}
}

func TestDecodeTableFieldTypes(t *testing.T) {
	type Embedded struct {
		Location string
	}
	type deviceDetail struct {
		OperatingSystem string
		Browser         string `json:"browser"`
		IsCompliant     bool
	}
	type signIn struct {
		Embedded
		When        time.Time      `kql:"TimeGenerated"`
		WhenPtr     *time.Time     `kql:"TimeGenerated,optional"` // a second field for one column is refused below
		User        string         `kql:"UserPrincipalName"`
		IP          netip.Addr     `kql:"IPAddress"`
		Duration    uint32         `kql:"DurationMs"`
		DurationF   float64        `kql:"-"`
		Interactive *bool          `kql:"IsInteractive"`
		Device      deviceDetail   `kql:"DeviceDetail"`
		DeviceMap   map[string]any `kql:"-"`
		Correlation any            `kql:"CorrelationId"`
		Missing     string         `kql:"NotThere,optional"`
		Untagged    string
	}
	tbl := decodeFixture(t, "signinlogs.json").PrimaryResult()

	_, err := sentinel.DecodeTable[signIn](tbl)
	require.ErrorIs(t, err, sentinel.ErrInvalidArgument, "two fields for one column")

	type signInOK struct {
		Embedded
		When              time.Time    `kql:"TimeGenerated"`
		User              string       `kql:"UserPrincipalName"`
		IP                netip.Addr   `kql:"IPAddress"`
		Duration          uint32       `kql:"DurationMs"`
		Interactive       *bool        `kql:"IsInteractive"`
		Device            deviceDetail `kql:"DeviceDetail"`
		Correlation       any          `kql:"CorrelationId"`
		Missing           string       `kql:"NotThere,optional"`
		Resultdescription string       // matched case-insensitively
	}
	rows, err := sentinel.DecodeTable[signInOK](tbl)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	r := rows[1]
	assert.Equal(t, "RU", r.Location, "promoted from an embedded struct")
	assert.Equal(t, time.Date(2026, 11, 1, 11, 47, 2, 9000000, time.UTC), r.When)
	assert.Equal(t, "bob.smith@contoso.com", r.User)
	assert.Equal(t, netip.MustParseAddr("198.51.100.77"), r.IP, "encoding.TextUnmarshaler")
	assert.Equal(t, netip.MustParseAddr("2001:db8:4f2::1c"), rows[2].IP)
	assert.Equal(t, uint32(1290), r.Duration)
	require.NotNil(t, r.Interactive)
	assert.True(t, *r.Interactive)
	assert.Equal(t, deviceDetail{OperatingSystem: "Linux", Browser: "Python Requests 2.31"}, r.Device, "dynamic sent as a string, decoded into a struct")
	assert.Equal(t, "f2b9d4c1-06e8-4a7f-8b35-c0d1e2f3a4b5", r.Correlation)
	assert.Equal(t, "Error validating credentials due to invalid username or password.", r.Resultdescription)
	assert.Empty(t, r.Missing)
}

func TestDecodeTableDecimal(t *testing.T) {
	body := `{"tables":[{"name":"T","columns":[{"name":"D","type":"decimal"}],"rows":[["12345678901234567890.5"],[null]]}]}`
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	type dec struct {
		Rat   *big.Rat   `kql:"D"`
		Float *big.Float `kql:"D,optional"`
	}
	type decs struct {
		Rat *big.Rat `kql:"D"`
		S   string   `kql:"-"`
		F   float64  `kql:"-"`
	}
	rows, err := sentinel.DecodeTable[decs](&res.Tables[0])
	require.NoError(t, err)
	want, _ := new(big.Rat).SetString("12345678901234567890.5")
	assert.Equal(t, 0, want.Cmp(rows[0].Rat))
	assert.Nil(t, rows[1].Rat)
	type asFloat struct {
		D float64
	}
	fs, err := sentinel.DecodeTable[asFloat](&res.Tables[0])
	require.NoError(t, err)
	assert.InDelta(t, 1.2345678901234567e19, fs[0].D, 1e4)
	_, err = sentinel.DecodeTable[dec](&res.Tables[0])
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument, "two fields for one column")
}

func TestDecodeTableMismatch(t *testing.T) {
	tbl := decodeFixture(t, "alltypes.json").PrimaryResult()
	tests := []struct {
		name   string
		decode func() error
		column string
		row    int
		text   string
	}{
		{"datetime into int64", func() error {
			_, err := sentinel.DecodeTable[struct{ TimeGenerated int64 }](tbl)
			return err
		}, "TimeGenerated", -1, "a datetime column cannot be decoded into int64"},
		{"string into time", func() error {
			_, err := sentinel.DecodeTable[struct{ Id time.Time }](tbl)
			return err
		}, "Id", -1, "cannot be decoded into time.Time"},
		{"long into int32 overflows", func() error {
			_, err := sentinel.DecodeTable[struct{ Big int32 }](tbl)
			return err
		}, "Big", 0, "out of range for a 32-bit integer"},
		{"real NaN into int", func() error {
			_, err := sentinel.DecodeTable[struct{ Count uint8 }](tbl)
			return err
		}, "Count", 1, "out of range"},
		{"missing tagged column", func() error {
			_, err := sentinel.DecodeTable[struct {
				X string `kql:"Nope"`
			}](tbl)
			return err
		}, "Nope", -1, "no such column"},
		{"unsupported field type", func() error {
			_, err := sentinel.DecodeTable[struct{ Name chan int }](tbl)
			return err
		}, "Name", -1, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode()
			var ce *sentinel.ColumnError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, "PrimaryResult", ce.Table)
			assert.Equal(t, tt.column, ce.Column)
			assert.Equal(t, tt.row, ce.Row)
			assert.ErrorContains(t, err, tt.text)
			assert.Contains(t, err.Error(), `column "`+tt.column+`"`)
			if tt.row >= 0 {
				assert.Contains(t, err.Error(), "row ")
			}
		})
	}
	_, err := sentinel.DecodeTable[int](tbl)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)

	// Generic values name the row and column too.
	body := `{"tables":[{"name":"T","columns":[{"name":"A","type":"string"},{"name":"When","type":"datetime"}],"rows":[["x","2026-11-01T00:00:00Z"],["y","not a time"]]}]}`
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	_, err = res.Tables[0].Row(0).Values()
	require.NoError(t, err)
	_, err = res.Tables[0].Row(1).Values()
	var ce *sentinel.ColumnError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 1, ce.Row)
	assert.Equal(t, "When", ce.Column)
	assert.Equal(t, sentinel.ColumnTypeDateTime, ce.Type)
}

func TestQueryIntoStreamsFirstTable(t *testing.T) {
	body := readFixture(t, "signinlogs.json")
	type row struct {
		TimeGenerated time.Time
		User          string `kql:"UserPrincipalName"`
		DurationMs    int64
		DeviceDetail  json.RawMessage
	}
	rows, res, err := sentinel.DecodeQueryResponseInto[row](strings.NewReader(string(body)))
	require.NoError(t, err)
	require.Len(t, rows, 3)
	assert.Equal(t, "carol.white@contoso.com", rows[2].User)
	assert.Equal(t, int64(87), rows[2].DurationMs)
	assert.JSONEq(t, `{"deviceId":"","operatingSystem":"iOS 17","browser":"Mobile Safari","isCompliant":false,"isManaged":false}`, string(rows[2].DeviceDetail))
	require.Len(t, res.Tables, 1)
	assert.Equal(t, 0, res.Tables[0].Len(), "streamed rows are not stored")
	assert.Len(t, res.Tables[0].Columns, 12)
	assert.Contains(t, string(res.Statistics), `"tableRowCount": 3`)

	// The same rows through the stored table.
	stored, err := sentinel.DecodeTable[row](decodeFixture(t, "signinlogs.json").PrimaryResult())
	require.NoError(t, err)
	assert.Equal(t, stored, rows)
}

func TestQueryDecodeShapes(t *testing.T) {
	type ab struct {
		A int64
		B string
	}
	tests := []struct {
		name string
		body string
		rows []ab // nil: an error is expected
		err  string
	}{
		{"rows before columns", `{"tables":[{"rows":[[1,"x"],[2,"y"]],"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}]}]}`,
			[]ab{{1, "x"}, {2, "y"}}, ""},
		{"no rows", `{"tables":[{"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}],"rows":[]}]}`, []ab{}, ""},
		{"null rows", `{"tables":[{"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}],"rows":null}]}`, []ab{}, ""},
		{"kusto v1 names", `{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"A","DataType":"Int64","ColumnType":"long"},{"ColumnName":"B","ColumnType":"string"}],"Rows":[[5,"v"]]}]}`,
			[]ab{{5, "v"}}, ""},
		{"unknown members", `{"tables":[{"name":"T","extra":{"x":[1]},"columns":[{"name":"A","type":"long","x":1},{"name":"B","type":"string"}],"rows":[[1,"a"]]}],"other":true}`,
			[]ab{{1, "a"}}, ""},
		{"row too short", `{"tables":[{"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}],"rows":[[1]]}]}`, nil, "row 0 has 1 values, expected 2"},
		{"row too long", `{"tables":[{"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}],"rows":[[1,"a",3]]}]}`, nil, "row 0 has"},
		{"rows of different widths before columns", `{"tables":[{"name":"T","rows":[[1,"a"],[2]],"columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}]}]}`, nil, "row 1 has 1 values, expected 2"},
		{"row width differs from later columns", `{"tables":[{"name":"T","rows":[[1]],"columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}]}]}`, nil, "rows of 1 values but 2 columns"},
		{"truncated", `{"tables":[{"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}],"rows":[[1,"a"],[2,`, nil, "unexpected EOF"},
		{"not an object", `[1,2]`, nil, "expected a JSON body"},
		{"empty", ``, nil, "empty body"},
		{"html", `<html><title>Gateway</title></html>`, nil, "Gateway"},
		{"row not an array", `{"tables":[{"name":"T","columns":[{"name":"A","type":"long"},{"name":"B","type":"string"}],"rows":[{"A":1}]}]}`, nil, "at start of row"},
		{"column name not a string", `{"tables":[{"name":"T","columns":[{"name":1,"type":"long"}],"rows":[]}]}`, nil, "not a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Stored, then decoded.
			res, err := sentinel.DecodeQueryResponse(strings.NewReader(tt.body))
			if tt.rows == nil {
				require.Error(t, err)
				assert.ErrorContains(t, err, tt.err)
				var de *sentinel.DecodeError
				assert.ErrorAs(t, err, &de)
				assert.Nil(t, res)
			} else {
				require.NoError(t, err)
				got, err := sentinel.DecodeTable[ab](&res.Tables[0])
				require.NoError(t, err)
				assert.Equal(t, tt.rows, got)
			}
			// Streamed.
			got, res, err := sentinel.DecodeQueryResponseInto[ab](strings.NewReader(tt.body))
			if tt.rows == nil {
				assert.ErrorContains(t, err, tt.err)
				assert.Nil(t, res)
				return
			}
			require.NoError(t, err)
			if len(tt.rows) == 0 {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, tt.rows, got)
			}
		})
	}
}

func TestQueryDecodeMultipleTables(t *testing.T) {
	body := `{"tables":[
		{"name":"PrimaryResult","columns":[{"name":"A","type":"long"}],"rows":[[1],[2]]},
		{"name":"Second","columns":[{"name":"S","type":"string"}],"rows":[["x"]]}
	]}`
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	require.Len(t, res.Tables, 2)
	assert.Equal(t, "x", res.Table("Second").Row(0).Get("S").String())
	assert.Nil(t, res.Table("Third"))

	type a struct{ A int64 }
	rows, res, err := sentinel.DecodeQueryResponseInto[a](strings.NewReader(body))
	require.NoError(t, err)
	assert.Equal(t, []a{{1}, {2}}, rows)
	assert.Equal(t, 0, res.Tables[0].Len())
	assert.Equal(t, 1, res.Tables[1].Len(), "other tables are stored")
}

func TestQueryDecodePartialError(t *testing.T) {
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(string(readFixture(t, "partial.json"))))
	require.Error(t, err)
	require.NotNil(t, res, "the tables come with the error")
	assert.Equal(t, 2, res.PrimaryResult().Len())
	var pe *sentinel.PartialResultError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, sentinel.ErrPartialResult)
	assert.Equal(t, "PartialError", pe.Code)
	assert.Equal(t, "There were some errors when processing your query.", pe.Message)
	require.Len(t, pe.Details, 2)
	assert.Equal(t, "EngineError", pe.Details[0].Code)
	assert.Equal(t, "-2133196797", pe.Details[1].Code)
	assert.Contains(t, pe.Details[1].Message, "E_QUERY_RESULT_SET_TOO_LARGE")
	assert.Contains(t, err.Error(), "E_QUERY_RESULT_SET_TOO_LARGE")

	type ev struct {
		Computer string
		EventID  int
	}
	rows, _, err := sentinel.DecodeQueryResponseInto[ev](strings.NewReader(string(readFixture(t, "partial.json"))))
	assert.ErrorAs(t, err, &pe)
	assert.Equal(t, []ev{{"SRV-DC-01", 4625}, {"WS-FIN-0142", 4624}}, rows)

	// An error without tables is not a partial result but a failure.
	res, err = sentinel.DecodeQueryResponse(strings.NewReader(string(readFixture(t, "syntax_error.json"))))
	assert.Nil(t, res)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.False(t, errors.As(err, &pe))
	assert.Equal(t, "BadArgumentError", re.ErrorCode)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)
}

func TestQueryDecodeInvalidUTF8AndEscapes(t *testing.T) {
	body := "{\"tables\":[{\"name\":\"T\",\"columns\":[{\"name\":\"S\",\"type\":\"string\"}],\"rows\":[[\"a\xffb\"],[\"\\u00e9\\n\\t\\\"\"],[\"\\ud83d\\ude00\"]]}]}"
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	tbl := res.PrimaryResult()
	assert.Equal(t, "a\uFFFDb", tbl.Row(0).Value(0).String(), "invalid UTF-8 reads as U+FFFD")
	assert.Equal(t, "é\n\t\"", tbl.Row(1).Value(0).String())
	assert.Equal(t, "😀", tbl.Row(2).Value(0).String())
}

func TestQueryDecodeLargeTable(t *testing.T) {
	// Enough rows and long strings to use several arena chunks and large-value allocations.
	var b strings.Builder
	b.WriteString(`{"tables":[{"name":"T","columns":[{"name":"N","type":"long"},{"name":"S","type":"string"}],"rows":[`)
	long := strings.Repeat("x", 300<<10)
	for i := range 3000 {
		if i > 0 {
			b.WriteByte(',')
		}
		s := "row-" + strings.Repeat("y", i%50)
		if i%1000 == 999 {
			s = long
		}
		b.WriteString(`[` + strconv.Itoa(i) + `,"` + s + `"]`)
	}
	b.WriteString(`]}]}`)
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(b.String()))
	require.NoError(t, err)
	type r struct {
		N int
		S string
	}
	rows, err := sentinel.DecodeTable[r](res.PrimaryResult())
	require.NoError(t, err)
	require.Len(t, rows, 3000)
	for i, row := range rows {
		require.Equal(t, i, row.N)
		if i%1000 == 999 {
			require.Equal(t, long, row.S)
		} else {
			require.Equal(t, "row-"+strings.Repeat("y", i%50), row.S)
		}
	}
	streamed, _, err := sentinel.DecodeQueryResponseInto[r](strings.NewReader(b.String()))
	require.NoError(t, err)
	assert.Equal(t, rows, streamed)
}

func TestDecodeTableJSONFields(t *testing.T) {
	body := `{"tables":[{"name":"T","columns":[{"name":"S","type":"string"},{"name":"D","type":"dynamic"}],"rows":[["{\"a\":1}","{\"a\":2}"],["plain","\"quoted\""]]}]}`
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	type raw struct {
		S json.RawMessage
		D json.RawMessage
	}
	rows, err := sentinel.DecodeTable[raw](res.PrimaryResult())
	require.NoError(t, err)
	assert.Equal(t, []raw{
		{json.RawMessage(`"{\"a\":1}"`), json.RawMessage(`{"a":2}`)},
		{json.RawMessage(`"plain"`), json.RawMessage(`"quoted"`)},
	}, rows, "a string column stays a JSON string; a dynamic one is unwrapped")
	type decoded struct {
		S map[string]int `kql:",optional"`
	}
	_, err = sentinel.DecodeTable[decoded](res.PrimaryResult())
	var ce *sentinel.ColumnError
	require.ErrorAs(t, err, &ce, "row 1 of S is not JSON")
	assert.Equal(t, 1, ce.Row)
	one, err := sentinel.DecodeTable[decoded](&sentinel.Table{Name: "empty"})
	require.NoError(t, err)
	assert.Empty(t, one)
}

func TestDecodeTableValueFields(t *testing.T) {
	tbl := decodeFixture(t, "alltypes.json").PrimaryResult()
	type lazy struct {
		Big     sentinel.Value
		Elapsed sentinel.Value
		Flag    *sentinel.Value
	}
	for name, decode := range map[string]func() ([]lazy, error){
		"stored": func() ([]lazy, error) { return sentinel.DecodeTable[lazy](tbl) },
		"streamed": func() ([]lazy, error) {
			rows, _, err := sentinel.DecodeQueryResponseInto[lazy](strings.NewReader(string(readFixture(t, "alltypes.json"))))
			return rows, err
		},
	} {
		t.Run(name, func(t *testing.T) {
			rows, err := decode()
			require.NoError(t, err)
			require.Len(t, rows, 3)
			n, err := rows[0].Big.Int64()
			require.NoError(t, err)
			assert.Equal(t, int64(9007199254740993), n)
			assert.Equal(t, sentinel.ColumnTypeLong, rows[0].Big.Type())
			d, err := rows[1].Elapsed.Duration()
			require.NoError(t, err)
			assert.Equal(t, -5*time.Minute, d)
			require.NotNil(t, rows[1].Flag)
			b, err := rows[1].Flag.Bool()
			require.NoError(t, err)
			assert.False(t, b)
			assert.True(t, rows[2].Big.IsNull())
			assert.Nil(t, rows[2].Flag)
		})
	}
}

func TestQueryDecodeSizeLimit(t *testing.T) {
	body := string(signinLogsBody(200))
	defer sentinel.SetMaxQueryBody(int64(len(body)) - 1)()
	_, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	var de *sentinel.DecodeError
	require.ErrorAs(t, err, &de)
	assert.ErrorContains(t, err, "larger than")

	sentinel.SetMaxQueryBody(int64(len(body)) + 1)
	res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
	require.NoError(t, err)
	assert.Equal(t, 200, res.PrimaryResult().Len())
}

// TestQueryDecodeCellSizes is a regression test: a value larger than the arena's next chunk
// but not large enough for a chunk of its own (4 KiB to 256 KiB, a long command line or an
// alert's ExtendedProperties) made the decoder slice past its chunk and panic.
func TestQueryDecodeCellSizes(t *testing.T) {
	type row struct {
		N int
		S string
		D json.RawMessage
		V sentinel.Value
	}
	for _, n := range []int{1, 4095, 4097, 5000, 20_000, 256 << 10, 256<<10 + 1} {
		for _, small := range []int{0, 50} { // small values before it part-fill the arena
			var b strings.Builder
			b.WriteString(`{"tables":[{"name":"T","columns":[{"name":"N","type":"long"},{"name":"S","type":"string"},{"name":"D","type":"dynamic"},{"name":"V","type":"string"}],"rows":[`)
			var want []row
			for i := range small {
				b.WriteString(`[` + strconv.Itoa(-i) + `,"s","[1]","s"],`)
				want = append(want, row{N: -i, S: "s", D: json.RawMessage("[1]")})
			}
			s := strings.Repeat("x", n)
			d := `[` + strings.Repeat(`"y",`, n/4) + `0]`
			b.WriteString(`[` + strconv.Itoa(n) + `,"` + s + `",` + d + `,"` + s + `"],[0,"","[]",""]]}]}`)
			want = append(want, row{N: n, S: s, D: json.RawMessage(d)}, row{D: json.RawMessage("[]")})
			body := b.String()

			res, err := sentinel.DecodeQueryResponse(strings.NewReader(body))
			require.NoError(t, err)
			stored, err := sentinel.DecodeTable[row](res.PrimaryResult())
			require.NoError(t, err)
			streamed, _, err := sentinel.DecodeQueryResponseInto[row](strings.NewReader(body))
			require.NoError(t, err)
			for _, got := range [][]row{stored, streamed} {
				require.Len(t, got, len(want))
				for i := range want {
					require.Equal(t, want[i].N, got[i].N)
					require.Equal(t, want[i].S, got[i].S, "size %d, row %d", n, i)
					require.Equal(t, string(want[i].D), string(got[i].D), "size %d, row %d", n, i)
					require.Equal(t, want[i].S, got[i].V.String(), "size %d, row %d", n, i)
				}
			}
		}
	}
}
