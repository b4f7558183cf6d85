package sentinel

import (
	"context"
	"net/http"
	"regexp"
	"time"

	"github.com/go-json-experiment/json"
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

// DataTypeState says whether a connector collects a data type.
type DataTypeState string

// Data type states.
const (
	DataTypeEnabled  DataTypeState = "Enabled"
	DataTypeDisabled DataTypeState = "Disabled"
)

// DataType is one data type of a connector.
type DataType struct {
	State DataTypeState `json:"state"`
}

// AlertsDataTypes are the data types of connectors that only bring alerts.
type AlertsDataTypes struct {
	Alerts DataType `json:"alerts"`
}

// MicrosoftCloudAppSecurityDataTypes are the data types of the Defender for Cloud Apps
// connector.
type MicrosoftCloudAppSecurityDataTypes struct {
	Alerts        DataType `json:"alerts"`
	DiscoveryLogs DataType `json:"discoveryLogs"`
}

// Office365DataTypes are the data types of the Office 365 connector.
type Office365DataTypes struct {
	Exchange   DataType `json:"exchange"`
	SharePoint DataType `json:"sharePoint"`
	Teams      DataType `json:"teams"`
}

// AWSCloudTrailDataTypes are the data types of the AWS CloudTrail connector.
type AWSCloudTrailDataTypes struct {
	Logs DataType `json:"logs"`
}

// ThreatIntelligenceDataTypes are the data types of the threat-intelligence platforms
// connector.
type ThreatIntelligenceDataTypes struct {
	Indicators DataType `json:"indicators"`
}

// DataConnector is a data connector of the workspace: one of the *...DataConnector types of
// this package, or *UnknownDataConnector for the kinds this SDK does not type. Use a type
// switch to reach its fields.
type DataConnector interface {
	// Kind returns the connector's kind.
	Kind() DataConnectorKind
	// Resource returns the connector's ARM ID, name (its connector ID) and etag.
	Resource() ResourceInfo
	validate() error
}

// AzureActiveDirectoryDataConnector brings Entra ID Protection alerts.
type AzureActiveDirectoryDataConnector struct {
	ID, Name, Etag string `json:"-"`

	TenantID  string          `json:"tenantId"`
	DataTypes AlertsDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// AzureAdvancedThreatProtectionDataConnector brings Defender for Identity alerts.
type AzureAdvancedThreatProtectionDataConnector struct {
	ID, Name, Etag string `json:"-"`

	TenantID  string          `json:"tenantId"`
	DataTypes AlertsDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// AzureSecurityCenterDataConnector brings Defender for Cloud alerts of one subscription.
type AzureSecurityCenterDataConnector struct {
	ID, Name, Etag string `json:"-"`

	SubscriptionID string          `json:"subscriptionId"`
	DataTypes      AlertsDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// AmazonWebServicesCloudTrailDataConnector brings AWS CloudTrail logs through an IAM role.
type AmazonWebServicesCloudTrailDataConnector struct {
	ID, Name, Etag string `json:"-"`

	// AWSRoleARN is the role Sentinel assumes, arn:aws:iam::<account>:role/<name>.
	AWSRoleARN string                 `json:"awsRoleArn"`
	DataTypes  AWSCloudTrailDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// MicrosoftCloudAppSecurityDataConnector brings Defender for Cloud Apps alerts and discovery
// logs.
type MicrosoftCloudAppSecurityDataConnector struct {
	ID, Name, Etag string `json:"-"`

	TenantID  string                             `json:"tenantId"`
	DataTypes MicrosoftCloudAppSecurityDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// MicrosoftDefenderAdvancedThreatProtectionDataConnector brings Defender for Endpoint
// alerts.
type MicrosoftDefenderAdvancedThreatProtectionDataConnector struct {
	ID, Name, Etag string `json:"-"`

	TenantID  string          `json:"tenantId"`
	DataTypes AlertsDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// Office365DataConnector brings Exchange, SharePoint and Teams activity.
type Office365DataConnector struct {
	ID, Name, Etag string `json:"-"`

	TenantID  string             `json:"tenantId"`
	DataTypes Office365DataTypes `json:"dataTypes"`

	raw resourceRaw
}

// ThreatIntelligenceDataConnector brings indicators from threat-intelligence platforms.
type ThreatIntelligenceDataConnector struct {
	ID, Name, Etag string `json:"-"`

	TenantID string `json:"tenantId"`
	// TIPLookbackPeriod is the earliest time indicators are imported from; zero means none.
	TIPLookbackPeriod time.Time                   `json:"tipLookbackPeriod,omitzero"`
	DataTypes         ThreatIntelligenceDataTypes `json:"dataTypes"`

	raw resourceRaw
}

// UnknownDataConnector is a connector of a kind this SDK does not type. Raw is its JSON as
// the service sent it; an update sends it back byte for byte, with only the etag replaced
// when Etag was changed.
type UnknownDataConnector struct {
	ID   string
	Name string
	Etag string
	Raw  []byte
}

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

// Kind returns the "kind" member of Raw.
func (d *UnknownDataConnector) Kind() DataConnectorKind {
	k, _ := kindOf(d.Raw)
	return DataConnectorKind(k)
}

// Resource returns the connector's ID, name and etag.
func (d *AzureActiveDirectoryDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *AzureAdvancedThreatProtectionDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *AzureSecurityCenterDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *AmazonWebServicesCloudTrailDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *MicrosoftCloudAppSecurityDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *MicrosoftDefenderAdvancedThreatProtectionDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *Office365DataConnector) Resource() ResourceInfo { return ResourceInfo{d.ID, d.Name, d.Etag} }

// Resource returns the connector's ID, name and etag.
func (d *ThreatIntelligenceDataConnector) Resource() ResourceInfo {
	return ResourceInfo{d.ID, d.Name, d.Etag}
}

// Resource returns the connector's ID, name and etag.
func (d *UnknownDataConnector) Resource() ResourceInfo { return ResourceInfo{d.ID, d.Name, d.Etag} }

type (
	aadProps   AzureActiveDirectoryDataConnector
	aatpProps  AzureAdvancedThreatProtectionDataConnector
	ascProps   AzureSecurityCenterDataConnector
	awsProps   AmazonWebServicesCloudTrailDataConnector
	mcasProps  MicrosoftCloudAppSecurityDataConnector
	mdatpProps MicrosoftDefenderAdvancedThreatProtectionDataConnector
	o365Props  Office365DataConnector
	tiProps    ThreatIntelligenceDataConnector
)

// UnmarshalJSONFrom decodes the service's wire form.
func (d *AzureActiveDirectoryDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*aadProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d AzureActiveDirectoryDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*aadProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *AzureAdvancedThreatProtectionDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*aatpProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d AzureAdvancedThreatProtectionDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*aatpProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *AzureSecurityCenterDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*ascProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d AzureSecurityCenterDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*ascProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *AmazonWebServicesCloudTrailDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*awsProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d AmazonWebServicesCloudTrailDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*awsProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *MicrosoftCloudAppSecurityDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*mcasProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d MicrosoftCloudAppSecurityDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*mcasProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *MicrosoftDefenderAdvancedThreatProtectionDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*mdatpProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d MicrosoftDefenderAdvancedThreatProtectionDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*mdatpProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *Office365DataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*o365Props)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d Office365DataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*o365Props)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom decodes the service's wire form.
func (d *ThreatIntelligenceDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*tiProps)(d), header{&d.ID, &d.Name, &d.Etag, &d.raw})
}

// MarshalJSONTo encodes the service's wire form.
func (d ThreatIntelligenceDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*tiProps)(&d), header{&d.ID, &d.Name, &d.Etag, &d.raw}, string(d.Kind()))
}

// UnmarshalJSONFrom keeps the connector's JSON as Raw and reads its ID, name and etag.
func (d *UnknownDataConnector) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	rr, err := decodeRaw(raw.Clone())
	*d = UnknownDataConnector{ID: rr.id, Name: rr.name, Etag: rr.etag, Raw: rr.raw}
	return err
}

// MarshalJSONTo writes Raw, with its etag replaced by Etag when they differ.
func (d UnknownDataConnector) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeRaw(enc, d.Raw, d.Etag)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *AzureActiveDirectoryDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d AzureActiveDirectoryDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *AzureAdvancedThreatProtectionDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d AzureAdvancedThreatProtectionDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *AzureSecurityCenterDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d AzureSecurityCenterDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *AmazonWebServicesCloudTrailDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d AmazonWebServicesCloudTrailDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *MicrosoftCloudAppSecurityDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d MicrosoftCloudAppSecurityDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *MicrosoftDefenderAdvancedThreatProtectionDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d MicrosoftDefenderAdvancedThreatProtectionDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *Office365DataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d Office365DataConnector) MarshalJSON() ([]byte, error) { return json.Marshal(d, encodeOptions) }

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *ThreatIntelligenceDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d ThreatIntelligenceDataConnector) MarshalJSON() ([]byte, error) {
	return json.Marshal(d, encodeOptions)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (d *UnknownDataConnector) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, d, decodeOptions)
}

// MarshalJSON encodes the service's wire form, for encoding/json.
func (d UnknownDataConnector) MarshalJSON() ([]byte, error) { return json.Marshal(d, encodeOptions) }

// UnmarshalDataConnector decodes one connector in the service's wire form into the type of
// its kind. The connector types' own JSON methods (json.Marshal, json.Unmarshal) also use
// the wire form.
func UnmarshalDataConnector(data []byte) (DataConnector, error) {
	var d DataConnector
	err := json.Unmarshal(data, &legacyKinded[DataConnector]{&d, newDataConnector, unknownDataConnector}, decodeOptions)
	return d, err
}

func newDataConnector(kind string) DataConnector {
	switch DataConnectorKind(kind) {
	case DataConnectorKindAzureActiveDirectory:
		return &AzureActiveDirectoryDataConnector{}
	case DataConnectorKindAzureAdvancedThreatProtection:
		return &AzureAdvancedThreatProtectionDataConnector{}
	case DataConnectorKindAzureSecurityCenter:
		return &AzureSecurityCenterDataConnector{}
	case DataConnectorKindAmazonWebServicesCloudTrail:
		return &AmazonWebServicesCloudTrailDataConnector{}
	case DataConnectorKindMicrosoftCloudAppSecurity:
		return &MicrosoftCloudAppSecurityDataConnector{}
	case DataConnectorKindMicrosoftDefenderAdvancedThreatProtection:
		return &MicrosoftDefenderAdvancedThreatProtectionDataConnector{}
	case DataConnectorKindOffice365:
		return &Office365DataConnector{}
	case DataConnectorKindThreatIntelligence:
		return &ThreatIntelligenceDataConnector{}
	}
	return nil
}

func unknownDataConnector(raw []byte) (DataConnector, error) {
	rr, err := decodeRaw(raw)
	return &UnknownDataConnector{ID: rr.id, Name: rr.name, Etag: rr.etag, Raw: rr.raw}, err
}

func decodeDataConnector(dec *jsontext.Decoder, out *DataConnector) error {
	return decodeKinded(dec, out, newDataConnector, unknownDataConnector)
}

// checkDataTypes checks that each named data type has a known state.
func checkDataTypes(prefix string, types ...any) error {
	for i := 0; i+1 < len(types); i += 2 {
		if err := checkEnum(prefix+".DataTypes."+types[i].(string)+".State", types[i+1].(DataType).State, true, DataTypeEnabled, DataTypeDisabled); err != nil {
			return err
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

func (d *UnknownDataConnector) validate() error {
	k, err := kindOf(d.Raw)
	if err != nil {
		return argError("UnknownDataConnector.Raw", "is not a JSON object: %v", err)
	}
	if k == "" {
		return argError("UnknownDataConnector.Raw", "has no kind")
	}
	return nil
}

// ListDataConnectorsOptions are the options of ListDataConnectors; none yet.
type ListDataConnectorsOptions struct{}

// ListDataConnectors returns a pager over the workspace's data connectors
// (GET .../dataConnectors), each as the type of its kind.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors
func (c *Client) ListDataConnectors(_ *ListDataConnectorsOptions) *Pager[DataConnector] {
	p := newPager[DataConnector](c, &request{op: "Client.ListDataConnectors", method: http.MethodGet, path: c.path("dataConnectors")})
	p.decode = decodeDataConnector
	return p
}

// GetDataConnectorOptions are the options of GetDataConnector; none yet.
type GetDataConnectorOptions struct{}

// GetDataConnector returns one data connector (GET .../dataConnectors/{connectorID}) as the
// type of its kind.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors/{dataConnectorId}
func (c *Client) GetDataConnector(ctx context.Context, connectorID string, _ *GetDataConnectorOptions) (DataConnector, error) {
	if err := checkID("connectorID", connectorID); err != nil {
		return nil, err
	}
	var out DataConnector
	err := c.call(ctx, &request{op: "Client.GetDataConnector", method: http.MethodGet, path: c.path("dataConnectors", connectorID)},
		&legacyKinded[DataConnector]{&out, newDataConnector, unknownDataConnector})
	return out, err
}

// CreateOrUpdateDataConnectorOptions are the options of CreateOrUpdateDataConnector; none yet.
type CreateOrUpdateDataConnectorOptions struct{}

// CreateOrUpdateDataConnector connects a data source or changes a connector
// (PUT .../dataConnectors/{connectorID}) and returns it as stored. The tenant (or
// subscription, or AWS role) and the state of every data type are required. To update, send
// the connector as read, with its Etag: a stale etag is a *ResponseError matching
// ErrConflict. An *UnknownDataConnector is sent byte for byte as it was read.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors/{dataConnectorId}
func (c *Client) CreateOrUpdateDataConnector(ctx context.Context, connectorID string, connector DataConnector, _ *CreateOrUpdateDataConnectorOptions) (DataConnector, error) {
	if err := checkID("connectorID", connectorID); err != nil {
		return nil, err
	}
	if isNilInterface(connector) {
		return nil, argError("connector", "must not be nil")
	}
	if err := connector.validate(); err != nil {
		return nil, err
	}
	var out DataConnector
	err := c.call(ctx, &request{op: "Client.CreateOrUpdateDataConnector", method: http.MethodPut, path: c.path("dataConnectors", connectorID), body: connector, ok: okPut},
		&legacyKinded[DataConnector]{&out, newDataConnector, unknownDataConnector})
	return out, err
}

// DeleteDataConnectorOptions are the options of DeleteDataConnector; none yet.
type DeleteDataConnectorOptions struct{}

// DeleteDataConnector disconnects a data source (DELETE .../dataConnectors/{connectorID}).
// Data already ingested stays in the workspace.
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/dataConnectors/{dataConnectorId}
func (c *Client) DeleteDataConnector(ctx context.Context, connectorID string, _ *DeleteDataConnectorOptions) error {
	if err := checkID("connectorID", connectorID); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteDataConnector", method: http.MethodDelete, path: c.path("dataConnectors", connectorID), ok: okDelete}, nil)
}
