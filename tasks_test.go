package sentinel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func TestCreateTask(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()

	got, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "Isolate WS-FIN-0142", Description: "Full isolation."}, nil)
	require.NoError(t, err)
	r := env.srv.Requests()[0]
	assert.Equal(t, http.MethodPut, r.Method)
	assert.Regexp(t, `^/arm`+wsPath+`/incidents/`+inc+`/tasks/[0-9a-f-]{36}$`, r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery, "the default version has tasks")
	assert.JSONEq(t, `{"properties":{"title":"Isolate WS-FIN-0142","description":"Full isolation.","status":"New"}}`, string(r.Body))

	assert.Equal(t, r.Path[strings.LastIndex(r.Path, "/")+1:], got.Name)
	assert.Equal(t, "Isolate WS-FIN-0142", got.Title)
	assert.Equal(t, sentinel.TaskStatusNew, got.Status)
	assert.Equal(t, sentineltest.CallerUPN, got.CreatedBy.UserPrincipalName)
	assert.Equal(t, sentineltest.CallerName, got.LastModifiedBy.Name)
	assert.False(t, got.CreatedTime.IsZero())
	assert.NotEmpty(t, got.Etag)

	t.Run("a chosen ID is idempotent", func(t *testing.T) {
		opts := &sentinel.CreateTaskOptions{ID: "playbook-42-reset-password"}
		first, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "Reset the password"}, opts)
		require.NoError(t, err)
		before := len(env.srv.Data().Tasks(inc))
		again, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "Reset the password"}, opts)
		require.NoError(t, err)
		assert.Equal(t, first.Name, again.Name)
		assert.Equal(t, first.CreatedTime, again.CreatedTime)
		assert.Len(t, env.srv.Data().Tasks(inc), before, "no second task")
		// Another title under the same ID overwrites the task: the service keeps the last
		// write of a PUT without an etag.
		other, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "Something else"}, opts)
		require.NoError(t, err)
		assert.Equal(t, "Something else", other.Title)
		assert.Len(t, env.srv.Data().Tasks(inc), before)
	})

	t.Run("retry after a lost response", func(t *testing.T) {
		before := len(env.srv.Data().Tasks(inc))
		env.srv.Fail(sentineltest.Fault{Action: sentineltest.Drop, Match: func(r *http.Request) bool { return r.Method == http.MethodPut }})
		_, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "Collect the investigation package", Status: sentinel.TaskStatusCompleted}, nil)
		require.NoError(t, err)
		assert.Len(t, env.srv.Data().Tasks(inc), before+1)
	})

	t.Run("arguments", func(t *testing.T) {
		env.srv.ResetRequests()
		for name, err := range map[string]error{
			"IncidentTask.Title": func() error {
				_, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "  "}, nil)
				return err
			}(),
			"incidentID": func() error {
				_, err := env.client.CreateTask(ctx, "", sentinel.IncidentTaskProperties{Title: "x"}, nil)
				return err
			}(),
			"CreateTaskOptions.ID": func() error {
				_, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "x"}, &sentinel.CreateTaskOptions{ID: "a/b"})
				return err
			}(),
			"taskID": func() error { _, err := env.client.GetTask(ctx, inc, "", nil); return err }(),
			"IncidentTaskUpdate.Title": func() error {
				e := ""
				_, err := env.client.UpdateTask(ctx, inc, "t", sentinel.IncidentTaskUpdate{Title: &e}, nil)
				return err
			}(),
			"IncidentTaskUpdate.Status": func() error {
				s := sentinel.IncidentTaskStatus("")
				_, err := env.client.UpdateTask(ctx, inc, "t", sentinel.IncidentTaskUpdate{Status: &s}, nil)
				return err
			}(),
		} {
			var ae *sentinel.ArgumentError
			if assert.ErrorAs(t, err, &ae, name) {
				assert.Equal(t, name, ae.Name)
			}
		}
		assert.Zero(t, env.srv.RequestCount())
	})
}

func TestTasksAPIVersion(t *testing.T) {
	tests := []struct {
		client, tasks string
	}{
		{"", sentinel.DefaultAPIVersion},
		{"2023-02-01", "2024-03-01"},
		{"2024-01-01-preview", "2024-03-01"},
		{"2024-03-01", "2024-03-01"},
		{"2025-09-01", "2025-09-01"},
		{"2025-07-01-preview", "2025-07-01-preview"},
	}
	for _, tt := range tests {
		t.Run(tt.client, func(t *testing.T) {
			env := newEnv(t, func(o *sentinel.ClientOptions) { o.APIVersion = tt.client })
			inc := newIncident(t, env)
			ctx := context.Background()
			task, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "x"}, nil)
			require.NoError(t, err)
			_, err = env.client.GetTask(ctx, inc, task.Name, nil)
			require.NoError(t, err)
			_, err = env.client.ListTasks(inc, nil).Collect(ctx, 0)
			require.NoError(t, err)
			require.NoError(t, env.client.DeleteTask(ctx, inc, task.Name, nil))
			_, err = env.client.ListComments(inc, nil).Collect(ctx, 0)
			require.NoError(t, err)
			reqs := env.srv.Requests()
			require.Len(t, reqs, 5)
			for _, r := range reqs[:4] {
				assert.Equal(t, tt.tasks, r.Query.Get("api-version"), "%s %s", r.Method, r.Path)
			}
			want := tt.client
			if want == "" {
				want = sentinel.DefaultAPIVersion
			}
			assert.Equal(t, want, reqs[4].Query.Get("api-version"), "other resources keep the client's version")
		})
	}

	t.Run("the service refuses older versions", func(t *testing.T) {
		env := newEnv(t)
		inc := newIncident(t, env)
		req, err := http.NewRequest(http.MethodGet, env.srv.Endpoint()+wsPath+"/incidents/"+inc+"/tasks?api-version=2023-11-01", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+sentineltest.Token)
		resp, err := env.srv.HTTPClient().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
}

func TestListTasks(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	var names []string
	for i := range 55 {
		task, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: fmt.Sprintf("step %d", i)}, &sentinel.CreateTaskOptions{ID: fmt.Sprintf("step-%02d", i)})
		require.NoError(t, err)
		names = append(names, task.Name)
	}
	env.srv.ResetRequests()
	var got []string
	for task, err := range env.client.ListTasks(inc, nil).All(ctx) {
		require.NoError(t, err)
		got = append(got, task.Name)
	}
	assert.Equal(t, names, got)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 2, "two pages of the emulator's default 50")
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/tasks", reqs[0].Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, reqs[0].RawQuery)
	assert.Equal(t, sentinel.DefaultAPIVersion, reqs[1].Query.Get("api-version"), "the nextLink carries the version")
	assert.NotEmpty(t, reqs[1].Query.Get("$skipToken"))

	_, err := env.client.ListTasks("missing", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	_, err = env.client.ListTasks("", nil).NextPage(ctx)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)
}

func TestUpdateTask(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	task, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "Isolate the host"}, &sentinel.CreateTaskOptions{ID: "t1"})
	require.NoError(t, err)
	// A property this SDK does not model, set by someone else.
	require.True(t, env.srv.Data().ModifyTask(inc, "t1", func(p map[string]any) { p["priority"] = "High" }))

	env.srv.ResetRequests()
	done, err := env.client.CompleteTask(ctx, inc, "t1", nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.TaskStatusCompleted, done.Status)
	assert.Equal(t, "Isolate the host", done.Title)
	assert.Equal(t, map[string]jsontext.Value{"priority": jsontext.Value(`"High"`)}, sentinel.UnknownMembers(done.IncidentTaskProperties.Unknown))
	assert.NotEqual(t, task.Etag, done.Etag)

	reqs := env.srv.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, http.MethodPut, reqs[1].Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/tasks/t1", reqs[1].Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, reqs[1].RawQuery)
	var body map[string]any
	require.NoError(t, json.Unmarshal(reqs[1].Body, &body))
	assert.NotEmpty(t, body["etag"], "the etag read is sent back")
	props := body["properties"].(map[string]any)
	assert.Equal(t, "Completed", props["status"])
	assert.Equal(t, "High", props["priority"], "unknown properties are sent back")
	assert.NotContains(t, body, "id")

	t.Run("concurrent change", func(t *testing.T) {
		var puts atomic.Int32
		env.srv.OnRequest(func(r sentineltest.Request) {
			if r.Method == http.MethodPut && puts.Add(1) == 1 {
				env.srv.Data().ModifyTask(inc, "t1", func(p map[string]any) { p["description"] = "Added by Alice." })
			}
		})
		defer env.srv.OnRequest(nil)
		title := "Isolate WS-FIN-0142"
		got, err := env.client.UpdateTask(ctx, inc, "t1", sentinel.IncidentTaskUpdate{Title: &title}, nil)
		require.NoError(t, err)
		assert.Equal(t, int32(2), puts.Load(), "the first PUT met a conflict and was retried")
		assert.Equal(t, "Isolate WS-FIN-0142", got.Title)
		assert.Equal(t, "Added by Alice.", got.Description, "the other change is kept")
	})

	t.Run("conflict every time", func(t *testing.T) {
		env.srv.OnRequest(func(r sentineltest.Request) {
			if r.Method == http.MethodPut {
				env.srv.Data().ModifyTask(inc, "t1", func(map[string]any) {})
			}
		})
		defer env.srv.OnRequest(nil)
		s := sentinel.TaskStatusNew
		_, err := env.client.UpdateTask(ctx, inc, "t1", sentinel.IncidentTaskUpdate{Status: &s}, &sentinel.UpdateTaskOptions{MaxAttempts: 3})
		assert.ErrorIs(t, err, sentinel.ErrConflict)
		assert.Contains(t, err.Error(), "3 times")
	})

	_, err = env.client.CompleteTask(ctx, inc, "missing", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

func TestGetAndDeleteTask(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	ctx := context.Background()
	created, err := env.client.CreateTask(ctx, inc, sentinel.IncidentTaskProperties{Title: "x"}, &sentinel.CreateTaskOptions{ID: "t1"})
	require.NoError(t, err)
	got, err := env.client.GetTask(ctx, inc, "t1", nil)
	require.NoError(t, err)
	assert.Equal(t, created, got)

	env.srv.ResetRequests()
	require.NoError(t, env.client.DeleteTask(ctx, inc, "t1", nil))
	r := env.srv.Requests()[0]
	assert.Equal(t, http.MethodDelete, r.Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/tasks/t1", r.Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, r.RawQuery)
	_, err = env.client.GetTask(ctx, inc, "t1", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	assert.NoError(t, env.client.DeleteTask(ctx, inc, "t1", nil))
	assert.ErrorIs(t, env.client.DeleteTask(ctx, inc, "", nil), sentinel.ErrInvalidArgument)
}

func TestTaskDecoding(t *testing.T) {
	data, err := os.ReadFile("testdata/tasks/get.json")
	require.NoError(t, err)
	var task sentinel.IncidentTask
	require.NoError(t, sentinel.UnmarshalJSON(data, &task))
	assert.Equal(t, "Isolate WS-FIN-0142", task.Title)
	assert.Equal(t, sentinel.TaskStatusCompleted, task.Status)
	assert.Equal(t, time.Date(2026, 5, 13, 10, 41, 17, 73400000, time.UTC), task.LastModifiedTime)
	assert.Equal(t, "Alice Jones", task.LastModifiedBy.Name)
	assert.Equal(t, "soar-automation@contoso.com", task.CreatedBy.Email)
	assert.Equal(t, map[string]jsontext.Value{"priority": jsontext.Value(`"High"`)}, sentinel.UnknownMembers(task.IncidentTaskProperties.Unknown))
	out, err := sentinel.MarshalJSON(task)
	require.NoError(t, err)
	assert.JSONEq(t, string(data), string(out))
}
