package sentinel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// newIncident creates an incident in the emulator and returns its name.
func newIncident(t *testing.T, env *testEnv) string {
	t.Helper()
	return env.srv.CreateIncident(map[string]any{"title": "Suspicious sign-in", "severity": "High", "status": "New"})
}

// additionalCount reads a counter from an incident's additionalData in the emulator.
func additionalCount(t *testing.T, env *testEnv, incident, key string) int {
	t.Helper()
	inc := env.srv.Incident(incident)
	require.NotNil(t, inc)
	ad := inc["properties"].(map[string]any)["additionalData"].(map[string]any)
	n, err := ad[key].(json.Number).Int64()
	require.NoError(t, err)
	return int(n)
}

func TestAddComment(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()

	before := time.Now().Add(-time.Minute)
	got, err := env.client.CreateComment(ctx, inc, "Isolated the host.", nil)
	require.NoError(t, err)

	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Regexp(t, `^/arm`+wsPath+`/incidents/`+inc+`/comments/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)
	assert.JSONEq(t, `{"properties":{"message":"Isolated the host."}}`, string(r.Body))

	assert.Equal(t, r.Path[strings.LastIndex(r.Path, "/")+1:], got.Name)
	assert.Equal(t, "Isolated the host.", got.Message)
	assert.Equal(t, sentinel.ClientInfo{Email: sentineltest.CallerUPN, Name: sentineltest.CallerName, ObjectID: sentineltest.CallerObjectID, UserPrincipalName: sentineltest.CallerUPN}, got.Author)
	assert.True(t, got.CreatedTime.After(before), "created %v", got.CreatedTime)
	assert.Equal(t, got.CreatedTime, got.LastModifiedTime)
	assert.NotEmpty(t, got.Etag)
	assert.True(t, strings.HasSuffix(got.ID, "/Incidents/"+inc+"/Comments/"+got.Name), "the service's casing: %s", got.ID)
	assert.Equal(t, 1, additionalCount(t, env, inc, "commentsCount"))

	// A second comment gets another ID.
	second, err := env.client.CreateComment(ctx, inc, "Second.", nil)
	require.NoError(t, err)
	assert.NotEqual(t, got.Name, second.Name)
	assert.Equal(t, 2, additionalCount(t, env, inc, "commentsCount"))
}

func TestAddCommentArguments(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name, incident, message string
		opts                    *sentinel.CreateCommentOptions
		arg                     string
	}{
		{"empty message", "inc", "", nil, "message"},
		{"blank message", "inc", " \n\t ", nil, "message"},
		{"empty incident", "", "hi", nil, "incidentID"},
		{"incident with slash", "a/b", "hi", nil, "incidentID"},
		{"incident dot-dot", "..", "hi", nil, "incidentID"},
		{"comment ID with slash", "inc", "hi", &sentinel.CreateCommentOptions{ID: "x/../y"}, "CreateCommentOptions.ID"},
		{"comment ID too long", "inc", "hi", &sentinel.CreateCommentOptions{ID: strings.Repeat("a", 300)}, "CreateCommentOptions.ID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := env.client.CreateComment(ctx, tt.incident, tt.message, tt.opts)
			var ae *sentinel.ArgumentError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.arg, ae.Name)
			assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
		})
	}
	assert.Zero(t, env.srv.RequestCount(), "nothing is sent for invalid arguments")
}

func TestAddCommentRetryAfterLostResponse(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	// The first PUT is handled, but its response never arrives: azcore retries the same
	// request, which now finds the comment.
	env.srv.Fail(sentineltest.Fault{Action: sentineltest.Drop, Match: func(r *http.Request) bool { return r.Method == http.MethodPut }})

	got, err := env.client.CreateComment(context.Background(), inc, "Contained.", nil)
	require.NoError(t, err)
	assert.Equal(t, "Contained.", got.Message)

	comments := env.srv.Data().Comments(inc)
	require.Len(t, comments, 1, "the retry did not add a second comment")
	assert.Equal(t, got.Name, comments[0]["name"])
	assert.Equal(t, 1, additionalCount(t, env, inc, "commentsCount"))

	var puts []string
	for _, r := range env.srv.Requests() {
		if r.Method == http.MethodPut {
			puts = append(puts, r.Path)
		}
	}
	require.Len(t, puts, 2)
	assert.Equal(t, puts[0], puts[1], "the retry uses the same comment ID")
}

func TestAddCommentCallerID(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	opts := &sentinel.CreateCommentOptions{ID: "run-42-step-3"}

	first, err := env.client.CreateComment(ctx, inc, "Enriched by playbook.", opts)
	require.NoError(t, err)
	assert.Equal(t, "run-42-step-3", first.Name)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/comments/run-42-step-3", env.srv.Requests()[0].Path)

	// The playbook step runs again: no duplicate, no error; the service writes the comment
	// again (a PUT without an etag overwrites), so it has a new etag.
	again, err := env.client.CreateComment(ctx, inc, "Enriched by playbook.", opts)
	require.NoError(t, err)
	assert.Equal(t, first.Name, again.Name)
	assert.Equal(t, "Enriched by playbook.", again.Message)
	assert.Equal(t, first.CreatedTime, again.CreatedTime)
	assert.Len(t, env.srv.Data().Comments(inc), 1)
	assert.Equal(t, 1, additionalCount(t, env, inc, "commentsCount"))

	// The same ID with another message overwrites the comment: the last writer wins.
	other, err := env.client.CreateComment(ctx, inc, "Something else.", opts)
	require.NoError(t, err)
	assert.Equal(t, "Something else.", other.Message)
	require.Len(t, env.srv.Data().Comments(inc), 1)
	assert.Equal(t, "Something else.", env.srv.Data().Comments(inc)[0]["properties"].(map[string]any)["message"])
}

func TestListComments(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	var names []string
	for i := range 5 {
		c, err := env.client.CreateComment(ctx, inc, fmt.Sprintf("comment %d", i), &sentinel.CreateCommentOptions{ID: fmt.Sprintf("c%d", i)})
		require.NoError(t, err)
		names = append(names, c.Name)
	}

	t.Run("pages", func(t *testing.T) {
		env.srv.ResetRequests()
		p := env.client.ListComments(inc, &sentinel.ListCommentsOptions{Top: 2})
		var got []string
		for c, err := range p.All(ctx) {
			require.NoError(t, err)
			got = append(got, c.Name)
		}
		assert.Equal(t, names, got)
		reqs := env.srv.Requests()
		require.Len(t, reqs, 3)
		assert.Equal(t, http.MethodGet, reqs[0].Method)
		assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/comments", reqs[0].Path)
		assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion+"&$top=2", reqs[0].RawQuery)
	})

	t.Run("filter and order", func(t *testing.T) {
		env.srv.ResetRequests()
		got, err := env.client.ListComments(inc, &sentinel.ListCommentsOptions{
			Filter:  "properties/message ne 'comment 2'",
			OrderBy: "properties/message desc",
		}).Collect(ctx, 0)
		require.NoError(t, err)
		var msgs []string
		for _, c := range got {
			msgs = append(msgs, c.Message)
		}
		assert.Equal(t, []string{"comment 4", "comment 3", "comment 1", "comment 0"}, msgs)
		assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion+"&$filter=properties%2Fmessage%20ne%20%27comment%202%27&$orderby=properties%2Fmessage%20desc", env.srv.Requests()[0].RawQuery)
	})

	t.Run("invalid arguments", func(t *testing.T) {
		env.srv.ResetRequests()
		for _, p := range []*sentinel.Pager[sentinel.IncidentComment]{
			env.client.ListComments("", nil),
			env.client.ListComments("a/b", nil),
			env.client.ListComments(inc, &sentinel.ListCommentsOptions{Top: -1}),
		} {
			_, err := p.NextPage(ctx)
			assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
		}
		assert.Zero(t, env.srv.RequestCount())
	})

	t.Run("missing incident", func(t *testing.T) {
		_, err := env.client.ListComments("no-such-incident", nil).Collect(ctx, 0)
		assert.ErrorIs(t, err, sentinel.ErrNotFound)
	})
}

func TestGetAndDeleteComment(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	added, err := env.client.CreateComment(ctx, inc, "to be removed", &sentinel.CreateCommentOptions{ID: "c-1"})
	require.NoError(t, err)

	got, err := env.client.GetComment(ctx, inc, "c-1", nil)
	require.NoError(t, err)
	assert.Equal(t, added, got)

	env.srv.ResetRequests()
	require.NoError(t, env.client.DeleteComment(ctx, inc, "c-1", nil))
	r := env.srv.Requests()[0]
	assert.Equal(t, http.MethodDelete, r.Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/comments/c-1", r.Path)
	assert.Equal(t, 0, additionalCount(t, env, inc, "commentsCount"))

	_, err = env.client.GetComment(ctx, inc, "c-1", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	assert.NoError(t, env.client.DeleteComment(ctx, inc, "c-1", nil), "deleting a missing comment succeeds")
	assert.Equal(t, 0, additionalCount(t, env, inc, "commentsCount"))

	_, err = env.client.CreateComment(ctx, "no-such-incident", "x", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)

	for _, err := range []error{
		func() error { _, err := env.client.GetComment(ctx, inc, "", nil); return err }(),
		func() error { _, err := env.client.GetComment(ctx, "", "c", nil); return err }(),
		env.client.DeleteComment(ctx, inc, "a\\b", nil),
		env.client.DeleteComment(ctx, "..", "c", nil),
	} {
		assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
	}
}

func TestCommentDecoding(t *testing.T) {
	data, err := os.ReadFile("testdata/comments/get.json")
	require.NoError(t, err)
	var c sentinel.IncidentComment
	require.NoError(t, sentinel.UnmarshalJSON(data, &c))
	assert.Equal(t, "4bb36b7b-26ff-4d1c-9cbe-0d8ab3da0014", c.Name)
	assert.Equal(t, `"0300bf09-0000-0000-0000-5c37296e0000"`, c.Etag)
	assert.Equal(t, "Isolated <b>WS-FIN-0142</b> via Defender for Endpoint. Ticket INC0012345.", c.Message)
	assert.Equal(t, sentinel.ClientInfo{Email: "alice.jones@contoso.com", Name: "Alice Jones", ObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70", UserPrincipalName: "alice.jones@contoso.com"}, c.Author)
	assert.Equal(t, time.Date(2026, 5, 13, 10, 9, 26, 123456700, time.UTC), c.CreatedTime)
	assert.Equal(t, time.Date(2026, 5, 13, 10, 11, 2, 500000000, time.UTC), c.LastModifiedTime)
	assert.Equal(t, map[string]jsontext.Value{"isPinned": jsontext.Value("true")}, sentinel.UnknownMembers(c.IncidentCommentProperties.Unknown))

	// The wire form round-trips, unknown members included.
	out, err := sentinel.MarshalJSON(c)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(out))

	// A comment written by an application has no author fields.
	var bare sentinel.IncidentComment
	require.NoError(t, json.Unmarshal([]byte(`{"name":"x","properties":{"message":"m","author":null}}`), &bare))
	assert.True(t, bare.Author.IsZero())
}

// Ordered comment listings page by the sort key: every comment arrives once, in order, even
// across pages (the emulator once lost the order's key between pages).
func TestListCommentsOrderedAcrossPages(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	id := env.srv.CreateIncident(map[string]any{"title": "t", "severity": "Low", "status": "New"})
	var want []string
	for i := range 7 {
		env.clock.Advance(time.Minute)
		env.srv.SetClock(env.clock.Now)
		c, err := env.client.CreateComment(ctx, id, fmt.Sprintf("note %d", i), nil)
		require.NoError(t, err)
		want = append([]string{c.Name}, want...)
	}
	got, err := env.client.ListComments(id, &sentinel.ListCommentsOptions{OrderBy: sentinel.OrderByCreatedDesc, Top: 3}).Collect(ctx, 0)
	require.NoError(t, err)
	var names []string
	for _, c := range got {
		names = append(names, c.Name)
	}
	assert.Equal(t, want, names)
}

// TestCreateCommentOn409 covers createOnce's conflict path, for a service or proxy that
// answers 409 to a PUT on a taken ID: the same comment is the earlier attempt's and is
// returned (read with one GET); another message is an error matching ErrConflict.
func TestCreateCommentOn409(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	opts := &sentinel.CreateCommentOptions{ID: "step-1"}
	first, err := env.client.CreateComment(ctx, inc, "Isolated the host.", opts)
	require.NoError(t, err)

	isPut := func(r *http.Request) bool { return r.Method == http.MethodPut }
	env.srv.Fail(sentineltest.Fault{Status: http.StatusConflict, Match: isPut})
	env.srv.ResetRequests()
	again, err := env.client.CreateComment(ctx, inc, "Isolated the host.", opts)
	require.NoError(t, err)
	assert.Equal(t, first.Name, again.Name)
	assert.Equal(t, "Isolated the host.", again.Message)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodGet, reqs[1].Method, "the existing comment is read to compare")

	env.srv.Fail(sentineltest.Fault{Status: http.StatusConflict, Match: isPut})
	_, err = env.client.CreateComment(ctx, inc, "Something else.", opts)
	require.ErrorIs(t, err, sentinel.ErrConflict)
	assert.Contains(t, err.Error(), "already exists with other content")
}
