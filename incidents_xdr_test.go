package sentinel_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// TestIncidentFromDefenderXDR reads, at 2025-12-01, an incident of a workspace onboarded to
// the Defender portal that Defender merged into another.
func TestIncidentFromDefenderXDR(t *testing.T) {
	c, tr := replayClient(t, "testdata/incidents/get_xdr.cassette.json")
	assert.Equal(t, "2025-12-01", tr.APIVersion())
	inc, err := c.GetIncident(context.Background(), "0b9f2c1e-4d6a-4e8b-9c3f-5a7d1e2b6c80", nil)
	require.NoError(t, err)
	assert.Equal(t, sentinel.ProviderXDR, inc.ProviderName)
	assert.True(t, inc.IsFromDefenderXDR())
	assert.Equal(t, "41188", inc.ProviderIncidentID, "the Defender incident's ID")
	assert.Equal(t, "https://security.microsoft.com/incidents/41188?tid=72f988bf-86f1-41af-91ab-2d7cd011db47", inc.AdditionalData.ProviderIncidentURL)
	r, merged := sentinel.RedirectionOf(inc)
	assert.True(t, merged, "closed and labelled Redirected")
	assert.Equal(t, sentinel.Redirection{}, r, "stable versions do not say which incident it went to")
}

func TestIsFromDefenderXDR(t *testing.T) {
	for provider, want := range map[string]bool{
		"Microsoft XDR": true, "microsoft xdr": true, "Microsoft 365 Defender": true,
		"Azure Sentinel": false, "": false, "Microsoft XDR (preview)": false,
	} {
		inc := sentinel.Incident{IncidentProperties: sentinel.IncidentProperties{ProviderName: provider}}
		assert.Equal(t, want, inc.IsFromDefenderXDR(), provider)
	}
}
