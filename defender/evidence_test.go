package defender_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
)

func loadAlert(t *testing.T) defender.Alert {
	t.Helper()
	data, err := os.ReadFile("testdata/alert.json")
	require.NoError(t, err)
	var a defender.Alert
	require.NoError(t, sentinel.UnmarshalJSON(data, &a))
	return a
}

// allKinds are the typed evidence kinds.
var allKinds = []defender.EvidenceKind{
	defender.EvidenceKindUser, defender.EvidenceKindDevice, defender.EvidenceKindIP, defender.EvidenceKindURL,
	defender.EvidenceKindFile, defender.EvidenceKindFileHash, defender.EvidenceKindProcess, defender.EvidenceKindRegistryKey,
	defender.EvidenceKindRegistryValue, defender.EvidenceKindMailbox, defender.EvidenceKindMailboxConfiguration,
	defender.EvidenceKindAnalyzedMessage, defender.EvidenceKindMailCluster, defender.EvidenceKindSubmissionMail,
	defender.EvidenceKindCloudApplication, defender.EvidenceKindOAuthApplication, defender.EvidenceKindServicePrincipal,
	defender.EvidenceKindSecurityGroup, defender.EvidenceKindHostLogonSession, defender.EvidenceKindNetworkConnection,
	defender.EvidenceKindDNS, defender.EvidenceKindNIC, defender.EvidenceKindMalware, defender.EvidenceKindIoTDevice,
	defender.EvidenceKindAzureResource, defender.EvidenceKindAmazonResource, defender.EvidenceKindGoogleCloudResource,
	defender.EvidenceKindBlobContainer, defender.EvidenceKindBlob, defender.EvidenceKindSASToken, defender.EvidenceKindContainer,
	defender.EvidenceKindContainerImage, defender.EvidenceKindContainerRegistry, defender.EvidenceKindKubernetesCluster,
	defender.EvidenceKindKubernetesNamespace, defender.EvidenceKindKubernetesPod, defender.EvidenceKindKubernetesController,
	defender.EvidenceKindKubernetesService, defender.EvidenceKindKubernetesServiceAccount, defender.EvidenceKindKubernetesSecret,
	defender.EvidenceKindGitHubOrganization, defender.EvidenceKindGitHubRepo, defender.EvidenceKindGitHubUser,
}

// TestEvidenceDecodesByKind decodes an alert with evidence of every typed kind and one the
// SDK does not type: each typed kind is its struct (none falls back to the unknown shape),
// and the unknown one keeps its JSON.
func TestEvidenceDecodesByKind(t *testing.T) {
	a := loadAlert(t)
	require.Len(t, a.Evidence, len(allKinds)+1)
	typed := map[defender.EvidenceKind]int{}
	for _, e := range a.Evidence {
		if u, ok := e.(*defender.UnknownEvidence); ok {
			assert.Equal(t, defender.EvidenceKind("#microsoft.graph.security.aiAgentEvidence"), u.Kind())
			assert.Equal(t, `"Copilot Studio agent"`, string(sentinel.UnknownMembers(u.Raw)["agentName"]))
			assert.Equal(t, defender.EvidenceVerdictSuspicious, defender.EvidenceBaseOf(u).Verdict)
			continue
		}
		assert.True(t, strings.HasPrefix(string(e.Kind()), "#microsoft.graph.security."), e.Kind())
		assert.Equal(t, string(e.Kind()), defender.EvidenceBaseOf(e).ODataType, "%T decodes into its own struct", e)
		typed[e.Kind()]++
	}
	for _, k := range allKinds {
		assert.Positive(t, typed[k], "kind %s", k)
	}
}

// TestEvidenceValues checks the values of the kinds a triage reads most, nested evidence
// included.
func TestEvidenceValues(t *testing.T) {
	a := loadAlert(t)
	byKind := map[defender.EvidenceKind]defender.Evidence{}
	for _, e := range a.Evidence {
		if _, dup := byKind[e.Kind()]; !dup {
			byKind[e.Kind()] = e
		}
	}
	user := byKind[defender.EvidenceKindUser].(*defender.UserEvidence)
	assert.Equal(t, "alice.jones@contoso.com", user.UserAccount.UserPrincipalName)
	assert.Equal(t, []defender.EvidenceRole{defender.EvidenceRoleCompromised}, user.Roles)
	assert.Equal(t, time.Date(2026, 3, 2, 8, 41, 12, 553000000, time.UTC), user.CreatedDateTime)

	dev := byKind[defender.EvidenceKindDevice].(*defender.DeviceEvidence)
	assert.Equal(t, int64(22631), dev.OSBuild)
	assert.Equal(t, int32(75), dev.RBACGroupID)
	assert.Equal(t, "ws-fin-0142.contoso.com", dev.DeviceDNSName)
	assert.Equal(t, "azure", dev.VMMetadata.CloudProvider)
	require.Len(t, dev.LoggedOnUsers, 1)
	assert.Equal(t, "CONTOSO", dev.LoggedOnUsers[0].DomainName)

	ip := byKind[defender.EvidenceKindIP].(*defender.IPEvidence)
	assert.Equal(t, "198.51.100.23", ip.IPAddress)
	assert.Equal(t, []defender.EvidenceRole{defender.EvidenceRoleAttacker}, ip.Roles)

	proc := byKind[defender.EvidenceKindProcess].(*defender.ProcessEvidence)
	assert.Equal(t, int64(7412), proc.ProcessID)
	assert.Equal(t, "powershell.exe", proc.ImageFile.FileName)
	assert.Equal(t, defender.DetectionStatusPrevented, proc.DetectionStatus)

	msg := byKind[defender.EvidenceKindAnalyzedMessage].(*defender.AnalyzedMessageEvidence)
	assert.Equal(t, "Invoice overdue", msg.Subject)
	assert.Equal(t, "billing@contoso-billing.example", msg.P1Sender.EmailAddress)
	assert.Equal(t, int64(1), msg.AttachmentsCount)

	app := byKind[defender.EvidenceKindCloudApplication].(*defender.CloudApplicationEvidence)
	assert.Equal(t, int64(11161), app.AppID)

	rv := byKind[defender.EvidenceKindRegistryValue].(*defender.RegistryValueEvidence)
	assert.Equal(t, "Updater", rv.RegistryValueName)

	session := byKind[defender.EvidenceKindHostLogonSession].(*defender.HostLogonSessionEvidence)
	require.NotNil(t, session.Account)
	require.NotNil(t, session.Host)
	assert.Equal(t, "Alice Jones", session.Account.UserAccount.DisplayName)
	assert.Equal(t, "73e7e2de709dff64ef64b1d0c30e67fab63279db", session.Host.MDEDeviceID)

	conn := byKind[defender.EvidenceKindNetworkConnection].(*defender.NetworkConnectionEvidence)
	assert.Equal(t, int32(443), conn.DestinationPort)
	assert.Equal(t, "198.51.100.23", conn.DestinationAddress.IPAddress)

	cluster := byKind[defender.EvidenceKindKubernetesCluster].(*defender.KubernetesClusterEvidence)
	res, ok := cluster.CloudResource.(*defender.AzureResourceEvidence)
	require.True(t, ok, "a nested polymorphic evidence decodes by its kind: %T", cluster.CloudResource)
	assert.Equal(t, "aks-prod-weu", res.ResourceName)

	pod := byKind[defender.EvidenceKindKubernetesPod].(*defender.KubernetesPodEvidence)
	require.Len(t, pod.Containers, 1)
	assert.True(t, pod.Containers[0].IsPrivileged)
	assert.Equal(t, "contosoacr.azurecr.io", pod.Containers[0].Image.Registry.Registry)
	assert.Equal(t, "payments", pod.Namespace.Name)
	assert.JSONEq(t, `{"team":"payments","env":"prod"}`, string(pod.Namespace.Labels))

	g := byKind[defender.EvidenceKindGoogleCloudResource].(*defender.GoogleCloudResourceEvidence)
	assert.Equal(t, int64(684512907765), g.ProjectNumber)

	assert.Equal(t, defender.AlertStatusInProgress, a.Status)
	assert.Equal(t, defender.DeterminationMalware, a.Determination)
	assert.Equal(t, defender.ServiceSourceMicrosoftDefenderForEndpoint, a.ServiceSource)
	assert.Contains(t, sentinel.UnknownMembers(a.Unknown), "investigationState", "members the SDK does not model are kept")
	assert.Contains(t, sentinel.UnknownMembers(a.AdditionalData), "customDetails")
}

// TestEvidenceBuiltInGoGetsItsKind encodes evidence built in Go: its @odata.type is written,
// and a wrong one is refused.
func TestEvidenceBuiltInGoGetsItsKind(t *testing.T) {
	out, err := sentinel.MarshalJSON([]defender.Evidence{&defender.IPEvidence{IPAddress: "192.0.2.1"}})
	require.NoError(t, err)
	assert.JSONEq(t, `[{"@odata.type":"#microsoft.graph.security.ipEvidence","ipAddress":"192.0.2.1"}]`, string(out))

	_, err = sentinel.MarshalJSON(defender.Evidence(&defender.IPEvidence{EvidenceBase: defender.EvidenceBase{ODataType: "#microsoft.graph.security.urlEvidence"}}))
	assert.Error(t, err)
}

// TestEvidenceDecodeErrors: evidence that is not an object fails the alert, with a message
// saying where; a null evidence is nil.
func TestEvidenceDecodeErrors(t *testing.T) {
	var a defender.Alert
	err := sentinel.UnmarshalJSON([]byte(`{"id":"a","evidence":[42]}`), &a)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "evidence")

	require.NoError(t, sentinel.UnmarshalJSON([]byte(`{"id":"a","evidence":[null,{"@odata.type":"#microsoft.graph.security.urlEvidence","url":"https://x.example"}]}`), &a))
	require.Len(t, a.Evidence, 2)
	assert.Nil(t, a.Evidence[0])
	assert.Equal(t, "https://x.example", a.Evidence[1].(*defender.URLEvidence).URL)
}
