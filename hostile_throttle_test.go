package sentinel_test

// Hostile-server suite, part 2: throttling (scenario 2). Every wait runs on the fake clock.

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// everyOther returns fault matchers that split requests by arrival: the k-th of n matchers
// matches the requests numbered i (from 0) with i%(2n) == 2k, so every other request is matched, by
// the matchers in turn, starting with the first request. The emulator asks each queued fault in order, so the request number
// is memoised per request.
func everyOther(n int, match func(*http.Request) bool) []func(*http.Request) bool {
	var mu sync.Mutex
	var last *http.Request
	seq := -1
	number := func(r *http.Request) int {
		mu.Lock()
		defer mu.Unlock()
		if r != last {
			last = r
			seq++
		}
		return seq
	}
	out := make([]func(*http.Request) bool, n)
	for k := range out {
		out[k] = func(r *http.Request) bool {
			if match != nil && !match(r) {
				return false
			}
			return number(r)%(2*n) == 2*k
		}
	}
	return out
}

func TestHostileThrottlingStormOverTwoThousandIncidents(t *testing.T) {
	env := newEnv(t)
	names := env.srv.SeedIncidents(2000)
	// 429 on every other request, with Retry-After 1 s and 2 s in turn.
	m := everyOther(2, nil)
	env.srv.Fail(
		sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1 << 30, Match: m[0]},
		sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "2", Times: 1 << 30, Match: m[1]},
	)
	start := time.Now()
	var got []string
	for inc, err := range env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 50}).All(context.Background()) {
		require.NoError(t, err)
		got = append(got, inc.Name)
	}
	assert.Equal(t, names, got, "every incident exactly once, in order")
	assert.Less(t, time.Since(start), 20*time.Second, "no real waiting")

	reqs := env.srv.Requests()
	assert.Len(t, reqs, 80, "40 pages, each throttled once")
	sleeps := env.clock.Sleeps()
	require.Len(t, sleeps, 40)
	var total time.Duration
	for i, d := range sleeps {
		assert.Equal(t, time.Duration(1+i%2)*time.Second, d, "wait %d", i)
		total += d
	}
	assert.Equal(t, 60*time.Second, total)
	// Each retry repeats the throttled request exactly.
	for i := 0; i+1 < len(reqs); i += 2 {
		assert.Equal(t, reqs[i].Path+"?"+reqs[i].RawQuery, reqs[i+1].Path+"?"+reqs[i+1].RawQuery)
	}
}

func TestHostileThrottledBeyondBudgetReturnsPromptly(t *testing.T) {
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC) // the fake clock's start
	tests := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"seconds", http.Header{"Retry-After": {"3600"}}, time.Hour},
		{"http date", http.Header{"Retry-After": {now.Add(time.Hour).Format(http.TimeFormat)}}, time.Hour},
		{"retry-after-ms", http.Header{"Retry-After-Ms": {"3600000"}}, time.Hour},
		{"x-ms-retry-after-ms", http.Header{"X-Ms-Retry-After-Ms": {"3600000"}}, time.Hour},
		{"ms wins over seconds", http.Header{"Retry-After-Ms": {"3600000"}, "Retry-After": {"1"}}, time.Hour},
		{"too large to represent", http.Header{"Retry-After": {"99999999999999999999999"}}, time.Duration(1 << 62)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newEnv(t)
			names := env.srv.SeedIncidents(30)
			env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, Header: tt.header,
				Match: func(r *http.Request) bool { return r.URL.Query().Get("$skipToken") != "" }})
			start := time.Now()
			items, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 10}).Collect(context.Background(), 0)
			assert.Less(t, time.Since(start), 2*time.Second, "returns promptly")
			require.ErrorIs(t, err, sentinel.ErrThrottled)
			var re *sentinel.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.want, re.RetryAfter)
			assert.Equal(t, http.StatusTooManyRequests, re.StatusCode)
			assert.Contains(t, err.Error(), "retry after")
			assert.Len(t, items, 10, "the first page is returned with the error, nothing more")
			assert.Equal(t, names[:10], nameList(items))
			assert.Empty(t, env.clock.Sleeps(), "nothing waited for beyond the budget")
			assert.Equal(t, 2, env.srv.RequestCount())
		})
	}
}

func nameList(incs []sentinel.Incident) []string {
	out := make([]string, len(incs))
	for i, inc := range incs {
		out[i] = inc.Name
	}
	return out
}

// TestHostileThrottleConnectionClose: the service answers 429 with Retry-After: 600 and
// Connection: close. With a 10 min budget the client waits (on the fake clock) and succeeds
// on a new connection.
func TestHostileThrottleConnectionClose(t *testing.T) {
	env := newEnv(t, func(o *sentinel.ClientOptions) { o.ThrottleBudget = 10 * time.Minute })
	id := env.srv.SeedIncidents(1)[0]
	ctx := context.Background()
	_, err := env.client.GetIncident(ctx, id, nil) // opens the connection that will be closed
	require.NoError(t, err)

	env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "600", Header: http.Header{"Connection": {"close"}}})
	type conn struct {
		reused bool
		local  string
	}
	var mu sync.Mutex
	var conns []conn
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		mu.Lock()
		conns = append(conns, conn{info.Reused, info.Conn.LocalAddr().String()})
		mu.Unlock()
	}}
	start := time.Now()
	inc, err := env.client.GetIncident(httptrace.WithClientTrace(ctx, trace), id, nil)
	require.NoError(t, err)
	assert.Equal(t, id, inc.Name)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Equal(t, []time.Duration{10 * time.Minute}, env.clock.Sleeps())
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, conns, 2)
	assert.True(t, conns[0].reused, "the 429 came on the kept-alive connection")
	assert.False(t, conns[1].reused, "the retry needs a new connection")
	assert.NotEqual(t, conns[0].local, conns[1].local)
	assert.Equal(t, 3, env.srv.RequestCount())

	// 601 s does not fit: ErrThrottled at once, carrying the delay.
	env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "601", Header: http.Header{"Connection": {"close"}}})
	_, err = env.client.GetIncident(ctx, id, nil)
	var re *sentinel.ResponseError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, 601*time.Second, re.RetryAfter)
	assert.Len(t, env.clock.Sleeps(), 1)
}

// TestHostileThrottleOddRetryAfterValues: values that are not a delay fall back to the
// exponential backoff; none makes the client spin or wait for ever.
func TestHostileThrottleOddRetryAfterValues(t *testing.T) {
	for _, v := range []string{"-5", "1.5", "soon", "", "0", "Wed, 21 Oct 2015 07:28:00 GMT"} {
		t.Run(strconv.Quote(v), func(t *testing.T) {
			env := newEnv(t)
			id := env.srv.SeedIncidents(1)[0]
			env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: v, Times: 2})
			_, err := env.client.GetIncident(context.Background(), id, nil)
			require.NoError(t, err)
			sleeps := env.clock.Sleeps()
			require.Len(t, sleeps, 2)
			switch v {
			case "0", "Wed, 21 Oct 2015 07:28:00 GMT": // explicit "now" and a date in the past
				assert.Equal(t, []time.Duration{0, 0}, sleeps)
			default: // backoff from the retry delay (1 ms in these tests)
				assert.Equal(t, []time.Duration{time.Millisecond, 2 * time.Millisecond}, sleeps)
			}
		})
	}
}

// TestHostileWatcherWaitsOutLongThrottling: a daemon whose poll outlasts the budget sleeps
// for the service's Retry-After (an HTTP date here) before polling again, then delivers.
func TestHostileWatcherWaitsOutLongThrottling(t *testing.T) {
	env := newEnv(t, func(o *sentinel.ClientOptions) { o.ThrottleBudget = time.Minute })
	serverAtClock(env)
	names := env.srv.SeedIncidents(5)
	until := env.clock.Now().Add(2 * time.Hour).Truncate(time.Second)
	env.srv.Fail(sentineltest.Fault{Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {until.Format(http.TimeFormat)}}})
	w := watcher(t, env, sentinel.WatchOptions{Since: 72 * time.Hour, Interval: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rec recorder
	err := w.Run(ctx, func(ctx context.Context, inc sentinel.Incident) error {
		_ = rec.handle(ctx, inc)
		if len(rec.all()) == len(names) {
			cancel()
		}
		return nil
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, names, rec.all())
	// One wait, for the service's date, cut into lease renewals (every LeaseDuration/3).
	var waited time.Duration
	for _, s := range env.clock.Sleeps() {
		assert.LessOrEqual(t, s, sentinel.DefaultLeaseDuration/3)
		waited += s
	}
	assert.Equal(t, 2*time.Hour, waited, "one wait, for the service's date")
	assert.Equal(t, int64(2), w.Stats().Polls, "no poll during the wait")
	assert.NoError(t, w.Stats().LastError)
}
