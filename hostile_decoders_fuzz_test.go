package sentinel_test

// Hostile-server suite, part 11: fuzz targets for the decoders added since part 6, each fed
// through a client whose transport answers from memory (memClient) where the decoder is only
// reachable through a call: the alert and hunting-bookmark lists, the entity list with its
// enrichment, comments, tasks and relations, and rule templates and actions. Seed corpora
// are in testdata/fuzz/<target>.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

var jsonHeader = http.Header{"Content-Type": {"application/json"}, "X-Ms-Request-Id": {"rid-fuzz"}}

// checkFailure asserts what every failed call must give: a typed error with a bounded,
// valid UTF-8 message naming the request.
func checkFailure(t *testing.T, err error) {
	t.Helper()
	var de *sentinel.DecodeError
	var re *sentinel.ResponseError
	if !errors.As(err, &de) && !errors.As(err, &re) {
		t.Fatalf("untyped error %T: %v", err, err)
	}
	assert.True(t, utf8.ValidString(err.Error()), "%q", err.Error())
	assert.Contains(t, err.Error(), "rid-fuzz")
	assert.Less(t, len(err.Error()), 64<<10)
}

// checkEnriched asserts the invariants of EnrichEntities: every entity is in exactly one
// result, keys are unique, and relations point at keys of the result.
func checkEnriched(t *testing.T, list []sentinel.Entity) {
	t.Helper()
	enriched := sentinel.EnrichEntities(list)
	keys := map[string]bool{}
	sources := 0
	for _, e := range enriched {
		assert.NotEmpty(t, e.Key)
		assert.False(t, keys[e.Key], "duplicate key %q", e.Key)
		keys[e.Key] = true
		assert.NotEmpty(t, e.Sources)
		sources += len(e.Sources)
	}
	assert.Equal(t, len(list), sources, "each entity is in one enriched entity")
	for _, e := range enriched {
		for _, r := range e.Relations {
			if r.Key != "" {
				assert.True(t, keys[r.Key], "relation to unknown key %q", r.Key)
				assert.NotEqual(t, e.Key, r.Key, "a relation to itself")
			}
		}
	}
}

// FuzzDecodeAlerts feeds arbitrary bodies to ListAlerts and ListIncidentBookmarks: a list
// decodes into as many items (none dropped, odd ones kept with a DecodeError), each writing
// JSON that decodes back to the same item, or the call fails with a typed error and no items.
func FuzzDecodeAlerts(f *testing.F) {
	f.Add([]byte(`{"value":[{"kind":"SecurityAlert","properties":{"alertDisplayName":"x","severity":"High"}}]}`))
	f.Add([]byte(`{"value":[{"properties":{"alertDisplayName":1,"startTimeUtc":"13/05/2026","tactics":"Execution"}},{"kind":"Url"},null,"x",[]]}`))
	c, tr := memClient(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		tr.set(200, jsonHeader, body)
		alerts, err := c.ListAlerts("inc", nil).Collect(ctx, 0)
		bookmarks, berr := c.ListIncidentBookmarks("inc", nil).Collect(ctx, 0)
		assert.Equal(t, err == nil, berr == nil, "both lists decode the same envelope")
		if err != nil {
			checkFailure(t, err)
			checkFailure(t, berr)
			assert.Nil(t, alerts)
			assert.Nil(t, bookmarks)
			return
		}
		require.Len(t, bookmarks, len(alerts))
		list := make([]sentinel.Entity, 0, 2*len(alerts))
		outs := make([][]byte, 0, len(alerts))
		for _, a := range alerts {
			require.NotNil(t, a)
			out, err := sentinel.MarshalJSON(a)
			require.NoError(t, err)
			require.True(t, json.Valid(out), "%q", out)
			outs = append(outs, out)
			list = append(list, &a)
		}
		for _, b := range bookmarks {
			require.NotNil(t, b)
			_, err := sentinel.MarshalJSON(b)
			require.NoError(t, err)
			list = append(list, &b)
		}
		checkEnriched(t, list)

		// What the alerts encode to decodes to the same alerts.
		again := append(append([]byte(`{"value":[`), bytes.Join(outs, []byte(","))...), "]}"...)
		tr.set(200, jsonHeader, again)
		back, err := c.ListAlerts("inc", nil).Collect(ctx, 0)
		require.NoError(t, err, "%s", again)
		require.Len(t, back, len(alerts))
		for i, a := range back {
			assert.Equal(t, alerts[i].DecodeError() == nil, a.DecodeError() == nil, "item %d: %v", i, a.DecodeError())
			assert.Equal(t, string(outs[i]), string(marshal(t, a)), "item %d", i)
		}
	})
}

// FuzzDecodeEntityList feeds arbitrary bodies to ListEntities and enriches what it gets:
// every entity encodes, the response re-encodes into one that decodes to the same entities,
// and enrichment keeps its invariants.
func FuzzDecodeEntityList(f *testing.F) {
	f.Add([]byte(`{"entities":[],"metaData":[]}`))
	f.Add([]byte(`{"entities":[{"id":"p","kind":"Process","properties":{"hostEntityId":"p","parentProcessEntityId":"p","processId":"1"}}]}`))
	c, tr := memClient(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		tr.set(200, jsonHeader, body)
		res, err := c.ListEntities("inc", nil).Collect(ctx, 0)
		if err != nil {
			checkFailure(t, err)
			assert.Empty(t, res)
			return
		}
		for _, e := range res {
			require.NotNil(t, e)
			out := marshal(t, e)
			require.True(t, json.Valid(out), "%q", out)
			if id := e.Envelope().ID; id != "" {
				assert.NotNil(t, sentinel.EntityByID(res, id))
			}
		}
		checkEnriched(t, res)

		b := marshal(t, sentinel.IncidentEntities{Entities: res})
		tr.set(200, jsonHeader, b)
		again, err := c.ListEntities("inc", nil).Collect(ctx, 0)
		require.NoError(t, err, "%s", b)
		require.Len(t, again, len(res))
		for i := range res {
			assert.Equal(t, string(marshal(t, res[i])), string(marshal(t, again[i])), "entity %d", i)
			assert.Equal(t, res[i].Kind(), again[i].Kind())
		}
		assert.Equal(t, len(sentinel.EntityCounts(res)), len(sentinel.EntityCounts(again)))
	})
}

// FuzzUnmarshalIncidentChild feeds arbitrary JSON to the comment, task and relation
// decoders: what decodes re-encodes into JSON that decodes to the same values.
func FuzzUnmarshalIncidentChild(f *testing.F) {
	f.Add([]byte(`{"name":"c","properties":{"message":"m","author":null,"createdTimeUtc":""}}`))
	f.Add([]byte(`{"name":"t","properties":{"title":"t","status":"Unknown","priority":"High"},"extra":[1]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cm sentinel.IncidentComment
		if json.Unmarshal(data, &cm) == nil {
			out, err := json.Marshal(cm)
			if err == nil {
				var back sentinel.IncidentComment
				require.NoError(t, json.Unmarshal(out, &back), "re-decoding %s", out)
				assert.Equal(t, cm.Name, back.Name)
				assert.Equal(t, cm.Message, back.Message)
				assert.True(t, cm.CreatedTime.Equal(back.CreatedTime))
			}
		}
		var task sentinel.IncidentTask
		if json.Unmarshal(data, &task) == nil {
			out, err := json.Marshal(task)
			if err == nil {
				var back sentinel.IncidentTask
				require.NoError(t, json.Unmarshal(out, &back), "re-decoding %s", out)
				assert.Equal(t, task.Name, back.Name)
				assert.Equal(t, task.Title, back.Title)
				assert.Equal(t, task.Status, back.Status)
			}
		}
		var rel sentinel.IncidentRelation
		if json.Unmarshal(data, &rel) == nil {
			out, err := json.Marshal(rel)
			if err == nil {
				var back sentinel.IncidentRelation
				require.NoError(t, json.Unmarshal(out, &back), "re-decoding %s", out)
				assert.Equal(t, rel.Name, back.Name)
				assert.Equal(t, rel.RelatedResourceID, back.RelatedResourceID)
			}
		}
	})
}

// FuzzDecodeAlertRuleTemplate feeds arbitrary bodies to GetAlertRuleTemplate (a template of
// any kind) and to the rule action decoder.
func FuzzDecodeAlertRuleTemplate(f *testing.F) {
	f.Add([]byte(`{"kind":"Scheduled","name":"t","properties":{"displayName":"d","queryFrequency":"PT1H","queryPeriod":"P1D","requiredDataConnectors":null}}`))
	f.Add([]byte(`{"kind":"NRT","properties":{}}`))
	f.Add([]byte(`{"name":"a","properties":{"logicAppResourceId":"/subscriptions/x","workflowId":1}}`))
	for _, name := range []string{"get_template_scheduled.json", "get_template_msic.json", "get_template_fusion.json", "get_template_nrt.json", "get_action.json"} {
		f.Add(fixture(f, "alertrules/"+name))
	}
	c, tr := memClient(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		tr.set(200, jsonHeader, body)
		tmpl, err := c.GetAlertRuleTemplate(ctx, "t", nil)
		if err != nil {
			checkFailure(t, err)
			assert.Nil(t, tmpl)
		} else {
			require.NotNil(t, tmpl)
			if st, ok := tmpl.(*sentinel.ScheduledAlertRuleTemplate); ok {
				r := sentinel.NewRuleFromTemplate(st)
				assert.Equal(t, st.Query, r.Query)
			}
			if out, err := sentinel.MarshalJSON(tmpl); err == nil {
				tr.set(200, jsonHeader, out)
				back, err := c.GetAlertRuleTemplate(ctx, "t", nil)
				require.NoError(t, err, "re-decoding %s", out)
				assert.Equal(t, tmpl.Kind(), back.Kind())
			}
		}

		var a sentinel.AlertRuleAction
		if sentinel.UnmarshalJSON(body, &a) == nil {
			out, err := sentinel.MarshalJSON(a)
			if err == nil {
				var back sentinel.AlertRuleAction
				require.NoError(t, sentinel.UnmarshalJSON(out, &back), "re-decoding %s", out)
				assert.Equal(t, a.LogicAppResourceID, back.LogicAppResourceID)
				assert.True(t, bytes.Equal(out, mustMarshalAction(t, back)), "stable after one round")
			}
		}
	})
}

func mustMarshalAction(t *testing.T, a sentinel.AlertRuleAction) []byte {
	t.Helper()
	b, err := sentinel.MarshalJSON(a)
	require.NoError(t, err)
	return b
}

// TestHostileNoPartialResultWithAnError is a regression test: a body that failed after part
// of it was decoded (trailing data, a bad member after good ones) gave the partly decoded
// resource or list together with the *DecodeError, against its documented promise. Each
// method now returns its zero value.
func TestHostileNoPartialResultWithAnError(t *testing.T) {
	const comment = `{"name":"c","properties":{"message":"m"}}`
	const alert = `{"kind":"SecurityAlert","name":"a","properties":{"alertDisplayName":"d"}}`
	const rule = `{"kind":"Scheduled","name":"r","properties":{"displayName":"d","query":"q"}}`
	ops := map[string]struct {
		body string
		run  func(ctx context.Context, c *sentinel.Client) (any, error)
	}{
		"GetComment": {comment, func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetComment(ctx, "i", "c", nil) }},
		"GetTask": {`{"name":"t","properties":{"title":"t","status":"New"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.GetTask(ctx, "i", "t", nil)
		}},
		"GetRelation": {`{"name":"r","properties":{"relatedResourceId":"/subscriptions/x/providers/y"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.GetRelation(ctx, "i", "r", nil)
		}},
		"ListEntities": {`{"entities":[` + alert + `],"metaData":[]}`, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.ListEntities("i", nil).Collect(ctx, 0)
		}},
		"ListAlerts": {`{"value":[` + alert + `]}`, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.ListAlerts("i", nil).Collect(ctx, 0)
		}},
		"ListIncidentBookmarks": {`{"value":[` + alert + `]}`, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.ListIncidentBookmarks("i", nil).Collect(ctx, 0)
		}},
		"GetWatchlist": {`{"name":"w","properties":{"displayName":"d"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetWatchlist(ctx, "w", nil) }},
		"GetAlertRule": {rule, func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetAlertRule(ctx, "r", nil) }},
		"GetAlertRuleTemplate": {rule, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.GetAlertRuleTemplate(ctx, "r", nil)
		}},
		"GetAlertRuleAction": {`{"name":"a","properties":{"logicAppResourceId":"/x"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) {
			return c.GetAlertRuleAction(ctx, "r", "a", nil)
		}},
		"GetBookmark":      {`{"name":"b","properties":{"displayName":"d"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetBookmark(ctx, "b", nil) }},
		"GetDataConnector": {`{"kind":"Office365","name":"d","properties":{"tenantId":"t"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetDataConnector(ctx, "d", nil) }},
		"GetIndicator":     {`{"kind":"indicator","name":"n","properties":{"displayName":"d"}}`, func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetIndicator(ctx, "n", nil) }},
		"GetIncident":      {incidentJSON(1), func(ctx context.Context, c *sentinel.Client) (any, error) { return c.GetIncident(ctx, "i", nil) }},
	}
	c, tr := memClient(t)
	ctx := context.Background()
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			tr.set(200, jsonHeader, []byte(op.body))
			got, err := op.run(ctx, c)
			require.NoError(t, err)
			require.False(t, reflect.ValueOf(&got).Elem().Elem().IsZero(), "the body decodes")

			tr.set(200, jsonHeader, []byte(op.body+` <html>`))
			got, err = op.run(ctx, c)
			var de *sentinel.DecodeError
			require.ErrorAs(t, err, &de)
			v := reflect.ValueOf(&got).Elem()
			assert.True(t, v.IsNil() || v.Elem().IsZero(), "no partial result: %#v", got)
		})
	}
}
