package sentineltest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// An OData $filter subset: comparisons, contains(), and/or/not, parentheses, and the any()
// and all() lambdas over collections.

type odataExpr interface {
	eval(obj map[string]any) bool
}

type odataAnd struct{ l, r odataExpr }
type odataOr struct{ l, r odataExpr }
type odataNot struct{ x odataExpr }
type odataCmp struct {
	path []string
	op   string
	lit  any  // string, float64, time.Time or nil
	fold bool // compare strings without regard to case (Graph's enums)
}
type odataContains struct {
	path []string
	sub  string
}

// odataLambda is path/any(v: body) or path/all(v: body); a nil body is any() without
// arguments, true when the collection has an item.
type odataLambda struct {
	path []string
	all  bool
	v    string
	body odataExpr
}

func (e odataAnd) eval(o map[string]any) bool { return e.l.eval(o) && e.r.eval(o) }
func (e odataOr) eval(o map[string]any) bool  { return e.l.eval(o) || e.r.eval(o) }
func (e odataNot) eval(o map[string]any) bool { return !e.x.eval(o) }

func (e odataContains) eval(o map[string]any) bool {
	s, ok := lookup(o, e.path).(string)
	return ok && strings.Contains(strings.ToLower(s), strings.ToLower(e.sub))
}

// eval evaluates the body once per item with the variable bound to the item: the scope is
// the object with one more top-level member, so that paths of the variable (v/labelName) and
// of the object (properties/severity) resolve alike. A member that is not an array is an
// empty collection.
func (e odataLambda) eval(o map[string]any) bool {
	items, _ := lookup(o, e.path).([]any)
	if e.body == nil {
		return len(items) > 0
	}
	scope := make(map[string]any, len(o)+1)
	for k, v := range o {
		scope[k] = v
	}
	for _, it := range items {
		scope[e.v] = it
		if e.body.eval(scope) != e.all {
			return !e.all // any: an item matched; all: an item did not
		}
	}
	return e.all
}

func (e odataCmp) eval(o map[string]any) bool {
	v := lookup(o, e.path)
	var c int
	switch lit := e.lit.(type) {
	case nil:
		isNull := v == nil || v == ""
		switch e.op {
		case "eq":
			return isNull
		case "ne":
			return !isNull
		}
		return false
	case string:
		s, ok := v.(string)
		if !ok {
			return e.op == "ne"
		}
		if e.fold {
			s, lit = strings.ToLower(s), strings.ToLower(lit)
		}
		c = strings.Compare(s, lit)
	case float64:
		f, ok := number(v)
		if !ok {
			return e.op == "ne"
		}
		c = cmpFloat(f, lit)
	case time.Time:
		s, ok := v.(string)
		if !ok {
			return e.op == "ne"
		}
		t, err := parseTime(s)
		if err != nil {
			return e.op == "ne"
		}
		c = t.Compare(lit)
	}
	switch e.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05.999999999", s, time.UTC)
}

func lookup(o map[string]any, path []string) any {
	var v any = o
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// odataParser parses the grammar documented on Server.
type odataParser struct {
	toks []string
	pos  int
	// allowed are the lower-case paths a filter may name, "properties/severity" ...; a
	// collection that lambdas may range over is listed as "properties/labels/*", and the
	// members of its items as "properties/labels/*/labelname".
	allowed map[string]bool
	vars    map[string]string // lambda variables in scope: name -> lower-case collection path
	fold    bool              // string comparisons ignore case
}

// filterDocs keeps the documents that the $filter expression f matches, in place; "" keeps
// them all. With fold, string comparisons ignore case (Graph).
func filterDocs(docs []*document, f string, allowed map[string]bool, fold bool) ([]*document, error) {
	if f == "" {
		return docs, nil
	}
	expr, err := parseFilter(f, allowed, fold)
	if err != nil {
		return nil, err
	}
	kept := docs[:0]
	for _, d := range docs {
		if expr.eval(d.obj) {
			kept = append(kept, d)
		}
	}
	return kept, nil
}

// parseFilter parses the $filter s over the allowed paths; with fold, string comparisons
// ignore case (Graph's enums), inside lambdas too.
func parseFilter(s string, allowed map[string]bool, fold bool) (odataExpr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &odataParser{toks: toks, allowed: allowed, vars: map[string]string{}, fold: fold}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.pos])
	}
	return e, nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, string(c))
			i++
		case c == '\'':
			j := i + 1
			var b strings.Builder
			for {
				if j >= len(s) {
					return nil, fmt.Errorf("unterminated string")
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, "'"+b.String())
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\n\r(),'", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func (p *odataParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *odataParser) next() string {
	t := p.peek()
	p.pos++
	return t
}

func (p *odataParser) expect(t string) error {
	if got := p.next(); got != t {
		return fmt.Errorf("expected %q, got %q", t, got)
	}
	return nil
}

func (p *odataParser) or() (odataExpr, error) {
	l, err := p.and()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "or") {
		p.next()
		r, err := p.and()
		if err != nil {
			return nil, err
		}
		l = odataOr{l, r}
	}
	return l, nil
}

func (p *odataParser) and() (odataExpr, error) {
	l, err := p.unary()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), "and") {
		p.next()
		r, err := p.unary()
		if err != nil {
			return nil, err
		}
		l = odataAnd{l, r}
	}
	return l, nil
}

func (p *odataParser) unary() (odataExpr, error) {
	switch t := p.peek(); {
	case strings.EqualFold(t, "not"):
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return odataNot{x}, nil
	case t == "(":
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	case strings.EqualFold(t, "contains"):
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		if err := p.expect(","); err != nil {
			return nil, err
		}
		lit := p.next()
		if !strings.HasPrefix(lit, "'") {
			return nil, fmt.Errorf("contains needs a string, got %q", lit)
		}
		return odataContains{path: path, sub: lit[1:]}, p.expect(")")
	}
	if base, all, ok := lambdaHead(p.peek()); ok && p.pos+1 < len(p.toks) && p.toks[p.pos+1] == "(" {
		p.pos += 2
		return p.lambda(base, all)
	}
	path, err := p.path()
	if err != nil {
		return nil, err
	}
	op := strings.ToLower(p.next())
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
	default:
		return nil, fmt.Errorf("unknown operator %q", op)
	}
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	return odataCmp{path: path, op: op, lit: lit, fold: p.fold}, nil
}

// lambdaHead splits "properties/labels/any" into the collection path and the operator.
func lambdaHead(t string) (base string, all, ok bool) {
	i := strings.LastIndexByte(t, '/')
	if i <= 0 {
		return "", false, false
	}
	switch strings.ToLower(t[i+1:]) {
	case "any":
		return t[:i], false, true
	case "all":
		return t[:i], true, true
	}
	return "", false, false
}

// lambda parses what follows "path/any(" or "path/all(": ")" alone (any only), or
// "v: body)". The variable may be followed by the colon with or without spaces
// ("l: l/labelName", "l:l/labelName", "l : ...").
func (p *odataParser) lambda(base string, all bool) (odataExpr, error) {
	coll := strings.ToLower(base)
	if p.isVar(base) || !p.allowed[coll+"/*"] {
		return nil, fmt.Errorf("could not find a collection property named %q", base)
	}
	e := odataLambda{path: strings.Split(base, "/"), all: all}
	if p.peek() == ")" {
		p.next()
		if all {
			return nil, fmt.Errorf("all() needs a lambda expression")
		}
		return e, nil
	}
	t := p.next()
	name, rest, found := strings.Cut(t, ":")
	if !found && p.peek() == ":" {
		p.next()
		found = true
	} else if !found && strings.HasPrefix(p.peek(), ":") {
		rest, found = p.next()[1:], true
	}
	if !found || !isIdentifier(name) {
		return nil, fmt.Errorf("expected a lambda variable and ':' after %q, got %q", base, t)
	}
	if _, taken := p.vars[name]; taken || p.isRoot(name) {
		return nil, fmt.Errorf("the lambda variable %q is already defined", name)
	}
	if rest != "" { // "l:l/labelName" is one token: the part after the colon is the next one
		p.toks = append(p.toks[:p.pos], append([]string{rest}, p.toks[p.pos:]...)...)
	}
	e.v = name
	p.vars[name] = coll
	defer delete(p.vars, name)
	body, err := p.or()
	if err != nil {
		return nil, err
	}
	e.body = body
	return e, p.expect(")")
}

// isRoot reports whether name is the first segment of a path (such as "properties"), which a
// lambda variable must not hide.
func (p *odataParser) isRoot(name string) bool {
	n := strings.ToLower(name)
	for k := range p.allowed {
		if k == n || strings.HasPrefix(k, n+"/") {
			return true
		}
	}
	return false
}

func (p *odataParser) isVar(path string) bool {
	v, _, _ := strings.Cut(path, "/")
	_, ok := p.vars[v]
	return ok
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r))) {
			return false
		}
	}
	return true
}

// path parses a property path: one of the allowed paths, or within a lambda its variable,
// alone (an item of a collection of values) or followed by a member of the items.
func (p *odataParser) path() ([]string, error) {
	t := p.next()
	segs := strings.Split(t, "/")
	if coll, ok := p.vars[segs[0]]; ok {
		key := coll + "/*"
		if len(segs) > 1 {
			key += "/" + strings.ToLower(strings.Join(segs[1:], "/"))
		}
		if !p.allowed[key] {
			return nil, fmt.Errorf("could not find a property named %q", t)
		}
		return segs, nil
	}
	if t == "" || strings.Contains(t, "*") || !p.allowed[strings.ToLower(t)] {
		return nil, fmt.Errorf("could not find a property named %q", t)
	}
	return segs, nil
}

func (p *odataParser) literal() (any, error) {
	t := p.next()
	switch {
	case t == "":
		return nil, fmt.Errorf("missing value")
	case strings.HasPrefix(t, "'"):
		return t[1:], nil
	case t == "null":
		return nil, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil && !strings.ContainsAny(t, "T:") {
		return f, nil
	}
	if tm, err := parseTime(t); err == nil {
		return tm, nil
	}
	if strings.IndexFunc(t, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return nil, fmt.Errorf("invalid literal")
	}
	return nil, fmt.Errorf("invalid literal %q", t)
}

// orderKey is one $orderby term.
type orderKey struct {
	path []string
	desc bool
}

func parseOrderBy(s string, allowed map[string]bool) ([]orderKey, error) {
	var keys []orderKey
	for _, term := range strings.Split(s, ",") {
		f := strings.Fields(term)
		if len(f) == 0 || len(f) > 2 || strings.Contains(f[0], "*") || !allowed[strings.ToLower(f[0])] {
			return nil, fmt.Errorf("invalid $orderby term %q", strings.TrimSpace(term))
		}
		k := orderKey{path: strings.Split(f[0], "/")}
		if len(f) == 2 {
			switch strings.ToLower(f[1]) {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, fmt.Errorf("invalid $orderby direction %q", f[1])
			}
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// sortDocs sorts docs by keys (stable on insertion order), looking each key up once.
func sortDocs(docs []*document, keys []orderKey) {
	type row struct {
		d    *document
		vals []any
	}
	rows := make([]row, len(docs))
	for i, d := range docs {
		vals := make([]any, len(keys))
		for j, k := range keys {
			vals[j] = lookup(d.obj, k.path)
		}
		rows[i] = row{d, vals}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		for n, k := range keys {
			c := compareValues(rows[i].vals[n], rows[j].vals[n])
			if c != 0 {
				if k.desc {
					return c > 0
				}
				return c < 0
			}
		}
		return false
	})
	for i := range rows {
		docs[i] = rows[i].d
	}
}

func compareValues(a, b any) int {
	if fa, ok := number(a); ok {
		if fb, ok := number(b); ok {
			return cmpFloat(fa, fb)
		}
	}
	sa, _ := a.(string)
	sb, _ := b.(string)
	ta, ea := parseTime(sa)
	tb, eb := parseTime(sb)
	if ea == nil && eb == nil {
		return ta.Compare(tb)
	}
	return strings.Compare(sa, sb)
}
