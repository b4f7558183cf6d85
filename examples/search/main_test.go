package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

func TestSearchOnEmulator(t *testing.T) {
	for _, k := range []string{"AZURE_SUBSCRIPTION_ID", "SENTINEL_RESOURCE_GROUP", "SENTINEL_WORKSPACE"} {
		t.Setenv(k, "")
	}
	client, done, err := newClient()
	require.NoError(t, err)
	defer done()

	var out strings.Builder
	require.NoError(t, printSignIns(context.Background(), &out, client, &sentinel.QueryOptions{}))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	assert.True(t, strings.HasPrefix(lines[0], "TIME (UTC)"))
	assert.Len(t, lines, 1+25+2)
	assert.Contains(t, lines[len(lines)-1], "25 sign-ins")
	assert.Contains(t, out.String(), "@contoso.com")

	out.Reset()
	require.NoError(t, printQuery(context.Background(), &out, client, "SigninLogs | take 10", nil))
	assert.Contains(t, out.String(), "UserPrincipalName")
	assert.Contains(t, out.String(), "PrimaryResult: 10 rows")

	err = printQuery(context.Background(), &out, client, "SecurityEvent | take 1", nil)
	assert.ErrorIs(t, err, sentinel.ErrBadRequest)
}

func TestPartialEnvironment(t *testing.T) {
	t.Setenv("AZURE_SUBSCRIPTION_ID", "00000000-1111-2222-3333-444444444444")
	t.Setenv("SENTINEL_RESOURCE_GROUP", "")
	t.Setenv("SENTINEL_WORKSPACE", "")
	_, _, err := newClient()
	assert.ErrorContains(t, err, "set all of")
}
