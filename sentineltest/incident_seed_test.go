package sentineltest_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel/sentineltest"
)

// TestAddIncidentOnTheWire: a typed seed is what a client reads back, member by member.
func TestAddIncidentOnTheWire(t *testing.T) {
	w := newWire(t)
	created := time.Date(2026, 10, 30, 8, 0, 0, 0, time.UTC)
	name := w.srv.AddIncident(sentineltest.IncidentSeed{
		Name: "inc-1", Title: "Phishing wave", Description: "from the mail gateway", Severity: "High", Status: "Active",
		Owner: "alice.jones@contoso.com", Labels: []string{"vip", "phishing"},
		Created: created, FirstActivity: created.Add(-time.Hour), LastActivity: created.Add(-time.Minute),
		Tactics: []string{"InitialAccess"}, Techniques: []string{"T1566"}, AlertProducts: []string{"Microsoft Defender for Office 365"},
		Comments: []string{"seen before", "escalated"},
		Extra:    map[string]any{"providerName": "Microsoft XDR", "teamInformation": map[string]any{"teamId": "t-1"}},
	})
	require.Equal(t, "inc-1", name)

	got := w.must(200, "GET", "{ws}/incidents/inc-1", nil).obj(t)
	p := got["properties"].(map[string]any)
	assert.Equal(t, w.wsPath()+"/Incidents/inc-1", got["id"])
	assert.Equal(t, "Phishing wave", p["title"])
	assert.Equal(t, "from the mail gateway", p["description"])
	assert.Equal(t, "High", p["severity"])
	assert.Equal(t, "Active", p["status"])
	assert.Equal(t, "2026-10-30T08:00:00.0000000Z", p["createdTimeUtc"])
	assert.Equal(t, "2026-10-30T08:00:00.0000000Z", p["lastModifiedTimeUtc"], "modified defaults to created")
	assert.Equal(t, "2026-10-30T07:00:00.0000000Z", p["firstActivityTimeUtc"])
	assert.Equal(t, "2026-10-30T07:59:00.0000000Z", p["lastActivityTimeUtc"])
	assert.Equal(t, json.Number("1"), p["incidentNumber"])
	assert.Equal(t, "Microsoft XDR", p["providerName"], "Extra overrides")
	assert.Equal(t, map[string]any{"teamId": "t-1"}, p["teamInformation"])
	owner := p["owner"].(map[string]any)
	assert.Equal(t, "alice.jones@contoso.com", owner["userPrincipalName"])
	assert.Equal(t, "alice.jones@contoso.com", owner["email"])
	assert.Equal(t, "Alice Jones", owner["assignedTo"])
	assert.Equal(t, "User", owner["ownerType"])
	assert.Regexp(t, `^[0-9a-f-]{36}$`, owner["objectId"])
	assert.Equal(t, []any{
		map[string]any{"labelName": "vip", "labelType": "User"},
		map[string]any{"labelName": "phishing", "labelType": "User"},
	}, p["labels"])
	ad := p["additionalData"].(map[string]any)
	assert.Equal(t, []any{"InitialAccess"}, ad["tactics"])
	assert.Equal(t, []any{"T1566"}, ad["techniques"])
	assert.Equal(t, []any{"Microsoft Defender for Office 365"}, ad["alertProductNames"])
	assert.Equal(t, json.Number("2"), ad["commentsCount"])
	assert.Equal(t, json.Number("0"), ad["alertsCount"])

	comments := w.must(200, "GET", "{ws}/incidents/inc-1/comments", nil).obj(t)["value"].([]any)
	require.Len(t, comments, 2)
	msg, _ := at(comments[0], "properties/message")
	assert.Equal(t, "seen before", msg)
	author, _ := at(comments[1], "properties/author/userPrincipalName")
	assert.Equal(t, sentineltest.CallerUPN, author)
}

func TestAddIncidentDefaults(t *testing.T) {
	w := newWire(t)
	name := w.srv.AddIncident(sentineltest.IncidentSeed{})
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, name)
	p := w.must(200, "GET", "{ws}/incidents/"+name, nil).obj(t)["properties"].(map[string]any)
	assert.Equal(t, "Test incident", p["title"])
	assert.Equal(t, "Medium", p["severity"])
	assert.Equal(t, "New", p["status"])
	assert.Equal(t, []any{}, p["labels"])
	assert.Equal(t, "2026-11-01T10:09:26.1234567Z", p["createdTimeUtc"], "the server's clock")
	assert.NotContains(t, p, "firstActivityTimeUtc")
	owner := p["owner"].(map[string]any)
	assert.Nil(t, owner["objectId"], "unassigned")

	// An owner known only by object ID stays unresolved, as the service leaves it.
	byID := w.srv.AddIncident(sentineltest.IncidentSeed{OwnerObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70"})
	v, ok := w.srv.GetIncident(byID)
	require.True(t, ok)
	assert.Equal(t, sentineltest.Owner{ObjectID: "2046feea-040d-4a46-9e2b-91c2941bfa70", OwnerType: "Unknown"}, v.Owner)

	// Values are stored as given, also those the service does not define yet.
	odd := w.srv.AddIncident(sentineltest.IncidentSeed{Severity: "Critical", Status: "Investigating"})
	v, _ = w.srv.GetIncident(odd)
	assert.Equal(t, "Critical", v.Severity)
	assert.Equal(t, "Investigating", v.Status)
}

// TestGetIncidentView: the typed view follows changes made through the API.
func TestGetIncidentView(t *testing.T) {
	w := newWire(t)
	name := w.srv.AddIncident(sentineltest.IncidentSeed{Title: "t", Labels: []string{"a"}, Tactics: []string{"Execution"}})
	before, ok := w.srv.GetIncident(name)
	require.True(t, ok)
	assert.Equal(t, int64(1), before.Number)
	assert.Equal(t, []sentineltest.Label{{Name: "a", Type: "User"}}, before.Labels)
	assert.Equal(t, []string{"Execution"}, before.Tactics)
	assert.True(t, before.HasLabel("a"))
	assert.False(t, before.HasLabel("b"))

	body := map[string]any{"etag": before.Etag, "properties": map[string]any{
		"title": "t", "severity": "High", "status": "Closed", "classification": "TruePositive",
		"classificationReason": "SuspiciousActivity", "classificationComment": "confirmed",
		"owner":  map[string]any{"userPrincipalName": "bob.smith@contoso.com"},
		"labels": []any{map[string]any{"labelName": "a"}, map[string]any{"labelName": "b", "labelType": "AutoAssigned"}},
	}}
	w.must(200, "PUT", "{ws}/incidents/"+name, body)
	w.must(201, "PUT", "{ws}/incidents/"+name+"/comments/c1", map[string]any{"properties": map[string]any{"message": "closing"}})

	after, ok := w.srv.GetIncident(name)
	require.True(t, ok)
	assert.Equal(t, "High", after.Severity)
	assert.Equal(t, "Closed", after.Status)
	assert.Equal(t, "TruePositive", after.Classification)
	assert.Equal(t, "SuspiciousActivity", after.ClassificationReason)
	assert.Equal(t, "confirmed", after.ClassificationComment)
	assert.Equal(t, "bob.smith@contoso.com", after.Owner.UserPrincipalName)
	assert.Equal(t, "Bob Smith", after.Owner.AssignedTo)
	assert.Equal(t, []sentineltest.Label{{Name: "a", Type: "User"}, {Name: "b", Type: "AutoAssigned"}}, after.Labels)
	assert.NotEqual(t, before.Etag, after.Etag)
	assert.Equal(t, 1, after.CommentsCount)
	require.Len(t, after.Comments, 1)
	assert.Equal(t, sentineltest.Comment{Name: "c1", Message: "closing", Author: sentineltest.CallerUPN, Created: testClock.Truncate(100 * time.Nanosecond)}, after.Comments[0])
	assert.Equal(t, "Closed", after.Raw["properties"].(map[string]any)["status"], "Raw is the resource")
	assert.Equal(t, testClock.Truncate(100*time.Nanosecond), after.Modified)

	_, ok = w.srv.GetIncident("nope")
	assert.False(t, ok)
	second := w.srv.AddIncident(sentineltest.IncidentSeed{Title: "second"})
	all := w.srv.Incidents()
	require.Len(t, all, 2)
	assert.Equal(t, []string{name, second}, []string{all[0].Name, all[1].Name}, "creation order")
}

// TestEntityBuilders: each builder's wire form, links resolved to the linked entity's ID,
// and what POST .../entities and .../alerts answer for an incident seeded with them.
func TestEntityBuilders(t *testing.T) {
	w := newWire(t)
	host := sentineltest.Host("ws-fin-0142.contoso.com")
	acct := sentineltest.Account("alice.jones@contoso.com").Set("aadUserId", "2046feea-040d-4a46-9e2b-91c2941bfa70")
	sha := sentineltest.FileHash("SHA256", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")
	file := sentineltest.File(`C:\Temp`, "invoice.exe").LinkAll("fileHashEntityIds", sha).Link("hostEntityId", host)
	proc := sentineltest.Process("4312", `"C:\Temp\invoice.exe" /silent`).
		Link("hostEntityId", host).Link("accountEntityId", acct).Link("imageFileEntityId", file)
	ip := sentineltest.IP("185.220.101.45")
	dns := sentineltest.DNSResolution("evil.example").LinkAll("ipAddressEntityIds", ip)
	nic := sentineltest.NewEntity("Nic", map[string]any{"macAddress": "00-15-5D-01-02-03"}).Named("nic-1")
	alert := sentineltest.Alert("Suspicious PowerShell", "High").Set("productName", "Microsoft Defender for Endpoint")
	entities := []sentineltest.Entity{
		host, acct, sha, file, proc, ip, dns, nic,
		sentineltest.URL("hxxps://evil[.]example/pay"),
		sentineltest.Mailbox("alice.jones@contoso.com"),
		sentineltest.MailMessage("billing@evil.example", "alice.jones@contoso.com", "Invoice overdue"),
		sentineltest.CloudApplication("Microsoft SharePoint Online"),
		sentineltest.AzureResource("/subscriptions/d0cfe6b2-9ac0-4464-9919-dccaee2e48c0/resourceGroups/fin-rg/providers/Microsoft.Storage/storageAccounts/finreports"),
		sentineltest.RegistryKey("HKEY_CURRENT_USER", `Software\Microsoft\Windows\CurrentVersion\Run`),
		sentineltest.RegistryValue("Updater", `C:\Temp\invoice.exe`, "String"),
		sentineltest.SecurityGroup("CN=Finance Admins,OU=Groups,DC=contoso,DC=com"),
		sentineltest.Malware("Trojan:Win32/AgentTesla!ml", "Trojan"),
		alert,
	}
	name := w.srv.AddIncident(sentineltest.IncidentSeed{Entities: entities, Alerts: []sentineltest.Entity{alert}})

	res := w.must(200, "POST", "{ws}/incidents/"+name+"/entities", nil).obj(t)
	list := res["entities"].([]any)
	require.Len(t, list, len(entities))
	byKind := map[string][]map[string]any{}
	ids := map[string]string{} // kind/friendlyName -> id
	for _, e := range list {
		m := e.(map[string]any)
		assert.Equal(t, "Microsoft.SecurityInsights/Entities", m["type"])
		assert.Equal(t, w.wsPath()+"/Entities/"+m["name"].(string), m["id"])
		byKind[m["kind"].(string)] = append(byKind[m["kind"].(string)], m["properties"].(map[string]any))
		fn, _ := at(m, "properties/friendlyName")
		if s, ok := fn.(string); ok {
			ids[m["kind"].(string)+"/"+s] = m["id"].(string)
		}
	}
	props := func(kind string) map[string]any {
		require.Len(t, byKind[kind], 1, kind)
		return byKind[kind][0]
	}
	assert.Equal(t, map[string]any{"hostName": "ws-fin-0142", "dnsDomain": "contoso.com", "friendlyName": "ws-fin-0142"}, props("Host"))
	assert.Equal(t, map[string]any{"accountName": "alice.jones", "upnSuffix": "contoso.com", "friendlyName": "alice.jones", "aadUserId": "2046feea-040d-4a46-9e2b-91c2941bfa70"}, props("Account"))
	assert.Equal(t, map[string]any{"algorithm": "SHA256", "hashValue": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "friendlyName": "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"}, props("FileHash"))
	assert.Equal(t, map[string]any{
		"directory": `C:\Temp`, "fileName": "invoice.exe", "friendlyName": "invoice.exe",
		"fileHashEntityIds": []any{ids["FileHash/E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"]}, "hostEntityId": ids["Host/ws-fin-0142"],
	}, props("File"))
	assert.Equal(t, map[string]any{
		"processId": "4312", "commandLine": `"C:\Temp\invoice.exe" /silent`, "friendlyName": "invoice.exe",
		"hostEntityId": ids["Host/ws-fin-0142"], "accountEntityId": ids["Account/alice.jones"], "imageFileEntityId": ids["File/invoice.exe"],
	}, props("Process"))
	assert.Equal(t, map[string]any{"address": "185.220.101.45", "friendlyName": "185.220.101.45"}, props("Ip"))
	assert.Equal(t, []any{ids["Ip/185.220.101.45"]}, props("DnsResolution")["ipAddressEntityIds"])
	assert.Equal(t, map[string]any{"macAddress": "00-15-5D-01-02-03"}, props("Nic"))
	assert.Equal(t, "hxxps://evil[.]example/pay", props("Url")["url"])
	assert.Equal(t, "alice.jones@contoso.com", props("Mailbox")["mailboxPrimaryAddress"])
	assert.Equal(t, "Invoice overdue", props("MailMessage")["subject"])
	assert.Equal(t, "billing@evil.example", props("MailMessage")["p1Sender"])
	assert.Equal(t, "Microsoft SharePoint Online", props("CloudApplication")["appName"])
	assert.Equal(t, "d0cfe6b2-9ac0-4464-9919-dccaee2e48c0", props("AzureResource")["subscriptionId"])
	assert.Equal(t, "finreports", props("AzureResource")["friendlyName"])
	assert.Equal(t, "Run", props("RegistryKey")["friendlyName"])
	assert.Equal(t, "String", props("RegistryValue")["valueType"])
	assert.Equal(t, "Finance Admins", props("SecurityGroup")["friendlyName"])
	assert.Equal(t, "Trojan", props("Malware")["category"])
	assert.Equal(t, map[string]any{"alertDisplayName": "Suspicious PowerShell", "friendlyName": "Suspicious PowerShell", "severity": "High", "status": "New", "productName": "Microsoft Defender for Endpoint"}, props("SecurityAlert"))

	var nicName string
	for _, e := range list {
		if m := e.(map[string]any); m["kind"] == "Nic" {
			nicName = m["name"].(string)
		}
	}
	assert.Equal(t, "nic-1", nicName, "Named")
	meta := res["metaData"].([]any)
	assert.Contains(t, meta, map[string]any{"entityKind": "Account", "count": json.Number("1")})

	alerts := w.must(200, "POST", "{ws}/incidents/"+name+"/alerts", nil).obj(t)["value"].([]any)
	require.Len(t, alerts, 1)
	dn, _ := at(alerts[0], "properties/alertDisplayName")
	assert.Equal(t, "Suspicious PowerShell", dn)
	v, _ := w.srv.GetIncident(name)
	assert.Equal(t, 1, v.AlertsCount)

	// Appending keeps what is there.
	require.True(t, w.srv.AddIncidentEntities(name, sentineltest.IP("10.0.0.1")))
	require.True(t, w.srv.Data().AddIncidentAlerts(name, sentineltest.Alert("Second", "Low")))
	assert.Len(t, w.must(200, "POST", "{ws}/incidents/"+name+"/entities", nil).obj(t)["entities"], len(entities)+1)
	v, _ = w.srv.GetIncident(name)
	assert.Equal(t, 2, v.AlertsCount)
	assert.False(t, w.srv.AddIncidentEntities("nope", sentineltest.IP("10.0.0.1")))
}

// TestEntityValues: builders return values; Set, Link and Named leave the receiver as it
// was; the derived name depends on kind and properties only.
func TestEntityValues(t *testing.T) {
	base := sentineltest.Host("ws-1")
	changed := base.Set("osFamily", "Windows")
	assert.NotContains(t, base.Properties(), "osFamily")
	assert.Equal(t, "Windows", changed.Properties()["osFamily"])
	assert.NotEqual(t, base.Name(), changed.Name())
	assert.Equal(t, base.Name(), sentineltest.Host("ws-1").Name(), "the same entity has the same name")
	assert.NotEqual(t, base.Name(), sentineltest.Account("ws-1").Name(), "the kind is part of the name")
	assert.Equal(t, "h1", base.Named("h1").Name())
	assert.Equal(t, base.Name(), base.Link("x", changed).Name(), "links are not part of the name")
	assert.NotEqual(t, "h1", base.Name())
	assert.NotContains(t, changed.Set("osFamily", nil).Properties(), "osFamily")

	linked := sentineltest.Process("1", "cmd.exe").Link("hostEntityId", base.Named("h1"))
	assert.Equal(t, "h1", linked.Properties()["hostEntityId"], "Properties shows a link as the name")
	props := map[string]any{"a": []any{"x"}}
	e := sentineltest.NewEntity("Custom", props)
	props["a"].([]any)[0] = "changed"
	assert.Equal(t, []any{"x"}, e.Properties()["a"], "NewEntity copies")
	assert.Equal(t, "Custom", e.Kind())

	ws := sentineltest.WorkspaceInfo{SubscriptionID: "s", ResourceGroup: "rg", Name: "ws"}
	var arr []map[string]any
	require.NoError(t, json.Unmarshal(sentineltest.EntitiesJSON(ws, base.Named("h1"), linked), &arr))
	require.Len(t, arr, 2)
	wantID := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws/providers/Microsoft.SecurityInsights/Entities/h1"
	assert.Equal(t, wantID, arr[0]["id"])
	assert.Equal(t, wantID, arr[1]["properties"].(map[string]any)["hostEntityId"])
	assert.Equal(t, "cmd.exe", arr[1]["properties"].(map[string]any)["friendlyName"])
}
