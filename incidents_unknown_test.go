package sentinel_test

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// TestIncidentKeepsUnknownMembers guards the json v2 tag that keeps unknown members: this
// version of go-json-experiment spells it "embed" and silently ignores "unknown".
func TestIncidentKeepsUnknownMembers(t *testing.T) {
	in := `{"name":"x","systemData":{"createdByType":"User"},"properties":{"title":"t","severity":"High","status":"New","labels":[],"teamInformation":{"teamId":"1"}}}`
	var inc sentinel.Incident
	require.NoError(t, sentinel.UnmarshalJSON([]byte(in), &inc))
	assert.Equal(t, map[string]jsontext.Value{"teamInformation": jsontext.Value(`{"teamId":"1"}`)}, sentinel.UnknownMembers(inc.IncidentProperties.Unknown))
	out, err := sentinel.MarshalJSON(inc)
	require.NoError(t, err)
	assert.JSONEq(t, in, string(out))
}
