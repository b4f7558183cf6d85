package sentineltest

import "encoding/json"

func init() {
	register(func(s *Server) {
		s.route("POST", "incidents/{incidentId}/bookmarks", func(c *call) {
			inc := c.parentIncident()
			if inc == nil {
				return
			}
			arr := c.ws.details(inc).bookmarks
			if related := c.ws.relatedBookmarks(inc); len(related) > 0 {
				var list []any
				if len(arr) > 0 && json.Unmarshal(arr, &list) != nil {
					c.writeValue(arr) // a test's malformed array, served as it is
					return
				}
				arr, _ = json.Marshal(append(list, related...))
			}
			c.writeValue(arr)
		})
	})
}
