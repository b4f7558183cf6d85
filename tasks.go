package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// TasksAPIVersion is the api-version that incident tasks need: they are not in 2023-02-01 and
// first appear in the stable 2024-03-01. The task methods send it when
// ClientOptions.APIVersion is older; at DefaultAPIVersion or any newer version they send the
// client's.
const TasksAPIVersion = "2024-03-01"

// tasksVersion returns the api-version of task requests: "" (the client's) when the client's
// is at least TasksAPIVersion.
func (c *Client) tasksVersion() string { return c.versionAtLeast(TasksAPIVersion) }

// versionAtLeast returns the api-version of a request to an API that first appears in the
// stable version min: "" (the client's) when the client's is min or newer (by its date, so a
// preview of a later date counts), otherwise min.
func (c *Client) versionAtLeast(min string) string {
	if len(c.apiVersion) >= len(min) && c.apiVersion[:len(min)] >= min {
		return ""
	}
	return min
}

// IncidentTaskStatus is the status of an incident task.
type IncidentTaskStatus string

// Incident task statuses.
const (
	TaskStatusNew       IncidentTaskStatus = "New"
	TaskStatusCompleted IncidentTaskStatus = "Completed"
)

// IncidentTask is an item of an incident's task list, the checklist analysts work through.
// Its fields read flat (t.Title, t.Etag); on the wire IncidentTaskProperties sit under
// "properties". Members this SDK does not model are kept at every level.
type IncidentTask struct {
	Resource
	IncidentTaskProperties `json:"properties"`
	Unknown                jsontext.Value `json:",embed"`
}

// IncidentTaskProperties are a task's "properties". Fields marked read-only are set by the
// service.
type IncidentTaskProperties struct {
	// Title is required.
	Title       string `json:"title"`
	Description string `json:"description,omitzero"`
	// Status is New or Completed; CreateTask makes "" New.
	Status IncidentTaskStatus `json:"status"`

	// CreatedTime, LastModifiedTime, CreatedBy and LastModifiedBy are set by the service.
	CreatedTime      time.Time      `json:"createdTimeUtc,omitzero"`
	LastModifiedTime time.Time      `json:"lastModifiedTimeUtc,omitzero"`
	CreatedBy        ClientInfo     `json:"createdBy,omitzero"`
	LastModifiedBy   ClientInfo     `json:"lastModifiedBy,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// ListTasksOptions are the options of ListTasks; none yet (the API has no OData options for
// tasks).
type ListTasksOptions struct{}

// ListTasks returns a pager over an incident's tasks (GET .../incidents/{incidentId}/tasks,
// api-version TasksAPIVersion or newer). Invalid arguments are reported by the first
// NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/tasks
func (c *Client) ListTasks(incidentID string, _ *ListTasksOptions) *Pager[IncidentTask] {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return errPager[IncidentTask](err)
	}
	return newPager[IncidentTask](c, &request{op: "Client.ListTasks", method: http.MethodGet, path: c.path("incidents", incidentID, "tasks"), apiVersion: c.tasksVersion()})
}

// GetTaskOptions are the options of GetTask; none yet.
type GetTaskOptions struct{}

// GetTask returns one task of an incident (GET .../incidents/{incidentId}/tasks/{taskId},
// api-version TasksAPIVersion or newer). A missing task is a *ResponseError that matches
// ErrNotFound.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/tasks/{incidentTaskId}
func (c *Client) GetTask(ctx context.Context, incidentID, taskID string, _ *GetTaskOptions) (IncidentTask, error) {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentTask{}, err
	}
	if err := c.resourceName("taskID", &taskID, "incidents", incidentID, "tasks"); err != nil {
		return IncidentTask{}, err
	}
	var out IncidentTask
	err := c.call(ctx, &request{op: "Client.GetTask", method: http.MethodGet, path: c.path("incidents", incidentID, "tasks", taskID), apiVersion: c.tasksVersion()}, &out)
	return out, err
}

// CreateTaskOptions are the options of CreateTask.
type CreateTaskOptions struct {
	// ID is the new task's ID; "" means a new random GUID. Give a stable ID to make a
	// repeated CreateTask (a playbook run again) idempotent.
	ID string
}

// CreateTask adds a task to an incident (PUT .../incidents/{incidentId}/tasks/{id},
// api-version TasksAPIVersion or newer). Title is required; an empty Status means New;
// read-only fields are ignored. The ID is CreateTaskOptions.ID or a new GUID generated once
// per call, so a retried request cannot create the task twice. A task that already has the
// ID is overwritten: the service keeps the last write of a PUT without an etag.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/tasks/{incidentTaskId}
func (c *Client) CreateTask(ctx context.Context, incidentID string, task IncidentTaskProperties, opts *CreateTaskOptions) (IncidentTask, error) {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentTask{}, err
	}
	if task.Status == "" {
		task.Status = TaskStatusNew
	}
	if err := validateTask(&task); err != nil {
		return IncidentTask{}, err
	}
	id := optionsOf(opts).ID
	if id == "" {
		id = newGUID()
	}
	if err := checkID("CreateTaskOptions.ID", id); err != nil {
		return IncidentTask{}, err
	}
	return createOnce(fmt.Sprintf("task %s of incident %s", id, incidentID),
		func() (IncidentTask, error) {
			return c.putTask(ctx, "Client.CreateTask", incidentID, id, IncidentTask{IncidentTaskProperties: task})
		},
		func() (IncidentTask, error) { return c.GetTask(ctx, incidentID, id, nil) },
		func(existing IncidentTask) bool {
			return existing.Title == task.Title && existing.Description == task.Description
		})
}

func (c *Client) putTask(ctx context.Context, op, incidentID, taskID string, task IncidentTask) (IncidentTask, error) {
	clearReadOnly(&task.Resource)
	var out IncidentTask
	err := c.call(ctx, &request{op: op, method: http.MethodPut, path: c.path("incidents", incidentID, "tasks", taskID), apiVersion: c.tasksVersion(), body: &task, ok: okPut}, &out)
	return out, err
}

func validateTask(t *IncidentTaskProperties) error {
	switch {
	case strings.TrimSpace(t.Title) == "":
		return argError("IncidentTask.Title", "is required")
	case t.Status == "":
		return argError("IncidentTask.Status", "is required")
	}
	return nil
}

// IncidentTaskUpdate is a change to a task: nil fields stay as they are.
type IncidentTaskUpdate struct {
	Title       *string
	Description *string
	Status      *IncidentTaskStatus
}

// UpdateTaskOptions are the options of UpdateTask.
type UpdateTaskOptions struct {
	// MaxAttempts bounds the read-modify-write attempts when the service answers 409
	// Conflict because the task changed in between; 0 means 5.
	MaxAttempts int
}

// UpdateTask changes a task (api-version TasksAPIVersion or newer). The API has no PATCH:
// UpdateTask reads the task (GET), applies upd, and writes it back (PUT) with the etag it
// read, keeping properties this SDK does not model. When the service answers 409 Conflict
// because the task changed in between, it reads it again and re-applies the change, up to
// MaxAttempts times, then returns an error matching ErrConflict. It returns the stored task.
func (c *Client) UpdateTask(ctx context.Context, incidentID, taskID string, upd IncidentTaskUpdate, opts *UpdateTaskOptions) (IncidentTask, error) {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return IncidentTask{}, err
	}
	if err := c.resourceName("taskID", &taskID, "incidents", incidentID, "tasks"); err != nil {
		return IncidentTask{}, err
	}
	if upd.Title != nil && strings.TrimSpace(*upd.Title) == "" {
		return IncidentTask{}, argError("IncidentTaskUpdate.Title", "must not be empty")
	}
	if upd.Status != nil && *upd.Status == "" {
		return IncidentTask{}, argError("IncidentTaskUpdate.Status", "must not be empty")
	}
	attempts := optionsOf(opts).MaxAttempts
	return readModifyWrite(attempts, fmt.Sprintf("task %s of incident %s", taskID, incidentID),
		func() (IncidentTask, error) { return c.GetTask(ctx, incidentID, taskID, nil) },
		func(task *IncidentTask) error {
			if upd.Title != nil {
				task.Title = *upd.Title
			}
			if upd.Description != nil {
				task.Description = *upd.Description
			}
			if upd.Status != nil {
				task.Status = *upd.Status
			}
			return nil
		},
		func(task IncidentTask) (IncidentTask, error) {
			return c.putTask(ctx, "Client.UpdateTask", incidentID, taskID, task)
		})
}

// CompleteTaskOptions are the options of CompleteTask.
type CompleteTaskOptions struct {
	// MaxAttempts is UpdateTaskOptions.MaxAttempts.
	MaxAttempts int
}

// CompleteTask marks a task Completed: UpdateTask with Status, one GET and one PUT.
func (c *Client) CompleteTask(ctx context.Context, incidentID, taskID string, opts *CompleteTaskOptions) (IncidentTask, error) {
	s := TaskStatusCompleted
	var o UpdateTaskOptions
	if opts != nil {
		o.MaxAttempts = opts.MaxAttempts
	}
	return c.UpdateTask(ctx, incidentID, taskID, IncidentTaskUpdate{Status: &s}, &o)
}

// DeleteTaskOptions are the options of DeleteTask; none yet.
type DeleteTaskOptions struct{}

// DeleteTask deletes a task (DELETE .../incidents/{incidentId}/tasks/{taskId}, api-version
// TasksAPIVersion or newer). Deleting a task that does not exist succeeds.
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/tasks/{incidentTaskId}
func (c *Client) DeleteTask(ctx context.Context, incidentID, taskID string, _ *DeleteTaskOptions) error {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return err
	}
	if err := c.resourceName("taskID", &taskID, "incidents", incidentID, "tasks"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteTask", method: http.MethodDelete, path: c.path("incidents", incidentID, "tasks", taskID), apiVersion: c.tasksVersion(), ok: okDelete}, nil)
}
