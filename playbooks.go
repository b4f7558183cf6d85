package sentinel

import (
	"context"
	"net/http"
	"strings"
)

// RunPlaybookAPIVersion is the api-version that running a playbook on an incident or an
// entity needs: the operations are not in 2023-02-01, and 2025-12-01 is the oldest stable
// version known to have them. RunIncidentPlaybook and RunEntityPlaybook send it when
// ClientOptions.APIVersion is older; at DefaultAPIVersion or any newer version they send the
// client's.
const RunPlaybookAPIVersion = "2025-12-01"

// okRunPlaybook are the statuses of a playbook run the service accepted: 204 (the API's), and
// 200 for good measure.
var okRunPlaybook = []int{http.StatusNoContent, http.StatusOK}

// runPlaybookBody is the body of both run-playbook operations (the API's
// ManualTriggerRequestBody and EntityManualTriggerRequestBody).
type runPlaybookBody struct {
	LogicAppsResourceID string `json:"logicAppsResourceId"`
	TenantID            string `json:"tenantId,omitzero"`
	IncidentArmID       string `json:"incidentArmId,omitzero"`
}

// RunIncidentPlaybookOptions are the options of RunIncidentPlaybook.
type RunIncidentPlaybookOptions struct {
	// TenantID is the tenant of the playbook, a GUID; "" means the workspace's.
	TenantID string
}

// RunIncidentPlaybook runs a playbook on an incident, as the portal's "Run playbook" does
// (POST .../incidents/{incidentID}/runPlaybook, api-version RunPlaybookAPIVersion or newer).
// logicAppResourceID is the ARM ID of the playbook: a Logic App workflow
// (/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Logic/workflows/{name}) or a
// Logic App Standard site (.../providers/Microsoft.Web/sites/{name}); it is checked before
// anything is sent. The playbook must have the Microsoft Sentinel incident trigger, and
// Microsoft Sentinel needs permission to run it. The service answers 204 when it has started
// the run; the run's outcome is in the Logic App's run history, not in this answer. Each call
// starts a run: a retried call can run the playbook twice.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentIdentifier}/runPlaybook
func (c *Client) RunIncidentPlaybook(ctx context.Context, incidentID, logicAppResourceID string, opts *RunIncidentPlaybookOptions) error {
	o := optionsOf(opts)
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return err
	}
	if err := checkPlaybookID("logicAppResourceID", logicAppResourceID); err != nil {
		return err
	}
	if err := checkTenantID("RunIncidentPlaybookOptions.TenantID", o.TenantID); err != nil {
		return err
	}
	body := runPlaybookBody{LogicAppsResourceID: logicAppResourceID, TenantID: o.TenantID}
	return c.call(ctx, &request{op: "Client.RunIncidentPlaybook", method: http.MethodPost, path: c.path("incidents", incidentID, "runPlaybook"),
		apiVersion: c.versionAtLeast(RunPlaybookAPIVersion), body: &body, ok: okRunPlaybook}, nil)
}

// RunEntityPlaybookOptions are the options of RunEntityPlaybook.
type RunEntityPlaybookOptions struct {
	// TenantID is the tenant of the playbook, a GUID; "" means the workspace's.
	TenantID string
	// IncidentID is the incident the entity is associated with in the run: its name
	// (inc.Name) or its ARM ID (inc.ID) in this client's workspace. It is sent as
	// incidentArmId.
	IncidentID string
}

// RunEntityPlaybook runs a playbook on an entity, as the portal's "Run playbook" on an entity
// does (POST .../entities/{entityID}/runPlaybook, api-version RunPlaybookAPIVersion or
// newer). entityID is the entity's ID (its Name, as ListEntities returns it);
// logicAppResourceID is the ARM ID of the playbook, checked as by RunIncidentPlaybook. The
// playbook must have the Microsoft Sentinel entity trigger. The service answers 204 when it
// has started the run. Each call starts a run: a retried call can run the playbook twice.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/entities/{entityIdentifier}/runPlaybook
func (c *Client) RunEntityPlaybook(ctx context.Context, entityID, logicAppResourceID string, opts *RunEntityPlaybookOptions) error {
	o := optionsOf(opts)
	if err := c.resourceName("entityID", &entityID, "entities"); err != nil {
		return err
	}
	if err := checkPlaybookID("logicAppResourceID", logicAppResourceID); err != nil {
		return err
	}
	if err := checkTenantID("RunEntityPlaybookOptions.TenantID", o.TenantID); err != nil {
		return err
	}
	body := runPlaybookBody{LogicAppsResourceID: logicAppResourceID, TenantID: o.TenantID}
	if o.IncidentID != "" {
		id, err := c.incidentARMID("RunEntityPlaybookOptions.IncidentID", o.IncidentID)
		if err != nil {
			return err
		}
		body.IncidentArmID = id
	}
	return c.call(ctx, &request{op: "Client.RunEntityPlaybook", method: http.MethodPost, path: c.path("entities", entityID, "runPlaybook"),
		apiVersion: c.versionAtLeast(RunPlaybookAPIVersion), body: &body, ok: okRunPlaybook}, nil)
}

// incidentARMID returns the ARM ID of the incident id, given by its name or its ARM ID in
// this client's workspace (checked by resourceName, and then sent as given); anything else
// is an *ArgumentError naming the argument.
func (c *Client) incidentARMID(name, id string) (string, error) {
	given := id
	if err := c.resourceName(name, &id, "incidents"); err != nil {
		return "", err
	}
	if strings.HasPrefix(given, "/") {
		return given, nil
	}
	return c.workspaceResourceID() + "/providers/Microsoft.SecurityInsights/incidents/" + id, nil
}
