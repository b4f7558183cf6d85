package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// TasksAPIVersion is the api-version that incident tasks need: they are not in 2023-02-01
// (DefaultAPIVersion) and first appear in the stable 2024-03-01. The task methods send it
// unless ClientOptions.APIVersion is newer, in which case they send that.
const TasksAPIVersion = "2024-03-01"

// tasksVersion returns the api-version of task requests: "" (the client's) when the client's
// is at least TasksAPIVersion.
func (c *Client) tasksVersion() string {
	if len(c.apiVersion) >= len(TasksAPIVersion) && c.apiVersion[:len(TasksAPIVersion)] >= TasksAPIVersion {
		return ""
	}
	return TasksAPIVersion
}

// IncidentTaskStatus is the status of an incident task.
type IncidentTaskStatus string

// Incident task statuses.
const (
	TaskStatusNew       IncidentTaskStatus = "New"
	TaskStatusCompleted IncidentTaskStatus = "Completed"
)

// IncidentTask is an item of an incident's task list, the checklist analysts work through.
// Its JSON form is the service's wire form, with the properties this SDK does not model kept.
type IncidentTask struct {
	// ID is the ARM resource ID (read-only).
	ID string
	// Name is the task's ID within the incident, chosen by the client that created it.
	Name string
	// Etag identifies the task's version; UpdateTask sends it back to detect conflicts.
	Etag string

	// Title is required.
	Title       string
	Description string
	// Status is New or Completed; CreateTask makes "" New.
	Status IncidentTaskStatus

	// CreatedTime, LastModifiedTime, CreatedBy and LastModifiedBy are set by the service.
	CreatedTime      time.Time
	LastModifiedTime time.Time
	CreatedBy        ClientInfo
	LastModifiedBy   ClientInfo

	unknown incidentUnknown
}

type taskProps struct {
	Title               string             `json:"title"`
	Description         string             `json:"description,omitzero"`
	Status              IncidentTaskStatus `json:"status"`
	CreatedTimeUtc      time.Time          `json:"createdTimeUtc,omitzero"`
	LastModifiedTimeUtc time.Time          `json:"lastModifiedTimeUtc,omitzero"`
	CreatedBy           ClientInfo         `json:"createdBy,omitzero"`
	LastModifiedBy      ClientInfo         `json:"lastModifiedBy,omitzero"`
	Unknown             jsontext.Value     `json:",embed"`
}

// UnknownProperties returns the task's properties this SDK does not model, by name, as raw
// JSON. They are sent back unchanged by UpdateTask.
func (t *IncidentTask) UnknownProperties() map[string][]byte {
	return unknownMembers(t.unknown.props)
}

func (t *IncidentTask) wire() resourceWire[taskProps] {
	return resourceWire[taskProps]{
		ID: t.ID, Name: t.Name, Type: t.unknown.typ, Etag: t.Etag, Unknown: t.unknown.top,
		Properties: taskProps{
			Title: t.Title, Description: t.Description, Status: t.Status,
			CreatedTimeUtc: t.CreatedTime, LastModifiedTimeUtc: t.LastModifiedTime,
			CreatedBy: t.CreatedBy, LastModifiedBy: t.LastModifiedBy, Unknown: t.unknown.props,
		},
	}
}

// UnmarshalJSONFrom decodes the service's wire form.
func (t *IncidentTask) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	var w resourceWire[taskProps]
	if err := json.UnmarshalDecode(dec, &w); err != nil {
		return err
	}
	p := &w.Properties
	*t = IncidentTask{
		ID: w.ID, Name: w.Name, Etag: w.Etag, Title: p.Title, Description: p.Description, Status: p.Status,
		CreatedTime: p.CreatedTimeUtc, LastModifiedTime: p.LastModifiedTimeUtc,
		CreatedBy: p.CreatedBy, LastModifiedBy: p.LastModifiedBy,
		unknown: incidentUnknown{top: w.Unknown, props: p.Unknown, typ: w.Type},
	}
	return nil
}

// MarshalJSONTo encodes the service's wire form.
func (t IncidentTask) MarshalJSONTo(enc *jsontext.Encoder) error {
	w := t.wire()
	return json.MarshalEncode(enc, &w)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (t *IncidentTask) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, t, decodeOptions) }

// MarshalJSON encodes the service's wire form, for encoding/json.
func (t IncidentTask) MarshalJSON() ([]byte, error) { return json.Marshal(t, encodeOptions) }

// ListTasksOptions are the options of ListTasks; none yet (the API has no OData options for
// tasks).
type ListTasksOptions struct{}

// ListTasks returns a pager over an incident's tasks (GET .../incidents/{incidentId}/tasks,
// api-version TasksAPIVersion or newer). Invalid arguments are reported by the first
// NextPage.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/tasks
func (c *Client) ListTasks(incidentID string, _ *ListTasksOptions) *Pager[IncidentTask] {
	if err := checkID("incidentID", incidentID); err != nil {
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
	if err := checkID("incidentID", incidentID); err != nil {
		return IncidentTask{}, err
	}
	if err := checkID("taskID", taskID); err != nil {
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
func (c *Client) CreateTask(ctx context.Context, incidentID string, task IncidentTask, opts *CreateTaskOptions) (IncidentTask, error) {
	if err := checkID("incidentID", incidentID); err != nil {
		return IncidentTask{}, err
	}
	if task.Status == "" {
		task.Status = TaskStatusNew
	}
	if err := validateTask(&task); err != nil {
		return IncidentTask{}, err
	}
	id := ""
	if opts != nil {
		id = opts.ID
	}
	if id == "" {
		id = newGUID()
	}
	if err := checkID("CreateTaskOptions.ID", id); err != nil {
		return IncidentTask{}, err
	}
	body := resourceWire[taskProps]{Properties: taskProps{Title: task.Title, Description: task.Description, Status: task.Status, Unknown: task.unknown.props}}
	out, err := c.putTask(ctx, "Client.CreateTask", incidentID, id, &body)
	if err != nil && isConflict(err) {
		existing, gerr := c.GetTask(ctx, incidentID, id, nil)
		if gerr == nil && existing.Title == task.Title && existing.Description == task.Description {
			return existing, nil
		}
		return IncidentTask{}, fmt.Errorf("sentinel: task %s of incident %s already exists with another title or description: %w", id, incidentID, err)
	}
	return out, err
}

func (c *Client) putTask(ctx context.Context, op, incidentID, taskID string, body *resourceWire[taskProps]) (IncidentTask, error) {
	var out IncidentTask
	err := c.call(ctx, &request{op: op, method: http.MethodPut, path: c.path("incidents", incidentID, "tasks", taskID), apiVersion: c.tasksVersion(), body: body, ok: okPut}, &out)
	return out, err
}

func validateTask(t *IncidentTask) error {
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

// UpdateTaskOptions are the options of UpdateTask and CompleteTask.
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
	if err := checkID("incidentID", incidentID); err != nil {
		return IncidentTask{}, err
	}
	if err := checkID("taskID", taskID); err != nil {
		return IncidentTask{}, err
	}
	if upd.Title != nil && strings.TrimSpace(*upd.Title) == "" {
		return IncidentTask{}, argError("IncidentTaskUpdate.Title", "must not be empty")
	}
	if upd.Status != nil && *upd.Status == "" {
		return IncidentTask{}, argError("IncidentTaskUpdate.Status", "must not be empty")
	}
	attempts := 5
	if opts != nil && opts.MaxAttempts > 0 {
		attempts = opts.MaxAttempts
	}
	var lastErr error
	for range attempts {
		task, err := c.GetTask(ctx, incidentID, taskID, nil)
		if err != nil {
			return IncidentTask{}, err
		}
		if upd.Title != nil {
			task.Title = *upd.Title
		}
		if upd.Description != nil {
			task.Description = *upd.Description
		}
		if upd.Status != nil {
			task.Status = *upd.Status
		}
		w := task.wire()
		w.ID, w.Type = "", "" // read-only envelope
		out, err := c.putTask(ctx, "Client.UpdateTask", incidentID, taskID, &w)
		if err == nil || !isConflict(err) {
			return out, err
		}
		lastErr = err
	}
	return IncidentTask{}, fmt.Errorf("sentinel: task %s of incident %s changed concurrently %d times in a row: %w", taskID, incidentID, attempts, lastErr)
}

// CompleteTask marks a task Completed. It is UpdateTask with Status.
func (c *Client) CompleteTask(ctx context.Context, incidentID, taskID string, opts *UpdateTaskOptions) (IncidentTask, error) {
	s := TaskStatusCompleted
	return c.UpdateTask(ctx, incidentID, taskID, IncidentTaskUpdate{Status: &s}, opts)
}

// DeleteTaskOptions are the options of DeleteTask; none yet.
type DeleteTaskOptions struct{}

// DeleteTask deletes a task (DELETE .../incidents/{incidentId}/tasks/{taskId}, api-version
// TasksAPIVersion or newer). Deleting a task that does not exist succeeds.
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/tasks/{incidentTaskId}
func (c *Client) DeleteTask(ctx context.Context, incidentID, taskID string, _ *DeleteTaskOptions) error {
	if err := checkID("incidentID", incidentID); err != nil {
		return err
	}
	if err := checkID("taskID", taskID); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteTask", method: http.MethodDelete, path: c.path("incidents", incidentID, "tasks", taskID), apiVersion: c.tasksVersion(), ok: okDelete}, nil)
}
