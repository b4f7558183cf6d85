package sentineltest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// GraphData gives tests direct access to the emulated Graph security data, bypassing the API.
type GraphData struct{ s *Server }

// Graph returns the server's Graph data.
func (s *Server) Graph() *GraphData { return &GraphData{s: s} }

// GraphIncident names an incident created with GraphData.CreateIncident: its Graph ID and
// the name of the Sentinel incident that mirrors it in the default workspace.
type GraphIncident struct {
	ID           string
	SentinelName string
}

// CreateIncident stores a new Graph incident with the given members (displayName, severity,
// status, assignedTo, classification, determination, customTags, createdDateTime, ... and any
// member the service may add), as Defender would create it, and the Sentinel incident that
// mirrors it: providerName "Microsoft XDR", providerIncidentId the Graph ID,
// additionalData.providerIncidentUrl the incidentWebUrl, with the title, description and
// severity (capitalised) of the Graph incident, status New (Active when assigned) and the
// owner assignedTo. Members not given get realistic defaults; "id" may be given. The
// alerts are stored as the incident's alerts (see CreateAlert).
func (g *GraphData) CreateIncident(members map[string]any, alerts ...map[string]any) GraphIncident {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	return g.createIncident(members, alerts...)
}

func (g *GraphData) createIncident(members map[string]any, alerts ...map[string]any) GraphIncident {
	st := g.s.graphData()
	obj := deepCopy(members).(map[string]any)
	id := str(obj["id"])
	if id == "" {
		id = strconv.FormatInt(st.nextID, 10)
		st.nextID++
	}
	now := formatTime(g.s.now())
	defaults := map[string]any{
		"@odata.type": "#microsoft.graph.security.incident", "id": id,
		"incidentWebUrl":     "https://security.microsoft.com/incidents/" + id + "?tid=" + graphTenant,
		"redirectIncidentId": nil, "tenantId": graphTenant,
		"displayName": "Incident " + id, "description": "", "summary": nil,
		"createdDateTime": now, "lastUpdateDateTime": nil, "assignedTo": nil,
		"classification": "unknown", "determination": "unknown", "status": "active", "severity": "medium",
		"customTags": []any{}, "systemTags": []any{}, "comments": []any{},
		"lastModifiedBy": "Microsoft 365 Defender-AlertCorrelation", "resolvingComment": nil,
	}
	for k, v := range defaults {
		if _, set := obj[k]; !set {
			obj[k] = v
		}
	}
	obj["id"] = id
	if obj["lastUpdateDateTime"] == nil {
		obj["lastUpdateDateTime"] = obj["createdDateTime"]
	}
	st.incidents.put(&document{name: id, obj: obj})
	for _, a := range alerts {
		a = deepCopy(a).(map[string]any)
		a["incidentId"] = id
		if _, set := a["incidentWebUrl"]; !set {
			a["incidentWebUrl"] = obj["incidentWebUrl"]
		}
		g.createAlert(a)
	}
	return GraphIncident{ID: id, SentinelName: g.mirror(obj)}
}

// mirror creates the Sentinel incident of a Graph incident in the default workspace.
func (g *GraphData) mirror(obj map[string]any) string {
	d := g.s.Data()
	sev := str(obj["severity"])
	if sev == "" || strings.EqualFold(sev, "unknown") {
		sev = "informational"
	}
	props := map[string]any{
		"title":          str(obj["displayName"]),
		"description":    str(obj["description"]),
		"severity":       strings.ToUpper(sev[:1]) + sev[1:],
		"status":         "New",
		"createdTimeUtc": obj["createdDateTime"],
		"providerName":   "Microsoft XDR",
		"labels":         []any{},
		"additionalData": map[string]any{
			"alertsCount": 0, "bookmarksCount": 0, "commentsCount": 0,
			"alertProductNames": []any{"Microsoft 365 Defender"}, "tactics": []any{}, "techniques": []any{},
			"providerIncidentUrl": obj["incidentWebUrl"],
		},
	}
	if props["title"] == "" {
		props["title"] = "Incident " + str(obj["id"])
	}
	if owner := str(obj["assignedTo"]); owner != "" {
		props["owner"] = map[string]any{"userPrincipalName": owner}
		props["status"] = "Active"
	}
	name := d.storeIncident(props)
	doc := d.ws.coll("incidents").get(name)
	doc.props()["providerIncidentId"] = str(obj["id"])
	doc.touch()
	d.ws.incidentWritten(d.s, doc, nil, sourceApplication)
	return name
}

// CreateAlert stores an alert (alerts_v2) with the given members: incidentId links it to a
// Graph incident; evidence holds its evidence objects, each with its "@odata.type". Members
// not given get realistic defaults. It returns the alert's ID.
func (g *GraphData) CreateAlert(members map[string]any) string {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	return g.createAlert(deepCopy(members).(map[string]any))
}

func (g *GraphData) createAlert(obj map[string]any) string {
	st := g.s.graphData()
	id := str(obj["id"])
	if id == "" {
		id = fmt.Sprintf("da%018d_%d", 637551227677560813+st.nextAlert, -961444813+st.nextAlert)
		st.nextAlert++
	}
	now := formatTime(g.s.now())
	defaults := map[string]any{
		"@odata.type": "#microsoft.graph.security.alert", "id": id, "providerAlertId": id,
		"status": "new", "severity": "medium", "classification": "unknown", "determination": "unknown",
		"serviceSource": "microsoftDefenderForEndpoint", "detectionSource": "antivirus",
		"detectorId": guidFrom("detector " + id), "tenantId": graphTenant, "title": "Alert " + id,
		"description": "", "recommendedActions": "", "category": "Execution", "assignedTo": nil,
		"alertWebUrl":      "https://security.microsoft.com/alerts/" + id + "?tid=" + graphTenant,
		"actorDisplayName": nil, "threatDisplayName": nil, "threatFamilyName": nil,
		"mitreTechniques": []any{}, "createdDateTime": now, "lastUpdateDateTime": nil,
		"resolvedDateTime": nil, "firstActivityDateTime": now, "lastActivityDateTime": now,
		"comments": []any{}, "evidence": []any{}, "systemTags": []any{},
		"additionalData": map[string]any{"@odata.type": "#microsoft.graph.security.dictionary"},
	}
	for k, v := range defaults {
		if _, set := obj[k]; !set {
			obj[k] = v
		}
	}
	obj["id"] = id
	if obj["lastUpdateDateTime"] == nil {
		obj["lastUpdateDateTime"] = obj["createdDateTime"]
	}
	st.alerts.put(&document{name: id, obj: obj})
	return id
}

// Incident returns a copy of a stored Graph incident as the API sends it, or nil.
func (g *GraphData) Incident(id string) map[string]any {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	return g.s.graphData().incidents.get(id).docCopy()
}

// Alert returns a copy of a stored alert as the API sends it, or nil.
func (g *GraphData) Alert(id string) map[string]any {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	return g.s.graphData().alerts.get(id).docCopy()
}

// IncidentIDs returns the Graph incident IDs in creation order.
func (g *GraphData) IncidentIDs() []string {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	var out []string
	for _, d := range g.s.graphData().incidents.sorted() {
		out = append(out, d.name)
	}
	return out
}

// ModifyIncident changes a Graph incident in place, as an analyst in the Defender portal
// would: f edits its members; lastUpdateDateTime becomes the server's now unless f set it.
// It reports whether the incident exists.
func (g *GraphData) ModifyIncident(id string, f func(members map[string]any)) bool {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	d := g.s.graphData().incidents.get(id)
	if d == nil {
		return false
	}
	before := d.obj["lastUpdateDateTime"]
	f(d.obj)
	if d.obj["lastUpdateDateTime"] == before {
		d.obj["lastUpdateDateTime"] = formatTime(g.s.now())
	}
	d.touch()
	return true
}

var (
	graphTitles = []string{
		"Multi-stage incident involving Initial access & Command and control on %s",
		"Ransomware activity on %s",
		"Suspicious PowerShell execution on %s",
		"Email messages containing malicious URL removed after delivery to %s",
		"Impossible travel activity involving %s",
		"Credential theft attempt on %s",
	}
	graphSeverities = []string{"high", "high", "medium", "medium", "low", "informational"}
	graphStatuses   = []string{"active", "active", "active", "inProgress", "resolved"}
)

// SeedIncidents creates n realistic Graph incidents (deterministically for a given n and
// starting state), created over the 48 hours before now in increasing order, each with one
// to three alerts carrying evidence of several kinds (device, user, process, file, IP, URL,
// mailbox, analyzed message, cloud application, registry key and value, and one kind the
// SDK does not type), and mirrors each in the default Sentinel workspace. It returns the
// incidents' IDs.
func (g *GraphData) SeedIncidents(n int) []string {
	g.s.mu.Lock()
	defer g.s.mu.Unlock()
	st := g.s.graphData()
	rng := rand.New(rand.NewPCG(uint64(st.nextID), 16))
	now := g.s.now()
	ids := make([]string, 0, n)
	for i := range n {
		created := now.Add(-48 * time.Hour).Add(time.Duration(float64(48*time.Hour) * float64(i+1) / float64(n+1)))
		host := seedHosts[rng.IntN(len(seedHosts))]
		user := seedUsers[rng.IntN(len(seedUsers))]
		status := graphStatuses[rng.IntN(len(graphStatuses))]
		members := map[string]any{
			"displayName":        fmt.Sprintf(graphTitles[rng.IntN(len(graphTitles))], host),
			"description":        "Microsoft Defender correlated alerts on " + host + " and " + user + "@contoso.com.",
			"severity":           graphSeverities[rng.IntN(len(graphSeverities))],
			"status":             status,
			"createdDateTime":    formatTime(created),
			"lastUpdateDateTime": formatTime(created.Add(time.Duration(rng.IntN(30)) * time.Minute)),
			"customTags":         []any{},
			"systemTags":         []any{},
		}
		if status != "active" || rng.IntN(2) == 0 {
			members["assignedTo"] = seedUsers[rng.IntN(len(seedUsers))] + "@contoso.com"
		}
		if status == "resolved" {
			members["classification"] = "truePositive"
			members["determination"] = "malware"
			members["resolvingComment"] = "Contained by the SOC."
		}
		if rng.IntN(4) == 0 {
			members["customTags"] = []any{seedLabels[rng.IntN(len(seedLabels))]}
		}
		var alerts []map[string]any
		for j := range 1 + rng.IntN(3) {
			alerts = append(alerts, seedAlert(rng, created.Add(time.Duration(j)*time.Minute), host, user))
		}
		ids = append(ids, g.createIncident(members, alerts...).ID)
	}
	return ids
}

// seedAlert returns an alert with evidence of several kinds.
func seedAlert(rng *rand.Rand, created time.Time, host, user string) map[string]any {
	ct := formatTime(created)
	upn := user + "@contoso.com"
	device := map[string]any{
		"@odata.type": "#microsoft.graph.security.deviceEvidence", "createdDateTime": ct, "verdict": "suspicious",
		"remediationStatus": "none", "remediationStatusDetails": nil, "roles": []any{"compromised"}, "detailedRoles": []any{"Main device"},
		"tags": []any{}, "firstSeenDateTime": ct, "mdeDeviceId": fmt.Sprintf("%040x", rng.Uint64()), "azureAdDeviceId": guidFrom(host),
		"deviceDnsName": strings.ToLower(host) + ".contoso.com", "osPlatform": "Windows11", "osBuild": 22631, "version": "23H2",
		"healthStatus": "active", "riskScore": "high", "rbacGroupId": 75, "rbacGroupName": "Workstations",
		"onboardingStatus": "onboarded", "defenderAvStatus": "updated", "ipInterfaces": []any{"10.1.2." + strconv.Itoa(1+rng.IntN(250))},
		"loggedOnUsers": []any{map[string]any{"accountName": user, "domainName": "CONTOSO"}},
		"vmMetadata":    nil, "lastExternalIpAddress": "203.0.113." + strconv.Itoa(1+rng.IntN(250)),
	}
	account := map[string]any{"accountName": user, "domainName": "CONTOSO", "userSid": "S-1-5-21-1-2-3-" + strconv.Itoa(1000+rng.IntN(9000)),
		"azureAdUserId": guidFrom(upn), "userPrincipalName": upn, "displayName": displayName(upn)}
	evidence := []any{
		device,
		map[string]any{"@odata.type": "#microsoft.graph.security.userEvidence", "createdDateTime": ct, "verdict": "suspicious",
			"remediationStatus": "none", "roles": []any{"compromised"}, "tags": []any{}, "userAccount": account},
		map[string]any{"@odata.type": "#microsoft.graph.security.processEvidence", "createdDateTime": ct, "verdict": "malicious",
			"remediationStatus": "prevented", "roles": []any{}, "tags": []any{}, "processId": 4000 + rng.IntN(4000), "parentProcessId": 1200,
			"processCommandLine": "powershell.exe -NoP -W Hidden -Enc SQBFAFgA", "processCreationDateTime": ct,
			"parentProcessCreationDateTime": formatTime(created.Add(-time.Minute)), "detectionStatus": "prevented",
			"imageFile":              map[string]any{"fileName": "powershell.exe", "filePath": `C:\Windows\System32\WindowsPowerShell\v1.0`, "fileSize": 450560, "sha1": "a8fdba9df15e41b6f5c69c79f66a26a9d48e174f"},
			"parentProcessImageFile": map[string]any{"fileName": "cmd.exe", "filePath": `C:\Windows\System32`},
			"userAccount":            account, "mdeDeviceId": device["mdeDeviceId"]},
		map[string]any{"@odata.type": "#microsoft.graph.security.fileEvidence", "createdDateTime": ct, "verdict": "malicious",
			"remediationStatus": "remediated", "roles": []any{}, "tags": []any{}, "detectionStatus": "blocked", "mdeDeviceId": device["mdeDeviceId"],
			"fileDetails": map[string]any{"fileName": "invoice.docm", "filePath": `C:\Users\` + user + `\Downloads`, "fileSize": 88211,
				"sha1": fmt.Sprintf("%040x", rng.Uint64()), "sha256": fmt.Sprintf("%064x", rng.Uint64()), "filePublisher": nil, "signer": nil, "issuer": nil}},
		map[string]any{"@odata.type": "#microsoft.graph.security.ipEvidence", "createdDateTime": ct, "verdict": "suspicious",
			"remediationStatus": "none", "roles": []any{"attacker"}, "tags": []any{}, "ipAddress": "198.51.100." + strconv.Itoa(1+rng.IntN(250)), "countryLetterCode": "NL"},
		map[string]any{"@odata.type": "#microsoft.graph.security.urlEvidence", "createdDateTime": ct, "verdict": "malicious",
			"remediationStatus": "blocked", "roles": []any{}, "tags": []any{}, "url": "https://login-contoso.example/office365"},
		map[string]any{"@odata.type": "#microsoft.graph.security.mailboxEvidence", "createdDateTime": ct, "verdict": "unknown",
			"remediationStatus": "none", "roles": []any{}, "tags": []any{}, "primaryAddress": upn, "displayName": displayName(upn), "upn": upn, "userAccount": account},
		map[string]any{"@odata.type": "#microsoft.graph.security.analyzedMessageEvidence", "createdDateTime": ct, "verdict": "malicious",
			"remediationStatus": "remediated", "roles": []any{}, "tags": []any{}, "networkMessageId": guidFrom("msg " + ct + user),
			"internetMessageId": "<" + guidFrom("imsg "+ct) + "@contoso-mail.example>", "subject": "Invoice overdue", "language": "en",
			"senderIp": "192.0.2.44", "recipientEmailAddress": upn, "antiSpamDirection": "inbound", "deliveryAction": "delivered",
			"deliveryLocation": "inbox", "urn": "urn:MailEntity:" + guidFrom("urn "+ct), "threats": []any{"Phish"},
			"threatDetectionMethods": []any{"urlDetonation"}, "urls": []any{"https://login-contoso.example/office365"},
			"urlCount": 1, "attachmentsCount": 1, "receivedDateTime": ct,
			"p1Sender": map[string]any{"displayName": "Billing", "domainName": "contoso-billing.example", "emailAddress": "billing@contoso-billing.example"},
			"p2Sender": map[string]any{"displayName": "Billing", "domainName": "contoso-billing.example", "emailAddress": "billing@contoso-billing.example"}},
		map[string]any{"@odata.type": "#microsoft.graph.security.cloudApplicationEvidence", "createdDateTime": ct, "verdict": "unknown",
			"remediationStatus": "none", "roles": []any{}, "tags": []any{}, "appId": 11161, "displayName": "Office 365", "instanceId": 0,
			"instanceName": "Office 365", "saasAppId": 11161},
		map[string]any{"@odata.type": "#microsoft.graph.security.registryKeyEvidence", "createdDateTime": ct, "verdict": "suspicious",
			"remediationStatus": "none", "roles": []any{}, "tags": []any{}, "registryKey": `SOFTWARE\Microsoft\Windows\CurrentVersion\Run`, "registryHive": "HKEY_LOCAL_MACHINE"},
		map[string]any{"@odata.type": "#microsoft.graph.security.registryValueEvidence", "createdDateTime": ct, "verdict": "suspicious",
			"remediationStatus": "none", "roles": []any{}, "tags": []any{}, "mdeDeviceId": device["mdeDeviceId"],
			"registryKey": `SOFTWARE\Microsoft\Windows\CurrentVersion\Run`, "registryHive": "HKEY_LOCAL_MACHINE",
			"registryValue": `C:\Users\Public\updater.exe`, "registryValueName": "Updater", "registryValueType": "String"},
		map[string]any{"@odata.type": "#microsoft.graph.security.aiAgentEvidence", "createdDateTime": ct, "verdict": "unknown",
			"remediationStatus": "none", "roles": []any{}, "tags": []any{}, "agentName": "Copilot agent", "agentId": guidFrom("agent " + host)},
	}
	return map[string]any{
		"title":              "Suspicious PowerShell command line",
		"description":        "A suspicious PowerShell activity was observed on the machine.",
		"severity":           []string{"high", "medium", "low"}[rng.IntN(3)],
		"serviceSource":      "microsoftDefenderForEndpoint",
		"detectionSource":    "antivirus",
		"category":           "Execution",
		"mitreTechniques":    []any{"T1059.001"},
		"recommendedActions": "Review the process tree and isolate the device if the activity is confirmed.",
		"createdDateTime":    ct,
		"evidence":           evidence,
		"additionalData":     map[string]any{"@odata.type": "#microsoft.graph.security.dictionary", "customKey": json.Number("42")},
	}
}
