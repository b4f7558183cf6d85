package sentineltest

import (
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "incidents/{incidentId}/relations", func(c *call) {
			inc := c.parentIncident()
			if inc == nil {
				return
			}
			c.list(c.ws.relations(inc).sorted(), relationPaths, 0)
		})
		s.route("GET", "incidents/{incidentId}/relations/{relationName}", func(c *call) {
			if inc := c.parentIncident(); inc != nil {
				c.getDoc(c.ws.relations(inc), relationKind, c.r.PathValue("relationName"))
			}
		})
		s.route("PUT", "incidents/{incidentId}/relations/{relationName}", func(c *call) { c.putRelation() })
		s.route("DELETE", "incidents/{incidentId}/relations/{relationName}", func(c *call) {
			inc := c.parentIncident()
			if inc == nil {
				return
			}
			c.deleteDoc(c.ws.relations(inc), c.r.PathValue("relationName"))
			c.ws.syncCounts(inc, c.ws.details(inc))
		})
	})
}

var relationKind = &resourceKind{typ: "Microsoft.SecurityInsights/Incidents/relations", noun: "Relation"}

var relationPaths = map[string]bool{
	"properties/relatedresourceid": true, "properties/relatedresourcename": true,
	"properties/relatedresourcetype": true, "properties/relatedresourcekind": true,
}

func (ws *workspace) relations(inc *document) *collection { return ws.child(inc, "relations") }

func (c *call) putRelation() {
	inc := c.parentIncident()
	if inc == nil {
		return
	}
	c.putDoc(c.ws.relations(inc), c.r.PathValue("relationName"), relationKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		rid, _ := props["relatedResourceId"].(string)
		name, typ, ok := parseResourceID(rid)
		if !ok {
			c.fail(http.StatusBadRequest, "BadRequest", "The relatedResourceId field must be a valid resource ID.")
			return nil, false
		}
		kind := ""
		if typ == bookmarkKind.typ {
			if b := c.ws.coll("bookmarks").get(name); b != nil {
				kind, _ = b.obj["kind"].(string)
			}
		}
		return map[string]any{"properties": map[string]any{
			"relatedResourceId": rid, "relatedResourceName": name, "relatedResourceType": typ, "relatedResourceKind": kind,
		}}, true
	})
	c.ws.syncCounts(inc, c.ws.details(inc))
}

// parseResourceID returns the name and type of an ARM resource ID such as
// /subscriptions/s/resourceGroups/g/providers/Microsoft.OperationalInsights/workspaces/w/providers/Microsoft.SecurityInsights/bookmarks/b
// (name "b", type "Microsoft.SecurityInsights/Bookmarks").
func parseResourceID(id string) (name, typ string, ok bool) {
	lower := strings.ToLower(id)
	i := strings.LastIndex(lower, "/providers/")
	if !strings.HasPrefix(lower, "/subscriptions/") || i < 0 {
		return "", "", false
	}
	segs := strings.Split(strings.Trim(id[i+len("/providers/"):], "/"), "/")
	if len(segs) < 3 || len(segs)%2 == 0 {
		return "", "", false
	}
	parts := []string{segs[0]}
	for j := 1; j < len(segs); j += 2 {
		t := segs[j]
		parts = append(parts, strings.ToUpper(t[:1])+t[1:])
	}
	return segs[len(segs)-1], strings.Join(parts, "/"), true
}

// bookmarkRelations returns the incident's relations to hunting bookmarks.
func (ws *workspace) bookmarkRelations(inc *document) []*document {
	var out []*document
	for _, d := range ws.relations(inc).sorted() {
		if d.props()["relatedResourceType"] == bookmarkKind.typ {
			out = append(out, d)
		}
	}
	return out
}

// relatedBookmarks returns the bookmarks attached through relations in the entity form of
// POST .../bookmarks: the workspace's bookmark when the emulator has it, else a bookmark
// with only its ID.
func (ws *workspace) relatedBookmarks(inc *document) []any {
	var out []any
	for _, rel := range ws.bookmarkRelations(inc) {
		rp := rel.props()
		name, _ := rp["relatedResourceName"].(string)
		props := map[string]any{}
		if b := ws.coll("bookmarks").get(name); b != nil {
			props = deepCopy(b.props()).(map[string]any)
		}
		ip := inc.props()
		props["incidentInfo"] = map[string]any{"incidentId": inc.name, "severity": ip["severity"], "title": ip["title"], "relationName": rel.name}
		if _, ok := props["friendlyName"]; !ok {
			props["friendlyName"] = props["displayName"]
		}
		out = append(out, map[string]any{
			"id": rp["relatedResourceId"], "name": name, "type": "Microsoft.SecurityInsights/Entities", "kind": "Bookmark", "properties": props,
		})
	}
	return out
}
