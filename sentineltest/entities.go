package sentineltest

import (
	"bytes"
	"encoding/json"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("POST", "incidents/{incidentId}/entities", func(c *call) {
			inc := c.parentIncident()
			if inc == nil {
				return
			}
			c.write(200, c.ws.details(inc).entitiesResponse())
		})
	})
}

// incidentDetails are the read-only sub-resources of an incident, kept as the JSON arrays
// the service returns so that tests can serve payloads of any shape.
type incidentDetails struct {
	entities, alerts, bookmarks []byte
	entitiesResp                []byte // the answer of POST .../entities, built when entities change
}

// entitiesResponse returns the answer of POST .../entities. It is built when the entities
// are set, not per request: a test may serve tens of thousands of entities, and the emulator
// runs in the test's process, where its memory and time count too.
func (d *incidentDetails) entitiesResponse() []byte {
	if d.entitiesResp == nil {
		var b bytes.Buffer
		b.WriteString(`{"entities":`)
		b.Write(orEmptyArray(d.entities))
		b.WriteString(`,"metaData":`)
		meta, _ := json.Marshal(entityCounts(d.entities))
		b.Write(meta)
		b.WriteString("}")
		d.entitiesResp = b.Bytes()
	}
	return d.entitiesResp
}

// details returns the sub-resource data of an incident, creating it. It lives in a
// collection below the incident, so that deleting the incident drops it.
func (ws *workspace) details(inc *document) *incidentDetails {
	coll := ws.child(inc, "details")
	doc := coll.get("data")
	if doc == nil {
		doc = &document{name: "data", obj: map[string]any{"details": &incidentDetails{}}}
		coll.put(doc)
	}
	return doc.obj["details"].(*incidentDetails)
}

func orEmptyArray(b []byte) []byte {
	if len(b) == 0 {
		return []byte("[]")
	}
	return b
}

// entityCounts counts the entities of each kind, in order of first appearance, as the
// service's "metaData". An array that does not parse has no counts.
func entityCounts(arr []byte) []map[string]any {
	out := []map[string]any{}
	var list []any
	if len(arr) == 0 || json.Unmarshal(arr, &list) != nil {
		return out
	}
	idx := map[string]int{}
	for _, item := range list {
		e, _ := item.(map[string]any)
		k, ok := e["kind"].(string)
		if !ok {
			continue
		}
		i, seen := idx[k]
		if !seen {
			i = len(out)
			idx[k] = i
			out = append(out, map[string]any{"entityKind": k, "count": 0})
		}
		out[i]["count"] = out[i]["count"].(int) + 1
	}
	return out
}

// SetIncidentEntities makes the incident's entities the JSON array entities, served
// verbatim by POST .../entities (with "metaData" counted from it); it need not be valid. It
// reports whether the incident exists.
func (d *WorkspaceData) SetIncidentEntities(incident string, entities []byte) bool {
	return d.setDetails(incident, func(det *incidentDetails) { det.entities = append([]byte(nil), entities...) })
}

// SetIncidentAlerts makes the incident's alerts the JSON array alerts, served verbatim as
// "value" by POST .../alerts, and sets additionalData.alertsCount when it parses. It reports
// whether the incident exists.
func (d *WorkspaceData) SetIncidentAlerts(incident string, alerts []byte) bool {
	return d.setDetails(incident, func(det *incidentDetails) { det.alerts = append([]byte(nil), alerts...) })
}

// SetIncidentBookmarks makes the incident's bookmarks the JSON array bookmarks, served
// verbatim as "value" by POST .../bookmarks. It reports whether the incident exists.
func (d *WorkspaceData) SetIncidentBookmarks(incident string, bookmarks []byte) bool {
	return d.setDetails(incident, func(det *incidentDetails) { det.bookmarks = append([]byte(nil), bookmarks...) })
}

func (d *WorkspaceData) setDetails(incident string, f func(*incidentDetails)) bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	inc := d.ws.coll("incidents").get(incident)
	if inc == nil {
		return false
	}
	det := d.ws.details(inc)
	f(det)
	d.detailsChanged(inc, det)
	return true
}

// detailsChanged rebuilds the entities answer and the counts after det changed; the
// server is locked.
func (d *WorkspaceData) detailsChanged(inc *document, det *incidentDetails) {
	det.entitiesResp = nil
	det.entitiesResponse()
	d.ws.syncCounts(inc, det)
}

// syncCounts sets the incident's alertsCount and bookmarksCount from its details.
func (ws *workspace) syncCounts(inc *document, det *incidentDetails) {
	ad, _ := inc.props()["additionalData"].(map[string]any)
	if ad == nil {
		ad = map[string]any{}
		inc.props()["additionalData"] = ad
	}
	var list []any
	if json.Unmarshal(det.alerts, &list) == nil {
		ad["alertsCount"] = len(list)
	}
	list = nil
	if len(det.bookmarks) == 0 || json.Unmarshal(det.bookmarks, &list) == nil {
		ad["bookmarksCount"] = len(list) + len(ws.bookmarkRelations(inc))
	}
	inc.touch()
}

// SeedIncidentDetails gives an incident realistic entities, alerts and bookmarks: a
// phishing-to-malware story on host WS-FIN-0142 of user alice.jones@contoso.com with
// entities of all 21 kinds, plus the kinds of trouble real payloads carry: the same account
// twice (once by UPN, once by SID and domain), a defanged URL that is not a valid URI, an
// entity of a kind newer than the stable API ("Nic"), a Url entity whose url is an object,
// and a process whose creation time is in a US date format. It reports whether the incident
// exists.
func (d *WorkspaceData) SeedIncidentDetails(incident string) bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	inc := d.ws.coll("incidents").get(incident)
	if inc == nil {
		return false
	}
	entities, alerts, bookmarks := seedDetails(d.ws, inc.name)
	det := d.ws.details(inc)
	det.entities, _ = json.Marshal(entities)
	det.alerts, _ = json.Marshal(alerts)
	det.bookmarks, _ = json.Marshal(bookmarks)
	d.detailsChanged(inc, det)
	ad := inc.props()["additionalData"].(map[string]any)
	ad["alertProductNames"] = []any{"Microsoft Defender for Endpoint", "Microsoft Defender for Office 365"}
	ad["tactics"] = []any{"InitialAccess", "Execution", "Persistence", "DefenseEvasion"}
	return true
}

// seedDetails builds the entities, alerts and bookmarks of SeedIncidentDetails.
func seedDetails(ws *workspace, incident string) (entities, alerts, bookmarks []any) {
	id := func(label string) string { return ws.resourceID("Entities/" + guidFrom(incident+"/"+label)) }
	ent := func(label, kind string, props map[string]any) map[string]any {
		return map[string]any{
			"id": id(label), "name": guidFrom(incident + "/" + label),
			"type": "Microsoft.SecurityInsights/Entities", "kind": kind, "properties": props,
		}
	}
	sub := ws.info.SubscriptionID
	const (
		aadUser = "2046feea-040d-4a46-9e2b-91c2941bfa70"
		tenant  = "72f988bf-86f1-41af-91ab-2d7cd011db47"
		sid     = "S-1-5-21-3623811015-3361044348-30300820-1013"
		netMsg  = "a8f1c3e2-5b7d-4e09-9c3a-6f2e1d0b4a57"
		sha256  = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	)
	sources := map[string]any{"Sources": `["SecurityAlert"]`}

	alert := func(label string, props map[string]any) map[string]any {
		props["friendlyName"] = props["alertDisplayName"]
		return ent(label, "SecurityAlert", props)
	}
	mdeAlert := alert("alert-mde", map[string]any{
		"alertDisplayName":      "Suspicious PowerShell command line",
		"alertType":             "WindowsDefenderAtp_SuspiciousPowerShellCommandLine",
		"description":           "A suspicious PowerShell command line that downloads and runs an encoded payload was observed on WS-FIN-0142.",
		"severity":              "High",
		"status":                "New",
		"compromisedEntity":     "WS-FIN-0142",
		"confidenceLevel":       "High",
		"confidenceReasons":     []any{map[string]any{"reason": "Encoded command executed from a mail attachment", "reasonType": "Behavior"}},
		"confidenceScore":       0.92,
		"confidenceScoreStatus": "Final",
		"intent":                "Execution",
		"tactics":               []any{"Execution", "DefenseEvasion"},
		"productName":           "Microsoft Defender for Endpoint",
		"productComponentName":  "Endpoint",
		"productVersion":        "4.18.24040.4",
		"vendorName":            "Microsoft",
		"providerAlertId":       "da638512345678901234_-1987654321",
		"systemAlertId":         guidFrom(incident + "/system-alert-mde"),
		"startTimeUtc":          "2026-05-13T10:02:11.234Z",
		"endTimeUtc":            "2026-05-13T10:04:40.1Z",
		"timeGenerated":         "2026-05-13T10:06:02.5170000Z",
		"processingEndTime":     "2026-05-13T10:07:15.0000000Z",
		"remediationSteps": []any{
			"Isolate the device WS-FIN-0142.",
			"Collect an investigation package and review the PowerShell history.",
			"Reset the credentials of alice.jones@contoso.com.",
		},
		"alertLink": "https://security.microsoft.com/alerts/da638512345678901234_-1987654321?tid=" + tenant,
		"resourceIdentifiers": []any{
			map[string]any{"type": "LogAnalytics", "workspaceId": ws.info.CustomerID, "subscriptionId": sub, "resourceGroup": ws.info.ResourceGroup},
			map[string]any{"type": "AzureResource", "azureResourceId": "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Compute/virtualMachines/WS-FIN-0142"},
		},
		"additionalData": map[string]any{"MitreTechniques": "T1059.001, T1027", "OriginalProductName": "Microsoft Defender Advanced Threat Protection"},
	})
	mdoAlert := alert("alert-mdo", map[string]any{
		"alertDisplayName":      "Email messages containing malicious file removed after delivery",
		"alertType":             "OfficeATP_ZapMalwareFile",
		"description":           "Emails with a malicious attachment were delivered and later removed by zero-hour auto purge.",
		"severity":              "Medium",
		"status":                "InProgress",
		"compromisedEntity":     "alice.jones@contoso.com",
		"confidenceLevel":       "Unknown",
		"confidenceScoreStatus": "NotApplicable",
		"intent":                "Probing",
		"tactics":               []any{"InitialAccess"},
		"productName":           "Microsoft Defender for Office 365",
		"vendorName":            "Microsoft",
		"providerAlertId":       "fa7c2b19d3-0ba1-4f3e-8c1e-2b9d7e6a5c41",
		"systemAlertId":         guidFrom(incident + "/system-alert-mdo"),
		"startTimeUtc":          "2026-05-13T09:58:03Z",
		"endTimeUtc":            "2026-05-13T09:58:03Z",
		"timeGenerated":         "2026-05-13T10:15:44.2Z",
		"remediationSteps":      []any{"Review the messages in Explorer and purge remaining copies."},
		"alertLink":             "https://security.microsoft.com/alerts/fa7c2b19d3-0ba1-4f3e-8c1e-2b9d7e6a5c41",
		"resourceIdentifiers":   []any{map[string]any{"type": "AAD", "aadTenantId": tenant}},
	})
	bookmark := ent("bookmark", "Bookmark", map[string]any{
		"displayName":  "PowerShell download cradle on WS-FIN-0142",
		"query":        "DeviceProcessEvents\n| where DeviceName =~ \"WS-FIN-0142\" and FileName =~ \"powershell.exe\"\n| where ProcessCommandLine has \"-enc\"",
		"queryResult":  `{"TimeGenerated":"2026-05-13T10:02:11.234Z","DeviceName":"WS-FIN-0142","AccountName":"alice.jones","ProcessCommandLine":"powershell.exe -nop -w hidden -enc SQBFAFgA"}`,
		"notes":        "Same cradle as the March campaign.",
		"labels":       []any{"hunting", "powershell"},
		"eventTime":    "2026-05-13T10:02:11.234Z",
		"created":      "2026-05-13T11:20:00Z",
		"createdBy":    map[string]any{"email": "bob.smith@contoso.com", "name": "Bob Smith", "objectId": "8d2b7a1e-3c4f-4e5a-9b6c-7d8e9f0a1b2c"},
		"updated":      "2026-05-13T11:25:30Z",
		"updatedBy":    map[string]any{"email": "bob.smith@contoso.com", "name": "Bob Smith", "objectId": "8d2b7a1e-3c4f-4e5a-9b6c-7d8e9f0a1b2c"},
		"incidentInfo": map[string]any{"incidentId": incident, "severity": "High", "title": "Multi-stage attack on WS-FIN-0142", "relationName": guidFrom(incident + "/bookmark-relation")},
		"friendlyName": "PowerShell download cradle on WS-FIN-0142",
	})

	entities = []any{
		ent("account", "Account", map[string]any{
			"accountName": "alice.jones", "upnSuffix": "contoso.com", "ntDomain": "CONTOSO", "dnsDomain": "contoso.com",
			"aadTenantId": tenant, "aadUserId": aadUser, "objectGuid": "7c5d4e3f-2a1b-4c9d-8e7f-6a5b4c3d2e1f",
			"puid": "10037FFE8A4C2B31", "sid": sid, "displayName": "Alice Jones", "isDomainJoined": true,
			"friendlyName": "alice.jones", "additionalData": sources,
		}),
		// The same person as seen by another alert: by SID and domain, no UPN.
		ent("account-sid", "Account", map[string]any{
			"accountName": "alice.jones", "ntDomain": "CONTOSO", "sid": sid, "isDomainJoined": true,
			"hostEntityId": id("host"), "friendlyName": `CONTOSO\alice.jones`,
		}),
		ent("host", "Host", map[string]any{
			"hostName": "WS-FIN-0142", "dnsDomain": "contoso.com", "netBiosName": "WS-FIN-0142", "ntDomain": "CONTOSO",
			"azureID":    "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Compute/virtualMachines/WS-FIN-0142",
			"omsAgentID": "4e3f2a1b-9c8d-4e7f-a6b5-c4d3e2f1a0b9", "osFamily": "Windows", "osVersion": "10.0.19045",
			"isDomainJoined": true, "friendlyName": "WS-FIN-0142",
		}),
		ent("ip-external", "Ip", map[string]any{
			"address": "185.220.101.45",
			"location": map[string]any{
				"asn": 208294, "city": "Frankfurt am Main", "countryCode": "DE", "countryName": "Germany",
				"latitude": 50.1109, "longitude": 8.6821, "state": "Hesse",
			},
			"threatIntelligence": []any{map[string]any{
				"confidence": 0.9, "providerName": "Microsoft", "reportLink": "https://security.microsoft.com/threatanalytics3/tor",
				"threatDescription": "Tor exit node used for command and control.", "threatName": "TorExitNode", "threatType": "Anonymization",
			}},
			"friendlyName": "185.220.101.45",
		}),
		ent("ip-internal", "Ip", map[string]any{"address": "10.20.30.41", "friendlyName": "10.20.30.41"}),
		ent("url", "Url", map[string]any{
			"url":          "https://login-micros0ft-online.com/common/oauth2/authorize?client_id=4765445b&redirect_uri=https%3A%2F%2Fevil.example",
			"friendlyName": "https://login-micros0ft-online.com/common/oauth2/authorize",
		}),
		// Defanged by the reporting product: not a valid URI, still a URL to the analyst.
		ent("url-defanged", "Url", map[string]any{"url": "hxxps://contoso-invoices[.]com/pay now/%zz", "friendlyName": "hxxps://contoso-invoices[.]com/pay now/%zz"}),
		ent("hash-sha256", "FileHash", map[string]any{"algorithm": "SHA256", "hashValue": strings.ToUpper(sha256), "friendlyName": sha256}),
		ent("hash-md5", "FileHash", map[string]any{"algorithm": "MD5", "hashValue": "d41d8cd98f00b204e9800998ecf8427e", "friendlyName": "d41d8cd98f00b204e9800998ecf8427e"}),
		ent("file", "File", map[string]any{
			"directory": `C:\Users\alice.jones\AppData\Local\Temp`, "fileName": "invoice_2026.exe",
			"fileHashEntityIds": []any{id("hash-sha256"), id("hash-md5")}, "hostEntityId": id("host"),
			"friendlyName": "invoice_2026.exe",
		}),
		ent("file-powershell", "File", map[string]any{
			"directory": `C:\Windows\System32\WindowsPowerShell\v1.0`, "fileName": "powershell.exe", "hostEntityId": id("host"),
			"friendlyName": "powershell.exe",
		}),
		// The parent process: its creation time is in a format the schema does not allow.
		ent("process-parent", "Process", map[string]any{
			"processId": "2210", "commandLine": `"C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe"`,
			"creationTimeUtc": "05/13/2026 10:01:58", "hostEntityId": id("host"), "accountEntityId": id("account"),
			"imageFileEntityId": id("file"), "friendlyName": "invoice_2026.exe",
		}),
		ent("process", "Process", map[string]any{
			"processId": "4312", "commandLine": "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=",
			"creationTimeUtc": "2026-05-13T10:02:11.2340000Z", "elevationToken": "Full",
			"accountEntityId": id("account-sid"), "hostEntityId": id("host"), "imageFileEntityId": id("file-powershell"),
			"parentProcessEntityId": id("process-parent"), "hostLogonSessionEntityId": id("logon-session"),
			"friendlyName": "powershell.exe",
		}),
		ent("mail", "MailMessage", map[string]any{
			"recipient": "alice.jones@contoso.com", "p1Sender": "billing@contoso-invoices.com", "p1SenderDisplayName": "Contoso Billing",
			"p1SenderDomain": "contoso-invoices.com", "p2Sender": "billing@contoso-invoices.com", "p2SenderDisplayName": "Contoso Billing",
			"p2SenderDomain": "contoso-invoices.com", "senderIP": "203.0.113.77", "subject": "Invoice 2026-0513 overdue",
			"internetMessageId": "<CY4PR01MB1234A5B6C7D8E9F0@CY4PR01MB1234.namprd01.prod.outlook.com>",
			"networkMessageId":  netMsg, "receiveDate": "2026-05-13T09:58:03Z", "language": "en",
			"urls": []any{"https://login-micros0ft-online.com/common/oauth2/authorize"}, "fileEntityIds": []any{id("file")},
			"threats": []any{"Phish", "Malware"}, "threatDetectionMethods": []any{"URL detonation reputation", "File detonation"},
			"bodyFingerprintBin1": 1048239, "bodyFingerprintBin2": 3942871, "bodyFingerprintBin3": 2870913, "bodyFingerprintBin4": 4019377,
			"bodyFingerprintBin5": 3187449, "antispamDirection": "Inbound", "deliveryAction": "Delivered", "deliveryLocation": "Inbox",
			"friendlyName": "Invoice 2026-0513 overdue",
		}),
		ent("mailbox", "Mailbox", map[string]any{
			"mailboxPrimaryAddress": "Alice.Jones@contoso.com", "displayName": "Alice Jones", "upn": "alice.jones@contoso.com",
			"externalDirectoryObjectId": aadUser, "friendlyName": "Alice Jones",
		}),
		ent("mail-cluster", "MailCluster", map[string]any{
			"networkMessageIds":       []any{netMsg, "c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f"},
			"countByDeliveryStatus":   map[string]any{"Delivered": 2, "Blocked": 1},
			"countByThreatType":       map[string]any{"Phish": 3},
			"countByProtectionStatus": map[string]any{"Zapped": 2, "NotProtected": 1},
			"threats":                 []any{"Phish"}, "query": `(SenderDomain:contoso-invoices.com) AND (Subject:"Invoice")`,
			"queryTime": "2026-05-13T10:20:00Z", "mailCount": 3, "isVolumeAnomaly": false, "source": "SimilarEmailCluster",
			"clusterSourceIdentifier": netMsg, "clusterSourceType": "Similarity",
			"clusterQueryStartTime": "2026-05-06T10:20:00Z", "clusterQueryEndTime": "2026-05-13T10:20:00Z",
			"clusterGroup": "Contoso Billing campaign", "friendlyName": "Contoso Billing campaign",
		}),
		ent("submission", "SubmissionMail", map[string]any{
			"networkMessageId": netMsg, "submissionId": "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "submitter": "alice.jones@contoso.com",
			"submissionDate": "2026-05-13T10:11:40Z", "timestamp": "2026-05-13T10:11:41Z", "recipient": "alice.jones@contoso.com",
			"sender": "billing@contoso-invoices.com", "senderIp": "203.0.113.77", "subject": "Invoice 2026-0513 overdue",
			"reportType": "Phish", "friendlyName": "Invoice 2026-0513 overdue",
		}),
		ent("cloud-app", "CloudApplication", map[string]any{"appId": 20893, "appName": "Microsoft SharePoint Online", "instanceName": "contoso", "friendlyName": "Microsoft SharePoint Online"}),
		ent("azure-resource", "AzureResource", map[string]any{
			"resourceId":     "/subscriptions/" + sub + "/resourceGroups/fin-rg/providers/Microsoft.Storage/storageAccounts/finreports",
			"subscriptionId": sub, "friendlyName": "finreports",
		}),
		ent("dns", "DnsResolution", map[string]any{
			"domainName": "Login-Micros0ft-Online.com.", "dnsServerIpEntityId": id("ip-internal"),
			"ipAddressEntityIds": []any{id("ip-external")}, "friendlyName": "login-micros0ft-online.com",
		}),
		ent("registry-key", "RegistryKey", map[string]any{"hive": "HKEY_CURRENT_USER", "key": `Software\Microsoft\Windows\CurrentVersion\Run`, "friendlyName": "Run"}),
		ent("registry-value", "RegistryValue", map[string]any{
			"keyEntityId": id("registry-key"), "valueName": "InvoiceUpdater",
			"valueData": `C:\Users\alice.jones\AppData\Local\Temp\invoice_2026.exe`, "valueType": "String", "friendlyName": "InvoiceUpdater",
		}),
		ent("group", "SecurityGroup", map[string]any{
			"distinguishedName": "CN=Finance Admins,OU=Groups,DC=contoso,DC=com", "objectGuid": "3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d",
			"sid": "S-1-5-21-3623811015-3361044348-30300820-1107", "friendlyName": "Finance Admins",
		}),
		ent("iot", "IoTDevice", map[string]any{
			"deviceId": "plc-line2-07", "deviceName": "PLC Line 2", "source": "Microsoft Defender for IoT",
			"iotSecurityAgentId": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "deviceType": "PLC", "vendor": "Siemens",
			"edgeId": "edge-plant-berlin", "macAddress": "00:1B:1B:5E:0A:41", "model": "S7-1500", "serialNumber": "S C-X4U421302009",
			"firmwareVersion": "V2.9.4", "operatingSystem": "Siemens SIMATIC", "ipAddressEntityId": id("ip-internal"),
			"protocols": []any{"S7comm", "HTTP"}, "friendlyName": "PLC Line 2",
		}),
		ent("malware", "Malware", map[string]any{
			"category": "Trojan", "malwareName": "Trojan:Win32/AgentTesla!ml", "fileEntityIds": []any{id("file")},
			"processEntityIds": []any{id("process-parent")}, "friendlyName": "Trojan:Win32/AgentTesla!ml",
		}),
		mdeAlert,
		bookmark,
		// A kind newer than the stable API.
		ent("nic", "Nic", map[string]any{
			"macAddress": "00-15-5D-01-02-03", "ipAddressEntityId": id("ip-internal"), "vlans": []any{"VLAN-12"},
			"friendlyName": "00-15-5D-01-02-03",
		}),
		// A Url entity whose url is an object: the schema says string.
		ent("url-malformed", "Url", map[string]any{
			"url":          map[string]any{"href": "https://cdn.contoso-invoices.com/i.php", "scheme": "https"},
			"friendlyName": "https://cdn.contoso-invoices.com/i.php",
		}),
	}
	return entities, []any{mdeAlert, mdoAlert}, []any{bookmark}
}
