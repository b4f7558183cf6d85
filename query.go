package sentinel

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// MaxServerTimeout is the longest QueryOptions.ServerTimeout the Log Analytics query API
// accepts.
const MaxServerTimeout = 10 * time.Minute

// maxQueryWorkspaces is the service's limit of workspaces in one cross-workspace query.
const maxQueryWorkspaces = 100

// workspaceAPIVersion is the Microsoft.OperationalInsights api-version of the workspace GET
// that resolves the workspace GUID.
const workspaceAPIVersion = "2022-10-01"

// QueryOptions configures Query and QueryInto. A nil *QueryOptions means no time range
// beyond the query's own filters, the service's default timeout and no statistics.
type QueryOptions struct {
	// Timespan limits the query to the period of this length that ends now, in addition to
	// any time filter inside the query ("PT1H" on the wire). 0 means no such limit.
	Timespan time.Duration
	// Start and End limit the query to an absolute period instead ("start/end" on the
	// wire). Set both or neither; they cannot be combined with Timespan.
	Start, End time.Time
	// AdditionalWorkspaces are further workspaces to query together with the client's:
	// names, GUIDs or resource IDs. The service allows at most 100 workspaces per query.
	AdditionalWorkspaces []string
	// ServerTimeout is how long the service may run the query, sent as "Prefer: wait=N"
	// (whole seconds, rounded up). 0 means the service's default of 3 minutes; at most
	// MaxServerTimeout (10 minutes). A query that runs longer fails with 504 Gateway
	// Timeout.
	ServerTimeout time.Duration
	// IncludeStatistics asks for the query's statistics (QueryResult.Statistics).
	IncludeStatistics bool
	// IncludeRender asks for the visualization hints of a render operator
	// (QueryResult.Render).
	IncludeRender bool
	// WorkspaceID is the GUID (customerId) of the workspace to query. "" means the client's
	// workspace: Workspace.CustomerID, or the GUID resolved once through ARM.
	WorkspaceID string
}

// queryBody is the request body of the query API.
type queryBody struct {
	Query      string   `json:"query"`
	Timespan   string   `json:"timespan,omitempty"`
	Workspaces []string `json:"workspaces,omitempty"`
}

// build validates the options and returns the body and the Prefer header.
func (o *QueryOptions) build(kql string) (*queryBody, string, error) {
	if strings.TrimSpace(kql) == "" {
		return nil, "", argError("kql", "must not be empty")
	}
	if !utf8.ValidString(kql) {
		// JSON would carry it with U+FFFD in place of the bad bytes: another query than the
		// caller's would run, silently.
		i := 0
		for i < len(kql) {
			r, size := utf8.DecodeRuneInString(kql[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, "", argError("kql", "is not valid UTF-8 (byte %d is 0x%02x); KQL text is UTF-8", i, kql[i])
	}
	body := &queryBody{Query: kql}
	hasRange := !o.Start.IsZero() || !o.End.IsZero()
	switch {
	case o.Timespan < 0:
		return nil, "", argError("QueryOptions.Timespan", "must not be negative, got %s", o.Timespan)
	case o.Timespan > 0 && hasRange:
		return nil, "", argError("QueryOptions.Timespan", "cannot be combined with Start and End")
	case o.Timespan > 0:
		body.Timespan = iso8601.FormatDuration(o.Timespan)
	case hasRange:
		if o.Start.IsZero() || o.End.IsZero() {
			return nil, "", argError("QueryOptions.Start", "Start and End must be set together")
		}
		if !o.End.After(o.Start) {
			return nil, "", argError("QueryOptions.End", "%s is not after Start %s", o.End.Format(time.RFC3339), o.Start.Format(time.RFC3339))
		}
		body.Timespan = o.Start.UTC().Format(time.RFC3339Nano) + "/" + o.End.UTC().Format(time.RFC3339Nano)
	}
	if n := len(o.AdditionalWorkspaces); n >= maxQueryWorkspaces {
		return nil, "", argError("QueryOptions.AdditionalWorkspaces", "the service queries at most %d workspaces at once, got %d more", maxQueryWorkspaces, n)
	}
	for i, w := range o.AdditionalWorkspaces {
		if strings.TrimSpace(w) == "" {
			return nil, "", argError("QueryOptions.AdditionalWorkspaces", "entry %d is empty", i)
		}
	}
	body.Workspaces = o.AdditionalWorkspaces
	if o.WorkspaceID != "" && !guidRE.MatchString(o.WorkspaceID) {
		return nil, "", argError("QueryOptions.WorkspaceID", "%q is not a GUID", o.WorkspaceID)
	}
	var prefer []string
	switch {
	case o.ServerTimeout < 0 || o.ServerTimeout > MaxServerTimeout:
		return nil, "", argError("QueryOptions.ServerTimeout", "must be between 0 and %s, got %s", MaxServerTimeout, o.ServerTimeout)
	case o.ServerTimeout > 0:
		secs := (o.ServerTimeout + time.Second - 1) / time.Second
		prefer = append(prefer, "wait="+strconv.FormatInt(int64(secs), 10))
	}
	if o.IncludeStatistics {
		prefer = append(prefer, "include-statistics=true")
	}
	if o.IncludeRender {
		prefer = append(prefer, "include-render=true")
	}
	return body, strings.Join(prefer, ","), nil
}

// Query runs a KQL query over the workspace's tables (SecurityEvent, SigninLogs,
// SecurityAlert, ...) with the Log Analytics query API: POST
// {endpoint}/v1/workspaces/{customerId}/query, authorized with a token for the Log Analytics
// audience of the client's cloud, through the client's pipeline (429 waits honouring
// Retry-After, retries, logging, tracing).
//
// The KQL text is sent byte for byte; it must be valid UTF-8 (an *ArgumentError otherwise,
// since JSON would replace the invalid bytes and run another query).
//
// The API addresses the workspace by its GUID (customerId). Query uses
// QueryOptions.WorkspaceID or Workspace.CustomerID; when both are empty it reads the GUID
// once from the workspace resource (GET .../workspaces/{name}?api-version=2022-10-01, which
// needs ARM read access) and caches it in the client.
//
// The response is stream-decoded: the rows are stored once, compactly, and converted on
// access (see Table, Row, DecodeTable). The service returns at most 500,000 rows and about
// 100 MiB. A 204 No Content answer gives a result without tables and no error.
//
// When the service answers 200 with tables and an error (code "PartialError", e.g. a result
// truncated at the size limit), Query returns the result together with a
// *PartialResultError: the tables hold what the service sent. A rejected query (syntax
// error, unknown column) is a *ResponseError whose ErrorCode is the service's code
// ("BadArgumentError") and whose Details carry the inner error ("SyntaxError" and its
// message).
//
//meta:operation POST /workspaces/{workspaceId}/query
func (c *Client) Query(ctx context.Context, kql string, opts *QueryOptions) (*QueryResult, error) {
	return c.query(ctx, "Client.Query", kql, opts, nil)
}

// QueryInto runs kql like Client.Query and decodes the rows of the first table (the
// PrimaryResult) straight into structs as they stream in, without storing them, mapping
// columns to fields as DecodeTable does. It is the cheapest way to read a whole result into
// memory: one copy of the data, in []T. Strings are carved from shared blocks of memory that
// nothing changes or reuses; byte slices (json.RawMessage) are copies of their own.
//
// The rows are collected in blocks and joined into one slice at the end, so while that
// happens the []T is held twice: for a result too large for that, read it with QueryRows,
// which holds one row at a time.
//
// The returned *QueryResult describes every table (names and columns); its first table has
// no stored rows (Len is 0), the others are stored as by Query. On a *PartialResultError the
// rows received are returned with it. A column that does not fit its field, or a value that
// does not parse, is a *ColumnError.
//
//meta:operation POST /workspaces/{workspaceId}/query
func QueryInto[T any](ctx context.Context, c *Client, kql string, opts *QueryOptions) ([]T, *QueryResult, error) {
	si, err := structInfoFor(reflect.TypeFor[T]())
	if err != nil {
		return nil, nil, err
	}
	var rows rowBlocks[T]
	sink := &typedSink{info: si, newRow: rows.next}
	res, err := c.query(ctx, "QueryInto", kql, opts, sink)
	if res == nil {
		return nil, nil, err
	}
	return rows.slice(), res, err
}

// QueryRows runs kql like Client.Query and yields the rows of the first table (the
// PrimaryResult) one at a time, each decoded into a T as DecodeTable maps columns to fields,
// while the response streams in. Nothing of the result is kept between rows, so memory stays
// bounded (a few MiB of buffers) whatever the size of the result: it is the way to read a
// result of hundreds of thousands of rows in a small container.
//
// The query is sent when a loop over the sequence starts; each loop sends it again. Breaking
// out of the loop stops reading and closes the response. Any failure (an invalid argument,
// an error status, a body that does not decode, a *ColumnError for a value that does not
// fit its field, or a *PartialResultError after the rows the service did send) is yielded
// once, with a zero T, as the last element. The yielded values own their memory: strings and
// byte slices in them may be kept after the loop.
//
// Tables after the first are read and dropped; use Query to read several tables.
//
//meta:operation POST /workspaces/{workspaceId}/query
func QueryRows[T any](ctx context.Context, c *Client, kql string, opts *QueryOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		si, err := structInfoFor(reflect.TypeFor[T]())
		if err != nil {
			yield(zero, err)
			return
		}
		var row T
		stopped := false
		sink := &typedSink{
			info:   si,
			newRow: func() rowPtr { row = zero; return rowPtrOf(&row) },
			done: func() bool {
				stopped = !yield(row, nil)
				return !stopped
			},
		}
		_, err = c.query(ctx, "QueryRows", kql, opts, sink)
		if err != nil && !stopped {
			yield(zero, err)
		}
	}
}

var okQuery = []int{http.StatusOK, http.StatusNoContent}

func (c *Client) query(ctx context.Context, op, kql string, opts *QueryOptions, sink *typedSink) (*QueryResult, error) {
	o := optionsOf(opts)
	body, prefer, err := o.build(kql)
	if err != nil {
		return nil, err
	}
	if c.logs == nil {
		return nil, argError("ClientOptions.Cloud", "the cloud configuration names no %q endpoint, which queries need", LogAnalyticsService)
	}
	guid := o.WorkspaceID
	if guid == "" {
		if guid, err = c.workspaceID(ctx); err != nil {
			return nil, err
		}
	}
	r := &request{
		op: op, method: http.MethodPost, service: c.logs, noVersion: true,
		path: c.logs.Endpoint.EscapedPath() + "/v1/workspaces/" + url.PathEscape(guid) + "/query",
		body: body, ok: okQuery,
	}
	if prefer != "" {
		r.header = http.Header{"Prefer": {prefer}}
	}
	resp, err := c.send(policy.WithRetryOptions(ctx, c.t.QueryRetry), r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close() // also when a QueryRows loop panics
	res, err := readQueryResponse(resp, sink)
	if err != errStopped {
		// Drain what the decoder left after the closing brace, so the connection is reused;
		// a caller who stopped reading rows leaves the rest unread.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	}
	return res, err
}

// workspaceID returns the workspace GUID, reading it from the workspace resource the first
// time. Concurrent callers wait for one lookup; a failed lookup is not cached.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}
func (c *Client) workspaceID(ctx context.Context) (string, error) {
	g := &c.workspaceGUID
	select {
	case g.lock <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("sentinel: waiting for the workspace GUID lookup: %w", ctx.Err())
	}
	defer func() { <-g.lock }()
	if g.id != "" {
		return g.id, nil
	}
	var ws struct {
		Properties struct {
			CustomerID string `json:"customerId"`
		} `json:"properties"`
	}
	r := &request{
		op: "Client.ResolveWorkspaceGUID", method: http.MethodGet, apiVersion: workspaceAPIVersion,
		path: strings.TrimSuffix(c.prefix, "/providers/Microsoft.SecurityInsights"),
	}
	if err := c.call(ctx, r, &ws); err != nil {
		return "", fmt.Errorf("sentinel: reading the GUID (customerId) of workspace %s; set Workspace.CustomerID to skip this lookup: %w", c.ws.Name, err)
	}
	id := ws.Properties.CustomerID
	if !guidRE.MatchString(id) {
		return "", fmt.Errorf("sentinel: workspace %s has no customerId GUID in its properties (got %q); set Workspace.CustomerID", c.ws.Name, id)
	}
	g.id = id
	return id, nil
}
