package sentineltest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func init() {
	register(func(s *Server) {
		const ti = "threatIntelligence/main/"
		s.route("GET", ti+"indicators", func(c *call) { c.listIndicators() })
		s.route("GET", ti+"indicators/{name}", func(c *call) {
			c.getDoc(c.ws.coll(indicatorsPath), indicatorKind, c.r.PathValue("name"))
		})
		s.route("POST", ti+"createIndicator", func(c *call) { c.createIndicator() })
		s.route("PUT", ti+"indicators/{name}", func(c *call) { c.putIndicator(c.r.PathValue("name")) })
		s.route("DELETE", ti+"indicators/{name}", func(c *call) {
			c.deleteDoc(c.ws.coll(indicatorsPath), c.r.PathValue("name"))
		})
		s.route("POST", ti+"queryIndicators", func(c *call) { c.queryIndicators() })
		s.route("POST", ti+"indicators/{name}/appendTags", func(c *call) { c.indicatorTags(c.r.PathValue("name"), false) })
		s.route("POST", ti+"indicators/{name}/replaceTags", func(c *call) { c.indicatorTags(c.r.PathValue("name"), true) })
		s.route("GET", ti+"metrics", func(c *call) { c.indicatorMetrics() })
	})
}

// indicatorsPath is the path of indicators below the provider, where the service serves them
// and which their IDs name.
const indicatorsPath = "threatIntelligence/main/indicators"

// indicatorKind: the service's indicator IDs are .../threatIntelligence/main/indicators/{name},
// and their type is that path's (not the "Microsoft.SecurityInsights/ThreatIntelligence"
// of the swagger's examples).
var indicatorKind = &resourceKind{typ: "Microsoft.SecurityInsights/" + indicatorsPath, noun: "Threat intelligence indicator"}

var indicatorPaths = map[string]bool{
	"properties/source": true, "properties/patterntype": true, "properties/confidence": true,
	"properties/displayname": true, "properties/pattern": true, "properties/lastupdatedtimeutc": true,
	"properties/created": true, "properties/revoked": true,
}

func (c *call) listIndicators() {
	c.list(c.ws.coll(indicatorsPath).sorted(), indicatorPaths, 0)
}

// stixPatternRE reads simple STIX comparisons such as [url:value = 'http://x'] and
// [file:hashes.'SHA-256' = '...'].
var stixPatternRE = regexp.MustCompile(`([a-z0-9-]+):([A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'`)

// indicatorProps validates an indicator's properties and fills what the service derives;
// it answers 400 and returns nil when they are invalid.
func (c *call) indicatorProps(req map[string]any, old *document) map[string]any {
	if k, _ := req["kind"].(string); k != "indicator" {
		c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid kind '%v'; expected 'indicator'.", req["kind"]))
		return nil
	}
	props, _ := req["properties"].(map[string]any)
	if props == nil {
		c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
		return nil
	}
	pattern, _ := props["pattern"].(string)
	if pattern == "" {
		c.fail(http.StatusBadRequest, "BadRequest", "The pattern field is required.")
		return nil
	}
	if pt, _ := props["patternType"].(string); pt == "" {
		c.fail(http.StatusBadRequest, "BadRequest", "The patternType field is required.")
		return nil
	}
	if n, ok := number(props["confidence"]); ok && (n < 0 || n > 100) {
		c.fail(http.StatusBadRequest, "BadRequest", "The confidence must be between 0 and 100.")
		return nil
	}
	props = deepCopy(props).(map[string]any)
	var parsed []any
	for _, m := range stixPatternRE.FindAllStringSubmatch(pattern, -1) {
		parsed = append(parsed, map[string]any{
			"patternTypeKey":    m[1],
			"patternTypeValues": []any{map[string]any{"valueType": m[1], "value": m[3]}},
		})
	}
	if parsed == nil {
		c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The pattern '%s' is not a valid STIX pattern.", pattern))
		return nil
	}
	props["parsedPattern"] = parsed
	now := formatTrimmedTime(c.s.now())
	props["lastUpdatedTimeUtc"] = now
	if old != nil {
		props["created"] = old.props()["created"]
	} else if s, _ := props["created"].(string); s == "" {
		props["created"] = now
	}
	if _, ok := props["friendlyName"]; !ok {
		props["friendlyName"] = props["displayName"]
	}
	if _, ok := props["additionalData"]; !ok {
		props["additionalData"] = map[string]any{}
	}
	return props
}

// setExternalID fills an indicator's externalId, its STIX ID, as the service does when the
// client gave none.
func setExternalID(props map[string]any, name string) {
	if s, _ := props["externalId"].(string); s == "" {
		props["externalId"] = "indicator--" + name
	}
}

func (c *call) createIndicator() {
	req := c.readObject()
	if req == nil {
		return
	}
	props := c.indicatorProps(req, nil)
	if props == nil {
		return
	}
	name := newGUID(c.s)
	setExternalID(props, name)
	obj := map[string]any{"kind": "indicator", "properties": props}
	keepTopLevel(req, obj)
	c.ws.storeDoc(c.s, indicatorsPath, name, indicatorKind, obj)
	c.write(http.StatusCreated, c.ws.coll(indicatorsPath).get(name))
}

func (c *call) putIndicator(name string) {
	c.putDoc(c.ws.coll(indicatorsPath), name, indicatorKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props := c.indicatorProps(req, old)
		if props == nil {
			return nil, false
		}
		setExternalID(props, name)
		obj := map[string]any{"kind": "indicator", "properties": props}
		keepTopLevel(req, obj)
		return obj, true
	})
}

// indicatorTags appends tags (appendTags) or replaces them (replaceTags).
func (c *call) indicatorTags(name string, replace bool) {
	req := c.readObject()
	if req == nil {
		return
	}
	d := c.ws.coll(indicatorsPath).get(name)
	if d == nil {
		c.notFound(indicatorKind, name)
		return
	}
	src := req
	if replace {
		if !c.etagMatches(req, d, name) {
			return
		}
		src, _ = req["properties"].(map[string]any)
	}
	raw, ok := src["threatIntelligenceTags"].([]any)
	if !ok {
		c.fail(http.StatusBadRequest, "BadRequest", "The threatIntelligenceTags field is required.")
		return
	}
	var tags []any
	if !replace {
		tags, _ = d.props()["threatIntelligenceTags"].([]any)
	}
	for _, t := range raw {
		dup := false
		for _, have := range tags {
			dup = dup || have == t
		}
		if !dup {
			tags = append(tags, t)
		}
	}
	if tags == nil {
		tags = []any{}
	}
	d.props()["threatIntelligenceTags"] = tags
	d.props()["lastUpdatedTimeUtc"] = formatTrimmedTime(c.s.now())
	d.obj["etag"] = c.s.newEtag()
	d.touch()
	if replace {
		c.write(http.StatusOK, d)
		return
	}
	c.w.Header().Set("x-ms-request-id", requestID())
	c.w.WriteHeader(http.StatusOK)
}

// queryIndicators serves POST queryIndicators: criteria and paging in the body.
func (c *call) queryIndicators() {
	req := c.readObject()
	if req == nil {
		return
	}
	strs := func(k string) []string {
		var out []string
		l, _ := req[k].([]any)
		for _, v := range l {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	in := func(v any, set []string) bool {
		if len(set) == 0 {
			return true
		}
		for _, s := range set {
			if str, _ := v.(string); strings.EqualFold(str, s) {
				return true
			}
		}
		return false
	}
	sources, patternTypes, threatTypes, ids, keywords := strs("sources"), strs("patternTypes"), strs("threatTypes"), strs("ids"), strs("keywords")
	minConf, hasMin := number(req["minConfidence"])
	maxConf, hasMax := number(req["maxConfidence"])
	includeDisabled, _ := req["includeDisabled"].(bool)
	minUntil, _ := req["minValidUntil"].(string)
	maxUntil, _ := req["maxValidUntil"].(string)
	var docs []*document
	for _, d := range c.ws.coll(indicatorsPath).sorted() {
		p := d.props()
		if revoked, _ := p["revoked"].(bool); revoked && !includeDisabled {
			continue
		}
		if !in(p["source"], sources) || !in(p["patternType"], patternTypes) || !in(d.name, ids) {
			continue
		}
		if len(threatTypes) > 0 {
			tt, _ := p["threatTypes"].([]any)
			match := false
			for _, t := range tt {
				match = match || in(t, threatTypes)
			}
			if !match {
				continue
			}
		}
		conf, _ := number(p["confidence"])
		if (hasMin && conf < minConf) || (hasMax && conf > maxConf) {
			continue
		}
		until, _ := p["validUntil"].(string)
		if (minUntil != "" || maxUntil != "") && !timeBetween(until, minUntil, maxUntil) {
			continue
		}
		if len(keywords) > 0 {
			text := strings.ToLower(fmt.Sprint(p["displayName"], " ", p["description"], " ", p["pattern"]))
			match := false
			for _, k := range keywords {
				match = match || strings.Contains(text, strings.ToLower(k))
			}
			if !match {
				continue
			}
		}
		docs = append(docs, d)
	}
	if sortBy, _ := req["sortBy"].([]any); len(sortBy) > 0 {
		var keys []orderKey
		for _, s := range sortBy {
			m, _ := s.(map[string]any)
			key, _ := m["itemKey"].(string)
			order, _ := m["sortOrder"].(string)
			switch order {
			case "ascending", "descending":
				keys = append(keys, orderKey{path: []string{"properties", key}, desc: order == "descending"})
			case "unsorted", "":
			default:
				c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid sortOrder '%s'.", order))
				return
			}
		}
		sortDocs(docs, keys)
		c.order = keys
	}
	top := c.s.pageDefault
	if n, ok := number(req["pageSize"]); ok && n > 0 {
		top = int(n)
	}
	tok, _ := req["skipToken"].(string)
	if tok == "" {
		tok = c.r.URL.Query().Get("$skipToken")
	}
	start, ok := c.resume(docs, tok)
	if !ok {
		c.fail(http.StatusBadRequest, "BadRequest", "The skipToken is invalid.")
		return
	}
	q := c.r.URL.Query()
	q.Del("$skipToken")
	c.writePage(docs, start, top, q)
}

// timeBetween reports whether the time text s is within [lo, hi]; empty bounds are open.
func timeBetween(s, lo, hi string) bool {
	t, err := parseTime(s)
	if err != nil {
		return false
	}
	if l, err := parseTime(lo); lo != "" && err == nil && t.Before(l) {
		return false
	}
	if h, err := parseTime(hi); hi != "" && err == nil && t.After(h) {
		return false
	}
	return true
}

func (c *call) indicatorMetrics() {
	count := func(m map[string]int, k any) {
		if s, ok := k.(string); ok && s != "" {
			m[s]++
		}
	}
	threat, pattern, source := map[string]int{}, map[string]int{}, map[string]int{}
	for _, d := range c.ws.coll(indicatorsPath).sorted() {
		p := d.props()
		tt, _ := p["threatTypes"].([]any)
		for _, t := range tt {
			count(threat, t)
		}
		count(pattern, p["patternType"])
		count(source, p["source"])
	}
	list := func(m map[string]int) []any {
		names := make([]string, 0, len(m))
		for k := range m {
			names = append(names, k)
		}
		sort.Strings(names)
		out := []any{}
		for _, n := range names {
			out = append(out, map[string]any{"metricName": n, "metricValue": m[n]})
		}
		return out
	}
	c.write(http.StatusOK, map[string]any{"value": []any{map[string]any{"properties": map[string]any{
		"lastUpdatedTimeUtc": formatTrimmedTime(c.s.now()),
		"threatTypeMetrics":  list(threat),
		"patternTypeMetrics": list(pattern),
		"sourceMetrics":      list(source),
	}}}})
}

// AddIndicator stores an indicator (kind and properties) as given, without validation, and
// returns its etag.
func (d *WorkspaceData) AddIndicator(name string, ind map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, indicatorsPath, name, indicatorKind, ind)
}

// Indicator returns a copy of a stored indicator, or nil.
func (d *WorkspaceData) Indicator(name string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll(indicatorsPath).get(name).docCopy()
}

// SeedIndicators stores n realistic indicators (URLs, IPv4 addresses, domains and file
// hashes from a few sources, with varied confidence) and returns their names.
func (d *WorkspaceData) SeedIndicators(n int) []string {
	sources := []string{"Microsoft Sentinel", "Microsoft Defender Threat Intelligence", "AlienVault OTX", "MISP"}
	threats := []string{"malicious-activity", "compromised", "anonymization", "attribution"}
	names := make([]string, 0, n)
	base := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		var pattern, ptype, display string
		switch i % 4 {
		case 0:
			ptype, display = "url", fmt.Sprintf("http://login-micros0ft-%d.example/reset", i)
			pattern = "[url:value = '" + display + "']"
		case 1:
			ptype, display = "ipv4-addr", fmt.Sprintf("203.0.113.%d", i%256)
			pattern = "[ipv4-addr:value = '" + display + "']"
		case 2:
			ptype, display = "domain-name", fmt.Sprintf("c2-%d.badhost.example", i)
			pattern = "[domain-name:value = '" + display + "']"
		default:
			ptype = "file"
			display = fmt.Sprintf("%064x", uint64(i)*0x9e3779b97f4a7c15)
			pattern = "[file:hashes.'SHA-256' = '" + display + "']"
		}
		created := base.Add(time.Duration(i) * time.Hour)
		name := guidFrom("indicator-" + strconv.Itoa(i) + "-" + d.ws.info.Name)
		b, _ := json.Marshal(map[string]any{"kind": "indicator", "properties": map[string]any{
			"displayName": display, "pattern": pattern, "patternType": ptype, "patternVersion": "2.1",
			"source": sources[i%len(sources)], "confidence": 50 + (i*7)%50,
			"threatTypes": []any{threats[i%len(threats)]}, "threatIntelligenceTags": []any{},
			"validFrom": formatTrimmedTime(created), "validUntil": "", "externalId": "indicator--" + name,
			"created": formatTrimmedTime(created), "lastUpdatedTimeUtc": formatTrimmedTime(created),
			"revoked": false, "labels": []any{}, "killChainPhases": []any{}, "externalReferences": []any{},
			"parsedPattern": []any{map[string]any{"patternTypeKey": ptype, "patternTypeValues": []any{map[string]any{"valueType": ptype, "value": display}}}},
		}})
		var obj map[string]any
		_ = json.Unmarshal(b, &obj)
		d.AddIndicator(name, obj)
		names = append(names, name)
	}
	return names
}
