package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefenderTriageOnEmulator(t *testing.T) {
	for _, k := range []string{"DEFENDER_GRAPH", "AZURE_SUBSCRIPTION_ID", "SENTINEL_RESOURCE_GROUP", "SENTINEL_WORKSPACE"} {
		t.Setenv(k, "")
	}
	var out strings.Builder
	require.NoError(t, run(&out, false, "analyst@contoso.com"))
	s := out.String()
	assert.Contains(t, s, "embedded emulator's Microsoft Graph")
	assert.Regexp(t, regexp.MustCompile(`\d+ active High/Medium incidents from the last 24 h \([2-9] pages\)`), s)
	assert.Regexp(t, regexp.MustCompile(`(?m)^ID\s+SEVERITY\s+STATUS\s+CREATED\s+ALERTS\s+OWNER\s+TITLE$`), s)
	assert.NotRegexp(t, regexp.MustCompile(`(?m)^\d+\s+(low|informational)\s`), s)
	assert.Regexp(t, regexp.MustCompile(`evidence: .*device \d+.*other \(aiAgentEvidence\) \d+`), s)
	assert.Contains(t, s, "powershell.exe     41 runs")
	assert.Contains(t, s, "assigned to analyst@contoso.com")
	assert.Contains(t, s, "comment added (1 comment(s))")
	assert.Contains(t, s, "resolved as truePositive (malware)")
	assert.Regexp(t, regexp.MustCompile(`Sentinel incident #\d+ \([0-9a-f-]{36}\) mirrors it`), s)
	assert.Regexp(t, regexp.MustCompile(`(?m)^Graph\s+resolved\s+truePositive / malware\s+analyst@contoso.com$`), s)
}
