package sentinel

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// EntityKind is the kind of an entity, its "kind" on the wire. Kinds the service adds later
// are kept (see UnknownEntity). Note the spellings: "Ip", "Url", "DnsResolution", "Bookmark".
type EntityKind string

// The 21 entity kinds of the stable API.
const (
	EntityKindAccount          EntityKind = "Account"
	EntityKindHost             EntityKind = "Host"
	EntityKindIP               EntityKind = "Ip"
	EntityKindURL              EntityKind = "Url"
	EntityKindFileHash         EntityKind = "FileHash"
	EntityKindFile             EntityKind = "File"
	EntityKindProcess          EntityKind = "Process"
	EntityKindMailMessage      EntityKind = "MailMessage"
	EntityKindMailbox          EntityKind = "Mailbox"
	EntityKindMailCluster      EntityKind = "MailCluster"
	EntityKindSubmissionMail   EntityKind = "SubmissionMail"
	EntityKindCloudApplication EntityKind = "CloudApplication"
	EntityKindAzureResource    EntityKind = "AzureResource"
	EntityKindDNSResolution    EntityKind = "DnsResolution"
	EntityKindRegistryKey      EntityKind = "RegistryKey"
	EntityKindRegistryValue    EntityKind = "RegistryValue"
	EntityKindSecurityGroup    EntityKind = "SecurityGroup"
	EntityKindIoTDevice        EntityKind = "IoTDevice"
	EntityKindMalware          EntityKind = "Malware"
	EntityKindSecurityAlert    EntityKind = "SecurityAlert"
	EntityKindBookmark         EntityKind = "Bookmark"
)

// PossibleEntityKindValues returns the entity kinds this SDK decodes into typed structs.
func PossibleEntityKindValues() []EntityKind {
	return []EntityKind{
		EntityKindAccount, EntityKindHost, EntityKindIP, EntityKindURL, EntityKindFileHash, EntityKindFile,
		EntityKindProcess, EntityKindMailMessage, EntityKindMailbox, EntityKindMailCluster, EntityKindSubmissionMail,
		EntityKindCloudApplication, EntityKindAzureResource, EntityKindDNSResolution, EntityKindRegistryKey,
		EntityKindRegistryValue, EntityKindSecurityGroup, EntityKindIoTDevice, EntityKindMalware,
		EntityKindSecurityAlert, EntityKindBookmark,
	}
}

// newEntity returns a new typed entity of kind k, or nil when k is not one of the 21.
func newEntity(k EntityKind) Entity {
	switch k {
	case EntityKindAccount:
		return new(AccountEntity)
	case EntityKindHost:
		return new(HostEntity)
	case EntityKindIP:
		return new(IPEntity)
	case EntityKindURL:
		return new(URLEntity)
	case EntityKindFileHash:
		return new(FileHashEntity)
	case EntityKindFile:
		return new(FileEntity)
	case EntityKindProcess:
		return new(ProcessEntity)
	case EntityKindMailMessage:
		return new(MailMessageEntity)
	case EntityKindMailbox:
		return new(MailboxEntity)
	case EntityKindMailCluster:
		return new(MailClusterEntity)
	case EntityKindSubmissionMail:
		return new(SubmissionMailEntity)
	case EntityKindCloudApplication:
		return new(CloudApplicationEntity)
	case EntityKindAzureResource:
		return new(AzureResourceEntity)
	case EntityKindDNSResolution:
		return new(DNSResolutionEntity)
	case EntityKindRegistryKey:
		return new(RegistryKeyEntity)
	case EntityKindRegistryValue:
		return new(RegistryValueEntity)
	case EntityKindSecurityGroup:
		return new(SecurityGroupEntity)
	case EntityKindIoTDevice:
		return new(IoTDeviceEntity)
	case EntityKindMalware:
		return new(MalwareEntity)
	case EntityKindSecurityAlert:
		return new(SecurityAlert)
	case EntityKindBookmark:
		return new(HuntingBookmark)
	}
	return nil
}

// Entity is one entity of an incident, alert or bookmark: a pointer to one of the 21 typed
// structs (*AccountEntity, *HostEntity, *IPEntity, *URLEntity, *FileHashEntity, *FileEntity,
// *ProcessEntity, *MailMessageEntity, *MailboxEntity, *MailClusterEntity,
// *SubmissionMailEntity, *CloudApplicationEntity, *AzureResourceEntity,
// *DNSResolutionEntity, *RegistryKeyEntity, *RegistryValueEntity, *SecurityGroupEntity,
// *IoTDeviceEntity, *MalwareEntity, *SecurityAlert, *HuntingBookmark) or *UnknownEntity for
// a kind this SDK does not know. Use a type switch:
//
//	switch e := e.(type) {
//	case *sentinel.AccountEntity:
//		fmt.Println("account", e.UPN())
//	case *sentinel.IPEntity:
//		fmt.Println("ip", e.Address, e.Location.CountryCode)
//	case *sentinel.UnknownEntity:
//		fmt.Println("kind", e.Kind(), string(e.Raw()))
//	}
//
// Nothing is dropped in decoding. Every entity keeps the JSON it was decoded from (Raw). A
// property whose value does not fit its type (a number where the schema says string, a time
// in an odd format) leaves that field zero, the other fields decoded, and the problem in
// DecodeError. Entities are read-only in the API; json.Marshal of an entity writes its Raw
// JSON unchanged.
type Entity interface {
	// Kind returns the entity's kind.
	Kind() EntityKind
	// Common returns the fields every entity has.
	Common() *EntityCommon
	// Raw returns the entity's JSON as received (nil for an entity built in Go). Do not
	// modify it.
	Raw() []byte
	// DecodeError reports the properties that could not be decoded into the typed fields,
	// or nil.
	DecodeError() error

	props() any // the decoding target of "properties"; it also seals the interface
}

// EntityCommon holds what every entity has. The typed entity structs embed it.
type EntityCommon struct {
	// ID is the entity's resource ID, ".../Entities/{name}". Other entities refer to it by
	// this ID (HostEntityID, FileHashEntityIDs, ...).
	ID string `json:"-"`
	// Name is the entity's GUID, the last segment of ID.
	Name string `json:"-"`
	// Type is the ARM resource type, "Microsoft.SecurityInsights/Entities".
	Type string `json:"-"`
	// FriendlyName is the service's display name for the entity.
	FriendlyName string `json:"friendlyName,omitzero"`
	// AdditionalData are the entity's extra, kind-specific data (free-form).
	AdditionalData map[string]any `json:"additionalData,omitzero"`

	raw []byte
	err error
}

// Common returns c.
func (c *EntityCommon) Common() *EntityCommon { return c }

// Raw returns the entity's JSON as received (nil for an entity built in Go). Do not modify it.
func (c *EntityCommon) Raw() []byte { return c.raw }

// DecodeError reports the properties that could not be decoded into the typed fields, or nil.
func (c *EntityCommon) DecodeError() error { return c.err }

// UnknownEntity is an entity of a kind this SDK does not know, such as a kind added to the
// service later, or an entity without a usable "kind". Its properties are kept as raw JSON;
// FriendlyName and AdditionalData are decoded when present.
type UnknownEntity struct {
	EntityCommon
	kind       EntityKind
	properties []byte
}

// Kind returns the entity's kind as sent, which may be "".
func (e *UnknownEntity) Kind() EntityKind { return e.kind }

// Properties returns the entity's "properties" as raw JSON, or nil.
func (e *UnknownEntity) Properties() []byte { return e.properties }

// GeoLocation is where an IP address is.
type GeoLocation struct {
	ASN         int     `json:"asn,omitzero"`
	City        string  `json:"city,omitzero"`
	CountryCode string  `json:"countryCode,omitzero"`
	CountryName string  `json:"countryName,omitzero"`
	Latitude    float64 `json:"latitude,omitzero"`
	Longitude   float64 `json:"longitude,omitzero"`
	State       string  `json:"state,omitzero"`
}

// IsZero reports whether no field is set.
func (g GeoLocation) IsZero() bool { return g == GeoLocation{} }

// EntityThreatIntelligence is what a threat-intelligence provider says about an IP address
// or IoT device.
type EntityThreatIntelligence struct {
	// Confidence is between 0 and 1.
	Confidence        float64 `json:"confidence,omitzero"`
	ProviderName      string  `json:"providerName,omitzero"`
	ReportLink        string  `json:"reportLink,omitzero"`
	ThreatDescription string  `json:"threatDescription,omitzero"`
	ThreatName        string  `json:"threatName,omitzero"`
	ThreatType        string  `json:"threatType,omitzero"`
}

// AccountEntity is a user or service account (kind "Account").
type AccountEntity struct {
	EntityCommon
	AADTenantID    string `json:"aadTenantId,omitzero"`
	AADUserID      string `json:"aadUserId,omitzero"` // the Entra object ID
	AccountName    string `json:"accountName,omitzero"`
	DisplayName    string `json:"displayName,omitzero"`
	HostEntityID   string `json:"hostEntityId,omitzero"`
	IsDomainJoined bool   `json:"isDomainJoined,omitzero"`
	NTDomain       string `json:"ntDomain,omitzero"`
	ObjectGUID     string `json:"objectGuid,omitzero"` // the on-premises AD object GUID
	PUID           string `json:"puid,omitzero"`
	SID            string `json:"sid,omitzero"`
	UPNSuffix      string `json:"upnSuffix,omitzero"`
	DNSDomain      string `json:"dnsDomain,omitzero"`
}

// UPN returns AccountName@UPNSuffix, or "" when either is missing.
func (e *AccountEntity) UPN() string {
	if e.AccountName == "" || e.UPNSuffix == "" {
		return ""
	}
	return e.AccountName + "@" + e.UPNSuffix
}

// DomainAccount returns NTDomain\AccountName, or "" when either is missing.
func (e *AccountEntity) DomainAccount() string {
	if e.AccountName == "" || e.NTDomain == "" {
		return ""
	}
	return e.NTDomain + `\` + e.AccountName
}

// OSFamily is a host's operating system family.
type OSFamily string

// Operating system families.
const (
	OSFamilyLinux   OSFamily = "Linux"
	OSFamilyWindows OSFamily = "Windows"
	OSFamilyAndroid OSFamily = "Android"
	OSFamilyIOS     OSFamily = "IOS"
	OSFamilyUnknown OSFamily = "Unknown"
)

// HostEntity is a computer (kind "Host").
type HostEntity struct {
	EntityCommon
	AzureID        string   `json:"azureID,omitzero"`
	DNSDomain      string   `json:"dnsDomain,omitzero"`
	HostName       string   `json:"hostName,omitzero"`
	IsDomainJoined bool     `json:"isDomainJoined,omitzero"`
	NetBIOSName    string   `json:"netBiosName,omitzero"`
	NTDomain       string   `json:"ntDomain,omitzero"`
	OMSAgentID     string   `json:"omsAgentID,omitzero"`
	OSFamily       OSFamily `json:"osFamily,omitzero"`
	OSVersion      string   `json:"osVersion,omitzero"`
}

// FQDN returns HostName.DNSDomain, or HostName when it already is a dotted name, or "" when
// the DNS domain is unknown.
func (e *HostEntity) FQDN() string {
	switch {
	case e.HostName == "":
		return ""
	case e.DNSDomain != "":
		return e.HostName + "." + strings.TrimSuffix(e.DNSDomain, ".")
	case strings.Contains(e.HostName, "."):
		return e.HostName
	}
	return ""
}

// IPEntity is an IP address (kind "Ip").
type IPEntity struct {
	EntityCommon
	Address            string                     `json:"address,omitzero"`
	Location           GeoLocation                `json:"location,omitzero"`
	ThreatIntelligence []EntityThreatIntelligence `json:"threatIntelligence,omitzero"`
}

// Addr parses Address.
func (e *IPEntity) Addr() (netip.Addr, error) { return netip.ParseAddr(e.Address) }

// URLEntity is a URL (kind "Url"). URL is kept as sent, even when it is not a valid URI
// (defanged or partial URLs are common); Parse tells.
type URLEntity struct {
	EntityCommon
	URL string `json:"url,omitzero"`
}

// Parse parses URL as an absolute URL.
func (e *URLEntity) Parse() (*url.URL, error) {
	u, err := url.Parse(e.URL)
	if err != nil {
		return nil, err
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("sentinel: %q is not an absolute URL", e.URL)
	}
	return u, nil
}

// FileHashAlgorithm is the algorithm of a file hash.
type FileHashAlgorithm string

// File hash algorithms.
const (
	FileHashUnknown  FileHashAlgorithm = "Unknown"
	FileHashMD5      FileHashAlgorithm = "MD5"
	FileHashSHA1     FileHashAlgorithm = "SHA1"
	FileHashSHA256   FileHashAlgorithm = "SHA256"
	FileHashSHA256AC FileHashAlgorithm = "SHA256AC"
)

// FileHashEntity is a file hash (kind "FileHash").
type FileHashEntity struct {
	EntityCommon
	Algorithm FileHashAlgorithm `json:"algorithm,omitzero"`
	HashValue string            `json:"hashValue,omitzero"`
}

// FileEntity is a file (kind "File").
type FileEntity struct {
	EntityCommon
	Directory         string   `json:"directory,omitzero"`
	FileName          string   `json:"fileName,omitzero"`
	FileHashEntityIDs []string `json:"fileHashEntityIds,omitzero"`
	HostEntityID      string   `json:"hostEntityId,omitzero"`
}

// Path joins Directory and FileName with the directory's separator ('\' for Windows paths,
// '/' otherwise).
func (e *FileEntity) Path() string {
	switch {
	case e.Directory == "":
		return e.FileName
	case e.FileName == "":
		return e.Directory
	}
	sep := "/"
	if strings.Contains(e.Directory, `\`) || (len(e.Directory) >= 2 && e.Directory[1] == ':') {
		sep = `\`
	}
	return strings.TrimRight(e.Directory, `\/`) + sep + e.FileName
}

// ElevationToken is a Windows process's token elevation type.
type ElevationToken string

// Elevation token types.
const (
	ElevationTokenDefault ElevationToken = "Default"
	ElevationTokenFull    ElevationToken = "Full"
	ElevationTokenLimited ElevationToken = "Limited"
)

// ProcessEntity is a running process (kind "Process").
type ProcessEntity struct {
	EntityCommon
	ProcessID                string         `json:"processId,omitzero"`
	CommandLine              string         `json:"commandLine,omitzero"`
	CreationTime             time.Time      `json:"creationTimeUtc,omitzero"`
	ElevationToken           ElevationToken `json:"elevationToken,omitzero"`
	AccountEntityID          string         `json:"accountEntityId,omitzero"`
	HostEntityID             string         `json:"hostEntityId,omitzero"`
	HostLogonSessionEntityID string         `json:"hostLogonSessionEntityId,omitzero"`
	ImageFileEntityID        string         `json:"imageFileEntityId,omitzero"`
	ParentProcessEntityID    string         `json:"parentProcessEntityId,omitzero"`
}

// AntispamDirection is the direction of a mail message.
type AntispamDirection string

// Mail directions.
const (
	AntispamDirectionUnknown  AntispamDirection = "Unknown"
	AntispamDirectionInbound  AntispamDirection = "Inbound"
	AntispamDirectionOutbound AntispamDirection = "Outbound"
	AntispamDirectionIntraorg AntispamDirection = "Intraorg"
)

// DeliveryAction is what happened to a mail message on delivery.
type DeliveryAction string

// Delivery actions.
const (
	DeliveryActionUnknown         DeliveryAction = "Unknown"
	DeliveryActionDeliveredAsSpam DeliveryAction = "DeliveredAsSpam"
	DeliveryActionDelivered       DeliveryAction = "Delivered"
	DeliveryActionBlocked         DeliveryAction = "Blocked"
	DeliveryActionReplaced        DeliveryAction = "Replaced"
)

// DeliveryLocation is where a mail message was delivered.
type DeliveryLocation string

// Delivery locations.
const (
	DeliveryLocationUnknown       DeliveryLocation = "Unknown"
	DeliveryLocationInbox         DeliveryLocation = "Inbox"
	DeliveryLocationJunkFolder    DeliveryLocation = "JunkFolder"
	DeliveryLocationDeletedFolder DeliveryLocation = "DeletedFolder"
	DeliveryLocationQuarantine    DeliveryLocation = "Quarantine"
	DeliveryLocationExternal      DeliveryLocation = "External"
	DeliveryLocationFailed        DeliveryLocation = "Failed"
	DeliveryLocationDropped       DeliveryLocation = "Dropped"
	DeliveryLocationForwarded     DeliveryLocation = "Forwarded"
)

// MailMessageEntity is one delivered mail message (kind "MailMessage"). P1 is the envelope
// (SMTP MAIL FROM) sender, P2 the header (From) sender.
type MailMessageEntity struct {
	EntityCommon
	Recipient              string            `json:"recipient,omitzero"`
	P1Sender               string            `json:"p1Sender,omitzero"`
	P1SenderDisplayName    string            `json:"p1SenderDisplayName,omitzero"`
	P1SenderDomain         string            `json:"p1SenderDomain,omitzero"`
	P2Sender               string            `json:"p2Sender,omitzero"`
	P2SenderDisplayName    string            `json:"p2SenderDisplayName,omitzero"`
	P2SenderDomain         string            `json:"p2SenderDomain,omitzero"`
	SenderIP               string            `json:"senderIP,omitzero"`
	Subject                string            `json:"subject,omitzero"`
	InternetMessageID      string            `json:"internetMessageId,omitzero"`
	NetworkMessageID       string            `json:"networkMessageId,omitzero"`
	ReceiveDate            time.Time         `json:"receiveDate,omitzero"`
	Language               string            `json:"language,omitzero"`
	URLs                   []string          `json:"urls,omitzero"`
	FileEntityIDs          []string          `json:"fileEntityIds,omitzero"`
	Threats                []string          `json:"threats,omitzero"`
	ThreatDetectionMethods []string          `json:"threatDetectionMethods,omitzero"`
	BodyFingerprintBin1    int64             `json:"bodyFingerprintBin1,omitzero"`
	BodyFingerprintBin2    int64             `json:"bodyFingerprintBin2,omitzero"`
	BodyFingerprintBin3    int64             `json:"bodyFingerprintBin3,omitzero"`
	BodyFingerprintBin4    int64             `json:"bodyFingerprintBin4,omitzero"`
	BodyFingerprintBin5    int64             `json:"bodyFingerprintBin5,omitzero"`
	AntispamDirection      AntispamDirection `json:"antispamDirection,omitzero"`
	DeliveryAction         DeliveryAction    `json:"deliveryAction,omitzero"`
	DeliveryLocation       DeliveryLocation  `json:"deliveryLocation,omitzero"`
}

// Sender returns the envelope sender, or the header sender when the envelope's is unknown.
func (e *MailMessageEntity) Sender() string {
	if e.P1Sender != "" {
		return e.P1Sender
	}
	return e.P2Sender
}

// MailboxEntity is a mailbox (kind "Mailbox").
type MailboxEntity struct {
	EntityCommon
	MailboxPrimaryAddress     string `json:"mailboxPrimaryAddress,omitzero"`
	DisplayName               string `json:"displayName,omitzero"`
	UPN                       string `json:"upn,omitzero"`
	ExternalDirectoryObjectID string `json:"externalDirectoryObjectId,omitzero"` // the Entra object ID
}

// MailClusterEntity is a cluster of similar mail messages (kind "MailCluster").
type MailClusterEntity struct {
	EntityCommon
	NetworkMessageIDs       []string       `json:"networkMessageIds,omitzero"`
	CountByDeliveryStatus   map[string]any `json:"countByDeliveryStatus,omitzero"`
	CountByThreatType       map[string]any `json:"countByThreatType,omitzero"`
	CountByProtectionStatus map[string]any `json:"countByProtectionStatus,omitzero"`
	Threats                 []string       `json:"threats,omitzero"`
	Query                   string         `json:"query,omitzero"`
	QueryTime               time.Time      `json:"queryTime,omitzero"`
	MailCount               int            `json:"mailCount,omitzero"`
	IsVolumeAnomaly         bool           `json:"isVolumeAnomaly,omitzero"`
	Source                  string         `json:"source,omitzero"`
	ClusterSourceIdentifier string         `json:"clusterSourceIdentifier,omitzero"`
	ClusterSourceType       string         `json:"clusterSourceType,omitzero"`
	ClusterQueryStartTime   time.Time      `json:"clusterQueryStartTime,omitzero"`
	ClusterQueryEndTime     time.Time      `json:"clusterQueryEndTime,omitzero"`
	ClusterGroup            string         `json:"clusterGroup,omitzero"`
}

// SubmissionMailEntity is a mail message a user or admin submitted for analysis (kind
// "SubmissionMail").
type SubmissionMailEntity struct {
	EntityCommon
	NetworkMessageID string    `json:"networkMessageId,omitzero"`
	SubmissionID     string    `json:"submissionId,omitzero"`
	Submitter        string    `json:"submitter,omitzero"`
	SubmissionDate   time.Time `json:"submissionDate,omitzero"`
	Timestamp        time.Time `json:"timestamp,omitzero"`
	Recipient        string    `json:"recipient,omitzero"`
	Sender           string    `json:"sender,omitzero"`
	SenderIP         string    `json:"senderIp,omitzero"`
	Subject          string    `json:"subject,omitzero"`
	ReportType       string    `json:"reportType,omitzero"`
}

// CloudApplicationEntity is a cloud application (kind "CloudApplication").
type CloudApplicationEntity struct {
	EntityCommon
	AppID        int    `json:"appId,omitzero"` // the Defender for Cloud Apps app ID
	AppName      string `json:"appName,omitzero"`
	InstanceName string `json:"instanceName,omitzero"`
}

// AzureResourceEntity is an Azure resource (kind "AzureResource").
type AzureResourceEntity struct {
	EntityCommon
	ResourceID     string `json:"resourceId,omitzero"`
	SubscriptionID string `json:"subscriptionId,omitzero"`
}

// DNSResolutionEntity is a DNS name and what it resolved to (kind "DnsResolution").
type DNSResolutionEntity struct {
	EntityCommon
	DomainName            string   `json:"domainName,omitzero"`
	DNSServerIPEntityID   string   `json:"dnsServerIpEntityId,omitzero"`
	HostIPAddressEntityID string   `json:"hostIpAddressEntityId,omitzero"`
	IPAddressEntityIDs    []string `json:"ipAddressEntityIds,omitzero"`
}

// RegistryHive is a Windows registry hive.
type RegistryHive string

// Registry hives.
const (
	HiveLocalMachine       RegistryHive = "HKEY_LOCAL_MACHINE"
	HiveClassesRoot        RegistryHive = "HKEY_CLASSES_ROOT"
	HiveCurrentConfig      RegistryHive = "HKEY_CURRENT_CONFIG"
	HiveUsers              RegistryHive = "HKEY_USERS"
	HiveCurrentUserLocal   RegistryHive = "HKEY_CURRENT_USER_LOCAL_SETTINGS"
	HivePerformanceData    RegistryHive = "HKEY_PERFORMANCE_DATA"
	HivePerformanceNLSText RegistryHive = "HKEY_PERFORMANCE_NLSTEXT"
	HivePerformanceText    RegistryHive = "HKEY_PERFORMANCE_TEXT"
	HiveA                  RegistryHive = "HKEY_A"
	HiveCurrentUser        RegistryHive = "HKEY_CURRENT_USER"
)

// RegistryKeyEntity is a registry key (kind "RegistryKey").
type RegistryKeyEntity struct {
	EntityCommon
	Hive RegistryHive `json:"hive,omitzero"`
	Key  string       `json:"key,omitzero"`
}

// Path returns Hive\Key.
func (e *RegistryKeyEntity) Path() string {
	switch {
	case e.Hive == "":
		return e.Key
	case e.Key == "":
		return string(e.Hive)
	}
	return string(e.Hive) + `\` + strings.TrimLeft(e.Key, `\`)
}

// RegistryValueType is the type of a registry value.
type RegistryValueType string

// Registry value types.
const (
	RegistryValueNone         RegistryValueType = "None"
	RegistryValueUnknown      RegistryValueType = "Unknown"
	RegistryValueString       RegistryValueType = "String"
	RegistryValueExpandString RegistryValueType = "ExpandString"
	RegistryValueBinary       RegistryValueType = "Binary"
	RegistryValueDWord        RegistryValueType = "DWord"
	RegistryValueMultiString  RegistryValueType = "MultiString"
	RegistryValueQWord        RegistryValueType = "QWord"
)

// RegistryValueEntity is a registry value (kind "RegistryValue").
type RegistryValueEntity struct {
	EntityCommon
	KeyEntityID string            `json:"keyEntityId,omitzero"`
	ValueName   string            `json:"valueName,omitzero"`
	ValueData   string            `json:"valueData,omitzero"`
	ValueType   RegistryValueType `json:"valueType,omitzero"`
}

// SecurityGroupEntity is a security group (kind "SecurityGroup").
type SecurityGroupEntity struct {
	EntityCommon
	DistinguishedName string `json:"distinguishedName,omitzero"`
	ObjectGUID        string `json:"objectGuid,omitzero"`
	SID               string `json:"sid,omitzero"`
}

// IoTDeviceEntity is an IoT or OT device (kind "IoTDevice").
type IoTDeviceEntity struct {
	EntityCommon
	DeviceID           string                     `json:"deviceId,omitzero"`
	DeviceName         string                     `json:"deviceName,omitzero"`
	Source             string                     `json:"source,omitzero"`
	IoTSecurityAgentID string                     `json:"iotSecurityAgentId,omitzero"`
	DeviceType         string                     `json:"deviceType,omitzero"`
	Vendor             string                     `json:"vendor,omitzero"`
	EdgeID             string                     `json:"edgeId,omitzero"`
	MACAddress         string                     `json:"macAddress,omitzero"`
	Model              string                     `json:"model,omitzero"`
	SerialNumber       string                     `json:"serialNumber,omitzero"`
	FirmwareVersion    string                     `json:"firmwareVersion,omitzero"`
	OperatingSystem    string                     `json:"operatingSystem,omitzero"`
	IoTHubEntityID     string                     `json:"iotHubEntityId,omitzero"`
	HostEntityID       string                     `json:"hostEntityId,omitzero"`
	IPAddressEntityID  string                     `json:"ipAddressEntityId,omitzero"`
	ThreatIntelligence []EntityThreatIntelligence `json:"threatIntelligence,omitzero"`
	Protocols          []string                   `json:"protocols,omitzero"`
}

// MalwareEntity is a malware detection (kind "Malware").
type MalwareEntity struct {
	EntityCommon
	Category         string   `json:"category,omitzero"`
	MalwareName      string   `json:"malwareName,omitzero"`
	FileEntityIDs    []string `json:"fileEntityIds,omitzero"`
	ProcessEntityIDs []string `json:"processEntityIds,omitzero"`
}

// Each typed entity decodes its properties through a method-less copy of its type, so that
// its own UnmarshalJSON does not recurse.
type (
	accountProps          AccountEntity
	hostProps             HostEntity
	ipProps               IPEntity
	urlProps              URLEntity
	fileHashProps         FileHashEntity
	fileProps             FileEntity
	processProps          ProcessEntity
	mailMessageProps      MailMessageEntity
	mailboxProps          MailboxEntity
	mailClusterProps      MailClusterEntity
	submissionMailProps   SubmissionMailEntity
	cloudApplicationProps CloudApplicationEntity
	azureResourceProps    AzureResourceEntity
	dnsResolutionProps    DNSResolutionEntity
	registryKeyProps      RegistryKeyEntity
	registryValueProps    RegistryValueEntity
	securityGroupProps    SecurityGroupEntity
	iotDeviceProps        IoTDeviceEntity
	malwareProps          MalwareEntity
	securityAlertProps    SecurityAlert
	huntingBookmarkProps  HuntingBookmark
)

// Kind returns EntityKindAccount.
func (*AccountEntity) Kind() EntityKind { return EntityKindAccount }

// Kind returns EntityKindHost.
func (*HostEntity) Kind() EntityKind { return EntityKindHost }

// Kind returns EntityKindIP.
func (*IPEntity) Kind() EntityKind { return EntityKindIP }

// Kind returns EntityKindURL.
func (*URLEntity) Kind() EntityKind { return EntityKindURL }

// Kind returns EntityKindFileHash.
func (*FileHashEntity) Kind() EntityKind { return EntityKindFileHash }

// Kind returns EntityKindFile.
func (*FileEntity) Kind() EntityKind { return EntityKindFile }

// Kind returns EntityKindProcess.
func (*ProcessEntity) Kind() EntityKind { return EntityKindProcess }

// Kind returns EntityKindMailMessage.
func (*MailMessageEntity) Kind() EntityKind { return EntityKindMailMessage }

// Kind returns EntityKindMailbox.
func (*MailboxEntity) Kind() EntityKind { return EntityKindMailbox }

// Kind returns EntityKindMailCluster.
func (*MailClusterEntity) Kind() EntityKind { return EntityKindMailCluster }

// Kind returns EntityKindSubmissionMail.
func (*SubmissionMailEntity) Kind() EntityKind { return EntityKindSubmissionMail }

// Kind returns EntityKindCloudApplication.
func (*CloudApplicationEntity) Kind() EntityKind { return EntityKindCloudApplication }

// Kind returns EntityKindAzureResource.
func (*AzureResourceEntity) Kind() EntityKind { return EntityKindAzureResource }

// Kind returns EntityKindDNSResolution.
func (*DNSResolutionEntity) Kind() EntityKind { return EntityKindDNSResolution }

// Kind returns EntityKindRegistryKey.
func (*RegistryKeyEntity) Kind() EntityKind { return EntityKindRegistryKey }

// Kind returns EntityKindRegistryValue.
func (*RegistryValueEntity) Kind() EntityKind { return EntityKindRegistryValue }

// Kind returns EntityKindSecurityGroup.
func (*SecurityGroupEntity) Kind() EntityKind { return EntityKindSecurityGroup }

// Kind returns EntityKindIoTDevice.
func (*IoTDeviceEntity) Kind() EntityKind { return EntityKindIoTDevice }

// Kind returns EntityKindMalware.
func (*MalwareEntity) Kind() EntityKind { return EntityKindMalware }

// Kind returns EntityKindSecurityAlert.
func (*SecurityAlert) Kind() EntityKind { return EntityKindSecurityAlert }

// Kind returns EntityKindBookmark.
func (*HuntingBookmark) Kind() EntityKind { return EntityKindBookmark }

func (e *AccountEntity) props() any          { return (*accountProps)(e) }
func (e *HostEntity) props() any             { return (*hostProps)(e) }
func (e *IPEntity) props() any               { return (*ipProps)(e) }
func (e *URLEntity) props() any              { return (*urlProps)(e) }
func (e *FileHashEntity) props() any         { return (*fileHashProps)(e) }
func (e *FileEntity) props() any             { return (*fileProps)(e) }
func (e *ProcessEntity) props() any          { return (*processProps)(e) }
func (e *MailMessageEntity) props() any      { return (*mailMessageProps)(e) }
func (e *MailboxEntity) props() any          { return (*mailboxProps)(e) }
func (e *MailClusterEntity) props() any      { return (*mailClusterProps)(e) }
func (e *SubmissionMailEntity) props() any   { return (*submissionMailProps)(e) }
func (e *CloudApplicationEntity) props() any { return (*cloudApplicationProps)(e) }
func (e *AzureResourceEntity) props() any    { return (*azureResourceProps)(e) }
func (e *DNSResolutionEntity) props() any    { return (*dnsResolutionProps)(e) }
func (e *RegistryKeyEntity) props() any      { return (*registryKeyProps)(e) }
func (e *RegistryValueEntity) props() any    { return (*registryValueProps)(e) }
func (e *SecurityGroupEntity) props() any    { return (*securityGroupProps)(e) }
func (e *IoTDeviceEntity) props() any        { return (*iotDeviceProps)(e) }
func (e *MalwareEntity) props() any          { return (*malwareProps)(e) }
func (e *SecurityAlert) props() any          { return (*securityAlertProps)(e) }
func (e *HuntingBookmark) props() any        { return (*huntingBookmarkProps)(e) }
func (e *UnknownEntity) props() any          { return &e.EntityCommon }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *AccountEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *HostEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *IPEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *URLEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *FileHashEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *FileEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *ProcessEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *MailMessageEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *MailboxEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *MailClusterEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *SubmissionMailEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *CloudApplicationEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *AzureResourceEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *DNSResolutionEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *RegistryKeyEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *RegistryValueEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *SecurityGroupEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *IoTDeviceEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *MalwareEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *SecurityAlert) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *HuntingBookmark) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// MarshalJSON writes the entity's wire form: Raw when it was decoded, else the fields.
func (e *UnknownEntity) MarshalJSON() ([]byte, error) { return marshalEntity(e) }

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *AccountEntity) UnmarshalJSON(b []byte) error {
	*e = AccountEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *HostEntity) UnmarshalJSON(b []byte) error { *e = HostEntity{}; return unmarshalTyped(b, e) }

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *IPEntity) UnmarshalJSON(b []byte) error { *e = IPEntity{}; return unmarshalTyped(b, e) }

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *URLEntity) UnmarshalJSON(b []byte) error { *e = URLEntity{}; return unmarshalTyped(b, e) }

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *FileHashEntity) UnmarshalJSON(b []byte) error {
	*e = FileHashEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *FileEntity) UnmarshalJSON(b []byte) error { *e = FileEntity{}; return unmarshalTyped(b, e) }

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *ProcessEntity) UnmarshalJSON(b []byte) error {
	*e = ProcessEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *MailMessageEntity) UnmarshalJSON(b []byte) error {
	*e = MailMessageEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *MailboxEntity) UnmarshalJSON(b []byte) error {
	*e = MailboxEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *MailClusterEntity) UnmarshalJSON(b []byte) error {
	*e = MailClusterEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *SubmissionMailEntity) UnmarshalJSON(b []byte) error {
	*e = SubmissionMailEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *CloudApplicationEntity) UnmarshalJSON(b []byte) error {
	*e = CloudApplicationEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *AzureResourceEntity) UnmarshalJSON(b []byte) error {
	*e = AzureResourceEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *DNSResolutionEntity) UnmarshalJSON(b []byte) error {
	*e = DNSResolutionEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *RegistryKeyEntity) UnmarshalJSON(b []byte) error {
	*e = RegistryKeyEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *RegistryValueEntity) UnmarshalJSON(b []byte) error {
	*e = RegistryValueEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *SecurityGroupEntity) UnmarshalJSON(b []byte) error {
	*e = SecurityGroupEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *IoTDeviceEntity) UnmarshalJSON(b []byte) error {
	*e = IoTDeviceEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListEntities.
func (e *MalwareEntity) UnmarshalJSON(b []byte) error {
	*e = MalwareEntity{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListAlerts.
func (e *SecurityAlert) UnmarshalJSON(b []byte) error {
	*e = SecurityAlert{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes the entity's wire form, like an item of ListIncidentBookmarks.
func (e *HuntingBookmark) UnmarshalJSON(b []byte) error {
	*e = HuntingBookmark{}
	return unmarshalTyped(b, e)
}

// UnmarshalJSON decodes an entity of any kind.
func (e *UnknownEntity) UnmarshalJSON(b []byte) error {
	*e = UnknownEntity{}
	raw := bytes.Clone(bytes.Trim(b, jsonSpace))
	env, err := scanEntity(raw)
	if err != nil {
		return err
	}
	e.fill(raw, env)
	return nil
}

// UnmarshalEntity decodes one entity in its wire form ({"id", "name", "type", "kind",
// "properties"}) into its typed struct, as ListEntities does for each item. It fails only
// when data is not a JSON object; everything else is kept as described on Entity.
func UnmarshalEntity(data []byte) (Entity, error) {
	raw := bytes.Clone(bytes.Trim(data, jsonSpace))
	env, err := scanEntity(raw)
	if err != nil {
		return nil, err
	}
	return decodeScanned(raw, env), nil
}

// jsonSpace are the whitespace characters of JSON.
const jsonSpace = " \t\r\n"

// decodeEntity decodes raw, which the entity keeps, into an Entity; it never fails.
func decodeEntity(raw []byte) Entity {
	if e, _ := decodeFast(raw, nil); e != nil {
		return e
	}
	env, err := scanEntity(raw)
	if err != nil {
		return &UnknownEntity{EntityCommon: EntityCommon{raw: raw, err: err}}
	}
	return decodeScanned(raw, env)
}

// decodeFast decodes a well-formed entity in one pass over raw: the envelope, then the
// properties straight into the typed struct of the kind read before them (or into target
// when it is not nil). It returns nil for everything else (an unknown kind, properties
// before the kind, a property that does not fit), which the careful path then handles.
func decodeFast(raw []byte, target Entity) (Entity, EntityKind) {
	s := getScanner(raw)
	defer putScanner(s)
	dec := &s.dec
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, ""
	}
	var id, name, typ string
	var kind EntityKind
	e := target
	decoded := false
	for dec.PeekKind() == '"' {
		member, err := dec.ReadValue()
		if err != nil {
			return nil, ""
		}
		var dst *string
		switch string(member) {
		case `"id"`:
			dst = &id
		case `"name"`:
			dst = &name
		case `"type"`:
			dst = &typ
		case `"kind"`:
			if decoded {
				return nil, ""
			}
			dst = (*string)(&kind)
		case `"properties"`:
			if decoded || dec.PeekKind() != '{' {
				return nil, ""
			}
			if e == nil {
				if e = newEntity(kind); e == nil {
					return nil, ""
				}
			}
			if json.UnmarshalDecode(dec, e.props()) != nil {
				return nil, ""
			}
			decoded = true
			continue
		default:
			if dec.SkipValue() != nil {
				return nil, ""
			}
			continue
		}
		if dec.PeekKind() != '"' {
			return nil, ""
		}
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, ""
		}
		*dst = tok.String()
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, ""
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, ""
	}
	if e == nil {
		if e = newEntity(kind); e == nil {
			return nil, ""
		}
	}
	c := e.Common()
	c.ID, c.Name, c.Type, c.raw = id, name, typ, raw
	return e, kind
}

func decodeScanned(raw []byte, env entityEnvelope) Entity {
	e := newEntity(env.kind)
	if e == nil {
		u := &UnknownEntity{}
		u.fill(raw, env)
		return u
	}
	fillEntity(e, raw, env)
	return e
}

func (u *UnknownEntity) fill(raw []byte, env entityEnvelope) {
	u.kind, u.properties = env.kind, env.props
	fillEntity(u, raw, env)
	if u.err == nil && env.kind == "" {
		u.err = errors.New(`sentinel: the entity has no "kind"`)
	}
}

// unmarshalTyped decodes b into e, a zero typed entity; the kind in b must be e's or absent.
func unmarshalTyped(b []byte, e Entity) error {
	raw := bytes.Clone(bytes.Trim(b, jsonSpace))
	if got, kind := decodeFast(raw, e); got != nil && (kind == "" || kind == e.Kind()) {
		return nil
	}
	// The careful path: start again from a zero entity.
	reflectZero(e)
	env, err := scanEntity(raw)
	if err != nil {
		return err
	}
	if env.kind != "" && env.kind != e.Kind() {
		return fmt.Errorf("sentinel: cannot decode a %q entity into %T", env.kind, e)
	}
	fillEntity(e, raw, env)
	return nil
}

// reflectZero sets the struct e points to to its zero value.
func reflectZero(e Entity) { reflect.ValueOf(e).Elem().SetZero() }

// fillEntity sets e's envelope fields and decodes its properties. A properties object that
// does not fit the typed struct is decoded member by member, so that one bad member leaves
// only its own field unset; the errors go to DecodeError.
func fillEntity(e Entity, raw []byte, env entityEnvelope) {
	c := e.Common()
	c.ID, c.Name, c.Type, c.raw = env.id, env.name, env.typ, raw
	err := env.problem
	if len(env.props) > 0 && env.props[0] != 'n' {
		if json.Unmarshal(env.props, e.props(), decodeOptions) != nil {
			err = errors.Join(err, decodeMembers(env.props, e.props()))
		}
	}
	if err != nil {
		kind := string(env.kind)
		if kind == "" {
			kind = "untyped"
		}
		c.err = fmt.Errorf("sentinel: %s entity %q: %w", kind, cmp.Or(env.name, env.id), err)
	}
}

// decodeMembers decodes each member of the JSON object obj into target on its own and
// returns the errors.
func decodeMembers(obj []byte, target any) error {
	s := getScanner(obj)
	defer putScanner(s)
	dec := &s.dec
	if tok, err := dec.ReadToken(); err != nil {
		return err
	} else if tok.Kind() != '{' {
		return fmt.Errorf("properties are a JSON %s, not an object", tok.Kind())
	}
	var errs []error
	buf := make([]byte, 0, 256)
	for dec.PeekKind() == '"' {
		start := dec.InputOffset()
		if _, err := dec.ReadValue(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		if _, err := dec.ReadValue(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		member := bytes.TrimLeft(obj[start:dec.InputOffset()], " \t\r\n,")
		buf = append(append(append(buf[:0], '{'), member...), '}')
		if err := json.Unmarshal(buf, target, decodeOptions); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// entityEnvelope is what surrounds an entity's properties.
type entityEnvelope struct {
	id, name, typ string
	kind          EntityKind
	props         []byte // a sub-slice of the entity's raw JSON, or nil
	problem       error  // envelope members of the wrong type
}

// scanner is a reusable decoder over a byte slice.
type scanner struct {
	r   bytes.Reader
	dec jsontext.Decoder
}

var scanners = sync.Pool{New: func() any { return new(scanner) }}

func getScanner(b []byte) *scanner {
	s := scanners.Get().(*scanner)
	s.r.Reset(b)
	s.dec.Reset(&s.r, decodeOptions)
	return s
}

func putScanner(s *scanner) {
	s.r.Reset(nil)
	s.dec.Reset(&s.r)
	scanners.Put(s)
}

// scanEntity reads the envelope of an entity. It fails when raw is not a JSON object.
func scanEntity(raw []byte) (env entityEnvelope, err error) {
	s := getScanner(raw)
	defer putScanner(s)
	dec := &s.dec
	tok, err := dec.ReadToken()
	if err != nil {
		return env, fmt.Errorf("sentinel: decoding entity: %w", err)
	}
	if tok.Kind() != '{' {
		return env, fmt.Errorf("sentinel: an entity must be a JSON object, got a JSON %s", tok.Kind())
	}
	var errs []error
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return env, fmt.Errorf("sentinel: decoding entity: %w", err)
		}
		var dst *string
		switch string(name) {
		case `"id"`:
			dst = &env.id
		case `"name"`:
			dst = &env.name
		case `"type"`:
			dst = &env.typ
		case `"kind"`:
			dst = (*string)(&env.kind)
		case `"properties"`:
			v, err := dec.ReadValue()
			if err != nil {
				return env, fmt.Errorf("sentinel: decoding entity: %w", err)
			}
			end := int(dec.InputOffset())
			env.props = raw[end-len(v) : end : end]
			continue
		default:
			if err := dec.SkipValue(); err != nil {
				return env, fmt.Errorf("sentinel: decoding entity: %w", err)
			}
			continue
		}
		switch dec.PeekKind() {
		case '"':
			v, err := dec.ReadToken()
			if err != nil {
				return env, fmt.Errorf("sentinel: decoding entity: %w", err)
			}
			*dst = v.String()
		case 'n':
			if _, err := dec.ReadToken(); err != nil {
				return env, fmt.Errorf("sentinel: decoding entity: %w", err)
			}
		default:
			k := dec.PeekKind()
			if err := dec.SkipValue(); err != nil {
				return env, fmt.Errorf("sentinel: decoding entity: %w", err)
			}
			errs = append(errs, fmt.Errorf("%s is a JSON %s, not a string", name, k))
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return env, fmt.Errorf("sentinel: decoding entity: %w", err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return env, errors.New("sentinel: decoding entity: data after the JSON object")
	}
	env.problem = errors.Join(errs...)
	return env, nil
}

// marshalEntity returns e's Raw JSON, or builds the wire form from its fields.
func marshalEntity(e Entity) ([]byte, error) {
	c := e.Common()
	if c.raw != nil {
		return bytes.Clone(c.raw), nil
	}
	w := struct {
		ID         string     `json:"id,omitzero"`
		Name       string     `json:"name,omitzero"`
		Type       string     `json:"type,omitzero"`
		Kind       EntityKind `json:"kind"`
		Properties any        `json:"properties"`
	}{ID: c.ID, Name: c.Name, Type: c.Type, Kind: e.Kind(), Properties: e.props()}
	if u, ok := e.(*UnknownEntity); ok && u.properties != nil {
		w.Properties = jsontext.Value(u.properties)
	}
	return json.Marshal(&w, encodeOptions)
}

// EntityKindCount is how many entities of a kind an incident has.
type EntityKindCount struct {
	Kind  EntityKind `json:"entityKind"`
	Count int        `json:"count"`
}

// IncidentEntities are the entities of an incident, as ListEntities returns them.
type IncidentEntities struct {
	// Entities are the entities in the service's order.
	Entities []Entity
	// Counts are the service's entity counts per kind ("metaData" on the wire).
	Counts []EntityKindCount
}

// ByID returns the entity whose ID (or Name) is id, case-insensitively, or nil. Entities
// refer to each other by ID (AccountEntityID, HostEntityID, ...).
func (ie *IncidentEntities) ByID(id string) Entity { return entityByID(ie.Entities, id) }

func entityByID(list []Entity, id string) Entity {
	if id == "" {
		return nil
	}
	for _, e := range list {
		c := e.Common()
		if strings.EqualFold(c.ID, id) || strings.EqualFold(c.Name, id) {
			return e
		}
	}
	return nil
}

// EntitiesOf returns the entities of type T in list, in order:
//
//	accounts := sentinel.EntitiesOf[*sentinel.AccountEntity](res.Entities)
func EntitiesOf[T Entity](list []Entity) []T {
	var out []T
	for _, e := range list {
		if t, ok := e.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

// UnmarshalJSONFrom decodes {"entities": [...], "metaData": [...]}. Each entity is decoded
// on its own: one that does not fit its type is kept (see Entity), never dropped, and never
// fails the whole response. Only JSON that is not well-formed is an error.
func (ie *IncidentEntities) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	*ie = IncidentEntities{}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("expected a JSON object, got a JSON %s", tok.Kind())
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadValue()
		if err != nil {
			return err
		}
		switch string(name) {
		case `"entities"`:
			if ie.Entities, err = decodeEntityArray(dec, ie.Entities[:0], decodeEntity); err != nil {
				return err
			}
		case `"metaData"`:
			if err := json.UnmarshalDecode(dec, &ie.Counts); err != nil {
				return err
			}
		default:
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	_, err = dec.ReadToken()
	return err
}

// decodeEntityArray reads a JSON array (or null) of entities, decoding each with decode.
func decodeEntityArray[T any](dec *jsontext.Decoder, dst []T, decode func(raw []byte) T) ([]T, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return dst, err
	}
	switch tok.Kind() {
	case 'n':
		return dst, nil
	case '[':
	default:
		return dst, fmt.Errorf("expected a JSON array of entities, got a JSON %s", tok.Kind())
	}
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return dst, err
		}
		dst = append(dst, decode(bytes.Clone(v)))
	}
	_, err = dec.ReadToken()
	return dst, err
}

// MarshalJSONTo encodes {"entities": [...], "metaData": [...]} with each entity's Raw JSON.
func (ie IncidentEntities) MarshalJSONTo(enc *jsontext.Encoder) error {
	w := struct {
		Entities []Entity          `json:"entities"`
		Counts   []EntityKindCount `json:"metaData"`
	}{ie.Entities, ie.Counts}
	if w.Entities == nil {
		w.Entities = []Entity{}
	}
	if w.Counts == nil {
		w.Counts = []EntityKindCount{}
	}
	return json.MarshalEncode(enc, &w)
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (ie *IncidentEntities) UnmarshalJSON(b []byte) error {
	return json.Unmarshal(b, ie, decodeOptions)
}

// MarshalJSON is MarshalJSONTo for encoding/json.
func (ie IncidentEntities) MarshalJSON() ([]byte, error) { return json.Marshal(ie, encodeOptions) }

// ListEntitiesOptions are the options of ListEntities; none yet.
type ListEntitiesOptions struct{}

// ListEntities returns the entities of an incident (POST .../incidents/{incidentId}/entities,
// one response, not paged) with the service's counts per kind. Each entity is decoded into
// its typed struct; see Entity for what happens to unknown kinds and to properties that do
// not fit. EnrichEntities turns the result into one normalised record per real-world entity.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/entities
func (c *Client) ListEntities(ctx context.Context, incidentID string, _ *ListEntitiesOptions) (IncidentEntities, error) {
	if err := checkID("incidentID", incidentID); err != nil {
		return IncidentEntities{}, err
	}
	var out IncidentEntities
	err := c.call(ctx, &request{op: "Client.ListEntities", method: http.MethodPost, path: c.path("incidents", incidentID, "entities")}, &out)
	return out, err
}
