package sentineltest

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// router is the emulator's one router. Like the service (ARM and Log Analytics), it matches
// the literal segments of a path without regard to case ("resourcegroups" finds
// "resourceGroups"), captures "{name}" segments unescaped (see http.Request.PathValue), and
// answers a path it does not serve, or a method a path does not allow, in the service's
// JSON error shape with a request ID rather than net/http's plain text.
type router struct {
	routes []route
}

type route struct {
	method string
	segs   []string // the pattern's segments; "{name}" captures one
	h      http.HandlerFunc
}

// handle registers h for method and the path pattern, such as
// "/v1/workspaces/{workspaceId}/query".
func (rt *router) handle(method, pattern string, h http.HandlerFunc) {
	rt.routes = append(rt.routes, route{method: method, segs: strings.Split(strings.Trim(pattern, "/"), "/"), h: h})
}

// match returns the handler of r's method and path with the path values set on r, or nil
// and the methods the path allows (none when no route has the path).
func (rt *router) match(r *http.Request) (http.HandlerFunc, []string) {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	var allowed []string
	for i := range rt.routes {
		rte := &rt.routes[i]
		vals, ok := rte.capture(segs)
		if !ok {
			continue
		}
		if rte.method != r.Method {
			allowed = append(allowed, rte.method)
			continue
		}
		for k, v := range vals {
			r.SetPathValue(k, v)
		}
		return rte.h, nil
	}
	sort.Strings(allowed)
	return nil, allowed
}

// capture matches the escaped segments of a path and returns the captured values.
func (rte *route) capture(segs []string) (map[string]string, bool) {
	if len(segs) != len(rte.segs) {
		return nil, false
	}
	var vals map[string]string
	for i, p := range rte.segs {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			v, err := url.PathUnescape(segs[i])
			if err != nil || v == "" {
				return nil, false
			}
			if vals == nil {
				vals = map[string]string{}
			}
			vals[p[1:len(p)-1]] = v
			continue
		}
		if !strings.EqualFold(p, segs[i]) {
			return nil, false
		}
	}
	return vals, true
}

// serveHTTP dispatches r, answering what no route serves as the service would.
func (rt *router) serveHTTP(w http.ResponseWriter, r *http.Request) {
	h, allowed := rt.match(r)
	switch {
	case h != nil:
		h(w, r)
	case isGraphPath(r.URL.Path):
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeGraphError(w, r, http.StatusMethodNotAllowed, "Request_BadRequest", fmt.Sprintf("The method '%s' is not allowed on '%s'", r.Method, r.URL.Path))
			return
		}
		writeGraphError(w, r, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", lastSegment(r.URL.Path)))
	case isQueryPath(r.URL.Path):
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeQueryError(w, http.StatusMethodNotAllowed, &QueryError{Code: "MethodNotAllowedError", Message: fmt.Sprintf("The method '%s' is not allowed on '%s'", r.Method, r.URL.Path)})
			return
		}
		writeQueryError(w, http.StatusNotFound, &QueryError{Code: "PathNotFoundError", Message: fmt.Sprintf("The requested path does not exist: '%s'", r.URL.Path)})
	case len(allowed) > 0:
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method))
	default:
		if typ := resourceTypeOf(r.URL.Path); typ != "" {
			writeError(w, http.StatusNotFound, "InvalidResourceType", fmt.Sprintf("The resource type '%s' could not be found in the namespace 'Microsoft.SecurityInsights' for api version '%s'.", typ, r.URL.Query().Get("api-version")))
			return
		}
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("The requested resource '%s' was not found.", r.URL.Path))
	}
}

// isQueryPath reports whether path is on the Log Analytics query API (/v1/...).
func isQueryPath(path string) bool {
	return len(path) >= 4 && strings.EqualFold(path[:4], "/v1/")
}

// resourceTypeOf returns the Microsoft.SecurityInsights resource type a path names, such as
// "noSuchThings" or "incidents/widgets", or "" when it is not below that provider.
func resourceTypeOf(path string) string {
	const p = "/providers/microsoft.securityinsights/"
	i := strings.LastIndex(strings.ToLower(path), p)
	if i < 0 {
		return ""
	}
	segs := strings.Split(strings.Trim(path[i+len(p):], "/"), "/")
	var types []string
	for j := 0; j < len(segs); j += 2 {
		types = append(types, segs[j])
	}
	return strings.Join(types, "/")
}
