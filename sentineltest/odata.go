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

// An OData $filter subset: comparisons, contains(), and/or/not, parentheses.

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

// odataAny is a lambda over a collection: path/any(v: cond), true when cond holds for an
// element (bound to v).
type odataAny struct {
	path []string
	v    string
	cond odataExpr
}

func (e odataAny) eval(o map[string]any) bool {
	items, _ := lookup(o, e.path).([]any)
	for _, it := range items {
		if e.cond.eval(map[string]any{e.v: it}) {
			return true
		}
	}
	return false
}

func (e odataAnd) eval(o map[string]any) bool { return e.l.eval(o) && e.r.eval(o) }
func (e odataOr) eval(o map[string]any) bool  { return e.l.eval(o) || e.r.eval(o) }
func (e odataNot) eval(o map[string]any) bool { return !e.x.eval(o) }

func (e odataContains) eval(o map[string]any) bool {
	s, ok := lookup(o, e.path).(string)
	return ok && strings.Contains(strings.ToLower(s), strings.ToLower(e.sub))
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
	toks    []string
	pos     int
	allowed map[string]bool // allowed paths, "properties/severity" ...
	fold    bool            // string comparisons ignore case
}

func parseFilter(s string, allowed map[string]bool) (odataExpr, error) {
	return parseFilterFold(s, allowed, false)
}

// parseFilterFold parses like parseFilter; with fold, string comparisons ignore case, and
// lambdas over the allowed collections (path/any(v:cond)) are accepted.
func parseFilterFold(s string, allowed map[string]bool, fold bool) (odataExpr, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &odataParser{toks: toks, allowed: allowed, fold: fold}
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
	case p.fold && strings.HasSuffix(strings.ToLower(t), "/any"):
		return p.lambda()
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

// lambda parses "path/any(v: cond)"; inside cond, v is the only path.
func (p *odataParser) lambda() (odataExpr, error) {
	t := p.next()
	coll := t[:len(t)-len("/any")]
	if !p.allowed[strings.ToLower(coll)] {
		return nil, fmt.Errorf("could not find a property named %q", coll)
	}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	head := p.next()
	v, rest, ok := strings.Cut(head, ":")
	if !ok || v == "" {
		return nil, fmt.Errorf("expected a lambda variable, got %q", head)
	}
	if rest != "" { // "t:t eq 'x'": the rest of the token starts the condition
		p.toks = append(p.toks[:p.pos], append([]string{rest}, p.toks[p.pos:]...)...)
	}
	outer := p.allowed
	p.allowed = map[string]bool{strings.ToLower(v): true}
	cond, err := p.or()
	p.allowed = outer
	if err != nil {
		return nil, err
	}
	return odataAny{path: strings.Split(coll, "/"), v: v, cond: cond}, p.expect(")")
}

func (p *odataParser) path() ([]string, error) {
	t := p.next()
	if t == "" || !p.allowed[strings.ToLower(t)] {
		return nil, fmt.Errorf("could not find a property named %q", t)
	}
	return strings.Split(t, "/"), nil
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
		if len(f) == 0 || len(f) > 2 || !allowed[strings.ToLower(f[0])] {
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
