package sentinel_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
)

// byKey indexes enriched entities.
func byKey(list []sentinel.EnrichedEntity) map[string]sentinel.EnrichedEntity {
	m := map[string]sentinel.EnrichedEntity{}
	for _, e := range list {
		m[e.Key] = e
	}
	return m
}

// TestEnrichmentTable checks the canonical value and identifying fields of every kind (the
// table in the README).
func TestEnrichmentTable(t *testing.T) {
	res, _ := loadEntities(t)
	enriched := sentinel.EnrichEntities(res)
	require.Len(t, enriched, 28, "29 entities, the two accounts of alice merged")
	m := byKey(enriched)

	const sub = "00000000-1111-2222-3333-444444444444"
	tests := []struct {
		key, value string
		fields     map[string]string
	}{
		{"Account:alice.jones@contoso.com", "alice.jones@contoso.com", map[string]string{
			"upn": "alice.jones@contoso.com", "domainAccount": `CONTOSO\alice.jones`, "sid": "S-1-5-21-3623811015-3361044348-30300820-1013",
			"aadObjectId": "2046feea-040d-4a46-9e2b-91c2941bfa70", "aadTenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
			"accountName": "alice.jones", "ntDomain": "CONTOSO", "objectGuid": "7c5d4e3f-2a1b-4c9d-8e7f-6a5b4c3d2e1f", "puid": "10037FFE8A4C2B31"}},
		{"Host:ws-fin-0142.contoso.com", "ws-fin-0142.contoso.com", map[string]string{
			"fqdn": "ws-fin-0142.contoso.com", "hostName": "WS-FIN-0142", "netBiosName": "WS-FIN-0142", "ntDomain": "CONTOSO",
			"azureId":    "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Compute/virtualMachines/WS-FIN-0142",
			"omsAgentId": "4e3f2a1b-9c8d-4e7f-a6b5-c4d3e2f1a0b9", "osFamily": "Windows"}},
		{"Ip:185.220.101.45", "185.220.101.45", map[string]string{"address": "185.220.101.45"}},
		{"Ip:10.20.30.41", "10.20.30.41", map[string]string{"address": "10.20.30.41"}},
		{"Url:https://login-micros0ft-online.com/common/oauth2/authorize?client_id=4765445b&redirect_uri=https%3A%2F%2Fevil.example",
			"https://login-micros0ft-online.com/common/oauth2/authorize?client_id=4765445b&redirect_uri=https%3A%2F%2Fevil.example",
			map[string]string{"url": "https://login-micros0ft-online.com/common/oauth2/authorize?client_id=4765445b&redirect_uri=https%3A%2F%2Fevil.example",
				"domain": "login-micros0ft-online.com"}},
		{"Url:hxxps://contoso-invoices[.]com/pay now/%zz", "hxxps://contoso-invoices[.]com/pay now/%zz", map[string]string{"url": "hxxps://contoso-invoices[.]com/pay now/%zz"}},
		{"FileHash:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			map[string]string{"hashAlgorithm": "SHA256", "hash": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}},
		{"FileHash:d41d8cd98f00b204e9800998ecf8427e", "d41d8cd98f00b204e9800998ecf8427e", map[string]string{"hashAlgorithm": "MD5", "hash": "d41d8cd98f00b204e9800998ecf8427e"}},
		{`File:c:\users\alice.jones\appdata\local\temp\invoice_2026.exe`, `C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe`, map[string]string{
			"path": `C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe`, "fileName": "invoice_2026.exe", "directory": `C:\Users\alice.jones\AppData\Local\Temp`,
			"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "md5": "d41d8cd98f00b204e9800998ecf8427e"}},
		{"Process:powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=", "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=", map[string]string{
			"commandLine": "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=", "processId": "4312", "creationTime": "2026-05-13T10:02:11.234Z"}},
		{"MailMessage:a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", map[string]string{
			"networkMessageId": "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", "internetMessageId": "<CY4PR01MB1234A5B6C7D8E9F0@CY4PR01MB1234.namprd01.prod.outlook.com>",
			"sender": "billing@contoso-invoices.com", "senderFrom": "billing@contoso-invoices.com", "senderIp": "203.0.113.77",
			"recipient": "alice.jones@contoso.com", "subject": "Invoice 2026-0513 overdue"}},
		{"Mailbox:alice.jones@contoso.com", "alice.jones@contoso.com", map[string]string{
			"mailbox": "alice.jones@contoso.com", "upn": "alice.jones@contoso.com", "aadObjectId": "2046feea-040d-4a46-9e2b-91c2941bfa70"}},
		{"MailCluster:a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", map[string]string{
			"clusterSourceId": "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57", "query": `(SenderDomain:contoso-invoices.com) AND (Subject:"Invoice")`}},
		{"SubmissionMail:0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", map[string]string{
			"submissionId": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "networkMessageId": "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57",
			"sender": "billing@contoso-invoices.com", "senderIp": "203.0.113.77", "recipient": "alice.jones@contoso.com", "subject": "Invoice 2026-0513 overdue"}},
		{"CloudApplication:microsoft sharepoint online", "Microsoft SharePoint Online", map[string]string{"appName": "Microsoft SharePoint Online", "appId": "20893"}},
		{"AzureResource:/subscriptions/" + sub + "/resourcegroups/fin-rg/providers/microsoft.storage/storageaccounts/finreports",
			"/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Storage/storageAccounts/finreports", map[string]string{
				"resourceId": "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Storage/storageAccounts/finreports", "subscriptionId": sub}},
		{"DnsResolution:login-micros0ft-online.com", "login-micros0ft-online.com", map[string]string{"domain": "login-micros0ft-online.com"}},
		{`RegistryKey:hkey_current_user\software\microsoft\windows\currentversion\run`, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`,
			map[string]string{"registryKey": `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`}},
		{`RegistryValue:HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\InvoiceUpdater`, `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run\InvoiceUpdater`,
			map[string]string{"registryKey": `HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`, "registryValueName": "InvoiceUpdater",
				"registryValueData": `C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe`, "registryValueType": "String"}},
		{"SecurityGroup:cn=finance admins,ou=groups,dc=contoso,dc=com", "CN=Finance Admins,OU=Groups,DC=contoso,DC=com", map[string]string{
			"distinguishedName": "CN=Finance Admins,OU=Groups,DC=contoso,DC=com", "sid": "S-1-5-21-3623811015-3361044348-30300820-1107", "objectGuid": "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d"}},
		{"IoTDevice:plc-line2-07", "plc-line2-07", map[string]string{"deviceId": "plc-line2-07", "deviceName": "PLC Line 2", "macAddress": "00:1b:1b:5e:0a:41"}},
		{"Malware:trojan:win32/agenttesla!ml", "Trojan:Win32/AgentTesla!ml", map[string]string{"malwareName": "Trojan:Win32/AgentTesla!ml", "malwareCategory": "Trojan"}},
		{"SecurityAlert:ef9ef74e-67d6-40ae-83bc-f011276001e5", "ef9ef74e-67d6-40ae-83bc-f011276001e5", map[string]string{
			"alertName": "Suspicious PowerShell command line", "systemAlertId": "ef9ef74e-67d6-40ae-83bc-f011276001e5",
			"providerAlertId": "da638512345678901234_-1987654321", "severity": "High", "productName": "Microsoft Defender for Endpoint"}},
		{"Bookmark:be28e325-1f36-41a1-820e-eba7b527b99c", "be28e325-1f36-41a1-820e-eba7b527b99c", map[string]string{
			"bookmarkId": "be28e325-1f36-41a1-820e-eba7b527b99c", "severity": "High",
			"query": "DeviceProcessEvents\n| where DeviceName =~ \"WS-FIN-0142\" and FileName =~ \"powershell.exe\"\n| where ProcessCommandLine has \"-enc\""}},
		// An unknown kind: the friendly name is its value, and it has no fields.
		{"Nic:00-15-5d-01-02-03", "00-15-5D-01-02-03", map[string]string{}},
		// The Url whose url did not decode: its friendly name is its value.
		{"Url:https://cdn.contoso-invoices.com/i.php", "https://cdn.contoso-invoices.com/i.php", map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			e, ok := m[tt.key]
			require.True(t, ok, "missing %s", tt.key)
			assert.Equal(t, tt.value, e.Value)
			assert.Equal(t, tt.fields, e.Fields)
			assert.NotEmpty(t, e.DisplayName)
			assert.NotEmpty(t, e.Sources)
		})
	}

	t.Run("merged account", func(t *testing.T) {
		a := m["Account:alice.jones@contoso.com"]
		require.Len(t, a.Sources, 2)
		assert.Same(t, res[0], a.Sources[0])
		assert.Same(t, res[1], a.Sources[1])
		assert.Equal(t, "alice.jones", a.DisplayName, "the first source's friendly name")
		assert.Equal(t, []sentinel.EntityRelation{{Role: "host", Key: "Host:ws-fin-0142.contoso.com", Kind: "Host", Value: "ws-fin-0142.contoso.com",
			EntityID: eid("b2583b39-28f8-4d27-8357-e1932520ca2a")}}, a.Relations)
	})

	t.Run("process relations", func(t *testing.T) {
		p := m["Process:powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA="]
		var got []string
		for _, r := range p.Relations {
			got = append(got, r.Role+" → "+r.Key)
		}
		assert.Equal(t, []string{
			"host → Host:ws-fin-0142.contoso.com",
			// The process refers to the account entity without a UPN; it was merged.
			"account → Account:alice.jones@contoso.com",
			`parentProcess → Process:"C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe"`,
			`imageFile → File:c:\windows\system32\windowspowershell\v1.0\powershell.exe`,
			"logonSession → ", // the logon session entity is not in the list
		}, got)
		assert.Equal(t, eid("12cad26f-01f3-4795-832c-fe5fed3f7180"), p.Relations[4].EntityID)
	})

	t.Run("file hashes", func(t *testing.T) {
		f := m[`File:c:\users\alice.jones\appdata\local\temp\invoice_2026.exe`]
		var roles []string
		for _, r := range f.Relations {
			roles = append(roles, r.Role+" "+string(r.Kind)+" "+r.Value)
		}
		assert.Equal(t, []string{
			"host Host ws-fin-0142.contoso.com",
			"fileHash FileHash e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"fileHash FileHash d41d8cd98f00b204e9800998ecf8427e",
		}, roles)
	})

	t.Run("ip location and threat intelligence", func(t *testing.T) {
		ip := m["Ip:185.220.101.45"]
		require.NotNil(t, ip.Location)
		assert.Equal(t, "DE", ip.Location.CountryCode)
		assert.Equal(t, 208294, ip.Location.ASN)
		require.Len(t, ip.ThreatIntelligence, 1)
		assert.Equal(t, "TorExitNode", ip.ThreatIntelligence[0].ThreatName)
		assert.Nil(t, m["Ip:10.20.30.41"].Location, "no location when the service has none")
	})

	t.Run("dns", func(t *testing.T) {
		d := m["DnsResolution:login-micros0ft-online.com"]
		require.Len(t, d.Relations, 2)
		assert.Equal(t, sentinel.EntityRelation{Role: "ip", Key: "Ip:185.220.101.45", Kind: "Ip", Value: "185.220.101.45", EntityID: eid("ed67c660-970e-4378-8816-a58e8ceac567")}, d.Relations[0])
		assert.Equal(t, "dnsServer", d.Relations[1].Role)
	})

	// Every entity went somewhere.
	n := 0
	for _, e := range enriched {
		n += len(e.Sources)
	}
	assert.Equal(t, len(res), n)
}

// entitiesFrom decodes entity JSON for enrichment tests.
func entitiesFrom(t *testing.T, items ...string) []sentinel.Entity {
	t.Helper()
	var out []sentinel.Entity
	for _, s := range items {
		e, err := sentinel.UnmarshalEntity([]byte(s))
		require.NoError(t, err, s)
		out = append(out, e)
	}
	return out
}

func TestEnrichMerging(t *testing.T) {
	tests := []struct {
		name  string
		items []string
		keys  []string // the enriched keys, in order
	}{
		{"accounts by UPN and by SID only stay apart", []string{
			`{"id":"a","kind":"Account","properties":{"accountName":"bob","upnSuffix":"contoso.com"}}`,
			`{"id":"b","kind":"Account","properties":{"sid":"s-1-5-21-1-2-3-500"}}`,
		}, []string{"Account:bob@contoso.com", "Account:s-1-5-21-1-2-3-500"}},
		{"accounts chained through shared identifiers merge", []string{
			`{"id":"a","kind":"Account","properties":{"accountName":"bob","upnSuffix":"Contoso.com","aadUserId":"AAAA"}}`,
			`{"id":"b","kind":"Account","properties":{"sid":"S-1-5-21-1-2-3-500","ntDomain":"CONTOSO","accountName":"bob"}}`,
			`{"id":"c","kind":"Account","properties":{"aadUserId":"aaaa","sid":"S-1-5-21-1-2-3-500"}}`,
		}, []string{"Account:bob@contoso.com"}},
		{"ip addresses in different forms merge", []string{
			`{"id":"a","kind":"Ip","properties":{"address":"::ffff:10.0.0.1"}}`,
			`{"id":"b","kind":"Ip","properties":{"address":" 10.0.0.1 "}}`,
			`{"id":"c","kind":"Ip","properties":{"address":"2001:DB8::1"}}`,
		}, []string{"Ip:10.0.0.1", "Ip:2001:db8::1"}},
		{"hashes by algorithm and value", []string{
			`{"id":"a","kind":"FileHash","properties":{"algorithm":"SHA1","hashValue":"DA39A3EE5E6B4B0D3255BFEF95601890AFD80709"}}`,
			`{"id":"b","kind":"FileHash","properties":{"algorithm":"SHA1","hashValue":"da39a3ee5e6b4b0d3255bfef95601890afd80709"}}`,
		}, []string{"FileHash:da39a3ee5e6b4b0d3255bfef95601890afd80709"}},
		{"a bare host name merges with its FQDN", []string{
			`{"id":"h1","kind":"Host","properties":{"hostName":"SRV-DC-01","dnsDomain":"corp.contoso.com"}}`,
			`{"id":"h2","kind":"Host","properties":{"hostName":"srv-dc-01"}}`,
		}, []string{"Host:srv-dc-01.corp.contoso.com"}},
		{"processes are the same only on the same host", []string{
			`{"id":"h1","kind":"Host","properties":{"hostName":"A","dnsDomain":"x.com"}}`,
			`{"id":"h2","kind":"Host","properties":{"netBiosName":"A"}}`,
			`{"id":"h3","kind":"Host","properties":{"hostName":"B","dnsDomain":"x.com"}}`,
			`{"id":"p1","kind":"Process","properties":{"processId":"42","commandLine":"cmd.exe","creationTimeUtc":"2026-05-13T10:00:00Z","hostEntityId":"h1"}}`,
			`{"id":"p2","kind":"Process","properties":{"processId":"42","commandLine":"cmd.exe","creationTimeUtc":"2026-05-13T10:00:00Z","hostEntityId":"h2"}}`,
			`{"id":"p3","kind":"Process","properties":{"processId":"42","commandLine":"cmd.exe","creationTimeUtc":"2026-05-13T10:00:00Z","hostEntityId":"h3"}}`,
		}, []string{"Host:a.x.com", "Host:b.x.com", "Process:cmd.exe", "Process:cmd.exe#2"}},
		{"files by path, case-insensitively, on the same host", []string{
			`{"id":"f1","kind":"File","properties":{"directory":"C:\\Temp","fileName":"A.EXE"}}`,
			`{"id":"f2","kind":"File","properties":{"directory":"c:\\temp\\","fileName":"a.exe"}}`,
		}, []string{`File:c:\temp\a.exe`}},
		{"registry values by key and name", []string{
			`{"id":"k1","kind":"RegistryKey","properties":{"hive":"HKEY_LOCAL_MACHINE","key":"SOFTWARE\\Run"}}`,
			`{"id":"k2","kind":"RegistryKey","properties":{"hive":"HKEY_LOCAL_MACHINE","key":"software\\run"}}`,
			`{"id":"v1","kind":"RegistryValue","properties":{"keyEntityId":"k1","valueName":"X"}}`,
			`{"id":"v2","kind":"RegistryValue","properties":{"keyEntityId":"k2","valueName":"x"}}`,
		}, []string{`RegistryKey:hkey_local_machine\software\run`, `RegistryValue:HKEY_LOCAL_MACHINE\SOFTWARE\Run\X`}},
		{"mailboxes by address or object ID", []string{
			`{"id":"m1","kind":"Mailbox","properties":{"mailboxPrimaryAddress":"Bob@Contoso.com"}}`,
			`{"id":"m2","kind":"Mailbox","properties":{"mailboxPrimaryAddress":"bob@contoso.com","externalDirectoryObjectId":"X"}}`,
		}, []string{"Mailbox:bob@contoso.com"}},
		{"mail messages per recipient", []string{
			`{"id":"a","kind":"MailMessage","properties":{"networkMessageId":"N","recipient":"a@x.com"}}`,
			`{"id":"b","kind":"MailMessage","properties":{"networkMessageId":"n","recipient":"b@x.com"}}`,
		}, []string{"MailMessage:n", "MailMessage:n#2"}},
		{"unknown kinds merge only by ID", []string{
			`{"id":"u1","kind":"Nic","properties":{"friendlyName":"eth0"}}`,
			`{"id":"U1","kind":"Nic","properties":{"friendlyName":"eth0"}}`,
			`{"id":"u2","kind":"Nic","properties":{"friendlyName":"eth0"}}`,
		}, []string{"Nic:eth0", "Nic:eth0#2"}},
		{"identical entities without anything merge", []string{`{}`, `{}`, `{"kind":"X"}`}, []string{":", "X:"}},
		{"the same kind is needed", []string{
			`{"id":"a","kind":"Account","properties":{"accountName":"bob","upnSuffix":"x.com"}}`,
			`{"id":"b","kind":"Mailbox","properties":{"upn":"bob@x.com"}}`,
		}, []string{"Account:bob@x.com", "Mailbox:bob@x.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sentinel.EnrichEntities(entitiesFrom(t, tt.items...))
			var keys []string
			n := 0
			for _, e := range got {
				keys = append(keys, e.Key)
				n += len(e.Sources)
			}
			assert.Equal(t, tt.keys, keys)
			assert.Equal(t, len(tt.items), n, "every entity is somewhere")
		})
	}
}

func TestEnrichEdgeCases(t *testing.T) {
	assert.Empty(t, sentinel.EnrichEntities(nil))

	got := sentinel.EnrichEntities(entitiesFrom(t,
		`{"id":"d","kind":"IoTDevice","properties":{"deviceName":"cam","macAddress":"00-1B-1B-5E-0A-41"}}`,
		`{"id":"e","kind":"IoTDevice","properties":{"macAddress":"001b.1b5e.0a41","deviceId":"cam-1"}}`,
	))
	require.Len(t, got, 1, "MAC addresses in different notations")
	assert.Equal(t, "cam-1", got[0].Value)
	assert.Equal(t, "00:1b:1b:5e:0a:41", got[0].Fields["macAddress"])

	// A file refers to a hash that is not in the list: the relation is kept, unresolved.
	got = sentinel.EnrichEntities(entitiesFrom(t,
		`{"id":"f","kind":"File","properties":{"fileName":"x.sh","directory":"/tmp","fileHashEntityIds":["missing"]}}`))
	require.Len(t, got, 1)
	assert.Equal(t, "/tmp/x.sh", got[0].Value)
	assert.Equal(t, []sentinel.EntityRelation{{Role: "fileHash", EntityID: "missing"}}, got[0].Relations)

	// A process that refers to itself (seen in the wild as its own parent) does not relate to itself.
	got = sentinel.EnrichEntities(entitiesFrom(t,
		`{"id":"p","kind":"Process","properties":{"processId":"1","parentProcessEntityId":"p"}}`))
	assert.Empty(t, got[0].Relations)
}

// TestEnrichKeysUnique is a regression test: the second of two files with the same path on
// different hosts got the key "...a.exe#2", which a third file named "a.exe#2" got too, so
// that relations to either were ambiguous.
func TestEnrichKeysUnique(t *testing.T) {
	got := sentinel.EnrichEntities(entitiesFrom(t,
		`{"id":"h1","kind":"Host","properties":{"hostName":"one"}}`,
		`{"id":"h2","kind":"Host","properties":{"hostName":"two"}}`,
		`{"id":"f1","kind":"File","properties":{"directory":"C:\\x","fileName":"a.exe","hostEntityId":"h1"}}`,
		`{"id":"f2","kind":"File","properties":{"directory":"C:\\x","fileName":"a.exe","hostEntityId":"h2"}}`,
		`{"id":"f3","kind":"File","properties":{"directory":"C:\\x","fileName":"a.exe#2"}}`,
		`{"id":"f4","kind":"File","properties":{"directory":"C:\\x","fileName":"a.exe","hostEntityId":"h3"}}`,
		`{"id":"p","kind":"Process","properties":{"processId":"1","imageFileEntityId":"f3","hostEntityId":"h1"}}`,
	))
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{`Host:one`, `Host:two`, `File:c:\x\a.exe`, `File:c:\x\a.exe#2`, `File:c:\x\a.exe#2#2`, `File:c:\x\a.exe#3`, `Process:1`}, keys)
	proc := got[len(got)-1]
	for _, r := range proc.Relations {
		if r.Role == sentinel.RoleImageFile {
			assert.Equal(t, `File:c:\x\a.exe#2#2`, r.Key, "the relation names the right file")
			assert.Equal(t, `C:\x\a.exe#2`, r.Value)
		}
	}
}

func TestGetEnrichedEntities(t *testing.T) {
	env := newEnv(t)
	inc := newIncident(t, env)
	require.True(t, env.srv.Data().SeedIncidentDetails(inc))

	got, err := env.client.GetEnrichedEntities(context.Background(), inc, nil)
	require.NoError(t, err)
	reqs := env.srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/arm"+wsPath+"/incidents/"+inc+"/entities", reqs[0].Path)

	require.Len(t, got, 28)
	kinds := map[sentinel.EntityKind]bool{}
	for _, e := range got {
		kinds[e.Kind] = true
		assert.True(t, strings.HasPrefix(e.Key, string(e.Kind)+":"), e.Key)
	}
	for _, k := range sentinel.PossibleEntityKindValues() {
		assert.True(t, kinds[k], k)
	}

	_, err = env.client.GetEnrichedEntities(context.Background(), "nope", nil)
	assert.ErrorIs(t, err, sentinel.ErrNotFound)
}

// ExampleEnrichEntities maps an incident's entities into a SOAR case's observables.
func ExampleEnrichEntities() {
	data := `{"entities":[
	  {"id":"e1","kind":"Account","properties":{"accountName":"alice","upnSuffix":"contoso.com","aadUserId":"2046FEEA-040D-4A46-9E2B-91C2941BFA70"}},
	  {"id":"e2","kind":"Account","properties":{"accountName":"alice","ntDomain":"CONTOSO","aadUserId":"2046feea-040d-4a46-9e2b-91c2941bfa70","sid":"S-1-5-21-1-2-3-1013"}},
	  {"id":"e3","kind":"Host","properties":{"hostName":"WS-FIN-0142","dnsDomain":"contoso.com"}},
	  {"id":"e4","kind":"Process","properties":{"processId":"4312","commandLine":"powershell.exe -enc SQBFAFgA","hostEntityId":"e3","accountEntityId":"e2"}}
	]}`
	var resp sentinel.IncidentEntities
	if err := sentinel.UnmarshalJSON([]byte(data), &resp); err != nil {
		panic(err)
	}
	res := resp.Entities
	for _, e := range sentinel.EnrichEntities(res) {
		fmt.Printf("%s %s (from %d entities)\n", e.Kind, e.Value, len(e.Sources))
		for _, r := range e.Relations {
			fmt.Printf("  %s: %s\n", r.Role, r.Value)
		}
	}
	// Output:
	// Account alice@contoso.com (from 2 entities)
	// Host ws-fin-0142.contoso.com (from 1 entities)
	// Process powershell.exe -enc SQBFAFgA (from 1 entities)
	//   host: ws-fin-0142.contoso.com
	//   account: alice@contoso.com
}

// BenchmarkEnrichEntities enriches the 500 mixed entities of BenchmarkDecodeEntities.
func BenchmarkEnrichEntities(b *testing.B) {
	var resp sentinel.IncidentEntities
	require.NoError(b, sentinel.UnmarshalJSON(benchmarkPayload(b, 500, false), &resp))
	res := resp.Entities
	b.ReportAllocs()
	for b.Loop() {
		if got := sentinel.EnrichEntities(res); len(got) != 28 {
			b.Fatal(len(got))
		}
	}
}
