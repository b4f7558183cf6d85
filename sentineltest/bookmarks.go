package sentineltest

import (
	"fmt"
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "bookmarks", func(c *call) { c.page(c.ws.coll("bookmarks").sorted(), 0) })
		s.route("GET", "bookmarks/{bookmarkId}", func(c *call) {
			c.getDoc(c.ws.coll("bookmarks"), bookmarkKind, c.r.PathValue("bookmarkId"))
		})
		s.route("PUT", "bookmarks/{bookmarkId}", func(c *call) { c.putBookmark(c.r.PathValue("bookmarkId")) })
		s.route("DELETE", "bookmarks/{bookmarkId}", func(c *call) {
			c.deleteDoc(c.ws.coll("bookmarks"), c.r.PathValue("bookmarkId"))
		})
	})
}

var bookmarkKind = &resourceKind{typ: "Microsoft.SecurityInsights/Bookmarks", noun: "Bookmark"}

// userInfo completes a UserInfo a client sent ({"objectId": ...}) as the service answers it:
// with the email and name of the emulator's user when it is that user, null otherwise (the
// emulator has no directory to look others up in).
func userInfo(sent map[string]any) map[string]any {
	u := deepCopy(sent).(map[string]any)
	me := emulatorUser()
	if u["objectId"] == me["objectId"] {
		return me
	}
	for _, k := range []string{"email", "name"} {
		if _, ok := u[k]; !ok {
			u[k] = nil
		}
	}
	if _, ok := u["objectId"]; !ok {
		u["objectId"] = nil
	}
	return u
}

func (c *call) putBookmark(name string) {
	c.putDoc(c.ws.coll("bookmarks"), name, bookmarkKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		if props == nil {
			c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
			return nil, false
		}
		for _, n := range []string{"displayName", "query"} {
			if v, _ := props[n].(string); strings.TrimSpace(v) == "" {
				c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The %s field is required.", n))
				return nil, false
			}
		}
		for _, n := range []string{"created", "updated", "eventTime", "queryStartTime", "queryEndTime"} {
			if v, ok := props[n].(string); ok && v != "" {
				if _, err := parseTime(v); err != nil {
					c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The %s field is not a valid date-time.", n))
					return nil, false
				}
			}
		}
		props = deepCopy(props).(map[string]any)
		now := formatTime(c.s.now())
		if old == nil {
			if v, _ := props["created"].(string); v == "" {
				props["created"] = now
			}
			if sent, ok := props["createdBy"].(map[string]any); ok {
				props["createdBy"] = userInfo(sent)
			} else {
				props["createdBy"] = emulatorUser()
			}
		} else {
			props["created"], props["createdBy"] = old.props()["created"], old.props()["createdBy"]
			if info, ok := old.props()["incidentInfo"]; ok {
				props["incidentInfo"] = info // set by relations, not by PUT
			}
		}
		props["updated"] = now
		props["updatedBy"] = emulatorUser()
		if _, ok := props["labels"]; !ok {
			props["labels"] = []any{}
		}
		obj := map[string]any{"properties": props}
		keepTopLevel(req, obj)
		return obj, true
	})
}

// AddBookmark stores a bookmark as given, without validation, and returns its etag.
func (d *WorkspaceData) AddBookmark(name string, b map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, "bookmarks", name, bookmarkKind, b)
}

// Bookmark returns a copy of a stored bookmark, or nil.
func (d *WorkspaceData) Bookmark(name string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll("bookmarks").get(name).docCopy()
}
