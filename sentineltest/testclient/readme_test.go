package testclient_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
	"github.com/sentinel-go/sentinel/sentineltest/testclient"
)

// The code between the README markers is the README's complete test, verbatim
// (TestREADMEShowsThisTest checks it).

// README:begin
// escalateVIPs raises open incidents labelled "vip" to High and marks them escalated.
func escalateVIPs(ctx context.Context, c *sentinel.Client) error {
	vip := "properties/labels/any(l: l/labelName eq 'vip') and properties/status ne 'Closed'"
	for inc, err := range c.ListIncidents(&sentinel.ListIncidentsOptions{Filter: vip}).All(ctx) {
		if err != nil {
			return err
		}
		up := sentinel.IncidentUpdate{Severity: sentinel.Ptr(sentinel.SeverityHigh), AddLabels: []string{"escalated"}}
		if _, err := c.UpdateIncident(ctx, inc.Name, up, nil); err != nil {
			return err
		}
	}
	return nil
}

func TestEscalateVIPs(t *testing.T) {
	client, srv := testclient.New(t) // emulator closed with the test
	vip := srv.AddIncident(sentineltest.IncidentSeed{Title: "CEO sign-in", Severity: "Low", Labels: []string{"vip"}})
	closed := srv.AddIncident(sentineltest.IncidentSeed{Severity: "Low", Status: "Closed", Labels: []string{"vip"}})
	other := srv.AddIncident(sentineltest.IncidentSeed{Title: "Printer offline", Severity: "Low"})
	srv.Fail(sentineltest.Fault{Status: 503}) // a transient failure costs milliseconds

	require.NoError(t, escalateVIPs(context.Background(), client))

	got, _ := srv.GetIncident(vip)
	assert.Equal(t, "High", got.Severity)
	assert.True(t, got.HasLabel("escalated"))
	for _, name := range []string{closed, other} {
		untouched, _ := srv.GetIncident(name)
		assert.Equal(t, "Low", untouched.Severity, untouched.Title)
	}
}

// README:end

func TestREADMEShowsThisTest(t *testing.T) {
	src, err := os.ReadFile("readme_test.go")
	require.NoError(t, err)
	_, code, ok := strings.Cut(string(src), "// README:begin\n")
	require.True(t, ok)
	code, _, ok = strings.Cut(code, "\n// README:end")
	require.True(t, ok)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	assert.Contains(t, string(readme), "```go\n"+strings.TrimSpace(code)+"\n```", "README's complete test differs from readme_test.go")
}
