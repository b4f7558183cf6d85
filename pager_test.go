package sentinel_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// pageServer serves scripted pages: pages[i] is the body for the i-th request; it records
// each request's path and query as sent.
type pageServer struct {
	mu    sync.Mutex
	pages []func(base string) string
	seen  []string
}

func (p *pageServer) handler(base *string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.seen = append(p.seen, r.URL.RequestURI())
		i := len(p.seen) - 1
		if i >= len(p.pages) {
			w.WriteHeader(500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, p.pages[i](*base))
	}
}

func incidentJSON(n int) string {
	return fmt.Sprintf(`{"id":"x/%d","name":"inc-%d","etag":"\"e%d\"","properties":{"title":"t%d","severity":"High","status":"New","incidentNumber":%d}}`, n, n, n, n, n)
}

func stubPages(t *testing.T, pages ...func(base string) string) (*sentinel.Client, *pageServer, string) {
	ps := &pageServer{pages: pages}
	var base string
	c, ts := stubEnv(t, ps.handler(&base))
	base = ts.URL
	return c, ps, base
}

func TestPagerFollowsNextLinkVerbatim(t *testing.T) {
	weird := "/custom/path/page2?$skipToken=abc%2Fdef&foo=bar%20baz&api-version=2099-01-01"
	c, ps, base := stubPages(t,
		func(b string) string { return `{"value":[` + incidentJSON(1) + `],"nextLink":"` + b + weird + `"}` },
		func(b string) string { return `{"value":[` + incidentJSON(2) + `],"nextLink":"` + b + `/p3?x=1"}` },
		func(string) string { return `{"value":[` + incidentJSON(3) + `]}` },
	)
	_ = base
	p := c.ListIncidents(&sentinel.ListIncidentsOptions{Filter: "properties/status eq 'New'", Top: 1})
	var got []string
	for inc, err := range p.All(context.Background()) {
		require.NoError(t, err)
		got = append(got, inc.Name)
	}
	assert.Equal(t, []string{"inc-1", "inc-2", "inc-3"}, got)
	require.Len(t, ps.seen, 3)
	assert.Equal(t, wsPath+"/incidents?api-version="+sentinel.DefaultAPIVersion+"&$filter=properties%2Fstatus%20eq%20%27New%27&$top=1", ps.seen[0])
	assert.Equal(t, weird, ps.seen[1], "the nextLink must be requested exactly as given")
	assert.Equal(t, "/p3?x=1", ps.seen[2], "no api-version or filter may be added to a nextLink")
	assert.False(t, p.More())
}

func TestPagerRefusesForeignNextLink(t *testing.T) {
	tests := map[string]string{
		"other host":   "https://evil.example.com/steal?$skipToken=1",
		"http scheme":  "http://%HOST%/page2",
		"other port":   "https://127.0.0.1:1/page2",
		"userinfo":     "https://user@evil.example.com/x",
		"other scheme": "ftp://%HOST%/x",
	}
	for name, link := range tests {
		t.Run(name, func(t *testing.T) {
			c, ps, _ := stubPages(t, func(b string) string {
				host := strings.TrimPrefix(b, "https://")
				return `{"value":[` + incidentJSON(1) + `],"nextLink":"` + strings.ReplaceAll(link, "%HOST%", host) + `"}`
			})
			p := c.ListIncidents(nil)
			items, err := p.NextPage(context.Background())
			require.NoError(t, err)
			require.Len(t, items, 1)
			assert.True(t, p.More())
			_, err = p.NextPage(context.Background())
			var fe *sentinel.ForeignOriginError
			require.ErrorAs(t, err, &fe)
			assert.NotContains(t, err.Error(), "skipToken")
			assert.Len(t, ps.seen, 1, "no request may be sent for a foreign nextLink")
			assert.False(t, p.More())
			_, err2 := p.NextPage(context.Background())
			assert.Equal(t, err, err2, "the pager stays failed")
		})
	}
}

func TestPagerDefaultPortIgnored(t *testing.T) {
	c, ps, _ := stubPages(t,
		func(b string) string { return `{"value":[],"nextLink":"` + b + `/p2"}` },
		func(string) string { return `{"value":[]}` },
	)
	items, err := c.ListIncidents(nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	assert.Empty(t, items)
	assert.Len(t, ps.seen, 2)
}

func TestPagerStopsOnRepeatedNextLink(t *testing.T) {
	c, ps, _ := stubPages(t,
		func(b string) string { return `{"value":[` + incidentJSON(1) + `],"nextLink":"` + b + `/loop"}` },
		func(b string) string { return `{"value":[` + incidentJSON(2) + `],"nextLink":"` + b + `/loop"}` },
		func(b string) string { return `{"value":[` + incidentJSON(3) + `],"nextLink":"` + b + `/loop"}` },
	)
	var got []string
	var lastErr error
	for inc, err := range c.ListIncidents(nil).All(context.Background()) {
		if err != nil {
			lastErr = err
			break
		}
		got = append(got, inc.Name)
	}
	require.Error(t, lastErr)
	assert.Contains(t, lastErr.Error(), "again")
	assert.Equal(t, []string{"inc-1", "inc-2"}, got)
	assert.Len(t, ps.seen, 2)
}

func TestPagerBrokenPages(t *testing.T) {
	tests := map[string]string{
		"truncated":      `{"value":[` + incidentJSON(1) + `,{"id":`,
		"no value":       `{"nextLink":null}`,
		"value not list": `{"value":{}}`,
		"not json":       `<html>oops</html>`,
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			c, _, _ := stubPages(t, func(string) string { return body })
			p := c.ListIncidents(nil)
			items, err := p.NextPage(context.Background())
			assert.Nil(t, items)
			var de *sentinel.DecodeError
			require.ErrorAs(t, err, &de)
			assert.False(t, p.More())
		})
	}
	t.Run("error object", func(t *testing.T) {
		c, _, _ := stubPages(t, func(string) string { return `{"error":{"code":"Conflict","message":"x"}}` })
		_, err := c.ListIncidents(nil).NextPage(context.Background())
		assert.ErrorIs(t, err, sentinel.ErrConflict)
	})
}

func TestPagerAgainstEmulator(t *testing.T) {
	env := newEnv(t)
	names := env.srv.SeedIncidents(230)
	ctx := context.Background()

	p := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 50, OrderBy: sentinel.OrderByNumberAsc})
	var got []string
	pages := 0
	for p.More() {
		items, err := p.NextPage(ctx)
		require.NoError(t, err)
		pages++
		assert.LessOrEqual(t, len(items), 50)
		for _, it := range items {
			got = append(got, it.Name)
		}
	}
	assert.Equal(t, 5, pages)
	assert.Equal(t, names, got)
	_, err := p.NextPage(ctx)
	assert.Error(t, err, "NextPage after the last page")

	// Default page size is the service maximum: 230 incidents in one request.
	env.srv.ResetRequests()
	all, err := env.client.ListIncidents(nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Len(t, all, 230)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "1000", reqs[0].Query.Get("$top"))

	// Collect with a limit stops early.
	env.srv.ResetRequests()
	some, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 10}).Collect(ctx, 25)
	require.NoError(t, err)
	assert.Len(t, some, 25)
	assert.Equal(t, 3, env.srv.RequestCount())
}

func TestPagerResume(t *testing.T) {
	env := newEnv(t)
	names := env.srv.SeedIncidents(30)
	ctx := context.Background()
	p := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 10})
	first, err := p.NextPage(ctx)
	require.NoError(t, err)
	link := p.NextLink()
	require.NotEmpty(t, link)

	rest, err := env.client.ListIncidents(nil).Resume(link).Collect(ctx, 0)
	require.NoError(t, err)
	var got []string
	for _, it := range append(first, rest...) {
		got = append(got, it.Name)
	}
	assert.Equal(t, names, got)

	_, err = env.client.ListIncidents(nil).Resume("https://evil.example.com/x").NextPage(ctx)
	var fe *sentinel.ForeignOriginError
	assert.ErrorAs(t, err, &fe)
}

func TestPagerInvalidOptions(t *testing.T) {
	env := newEnv(t)
	for _, top := range []int{-1, 1001} {
		p := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: top})
		assert.True(t, p.More())
		_, err := p.NextPage(context.Background())
		var ae *sentinel.ArgumentError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "ListIncidentsOptions.Top", ae.Name)
		assert.False(t, p.More())
	}
	assert.Zero(t, env.srv.RequestCount())
}

func TestPagerAllStopsOnBreakAndReportsErrors(t *testing.T) {
	env := newEnv(t)
	env.srv.SeedIncidents(120)
	ctx := context.Background()
	n := 0
	for _, err := range env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 50}).All(ctx) {
		require.NoError(t, err)
		n++
		if n == 60 {
			break
		}
	}
	assert.Equal(t, 2, env.srv.RequestCount(), "breaking stops fetching")

	env.srv.Fail(sentineltest.Fault{Status: 404, Match: func(r *http.Request) bool { return r.URL.Query().Get("$skipToken") != "" }})
	n = 0
	var lastErr error
	for _, err := range env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 50}).All(ctx) {
		if err != nil {
			lastErr = err
			continue
		}
		n++
	}
	assert.Equal(t, 50, n)
	assert.ErrorIs(t, lastErr, sentinel.ErrNotFound)
}

func TestEmulatorKeysetPagingSurvivesChanges(t *testing.T) {
	env := newEnv(t)
	names := env.srv.SeedIncidents(30)
	ctx := context.Background()
	p := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 10, OrderBy: sentinel.OrderByNumberAsc})
	first, err := p.NextPage(ctx)
	require.NoError(t, err)
	require.Len(t, first, 10)
	// Delete two listed incidents and add one while the client pages: no item shifts past it.
	require.NoError(t, env.client.DeleteIncident(ctx, names[0], nil))
	require.NoError(t, env.client.DeleteIncident(ctx, names[5], nil))
	added := env.srv.CreateIncident(map[string]any{"title": "late", "severity": "Low", "status": "New"})
	rest, err := p.Collect(ctx, 0)
	require.NoError(t, err)
	var got []string
	for _, it := range append(first, rest...) {
		got = append(got, it.Name)
	}
	assert.Equal(t, append(names, added), got)
}
