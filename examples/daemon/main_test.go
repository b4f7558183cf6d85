package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/internal/azuritetest"
)

func TestMain(m *testing.M) { os.Exit(azuritetest.Main(m)) }

func onEmulator(t *testing.T) {
	for _, k := range []string{"AZURE_SUBSCRIPTION_ID", "SENTINEL_RESOURCE_GROUP", "SENTINEL_WORKSPACE", "AZURE_STORAGE_CONNECTION_STRING"} {
		t.Setenv(k, "")
	}
}

func TestDaemonOnEmulatorWithoutAzurite(t *testing.T) {
	onEmulator(t)
	t.Setenv("AZURITE_BLOB_ENDPOINT", "http://127.0.0.1:1/devstoreaccount1") // nothing listens there
	var out, errs strings.Builder
	require.NoError(t, run(&out, &errs, config{duration: 2 * time.Second, container: "unused"}))
	log := errs.String()
	assert.Contains(t, log, "embedded Sentinel emulator")
	assert.Contains(t, log, "restarting from")
	assert.Regexp(t, `\d+ deliveries, 0 duplicates`, log)
	assert.Contains(t, log, "Azurite is not reachable (http://127.0.0.1:1/devstoreaccount1), so the multi-replica part does not run")
	assert.GreaterOrEqual(t, strings.Count(out.String(), `"number":`), 40)
}

func TestDaemonReplicasOnAzurite(t *testing.T) {
	onEmulator(t)
	t.Setenv("AZURITE_BLOB_ENDPOINT", azuritetest.Endpoint(t))
	var out, errs strings.Builder
	require.NoError(t, run(&out, &errs, config{duration: 3 * time.Second, container: "example-daemon-test"}))
	log := errs.String()
	assert.Contains(t, log, "Replicas over Azure Blob Storage")
	assert.Contains(t, log, "replica-2 stopped: it saved and released its checkpoints")
	assert.Contains(t, log, "replica-4 started")
	assert.Regexp(t, regexp.MustCompile(`owners\s+replica-1: \S+.* \| replica-2: \(stopped\) \| replica-3: \S+.* \| replica-4: customer-\d`), log, "the new replica took its share")
	assert.Regexp(t, `\d+ deliveries over 6 workspaces by 4 replicas, 0 duplicates`, log)
	assert.Contains(t, out.String(), `"replica":"replica-4"`)
}
