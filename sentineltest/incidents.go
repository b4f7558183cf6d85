package sentineltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "incidents", func(c *call) { c.listIncidents() })
		s.route("GET", "incidents/{incidentId}", func(c *call) {
			c.getDoc(c.ws.coll("incidents"), incidentKind, c.r.PathValue("incidentId"))
		})
		s.route("PUT", "incidents/{incidentId}", func(c *call) { c.putIncident(c.r.PathValue("incidentId")) })
		s.route("DELETE", "incidents/{incidentId}", func(c *call) {
			c.deleteDoc(c.ws.coll("incidents"), c.r.PathValue("incidentId"))
		})
	})
	views[incidentKind.typ] = incidentView
}

var incidentKind = &resourceKind{typ: "Microsoft.SecurityInsights/Incidents", noun: "Incident"}

// incidentView drops the members an older api-version does not define: providerName and
// providerIncidentId, and the owner's ownerType (see features).
func incidentView(v apiVersion) func(obj map[string]any) {
	provider, ownerType := v.has(featIncidentProvider), v.has(featOwnerType)
	if provider && ownerType {
		return nil
	}
	return func(obj map[string]any) {
		p, _ := obj["properties"].(map[string]any)
		if p == nil {
			return
		}
		if !provider {
			delete(p, "providerName")
			delete(p, "providerIncidentId")
		}
		if owner, _ := p["owner"].(map[string]any); owner != nil && !ownerType {
			delete(owner, "ownerType")
		}
	}
}

var incidentPaths = map[string]bool{
	"properties/severity": true, "properties/status": true, "properties/classification": true,
	"properties/classificationreason": true, "properties/title": true, "properties/description": true,
	"properties/owner/objectid": true, "properties/owner/email": true,
	"properties/owner/userprincipalname": true, "properties/owner/assignedto": true,
	"properties/createdtimeutc": true, "properties/lastmodifiedtimeutc": true,
	"properties/incidentnumber": true, "properties/providername": true,
	// Collections for any() and all(): labels, and the tactics and alert products of
	// additionalData.
	"properties/labels/*": true, "properties/labels/*/labelname": true, "properties/labels/*/labeltype": true,
	"properties/additionaldata/tactics/*": true, "properties/additionaldata/alertproductnames/*": true,
	"properties/providerincidentid": true,
}

// maxIncidentTop is the largest $top the service accepts for incidents.
const maxIncidentTop = 1000

func (c *call) listIncidents() {
	c.list(c.ws.coll("incidents").sorted(), incidentPaths, maxIncidentTop)
}

var (
	severities      = []string{"High", "Medium", "Low", "Informational"}
	statuses        = []string{"New", "Active", "Closed"}
	classifications = map[string][]string{
		"Undetermined":   nil,
		"TruePositive":   {"SuspiciousActivity"},
		"BenignPositive": {"SuspiciousButExpected"},
		"FalsePositive":  {"IncorrectAlertLogic", "InaccurateData"},
	}
	// readOnlyIncident are properties the server owns; values sent by clients are ignored.
	readOnlyIncident = []string{"createdTimeUtc", "lastModifiedTimeUtc", "incidentNumber", "incidentUrl", "providerName", "providerIncidentId", "relatedAnalyticRuleIds", "additionalData"}
)

func oneOf(v any, set []string) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	for _, x := range set {
		if x == s {
			return true
		}
	}
	return false
}

// validateIncident returns the service's 400 message for invalid properties, or "".
func validateIncident(p map[string]any) string {
	if t, _ := p["title"].(string); strings.TrimSpace(t) == "" {
		return "The title field is required."
	}
	if !oneOf(p["severity"], severities) {
		return fmt.Sprintf("Invalid severity '%v'.", p["severity"])
	}
	if !oneOf(p["status"], statuses) {
		return fmt.Sprintf("Invalid status '%v'.", p["status"])
	}
	cls, _ := p["classification"].(string)
	reason, _ := p["classificationReason"].(string)
	if p["status"] == "Closed" && cls == "" {
		return "Classification is required when closing an incident."
	}
	if cls != "" {
		reasons, ok := classifications[cls]
		if !ok {
			return fmt.Sprintf("Invalid classification '%s'.", cls)
		}
		if cls == "BenignPositive" && reason == "" {
			return "classification 'BenignPositive' must have classificationReason"
		}
		if reason != "" && !oneOf(reason, reasons) {
			return fmt.Sprintf("classificationReason '%s' is not valid for classification '%s'", reason, cls)
		}
	}
	return ""
}

func (c *call) putIncident(name string) {
	coll := c.ws.coll("incidents")
	var before map[string]any // the properties an update replaced
	written := false
	defer func() {
		if written { // after the answer: the service runs automation rules after the write
			c.ws.incidentWritten(c.s, coll.get(name), before, sourceApplication)
		}
	}()
	c.putDoc(coll, name, incidentKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		if props == nil {
			c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
			return nil, false
		}
		if msg := validateIncident(props); msg != "" {
			c.fail(http.StatusBadRequest, "BadRequest", msg)
			return nil, false
		}
		props = deepCopy(props).(map[string]any)
		now := c.s.now()
		if old == nil {
			c.ws.initIncident(props, name, now)
		} else {
			op := old.props()
			for _, k := range readOnlyIncident {
				if v, ok := op[k]; ok {
					props[k] = v
				} else {
					delete(props, k)
				}
			}
		}
		props["lastModifiedTimeUtc"] = formatTime(now)
		normalizeIncident(props)
		obj := map[string]any{"properties": props}
		for k, v := range req { // unknown top-level members are stored, as ARM does with e.g. systemData
			if k != "properties" && k != "etag" && k != "id" && k != "name" && k != "type" {
				obj[k] = deepCopy(v)
			}
		}
		if old != nil && c.ws.hasAutomation() {
			before = deepCopy(old.props()).(map[string]any)
		}
		written = true
		return obj, true
	})
}

// initIncident sets the server-owned properties of a new incident.
func (ws *workspace) initIncident(props map[string]any, name string, now time.Time) {
	for _, k := range readOnlyIncident {
		delete(props, k)
	}
	n := ws.nextNumber
	ws.nextNumber++
	props["incidentNumber"] = n
	props["createdTimeUtc"] = formatTime(now)
	props["lastModifiedTimeUtc"] = formatTime(now)
	props["incidentUrl"] = "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident" + ws.resourceID("Incidents/"+name)
	props["providerName"] = "Azure Sentinel"
	props["providerIncidentId"] = fmt.Sprint(n)
	props["relatedAnalyticRuleIds"] = []any{}
	props["additionalData"] = map[string]any{
		"alertsCount": 0, "bookmarksCount": 0, "commentsCount": 0,
		"alertProductNames": []any{}, "tactics": []any{}, "techniques": []any{},
	}
}

// normalizeIncident fills what the service derives: owner display data and label types. An
// owner given by UPN or email is a user the emulator resolves; an owner given only by object
// ID is not resolved, as the service does not for an ID it cannot look up: its email, UPN and
// assignedTo are null and its ownerType is Unknown.
func normalizeIncident(p map[string]any) {
	owner, _ := p["owner"].(map[string]any)
	if owner == nil {
		owner = map[string]any{}
	}
	upn, _ := owner["userPrincipalName"].(string)
	email, _ := owner["email"].(string)
	oid, _ := owner["objectId"].(string)
	switch {
	case upn == "" && email == "" && oid == "":
		owner = map[string]any{"objectId": nil, "email": nil, "assignedTo": nil, "userPrincipalName": nil, "ownerType": nil}
	case upn == "" && email == "":
		owner["email"], owner["userPrincipalName"] = nil, nil
		if a, _ := owner["assignedTo"].(string); a == "" {
			owner["assignedTo"] = nil
		}
		if t, _ := owner["ownerType"].(string); t == "" {
			owner["ownerType"] = "Unknown"
		}
	default:
		if upn == "" {
			upn = email
			owner["userPrincipalName"] = upn
		}
		if email == "" && upn != "" {
			owner["email"] = upn
		}
		if oid == "" {
			owner["objectId"] = guidFrom(upn)
		}
		if a, _ := owner["assignedTo"].(string); a == "" {
			owner["assignedTo"] = displayName(upn)
		}
		if t, _ := owner["ownerType"].(string); t == "" {
			owner["ownerType"] = "User"
		}
	}
	p["owner"] = owner
	labels, _ := p["labels"].([]any)
	if labels == nil {
		labels = []any{}
	}
	for _, l := range labels {
		if m, ok := l.(map[string]any); ok {
			if t, _ := m["labelType"].(string); t == "" {
				m["labelType"] = "User"
			}
		}
	}
	p["labels"] = labels
}

func displayName(upn string) string {
	local, _, _ := strings.Cut(upn, "@")
	parts := strings.FieldsFunc(local, func(r rune) bool { return r == '.' || r == '_' || r == '-' })
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	return strings.Join(parts, " ")
}

// WorkspaceData gives tests direct access to one workspace's state, bypassing the API.
type WorkspaceData struct {
	s  *Server
	ws *workspace
}

// Data returns the default workspace's data.
func (s *Server) Data() *WorkspaceData { return &WorkspaceData{s: s, ws: s.def} }

// DataFor returns the data of the workspace with the given name, or nil.
func (s *Server) DataFor(name string) *WorkspaceData {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ws := range s.workspaces {
		if strings.EqualFold(ws.info.Name, name) {
			return &WorkspaceData{s: s, ws: ws}
		}
	}
	return nil
}

// CreateIncident stores a new incident with the given properties, as if created through the
// API, and returns its name. Unlike the API it honours createdTimeUtc and
// lastModifiedTimeUtc when given, so tests can create back-dated incidents. The workspace's
// automation rules for created incidents run on it (see AutomationRuns).
func (d *WorkspaceData) CreateIncident(props map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.createIncident(props)
}

// createIncident stores a new incident and runs the workspace's automation rules on it.
func (d *WorkspaceData) createIncident(props map[string]any) string {
	name := d.storeIncident(props)
	d.ws.incidentWritten(d.s, d.ws.coll("incidents").get(name), nil, sourceApplication)
	return name
}

// storeIncident stores a new incident without running automation rules, for callers that
// complete it first (AddIncident attaches entities and alerts) and then run them.
func (d *WorkspaceData) storeIncident(props map[string]any) string {
	props = deepCopy(props).(map[string]any)
	name, _ := props["name"].(string)
	delete(props, "name")
	if name == "" {
		name = newGUID(d.s)
	}
	created, _ := props["createdTimeUtc"].(string)
	modified, _ := props["lastModifiedTimeUtc"].(string)
	extra := map[string]any{}
	for _, k := range []string{"additionalData", "relatedAnalyticRuleIds", "providerName"} {
		if v, ok := props[k]; ok {
			extra[k] = v
		}
	}
	d.ws.initIncident(props, name, d.s.now())
	for k, v := range extra {
		props[k] = v
	}
	if created != "" {
		props["createdTimeUtc"] = created
		if modified == "" {
			modified = created
		}
	}
	if modified != "" {
		props["lastModifiedTimeUtc"] = modified
	}
	normalizeIncident(props)
	coll := d.ws.coll("incidents")
	doc := &document{name: name, obj: map[string]any{
		"id": d.ws.resourceID("incidents/" + name), "name": name, "type": incidentKind.typ,
		"etag": d.s.newEtag(), "properties": props,
	}}
	coll.put(doc)
	return name
}

// ModifyIncident changes an incident's properties in place, as another analyst would: f
// edits the properties; the server then sets a new etag and lastModifiedTimeUtc, and runs the
// workspace's automation rules for updated incidents on the change (with
// IncidentUpdatedBySource "User"). It reports whether the incident exists.
func (d *WorkspaceData) ModifyIncident(name string, f func(props map[string]any)) bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	doc := d.ws.coll("incidents").get(name)
	if doc == nil {
		return false
	}
	p := doc.props()
	var prev map[string]any
	if d.ws.hasAutomation() {
		prev = deepCopy(p).(map[string]any)
	}
	before := p["lastModifiedTimeUtc"]
	f(p)
	if p["lastModifiedTimeUtc"] == before { // unless f set it, the change happens now
		p["lastModifiedTimeUtc"] = formatTime(d.s.now())
	}
	normalizeIncident(p)
	doc.obj["etag"] = d.s.newEtag()
	doc.touch()
	if prev != nil {
		d.ws.incidentWritten(d.s, doc, prev, sourceUser)
	}
	return true
}

// SetIncidentVisible hides an incident from lists and reads, or shows it again, to simulate
// an incident the service indexes late: it keeps its number and times. It reports whether
// the incident exists.
func (d *WorkspaceData) SetIncidentVisible(name string, visible bool) bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	doc := d.ws.coll("incidents").docs[strings.ToLower(name)]
	if doc == nil {
		return false
	}
	doc.hidden = !visible
	return true
}

// Incident returns a copy of a stored incident resource (id, name, etag, properties), or
// nil when it does not exist.
func (d *WorkspaceData) Incident(name string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	doc := d.ws.coll("incidents").get(name)
	if doc == nil {
		return nil
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(doc.encode())))
	dec.UseNumber()
	_ = dec.Decode(&m)
	return m
}

// IncidentNames returns the names of all incidents in creation order.
func (d *WorkspaceData) IncidentNames() []string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	var out []string
	for _, doc := range d.ws.coll("incidents").sorted() {
		out = append(out, doc.name)
	}
	return out
}

// IncidentCount returns the number of incidents.
func (d *WorkspaceData) IncidentCount() int {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return len(d.ws.coll("incidents").docs)
}

// SeedIncidents is Data().SeedIncidents.
func (s *Server) SeedIncidents(n int) []string { return s.Data().SeedIncidents(n) }

// CreateIncident is Data().CreateIncident.
func (s *Server) CreateIncident(props map[string]any) string { return s.Data().CreateIncident(props) }

// ModifyIncident is Data().ModifyIncident.
func (s *Server) ModifyIncident(name string, f func(props map[string]any)) bool {
	return s.Data().ModifyIncident(name, f)
}

// Incident is Data().Incident.
func (s *Server) Incident(name string) map[string]any { return s.Data().Incident(name) }
