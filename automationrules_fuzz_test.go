package sentinel_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// FuzzDecodeAutomationRule feeds arbitrary bodies to GetAutomationRule: the rule decodes,
// with conditions and actions of unknown types kept, and encodes to JSON that decodes back to
// the same kinds and encodes the same again; or the call fails with a typed error and the zero
// rule. Seeds are in testdata/fuzz/FuzzDecodeAutomationRule.
func FuzzDecodeAutomationRule(f *testing.F) {
	for _, name := range []string{"get.json", "create.json", "condition_boolean.json", "action_unknown.json"} {
		f.Add(fixture(f, "automationrules/"+name))
	}
	f.Add([]byte(`{"properties":{"triggeringLogic":{"conditions":[null,{"conditionType":null},{"conditionType":7},{"conditionType":"Boolean","conditionProperties":{"innerConditions":[{"conditionType":"Boolean"}]}}]},"actions":[{}]}}`))
	f.Add([]byte(`{"properties":{"actions":[{"actionType":"RunPlaybook","order":"1"}],"order":1e3}}`))
	c, tr := memClient(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, body []byte) {
		tr.set(200, jsonHeader, body)
		rule, err := c.GetAutomationRule(ctx, "r", nil)
		if err != nil {
			checkFailure(t, err)
			assert.Equal(t, sentinel.AutomationRule{}, rule)
			return
		}
		out, err := sentinel.MarshalJSON(rule)
		if err != nil {
			return // a value that cannot be sent, such as a condition of a typed kind with another type
		}
		var back sentinel.AutomationRule
		require.NoError(t, sentinel.UnmarshalJSON(out, &back), "re-decoding %s", out)
		require.Len(t, back.Actions, len(rule.Actions))
		for i := range rule.Actions {
			if rule.Actions[i] != nil {
				assert.Equal(t, rule.Actions[i].Kind(), back.Actions[i].Kind())
			}
		}
		require.Len(t, back.TriggeringLogic.Conditions, len(rule.TriggeringLogic.Conditions))
		again, err := sentinel.MarshalJSON(back)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(out, again), "stable after one round:\n%s\n%s", out, again)
	})
}
