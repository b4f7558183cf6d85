package rest

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sentinel-go/sentinel/internal/errs"
)

// JoinPath returns prefix (an escaped path) followed by each segment, path-escaped, after a
// '/'. The segments must have been checked with CheckID when they come from the caller.
func JoinPath(prefix string, segments ...string) string {
	n := len(prefix)
	for _, s := range segments {
		n += 1 + len(s)*3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(prefix)
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String()
}

// Param is one query parameter; keys are constants such as "$filter".
type Param struct{ Key, Value string }

// AppendQuery writes the parameters to b, the first after sep ('?', or '&' when b's URL has
// a query already), each value query-escaped with %20 for spaces, as the services write
// their links.
func AppendQuery(b *strings.Builder, sep byte, params []Param) {
	for _, p := range params {
		b.WriteByte(sep)
		sep = '&'
		b.WriteString(p.Key)
		b.WriteByte('=')
		b.WriteString(strings.ReplaceAll(url.QueryEscape(p.Value), "+", "%20"))
	}
}

// maxIDLength bounds caller-supplied path segments; resource names and IDs are far shorter.
const maxIDLength = 256

// CheckID validates a caller-supplied resource name or ID that becomes one path segment: it
// must be non-empty, at most 256 bytes, not "." or "..", free of '/', '\\' and control
// characters, and must not end with '.' or a space, which front ends such as IIS strip from
// path segments ("victim." would name "victim"). Everything else is escaped by JoinPath, so
// a segment can never reach another resource. name is the argument in the error.
func CheckID(name, v string) error {
	switch {
	case v == "":
		return errs.ArgError(name, "must not be empty")
	case len(v) > maxIDLength:
		return errs.ArgError(name, "is %d bytes long; at most %d are allowed", len(v), maxIDLength)
	case v == "." || v == "..":
		return errs.ArgError(name, "%q is not a resource name", v)
	case !utf8.ValidString(v):
		return errs.ArgError(name, "is not valid UTF-8")
	case strings.HasSuffix(v, ".") || strings.HasSuffix(v, " "):
		return errs.ArgError(name, "%q ends with '.' or a space, which the service may strip, naming another resource", v)
	}
	for _, r := range v {
		if r == '/' || r == '\\' || unicode.IsControl(r) {
			return errs.ArgError(name, "%q contains %q, which cannot be part of a resource name", v, r)
		}
	}
	return nil
}
