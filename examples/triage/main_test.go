package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTriageOnEmulator(t *testing.T) {
	for _, k := range []string{"AZURE_SUBSCRIPTION_ID", "SENTINEL_RESOURCE_GROUP", "SENTINEL_WORKSPACE"} {
		t.Setenv(k, "")
	}
	var out strings.Builder
	require.NoError(t, run(&out, false, "analyst@contoso.com"))
	s := out.String()
	assert.Contains(t, s, "embedded Sentinel emulator")
	assert.Regexp(t, regexp.MustCompile(`\d+ active High/Medium incidents from the last 24 h \([2-9] pages\)`), s)
	assert.Regexp(t, regexp.MustCompile(`(?m)^#\s+SEVERITY\s+STATUS\s+CREATED\s+OWNER\s+TITLE$`), s)
	assert.NotContains(t, s, "Low ")
	assert.Contains(t, s, "assigned to analyst@contoso.com")
	assert.Contains(t, s, "comment added")
	assert.Contains(t, s, "closed as TruePositive (SuspiciousActivity)")
	assert.Regexp(t, `commented \(1 comment\) and closed as TruePositive`, s)
}
