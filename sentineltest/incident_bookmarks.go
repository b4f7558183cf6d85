package sentineltest

func init() {
	register(func(s *Server) {
		s.route("POST", "incidents/{incidentId}/bookmarks", func(c *call) {
			if inc := c.parentIncident(); inc != nil {
				c.writeValue(c.ws.details(inc.name).bookmarks)
			}
		})
	})
}
