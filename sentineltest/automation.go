package sentineltest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The emulator runs the workspace's automation rules as the service does, so that a test can
// check its rules before they are deployed: when an incident is created (through the API,
// CreateIncident or SeedIncidents) or updated (through the API or ModifyIncident), the
// enabled, unexpired rules triggered on incidents for that event run in ascending order, each
// on the incident as the rules before it left it; a rule whose conditions all hold runs its
// actions in their order. ModifyProperties changes the incident (the change gets a new etag
// and lastModifiedTimeUtc), AddIncidentTask adds a task, and RunPlaybook records a
// PlaybookRun. What ran is in AutomationRuns and PlaybookRuns.
//
// As in the service, the answer to the write that triggered the rules is the incident as
// written; a read afterwards shows what the rules changed (the service runs them within
// seconds, the emulator before the next request). The changes rules make do not trigger
// rules again.

// AutomationRun is one run of an automation rule on an incident: its conditions held and its
// actions ran.
type AutomationRun struct {
	// Rule is the rule's name (its ID) and DisplayName its display name.
	Rule, DisplayName string
	// Incident is the incident's name.
	Incident string
	// Trigger is "Created" or "Updated".
	Trigger string
	// Time is the server's time of the run.
	Time time.Time
	// Actions are the types of the actions that ran, in their order.
	Actions []string
	// Errors say which actions failed and why, such as a ModifyProperties action that closes
	// an incident without a classification, which the service refuses as it refuses such an
	// update; the incident is left as it was before the action.
	Errors []string
}

// PlaybookRun is a playbook the emulator was asked to run: by an automation rule's
// RunPlaybook action, or through the API (POST .../incidents/{id}/runPlaybook or
// .../entities/{id}/runPlaybook). Playbooks do not run: the emulator records them.
type PlaybookRun struct {
	// LogicAppResourceID is the playbook's ARM ID and TenantID its tenant ("" when not given).
	LogicAppResourceID, TenantID string
	// Incident is the name of the incident it ran on, or of the incident an entity run was
	// associated with (incidentArmId); "" when none.
	Incident string
	// Entity is the entity's ID, for a run on an entity.
	Entity string
	// AutomationRule is the name of the rule whose action ran it; "" for a run through the
	// API.
	AutomationRule string
	// Time is the server's time of the request or the rule run.
	Time time.Time
}

// automationLog is a workspace's record of rule and playbook runs.
type automationLog struct {
	runs      []AutomationRun
	playbooks []PlaybookRun
}

func (ws *workspace) automationLog() *automationLog {
	l, _ := ws.data["automation"].(*automationLog)
	if l == nil {
		l = &automationLog{}
		ws.data["automation"] = l
	}
	return l
}

// AutomationRuns returns the automation rule runs of the workspace so far, oldest first.
func (d *WorkspaceData) AutomationRuns() []AutomationRun {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	runs := d.ws.automationLog().runs
	out := make([]AutomationRun, len(runs))
	for i, r := range runs {
		r.Actions = append([]string(nil), r.Actions...)
		r.Errors = append([]string(nil), r.Errors...)
		out[i] = r
	}
	return out
}

// PlaybookRuns returns the playbook runs of the workspace so far, oldest first.
func (d *WorkspaceData) PlaybookRuns() []PlaybookRun {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return append([]PlaybookRun(nil), d.ws.automationLog().playbooks...)
}

// AutomationRuns is Data().AutomationRuns.
func (s *Server) AutomationRuns() []AutomationRun { return s.Data().AutomationRuns() }

// PlaybookRuns is Data().PlaybookRuns.
func (s *Server) PlaybookRuns() []PlaybookRun { return s.Data().PlaybookRuns() }

// Sources of incident updates, the values of the IncidentUpdatedBySource property the
// emulator evaluates: a write through the API is made by an application (the caller's
// token), ModifyIncident stands for an analyst in the portal.
const (
	sourceApplication = "Application"
	sourceUser        = "User"
)

// automationIdentity is who the service records as the author of what automation rules
// create: the Microsoft Sentinel application.
func automationIdentity() map[string]any {
	return map[string]any{"name": "Azure Security Insights", "email": nil, "objectId": nil, "userPrincipalName": nil}
}

// hasAutomation reports whether the workspace has automation rules, so that writes can skip
// what only rules need.
func (ws *workspace) hasAutomation() bool { return len(ws.coll("automationRules").docs) > 0 }

// incidentWritten runs the automation rules after inc was written: created when before is
// nil, else updated from before (a copy of its properties before the write). An update
// triggers rules only when it changed what the service's update trigger watches: the
// status, severity or owner, or added labels, tactics, alerts or comments.
func (ws *workspace) incidentWritten(s *Server, inc *document, before map[string]any, source string) {
	if inc == nil {
		return
	}
	if !ws.hasAutomation() {
		return
	}
	rules := ws.coll("automationRules").sorted()
	when := "Created"
	if before != nil {
		when = "Updated"
		if !updateTriggers(before, inc.props()) {
			return
		}
	}
	now := s.now()
	sort.SliceStable(rules, func(i, j int) bool {
		a, _ := number(rules[i].props()["order"])
		b, _ := number(rules[j].props()["order"])
		return a < b
	})
	env := &ruleEnv{ws: ws, inc: inc, before: before, source: source}
	changed := false
	for _, rule := range rules {
		p := rule.props()
		tl, _ := p["triggeringLogic"].(map[string]any)
		if tl["isEnabled"] != true || tl["triggersOn"] != "Incidents" || tl["triggersWhen"] != when {
			continue
		}
		if e, _ := tl["expirationTimeUtc"].(string); e != "" {
			if t, err := parseTime(e); err == nil && !t.After(now) {
				continue
			}
		}
		conds, _ := tl["conditions"].([]any)
		if !env.all(conds) {
			continue
		}
		name, _ := p["displayName"].(string)
		run := AutomationRun{Rule: rule.name, DisplayName: name, Incident: inc.name, Trigger: when, Time: now}
		actions, _ := p["actions"].([]any)
		actions = append([]any(nil), actions...)
		sort.SliceStable(actions, func(i, j int) bool {
			a, _ := number(actions[i].(map[string]any)["order"])
			b, _ := number(actions[j].(map[string]any)["order"])
			return a < b
		})
		for _, x := range actions {
			a, _ := x.(map[string]any)
			typ, _ := a["actionType"].(string)
			cfg, _ := a["actionConfiguration"].(map[string]any)
			run.Actions = append(run.Actions, typ)
			switch typ {
			case "ModifyProperties":
				if msg := env.modify(cfg); msg != "" {
					run.Errors = append(run.Errors, typ+": "+msg)
				} else {
					changed = true
				}
			case "AddIncidentTask":
				ws.storeDoc(s, ws.tasks(inc).path, newGUID(s), taskKind, map[string]any{"properties": map[string]any{
					"title": cfg["title"], "description": cfg["description"], "status": "New",
					"createdTimeUtc": formatTime(now), "lastModifiedTimeUtc": formatTime(now),
					"createdBy": automationIdentity(), "lastModifiedBy": automationIdentity(),
				}})
			case "RunPlaybook":
				id, _ := cfg["logicAppResourceId"].(string)
				tenant, _ := cfg["tenantId"].(string)
				l := ws.automationLog()
				l.playbooks = append(l.playbooks, PlaybookRun{LogicAppResourceID: id, TenantID: tenant, Incident: inc.name, AutomationRule: rule.name, Time: now})
			default:
				run.Errors = append(run.Errors, fmt.Sprintf("%s: the emulator does not run this action type", typ))
			}
		}
		l := ws.automationLog()
		l.runs = append(l.runs, run)
	}
	if changed {
		inc.props()["lastModifiedTimeUtc"] = formatTime(now)
		inc.obj["etag"] = s.newEtag()
		inc.touch()
	}
}

// updateTriggers reports whether an update from before to after is one the service's
// "incident updated" trigger fires on.
func updateTriggers(before, after map[string]any) bool {
	for _, p := range []string{"IncidentStatus", "IncidentSeverity", "IncidentOwner"} {
		if !sameValues(changedValues(p, before), changedValues(p, after)) {
			return true
		}
	}
	for _, a := range []string{"Labels", "Tactics", "Alerts", "Comments"} {
		if added(a, before, after) {
			return true
		}
	}
	return false
}

// ruleEnv evaluates the conditions of a rule on an incident and applies its actions.
type ruleEnv struct {
	ws     *workspace
	inc    *document
	before map[string]any // the properties before the update; nil on creation
	source string         // IncidentUpdatedBySource

	entities []map[string]any // the incident's entities, once read
	details  map[string][]string
	keys     []string // custom detail keys, in order
	read     bool

	// the item a PropertyArray condition is evaluating
	key, value     string
	inKey, inValue bool
}

func (e *ruleEnv) cur() map[string]any { return e.inc.props() }

// all reports whether every condition holds (true for none).
func (e *ruleEnv) all(conds []any) bool {
	for _, c := range conds {
		if !e.holds(c) {
			return false
		}
	}
	return true
}

func (e *ruleEnv) holds(x any) bool {
	cond, _ := x.(map[string]any)
	p, _ := cond["conditionProperties"].(map[string]any)
	switch cond["conditionType"] {
	case "Property":
		name, _ := p["propertyName"].(string)
		op, _ := p["operator"].(string)
		return match(op, e.values(name), stringsOf(p["propertyValues"]))
	case "PropertyChanged":
		if e.before == nil {
			return false
		}
		name, _ := p["propertyName"].(string)
		from, to := changedValues(name, e.before), changedValues(name, e.cur())
		if sameValues(from, to) {
			return false
		}
		want := stringsOf(p["propertyValues"])
		if len(want) == 0 {
			return true
		}
		op, _ := p["operator"].(string)
		if op == "" {
			op = "Equals"
		}
		switch p["changeType"] {
		case "ChangedFrom":
			return match(op, from, want)
		case "ChangedTo":
			return match(op, to, want)
		}
		return false
	case "PropertyArrayChanged":
		arr, _ := p["arrayType"].(string)
		return e.before != nil && p["changeType"] == "Added" && added(arr, e.before, e.cur())
	case "PropertyArray":
		return e.array(p)
	case "Boolean":
		inner, _ := p["innerConditions"].([]any)
		switch p["operator"] {
		case "And":
			return len(inner) > 0 && e.all(inner)
		case "Or":
			for _, c := range inner {
				if e.holds(c) {
					return true
				}
			}
		}
	}
	return false
}

// array evaluates a PropertyArray condition: its item conditions on each custom detail key,
// or on each value of the custom detail being evaluated (of every custom detail outside one).
func (e *ruleEnv) array(p map[string]any) bool {
	e.readDetails()
	items, _ := p["itemConditions"].([]any)
	var n, held int
	check := func(sub ruleEnv) {
		n++
		if sub.all(items) {
			held++
		}
	}
	switch p["arrayType"] {
	case "CustomDetails":
		for _, k := range e.keys {
			sub := *e
			sub.key, sub.inKey, sub.inValue = k, true, false
			check(sub)
		}
	case "CustomDetailValues":
		keys := e.keys
		if e.inKey {
			keys = []string{e.key}
		}
		for _, k := range keys {
			for _, v := range e.details[k] {
				sub := *e
				sub.value, sub.inValue = v, true
				check(sub)
			}
		}
	default:
		return false
	}
	switch p["arrayConditionType"] {
	case "AnyItem":
		return held > 0
	case "AllItems":
		return held == n
	}
	return false
}

// values returns the values of a Property condition's property on the incident.
func (e *ruleEnv) values(name string) []string {
	p := e.cur()
	ad, _ := p["additionalData"].(map[string]any)
	switch name {
	case "IncidentTitle":
		return nonEmpty(p["title"])
	case "IncidentDescription":
		return nonEmpty(p["description"])
	case "IncidentSeverity":
		return nonEmpty(p["severity"])
	case "IncidentStatus":
		return nonEmpty(p["status"])
	case "IncidentProviderName":
		return nonEmpty(p["providerName"])
	case "IncidentRelatedAnalyticRuleIds", "AlertAnalyticRuleIds":
		return stringsOf(p["relatedAnalyticRuleIds"])
	case "IncidentTactics":
		return stringsOf(ad["tactics"])
	case "AlertProductNames":
		return stringsOf(ad["alertProductNames"])
	case "IncidentLabel":
		return labelNames(p)
	case "IncidentUpdatedBySource":
		return nonEmpty(e.source)
	case "IncidentCustomDetailsKey":
		if e.inKey {
			return []string{e.key}
		}
		e.readDetails()
		return e.keys
	case "IncidentCustomDetailsValue":
		if e.inValue {
			return []string{e.value}
		}
		return nil
	}
	ep, ok := entityProperties[name]
	if !ok {
		return nil
	}
	e.readDetails()
	var out []string
	for _, ent := range e.entities {
		if k, _ := ent["kind"].(string); !strings.EqualFold(k, ep.kind) {
			continue
		}
		props, _ := ent["properties"].(map[string]any)
		switch v := props[ep.prop].(type) {
		case string:
			out = append(out, v)
		case json.Number:
			out = append(out, v.String())
		case float64:
			out = append(out, fmt.Sprint(v))
		}
	}
	return out
}

// readDetails reads the incident's entities and the custom details of its alerts (each
// alert's properties.additionalData["Custom Details"]: an object of arrays of values, or the
// same as a JSON string, as Log Analytics keeps it).
func (e *ruleEnv) readDetails() {
	if e.read {
		return
	}
	e.read = true
	e.details = map[string][]string{}
	det := e.ws.details(e.inc)
	var ents []any
	dec := json.NewDecoder(strings.NewReader(string(det.entities)))
	dec.UseNumber()
	if dec.Decode(&ents) == nil {
		for _, x := range ents {
			if m, ok := x.(map[string]any); ok {
				e.entities = append(e.entities, m)
			}
		}
	}
	var alerts []any
	if json.Unmarshal(det.alerts, &alerts) != nil {
		return
	}
	for _, x := range alerts {
		a, _ := x.(map[string]any)
		props, _ := a["properties"].(map[string]any)
		ad, _ := props["additionalData"].(map[string]any)
		cd := ad["Custom Details"]
		if s, ok := cd.(string); ok {
			var m map[string]any
			if json.Unmarshal([]byte(s), &m) != nil {
				continue
			}
			cd = m
		}
		m, _ := cd.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if _, seen := e.details[k]; !seen {
				e.keys = append(e.keys, k)
			}
			vals := stringsOf(m[k])
			if s, ok := m[k].(string); ok {
				vals = []string{s}
			}
			e.details[k] = append(e.details[k], vals...)
		}
	}
}

// modify applies a ModifyProperties action to the incident; it returns the service's message
// when the incident would be invalid, leaving it as it was.
func (e *ruleEnv) modify(cfg map[string]any) string {
	before := deepCopy(e.cur()).(map[string]any)
	p := e.cur()
	for _, k := range []string{"severity", "status", "classification", "classificationReason", "classificationComment"} {
		if v, ok := cfg[k].(string); ok && v != "" {
			p[k] = v
		}
	}
	if owner, ok := cfg["owner"].(map[string]any); ok && len(changedValues("IncidentOwner", map[string]any{"owner": owner})) > 0 {
		p["owner"] = deepCopy(owner)
	}
	labels, _ := cfg["labels"].([]any)
	have := map[string]bool{}
	for _, n := range labelNames(p) {
		have[strings.ToLower(n)] = true
	}
	list, _ := p["labels"].([]any)
	for _, l := range labels {
		m, _ := l.(map[string]any)
		n, _ := m["labelName"].(string)
		if n != "" && !have[strings.ToLower(n)] {
			have[strings.ToLower(n)] = true
			list = append(list, map[string]any{"labelName": n, "labelType": "User"})
		}
	}
	p["labels"] = list
	if msg := validateIncident(p); msg != "" {
		e.inc.obj["properties"] = before
		return msg
	}
	normalizeIncident(p)
	return ""
}

// changedValues returns the values of a PropertyChanged condition's property.
func changedValues(name string, p map[string]any) []string {
	switch name {
	case "IncidentSeverity":
		return nonEmpty(p["severity"])
	case "IncidentStatus":
		return nonEmpty(p["status"])
	case "IncidentOwner":
		owner, _ := p["owner"].(map[string]any)
		var out []string
		for _, k := range []string{"objectId", "userPrincipalName", "email", "assignedTo"} {
			out = append(out, nonEmpty(owner[k])...)
		}
		return out
	}
	return nil
}

// added reports whether an update added items to an array of the incident.
func added(array string, before, after map[string]any) bool {
	count := func(p map[string]any, k string) float64 {
		ad, _ := p["additionalData"].(map[string]any)
		n, _ := number(ad[k])
		return n
	}
	switch array {
	case "Labels":
		return addedItems(labelNames(before), labelNames(after))
	case "Tactics":
		adB, _ := before["additionalData"].(map[string]any)
		adA, _ := after["additionalData"].(map[string]any)
		return addedItems(stringsOf(adB["tactics"]), stringsOf(adA["tactics"]))
	case "Alerts":
		return count(after, "alertsCount") > count(before, "alertsCount")
	case "Comments":
		return count(after, "commentsCount") > count(before, "commentsCount")
	}
	return false
}

func addedItems(before, after []string) bool {
	had := map[string]bool{}
	for _, s := range before {
		had[strings.ToLower(s)] = true
	}
	for _, s := range after {
		if !had[strings.ToLower(s)] {
			return true
		}
	}
	return false
}

func sameValues(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// match applies a condition operator, without regard to case: a positive operator holds when
// a value of the property matches at least one of want, its negation when none does.
func match(op string, have, want []string) bool {
	negate := strings.HasPrefix(op, "Not")
	var f func(s, sub string) bool
	switch strings.TrimPrefix(op, "Not") {
	case "Equals":
		f = strings.EqualFold
	case "Contains":
		f = func(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }
	case "StartsWith":
		f = func(s, sub string) bool { return strings.HasPrefix(strings.ToLower(s), strings.ToLower(sub)) }
	case "EndsWith":
		f = func(s, sub string) bool { return strings.HasSuffix(strings.ToLower(s), strings.ToLower(sub)) }
	default:
		return false
	}
	for _, h := range have {
		for _, w := range want {
			if f(h, w) {
				return !negate
			}
		}
	}
	return negate
}

func nonEmpty(v any) []string {
	if s, ok := v.(string); ok && s != "" {
		return []string{s}
	}
	return nil
}

func stringsOf(v any) []string {
	arr, _ := v.([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		switch x := x.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case float64:
			out = append(out, fmt.Sprint(x))
		}
	}
	return out
}

func labelNames(p map[string]any) []string {
	labels, _ := p["labels"].([]any)
	var out []string
	for _, l := range labels {
		m, _ := l.(map[string]any)
		if n, _ := m["labelName"].(string); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// entityProperties are the entity properties of Property conditions: the entity kind and
// its property.
var entityProperties = map[string]struct{ kind, prop string }{
	"AccountAadTenantId": {"Account", "aadTenantId"}, "AccountAadUserId": {"Account", "aadUserId"},
	"AccountName": {"Account", "accountName"}, "AccountNTDomain": {"Account", "ntDomain"},
	"AccountPUID": {"Account", "puid"}, "AccountSid": {"Account", "sid"},
	"AccountObjectGuid": {"Account", "objectGuid"}, "AccountUPNSuffix": {"Account", "upnSuffix"},
	"AzureResourceResourceId": {"AzureResource", "resourceId"}, "AzureResourceSubscriptionId": {"AzureResource", "subscriptionId"},
	"CloudApplicationAppId": {"CloudApplication", "appId"}, "CloudApplicationAppName": {"CloudApplication", "appName"},
	"DNSDomainName": {"DnsResolution", "domainName"},
	"FileDirectory": {"File", "directory"}, "FileName": {"File", "fileName"}, "FileHashValue": {"FileHash", "hashValue"},
	"HostAzureID": {"Host", "azureID"}, "HostName": {"Host", "hostName"}, "HostNetBiosName": {"Host", "netBiosName"},
	"HostNTDomain": {"Host", "ntDomain"}, "HostOSVersion": {"Host", "osVersion"},
	"IoTDeviceId": {"IoTDevice", "deviceId"}, "IoTDeviceName": {"IoTDevice", "deviceName"},
	"IoTDeviceType": {"IoTDevice", "deviceType"}, "IoTDeviceVendor": {"IoTDevice", "vendor"},
	"IoTDeviceModel": {"IoTDevice", "model"}, "IoTDeviceOperatingSystem": {"IoTDevice", "operatingSystem"},
	"IPAddress":          {"Ip", "address"},
	"MailboxDisplayName": {"Mailbox", "displayName"}, "MailboxPrimaryAddress": {"Mailbox", "mailboxPrimaryAddress"},
	"MailboxUPN":                {"Mailbox", "upn"},
	"MailMessageDeliveryAction": {"MailMessage", "deliveryAction"}, "MailMessageDeliveryLocation": {"MailMessage", "deliveryLocation"},
	"MailMessageRecipient": {"MailMessage", "recipient"}, "MailMessageSenderIP": {"MailMessage", "senderIP"},
	"MailMessageSubject": {"MailMessage", "subject"}, "MailMessageP1Sender": {"MailMessage", "p1Sender"},
	"MailMessageP2Sender": {"MailMessage", "p2Sender"},
	"MalwareCategory":     {"Malware", "category"}, "MalwareName": {"Malware", "malwareName"},
	"ProcessCommandLine": {"Process", "commandLine"}, "ProcessId": {"Process", "processId"},
	"RegistryKey": {"RegistryKey", "key"}, "RegistryValueData": {"RegistryValue", "valueData"},
	"Url": {"Url", "url"},
}
