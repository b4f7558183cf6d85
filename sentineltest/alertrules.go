package sentineltest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "alertRules", func(c *call) { c.page(c.ws.coll("alertRules").sorted(), 0) })
		s.route("GET", "alertRules/{ruleId}", func(c *call) {
			c.getDoc(c.ws.coll("alertRules"), alertRuleKind, c.r.PathValue("ruleId"))
		})
		s.route("PUT", "alertRules/{ruleId}", func(c *call) { c.putAlertRule(c.r.PathValue("ruleId")) })
		s.route("DELETE", "alertRules/{ruleId}", func(c *call) {
			c.deleteDoc(c.ws.coll("alertRules"), c.r.PathValue("ruleId"))
		})

		s.route("GET", "alertRules/{ruleId}/actions", func(c *call) {
			if coll := c.ruleActions(); coll != nil {
				c.page(coll.sorted(), 0)
			}
		})
		s.route("GET", "alertRules/{ruleId}/actions/{actionId}", func(c *call) {
			if coll := c.ruleActions(); coll != nil {
				c.getDoc(coll, actionKind, c.r.PathValue("actionId"))
			}
		})
		s.route("PUT", "alertRules/{ruleId}/actions/{actionId}", func(c *call) { c.putAction() })
		s.route("DELETE", "alertRules/{ruleId}/actions/{actionId}", func(c *call) {
			if coll := c.ruleActions(); coll != nil {
				c.deleteDoc(coll, c.r.PathValue("actionId"))
			}
		})

		s.route("GET", "alertRuleTemplates", func(c *call) { c.page(c.ws.coll("alertRuleTemplates").sorted(), 0) })
		s.route("GET", "alertRuleTemplates/{templateId}", func(c *call) {
			c.getDoc(c.ws.coll("alertRuleTemplates"), alertRuleTemplateKind, c.r.PathValue("templateId"))
		})
	})
}

var (
	alertRuleKind         = &resourceKind{typ: "Microsoft.SecurityInsights/alertRules", noun: "Alert rule"}
	actionKind            = &resourceKind{typ: "Microsoft.SecurityInsights/alertRules/actions", noun: "Action"}
	alertRuleTemplateKind = &resourceKind{typ: "Microsoft.SecurityInsights/AlertRuleTemplates", noun: "Alert rule template"}
)

// msicOptional are the optional properties of a MicrosoftSecurityIncidentCreation rule, which
// the service returns as null when they were not given.
var msicOptional = []string{"description", "severitiesFilter", "displayNamesFilter", "displayNamesExcludeFilter", "alertRuleTemplateName"}

// fusionFromTemplate are the read-only properties of a Fusion rule, which the service copies
// from the rule's template.
var fusionFromTemplate = []string{"displayName", "description", "severity", "tactics", "techniques"}

// isoDurationRE matches the ISO-8601 durations the service accepts: days, hours, minutes
// and seconds.
var isoDurationRE = regexp.MustCompile(`^P(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)

func isDuration(v any) bool {
	s, ok := v.(string)
	return ok && s != "P" && !strings.HasSuffix(s, "T") && isoDurationRE.MatchString(s)
}

var (
	triggerOperators = []string{"GreaterThan", "LessThan", "Equal", "NotEqual"}
	// securityProducts are the productFilter values the service accepts: the five the stable
	// API lists and two it accepts that later API versions list.
	securityProducts = []string{"Microsoft Cloud App Security", "Azure Security Center", "Azure Advanced Threat Protection",
		"Azure Active Directory Identity Protection", "Azure Security Center for IoT",
		"Office 365 Advanced Threat Protection", "Microsoft Defender Advanced Threat Protection"}
)

// validateAlertRule returns the service's 400 message for an invalid rule of a known kind,
// or "". Rules of other kinds (the preview ones) are stored as sent.
func validateAlertRule(kind string, p map[string]any) string {
	required := func(names ...string) string {
		for _, n := range names {
			if v, ok := p[n]; !ok || v == nil {
				return fmt.Sprintf("The %s field is required.", n)
			}
		}
		return ""
	}
	switch kind {
	case "Scheduled":
		if msg := required("displayName", "enabled", "severity", "query", "queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold", "suppressionEnabled", "suppressionDuration"); msg != "" {
			return msg
		}
		if !oneOf(p["severity"], severities) {
			return fmt.Sprintf("Invalid severity '%v'.", p["severity"])
		}
		if !oneOf(p["triggerOperator"], triggerOperators) {
			return fmt.Sprintf("Invalid triggerOperator '%v'.", p["triggerOperator"])
		}
		for _, n := range []string{"queryFrequency", "queryPeriod", "suppressionDuration"} {
			if !isDuration(p[n]) {
				return fmt.Sprintf("The value '%v' of %s is not a valid ISO 8601 duration.", p[n], n)
			}
		}
		if ic, ok := p["incidentConfiguration"].(map[string]any); ok {
			if g, ok := ic["groupingConfiguration"].(map[string]any); ok && g != nil {
				if !isDuration(g["lookbackDuration"]) {
					return "The lookbackDuration of the grouping configuration is not a valid ISO 8601 duration."
				}
				if !oneOf(g["matchingMethod"], []string{"AllEntities", "AnyAlert", "Selected"}) {
					return fmt.Sprintf("Invalid matchingMethod '%v'.", g["matchingMethod"])
				}
			}
		}
	case "MicrosoftSecurityIncidentCreation":
		if msg := required("displayName", "enabled", "productFilter"); msg != "" {
			return msg
		}
		if !oneOf(p["productFilter"], securityProducts) {
			return fmt.Sprintf("Invalid productFilter '%v'.", p["productFilter"])
		}
	case "Fusion":
		return required("alertRuleTemplateName", "enabled")
	}
	return ""
}

func (c *call) putAlertRule(name string) {
	coll := c.ws.coll("alertRules")
	c.putDoc(coll, name, alertRuleKind, func(req map[string]any, old *document) (map[string]any, bool) {
		kind, _ := req["kind"].(string)
		if kind == "" {
			c.fail(http.StatusBadRequest, "BadRequest", "The kind field is required.")
			return nil, false
		}
		if old != nil && old.obj["kind"] != kind {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The kind of alert rule '%s' cannot be changed from %v to %s.", name, old.obj["kind"], kind))
			return nil, false
		}
		props, _ := req["properties"].(map[string]any)
		if props == nil {
			c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
			return nil, false
		}
		if msg := validateAlertRule(kind, props); msg != "" {
			c.fail(http.StatusBadRequest, "BadRequest", msg)
			return nil, false
		}
		props = deepCopy(props).(map[string]any)
		switch kind {
		case "MicrosoftSecurityIncidentCreation":
			for _, k := range msicOptional {
				if _, ok := props[k]; !ok {
					props[k] = nil
				}
			}
		case "Fusion":
			tmpl := c.ws.template(props["alertRuleTemplateName"].(string))
			if tmpl == nil {
				c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Alert rule template '%v' was not found.", props["alertRuleTemplateName"]))
				return nil, false
			}
			tp, _ := tmpl["properties"].(map[string]any)
			for _, k := range fusionFromTemplate {
				if v, ok := tp[k]; ok {
					props[k] = deepCopy(v)
				}
			}
		}
		props["lastModifiedUtc"] = formatTime(c.s.now())
		obj := map[string]any{"kind": kind, "properties": props}
		keepTopLevel(req, obj)
		return obj, true
	})
}

// ruleActions returns the actions collection of the rule in the path, or answers 404.
func (c *call) ruleActions() *collection {
	rule := c.r.PathValue("ruleId")
	if c.ws.coll("alertRules").get(rule) == nil {
		c.notFound(alertRuleKind, rule)
		return nil
	}
	return c.ws.coll("alertRules/" + rule + "/actions")
}

func (c *call) putAction() {
	coll := c.ruleActions()
	if coll == nil {
		return
	}
	c.putDoc(coll, c.r.PathValue("actionId"), actionKind, func(req map[string]any, _ *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		app, _ := props["logicAppResourceId"].(string)
		trigger, _ := props["triggerUri"].(string)
		switch {
		case app == "":
			c.fail(http.StatusBadRequest, "BadRequest", "The logicAppResourceId field is required.")
			return nil, false
		case trigger == "":
			c.fail(http.StatusBadRequest, "BadRequest", "The triggerUri field is required.")
			return nil, false
		case !strings.HasPrefix(trigger, "https://"):
			c.fail(http.StatusBadRequest, "BadRequest", "The triggerUri must be an https URL.")
			return nil, false
		}
		// The trigger URI is a secret: it is used, never returned. Other members are stored
		// as sent.
		stored := deepCopy(props).(map[string]any)
		delete(stored, "triggerUri")
		stored["workflowId"] = strings.ReplaceAll(guidFrom(strings.ToLower(app)), "-", "")
		return map[string]any{"properties": stored}, true
	})
}

// AddAlertRule stores an analytics rule as given (kind, properties and any other members),
// as if created through the API but without validation, so that tests can store rules of
// any kind and shape. It returns the rule's etag.
func (d *WorkspaceData) AddAlertRule(name string, rule map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, "alertRules", name, alertRuleKind, rule)
}

// AlertRule returns a copy of a stored rule as the server would send it, or nil.
func (d *WorkspaceData) AlertRule(name string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll("alertRules").get(name).docCopy()
}

// AlertRuleAction returns a copy of a stored action of a rule, or nil.
func (d *WorkspaceData) AlertRuleAction(rule, action string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll("alertRules/" + rule + "/actions").get(action).docCopy()
}

// AddAlertRuleTemplate stores a rule template (kind and properties) and returns its etag.
func (d *WorkspaceData) AddAlertRuleTemplate(name string, tmpl map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, "alertRuleTemplates", name, alertRuleTemplateKind, tmpl)
}

// SeedAlertRuleTemplates stores three realistic built-in templates, one of each stable kind,
// and returns their names: a scheduled one, a Microsoft security incident creation one and
// the Fusion one. (A Fusion rule can name a built-in template also when it is not stored.)
func (d *WorkspaceData) SeedAlertRuleTemplates() []string {
	var names []string
	for _, t := range builtinTemplates() {
		d.AddAlertRuleTemplate(t.name, t.obj)
		names = append(names, t.name)
	}
	return names
}

// template returns the alert rule template name as stored, or the built-in one of that name
// (the service knows its built-in templates in every workspace), or nil.
func (ws *workspace) template(name string) map[string]any {
	if d := ws.coll("alertRuleTemplates").get(name); d != nil {
		return d.obj
	}
	for _, t := range builtinTemplates() {
		if strings.EqualFold(t.name, name) {
			return t.obj
		}
	}
	return nil
}

type namedTemplate struct {
	name string
	obj  map[string]any
}

// builtinTemplates returns the built-in rule templates the emulator knows: a scheduled one,
// a Microsoft security incident creation one and the Fusion one.
func builtinTemplates() []namedTemplate {
	scheduled := map[string]any{"kind": "Scheduled", "properties": map[string]any{
		"displayName":                      "Changes to Amazon VPC settings",
		"description":                      "This alert monitors changes to Amazon VPC (Virtual Private Cloud) settings such as new ACL entries and routes in route tables.",
		"severity":                         "Low",
		"query":                            "let EventNameList = dynamic([\"CreateNetworkAclEntry\",\"CreateRoute\"]);\nAWSCloudTrail\n| where EventName in~ (EventNameList)\n| extend AccountCustomEntity = UserIdentityArn, IPCustomEntity = SourceIpAddress",
		"queryFrequency":                   "P1D",
		"queryPeriod":                      "P1D",
		"triggerOperator":                  "GreaterThan",
		"triggerThreshold":                 0,
		"tactics":                          []any{"PrivilegeEscalation", "LateralMovement"},
		"techniques":                       []any{"T1078", "T1563"},
		"version":                          "1.0.2",
		"status":                           "Available",
		"createdDateUTC":                   "2019-02-27T00:00:00Z",
		"lastUpdatedDateUTC":               "2021-02-27T10:00:00Z",
		"alertRulesCreatedByTemplateCount": 0,
		"requiredDataConnectors":           []any{map[string]any{"connectorId": "AWS", "dataTypes": []any{"AWSCloudTrail"}}},
		"entityMappings": []any{
			map[string]any{"entityType": "Account", "fieldMappings": []any{map[string]any{"identifier": "FullName", "columnName": "AccountCustomEntity"}}},
			map[string]any{"entityType": "IP", "fieldMappings": []any{map[string]any{"identifier": "Address", "columnName": "IPCustomEntity"}}},
		},
		"eventGroupingSettings": map[string]any{"aggregationKind": "SingleAlert"},
		"customDetails":         map[string]any{"EventName": "EventName"},
	}}
	msic := map[string]any{"kind": "MicrosoftSecurityIncidentCreation", "properties": map[string]any{
		"displayName":                      "Create incidents based on Azure Security Center for IoT alerts",
		"description":                      "Create incidents based on all alerts generated in Azure Security Center for IoT",
		"productFilter":                    "Azure Security Center for IoT",
		"status":                           "Available",
		"createdDateUTC":                   "2020-05-21T00:00:00Z",
		"alertRulesCreatedByTemplateCount": 0,
		"requiredDataConnectors":           []any{map[string]any{"connectorId": "IoT", "dataTypes": []any{"SecurityAlert (ASC for IoT)"}}},
	}}
	fusion := map[string]any{"kind": "Fusion", "properties": map[string]any{
		"displayName":                      "Advanced Multistage Attack Detection",
		"description":                      "Microsoft Sentinel uses Fusion, a correlation engine based on scalable machine learning algorithms, to automatically detect multistage attacks.",
		"severity":                         "High",
		"tactics":                          []any{"Collection", "CommandAndControl", "CredentialAccess", "DefenseEvasion", "Discovery", "Execution", "Exfiltration", "Impact", "InitialAccess", "LateralMovement", "Persistence", "PrivilegeEscalation"},
		"status":                           "Available",
		"createdDateUTC":                   "2019-07-25T00:00:00Z",
		"alertRulesCreatedByTemplateCount": 1,
		"requiredDataConnectors":           []any{},
	}}
	return []namedTemplate{
		{"0d2e1a32-7a6d-4c2b-9a4f-1b8f5d1f3e21", scheduled},
		{"b3cfc7c0-092c-481c-a55b-34a3979758cb", msic},
		{"f71aba3d-28fb-450b-b192-4e76a83015c8", fusion},
	}
}
