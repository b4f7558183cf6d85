package sentineltest

import (
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "incidents/{incidentId}/comments", func(c *call) { c.listComments() })
		s.route("GET", "incidents/{incidentId}/comments/{commentId}", func(c *call) {
			if inc := c.parentIncident(); inc != nil {
				c.getDoc(c.ws.comments(inc), commentKind, c.r.PathValue("commentId"))
			}
		})
		s.route("PUT", "incidents/{incidentId}/comments/{commentId}", func(c *call) { c.putComment() })
		s.route("DELETE", "incidents/{incidentId}/comments/{commentId}", func(c *call) { c.deleteComment() })
	})
}

var commentKind = &resourceKind{typ: "Microsoft.SecurityInsights/Incidents/Comments", noun: "Comment"}

// The identity the emulator records as the author of comments and tasks written through the
// API (the real service takes it from the bearer token): its user principal name (also its
// email), display name and Entra object ID.
const (
	CallerUPN      = "soar-automation@contoso.com"
	CallerName     = "SOAR Automation"
	CallerObjectID = "5e3e6a52-7f2b-4c0e-9a3b-2d5c1f0e8a71"
)

func callerInfo() map[string]any {
	return map[string]any{"email": CallerUPN, "name": CallerName, "objectId": CallerObjectID, "userPrincipalName": CallerUPN}
}

var commentPaths = map[string]bool{
	"properties/createdtimeutc": true, "properties/lastmodifiedtimeutc": true, "properties/message": true,
	"properties/author/name": true, "properties/author/email": true,
	"properties/author/userprincipalname": true, "properties/author/objectid": true,
}

// parentIncident returns the incident named by the request's {incidentId}, or answers 404
// and returns nil.
func (c *call) parentIncident() *document {
	name := c.r.PathValue("incidentId")
	d := c.ws.coll("incidents").get(name)
	if d == nil {
		c.notFound(incidentKind, name)
	}
	return d
}

// child returns the collection of an incident's sub-resources, e.g. "comments".
func (ws *workspace) child(inc *document, kind string) *collection {
	return ws.coll("incidents/" + inc.name + "/" + kind)
}

func (ws *workspace) comments(inc *document) *collection { return ws.child(inc, "comments") }

func (c *call) listComments() {
	inc := c.parentIncident()
	if inc == nil {
		return
	}
	c.list(c.ws.comments(inc).sorted(), commentPaths, 0)
}

func (c *call) putComment() {
	inc := c.parentIncident()
	if inc == nil {
		return
	}
	c.putDoc(c.ws.comments(inc), c.r.PathValue("commentId"), commentKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		msg, _ := props["message"].(string)
		if strings.TrimSpace(msg) == "" {
			c.fail(http.StatusBadRequest, "BadRequest", "The message field is required.")
			return nil, false
		}
		props = deepCopy(props).(map[string]any)
		now := formatTime(c.s.now())
		if old != nil {
			props["createdTimeUtc"] = old.props()["createdTimeUtc"]
			props["author"] = old.props()["author"]
		} else {
			props["createdTimeUtc"] = now
			props["author"] = callerInfo()
			c.ws.countChild(inc, "commentsCount", 1)
		}
		props["lastModifiedTimeUtc"] = now
		return map[string]any{"properties": props}, true
	})
}

func (c *call) deleteComment() {
	inc := c.parentIncident()
	if inc == nil {
		return
	}
	coll := c.ws.comments(inc)
	name := c.r.PathValue("commentId")
	if coll.get(name) != nil {
		c.ws.countChild(inc, "commentsCount", -1)
	}
	c.deleteDoc(coll, name)
}

// countChild adds delta to the incident's additionalData counter key (commentsCount,
// alertsCount, bookmarksCount).
func (ws *workspace) countChild(inc *document, key string, delta int) {
	ad, _ := inc.props()["additionalData"].(map[string]any)
	if ad == nil {
		ad = map[string]any{}
		inc.props()["additionalData"] = ad
	}
	n, _ := number(ad[key])
	ad[key] = max(0, int(n)+delta)
	inc.touch()
}

// Comments returns copies of an incident's comments in creation order, or nil when the
// incident does not exist.
func (d *WorkspaceData) Comments(incident string) []map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	inc := d.ws.coll("incidents").get(incident)
	if inc == nil {
		return nil
	}
	var out []map[string]any
	for _, doc := range d.ws.comments(inc).sorted() {
		out = append(out, deepCopy(doc.obj).(map[string]any))
	}
	return out
}
