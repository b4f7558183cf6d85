package sentineltest

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "automationRules", func(c *call) { c.page(c.ws.coll("automationRules").sorted(), 0) })
		s.route("GET", "automationRules/{ruleId}", func(c *call) {
			c.getDoc(c.ws.coll("automationRules"), automationRuleKind, c.r.PathValue("ruleId"))
		})
		s.route("PUT", "automationRules/{ruleId}", func(c *call) { c.putAutomationRule(c.r.PathValue("ruleId")) })
		s.route("DELETE", "automationRules/{ruleId}", func(c *call) {
			c.deleteDoc(c.ws.coll("automationRules"), c.r.PathValue("ruleId"))
		})
	})
}

var automationRuleKind = &resourceKind{typ: "Microsoft.SecurityInsights/automationRules", noun: "Automation rule"}

// The automation rule vocabulary of the service: the values of its enums, by api-version
// where they differ (see featAutomation2025).
var (
	triggerTargets   = []string{"Incidents", "Alerts"}
	triggerEvents    = []string{"Created", "Updated"}
	conditionTypes   = []string{"Property", "PropertyChanged", "PropertyArrayChanged"}
	conditionTypes25 = []string{"PropertyArray", "Boolean"}
	actionTypes      = []string{"ModifyProperties", "RunPlaybook"}
	actionTypes25    = []string{"AddIncidentTask"}
	ruleOperators    = []string{"Equals", "NotEquals", "Contains", "NotContains", "StartsWith", "NotStartsWith", "EndsWith", "NotEndsWith"}
	// ruleProperties are the properties of Property conditions: the incident's, its alerts'
	// and its entities' (see entityProperties).
	ruleProperties = []string{"IncidentTitle", "IncidentDescription", "IncidentSeverity", "IncidentStatus",
		"IncidentRelatedAnalyticRuleIds", "IncidentTactics", "IncidentLabel", "IncidentProviderName", "IncidentUpdatedBySource",
		"AlertProductNames", "AlertAnalyticRuleIds"}
	ruleProperties25 = []string{"IncidentCustomDetailsKey", "IncidentCustomDetailsValue"}
	changedProps     = []string{"IncidentSeverity", "IncidentStatus", "IncidentOwner"}
	changeTypes      = []string{"ChangedFrom", "ChangedTo"}
	changedArrays    = []string{"Alerts", "Labels", "Tactics", "Comments"}
	arrayTypes       = []string{"CustomDetails", "CustomDetailValues"}
	arrayConditions  = []string{"AnyItem", "AllItems"}
	booleanOperators = []string{"And", "Or"}
)

// Limits of automation rules, from the API's schema.
const (
	maxRuleDisplayName = 500
	maxRuleOrder       = 1000
	maxRuleConditions  = 50
	maxRuleActions     = 20
	maxItemConditions  = 10
	minInnerConditions = 2
	maxInnerConditions = 10
)

// playbookIDRE matches the ARM ID of a playbook: a Logic App workflow or a Logic App Standard
// site, as the API's logicAppResourceId allows.
var playbookIDRE = regexp.MustCompile(`(?i)^/subscriptions/[0-9a-f-]{36}/resourceGroups/[^/]+/providers/(Microsoft\.Logic/workflows|Microsoft\.Web/sites)/[^/]+$`)

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (c *call) putAutomationRule(name string) {
	c.putDoc(c.ws.coll("automationRules"), name, automationRuleKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		if props == nil {
			c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
			return nil, false
		}
		if msg := validateAutomationRule(props, c.version, c.s.now()); msg != "" {
			c.fail(http.StatusBadRequest, "BadRequest", msg)
			return nil, false
		}
		props = deepCopy(props).(map[string]any)
		now := formatTime(c.s.now())
		if old != nil {
			props["createdTimeUtc"] = old.props()["createdTimeUtc"]
			props["createdBy"] = old.props()["createdBy"]
		} else {
			props["createdTimeUtc"] = now
			props["createdBy"] = callerInfo()
		}
		props["lastModifiedTimeUtc"] = now
		props["lastModifiedBy"] = callerInfo()
		obj := map[string]any{"properties": props}
		keepTopLevel(req, obj)
		return obj, true
	})
}

// validateAutomationRule returns the service's 400 message for an invalid rule at api-version
// v, or "". Besides the schema's limits and enums, it refuses what the API's descriptions
// make impossible: change conditions (PropertyChanged, PropertyArrayChanged) on a rule that
// does not run on updates, and incident actions (ModifyProperties, AddIncidentTask) on a rule
// that does not run on incidents; and an expiration that is not in the future.
func validateAutomationRule(p map[string]any, v apiVersion, now time.Time) string {
	name, ok := p["displayName"].(string)
	if !ok || strings.TrimSpace(name) == "" {
		return "The displayName field is required."
	}
	if n := len([]rune(name)); n > maxRuleDisplayName {
		return fmt.Sprintf("The displayName field must be at most %d characters long.", maxRuleDisplayName)
	}
	if n, ok := number(p["order"]); !ok || n != float64(int(n)) || n < 1 || n > maxRuleOrder {
		return fmt.Sprintf("The order field must be an integer between 1 and %d.", maxRuleOrder)
	}
	tl, _ := p["triggeringLogic"].(map[string]any)
	if tl == nil {
		return "The triggeringLogic field is required."
	}
	if _, ok := tl["isEnabled"].(bool); !ok {
		return "The triggeringLogic.isEnabled field is required."
	}
	on, when := tl["triggersOn"], tl["triggersWhen"]
	if !oneOf(on, triggerTargets) {
		return fmt.Sprintf("Invalid triggersOn '%v'.", on)
	}
	if !oneOf(when, triggerEvents) {
		return fmt.Sprintf("Invalid triggersWhen '%v'.", when)
	}
	if e, ok := tl["expirationTimeUtc"]; ok && e != nil {
		s, _ := e.(string)
		t, err := parseTime(s)
		if err != nil {
			return fmt.Sprintf("The expirationTimeUtc '%v' is not a valid date-time.", e)
		}
		if !t.After(now) {
			return "The expirationTimeUtc must be in the future."
		}
	}
	conds, ok := arrayOf(tl["conditions"])
	if !ok {
		return "The triggeringLogic.conditions field must be an array."
	}
	if len(conds) > maxRuleConditions {
		return fmt.Sprintf("An automation rule can have at most %d conditions.", maxRuleConditions)
	}
	for _, cond := range conds {
		if msg := validateRuleCondition(cond, v, when == "Updated"); msg != "" {
			return msg
		}
	}
	actions, ok := p["actions"].([]any)
	if !ok {
		return "The actions field is required."
	}
	if len(actions) > maxRuleActions {
		return fmt.Sprintf("An automation rule can have at most %d actions.", maxRuleActions)
	}
	for _, a := range actions {
		if msg := validateRuleAction(a, v, on == "Incidents"); msg != "" {
			return msg
		}
	}
	return ""
}

// arrayOf returns v as an array: absent and null are empty.
func arrayOf(v any) ([]any, bool) {
	if v == nil {
		return nil, true
	}
	a, ok := v.([]any)
	return a, ok
}

// knownAt reports whether s is one of base, or of since25 at a version with
// featAutomation2025.
func knownAt(s any, v apiVersion, base, since25 []string) bool {
	return oneOf(s, base) || (v.has(featAutomation2025) && oneOf(s, since25))
}

func validateRuleCondition(x any, v apiVersion, onUpdate bool) string {
	cond, _ := x.(map[string]any)
	if cond == nil {
		return "A condition must be an object."
	}
	typ := cond["conditionType"]
	if !knownAt(typ, v, conditionTypes, conditionTypes25) {
		return fmt.Sprintf("The conditionType '%v' is not supported in api-version '%s'.", typ, v)
	}
	p, _ := cond["conditionProperties"].(map[string]any)
	if p == nil {
		return "The conditionProperties field is required."
	}
	switch typ {
	case "Property":
		if !knownAt(p["propertyName"], v, ruleProperties, ruleProperties25) && entityProperties[fmt.Sprint(p["propertyName"])].kind == "" {
			return fmt.Sprintf("The propertyName '%v' is not supported in api-version '%s'.", p["propertyName"], v)
		}
		if !oneOf(p["operator"], ruleOperators) {
			return fmt.Sprintf("Invalid operator '%v'.", p["operator"])
		}
	case "PropertyChanged":
		if !onUpdate {
			return "A PropertyChanged condition is supported only on rules triggered when objects are updated."
		}
		if !oneOf(p["propertyName"], changedProps) {
			return fmt.Sprintf("Invalid propertyName '%v' of a PropertyChanged condition.", p["propertyName"])
		}
		if !oneOf(p["changeType"], changeTypes) {
			return fmt.Sprintf("Invalid changeType '%v'.", p["changeType"])
		}
		if op, ok := p["operator"]; ok && op != nil && !oneOf(op, ruleOperators) {
			return fmt.Sprintf("Invalid operator '%v'.", op)
		}
	case "PropertyArrayChanged":
		if !onUpdate {
			return "A PropertyArrayChanged condition is supported only on rules triggered when objects are updated."
		}
		if !oneOf(p["arrayType"], changedArrays) {
			return fmt.Sprintf("Invalid arrayType '%v'.", p["arrayType"])
		}
		if p["changeType"] != "Added" {
			return fmt.Sprintf("Invalid changeType '%v'.", p["changeType"])
		}
	case "PropertyArray":
		if !oneOf(p["arrayType"], arrayTypes) {
			return fmt.Sprintf("Invalid arrayType '%v'.", p["arrayType"])
		}
		if !oneOf(p["arrayConditionType"], arrayConditions) {
			return fmt.Sprintf("Invalid arrayConditionType '%v'.", p["arrayConditionType"])
		}
		items, ok := arrayOf(p["itemConditions"])
		if !ok || len(items) > maxItemConditions {
			return fmt.Sprintf("The itemConditions field must be an array of at most %d conditions.", maxItemConditions)
		}
		for _, item := range items {
			if msg := validateRuleCondition(item, v, onUpdate); msg != "" {
				return msg
			}
		}
	case "Boolean":
		if !oneOf(p["operator"], booleanOperators) {
			return fmt.Sprintf("Invalid operator '%v' of a Boolean condition.", p["operator"])
		}
		inner, ok := arrayOf(p["innerConditions"])
		if !ok || len(inner) < minInnerConditions || len(inner) > maxInnerConditions {
			return fmt.Sprintf("The innerConditions field must have %d to %d conditions.", minInnerConditions, maxInnerConditions)
		}
		for _, c := range inner {
			if msg := validateRuleCondition(c, v, onUpdate); msg != "" {
				return msg
			}
		}
	}
	return ""
}

func validateRuleAction(x any, v apiVersion, onIncidents bool) string {
	a, _ := x.(map[string]any)
	if a == nil {
		return "An action must be an object."
	}
	typ := a["actionType"]
	if !knownAt(typ, v, actionTypes, actionTypes25) {
		return fmt.Sprintf("The actionType '%v' is not supported in api-version '%s'.", typ, v)
	}
	if _, ok := number(a["order"]); !ok {
		return "The order field of an action is required."
	}
	cfg, _ := a["actionConfiguration"].(map[string]any)
	if cfg == nil {
		return "The actionConfiguration field is required."
	}
	switch typ {
	case "ModifyProperties":
		if !onIncidents {
			return "A ModifyProperties action is supported only on rules triggered on incidents."
		}
		for k, set := range map[string][]string{"severity": severities, "status": statuses} {
			if x, ok := cfg[k]; ok && x != nil && !oneOf(x, set) {
				return fmt.Sprintf("Invalid %s '%v'.", k, x)
			}
		}
		if cls, ok := cfg["classification"].(string); ok && cls != "" {
			if _, known := classifications[cls]; !known {
				return fmt.Sprintf("Invalid classification '%s'.", cls)
			}
		}
		if owner, _ := cfg["owner"].(map[string]any); owner != nil {
			if id, ok := owner["objectId"].(string); ok && id != "" && !guidRE.MatchString(id) {
				return fmt.Sprintf("The owner objectId '%s' is not a valid GUID.", id)
			}
		}
		labels, ok := arrayOf(cfg["labels"])
		if !ok {
			return "The labels field must be an array."
		}
		for _, l := range labels {
			m, _ := l.(map[string]any)
			if n, _ := m["labelName"].(string); strings.TrimSpace(n) == "" {
				return "The labelName field is required."
			}
		}
	case "RunPlaybook":
		id, _ := cfg["logicAppResourceId"].(string)
		if !playbookIDRE.MatchString(id) {
			return fmt.Sprintf("The logicAppResourceId '%s' is not the resource ID of a Logic App.", id)
		}
		if t, ok := cfg["tenantId"]; ok && t != nil {
			if s, _ := t.(string); !guidRE.MatchString(s) {
				return fmt.Sprintf("The tenantId '%v' is not a valid GUID.", t)
			}
		}
	case "AddIncidentTask":
		if !onIncidents {
			return "An AddIncidentTask action is supported only on rules triggered on incidents."
		}
		if t, _ := cfg["title"].(string); strings.TrimSpace(t) == "" {
			return "The title field of the task is required."
		}
	}
	return ""
}

// AddAutomationRule stores an automation rule with the given properties (displayName, order,
// triggeringLogic, actions), as if written through the API but without its checks, and
// returns its etag. The server sets the envelope and the created and modified times and
// authors. Rules run on the workspace's incidents as those written through the API do.
func (d *WorkspaceData) AddAutomationRule(name string, props map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	props = deepCopy(props).(map[string]any)
	now := formatTime(d.s.now())
	props["createdTimeUtc"], props["lastModifiedTimeUtc"] = now, now
	props["createdBy"], props["lastModifiedBy"] = callerInfo(), callerInfo()
	return d.ws.storeDoc(d.s, "automationRules", name, automationRuleKind, map[string]any{"properties": props})
}

// AutomationRule returns a copy of a stored automation rule as the API would answer it, or
// nil when it does not exist.
func (d *WorkspaceData) AutomationRule(name string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll("automationRules").get(name).docCopy()
}
