package sentineltest

import (
	"fmt"
	"net/http"
	"strings"
)

func init() {
	register(func(s *Server) {
		s.route("GET", "dataConnectors", func(c *call) { c.page(c.ws.coll("dataConnectors").sorted(), 0) })
		s.route("GET", "dataConnectors/{connectorId}", func(c *call) {
			c.getDoc(c.ws.coll("dataConnectors"), dataConnectorKind, c.r.PathValue("connectorId"))
		})
		s.route("PUT", "dataConnectors/{connectorId}", func(c *call) { c.putDataConnector(c.r.PathValue("connectorId")) })
		s.route("DELETE", "dataConnectors/{connectorId}", func(c *call) {
			c.deleteDoc(c.ws.coll("dataConnectors"), c.r.PathValue("connectorId"))
		})
	})
}

var dataConnectorKind = &resourceKind{typ: "Microsoft.SecurityInsights/dataConnectors", noun: "Data connector"}

// connectorSecrets are, per kind, the properties that hold secrets: the service uses them and
// answers them as null, on the PUT and on every read. A key may be a path of members
// ("auth.password").
var connectorSecrets = map[string][]string{
	"ThreatIntelligenceTaxii": {"userName", "password"},
}

// hideSecrets sets the secret properties of a connector of kind to null.
func hideSecrets(kind string, props map[string]any) {
	for _, path := range connectorSecrets[kind] {
		m := props
		keys := strings.Split(path, ".")
		for _, k := range keys[:len(keys)-1] {
			m, _ = m[k].(map[string]any)
			if m == nil {
				break
			}
		}
		if m != nil {
			m[keys[len(keys)-1]] = nil
		}
	}
}

// connectorShapes lists, per stable kind, the property that identifies the source and the
// data types the kind has.
var connectorShapes = map[string]struct {
	id        string
	dataTypes []string
}{
	"AzureActiveDirectory":                      {"tenantId", []string{"alerts"}},
	"AzureAdvancedThreatProtection":             {"tenantId", []string{"alerts"}},
	"AzureSecurityCenter":                       {"subscriptionId", []string{"alerts"}},
	"AmazonWebServicesCloudTrail":               {"awsRoleArn", []string{"logs"}},
	"MicrosoftCloudAppSecurity":                 {"tenantId", []string{"alerts", "discoveryLogs"}},
	"MicrosoftDefenderAdvancedThreatProtection": {"tenantId", []string{"alerts"}},
	"Office365":          {"tenantId", []string{"exchange", "sharePoint", "teams"}},
	"ThreatIntelligence": {"tenantId", []string{"indicators"}},
}

// validateConnector returns the service's 400 message for an invalid connector of a stable
// kind, or "". Connectors of other kinds are stored as sent.
func validateConnector(kind string, p map[string]any) string {
	shape, ok := connectorShapes[kind]
	if !ok {
		return ""
	}
	if v, _ := p[shape.id].(string); v == "" {
		return fmt.Sprintf("The %s field is required.", shape.id)
	}
	dt, _ := p["dataTypes"].(map[string]any)
	for _, name := range shape.dataTypes {
		t, _ := dt[name].(map[string]any)
		if !oneOf(t["state"], []string{"Enabled", "Disabled"}) {
			return fmt.Sprintf("The state of data type '%s' must be Enabled or Disabled.", name)
		}
	}
	if v, ok := p["tipLookbackPeriod"].(string); ok && v != "" {
		if _, err := parseTime(v); err != nil {
			return "The tipLookbackPeriod is not a valid date-time."
		}
	}
	return ""
}

func (c *call) putDataConnector(name string) {
	c.putDoc(c.ws.coll("dataConnectors"), name, dataConnectorKind, func(req map[string]any, old *document) (map[string]any, bool) {
		kind, _ := req["kind"].(string)
		if kind == "" {
			c.fail(http.StatusBadRequest, "BadRequest", "The kind field is required.")
			return nil, false
		}
		if old != nil && old.obj["kind"] != kind {
			c.fail(http.StatusBadRequest, "BadRequest", fmt.Sprintf("The kind of data connector '%s' cannot be changed from %v to %s.", name, old.obj["kind"], kind))
			return nil, false
		}
		props, _ := req["properties"].(map[string]any)
		if props == nil {
			c.fail(http.StatusBadRequest, "BadRequest", "The properties field is required.")
			return nil, false
		}
		if msg := validateConnector(kind, props); msg != "" {
			c.fail(http.StatusBadRequest, "BadRequest", msg)
			return nil, false
		}
		props = deepCopy(props).(map[string]any)
		hideSecrets(kind, props)
		obj := map[string]any{"kind": kind, "properties": props}
		keepTopLevel(req, obj)
		return obj, true
	})
}

// AddDataConnector stores a data connector (kind, properties and any other members) as
// given, without validation, so that tests can store connectors of any kind, and returns
// its etag.
func (d *WorkspaceData) AddDataConnector(name string, connector map[string]any) string {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.storeDoc(d.s, "dataConnectors", name, dataConnectorKind, connector)
}

// DataConnector returns a copy of a stored data connector, or nil.
func (d *WorkspaceData) DataConnector(name string) map[string]any {
	d.s.mu.Lock()
	defer d.s.mu.Unlock()
	return d.ws.coll("dataConnectors").get(name).docCopy()
}
