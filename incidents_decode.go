package sentinel

import (
	"bytes"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// incidentDecoder decodes incidents straight from the token stream: listing is the hot path.
// All strings of one incident share one allocation (an arena converted to a string once),
// known enum values are interned, and each slice is allocated once at its final length, so an
// incident costs about five allocations. Its scratch space is reused across incidents; a
// decoder is not safe for concurrent use.
type incidentDecoder struct {
	names  [6][]byte // a copy of the current member name per object depth
	depth  int
	arena  []byte
	refs   []strRef
	spans  []span // element spans of the array being read
	all    []span // element spans of every string slice of the incident
	slices []pendingSlice
	labels []labelSpan
	extra  []byte
}

// strRef says that *dst is arena[off:off+n] once the arena becomes a string.
type strRef struct {
	dst    *string
	off, n int
}

type span struct{ off, n int }

// pendingSlice is a string slice of the incident waiting for its allocation: its elements
// are all[start:end].
type pendingSlice struct {
	dst        *[]string
	start, end int
	intern     bool
}

type labelSpan struct {
	name span
	typ  string // interned, or "" with typSpan set
	ts   span
	tset bool
}

var knownValues = func() map[string]string {
	m := map[string]string{}
	for _, v := range []string{
		"High", "Medium", "Low", "Informational", "New", "Active", "Closed",
		"Undetermined", "TruePositive", "BenignPositive", "FalsePositive",
		"SuspiciousActivity", "SuspiciousButExpected", "IncorrectAlertLogic", "InaccurateData",
		"Unknown", "User", "Group", "AutoAssigned",
		"Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
		"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement",
		"Collection", "Exfiltration", "CommandAndControl", "Impact", "PreAttack",
		"ImpairProcessControl", "InhibitResponseFunction",
		"Microsoft.SecurityInsights/Incidents", "Microsoft.SecurityInsights/incidents", "Azure Sentinel",
	} {
		m[v] = v
	}
	return m
}()

// str appends the string value raw (quoted JSON) to the arena and returns its span.
func (d *incidentDecoder) str(raw jsontext.Value) (span, error) {
	if len(raw) == 0 || raw[0] != '"' {
		return span{}, fmt.Errorf("want a string, got %s", clip(string(raw), 40))
	}
	off := len(d.arena)
	body := raw[1 : len(raw)-1]
	if !utf8.Valid(body) { // accepted, as encoding/json does, with U+FFFD for each bad byte
		raw = validUTF8(raw)
		body = raw[1 : len(raw)-1]
	}
	if bytes.IndexByte(body, '\\') < 0 {
		d.arena = append(d.arena, body...)
	} else {
		out, err := jsontext.AppendUnquote(d.arena, raw)
		if err != nil { // a lone surrogate escape: decode leniently, as decodeOptions do
			var s string
			if jsonv2.Unmarshal(raw, &s, decodeOptions) != nil {
				return span{}, err
			}
			out = append(d.arena, s...)
		}
		d.arena = out
	}
	return span{off, len(d.arena) - off}, nil
}

// validUTF8 returns b with each byte of an invalid UTF-8 sequence replaced by U+FFFD.
func validUTF8(b []byte) []byte {
	out := make([]byte, 0, len(b)+8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[:size]...)
		}
		b = b[size:]
	}
	return out
}

// setStr schedules *dst to be set from the string value raw; null leaves it empty.
func (d *incidentDecoder) setStr(dst *string, raw jsontext.Value) error {
	if raw.Kind() == 'n' {
		return nil
	}
	sp, err := d.str(raw)
	if err != nil {
		return err
	}
	if sp.n > 0 {
		d.refs = append(d.refs, strRef{dst, sp.off, sp.n})
	}
	return nil
}

// setEnum is setStr with interning of known values.
func (d *incidentDecoder) setEnum(dst *string, raw jsontext.Value) error {
	if len(raw) > 2 && raw[0] == '"' {
		if v, ok := knownValues[unsafeString(raw[1:len(raw)-1])]; ok {
			*dst = v
			return nil
		}
	}
	return d.setStr(dst, raw)
}

func (d *incidentDecoder) setInt(dst *int64, raw jsontext.Value) error {
	if raw.Kind() == 'n' {
		return nil
	}
	n, err := strconv.ParseInt(unsafeString(raw), 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(unsafeString(raw), 64)
		if ferr != nil || f != float64(int64(f)) {
			return fmt.Errorf("want an integer, got %s", clip(string(raw), 40))
		}
		n = int64(f)
	}
	*dst = n
	return nil
}

func (d *incidentDecoder) setCount(dst *int, raw jsontext.Value) error {
	var n int64
	if err := d.setInt(&n, raw); err != nil {
		return err
	}
	*dst = int(n)
	return nil
}

// open reads the start of an object ('{') or array ('[') at the decoder; null reports a
// JSON null in its place, which is consumed.
func open(dec *jsontext.Decoder, kind jsontext.Kind) (null bool, err error) {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return true, err
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return false, err
	}
	if tok.Kind() != kind {
		what := "an object"
		if kind == '[' {
			what = "an array"
		}
		return false, fmt.Errorf("want %s, got %s", what, tok.Kind())
	}
	return false, nil
}

// object calls member for each member of the object at the decoder, with the quoted name.
// The name is a copy that stays valid while member reads the value (the decoder's own
// buffer is not), until member decodes a nested object.
func (d *incidentDecoder) object(dec *jsontext.Decoder, member func(name []byte) error) error {
	if null, err := open(dec, '{'); null || err != nil {
		return err
	}
	if d.depth == len(d.names) {
		return fmt.Errorf("nested too deeply")
	}
	d.depth++
	defer func() { d.depth-- }()
	buf := &d.names[d.depth-1]
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		*buf = append((*buf)[:0], name...)
		if err := member(*buf); err != nil {
			return atPath(fieldName(*buf), err)
		}
	}
	if dec.PeekKind() != '}' {
		_, err := dec.ReadValue()
		if err == nil {
			err = fmt.Errorf("malformed object")
		}
		return err
	}
	_, err := dec.ReadToken()
	return err
}

// stringArray reads an array of strings into spans and returns how many.
func (d *incidentDecoder) stringArray(dec *jsontext.Decoder) (int, error) {
	d.spans = d.spans[:0]
	if null, err := open(dec, '['); null || err != nil {
		return 0, err
	}
	for dec.PeekKind() != ']' {
		raw, err := dec.ReadValue()
		if err != nil {
			return 0, err
		}
		if raw.Kind() == 'n' {
			continue
		}
		sp, err := d.str(raw)
		if err != nil {
			return 0, err
		}
		d.spans = append(d.spans, sp)
	}
	_, err := dec.ReadToken()
	return len(d.spans), err
}

// stringSlice reads an array of strings for the slice at dst (a *[]string or a pointer to
// a slice of a string type). The slices of one incident share one allocation, made by
// finishSlices once the incident is read; interned values need no arena.
func (d *incidentDecoder) stringSlice(dst *[]string, dec *jsontext.Decoder, intern bool) error {
	start := len(d.all)
	n, err := d.stringArray(dec)
	if err != nil || n == 0 {
		return err
	}
	d.all = append(d.all, d.spans...)
	d.slices = append(d.slices, pendingSlice{dst: dst, start: start, end: len(d.all), intern: intern})
	return nil
}

// finishSlices allocates the string slices of the incident and schedules their strings.
func (d *incidentDecoder) finishSlices() {
	if len(d.all) == 0 {
		return
	}
	all := make([]string, len(d.all))
	for _, ps := range d.slices {
		out := all[ps.start:ps.end:ps.end]
		*ps.dst = out
		for i, sp := range d.all[ps.start:ps.end] {
			if ps.intern {
				if v, ok := knownValues[unsafeString(d.arena[sp.off:sp.off+sp.n])]; ok {
					out[i] = v
					continue
				}
			}
			d.refs = append(d.refs, strRef{&out[i], sp.off, sp.n})
		}
	}
}

// decode reads one incident in the service's wire form into inc.
func (d *incidentDecoder) decode(dec *jsontext.Decoder, inc *Incident) error {
	d.arena, d.refs, d.extra, d.depth = d.arena[:0], d.refs[:0], d.extra[:0], 0
	d.all, d.slices = d.all[:0], d.slices[:0]
	*inc = Incident{}
	var topExtra, propExtra jsontext.Value
	err := d.object(dec, func(name []byte) error {
		if string(name) == `"properties"` {
			d.extra = d.extra[:0]
			if err := d.object(dec, func(name []byte) error { return d.property(dec, inc, name) }); err != nil {
				return err
			}
			if len(d.extra) > 0 {
				propExtra = closeObject(d.extra)
			}
			d.extra = d.extra[:0]
			return nil
		}
		raw, err := dec.ReadValue()
		if err != nil {
			return err
		}
		switch string(name) {
		case `"id"`:
			err = d.setStr(&inc.ID, raw)
		case `"name"`:
			err = d.setStr(&inc.Name, raw)
		case `"etag"`:
			err = d.setStr(&inc.Etag, raw)
		case `"type"`:
			err = d.setEnum(&inc.unknown.typ, raw)
		default:
			topExtra = appendMember(topExtra, name, raw)
		}
		if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(topExtra) > 0 {
		topExtra = closeObject(topExtra)
	}
	inc.unknown.top, inc.unknown.props = topExtra, propExtra
	d.finishSlices()
	if len(d.refs) > 0 {
		all := string(d.arena)
		for _, r := range d.refs {
			*r.dst = all[r.off : r.off+r.n]
		}
	}
	return nil
}

// appendMember adds "name":value to an object being built ("{" + members, unclosed).
func appendMember(obj, name, value []byte) []byte {
	if len(obj) == 0 {
		obj = append(obj, '{')
	} else {
		obj = append(obj, ',')
	}
	obj = append(obj, name...)
	obj = append(obj, ':')
	return append(obj, value...)
}

// closeObject returns a copy of an object being built, closed.
func closeObject(obj []byte) jsontext.Value {
	out := make([]byte, len(obj)+1)
	copy(out, obj)
	out[len(obj)] = '}'
	return out
}

func (d *incidentDecoder) property(dec *jsontext.Decoder, inc *Incident, name []byte) error {
	var err error
	switch string(name) {
	case `"owner"`:
		err = d.object(dec, func(name []byte) error {
			raw, err := dec.ReadValue()
			if err != nil {
				return err
			}
			switch string(name) {
			case `"objectId"`:
				return d.setStr(&inc.Owner.ObjectID, raw)
			case `"email"`:
				return d.setStr(&inc.Owner.Email, raw)
			case `"userPrincipalName"`:
				return d.setStr(&inc.Owner.UserPrincipalName, raw)
			case `"assignedTo"`:
				return d.setStr(&inc.Owner.AssignedTo, raw)
			case `"ownerType"`:
				return d.setEnum((*string)(&inc.Owner.OwnerType), raw)
			}
			return nil
		})
	case `"labels"`:
		err = d.decodeLabels(dec, inc)
	case `"relatedAnalyticRuleIds"`:
		err = d.stringSlice(&inc.RelatedAnalyticRuleIDs, dec, false)
	case `"additionalData"`:
		ad := &inc.AdditionalData
		err = d.object(dec, func(name []byte) error {
			switch string(name) {
			case `"alertProductNames"`:
				return d.stringSlice(stringsOf(&ad.AlertProductNames), dec, true)
			case `"tactics"`:
				return d.stringSlice(stringsOf(&ad.Tactics), dec, true)
			case `"techniques"`:
				return d.stringSlice(stringsOf(&ad.Techniques), dec, false)
			}
			raw, err := dec.ReadValue()
			if err != nil {
				return err
			}
			switch string(name) {
			case `"alertsCount"`:
				return d.setCount(&ad.AlertsCount, raw)
			case `"bookmarksCount"`:
				return d.setCount(&ad.BookmarksCount, raw)
			case `"commentsCount"`:
				return d.setCount(&ad.CommentsCount, raw)
			case `"providerIncidentUrl"`:
				return d.setStr(&ad.ProviderIncidentURL, raw)
			}
			return nil
		})
	default:
		raw, rerr := dec.ReadValue()
		if rerr != nil {
			return rerr
		}
		switch string(name) {
		case `"title"`:
			err = d.setStr(&inc.Title, raw)
		case `"description"`:
			err = d.setStr(&inc.Description, raw)
		case `"severity"`:
			err = d.setEnum((*string)(&inc.Severity), raw)
		case `"status"`:
			err = d.setEnum((*string)(&inc.Status), raw)
		case `"classification"`:
			err = d.setEnum((*string)(&inc.Classification), raw)
		case `"classificationReason"`:
			err = d.setEnum((*string)(&inc.ClassificationReason), raw)
		case `"classificationComment"`:
			err = d.setStr(&inc.ClassificationComment, raw)
		case `"firstActivityTimeUtc"`:
			err = setTime(&inc.FirstActivityTime, raw)
		case `"lastActivityTimeUtc"`:
			err = setTime(&inc.LastActivityTime, raw)
		case `"createdTimeUtc"`:
			err = setTime(&inc.CreatedTime, raw)
		case `"lastModifiedTimeUtc"`:
			err = setTime(&inc.LastModifiedTime, raw)
		case `"incidentNumber"`:
			err = d.setInt(&inc.Number, raw)
		case `"incidentUrl"`:
			err = d.setStr(&inc.URL, raw)
		case `"providerName"`:
			err = d.setEnum(&inc.ProviderName, raw)
		case `"providerIncidentId"`:
			err = d.setStr(&inc.ProviderIncidentID, raw)
		default:
			d.extra = appendMember(d.extra, name, raw)
		}
	}
	if err != nil {
		return err
	}
	return nil
}

// pathError is a decoding error at a JSON path such as /properties/labels.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// atPath puts err below the member name.
func atPath(name string, err error) error {
	if pe, ok := err.(*pathError); ok {
		return &pathError{"/" + name + pe.path, pe.err}
	}
	return &pathError{"/" + name, err}
}

// fieldName returns the unquoted member name for an error message.
func fieldName(quoted []byte) string {
	if len(quoted) >= 2 {
		quoted = quoted[1 : len(quoted)-1]
	}
	return clip(string(quoted), 64)
}

func (d *incidentDecoder) decodeLabels(dec *jsontext.Decoder, inc *Incident) error {
	d.labels = d.labels[:0]
	if null, err := open(dec, '['); null || err != nil {
		return err
	}
	for dec.PeekKind() == '{' {
		var l labelSpan
		err := d.object(dec, func(name []byte) error {
			raw, err := dec.ReadValue()
			if err != nil || raw.Kind() == 'n' {
				return err
			}
			switch string(name) {
			case `"labelName"`:
				l.name, err = d.str(raw)
			case `"labelType"`:
				if len(raw) > 2 {
					if v, ok := knownValues[unsafeString(raw[1:len(raw)-1])]; ok {
						l.typ = v
						return nil
					}
				}
				l.ts, err = d.str(raw)
				l.tset = true
			}
			return err
		})
		if err != nil {
			return err
		}
		d.labels = append(d.labels, l)
	}
	if k := dec.PeekKind(); k != ']' && k != 0 {
		return fmt.Errorf("want a label object, got %s", k)
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if len(d.labels) == 0 {
		return nil
	}
	inc.Labels = make([]IncidentLabel, len(d.labels))
	for i, l := range d.labels {
		out := &inc.Labels[i]
		if l.name.n > 0 {
			d.refs = append(d.refs, strRef{&out.Name, l.name.off, l.name.n})
		}
		out.Type = LabelType(l.typ)
		if l.tset && l.ts.n > 0 {
			d.refs = append(d.refs, strRef{(*string)(&out.Type), l.ts.off, l.ts.n})
		}
	}
	return nil
}

// setTime parses a time value leniently (see parseTime); null and "" are the zero time.
func setTime(dst *time.Time, raw jsontext.Value) error {
	if raw.Kind() == 'n' {
		return nil
	}
	if len(raw) < 2 || raw[0] != '"' {
		return fmt.Errorf("want a time string, got %s", clip(string(raw), 40))
	}
	body := raw[1 : len(raw)-1]
	if bytes.IndexByte(body, '\\') >= 0 {
		u, err := jsontext.AppendUnquote(nil, raw)
		if err != nil {
			return err
		}
		body = u
	}
	t, err := parseTime(body)
	if err != nil {
		return err
	}
	*dst = t
	return nil
}
