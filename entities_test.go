package sentinel_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

const entitiesPrefix = wsPath + "/Entities/"

// eid returns the resource ID of the entity named name in the fixtures.
func eid(name string) string { return entitiesPrefix + name }

// loadEntities decodes testdata/entities/list.json.
func loadEntities(t testing.TB) ([]sentinel.Entity, []byte) {
	t.Helper()
	data, err := os.ReadFile("testdata/entities/list.json")
	require.NoError(t, err)
	var res sentinel.IncidentEntities
	require.NoError(t, sentinel.UnmarshalJSON(data, &res))
	return res.Entities, data
}

// propertiesOf returns the properties struct of the typed entity e (its embedded
// XxxProperties).
func propertiesOf(e sentinel.Entity) any {
	v := reflect.ValueOf(e).Elem()
	return v.Field(1).Interface()
}

func friendly(name string) sentinel.EntityCommonProperties {
	return sentinel.EntityCommonProperties{FriendlyName: name}
}

// counts builds the expected EntityKindCount list from kind, count pairs.
func counts(pairs ...any) []sentinel.EntityKindCount {
	var out []sentinel.EntityKindCount
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, sentinel.EntityKindCount{Kind: sentinel.EntityKind(pairs[i].(string)), Count: pairs[i+1].(int)})
	}
	return out
}

// marshal encodes v with sentinel.MarshalJSON.
func marshal(t testing.TB, v any) []byte {
	t.Helper()
	b, err := sentinel.MarshalJSON(v)
	require.NoError(t, err)
	return b
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestEntityKinds checks every kind's decoded values against the fixture.
func TestEntityKinds(t *testing.T) {
	res, _ := loadEntities(t)
	require.Len(t, res, 29, "nothing is dropped")

	const sub = "00000000-1111-2222-3333-444444444444"
	tests := []struct {
		index int
		name  string
		want  any // the properties
	}{
		{0, "03b0c2e7-a64b-4b84-8437-b8f208e11383", sentinel.AccountEntityProperties{
			EntityCommonProperties: sentinel.EntityCommonProperties{FriendlyName: "alice.jones", AdditionalData: map[string]any{"Sources": `["SecurityAlert"]`}},
			AADTenantID:            "72f988bf-86f1-41af-91ab-2d7cd011db47", AADUserID: "2046feea-040d-4a46-9e2b-91c2941bfa70",
			AccountName: "alice.jones", DisplayName: "Alice Jones", IsDomainJoined: true, NTDomain: "CONTOSO",
			ObjectGUID: "7c5d4e3f-2a1b-4c9d-8e7f-6a5b4c3d2e1f", PUID: "10037FFE8A4C2B31",
			SID: "S-1-5-21-3623811015-3361044348-30300820-1013", UPNSuffix: "contoso.com", DNSDomain: "contoso.com",
		}},
		{1, "e706a402-25c4-4475-8616-54aa44b4a4e0", sentinel.AccountEntityProperties{EntityCommonProperties: friendly(`CONTOSO\alice.jones`),
			AccountName: "alice.jones", NTDomain: "CONTOSO", SID: "S-1-5-21-3623811015-3361044348-30300820-1013",
			IsDomainJoined: true, HostEntityID: eid("b2583b39-28f8-4d27-8357-e1932520ca2a"),
		}},
		{2, "b2583b39-28f8-4d27-8357-e1932520ca2a", sentinel.HostEntityProperties{EntityCommonProperties: friendly("WS-FIN-0142"),
			AzureID:   "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Compute/virtualMachines/WS-FIN-0142",
			DNSDomain: "contoso.com", HostName: "WS-FIN-0142", IsDomainJoined: true, NetBIOSName: "WS-FIN-0142",
			NTDomain: "CONTOSO", OMSAgentID: "4e3f2a1b-9c8d-4e7f-a6b5-c4d3e2f1a0b9", OSFamily: sentinel.OSFamilyWindows,
			OSVersion: "10.0.19045",
		}},
		{3, "ed67c660-970e-4378-8816-a58e8ceac567", sentinel.IPEntityProperties{EntityCommonProperties: friendly("185.220.101.45"),
			Address: "185.220.101.45",
			Location: sentinel.GeoLocation{ASN: 208294, City: "Frankfurt am Main", CountryCode: "DE", CountryName: "Germany",
				Latitude: 50.1109, Longitude: 8.6821, State: "Hesse"},
			ThreatIntelligence: []sentinel.EntityThreatIntelligence{{Confidence: 0.9, ProviderName: "Microsoft",
				ReportLink: "https://security.microsoft.com/threatanalytics3/tor", ThreatDescription: "Tor exit node used for command and control.",
				ThreatName: "TorExitNode", ThreatType: "Anonymization"}},
		}},
		{4, "1f5b2465-8e4d-4dfa-8956-2aaeb69e2c41", sentinel.IPEntityProperties{EntityCommonProperties: friendly("10.20.30.41"), Address: "10.20.30.41"}},
		{5, "e85b4ee8-eef3-4856-8bbd-8b770ab2626d", sentinel.URLEntityProperties{EntityCommonProperties: friendly("https://login-micros0ft-online.com/common/oauth2/authorize"),
			URL: "https://login-micros0ft-online.com/common/oauth2/authorize?client_id=4765445b&redirect_uri=https%3A%2F%2Fevil.example",
		}},
		{6, "684d5a32-5f16-4bd9-8ebd-2003ef753d74", sentinel.URLEntityProperties{EntityCommonProperties: friendly("hxxps://contoso-invoices[.]com/pay now/%zz"), URL: "hxxps://contoso-invoices[.]com/pay now/%zz"}},
		{7, "0cb6b878-6363-44b3-869f-741b36c211c6", sentinel.FileHashEntityProperties{EntityCommonProperties: friendly("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
			Algorithm: sentinel.FileHashSHA256, HashValue: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}},
		{8, "9d4fd851-c052-4fe0-8522-4a23085bcbaf", sentinel.FileHashEntityProperties{EntityCommonProperties: friendly("d41d8cd98f00b204e9800998ecf8427e"),
			Algorithm: sentinel.FileHashMD5, HashValue: "d41d8cd98f00b204e9800998ecf8427e"}},
		{9, "86eb546e-0f59-423b-8d5f-3b71024a6aae", sentinel.FileEntityProperties{EntityCommonProperties: friendly("invoice_2026.exe"),
			Directory: `C:\Users\alice.jones\AppData\Local\Temp`, FileName: "invoice_2026.exe",
			FileHashEntityIDs: []string{eid("0cb6b878-6363-44b3-869f-741b36c211c6"), eid("9d4fd851-c052-4fe0-8522-4a23085bcbaf")},
			HostEntityID:      eid("b2583b39-28f8-4d27-8357-e1932520ca2a")}},
		{10, "b0269d7f-2407-49c7-8434-03d7ef1c324a", sentinel.FileEntityProperties{EntityCommonProperties: friendly("powershell.exe"),
			Directory: `C:\Windows\System32\WindowsPowerShell\v1.0`, FileName: "powershell.exe", HostEntityID: eid("b2583b39-28f8-4d27-8357-e1932520ca2a")}},
		// The parent process's creation time is malformed: zero, everything else decoded.
		{11, "d648cc38-4a60-4315-8b59-1f92da42a700", sentinel.ProcessEntityProperties{EntityCommonProperties: friendly("invoice_2026.exe"),
			ProcessID: "2210", CommandLine: `"C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe"`,
			AccountEntityID: eid("03b0c2e7-a64b-4b84-8437-b8f208e11383"), HostEntityID: eid("b2583b39-28f8-4d27-8357-e1932520ca2a"),
			ImageFileEntityID: eid("86eb546e-0f59-423b-8d5f-3b71024a6aae")}},
		{12, "b9244e40-467b-4732-86fe-90ba8b155319", sentinel.ProcessEntityProperties{EntityCommonProperties: friendly("powershell.exe"),
			ProcessID: "4312", CommandLine: "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=",
			CreationTime: time.Date(2026, 5, 13, 10, 2, 11, 234000000, time.UTC), ElevationToken: sentinel.ElevationTokenFull,
			AccountEntityID: eid("e706a402-25c4-4475-8616-54aa44b4a4e0"), HostEntityID: eid("b2583b39-28f8-4d27-8357-e1932520ca2a"),
			HostLogonSessionEntityID: eid("12cad26f-01f3-4795-832c-fe5fed3f7180"), ImageFileEntityID: eid("b0269d7f-2407-49c7-8434-03d7ef1c324a"),
			ParentProcessEntityID: eid("d648cc38-4a60-4315-8b59-1f92da42a700")}},
		{13, "1dbb270f-c901-46f6-821d-52d39bf5d48d", sentinel.MailMessageEntityProperties{EntityCommonProperties: friendly("Invoice 2026-0513 overdue"),
			Recipient: "alice.jones@contoso.com", P1Sender: "billing@contoso-invoices.com", P1SenderDisplayName: "Contoso Billing",
			P1SenderDomain: "contoso-invoices.com", P2Sender: "billing@contoso-invoices.com", P2SenderDisplayName: "Contoso Billing",
			P2SenderDomain: "contoso-invoices.com", SenderIP: "203.0.113.77", Subject: "Invoice 2026-0513 overdue",
			InternetMessageID: "<CY4PR01MB1234A5B6C7D8E9F0@CY4PR01MB1234.namprd01.prod.outlook.com>",
			NetworkMessageID:  "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", ReceiveDate: utc("2026-05-13T09:58:03Z"), Language: "en",
			URLs: []string{"https://login-micros0ft-online.com/common/oauth2/authorize"}, FileEntityIDs: []string{eid("86eb546e-0f59-423b-8d5f-3b71024a6aae")},
			Threats: []string{"Phish", "Malware"}, ThreatDetectionMethods: []string{"URL detonation reputation", "File detonation"},
			BodyFingerprintBin1: 1048239, BodyFingerprintBin2: 3942871, BodyFingerprintBin3: 2870913, BodyFingerprintBin4: 4019377,
			BodyFingerprintBin5: 3187449, AntispamDirection: sentinel.AntispamDirectionInbound, DeliveryAction: sentinel.DeliveryActionDelivered,
			DeliveryLocation: sentinel.DeliveryLocationInbox}},
		{14, "760f548a-0628-4843-8c3b-c04653474216", sentinel.MailboxEntityProperties{EntityCommonProperties: friendly("Alice Jones"),
			MailboxPrimaryAddress: "Alice.Jones@contoso.com", DisplayName: "Alice Jones", UPN: "alice.jones@contoso.com",
			ExternalDirectoryObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70"}},
		{15, "8107f302-53b2-43e1-81f7-5c9a7b0feedc", sentinel.MailClusterEntityProperties{EntityCommonProperties: friendly("Contoso Billing campaign"),
			NetworkMessageIDs:       []string{"a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"},
			CountByDeliveryStatus:   map[string]any{"Delivered": 2.0, "Blocked": 1.0},
			CountByThreatType:       map[string]any{"Phish": 3.0},
			CountByProtectionStatus: map[string]any{"Zapped": 2.0, "NotProtected": 1.0},
			Threats:                 []string{"Phish"}, Query: `(SenderDomain:contoso-invoices.com) AND (Subject:"Invoice")`,
			QueryTime: utc("2026-05-13T10:20:00Z"), MailCount: 3, Source: "SimilarEmailCluster",
			ClusterSourceIdentifier: "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", ClusterSourceType: "Similarity",
			ClusterQueryStartTime: utc("2026-05-06T10:20:00Z"), ClusterQueryEndTime: utc("2026-05-13T10:20:00Z"),
			ClusterGroup: "Contoso Billing campaign"}},
		{16, "6e30f61c-ce6f-4971-81b3-264630a7992c", sentinel.SubmissionMailEntityProperties{EntityCommonProperties: friendly("Invoice 2026-0513 overdue"),
			NetworkMessageID: "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", SubmissionID: "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
			Submitter: "alice.jones@contoso.com", SubmissionDate: utc("2026-05-13T10:11:40Z"), Timestamp: utc("2026-05-13T10:11:41Z"),
			Recipient: "alice.jones@contoso.com", Sender: "billing@contoso-invoices.com", SenderIP: "203.0.113.77",
			Subject: "Invoice 2026-0513 overdue", ReportType: "Phish"}},
		{17, "31f9a910-22e6-41d0-8de5-2cd77a2092df", sentinel.CloudApplicationEntityProperties{EntityCommonProperties: friendly("Microsoft SharePoint Online"),
			AppID: 20893, AppName: "Microsoft SharePoint Online", InstanceName: "contoso"}},
		{18, "743ffe16-2fd0-4ccb-8e40-4c31b31d25fe", sentinel.AzureResourceEntityProperties{EntityCommonProperties: friendly("finreports"),
			ResourceID: "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Storage/storageAccounts/finreports", SubscriptionID: sub}},
		{19, "7c9102e9-432b-42f4-848b-d08dfc302233", sentinel.DNSResolutionEntityProperties{EntityCommonProperties: friendly("login-micros0ft-online.com"),
			DomainName: "Login-Micros0ft-Online.com.", DNSServerIPEntityID: eid("1f5b2465-8e4d-4dfa-8956-2aaeb69e2c41"),
			IPAddressEntityIDs: []string{eid("ed67c660-970e-4378-8816-a58e8ceac567")}}},
		{20, "42eb8783-f6c5-41f8-8fbc-ee1a392621e7", sentinel.RegistryKeyEntityProperties{EntityCommonProperties: friendly("Run"),
			Hive: sentinel.HiveCurrentUser, Key: `Software\Microsoft\Windows\CurrentVersion\Run`}},
		{21, "5ffd353d-62d7-4a9e-85f8-728d7b3a0115", sentinel.RegistryValueEntityProperties{EntityCommonProperties: friendly("InvoiceUpdater"),
			KeyEntityID: eid("42eb8783-f6c5-41f8-8fbc-ee1a392621e7"), ValueName: "InvoiceUpdater",
			ValueData: `C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe`, ValueType: sentinel.RegistryValueString}},
		{22, "fa1a9be6-98bb-4de4-8efd-704f8142ce63", sentinel.SecurityGroupEntityProperties{EntityCommonProperties: friendly("Finance Admins"),
			DistinguishedName: "CN=Finance Admins,OU=Groups,DC=contoso,DC=com", ObjectGUID: "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
			SID: "S-1-5-21-3623811015-3361044348-30300820-1107"}},
		{23, "513730e9-2a9a-4f47-8a7e-f7723a2ea9ca", sentinel.IoTDeviceEntityProperties{EntityCommonProperties: friendly("PLC Line 2"),
			DeviceID: "plc-line2-07", DeviceName: "PLC Line 2", Source: "Microsoft Defender for IoT",
			IoTSecurityAgentID: "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", DeviceType: "PLC", Vendor: "Siemens", EdgeID: "edge-plant-berlin",
			MACAddress: "00:1B:1B:5E:0A:41", Model: "S7-1500", SerialNumber: "S C-X4U421302009", FirmwareVersion: "V2.9.4",
			OperatingSystem: "Siemens SIMATIC", IPAddressEntityID: eid("1f5b2465-8e4d-4dfa-8956-2aaeb69e2c41"),
			Protocols: []string{"S7comm", "HTTP"}}},
		{24, "9ce27625-686d-48f8-8beb-922af242bce7", sentinel.MalwareEntityProperties{EntityCommonProperties: friendly("Trojan:Win32/AgentTesla!ml"),
			Category: "Trojan", MalwareName: "Trojan:Win32/AgentTesla!ml", FileEntityIDs: []string{eid("86eb546e-0f59-423b-8d5f-3b71024a6aae")},
			ProcessEntityIDs: []string{eid("d648cc38-4a60-4315-8b59-1f92da42a700")}}},
		{25, "39c7163e-88e5-4838-82fd-8e47ceec3b27", sentinel.SecurityAlertProperties{
			EntityCommonProperties: sentinel.EntityCommonProperties{FriendlyName: "Suspicious PowerShell command line",
				AdditionalData: map[string]any{"MitreTechniques": "T1059.001, T1027", "OriginalProductName": "Microsoft Defender Advanced Threat Protection"}},
			DisplayName: "Suspicious PowerShell command line", AlertType: "WindowsDefenderAtp_SuspiciousPowerShellCommandLine",
			Description: "A suspicious PowerShell command line that downloads and runs an encoded payload was observed on WS-FIN-0142.",
			Severity:    sentinel.SeverityHigh, Status: sentinel.AlertStatusNew, CompromisedEntity: "WS-FIN-0142",
			ConfidenceLevel:   sentinel.ConfidenceHigh,
			ConfidenceReasons: []sentinel.AlertConfidenceReason{{Reason: "Encoded command executed from a mail attachment", ReasonType: "Behavior"}},
			ConfidenceScore:   0.92, ConfidenceScoreStatus: sentinel.ConfidenceScoreFinal, Intent: sentinel.IntentExecution,
			Tactics:     []sentinel.AttackTactic{sentinel.TacticExecution, sentinel.TacticDefenseEvasion},
			ProductName: "Microsoft Defender for Endpoint", ProductComponentName: "Endpoint", ProductVersion: "4.18.24040.4", VendorName: "Microsoft",
			ProviderAlertID: "da638512345678901234_-1987654321", SystemAlertID: "ef9ef74e-67d6-40ae-83bc-f011276001e5",
			StartTime: utc("2026-05-13T10:02:11.234Z"), EndTime: utc("2026-05-13T10:04:40.1Z"),
			TimeGenerated: utc("2026-05-13T10:06:02.517Z"), ProcessingEndTime: utc("2026-05-13T10:07:15Z"),
			RemediationSteps: []string{"Isolate the device WS-FIN-0142.", "Collect an investigation package and review the PowerShell history.", "Reset the credentials of alice.jones@contoso.com."},
			AlertLink:        "https://security.microsoft.com/alerts/da638512345678901234_-1987654321?tid=72f988bf-86f1-41af-91ab-2d7cd011db47",
			ResourceIdentifiers: []map[string]any{
				{"type": "LogAnalytics", "workspaceId": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "subscriptionId": sub, "resourceGroup": "soc-rg"},
				{"type": "AzureResource", "azureResourceId": "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Compute/virtualMachines/WS-FIN-0142"},
			},
		}},
		{26, "be28e325-1f36-41a1-820e-eba7b527b99c", sentinel.BookmarkEntityProperties{EntityCommonProperties: friendly("PowerShell download cradle on WS-FIN-0142"),
			DisplayName: "PowerShell download cradle on WS-FIN-0142",
			Query:       "DeviceProcessEvents\n| where DeviceName =~ \"WS-FIN-0142\" and FileName =~ \"powershell.exe\"\n| where ProcessCommandLine has \"-enc\"",
			QueryResult: `{"TimeGenerated":"2026-05-13T10:02:11.234Z","DeviceName":"WS-FIN-0142","AccountName":"alice.jones","ProcessCommandLine":"powershell.exe -nop -w hidden -enc SQBFAFgA"}`,
			Notes:       "Same cradle as the March campaign.", Labels: []string{"hunting", "powershell"},
			EventTime: utc("2026-05-13T10:02:11.234Z"), Created: utc("2026-05-13T11:20:00Z"), Updated: utc("2026-05-13T11:25:30Z"),
			CreatedBy: sentinel.ClientInfo{Email: "bob.smith@contoso.com", Name: "Bob Smith", ObjectID: "8d2b7a1e-3c4f-4e5a-9b6c-7d8e9f0a1b2c"},
			UpdatedBy: sentinel.ClientInfo{Email: "bob.smith@contoso.com", Name: "Bob Smith", ObjectID: "8d2b7a1e-3c4f-4e5a-9b6c-7d8e9f0a1b2c"},
			Incident: sentinel.IncidentRef{IncidentID: "73e01a99-5cd7-4139-a149-9f2736ff2ab5", Severity: sentinel.SeverityHigh,
				Title: "Multi-stage attack on WS-FIN-0142", RelationName: "ba321907-28ff-4dc0-8e93-964e6c8d3c0f"}}},
	}
	seen := map[sentinel.EntityKind]bool{}
	for _, tt := range tests {
		e := res[tt.index]
		t.Run(fmt.Sprintf("%d-%s", tt.index, e.Kind()), func(t *testing.T) {
			assert.Equal(t, reflect.TypeOf(tt.want).Name(), reflect.TypeOf(e).Elem().Name()+"Properties", "typed struct")
			assert.Equal(t, tt.want, propertiesOf(e))
			assert.Equal(t, sentinel.Resource{ID: eid(tt.name), Name: tt.name, Type: "Microsoft.SecurityInsights/Entities", Kind: string(e.Kind())},
				envelopeOf(e))
			if tt.index != 11 {
				assert.NoError(t, e.DecodeError())
			}
			seen[e.Kind()] = true
		})
	}
	for _, k := range sentinel.PossibleEntityKindValues() {
		assert.True(t, seen[k], "kind %s is covered", k)
	}
	assert.Len(t, sentinel.PossibleEntityKindValues(), 21)

	assert.Equal(t, counts(
		"Account", 2, "Host", 1, "Ip", 2, "Url", 3, "FileHash", 2, "File", 2, "Process", 2,
		"MailMessage", 1, "Mailbox", 1, "MailCluster", 1, "SubmissionMail", 1, "CloudApplication", 1,
		"AzureResource", 1, "DnsResolution", 1, "RegistryKey", 1, "RegistryValue", 1, "SecurityGroup", 1,
		"IoTDevice", 1, "Malware", 1, "SecurityAlert", 1, "Bookmark", 1, "Nic", 1,
	), sentinel.EntityCounts(res))
}

// envelopeOf returns the exported fields of e's envelope.
func envelopeOf(e sentinel.Entity) sentinel.Resource {
	env := e.Envelope()
	return sentinel.Resource{ID: env.ID, Name: env.Name, Type: env.Type, Kind: env.Kind, Etag: env.Etag, SystemData: env.SystemData}
}

func TestEntityHelpers(t *testing.T) {
	res, _ := loadEntities(t)
	accounts := sentinel.EntitiesOf[*sentinel.AccountEntity](res)
	require.Len(t, accounts, 2)
	assert.Equal(t, "alice.jones@contoso.com", accounts[0].UPN())
	assert.Equal(t, `CONTOSO\alice.jones`, accounts[0].DomainAccount())
	assert.Equal(t, "", accounts[1].UPN())

	host := sentinel.EntitiesOf[*sentinel.HostEntity](res)[0]
	assert.Equal(t, "WS-FIN-0142.contoso.com", host.FQDN())
	assert.Same(t, host, sentinel.EntityByID(res, accounts[1].HostEntityID), "references resolve by ID")
	assert.Same(t, host, sentinel.EntityByID(res, strings.ToUpper(host.Name)), "and by name, case-insensitively")
	assert.Nil(t, sentinel.EntityByID(res, "no-such-entity"))
	assert.Nil(t, sentinel.EntityByID(res, ""))

	files := sentinel.EntitiesOf[*sentinel.FileEntity](res)
	assert.Equal(t, `C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe`, files[0].Path())
	assert.Equal(t, "/var/tmp/x.sh", (&sentinel.FileEntityProperties{Directory: "/var/tmp/", FileName: "x.sh"}).Path())

	ip := sentinel.EntitiesOf[*sentinel.IPEntity](res)[0]
	addr, err := ip.Addr()
	require.NoError(t, err)
	assert.True(t, addr.Is4())

	urls := sentinel.EntitiesOf[*sentinel.URLEntity](res)
	require.Len(t, urls, 3)
	u, err := urls[0].Parse()
	require.NoError(t, err)
	assert.Equal(t, "login-micros0ft-online.com", u.Host)
	_, err = urls[1].Parse()
	assert.Error(t, err, "a defanged URL is kept, but it does not parse")

	key := sentinel.EntitiesOf[*sentinel.RegistryKeyEntity](res)[0]
	assert.Equal(t, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`, key.Path())
	mail := sentinel.EntitiesOf[*sentinel.MailMessageEntity](res)[0]
	assert.Equal(t, "billing@contoso-invoices.com", mail.Sender())

	// The common properties of any entity, an unknown kind's included.
	for i, e := range res {
		assert.NotEmpty(t, sentinel.CommonPropertiesOf(e).FriendlyName, "entity %d", i)
	}
	assert.Equal(t, map[string]any{"Sources": `["SecurityAlert"]`}, sentinel.CommonPropertiesOf(accounts[0]).AdditionalData)
	assert.Equal(t, "00-15-5D-01-02-03", sentinel.CommonPropertiesOf(res[27]).FriendlyName)
	assert.Zero(t, sentinel.CommonPropertiesOf(nil))
}

// TestEntityUnknownAndMalformed checks that nothing is dropped or lost.
func TestEntityUnknownAndMalformed(t *testing.T) {
	res, data := loadEntities(t)
	var wire struct {
		Entities []json.RawMessage `json:"entities"`
	}
	require.NoError(t, json.Unmarshal(data, &wire))

	t.Run("unknown kind", func(t *testing.T) {
		u, ok := res[27].(*sentinel.UnknownEntity)
		require.True(t, ok, "%T", res[27])
		assert.Equal(t, sentinel.EntityKind("Nic"), u.Kind())
		assert.Equal(t, "4601e4e9-2389-4b39-873d-e101ff2f9154", u.Name)
		assert.Equal(t, eid("4601e4e9-2389-4b39-873d-e101ff2f9154"), u.ID)
		assert.NoError(t, u.DecodeError(), "an unknown kind is not an error")
		assert.Equal(t, string(wire.Entities[27]), string(u.Raw), "kept as received")
		var nic struct {
			Properties struct {
				MACAddress        string   `json:"macAddress"`
				VLANs             []string `json:"vlans"`
				IPAddressEntityID string   `json:"ipAddressEntityId"`
			} `json:"properties"`
		}
		require.NoError(t, u.Decode(&nic))
		assert.Equal(t, "00-15-5D-01-02-03", nic.Properties.MACAddress)
		assert.Equal(t, []string{"VLAN-12"}, nic.Properties.VLANs)
		assert.Equal(t, eid("1f5b2465-8e4d-4dfa-8956-2aaeb69e2c41"), nic.Properties.IPAddressEntityID)
	})

	t.Run("url that is an object", func(t *testing.T) {
		u, ok := res[28].(*sentinel.URLEntity)
		require.True(t, ok, "%T", res[28])
		assert.Equal(t, "", u.URL)
		assert.Equal(t, "https://cdn.contoso-invoices.com/i.php", u.FriendlyName, "the other properties are decoded")
		require.Error(t, u.DecodeError())
		assert.Contains(t, u.DecodeError().Error(), "url")
		assert.JSONEq(t, string(wire.Entities[28]), string(marshal(t, u)), "it encodes to its JSON as received")
	})

	t.Run("time in an odd format", func(t *testing.T) {
		p := res[11].(*sentinel.ProcessEntity)
		assert.True(t, p.CreationTime.IsZero())
		assert.Equal(t, "2210", p.ProcessID)
		require.Error(t, p.DecodeError())
		assert.Contains(t, p.DecodeError().Error(), "creationTimeUtc")
		assert.Contains(t, p.DecodeError().Error(), "d648cc38-4a60-4315-8b59-1f92da42a700")
	})

	t.Run("every entity encodes to its JSON", func(t *testing.T) {
		require.Len(t, res, len(wire.Entities))
		for i, e := range res {
			assert.Empty(t, diffJSON("", parseTree(t, wire.Entities[i]), parseTree(t, marshal(t, e))), "entity %d", i)
		}
	})
}

// TestEntityOddPayloads decodes payloads the schema does not allow, through the emulator:
// every item is kept, and encodes to its JSON as received.
func TestEntityOddPayloads(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	items := []string{
		`{"id":"x1","name":"x1","kind":"Account","properties":{"accountName":"bob","isDomainJoined":"yes","sid":"S-1-5-18"}}`,
		`{"name":"x2","kind":"Ip","properties":{"address":"10.0.0.1","location":{"asn":"AS8075","city":"Dublin"}}}`,
		`{"name":"x3","kind":"CloudApplication","properties":{"appId":"11161","appName":"Office 365"}}`,
		`{"name":"x4","kind":"Host","properties":null}`,
		`{"name":"x5","kind":"Host"}`,
		`{"name":"x6","kind":"Url","properties":["https://a.example"]}`,
		`{"name":"x7","properties":{"friendlyName":"no kind"}}`,
		`{"name":"x8","kind":42,"properties":{}}`,
		`{"name":"x9","kind":"Process","properties":{"processId":4312,"commandLine":"cmd.exe","creationTimeUtc":"2026-05-13 10:02:11Z"}}`,
		`null`,
		`"just a string"`,
		`{"name":"x12","kind":"FileHash","properties":{"algorithm":"SHA256","hashValue":"AB","hashValue":"CD"}}`,
		`{"name":"x13","kind":"Account","properties":{"additionalData":"not an object","accountName":"carol"}}`,
	}
	require.True(t, env.srv.Data().SetIncidentEntities(inc, []byte("["+strings.Join(items, ",")+"]")))

	res, err := env.client.ListEntities(inc, nil).Collect(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, res, len(items), "nothing is dropped")
	for i, e := range res {
		require.NotNil(t, e, "item %d", i)
		if e.DecodeError() != nil {
			assert.Equal(t, items[i], string(marshal(t, e)), "item %d encodes to its JSON as received", i)
		} else {
			assert.Empty(t, diffJSON("", parseTree(t, []byte(items[i])), parseTree(t, marshal(t, e))), "item %d", i)
		}
	}

	a := res[0].(*sentinel.AccountEntity)
	assert.Equal(t, "bob", a.AccountName)
	assert.Equal(t, "S-1-5-18", a.SID)
	assert.False(t, a.IsDomainJoined)
	assert.ErrorContains(t, a.DecodeError(), "isDomainJoined")

	ip := res[1].(*sentinel.IPEntity)
	assert.Equal(t, "10.0.0.1", ip.Address)
	assert.ErrorContains(t, ip.DecodeError(), "asn")

	app := res[2].(*sentinel.CloudApplicationEntity)
	assert.Equal(t, "Office 365", app.AppName)
	assert.Zero(t, app.AppID)
	assert.Error(t, app.DecodeError())

	for _, i := range []int{3, 4} {
		h := res[i].(*sentinel.HostEntity)
		assert.NoError(t, h.DecodeError())
		assert.Equal(t, fmt.Sprintf("x%d", i+1), h.Name)
	}

	u := res[5].(*sentinel.URLEntity)
	assert.ErrorContains(t, u.DecodeError(), "properties")

	noKind := res[6].(*sentinel.UnknownEntity)
	assert.Equal(t, sentinel.EntityKind(""), noKind.Kind())
	assert.Equal(t, "no kind", sentinel.CommonPropertiesOf(noKind).FriendlyName)
	assert.ErrorContains(t, noKind.DecodeError(), "kind")

	badKind := res[7].(*sentinel.UnknownEntity)
	assert.Equal(t, "x8", badKind.Name)
	assert.ErrorContains(t, badKind.DecodeError(), "kind")

	p := res[8].(*sentinel.ProcessEntity)
	assert.Equal(t, "cmd.exe", p.CommandLine)
	assert.Equal(t, time.Date(2026, 5, 13, 10, 2, 11, 0, time.UTC), p.CreationTime, "a space instead of T is accepted")
	assert.Equal(t, "", p.ProcessID)
	assert.ErrorContains(t, p.DecodeError(), "processId")

	for _, i := range []int{9, 10} {
		x := res[i].(*sentinel.UnknownEntity)
		assert.ErrorContains(t, x.DecodeError(), "must be a JSON object")
		assert.Equal(t, items[i], string(x.Raw))
	}

	h := res[11].(*sentinel.FileHashEntity)
	assert.Equal(t, "CD", h.HashValue, "duplicate names: the last wins")

	c := res[12].(*sentinel.AccountEntity)
	assert.Equal(t, "carol", c.AccountName)
	assert.ErrorContains(t, c.DecodeError(), "additionalData")

	assert.Equal(t, counts("Account", 2, "Ip", 1, "CloudApplication", 1, "Host", 2, "Url", 1, "Process", 1, "FileHash", 1), sentinel.EntityCounts(res))

	t.Run("broken JSON fails the response", func(t *testing.T) {
		env.srv.Data().SetIncidentEntities(inc, []byte(`[{"kind":"Account","properties":{"accountName":"x"}`))
		_, err := env.client.ListEntities(inc, nil).Collect(context.Background(), 0)
		var de *sentinel.DecodeError
		assert.ErrorAs(t, err, &de)
	})
}

func TestListEntities(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(inc))
	ctx := context.Background()

	res, err := env.client.ListEntities(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/entities", reqs[0].Path)
	assert.Equal(t, "api-version="+sentinel.DefaultAPIVersion, reqs[0].RawQuery)
	assert.Empty(t, reqs[0].Body)

	require.Len(t, res, 29)
	kinds := map[sentinel.EntityKind]int{}
	for _, e := range res {
		kinds[e.Kind()]++
		assert.True(t, strings.HasPrefix(e.Envelope().ID, wsPath+"/Entities/"), e.Envelope().ID)
	}
	for _, k := range sentinel.PossibleEntityKindValues() {
		assert.Positive(t, kinds[k], "kind %s", k)
	}
	assert.Equal(t, 1, kinds["Nic"])
	total := 0
	for _, c := range sentinel.EntityCounts(res) {
		total += c.Count
		assert.Equal(t, kinds[c.Kind], c.Count, c.Kind)
	}
	assert.Equal(t, 29, total)

	// An incident without entities.
	other := newIncident(t, env)
	empty, err := env.client.ListEntities(other, nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, empty)

	_, err = env.client.ListEntities("no-such-incident", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
	_, err = env.client.ListEntities("a/b", nil).Collect(ctx, 0)
	assert.ErrorIs(t, err, sentinel.ErrInvalidArgument)

	// Deleting the incident deletes its entities: a new incident with its ID has none.
	require.NoError(t, env.client.DeleteIncident(ctx, inc, nil))
	_, err = env.client.CreateIncident(ctx, sentinel.IncidentProperties{Title: "again", Severity: sentinel.SeverityLow, Status: sentinel.IncidentStatusNew}, &sentinel.CreateIncidentOptions{ID: inc})
	require.NoError(t, err)
	again, err := env.client.ListEntities(inc, nil).Collect(ctx, 0)
	require.NoError(t, err)
	assert.Empty(t, again)
}

// TestListEntitiesErrorInASuccess checks that an ARM error object in a 200 response is the
// service's error, and that a response whose "error" member comes later is decoded.
func TestListEntitiesErrorInASuccess(t *testing.T) {
	for name, tt := range map[string]struct {
		body    string
		errCode string
	}{
		"error object":            {`{"error":{"code":"InternalServerError","message":"try later"}}`, "InternalServerError"},
		"after white space":       {" \n\t{ \n \"error\" :{\"code\":\"Gone\",\"message\":\"m\"}}", "Gone"},
		"error null":              {`{"error":null,"entities":[],"metaData":[]}`, ""},
		"error after the members": {`{"entities":[],"metaData":[],"error":"not an object"}`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := stubEnv(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(tt.body))
			})
			res, err := c.ListEntities("inc", nil).Collect(context.Background(), 0)
			if tt.errCode == "" {
				require.NoError(t, err)
				assert.Empty(t, res)
				return
			}
			var re *sentinel.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.errCode, re.ErrorCode)
		})
	}
}

func TestEntityJSON(t *testing.T) {
	res, data := loadEntities(t)

	// The whole response round-trips.
	out := marshal(t, sentinel.IncidentEntities{Entities: res, Counts: sentinel.EntityCounts(res)})
	assert.Empty(t, diffJSON("", parseTree(t, data), parseTree(t, out)))
	var againResp sentinel.IncidentEntities
	require.NoError(t, sentinel.UnmarshalJSON(out, &againResp))
	again := againResp.Entities
	require.Len(t, again, len(res))
	for i, e := range res {
		assert.Equal(t, string(marshal(t, e)), string(marshal(t, again[i])), "entity %d", i)
		if _, unknown := e.(*sentinel.UnknownEntity); !unknown && e.DecodeError() == nil {
			assert.Equal(t, e, again[i], "entity %d", i)
		}
	}

	// One entity.
	raw := marshal(t, res[2])
	e, err := sentinel.UnmarshalEntity(raw)
	require.NoError(t, err)
	assert.Equal(t, res[2], e)
	var h sentinel.HostEntity
	require.NoError(t, sentinel.UnmarshalJSON(raw, &h), "a typed entity decodes into its struct")
	assert.Equal(t, "WS-FIN-0142", h.HostName)
	_, err = sentinel.UnmarshalEntity([]byte(`[1,2]`))
	assert.ErrorContains(t, err, "must be a JSON object")
	_, err = sentinel.UnmarshalEntity([]byte(`{"kind":"Ip"`))
	assert.Error(t, err)

	var u sentinel.UnknownEntity
	require.NoError(t, sentinel.UnmarshalJSON(marshal(t, res[27]), &u))
	assert.Equal(t, sentinel.EntityKind("Nic"), u.Kind())

	// An entity built in Go is written in the wire form, with its kind.
	built := &sentinel.IPEntity{Resource: sentinel.Resource{Name: "n1"},
		IPEntityProperties: sentinel.IPEntityProperties{EntityCommonProperties: friendly("1.2.3.4"), Address: "1.2.3.4"}}
	b := marshal(t, built)
	assert.JSONEq(t, `{"name":"n1","kind":"Ip","properties":{"friendlyName":"1.2.3.4","address":"1.2.3.4"}}`, string(b))
	back, err := sentinel.UnmarshalEntity(b)
	require.NoError(t, err)
	assert.Equal(t, "1.2.3.4", back.(*sentinel.IPEntity).Address)
}

// FuzzUnmarshalEntity checks that decoding any input never panics and never loses the input:
// an entity that did not decode cleanly writes back exactly the bytes it was decoded from, and
// one that did writes JSON that decodes to the same entity.
func FuzzUnmarshalEntity(f *testing.F) {
	res, _ := loadEntities(f)
	for _, e := range res {
		f.Add(marshal(f, e))
	}
	for _, s := range []string{
		`{}`, `{"kind":"Url","properties":{"url":{}}}`, `{"kind":"Process","properties":{"creationTimeUtc":"13/05/2026"}}`,
		`{"kind":null,"properties":null}`, `{"kind":"Account","properties":{"accountName":"a","accountName":1}}`,
		`{"kind":"Ip","properties":{"location":[]}}`, `[]`, `"x"`, `{"kind":"Bookmark","properties":{"labels":"a"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := sentinel.UnmarshalEntity(data)
		if err != nil {
			assert.Nil(t, e)
			return
		}
		require.NotNil(t, e)
		out, err := sentinel.MarshalJSON(e)
		require.NoError(t, err)
		assert.True(t, json.Valid(out), "%q", out)
		_, unknown := e.(*sentinel.UnknownEntity)
		if unknown || e.DecodeError() != nil {
			// Byte for byte but for the white space between tokens: the encoder writes
			// compact JSON (strings and numbers keep their exact text).
			want := jsontext.Value(bytes.Clone(data))
			require.NoError(t, want.Compact())
			assert.Equal(t, string(want), string(out), "written back byte for byte")
		} else {
			again, err := sentinel.UnmarshalEntity(out)
			require.NoError(t, err, "%s", out)
			assert.NoError(t, again.DecodeError())
			assert.Equal(t, e.Kind(), again.Kind())
			assert.Equal(t, string(out), string(marshal(t, again)), "stable after one round")

			// Decoding into the entity's own type gives the same entity.
			typed := reflect.New(reflect.TypeOf(e).Elem()).Interface()
			require.NoError(t, sentinel.UnmarshalJSON(data, typed))
			assert.Equal(t, e, typed)
		}
		enriched := sentinel.EnrichEntities([]sentinel.Entity{e, e})
		assert.Len(t, enriched, 1, "an entity merges with itself")

		// The same entity inside a response is kept too.
		var ie sentinel.IncidentEntities
		body := append(append([]byte(`{"entities":[`), data...), "]}"...)
		if json.Valid(body) {
			require.NoError(t, sentinel.UnmarshalJSON(body, &ie))
			assert.Len(t, ie.Entities, 1)
		}
	})
}

// benchmarkPayload returns a response of n entities of mixed kinds, cycling the fixture;
// wellFormed leaves out the two entities that do not fit the schema.
func benchmarkPayload(b *testing.B, n int, wellFormed bool) []byte {
	var wire struct {
		Entities []json.RawMessage `json:"entities"`
	}
	data, err := os.ReadFile("testdata/entities/list.json")
	require.NoError(b, err)
	require.NoError(b, json.Unmarshal(data, &wire))
	var items [][]byte
	for _, e := range wire.Entities {
		if wellFormed && (bytes.Contains(e, []byte("05/13/2026")) || bytes.Contains(e, []byte(`"href"`))) {
			continue
		}
		var c bytes.Buffer
		require.NoError(b, json.Compact(&c, e))
		items = append(items, c.Bytes())
	}
	var buf bytes.Buffer
	buf.WriteString(`{"entities":[`)
	for i := range n {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(items[i%len(items)])
	}
	buf.WriteString(`],"metaData":[{"entityKind":"Account","count":35}]}`)
	return buf.Bytes()
}

// BenchmarkDecodeEntities decodes a response of 500 entities of mixed kinds, as ListEntities
// does. "mixed" includes the unknown kind and the two malformed entities; "wellformed" leaves
// the malformed ones out, which is what armsecurityinsights can decode at all.
func BenchmarkDecodeEntities(b *testing.B) {
	for _, wellFormed := range []bool{false, true} {
		name := "mixed"
		if wellFormed {
			name = "wellformed"
		}
		b.Run(name, func(b *testing.B) {
			payload := benchmarkPayload(b, 500, wellFormed)
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				var res sentinel.IncidentEntities
				if err := sentinel.UnmarshalJSON(payload, &res); err != nil || len(res.Entities) != 500 {
					b.Fatal(err, len(res.Entities))
				}
			}
		})
	}
}

// ExampleClient_ListEntities reads an incident's entities by kind; a kind this SDK does not
// type is kept as an *UnknownEntity.
func ExampleClient_ListEntities() {
	client, srv := exampleClient()
	defer srv.Close()
	id := srv.CreateIncident(map[string]any{"title": "Multi-stage attack on WS-FIN-0142", "severity": "High", "status": "New"})
	srv.Data().SeedIncidentDetails(id)

	res, err := client.ListEntities(id, nil).Collect(context.Background(), 0)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range res {
		switch e := e.(type) {
		case *sentinel.AccountEntity:
			fmt.Println("account", cmp.Or(e.UPN(), e.DomainAccount()))
		case *sentinel.IPEntity:
			fmt.Printf("ip %s %q\n", e.Address, e.Location.CountryCode)
		case *sentinel.UnknownEntity:
			fmt.Println(e.Kind(), sentinel.CommonPropertiesOf(e).FriendlyName)
		}
	}
	// Output:
	// account alice.jones@contoso.com
	// account CONTOSO\alice.jones
	// ip 185.220.101.45 "DE"
	// ip 10.20.30.41 ""
	// Nic 00-15-5D-01-02-03
}
