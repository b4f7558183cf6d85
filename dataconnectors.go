package sentinel

import (
	"context"
	"net/http"
	"regexp"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// DataConnectorKind is the kind of a data connector.
type DataConnectorKind string

// Data connector kinds of the stable API, each with its own type. Other kinds (codeless
// connectors, the kinds of later API versions) are read as *UnknownDataConnector.
const (
	DataConnectorKindAzureActiveDirectory                      DataConnectorKind = "AzureActiveDirectory"
	DataConnectorKindAzureAdvancedThreatProtection             DataConnectorKind = "AzureAdvancedThreatProtection"
	DataConnectorKindAzureSecurityCenter                       DataConnectorKind = "AzureSecurityCenter"
	DataConnectorKindAmazonWebServicesCloudTrail               DataConnectorKind = "AmazonWebServicesCloudTrail"
	DataConnectorKindMicrosoftCloudAppSecurity                 DataConnectorKind = "MicrosoftCloudAppSecurity"
	DataConnectorKindMicrosoftDefenderAdvancedThreatProtection DataConnectorKind = "MicrosoftDefenderAdvancedThreatProtection"
	DataConnectorKindOffice365                                 DataConnectorKind = "Office365"
	DataConnectorKindThreatIntelligence                        DataConnectorKind = "ThreatIntelligence"
)

// DataTypeState says whether a connector collects a data type. The enum is open: a state
// this SDK does not list decodes, is kept and is sent as it is.
type DataTypeState string

// Data type states of the stable API.
const (
	DataTypeEnabled  DataTypeState = "Enabled"
	DataTypeDisabled DataTypeState = "Disabled"
)

// DataType is one data type of a connector.
type DataType struct {
	State   DataTypeState  `json:"state"`
	Unknown jsontext.Value `json:",embed"`
}

// AlertsDataTypes are the data types of connectors that only bring alerts.
type AlertsDataTypes struct {
	Alerts  DataType       `json:"alerts"`
	Unknown jsontext.Value `json:",embed"`
}

// MicrosoftCloudAppSecurityDataTypes are the data types of the Defender for Cloud Apps
// connector.
type MicrosoftCloudAppSecurityDataTypes struct {
	Alerts        DataType       `json:"alerts"`
	DiscoveryLogs DataType       `json:"discoveryLogs"`
	Unknown       jsontext.Value `json:",embed"`
}

// Office365DataTypes are the data types of the Office 365 connector.
type Office365DataTypes struct {
	Exchange   DataType       `json:"exchange"`
	SharePoint DataType       `json:"sharePoint"`
	Teams      DataType       `json:"teams"`
	Unknown    jsontext.Value `json:",embed"`
}

// AWSCloudTrailDataTypes are the data types of the AWS CloudTrail connector.
type AWSCloudTrailDataTypes struct {
	Logs    DataType       `json:"logs"`
	Unknown jsontext.Value `json:",embed"`
}

// ThreatIntelligenceDataTypes are the data types of the threat-intelligence platforms
// connector.
type ThreatIntelligenceDataTypes struct {
	Indicators DataType       `json:"indicators"`
	Unknown    jsontext.Value `json:",embed"`
}

// DataConnector is a data connector of the workspace: one of the *...DataConnector types of
// this package, or *UnknownDataConnector for the kinds this SDK does not type. Use a type
// switch to reach its fields.
type DataConnector interface {
	// Kind returns the connector's kind.
	Kind() DataConnectorKind
	// Envelope returns the connector's ARM ID, name (its connector ID), etag and system data.
	Envelope() *Resource
}

// AzureActiveDirectoryDataConnector brings Entra ID Protection alerts. Its fields read flat
// (d.DataTypes, d.Etag); on the wire AzureActiveDirectoryDataConnectorProperties sit under
// "properties". Members this SDK does not model are kept at every level.
type AzureActiveDirectoryDataConnector struct {
	Resource
	AzureActiveDirectoryDataConnectorProperties `json:"properties"`
	Unknown                                     jsontext.Value `json:",embed"`
}

// AzureActiveDirectoryDataConnectorProperties are the "properties" of an AzureActiveDirectory
// connector.
type AzureActiveDirectoryDataConnectorProperties struct {
	// TenantID is the Entra tenant the alerts come from.
	TenantID  string          `json:"tenantId"`
	DataTypes AlertsDataTypes `json:"dataTypes"`
	Unknown   jsontext.Value  `json:",embed"`
}

// AzureAdvancedThreatProtectionDataConnector brings Defender for Identity alerts. Its fields
// read flat (d.DataTypes, d.Etag); on the wire
// AzureAdvancedThreatProtectionDataConnectorProperties sit under "properties". Members this SDK
// does not model are kept at every level.
type AzureAdvancedThreatProtectionDataConnector struct {
	Resource
	AzureAdvancedThreatProtectionDataConnectorProperties `json:"properties"`
	Unknown                                              jsontext.Value `json:",embed"`
}

// AzureAdvancedThreatProtectionDataConnectorProperties are the "properties" of an
// AzureAdvancedThreatProtection connector.
type AzureAdvancedThreatProtectionDataConnectorProperties struct {
	// TenantID is the Entra tenant the alerts come from.
	TenantID  string          `json:"tenantId"`
	DataTypes AlertsDataTypes `json:"dataTypes"`
	Unknown   jsontext.Value  `json:",embed"`
}

// AzureSecurityCenterDataConnector brings Defender for Cloud alerts of one subscription. Its
// fields read flat (d.DataTypes, d.Etag); on the wire
// AzureSecurityCenterDataConnectorProperties sit under "properties". Members this SDK does not
// model are kept at every level.
type AzureSecurityCenterDataConnector struct {
	Resource
	AzureSecurityCenterDataConnectorProperties `json:"properties"`
	Unknown                                    jsontext.Value `json:",embed"`
}

// AzureSecurityCenterDataConnectorProperties are the "properties" of an AzureSecurityCenter
// connector.
type AzureSecurityCenterDataConnectorProperties struct {
	// SubscriptionID is the Azure subscription the alerts come from.
	SubscriptionID string          `json:"subscriptionId"`
	DataTypes      AlertsDataTypes `json:"dataTypes"`
	Unknown        jsontext.Value  `json:",embed"`
}

// AmazonWebServicesCloudTrailDataConnector brings AWS CloudTrail logs through an IAM role. Its
// fields read flat (d.DataTypes, d.Etag); on the wire
// AmazonWebServicesCloudTrailDataConnectorProperties sit under "properties". Members this SDK
// does not model are kept at every level.
type AmazonWebServicesCloudTrailDataConnector struct {
	Resource
	AmazonWebServicesCloudTrailDataConnectorProperties `json:"properties"`
	Unknown                                            jsontext.Value `json:",embed"`
}

// AmazonWebServicesCloudTrailDataConnectorProperties are the "properties" of an
// AmazonWebServicesCloudTrail connector.
type AmazonWebServicesCloudTrailDataConnectorProperties struct {
	// AWSRoleARN is the role Sentinel assumes, arn:aws:iam::<account>:role/<name>.
	AWSRoleARN string                 `json:"awsRoleArn"`
	DataTypes  AWSCloudTrailDataTypes `json:"dataTypes"`
	Unknown    jsontext.Value         `json:",embed"`
}

// MicrosoftCloudAppSecurityDataConnector brings Defender for Cloud Apps alerts and discovery
// logs. Its fields read flat (d.DataTypes, d.Etag); on the wire
// MicrosoftCloudAppSecurityDataConnectorProperties sit under "properties". Members this SDK
// does not model are kept at every level.
type MicrosoftCloudAppSecurityDataConnector struct {
	Resource
	MicrosoftCloudAppSecurityDataConnectorProperties `json:"properties"`
	Unknown                                          jsontext.Value `json:",embed"`
}

// MicrosoftCloudAppSecurityDataConnectorProperties are the "properties" of a
// MicrosoftCloudAppSecurity connector.
type MicrosoftCloudAppSecurityDataConnectorProperties struct {
	// TenantID is the Entra tenant the data comes from.
	TenantID  string                             `json:"tenantId"`
	DataTypes MicrosoftCloudAppSecurityDataTypes `json:"dataTypes"`
	Unknown   jsontext.Value                     `json:",embed"`
}

// MicrosoftDefenderAdvancedThreatProtectionDataConnector brings Defender for Endpoint alerts.
// Its fields read flat (d.DataTypes, d.Etag); on the wire
// MicrosoftDefenderAdvancedThreatProtectionDataConnectorProperties sit under "properties".
// Members this SDK does not model are kept at every level.
type MicrosoftDefenderAdvancedThreatProtectionDataConnector struct {
	Resource
	MicrosoftDefenderAdvancedThreatProtectionDataConnectorProperties `json:"properties"`
	Unknown                                                          jsontext.Value `json:",embed"`
}

// MicrosoftDefenderAdvancedThreatProtectionDataConnectorProperties are the "properties" of a
// MicrosoftDefenderAdvancedThreatProtection connector.
type MicrosoftDefenderAdvancedThreatProtectionDataConnectorProperties struct {
	// TenantID is the Entra tenant the alerts come from.
	TenantID  string          `json:"tenantId"`
	DataTypes AlertsDataTypes `json:"dataTypes"`
	Unknown   jsontext.Value  `json:",embed"`
}

// Office365DataConnector brings Exchange, SharePoint and Teams activity. Its fields read flat
// (d.DataTypes, d.Etag); on the wire Office365DataConnectorProperties sit under "properties".
// Members this SDK does not model are kept at every level.
type Office365DataConnector struct {
	Resource
	Office365DataConnectorProperties `json:"properties"`
	Unknown                          jsontext.Value `json:",embed"`
}

// Office365DataConnectorProperties are the "properties" of a Office365 connector.
type Office365DataConnectorProperties struct {
	// TenantID is the Entra tenant the activity comes from.
	TenantID  string             `json:"tenantId"`
	DataTypes Office365DataTypes `json:"dataTypes"`
	Unknown   jsontext.Value     `json:",embed"`
}

// ThreatIntelligenceDataConnector brings indicators from threat-intelligence platforms. Its
// fields read flat (d.DataTypes, d.Etag); on the wire ThreatIntelligenceDataConnectorProperties
// sit under "properties". Members this SDK does not model are kept at every level.
type ThreatIntelligenceDataConnector struct {
	Resource
	ThreatIntelligenceDataConnectorProperties `json:"properties"`
	Unknown                                   jsontext.Value `json:",embed"`
}

// ThreatIntelligenceDataConnectorProperties are the "properties" of a ThreatIntelligence connector.
type ThreatIntelligenceDataConnectorProperties struct {
	// TenantID is the Entra tenant the indicators come from.
	TenantID string `json:"tenantId"`
	// TIPLookbackPeriod is the earliest time indicators are imported from; zero means none.
	TIPLookbackPeriod time.Time                   `json:"tipLookbackPeriod,omitzero"`
	DataTypes         ThreatIntelligenceDataTypes `json:"dataTypes"`
	Unknown           jsontext.Value              `json:",embed"`
}

// UnknownDataConnector is a connector of a kind this SDK does not type (codeless connectors
// such as RestApiPoller, the kinds of later API versions). Raw is its JSON as the service
// sent it; an update sends it back byte for byte, with only the etag replaced when Etag was
// changed. Raw may hold credentials the service returns: errors of this SDK never include it.
type UnknownDataConnector = Unknown[DataConnectorKind]

// Kind returns DataConnectorKindAzureActiveDirectory.
func (*AzureActiveDirectoryDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindAzureActiveDirectory
}

// Kind returns DataConnectorKindAzureAdvancedThreatProtection.
func (*AzureAdvancedThreatProtectionDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindAzureAdvancedThreatProtection
}

// Kind returns DataConnectorKindAzureSecurityCenter.
func (*AzureSecurityCenterDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindAzureSecurityCenter
}

// Kind returns DataConnectorKindAmazonWebServicesCloudTrail.
func (*AmazonWebServicesCloudTrailDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindAmazonWebServicesCloudTrail
}

// Kind returns DataConnectorKindMicrosoftCloudAppSecurity.
func (*MicrosoftCloudAppSecurityDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindMicrosoftCloudAppSecurity
}

// Kind returns DataConnectorKindMicrosoftDefenderAdvancedThreatProtection.
func (*MicrosoftDefenderAdvancedThreatProtectionDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindMicrosoftDefenderAdvancedThreatProtection
}

// Kind returns DataConnectorKindOffice365.
func (*Office365DataConnector) Kind() DataConnectorKind { return DataConnectorKindOffice365 }

// Kind returns DataConnectorKindThreatIntelligence.
func (*ThreatIntelligenceDataConnector) Kind() DataConnectorKind {
	return DataConnectorKindThreatIntelligence
}

// The kind registry of DataConnector.
var _ = newFamily[DataConnectorKind, DataConnector](false,
	func() DataConnector { return new(AzureActiveDirectoryDataConnector) },
	func() DataConnector { return new(AzureAdvancedThreatProtectionDataConnector) },
	func() DataConnector { return new(AzureSecurityCenterDataConnector) },
	func() DataConnector { return new(AmazonWebServicesCloudTrailDataConnector) },
	func() DataConnector { return new(MicrosoftCloudAppSecurityDataConnector) },
	func() DataConnector { return new(MicrosoftDefenderAdvancedThreatProtectionDataConnector) },
	func() DataConnector { return new(Office365DataConnector) },
	func() DataConnector { return new(ThreatIntelligenceDataConnector) },
)

// UnmarshalDataConnector decodes one connector in the service's wire form into the type of
// its kind; it is UnmarshalJSON into a DataConnector.
func UnmarshalDataConnector(data []byte) (DataConnector, error) {
	var d DataConnector
	if err := UnmarshalJSON(data, &d); err != nil {
		return nil, err
	}
	return d, nil
}

// checkDataTypes checks that each named data type has a state. Any state is sent: the
// service may know states this SDK does not.
func checkDataTypes(prefix string, types ...any) error {
	for i := 0; i+1 < len(types); i += 2 {
		if types[i+1].(DataType).State == "" {
			return argError(prefix+".DataTypes."+types[i].(string)+".State", "is required")
		}
	}
	return nil
}

func checkTenant(name, id string) error {
	if !guidRE.MatchString(id) {
		return argError(name, "%q is not a tenant GUID", id)
	}
	return nil
}

var awsRoleARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)

func (d *AzureActiveDirectoryDataConnector) validate() error {
	const p = "AzureActiveDirectoryDataConnector"
	if err := checkTenant(p+".TenantID", d.TenantID); err != nil {
		return err
	}
	return checkDataTypes(p, "Alerts", d.DataTypes.Alerts)
}

func (d *AzureAdvancedThreatProtectionDataConnector) validate() error {
	const p = "AzureAdvancedThreatProtectionDataConnector"
	if err := checkTenant(p+".TenantID", d.TenantID); err != nil {
		return err
	}
	return checkDataTypes(p, "Alerts", d.DataTypes.Alerts)
}

func (d *AzureSecurityCenterDataConnector) validate() error {
	const p = "AzureSecurityCenterDataConnector"
	if !guidRE.MatchString(d.SubscriptionID) {
		return argError(p+".SubscriptionID", "%q is not a subscription GUID", d.SubscriptionID)
	}
	return checkDataTypes(p, "Alerts", d.DataTypes.Alerts)
}

func (d *AmazonWebServicesCloudTrailDataConnector) validate() error {
	const p = "AmazonWebServicesCloudTrailDataConnector"
	if !awsRoleARNRE.MatchString(d.AWSRoleARN) {
		return argError(p+".AWSRoleARN", "%q is not an IAM role ARN such as arn:aws:iam::123456789012:role/SentinelRole", d.AWSRoleARN)
	}
	return checkDataTypes(p, "Logs", d.DataTypes.Logs)
}

func (d *MicrosoftCloudAppSecurityDataConnector) validate() error {
	const p = "MicrosoftCloudAppSecurityDataConnector"
	if err := checkTenant(p+".TenantID", d.TenantID); err != nil {
		return err
	}
	return checkDataTypes(p, "Alerts", d.DataTypes.Alerts, "DiscoveryLogs", d.DataTypes.DiscoveryLogs)
}

func (d *MicrosoftDefenderAdvancedThreatProtectionDataConnector) validate() error {
	const p = "MicrosoftDefenderAdvancedThreatProtectionDataConnector"
	if err := checkTenant(p+".TenantID", d.TenantID); err != nil {
		return err
	}
	return checkDataTypes(p, "Alerts", d.DataTypes.Alerts)
}

func (d *Office365DataConnector) validate() error {
	const p = "Office365DataConnector"
	if err := checkTenant(p+".TenantID", d.TenantID); err != nil {
		return err
	}
	return checkDataTypes(p, "Exchange", d.DataTypes.Exchange, "SharePoint", d.DataTypes.SharePoint, "Teams", d.DataTypes.Teams)
}

func (d *ThreatIntelligenceDataConnector) validate() error {
	const p = "ThreatIntelligenceDataConnector"
	if err := checkTenant(p+".TenantID", d.TenantID); err != nil {
		return err
	}
	return checkDataTypes(p, "Indicators", d.DataTypes.Indicators)
}

// ListDataConnectorsOptions are the options of ListDataConnectors; none yet.
type ListDataConnectorsOptions struct{}

// ListDataConnectors returns a pager over the workspace's data connectors
// (GET .../dataConnectors), each as the type of its kind.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors
func (c *Client) ListDataConnectors(_ *ListDataConnectorsOptions) *Pager[DataConnector] {
	return newPager[DataConnector](c, &request{op: "Client.ListDataConnectors", method: http.MethodGet, path: c.path("dataConnectors")})
}

// GetDataConnectorOptions are the options of GetDataConnector; none yet.
type GetDataConnectorOptions struct{}

// GetDataConnector returns one data connector (GET .../dataConnectors/{connectorID}) as the
// type of its kind.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors/{dataConnectorId}
func (c *Client) GetDataConnector(ctx context.Context, connectorID string, _ *GetDataConnectorOptions) (DataConnector, error) {
	if err := c.resourceName("connectorID", &connectorID, "dataConnectors"); err != nil {
		return nil, err
	}
	var out DataConnector
	err := c.call(ctx, &request{op: "Client.GetDataConnector", method: http.MethodGet, path: c.path("dataConnectors", connectorID)}, &out)
	return out, err
}

// CreateOrUpdateDataConnectorOptions are the options of CreateOrUpdateDataConnector; none yet.
type CreateOrUpdateDataConnectorOptions struct{}

// CreateOrUpdateDataConnector connects a data source or changes a connector
// (PUT .../dataConnectors/{connectorID}) and returns it as stored. The tenant (or
// subscription, or AWS role) and a state for every data type are required; the tenant and
// subscription must be GUIDs and the role an IAM role ARN. Any state is sent, also one this
// SDK does not know. To update, send the connector as read, with its Etag: a stale etag is a
// *ResponseError matching ErrConflict. Members this SDK does not model are sent back, at
// every depth, and an *UnknownDataConnector is sent byte for byte as it was read.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors/{dataConnectorId}
func (c *Client) CreateOrUpdateDataConnector(ctx context.Context, connectorID string, connector DataConnector, _ *CreateOrUpdateDataConnectorOptions) (DataConnector, error) {
	if err := c.resourceName("connectorID", &connectorID, "dataConnectors"); err != nil {
		return nil, err
	}
	if isNilInterface(connector) {
		return nil, argError("connector", "must not be nil")
	}
	if err := validate(connector); err != nil {
		return nil, err
	}
	var out DataConnector
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateDataConnector", method: http.MethodPut, path: c.path("dataConnectors", connectorID), body: connector, ok: okPut}, &out)
	return out, err
}

// DeleteDataConnectorOptions are the options of DeleteDataConnector; none yet.
type DeleteDataConnectorOptions struct{}

// DeleteDataConnector disconnects a data source (DELETE .../dataConnectors/{connectorID}).
// Data already ingested stays in the workspace.
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors/{dataConnectorId}
func (c *Client) DeleteDataConnector(ctx context.Context, connectorID string, _ *DeleteDataConnectorOptions) error {
	if err := c.resourceName("connectorID", &connectorID, "dataConnectors"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteDataConnector", method: http.MethodDelete, path: c.path("dataConnectors", connectorID), ok: okDelete}, nil)
}
