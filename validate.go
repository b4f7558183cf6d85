package sentinel

import (
	"reflect"
	"strings"
	"time"

	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// This file holds the argument checks the methods share; checkID (client.go) checks one
// path segment.

// checkDuration reports an *ArgumentError when d is outside [lo, hi] or not a whole number
// of seconds (the service rejects fractions).
func checkDuration(name string, d, lo, hi time.Duration) error {
	if d < lo || d > hi {
		return argError(name, "%s is outside %s to %s", iso8601.FormatDuration(d), iso8601.FormatDuration(lo), iso8601.FormatDuration(hi))
	}
	if d%time.Second != 0 {
		return argError(name, "%s is not a whole number of seconds", d)
	}
	return nil
}

// isNilInterface reports whether v is nil or holds a nil pointer.
func isNilInterface(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// resourceName turns an id argument into the resource's name, the path segment the API
// takes. The caller may give the name (inc.Name) or the resource's full ARM resource ID
// (inc.ID). An ID must be in this client's workspace and of the resource type the method
// works on: below the workspace's Microsoft.SecurityInsights provider, its path is
// collection followed by the name, compared without regard to case (the service writes
// ".../Incidents/{id}", ARM paths are case-insensitive). Anything else is an *ArgumentError
// naming the argument, before any request. The name is checked with checkID and stored in *v.
func (c *Client) resourceName(name string, v *string, collection ...string) error {
	s := *v
	if strings.HasPrefix(s, "/") {
		prefix := c.workspaceResourceID() + "/providers/Microsoft.SecurityInsights/"
		what := strings.Join(collection, "/")
		if len(s) <= len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
			return argError(name, "%q is a resource ID outside workspace %s; give a name or an ID of a resource in it", s, c.ws.Name)
		}
		parts := strings.Split(s[len(prefix):], "/")
		if len(parts) != len(collection)+1 {
			return argError(name, "%q is not the ID of a resource in %s", s, what)
		}
		for i, seg := range collection {
			if !strings.EqualFold(parts[i], seg) {
				return argError(name, "%q is the ID of a resource in %s, not in %s", s, strings.Join(parts[:len(parts)-1], "/"), what)
			}
		}
		s = parts[len(parts)-1]
	}
	if err := checkID(name, s); err != nil {
		return err
	}
	*v = s
	return nil
}

// workspaceResourceID is the ARM resource ID of the client's workspace.
func (c *Client) workspaceResourceID() string {
	return "/subscriptions/" + c.ws.SubscriptionID + "/resourceGroups/" + c.ws.ResourceGroup +
		"/providers/Microsoft.OperationalInsights/workspaces/" + c.ws.Name
}
