package recording

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// Rules add to what a Recorder replaces and leaves out; the zero value means the defaults
// alone (see the package documentation).
type Rules struct {
	// Replace maps values to stand-ins, replaced wherever they appear before any other rule:
	// names that are not secret but differ between recording and replay, such as a resource
	// group or workspace name, or the real subscription ID and its fake. Stand-ins are kept
	// as they are.
	Replace map[string]string
	// GUIDs are more GUIDs to replace wherever they appear (a workspace's customer ID, an
	// application ID).
	GUIDs []string
	// Secrets are more values to replace wherever they appear.
	Secrets []string
	// IDMembers are more JSON member names whose GUID values are tenant, principal or other
	// IDs to replace wherever they appear.
	IDMembers []string
	// SecretMembers are more JSON member names whose string values are secrets.
	SecretMembers []string
	// SecretParameters are more URL query parameters whose values are secrets.
	SecretParameters []string
	// DropHeaders are more headers to leave out of the cassette.
	DropHeaders []string
}

// Defaults. Member, parameter and header names are compared without regard to case; member
// names also without regard to "_" and "-" (access_token is accessToken).
var (
	defaultIDMembers = []string{
		"tenantId", "aadTenantId", "homeTenantId", "tid", "objectId", "oid", "principalId", "aadUserId",
		"userId", "externalDirectoryObjectId", "clientId", "applicationId", "appId", "customerId",
	}
	// Members whose names contain "password" or "secret" are secrets as well.
	defaultSecretMembers = []string{
		"token", "accessToken", "refreshToken", "apiKey", "api_key", "sharedKey", "connectionString",
		"primaryKey", "secondaryKey", "accountKey", "sasToken", "privateKey",
	}
	defaultSecretParameters = []string{"sig", "code", "token", "access_token", "refresh_token", "api-key", "apikey",
		"client_secret", "client_assertion", "password"}
	defaultDropHeaders = []string{
		"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "x-ms-authorization-auxiliary",
		"Ocp-Apim-Subscription-Key", "x-api-key", "api-key", "x-functions-key",
	}
)

var (
	// A GUID, also right after a URL escape (%27<GUID>): no word boundaries.
	guidRE = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	// A candidate e-mail address, also URL-encoded (alice%40contoso.com,
	// it%27s-me%40contoso.com). Its local part may take in text before the address
	// (owner%20eq%20%27alice...); emailSpans cuts it to the address.
	emailRE = regexp.MustCompile(`(?:[A-Za-z0-9._+'-]|%[0-9A-Fa-f]{2})+(?:@|%40)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
	// An ARM resource ID, or the path of one in a URL: the GUIDs in it are IDs.
	armIDRE  = regexp.MustCompile(`(?i)/subscriptions/[^\s"'?#<>]*`)
	bearerRE = regexp.MustCompile(`(?i)\bbearer\s+([A-Za-z0-9\-._~+/]+=*)`)
	jwtRE    = regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*`)

	placeholderGUIDRE   = regexp.MustCompile(`^ffffffff-0000-4000-8000-\d{12}$`)
	placeholderEmailRE  = regexp.MustCompile(`(?i)^user\d+(?:@|%40)example\.com$`)
	placeholderSecretRE = regexp.MustCompile(`REDACTED-\d+`)
	// Any placeholder, for matching: a recorded placeholder stands for any value of its class.
	placeholderRE = regexp.MustCompile(`ffffffff-0000-4000-8000-\d{12}|(?i:user\d+(?:@|%40)example\.com)|REDACTED-\d+`)
)

// minGlobalSecret is the shortest value of a secret member that is also replaced where it
// appears outside its member: a shorter one ("x") would hit unrelated text.
const minGlobalSecret = 8

// rules is Rules with the defaults added, names lower-cased.
type rules struct {
	replace          []string // old, new pairs for strings.NewReplacer, longest first
	fixed            map[string]bool
	guids, secrets   []string
	idMembers        map[string]bool
	secretMembers    map[string]bool
	secretParameters map[string]bool
	dropHeaders      map[string]bool
	secretParamRE    *regexp.Regexp
}

func newRules(r Rules) *rules {
	set := func(def, more []string, key func(string) string) map[string]bool {
		m := map[string]bool{}
		for _, s := range append(slices.Clone(def), more...) {
			m[key(s)] = true
		}
		return m
	}
	out := &rules{
		fixed:            map[string]bool{},
		guids:            r.GUIDs,
		secrets:          r.Secrets,
		idMembers:        set(defaultIDMembers, r.IDMembers, memberKey),
		secretMembers:    set(defaultSecretMembers, r.SecretMembers, memberKey),
		secretParameters: set(defaultSecretParameters, r.SecretParameters, strings.ToLower),
		dropHeaders:      set(defaultDropHeaders, r.DropHeaders, strings.ToLower),
	}
	olds := make([]string, 0, len(r.Replace))
	for old, stand := range r.Replace {
		if old != "" {
			olds = append(olds, old)
			out.fixed[strings.ToLower(stand)] = true
		}
	}
	sort.Slice(olds, func(i, j int) bool {
		if len(olds[i]) != len(olds[j]) {
			return len(olds[i]) > len(olds[j])
		}
		return olds[i] < olds[j]
	})
	for _, old := range olds {
		out.replace = append(out.replace, old, r.Replace[old])
		if esc := url.QueryEscape(old); esc != old {
			out.replace = append(out.replace, esc, url.QueryEscape(r.Replace[old]))
		}
	}
	params := make([]string, 0, len(out.secretParameters))
	for p := range out.secretParameters {
		params = append(params, regexp.QuoteMeta(p))
	}
	sort.Strings(params)
	// At the start of a text too: a form body (client_id=x&client_secret=y) or a query alone.
	out.secretParamRE = regexp.MustCompile(`(?i)(?:^|[?&])(?:` + strings.Join(params, "|") + `)=([^&\s"'#\\<>]+)`)
	return out
}

// memberKey is how member names are compared: lower case, without "_" and "-".
func memberKey(name string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(name))
}

func (r *rules) isIDMember(name string) bool { return name != "" && r.idMembers[memberKey(name)] }

// isSecretMember reports whether the member name holds a secret: one of the secret members,
// or a name that contains "password" or "secret".
func (r *rules) isSecretMember(name string) bool {
	n := memberKey(name)
	return r.secretMembers[n] || strings.Contains(n, "password") || strings.Contains(n, "secret")
}

// underSecret reports whether any of the members a value sits under (its own last) is a
// secret member: every string inside {"password":["x"]} or {"clientSecret":{"value":"x"}} is
// a secret.
func (r *rules) underSecret(members []string) bool {
	return slices.ContainsFunc(members, r.isSecretMember)
}

// applyReplace replaces the Replace values by their stand-ins.
func (r *rules) applyReplace(s string) string {
	if len(r.replace) == 0 {
		return s
	}
	return strings.NewReplacer(r.replace...).Replace(s)
}

// sanitizer replaces the sensitive values of one cassette by numbered placeholders, the same
// value always by the same placeholder. It first learns the values from every text of the
// cassette (learn), then rewrites each text (text, body).
type sanitizer struct {
	r       *rules
	guids   map[string]string // lower-case GUID -> placeholder
	emails  map[string]string // lower-case, unescaped address -> number
	secrets map[string]string // value -> placeholder
	order   []string          // secrets, longest first, for the replacer
	nGUID   int
	nEmail  int
	nSecret int
}

func newSanitizer(r *rules) *sanitizer {
	s := &sanitizer{r: r, guids: map[string]string{}, emails: map[string]string{}, secrets: map[string]string{}}
	for _, g := range r.guids {
		s.learnGUID(g)
	}
	for _, v := range r.secrets {
		s.learnSecret(v)
	}
	return s
}

func (s *sanitizer) learnGUID(g string) {
	g = strings.ToLower(g)
	if !guidRE.MatchString(g) || s.r.fixed[g] || placeholderGUIDRE.MatchString(g) || s.guids[g] != "" {
		return
	}
	s.nGUID++
	s.guids[g] = fmt.Sprintf("ffffffff-0000-4000-8000-%012d", s.nGUID)
}

func (s *sanitizer) learnSecret(v string) string {
	if p, ok := s.secrets[v]; ok {
		return p
	}
	if placeholderSecretRE.MatchString(v) && placeholderSecretRE.FindString(v) == v {
		return v
	}
	s.nSecret++
	p := fmt.Sprintf("REDACTED-%d", s.nSecret)
	s.secrets[v] = p
	s.order = nil
	return p
}

// learnURL learns the GUIDs of a URL's path and query and its secret parameters.
func (s *sanitizer) learnURL(raw string) {
	raw = s.r.applyReplace(raw)
	s.learnText(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	for _, g := range guidRE.FindAllString(u.Path, -1) {
		s.learnGUID(g)
	}
	for _, vals := range u.Query() {
		for _, v := range vals {
			for _, g := range guidRE.FindAllString(v, -1) {
				s.learnGUID(g)
			}
			s.learnText(v) // a URL inside a parameter (callback=https%3A...%26sig%3D...)
		}
	}
}

// learnText learns the GUIDs of ARM IDs, bearer tokens, JWTs and secret URL parameters in
// any text (a header, a string member, a body that is not JSON).
func (s *sanitizer) learnText(t string) {
	for _, id := range armIDRE.FindAllString(t, -1) {
		for _, g := range guidRE.FindAllString(id, -1) {
			s.learnGUID(g)
		}
	}
	for _, m := range bearerRE.FindAllStringSubmatch(t, -1) {
		s.learnSecret(m[1])
	}
	for _, m := range jwtRE.FindAllString(t, -1) {
		s.learnSecret(m)
	}
	for _, m := range s.r.secretParamRE.FindAllStringSubmatch(t, -1) {
		s.learnSecret(m[1])
		if dec, err := url.QueryUnescape(m[1]); err == nil && dec != m[1] {
			s.learnSecret(dec)
		}
	}
}

// learnBody learns from a body: a JSON body member by member (ID members, secret members,
// every string as text), any other body as text.
func (s *sanitizer) learnBody(b []byte) {
	b = []byte(s.r.applyReplace(string(b)))
	ok := walkStrings(b, func(members []string, value string, _, _ int, isName bool) {
		switch {
		case isName:
			return
		case s.r.isIDMember(members[len(members)-1]):
			s.learnGUID(value)
		case s.r.underSecret(members) && len(value) >= minGlobalSecret:
			s.learnSecret(value)
		}
		s.learnText(value)
	})
	if !ok {
		s.learnText(string(b))
	}
}

// text rewrites a URL or header value.
func (s *sanitizer) text(t string) string {
	return s.replaceLearned(s.r.applyReplace(t))
}

// body rewrites a body. In JSON, it rewrites string tokens only, never the structure: a
// secret member's value becomes its placeholder, other strings get the learned
// replacements. Any other body (or the part after a JSON syntax error) is rewritten as text.
// The rest of the body is kept byte for byte.
func (s *sanitizer) body(b []byte) []byte {
	if len(b) == 0 {
		return b
	}
	b = []byte(s.r.applyReplace(string(b)))
	var out bytes.Buffer
	last := 0
	ok := walkStrings(b, func(members []string, value string, start, end int, isName bool) {
		out.Write(b[last:start])
		if !isName && s.r.underSecret(members) && value != "" && !placeholderSecretRE.MatchString(value) {
			q, _ := jsontext.AppendQuote(nil, s.learnSecret(value))
			out.Write(q)
		} else {
			out.WriteString(s.replaceLearned(string(b[start:end])))
		}
		last = end
	})
	if ok {
		out.Write(b[last:])
	} else {
		out.WriteString(s.replaceLearned(string(b[last:])))
	}
	return out.Bytes()
}

// replaceLearned replaces learned secrets and GUIDs, and every e-mail address.
func (s *sanitizer) replaceLearned(t string) string {
	if len(s.secrets) > 0 {
		if s.order == nil {
			for v := range s.secrets {
				if len(v) >= minGlobalSecret || slices.Contains(s.r.secrets, v) {
					s.order = append(s.order, v)
				}
			}
			sort.Slice(s.order, func(i, j int) bool {
				if len(s.order[i]) != len(s.order[j]) {
					return len(s.order[i]) > len(s.order[j])
				}
				return s.order[i] < s.order[j]
			})
		}
		pairs := make([]string, 0, 2*len(s.order))
		for _, v := range s.order {
			pairs = append(pairs, v, s.secrets[v])
		}
		if len(pairs) > 0 {
			t = strings.NewReplacer(pairs...).Replace(t)
		}
	}
	t = guidRE.ReplaceAllStringFunc(t, func(g string) string {
		if p, ok := s.guids[strings.ToLower(g)]; ok {
			return p
		}
		return g
	})
	return replaceEmails(t, func(e string) string {
		if placeholderEmailRE.MatchString(e) || s.r.fixed[strings.ToLower(e)] {
			return e
		}
		key := strings.ToLower(e)
		if dec, err := url.PathUnescape(e); err == nil {
			key = strings.ToLower(dec)
		}
		n, ok := s.emails[key]
		if !ok {
			s.nEmail++
			n = fmt.Sprint(s.nEmail)
			s.emails[key] = n
		}
		if strings.Contains(e, "%40") {
			return "user" + n + "%40example.com"
		}
		return "user" + n + "@example.com"
	})
}

// replaceEmails replaces every e-mail address in t by f(address).
func replaceEmails(t string, f func(string) string) string {
	var b strings.Builder
	last := 0
	for _, m := range emailRE.FindAllStringIndex(t, -1) {
		start := emailStart(t, m[0], m[1])
		if start < 0 {
			continue
		}
		b.WriteString(t[last:start])
		b.WriteString(f(t[start:m[1]]))
		last = m[1]
	}
	if last == 0 {
		return t
	}
	b.WriteString(t[last:])
	return b.String()
}

// emailStart returns where the address in the candidate t[from:to] starts: walking back
// from its @ (or %40), the local part is letters, digits and . _ + - ' (also escaped; in an
// escaped address a plain + is a space), and it does not start with a quote or a dot. It
// returns -1 when no local part is left.
func emailStart(t string, from, to int) int {
	at := strings.Index(t[from:to], "@")
	if enc := strings.Index(t[from:to], "%40"); at < 0 || (enc >= 0 && enc < at) {
		at = enc
	}
	plain := "._+-'"
	if strings.HasPrefix(t[from+at:], "%40") {
		plain = "._-'"
	}
	i := from + at
	for i > from {
		if i-3 >= from && t[i-3] == '%' {
			if c, err := url.PathUnescape(t[i-3 : i]); err == nil && strings.ContainsAny(c, "._+-'") && len(c) == 1 {
				i -= 3
				continue
			}
		}
		c := t[i-1]
		if c == '%' || !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte(plain, c) >= 0) {
			break
		}
		if i-2 >= from && t[i-2] == '%' || i-3 >= from && t[i-3] == '%' && isHex(t[i-2]) && isHex(t[i-1]) {
			break // c is part of an escape that is not in the local part
		}
		i--
	}
	for { // a quote or dot before the address is not part of it
		switch {
		case strings.HasPrefix(t[i:], "'") || strings.HasPrefix(t[i:], "."):
			i++
			continue
		case strings.HasPrefix(t[i:], "%27") || strings.HasPrefix(t[i:], "%2E") || strings.HasPrefix(t[i:], "%2e"):
			i += 3
			continue
		}
		break
	}
	if i >= from+at {
		return -1
	}
	return i
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// walkStrings calls f for every string of the JSON text b, names and values, with its byte
// range (quotes included) and the names of the members it sits under, outermost first. For a
// value, its own member comes last ("" for an array item); for a name, the list is the
// members around its object. members is never empty. It reports whether b is JSON; what
// follows a syntax error is not walked.
func walkStrings(b []byte, f func(members []string, value string, start, end int, isName bool)) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(b), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	type frame struct {
		object bool
		name   string // an object's current member
	}
	var frames []frame
	under := []string{""} // the member holding each open container, "" at the top and in arrays
	prev := 0
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
		end := int(dec.InputOffset())
		// the member that holds the token just read, and whether the token is a name
		holder, isName := "", false
		if len(frames) > 0 && frames[len(frames)-1].object {
			_, n := dec.StackIndex(dec.StackDepth())
			isName = tok.Kind() == '"' && n%2 == 1 && dec.StackDepth() == len(frames)
			holder = frames[len(frames)-1].name
		}
		switch tok.Kind() {
		case '"':
			start := prev + bytes.IndexByte(b[prev:end], '"')
			if isName {
				frames[len(frames)-1].name = tok.String()
				f(under, tok.String(), start, end, true)
			} else {
				f(append(under, holder), tok.String(), start, end, false)
			}
		case '{', '[':
			if len(frames) > 0 {
				under = append(under, holder)
			}
			frames = append(frames, frame{object: tok.Kind() == '{'})
		case '}', ']':
			frames = frames[:len(frames)-1]
			if len(frames) > 0 {
				under = under[:len(under)-1]
			}
		}
		prev = end
	}
}
