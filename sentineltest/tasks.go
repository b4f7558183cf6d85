package sentineltest

import (
	"fmt"
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "incidents/{incidentId}/tasks", func(c *call) {
			if inc := c.taskParent(); inc != nil {
				c.page(c.ws.tasks(inc).sorted(), 0)
			}
		})
		s.route("GET", "incidents/{incidentId}/tasks/{taskId}", func(c *call) {
			if inc := c.taskParent(); inc != nil {
				c.getDoc(c.ws.tasks(inc), taskKind, c.r.PathValue("taskId"))
			}
		})
		s.route("PUT", "incidents/{incidentId}/tasks/{taskId}", func(c *call) { c.putTask() })
		s.route("DELETE", "incidents/{incidentId}/tasks/{taskId}", func(c *call) {
			if inc := c.taskParent(); inc != nil {
				c.deleteDoc(c.ws.tasks(inc), c.r.PathValue("taskId"))
			}
		})
	})
}

var taskKind = &resourceKind{typ: "Microsoft.SecurityInsights/Incidents/tasks", noun: "Task"}

const (
	// TasksMinAPIVersion is the oldest api-version the emulator serves incident tasks for,
	// as the service: older versions are answered 400 NoRegisteredProviderFound.
	TasksMinAPIVersion = "2024-03-01"
)

func (ws *workspace) tasks(inc *document) *collection { return ws.child(inc, "tasks") }

// taskParent checks the api-version, then returns the parent incident (or answers and
// returns nil).
func (c *call) taskParent() *document {
	if !c.version.has(featIncidentTasks) {
		c.fail(http.StatusBadRequest, "NoRegisteredProviderFound", fmt.Sprintf(
			"No registered resource provider found for location 'westeurope' and API version '%s' for type 'incidents/tasks'. The supported api-versions are '%s, 2024-09-01, 2025-03-01'.", c.version, TasksMinAPIVersion))
		return nil
	}
	return c.parentIncident()
}

func (c *call) putTask() {
	inc := c.taskParent()
	if inc == nil {
		return
	}
	c.putDoc(c.ws.tasks(inc), c.r.PathValue("taskId"), taskKind, func(req map[string]any, old *document) (map[string]any, bool) {
		props, _ := req["properties"].(map[string]any)
		if t, _ := props["title"].(string); strings.TrimSpace(t) == "" {
			c.fail(http.StatusBadRequest, "BadRequest", "The title field is required.")
			return nil, false
		}
		if !oneOf(props["status"], []string{"New", "Completed"}) {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid status '%v'.", props["status"]))
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
		return map[string]any{"properties": props}, true
	})
}

// Tasks returns copies of an incident's tasks in creation order, or nil when the incident
// does not exist.
func (d *WorkspaceData) Tasks(incident string) []map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	inc := d.ws.coll("incidents").get(incident)
	if inc == nil {
		return nil
	}
	var out []map[string]any
	for _, doc := range d.ws.tasks(inc).sorted() {
		out = append(out, deepCopy(doc.obj).(map[string]any))
	}
	return out
}

// ModifyTask changes a task's properties in place, as another analyst would: f edits the
// properties; the server then sets a new etag and lastModifiedTimeUtc. It reports whether
// the task exists.
func (d *WorkspaceData) ModifyTask(incident, task string, f func(props map[string]any)) bool {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	inc := d.ws.coll("incidents").get(incident)
	if inc == nil {
		return false
	}
	doc := d.ws.tasks(inc).get(task)
	if doc == nil {
		return false
	}
	f(doc.props())
	doc.props()["lastModifiedTimeUtc"] = formatTime(d.s.now())
	doc.obj["etag"] = d.s.newEtag()
	doc.touch()
	return true
}
