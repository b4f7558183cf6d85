package sentinel_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// collectRows ranges over a QueryRows sequence and returns its rows and errors.
func collectRows[T any](seq func(func(T, error) bool)) (rows []T, errs []error) {
	for row, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rows = append(rows, row)
	}
	return rows, errs
}

func TestQueryRowsAgreesWithQueryInto(t *testing.T) {
	env := newEnv(t)
	tbl := sentineltest.SigninLogs(700, queryNow).Project("TimeGenerated", "UserPrincipalName", "IPAddress", "DurationMs", "DeviceDetail")
	env.srv.SetQueryResult(failedSignIns, sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}})
	ctx := context.Background()

	want, _, err := sentinel.QueryInto[failedSignIn](ctx, env.client, failedSignIns, &sentinel.QueryOptions{Timespan: time.Hour})
	require.NoError(t, err)
	got, errs := collectRows(sentinel.QueryRows[failedSignIn](ctx, env.client, failedSignIns, &sentinel.QueryOptions{Timespan: time.Hour}))
	assert.Empty(t, errs)
	assert.Equal(t, want, got)
	require.Len(t, got, 700)
	assert.Equal(t, tbl.Rows[699][1], got[699].User)

	reqs := queryRequests(env.srv)
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assert.Equal(t, http.MethodPost, r.Method)
		assert.Equal(t, "/v1/workspaces/"+env.srv.Workspace().CustomerID+"/query", r.Path)
		assert.JSONEq(t, `{"query":`+quoteJSON(t, failedSignIns)+`,"timespan":"PT1H"}`, string(r.Body))
	}
}

func TestQueryRowsStopsEarlyAndRunsAgain(t *testing.T) {
	env := newEnv(t)
	tbl := sentineltest.SigninLogs(2000, queryNow).Project("TimeGenerated", "UserPrincipalName", "IPAddress", "DurationMs", "DeviceDetail")
	env.srv.SetQueryResult(failedSignIns, sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{tbl}})
	seq := sentinel.QueryRows[failedSignIn](context.Background(), env.client, failedSignIns, nil)
	for range 2 {
		n := 0
		for row, err := range seq {
			require.NoError(t, err)
			require.Equal(t, tbl.Rows[n][1], row.User)
			if n++; n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
	}
	assert.Len(t, queryRequests(env.srv), 2, "each loop sends the query")
	// The client is still usable after an abandoned response.
	rows, _, err := sentinel.QueryInto[failedSignIn](context.Background(), env.client, failedSignIns, nil)
	require.NoError(t, err)
	assert.Len(t, rows, 2000)
}

func TestQueryRowsErrors(t *testing.T) {
	env := newEnv(t)
	ctx := context.Background()
	tbl := sentineltest.SigninLogs(5, queryNow).Project("TimeGenerated", "UserPrincipalName", "IPAddress", "DurationMs", "DeviceDetail")
	env.srv.SetQueryResult("partial", sentineltest.PartialError("Query result set has exceeded the internal data size limit 64 MB (E_QUERY_RESULT_SET_TOO_LARGE).", tbl))
	env.srv.SetQueryResult("syntax", sentineltest.SyntaxError("Query could not be parsed at 'x'"))
	env.srv.SetQueryResult("empty", sentineltest.NoContent())
	bad := tbl
	bad.Rows = append([][]any(nil), tbl.Rows...)
	bad.Rows[3] = append([]any(nil), tbl.Rows[3]...)
	bad.Rows[3][3] = "not a number"
	env.srv.SetQueryResult("bad cell", sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{bad}})

	t.Run("partial result: the rows, then the error", func(t *testing.T) {
		rows, errs := collectRows(sentinel.QueryRows[failedSignIn](ctx, env.client, "partial", nil))
		assert.Len(t, rows, 5)
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sentinel.ErrPartialResult)
	})
	t.Run("rejected query", func(t *testing.T) {
		rows, errs := collectRows(sentinel.QueryRows[failedSignIn](ctx, env.client, "syntax", nil))
		assert.Empty(t, rows)
		require.Len(t, errs, 1)
		var re *sentinel.ResponseError
		require.ErrorAs(t, errs[0], &re)
		assert.ErrorIs(t, errs[0], sentinel.ErrBadRequest)
	})
	t.Run("no content", func(t *testing.T) {
		rows, errs := collectRows(sentinel.QueryRows[failedSignIn](ctx, env.client, "empty", nil))
		assert.Empty(t, rows)
		assert.Empty(t, errs)
	})
	t.Run("a value that does not fit: the rows before it, then a ColumnError", func(t *testing.T) {
		rows, errs := collectRows(sentinel.QueryRows[failedSignIn](ctx, env.client, "bad cell", nil))
		assert.Len(t, rows, 3)
		require.Len(t, errs, 1)
		var ce *sentinel.ColumnError
		require.ErrorAs(t, errs[0], &ce)
		assert.Equal(t, 3, ce.Row)
		assert.Equal(t, "DurationMs", ce.Column)
	})
	t.Run("invalid arguments: no request", func(t *testing.T) {
		before := len(queryRequests(env.srv))
		_, errs := collectRows(sentinel.QueryRows[int](ctx, env.client, "partial", nil))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sentinel.ErrInvalidArgument)
		_, errs = collectRows(sentinel.QueryRows[failedSignIn](ctx, env.client, " ", nil))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], sentinel.ErrInvalidArgument)
		assert.Len(t, queryRequests(env.srv), before)
	})
	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, errs := collectRows(sentinel.QueryRows[failedSignIn](cctx, env.client, "partial", nil))
		require.Len(t, errs, 1)
		assert.True(t, errors.Is(errs[0], context.Canceled), "%v", errs[0])
	})
}
