package sentinel

import (
	"strconv"
	"strings"
	"time"
)

// odata returns the OData query parameters that are set, in the order the service's
// examples use.
func odata(filter, orderBy string, top int, skipToken string) []param {
	var q []param
	if filter != "" {
		q = append(q, param{Key: "$filter", Value: filter})
	}
	if orderBy != "" {
		q = append(q, param{Key: "$orderby", Value: orderBy})
	}
	if top > 0 {
		q = append(q, param{Key: "$top", Value: strconv.Itoa(top)})
	}
	if skipToken != "" {
		q = append(q, param{Key: "$skipToken", Value: skipToken})
	}
	return q
}

// ODataString quotes s as an OData string literal: 'it”s'.
func ODataString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ODataTime formats t as an OData date-time literal in UTC.
func ODataTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
