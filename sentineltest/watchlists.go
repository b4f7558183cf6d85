package sentineltest

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "watchlists", func(c *call) { c.page(c.ws.coll("watchlists").sorted(), 0) })
		s.route("GET", "watchlists/{alias}", func(c *call) {
			c.getDoc(c.ws.coll("watchlists"), watchlistKind, c.r.PathValue("alias"))
		})
		s.route("PUT", "watchlists/{alias}", func(c *call) { c.putWatchlist(c.r.PathValue("alias")) })
		s.route("DELETE", "watchlists/{alias}", func(c *call) { c.deleteWatchlist(c.r.PathValue("alias")) })

		s.route("GET", "watchlists/{alias}/watchlistItems", func(c *call) {
			if coll := c.watchlistItems(); coll != nil {
				c.page(coll.sorted(), 0)
			}
		})
		s.route("GET", "watchlists/{alias}/watchlistItems/{itemId}", func(c *call) {
			if coll := c.watchlistItems(); coll != nil {
				c.getDoc(coll, watchlistItemKind, c.r.PathValue("itemId"))
			}
		})
		s.route("PUT", "watchlists/{alias}/watchlistItems/{itemId}", func(c *call) { c.putWatchlistItem() })
		s.route("DELETE", "watchlists/{alias}/watchlistItems/{itemId}", func(c *call) {
			if coll := c.watchlistItems(); coll != nil {
				c.deleteDoc(coll, c.r.PathValue("itemId"))
			}
		})
	})
}

var (
	watchlistKind = &resourceKind{typ: "Microsoft.SecurityInsights/Watchlists", noun: "Watchlist"}
	// The service creates a watchlist item with 200 and names a missing one with the code
	// "404".
	watchlistItemKind = &resourceKind{typ: "Microsoft.SecurityInsights/Watchlists/WatchlistItems", noun: "Watchlist item",
		createStatus: http.StatusOK, notFoundCode: "404"}
)

// emulatorTenant and emulatorUser are the tenant and user the emulator records as author of
// watchlists and bookmarks.
const (
	emulatorTenant   = "72f988bf-86f1-41af-91ab-2d7cd011db47"
	emulatorUserMail = "sentineltest@contoso.com"
)

func emulatorUser() map[string]any {
	return map[string]any{"objectId": guidFrom("sentineltest-user"), "email": emulatorUserMail, "name": "Sentinel Test"}
}

// systemData is the ARM systemData of a resource created at created and last written at
// modified by the emulator's user.
func systemData(created, modified string) map[string]any {
	return map[string]any{
		"createdBy": emulatorUserMail, "createdByType": "User", "createdAt": created,
		"lastModifiedBy": emulatorUserMail, "lastModifiedByType": "User", "lastModifiedAt": modified,
	}
}

func (c *call) putWatchlist(alias string) {
	coll := c.ws.coll("watchlists")
	c.putDoc(coll, alias, watchlistKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		if props == nil {
			c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
			return nil, false
		}
		for _, n := range []string{"displayName", "provider", "source", "itemsSearchKey"} {
			if v, _ := props[n].(string); strings.TrimSpace(v) == "" {
				c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The %s field is required.", n))
				return nil, false
			}
		}
		// The source is an open set: the service stores any value ("Local file", "Remote
		// storage", an application's name such as "sdktest").
		if d, ok := props["defaultDuration"]; ok && d != nil && !isDuration(d) {
			c.fail(http.StatusBadRequest, "BadRequest", "The defaultDuration is not a valid ISO 8601 duration.")
			return nil, false
		}
		props = deepCopy(props).(map[string]any)
		var rows []map[string]any
		if content, _ := props["rawContent"].(string); content != "" {
			if ct, _ := props["contentType"].(string); ct != "text/csv" {
				c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Content type '%v' is not supported; use text/csv.", props["contentType"]))
				return nil, false
			}
			var msg string
			skip, _ := number(props["numberOfLinesToSkip"])
			rows, msg = parseCSV(content, int(skip), props["itemsSearchKey"].(string))
			if msg != "" {
				c.fail(http.StatusBadRequest, "BadRequest", msg)
				return nil, false
			}
		}
		delete(props, "rawContent") // write-only
		now := formatOffsetTime(c.s.now())
		if old == nil {
			props["watchlistId"] = newGUID(c.s)
			props["created"] = now
			props["createdBy"] = emulatorUser()
		} else {
			op := old.props()
			for _, k := range []string{"watchlistId", "created", "createdBy", "uploadStatus"} {
				props[k] = op[k]
			}
		}
		props["watchlistAlias"] = alias
		if t, _ := props["watchlistType"].(string); t == "" {
			props["watchlistType"] = "watchlist"
		}
		props["updated"] = now
		props["updatedBy"] = emulatorUser()
		props["tenantId"] = emulatorTenant
		props["isDeleted"] = false
		if rows != nil {
			items := c.ws.coll("watchlists/" + alias + "/watchlistItems")
			for _, k := range sortedNames(items) {
				items.remove(k)
			}
			for _, row := range rows {
				id := newGUID(c.s)
				c.ws.storeDoc(c.s, items.path, id, watchlistItemKind, c.item(id, row, nil))
			}
			props["uploadStatus"] = "Complete"
		}
		if props["uploadStatus"] == nil {
			props["uploadStatus"] = "Complete"
		}
		obj := map[string]any{"properties": props}
		keepTopLevel(req, obj)
		return obj, true
	})
}

func sortedNames(coll *collection) []string {
	var out []string
	for _, d := range coll.sorted() {
		out = append(out, d.name)
	}
	return out
}

// parseCSV returns the rows of CSV content as column maps, or the service's message.
func parseCSV(content string, skip int, key string) ([]map[string]any, string) {
	r := csv.NewReader(strings.NewReader(content))
	r.FieldsPerRecord = -1
	var header []string
	var rows []map[string]any
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "The raw content is not valid CSV: " + err.Error()
		}
		if line < skip {
			continue
		}
		if header == nil {
			header = rec
			found := false
			for _, h := range header {
				found = found || strings.EqualFold(strings.TrimSpace(h), key)
			}
			if !found {
				return nil, fmt.Sprintf("The itemsSearchKey '%s' is not a column of the raw content.", key)
			}
			continue
		}
		if len(rec) != len(header) {
			return nil, fmt.Sprintf("Line %d has %d fields; the header has %d.", line+1, len(rec), len(header))
		}
		row := map[string]any{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	if header == nil {
		return nil, "The raw content has no header line."
	}
	return rows, ""
}

func (c *call) deleteWatchlist(alias string) {
	coll := c.ws.coll("watchlists")
	if d := coll.get(alias); d != nil && d.props()["uploadStatus"] == "InProgress" {
		c.fail(http.StatusConflict, "Conflict", fmt.Sprintf("Cannot delete watchlist '%s' while its upload is in progress.", alias))
		return
	}
	c.deleteDoc(coll, alias)
}

// watchlistItems returns the items collection of the watchlist in the path, or answers 404.
func (c *call) watchlistItems() *collection {
	alias := c.r.PathValue("alias")
	if c.ws.coll("watchlists").get(alias) == nil {
		c.notFound(watchlistKind, alias)
		return nil
	}
	return c.ws.coll("watchlists/" + alias + "/watchlistItems")
}

// item returns the stored item with the given columns: its properties and systemData.
func (c *call) item(id string, columns map[string]any, old *document) map[string]any {
	now := formatOffsetTime(c.s.now())
	p := map[string]any{
		"watchlistItemType": "watchlist-item",
		"watchlistItemId":   id,
		"tenantId":          emulatorTenant,
		"isDeleted":         false,
		"created":           now,
		"updated":           now,
		"createdBy":         emulatorUser(),
		"updatedBy":         emulatorUser(),
		"itemsKeyValue":     columns,
		"entityMapping":     map[string]any{},
	}
	sysCreated := formatTime(c.s.now())
	if old != nil {
		p["created"], p["createdBy"] = old.props()["created"], old.props()["createdBy"]
		if sd, _ := old.obj["systemData"].(map[string]any); sd != nil {
			sysCreated, _ = sd["createdAt"].(string)
		}
	}
	return map[string]any{"properties": p, "systemData": systemData(sysCreated, formatTime(c.s.now()))}
}

func (c *call) putWatchlistItem() {
	coll := c.watchlistItems()
	if coll == nil {
		return
	}
	id := c.r.PathValue("itemId")
	wl := c.ws.coll("watchlists").get(c.r.PathValue("alias"))
	c.putDoc(coll, id, watchlistItemKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		cols, _ := props["itemsKeyValue"].(map[string]any)
		if len(cols) == 0 {
			c.fail(http.StatusBadRequest, "BadRequest", "The itemsKeyValue field is required.")
			return nil, false
		}
		key, _ := wl.props()["itemsSearchKey"].(string)
		found := false
		for k := range cols {
			found = found || strings.EqualFold(k, key)
		}
		if !found {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The item has no value for the search key '%s'.", key))
			return nil, false
		}
		obj := c.item(id, deepCopy(cols).(map[string]any), old)
		p := obj["properties"].(map[string]any)
		for k, v := range props { // unknown properties are stored
			if _, known := p[k]; !known {
				p[k] = deepCopy(v)
			}
		}
		if em, ok := props["entityMapping"].(map[string]any); ok {
			p["entityMapping"] = deepCopy(em)
		}
		keepTopLevel(req, obj)
		return obj, true
	})
}

// AddWatchlist stores a watchlist (properties and any other members) as given, as if created
// through the API but without validation, and returns its etag. Items are added with
// AddWatchlistItem.
func (d *WorkspaceData) AddWatchlist(alias string, w map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, "watchlists", alias, watchlistKind, w)
}

// AddWatchlistItem stores an item of a watchlist as given and returns its etag.
func (d *WorkspaceData) AddWatchlistItem(alias, id string, item map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, "watchlists/"+alias+"/watchlistItems", id, watchlistItemKind, item)
}

// Watchlist returns a copy of a stored watchlist, or nil.
func (d *WorkspaceData) Watchlist(alias string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll("watchlists").get(alias).docCopy()
}

// WatchlistItems returns copies of a watchlist's items in creation order.
func (d *WorkspaceData) WatchlistItems(alias string) []map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	var out []map[string]any
	for _, doc := range d.ws.coll("watchlists/" + alias + "/watchlistItems").sorted() {
		out = append(out, doc.docCopy())
	}
	return out
}

// SetWatchlistUploadStatus sets a watchlist's uploadStatus ("New", "InProgress",
// "Complete"), as the service's background upload would; a watchlist InProgress cannot be
// deleted. It reports whether the watchlist exists.
func (d *WorkspaceData) SetWatchlistUploadStatus(alias, status string) bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	doc := d.ws.coll("watchlists").get(alias)
	if doc == nil {
		return false
	}
	doc.props()["uploadStatus"] = status
	doc.obj["etag"] = d.s.newEtag()
	doc.touch()
	return true
}
