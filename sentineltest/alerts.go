package sentineltest

func init() {
	register(func(s *Server) {
		s.route("POST", "incidents/{incidentId}/alerts", func(c *call) {
			if inc := c.parentIncident(); inc != nil {
				c.writeValue(c.ws.details(inc).alerts)
			}
		})
	})
}

// writeValue answers {"value": arr} with the JSON array arr as it is ([] when empty).
func (c *call) writeValue(arr []byte) {
	b := append([]byte(`{"value":`), orEmptyArray(arr)...)
	c.write(200, append(b, '}'))
}
