package sentineltest

import (
	"encoding/json"
	"time"
)

// IncidentSeed describes an incident for AddIncident in the emulator's own terms (it shares
// nothing with the SDK's models). Zero fields take the defaults given; values are stored as
// given, without the service's validation, so that a test can also seed values the service
// may send one day (a severity "Critical").
type IncidentSeed struct {
	// Name is the incident's name (the last segment of its ID); "" means a new GUID.
	Name string
	// Title defaults to "Test incident"; Severity to "Medium"; Status to "New".
	Title, Description, Severity, Status string
	// Classification, ClassificationReason and ClassificationComment are those of a closed
	// incident.
	Classification, ClassificationReason, ClassificationComment string
	// Owner is the owner's user principal name or e-mail address, resolved as the service
	// resolves an owner (object ID, display name, ownerType User); "" means unassigned.
	// OwnerObjectID alone sets an owner the service cannot resolve (ownerType Unknown).
	Owner, OwnerObjectID string
	// Labels are the names of user labels.
	Labels []string
	// Created is the creation time; zero means the server's now. Modified defaults to
	// Created. FirstActivity and LastActivity are omitted when zero.
	Created, Modified, FirstActivity, LastActivity time.Time
	// Tactics, Techniques and AlertProducts go to additionalData.
	Tactics, Techniques, AlertProducts []string
	// Entities are served by POST .../entities (with their counts as metaData).
	Entities []Entity
	// Alerts are served by POST .../alerts and counted in additionalData.alertsCount.
	Alerts []Entity
	// Comments are added in order, by the emulator's caller identity (CallerUPN).
	Comments []string
	// Extra members are set on the properties last, overriding the fields above, for
	// anything else ("providerName", "teamInformation", an unknown member...).
	Extra map[string]any
}

// AddIncident stores the incident seed describes, as CreateIncident does, and returns its
// name.
func (d *WorkspaceData) AddIncident(seed IncidentSeed) string {
	props := map[string]any{
		"title": or(seed.Title, "Test incident"), "severity": or(seed.Severity, "Medium"),
		"status": or(seed.Status, "New"),
	}
	set := func(k, v string) {
		if v != "" {
			props[k] = v
		}
	}
	set("name", seed.Name)
	set("description", seed.Description)
	set("classification", seed.Classification)
	set("classificationReason", seed.ClassificationReason)
	set("classificationComment", seed.ClassificationComment)
	if seed.Owner != "" || seed.OwnerObjectID != "" {
		owner := map[string]any{}
		if seed.Owner != "" {
			owner["userPrincipalName"] = seed.Owner
		}
		if seed.OwnerObjectID != "" {
			owner["objectId"] = seed.OwnerObjectID
		}
		props["owner"] = owner
	}
	labels := make([]any, len(seed.Labels))
	for i, l := range seed.Labels {
		labels[i] = map[string]any{"labelName": l, "labelType": "User"}
	}
	props["labels"] = labels
	for k, t := range map[string]time.Time{
		"createdTimeUtc": seed.Created, "lastModifiedTimeUtc": seed.Modified,
		"firstActivityTimeUtc": seed.FirstActivity, "lastActivityTimeUtc": seed.LastActivity,
	} {
		if !t.IsZero() {
			props[k] = formatTime(t)
		}
	}
	props["additionalData"] = map[string]any{
		"alertsCount": 0, "bookmarksCount": 0, "commentsCount": 0,
		"tactics": jsonStrings(seed.Tactics), "techniques": jsonStrings(seed.Techniques), "alertProductNames": jsonStrings(seed.AlertProducts),
	}
	for k, v := range seed.Extra {
		props[k] = deepCopy(v)
	}

	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	name := d.storeIncident(props)
	inc := d.ws.coll("incidents").get(name)
	if len(seed.Entities) > 0 || len(seed.Alerts) > 0 {
		det := d.ws.details(inc)
		det.entities = d.appendEntities(nil, seed.Entities)
		det.alerts = d.appendEntities(nil, seed.Alerts)
		d.detailsChanged(inc, det)
	}
	for _, msg := range seed.Comments {
		d.addComment(inc, msg)
	}
	// Rules see the incident as created: with its entities, alerts and comments.
	d.ws.incidentWritten(d.s, inc, nil, sourceApplication)
	return name
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func jsonStrings(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// AddIncidentEntities appends entities to the incident's entities (replacing them when what
// is stored is not a JSON array). It reports whether the incident exists.
func (d *WorkspaceData) AddIncidentEntities(incident string, entities ...Entity) bool {
	return d.setDetails(incident, func(det *incidentDetails) { det.entities = d.appendEntities(det.entities, entities) })
}

// AddIncidentAlerts appends alerts (see Alert) to the incident's alerts and updates its
// alertsCount. It reports whether the incident exists.
func (d *WorkspaceData) AddIncidentAlerts(incident string, alerts ...Entity) bool {
	return d.setDetails(incident, func(det *incidentDetails) { det.alerts = d.appendEntities(det.alerts, alerts) })
}

// appendEntities returns the JSON array arr with entities appended in wire form.
func (d *WorkspaceData) appendEntities(arr []byte, entities []Entity) []byte {
	var list []any
	if len(arr) > 0 && json.Unmarshal(arr, &list) != nil {
		list = nil
	}
	for _, e := range entities {
		list = append(list, e.wire(d.ws))
	}
	if list == nil {
		list = []any{}
	}
	b, _ := json.Marshal(list)
	return b
}

// addComment stores a comment by the caller identity on inc, as PUT .../comments/{id}
// does; the server is locked.
func (d *WorkspaceData) addComment(inc *document, message string) {
	now := formatTime(d.s.now())
	coll := d.ws.comments(inc)
	d.ws.storeDoc(d.s, coll.path, newGUID(d.s), commentKind, map[string]any{"properties": map[string]any{
		"message": message, "createdTimeUtc": now, "lastModifiedTimeUtc": now, "author": callerInfo(),
	}})
	d.ws.countChild(inc, "commentsCount", 1)
}

// Owner is an incident's owner as the service returns it.
type Owner struct {
	ObjectID, Email, UserPrincipalName, AssignedTo, OwnerType string
}

// Label is an incident label: its name and type ("User" or "AutoAssigned").
type Label struct{ Name, Type string }

// Comment is an incident comment as stored.
type Comment struct {
	Name, Message string
	// Author is the author's user principal name (or e-mail, or name).
	Author  string
	Created time.Time
}

// IncidentView is a stored incident, read back for assertions in the emulator's own
// terms. Raw holds the whole resource as the server would send it (numbers as
// json.Number), for members the typed fields do not cover.
type IncidentView struct {
	ID, Name, Etag string
	Number         int64
	Title, Description, Severity, Status,
	Classification, ClassificationReason, ClassificationComment string
	Owner                                          Owner
	Labels                                         []Label
	Created, Modified, FirstActivity, LastActivity time.Time
	AlertsCount, BookmarksCount, CommentsCount     int
	Tactics, Techniques, AlertProducts             []string
	// Comments are the incident's comments, oldest first.
	Comments []Comment
	Raw      map[string]any
}

// HasLabel reports whether the incident has a label with this name.
func (v IncidentView) HasLabel(name string) bool {
	for _, l := range v.Labels {
		if l.Name == name {
			return true
		}
	}
	return false
}

// GetIncident returns the stored incident name, and whether it exists.
func (d *WorkspaceData) GetIncident(name string) (IncidentView, bool) {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	doc := d.ws.coll("incidents").get(name)
	if doc == nil {
		return IncidentView{}, false
	}
	return d.view(doc), true
}

// Incidents returns the stored incidents in creation order.
func (d *WorkspaceData) Incidents() []IncidentView {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	docs := d.ws.coll("incidents").sorted()
	out := make([]IncidentView, len(docs))
	for i, doc := range docs {
		out[i] = d.view(doc)
	}
	return out
}

// view reads an incident document; the server is locked.
func (d *WorkspaceData) view(doc *document) IncidentView {
	raw := doc.docCopy()
	p, _ := raw["properties"].(map[string]any)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	tm := func(k string) time.Time {
		t, _ := parseTime(str(p, k))
		return t
	}
	num := func(m map[string]any, k string) int64 { f, _ := number(m[k]); return int64(f) }
	list := func(m map[string]any, k string) []string {
		var out []string
		items, _ := m[k].([]any)
		for _, it := range items {
			if s, ok := it.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	v := IncidentView{
		ID: str(raw, "id"), Name: str(raw, "name"), Etag: str(raw, "etag"), Number: num(p, "incidentNumber"),
		Title: str(p, "title"), Description: str(p, "description"), Severity: str(p, "severity"), Status: str(p, "status"),
		Classification: str(p, "classification"), ClassificationReason: str(p, "classificationReason"),
		ClassificationComment: str(p, "classificationComment"),
		Created:               tm("createdTimeUtc"), Modified: tm("lastModifiedTimeUtc"),
		FirstActivity: tm("firstActivityTimeUtc"), LastActivity: tm("lastActivityTimeUtc"),
		Raw: raw,
	}
	if o, _ := p["owner"].(map[string]any); o != nil {
		v.Owner = Owner{ObjectID: str(o, "objectId"), Email: str(o, "email"), UserPrincipalName: str(o, "userPrincipalName"), AssignedTo: str(o, "assignedTo"), OwnerType: str(o, "ownerType")}
	}
	labels, _ := p["labels"].([]any)
	for _, l := range labels {
		if m, ok := l.(map[string]any); ok {
			v.Labels = append(v.Labels, Label{Name: str(m, "labelName"), Type: str(m, "labelType")})
		}
	}
	if ad, _ := p["additionalData"].(map[string]any); ad != nil {
		v.AlertsCount, v.BookmarksCount, v.CommentsCount = int(num(ad, "alertsCount")), int(num(ad, "bookmarksCount")), int(num(ad, "commentsCount"))
		v.Tactics, v.Techniques, v.AlertProducts = list(ad, "tactics"), list(ad, "techniques"), list(ad, "alertProductNames")
	}
	for _, c := range d.ws.comments(doc).sorted() {
		cp := c.props()
		author, _ := cp["author"].(map[string]any)
		created, _ := parseTime(str(cp, "createdTimeUtc"))
		v.Comments = append(v.Comments, Comment{
			Name: c.name, Message: str(cp, "message"), Created: created,
			Author: or(str(author, "userPrincipalName"), or(str(author, "email"), str(author, "name"))),
		})
	}
	return v
}

// AddIncident is Data().AddIncident.
func (s *Server) AddIncident(seed IncidentSeed) string { return s.Data().AddIncident(seed) }

// GetIncident is Data().GetIncident.
func (s *Server) GetIncident(name string) (IncidentView, bool) { return s.Data().GetIncident(name) }

// Incidents is Data().Incidents.
func (s *Server) Incidents() []IncidentView { return s.Data().Incidents() }

// AddIncidentEntities is Data().AddIncidentEntities.
func (s *Server) AddIncidentEntities(incident string, entities ...Entity) bool {
	return s.Data().AddIncidentEntities(incident, entities...)
}
