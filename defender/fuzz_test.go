package defender_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

// FuzzDecodeAlert decodes arbitrary JSON as an alert (its evidence by kind): it never
// panics, and what decodes encodes, and decodes again to the same encoding.
func FuzzDecodeAlert(f *testing.F) {
	// Small seeds: the fuzzing engine mutates and minimizes large inputs slowly (the
	// fixtures are covered by TestEvidenceDecodesByKind and the lossless property).
	f.Add([]byte(`{"id":"da1","status":"new","evidence":[{"@odata.type":"#microsoft.graph.security.userEvidence","verdict":"suspicious","roles":["compromised"],"userAccount":{"accountName":"alice","userPrincipalName":"alice@contoso.com"}},{"@odata.type":"#microsoft.graph.security.deviceEvidence","osBuild":22631,"rbacGroupId":75,"loggedOnUsers":[{"accountName":"alice"}],"vmMetadata":{"vmId":"v"}},{"@odata.type":"#microsoft.graph.security.processEvidence","processId":7412,"imageFile":{"fileName":"cmd.exe","fileSize":1}},{"@odata.type":"#microsoft.graph.security.aiAgentEvidence","agentName":"x"}],"comments":[{"comment":"c","createdBy":"d","createdTime":"2026-01-01T00:00:00Z"}],"createdDateTime":"2026-03-02T08:41:12.553Z"}`))
	f.Add([]byte(`{"evidence":[{"@odata.type":"#microsoft.graph.security.hostLogonSessionEvidence","account":{"@odata.type":"#microsoft.graph.security.userEvidence"},"host":{"mdeDeviceId":"m"}},{"@odata.type":"#microsoft.graph.security.dnsEvidence","ipAddresses":[{"ipAddress":"192.0.2.1"}]}],"additionalData":{"a":[1,2]}}`))
	f.Add([]byte(`{"evidence":[{"@odata.type":"#microsoft.graph.security.kubernetesClusterEvidence","cloudResource":{"@odata.type":"#microsoft.graph.security.unknownThing","x":1}}]}`))
	f.Add([]byte(`{"evidence":[null,{"@odata.type":7}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a defender.Alert
		if sentinel.UnmarshalJSON(data, &a) != nil {
			return
		}
		out, err := sentinel.MarshalJSON(&a)
		if err != nil {
			return // a typed kind whose @odata.type was changed cannot be encoded; never panics
		}
		var b defender.Alert
		require.NoError(t, sentinel.UnmarshalJSON(out, &b), "%s", out)
		again, err := sentinel.MarshalJSON(&b)
		require.NoError(t, err)
		require.JSONEq(t, string(out), string(again))
	})
}

type fuzzRow struct {
	Timestamp  time.Time
	DeviceName string
	ProcessId  int64 //nolint:revive // the column's name
	IsElevated *bool
	Extra      json.RawMessage `kql:"AdditionalFields,optional"`
	Any        any             `kql:"Score,optional"`
}

// FuzzHuntingBody feeds arbitrary bodies to the streaming hunting decoder: it never panics,
// and when it succeeds, decoding the same body whole (DecodeHuntingRows) gives the same rows.
func FuzzHuntingBody(f *testing.F) {
	data, err := os.ReadFile("testdata/hunting.json")
	require.NoError(f, err)
	f.Add(data)
	f.Add([]byte(`{"results":[{"Timestamp":"2026-01-01T00:00:00Z","ProcessId":1}],"schema":[]}`))
	f.Add([]byte(`{"error":{"code":"BadRequest","message":"x"}}`))
	f.Add([]byte(`{"schema":[{"Name":"DeviceName","Type":"String"}],"results":[{"DeviceName":null}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		streamed, err := defender.DecodeHuntingBody[fuzzRow](body)
		if err != nil {
			return
		}
		var res defender.HuntingResult
		require.NoError(t, sentinel.UnmarshalJSON(body, &res), "the stream decoder accepted it")
		whole, err := defender.DecodeHuntingRows[fuzzRow](res)
		if err != nil {
			var ce *sentinel.ColumnError
			require.True(t, errors.As(err, &ce), "%v", err)
			return // a tagged column absent from a schema that came after the rows
		}
		require.Equal(t, len(streamed), len(whole))
		for i := range whole {
			require.Equal(t, whole[i].DeviceName, streamed[i].DeviceName)
			require.Equal(t, whole[i].ProcessId, streamed[i].ProcessId)
			require.True(t, whole[i].Timestamp.Equal(streamed[i].Timestamp))
		}
	})
}

// FuzzIncidentPage decodes arbitrary bodies as a Graph page of incidents: it never panics,
// and a page without "value" is an error, never an empty page.
func FuzzIncidentPage(f *testing.F) {
	f.Add([]byte(`{"@odata.context":"x","value":[{"id":"2972395","displayName":"d","status":"active","severity":"High","customTags":["a"],"comments":[{"comment":"c"}],"alerts":[{"id":"a","evidence":[{"@odata.type":"#microsoft.graph.security.ipEvidence","ipAddress":"192.0.2.1"}]}],"createdDateTime":"2026-03-02T08:43:35.5533333Z"}],"@odata.nextLink":"https://graph.microsoft.com/v1.0/security/incidents?$skip=50"}`))
	f.Add([]byte(`{"value":[]}`))
	f.Add([]byte(`{"@odata.nextLink":null,"value":null}`))
	f.Add([]byte(`{"error":{"code":"NotFound","message":"x","innerError":{"request-id":"r"}}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, next, err := defender.DecodeIncidentPage(body)
		if err != nil {
			require.Nil(t, items)
			require.Empty(t, next)
			return
		}
		// A success came from a page with a "value" member (possibly escaped): the bytes
		// name it, and every item is one incident object of it.
		require.True(t, bytes.Contains(body, []byte(`"value"`)) || bytes.Contains(body, []byte(`\u`)), "a page without value decoded: %q", body)
		require.LessOrEqual(t, len(items), bytes.Count(body, []byte("{")))
	})
}
