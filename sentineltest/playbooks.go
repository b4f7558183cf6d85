package sentineltest

import (
	"fmt"
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("POST", "incidents/{incidentId}/runPlaybook", func(c *call) { c.runIncidentPlaybook() })
		s.route("POST", "entities/{entityId}/runPlaybook", func(c *call) { c.runEntityPlaybook() })
	})
}

// servedAt reports whether the request's api-version has f; when not, it answers as the
// service answers a path its version does not define (the router's 404 InvalidResourceType).
func (c *call) servedAt(f feature) bool {
	if c.version.has(f) {
		return true
	}
	c.fail(http.StatusNotFound, "InvalidResourceType", fmt.Sprintf("The resource type '%s' could not be found in the namespace 'Microsoft.SecurityInsights' for api version '%s'.", resourceTypeOf(c.r.URL.Path), c.version))
	return false
}

// playbookRequest reads the body of a runPlaybook request: logicAppsResourceId (required, the
// ARM ID of a Logic App) and tenantId (a GUID when given). It answers 400 and returns nil
// when the body is invalid.
func (c *call) playbookRequest() map[string]any {
	req := c.readObject()
	if req == nil {
		return nil
	}
	id, _ := req["logicAppsResourceId"].(string)
	if !playbookIDRE.MatchString(id) {
		c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The logicAppsResourceId '%s' is not the resource ID of a Logic App.", id))
		return nil
	}
	if t, ok := req["tenantId"]; ok && t != nil {
		if s, _ := t.(string); !guidRE.MatchString(s) {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The tenantId '%v' is not a valid GUID.", t))
			return nil
		}
	}
	return req
}

// runIncidentPlaybook answers POST .../incidents/{id}/runPlaybook: 204 once the run is
// recorded.
func (c *call) runIncidentPlaybook() {
	if !c.servedAt(featRunPlaybook) {
		return
	}
	inc := c.parentIncident()
	if inc == nil {
		return
	}
	req := c.playbookRequest()
	if req == nil {
		return
	}
	c.recordPlaybook(req, inc.name, "")
	c.noContent()
}

// runEntityPlaybook answers POST .../entities/{id}/runPlaybook: the entity must be one of the
// workspace's incidents' entities (of the incident incidentArmId names, when given); 204 once
// the run is recorded.
func (c *call) runEntityPlaybook() {
	if !c.servedAt(featRunPlaybook) {
		return
	}
	req := c.playbookRequest()
	if req == nil {
		return
	}
	entity := c.r.PathValue("entityId")
	incidents := c.ws.coll("incidents").sorted()
	incident := ""
	if v, ok := req["incidentArmId"]; ok && v != nil {
		armID, _ := v.(string)
		prefix := strings.ToLower(c.ws.resourceID("incidents") + "/")
		if !strings.HasPrefix(strings.ToLower(armID), prefix) || strings.Contains(armID[len(prefix):], "/") {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The incidentArmId '%s' is not the resource ID of an incident of this workspace.", armID))
			return
		}
		inc := c.ws.coll("incidents").get(armID[len(prefix):])
		if inc == nil {
			c.notFound(incidentKind, armID[len(prefix):])
			return
		}
		incident, incidents = inc.name, []*document{inc}
	}
	found := false
	for _, inc := range incidents {
		if c.ws.hasEntity(inc, entity) {
			found = true
			break
		}
	}
	if !found {
		c.fail(http.StatusNotFound, "NotFound", fmt.Sprintf("Entity '%s' was not found.", entity))
		return
	}
	c.recordPlaybook(req, incident, entity)
	c.noContent()
}

// hasEntity reports whether name is one of the incident's entities.
func (ws *workspace) hasEntity(inc *document, name string) bool {
	env := &ruleEnv{ws: ws, inc: inc}
	env.readDetails()
	for _, e := range env.entities {
		if n, _ := e["name"].(string); strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func (c *call) recordPlaybook(req map[string]any, incident, entity string) {
	id, _ := req["logicAppsResourceId"].(string)
	tenant, _ := req["tenantId"].(string)
	l := c.ws.automationLog()
	l.playbooks = append(l.playbooks, PlaybookRun{LogicAppResourceID: id, TenantID: tenant, Incident: incident, Entity: entity, Time: c.s.now()})
}
