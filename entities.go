package sentinel

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/model"
	"github.com/sentinel-go/sentinel/internal/rest"
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

// Entity is one entity of an incident, alert or bookmark: a pointer to one of the 21 typed
// structs (*AccountEntity, *HostEntity, *IPEntity, *URLEntity, *FileHashEntity, *FileEntity,
// *ProcessEntity, *MailMessageEntity, *MailboxEntity, *MailClusterEntity,
// *SubmissionMailEntity, *CloudApplicationEntity, *AzureResourceEntity,
// *DNSResolutionEntity, *RegistryKeyEntity, *RegistryValueEntity, *SecurityGroupEntity,
// *IoTDeviceEntity, *MalwareEntity, *SecurityAlert, *BookmarkEntity) or *UnknownEntity for
// a kind this SDK does not type. Use a type switch:
//
//	switch e := e.(type) {
//	case *sentinel.AccountEntity:
//		fmt.Println("account", e.UPN())
//	case *sentinel.IPEntity:
//		fmt.Println("ip", e.Address, e.Location.CountryCode)
//	case *sentinel.UnknownEntity:
//		fmt.Println("kind", e.Kind(), string(e.Raw))
//	}
//
// Nothing is dropped in decoding: members this SDK does not model are kept in the Unknown
// fields, at every depth. A member whose value does not fit its type (a number where the
// schema says string, a time in an odd format) leaves that field zero, the other fields
// decoded, and the problem in DecodeError; such an entity encodes to its JSON as received.
// A value that is not an entity at all (null, a string) is an *UnknownEntity with a
// DecodeError. Entities are read-only in the API; MarshalJSON writes an entity's wire form.
type Entity interface {
	// Kind returns the entity's kind: the typed struct's constant, or the kind as sent for
	// an *UnknownEntity.
	Kind() EntityKind
	// Envelope returns the entity's ID, name and type. Other entities refer to an entity by
	// its ID (HostEntityID, FileHashEntityIDs, ...); the name is the ID's last segment.
	Envelope() *Resource
	// DecodeError reports the members that could not be decoded into the typed fields, or
	// nil.
	DecodeError() error
}

// entityFamily is the registry of the entity kinds. It is lenient: one odd entity never fails
// the list it is in.
var entityFamily = newFamily[EntityKind, Entity](true,
	func() Entity { return new(AccountEntity) },
	func() Entity { return new(HostEntity) },
	func() Entity { return new(IPEntity) },
	func() Entity { return new(URLEntity) },
	func() Entity { return new(FileHashEntity) },
	func() Entity { return new(FileEntity) },
	func() Entity { return new(ProcessEntity) },
	func() Entity { return new(MailMessageEntity) },
	func() Entity { return new(MailboxEntity) },
	func() Entity { return new(MailClusterEntity) },
	func() Entity { return new(SubmissionMailEntity) },
	func() Entity { return new(CloudApplicationEntity) },
	func() Entity { return new(AzureResourceEntity) },
	func() Entity { return new(DNSResolutionEntity) },
	func() Entity { return new(RegistryKeyEntity) },
	func() Entity { return new(RegistryValueEntity) },
	func() Entity { return new(SecurityGroupEntity) },
	func() Entity { return new(IoTDeviceEntity) },
	func() Entity { return new(MalwareEntity) },
	func() Entity { return new(SecurityAlert) },
	func() Entity { return new(BookmarkEntity) },
)

// UnknownEntity is an entity of a kind this SDK does not type, such as a kind added to the
// service later, or a value without a usable "kind". Raw is its JSON as received, which it
// encodes to; CommonPropertiesOf reads its friendly name and additional data, and Decode
// reads the rest.
type UnknownEntity = Unknown[EntityKind]

// EntityCommonProperties are the properties every entity has. Each kind's properties embed
// them; CommonPropertiesOf returns them for any entity.
type EntityCommonProperties struct {
	// FriendlyName is the service's display name for the entity.
	FriendlyName string `json:"friendlyName,omitzero"`
	// AdditionalData are the entity's extra, kind-specific data (free-form).
	AdditionalData map[string]any `json:"additionalData,omitzero"`
}

func (p *EntityCommonProperties) commonProperties() *EntityCommonProperties { return p }

// CommonPropertiesOf returns the friendly name and additional data of any entity. Those of an
// *UnknownEntity are read from its Raw JSON: what fits is returned.
func CommonPropertiesOf(e Entity) EntityCommonProperties {
	switch e := e.(type) {
	case interface {
		commonProperties() *EntityCommonProperties
	}:
		return *e.commonProperties()
	case *UnknownEntity:
		var w struct {
			Properties EntityCommonProperties `json:"properties"`
		}
		_ = decodeLenient(e.Raw, &w)
		return w.Properties
	}
	return EntityCommonProperties{}
}

// GeoLocation is where an IP address is.
type GeoLocation struct {
	ASN         int            `json:"asn,omitzero"`
	City        string         `json:"city,omitzero"`
	CountryCode string         `json:"countryCode,omitzero"`
	CountryName string         `json:"countryName,omitzero"`
	Latitude    float64        `json:"latitude,omitzero"`
	Longitude   float64        `json:"longitude,omitzero"`
	State       string         `json:"state,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// IsZero reports whether no field is set.
func (g GeoLocation) IsZero() bool {
	return g.ASN == 0 && g.City == "" && g.CountryCode == "" && g.CountryName == "" && g.Latitude == 0 &&
		g.Longitude == 0 && g.State == "" && len(g.Unknown) == 0
}

// EntityThreatIntelligence is what a threat-intelligence provider says about an IP address
// or IoT device.
type EntityThreatIntelligence struct {
	// Confidence is between 0 and 1.
	Confidence        float64        `json:"confidence,omitzero"`
	ProviderName      string         `json:"providerName,omitzero"`
	ReportLink        string         `json:"reportLink,omitzero"`
	ThreatDescription string         `json:"threatDescription,omitzero"`
	ThreatName        string         `json:"threatName,omitzero"`
	ThreatType        string         `json:"threatType,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// Equal reports whether ti and o say the same, unknown members included.
func (ti EntityThreatIntelligence) Equal(o EntityThreatIntelligence) bool {
	return ti.Confidence == o.Confidence && ti.ProviderName == o.ProviderName && ti.ReportLink == o.ReportLink &&
		ti.ThreatDescription == o.ThreatDescription && ti.ThreatName == o.ThreatName && ti.ThreatType == o.ThreatType &&
		bytes.Equal(ti.Unknown, o.Unknown)
}

// AccountEntity is a user or service account (kind "Account"). Its fields read flat
// (e.AccountName, e.ID); on the wire AccountEntityProperties sit under "properties".
type AccountEntity struct {
	Resource
	AccountEntityProperties `json:"properties"`
	Unknown                 jsontext.Value `json:",embed"`
}

// AccountEntityProperties are an account's "properties".
type AccountEntityProperties struct {
	EntityCommonProperties
	AADTenantID    string         `json:"aadTenantId,omitzero"`
	AADUserID      string         `json:"aadUserId,omitzero"` // the Entra object ID
	AccountName    string         `json:"accountName,omitzero"`
	DisplayName    string         `json:"displayName,omitzero"`
	HostEntityID   string         `json:"hostEntityId,omitzero"`
	IsDomainJoined bool           `json:"isDomainJoined,omitzero"`
	NTDomain       string         `json:"ntDomain,omitzero"`
	ObjectGUID     string         `json:"objectGuid,omitzero"` // the on-premises AD object GUID
	PUID           string         `json:"puid,omitzero"`
	SID            string         `json:"sid,omitzero"`
	UPNSuffix      string         `json:"upnSuffix,omitzero"`
	DNSDomain      string         `json:"dnsDomain,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// UPN returns AccountName@UPNSuffix, or "" when either is missing.
func (p *AccountEntityProperties) UPN() string {
	if p.AccountName == "" || p.UPNSuffix == "" {
		return ""
	}
	return p.AccountName + "@" + p.UPNSuffix
}

// DomainAccount returns NTDomain\AccountName, or "" when either is missing.
func (p *AccountEntityProperties) DomainAccount() string {
	if p.AccountName == "" || p.NTDomain == "" {
		return ""
	}
	return p.NTDomain + `\` + p.AccountName
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
	Resource
	HostEntityProperties `json:"properties"`
	Unknown              jsontext.Value `json:",embed"`
}

// HostEntityProperties are a host's "properties".
type HostEntityProperties struct {
	EntityCommonProperties
	AzureID        string         `json:"azureID,omitzero"`
	DNSDomain      string         `json:"dnsDomain,omitzero"`
	HostName       string         `json:"hostName,omitzero"`
	IsDomainJoined bool           `json:"isDomainJoined,omitzero"`
	NetBIOSName    string         `json:"netBiosName,omitzero"`
	NTDomain       string         `json:"ntDomain,omitzero"`
	OMSAgentID     string         `json:"omsAgentID,omitzero"`
	OSFamily       OSFamily       `json:"osFamily,omitzero"`
	OSVersion      string         `json:"osVersion,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// FQDN returns HostName.DNSDomain, or HostName when it already is a dotted name, or "" when
// the DNS domain is unknown.
func (p *HostEntityProperties) FQDN() string {
	switch {
	case p.HostName == "":
		return ""
	case p.DNSDomain != "":
		return p.HostName + "." + strings.TrimSuffix(p.DNSDomain, ".")
	case strings.Contains(p.HostName, "."):
		return p.HostName
	}
	return ""
}

// IPEntity is an IP address (kind "Ip").
type IPEntity struct {
	Resource
	IPEntityProperties `json:"properties"`
	Unknown            jsontext.Value `json:",embed"`
}

// IPEntityProperties are an IP address's "properties".
type IPEntityProperties struct {
	EntityCommonProperties
	Address            string                     `json:"address,omitzero"`
	Location           GeoLocation                `json:"location,omitzero"`
	ThreatIntelligence []EntityThreatIntelligence `json:"threatIntelligence,omitzero"`
	Unknown            jsontext.Value             `json:",embed"`
}

// Addr parses Address.
func (p *IPEntityProperties) Addr() (netip.Addr, error) { return netip.ParseAddr(p.Address) }

// URLEntity is a URL (kind "Url"). URL is kept as sent, even when it is not a valid URI
// (defanged or partial URLs are common); Parse tells.
type URLEntity struct {
	Resource
	URLEntityProperties `json:"properties"`
	Unknown             jsontext.Value `json:",embed"`
}

// URLEntityProperties are a URL's "properties".
type URLEntityProperties struct {
	EntityCommonProperties
	URL     string         `json:"url,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Parse parses URL as an absolute URL.
func (p *URLEntityProperties) Parse() (*url.URL, error) {
	u, err := url.Parse(p.URL)
	if err != nil {
		return nil, err
	}
	if !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("sentinel: %q is not an absolute URL", p.URL)
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
	Resource
	FileHashEntityProperties `json:"properties"`
	Unknown                  jsontext.Value `json:",embed"`
}

// FileHashEntityProperties are a file hash's "properties".
type FileHashEntityProperties struct {
	EntityCommonProperties
	Algorithm FileHashAlgorithm `json:"algorithm,omitzero"`
	HashValue string            `json:"hashValue,omitzero"`
	Unknown   jsontext.Value    `json:",embed"`
}

// FileEntity is a file (kind "File").
type FileEntity struct {
	Resource
	FileEntityProperties `json:"properties"`
	Unknown              jsontext.Value `json:",embed"`
}

// FileEntityProperties are a file's "properties".
type FileEntityProperties struct {
	EntityCommonProperties
	Directory         string         `json:"directory,omitzero"`
	FileName          string         `json:"fileName,omitzero"`
	FileHashEntityIDs []string       `json:"fileHashEntityIds,omitzero"`
	HostEntityID      string         `json:"hostEntityId,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// Path joins Directory and FileName with the directory's separator ('\' for Windows paths,
// '/' otherwise).
func (p *FileEntityProperties) Path() string {
	switch {
	case p.Directory == "":
		return p.FileName
	case p.FileName == "":
		return p.Directory
	}
	sep := "/"
	if strings.Contains(p.Directory, `\`) || (len(p.Directory) >= 2 && p.Directory[1] == ':') {
		sep = `\`
	}
	return strings.TrimRight(p.Directory, `\/`) + sep + p.FileName
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
	Resource
	ProcessEntityProperties `json:"properties"`
	Unknown                 jsontext.Value `json:",embed"`
}

// ProcessEntityProperties are a process's "properties".
type ProcessEntityProperties struct {
	EntityCommonProperties
	ProcessID                string         `json:"processId,omitzero"`
	CommandLine              string         `json:"commandLine,omitzero"`
	CreationTime             time.Time      `json:"creationTimeUtc,omitzero"`
	ElevationToken           ElevationToken `json:"elevationToken,omitzero"`
	AccountEntityID          string         `json:"accountEntityId,omitzero"`
	HostEntityID             string         `json:"hostEntityId,omitzero"`
	HostLogonSessionEntityID string         `json:"hostLogonSessionEntityId,omitzero"`
	ImageFileEntityID        string         `json:"imageFileEntityId,omitzero"`
	ParentProcessEntityID    string         `json:"parentProcessEntityId,omitzero"`
	Unknown                  jsontext.Value `json:",embed"`
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

// MailMessageEntity is one delivered mail message (kind "MailMessage").
type MailMessageEntity struct {
	Resource
	MailMessageEntityProperties `json:"properties"`
	Unknown                     jsontext.Value `json:",embed"`
}

// MailMessageEntityProperties are a mail message's "properties". P1 is the envelope (SMTP
// MAIL FROM) sender, P2 the header (From) sender.
type MailMessageEntityProperties struct {
	EntityCommonProperties
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
	Unknown                jsontext.Value    `json:",embed"`
}

// Sender returns the envelope sender, or the header sender when the envelope's is unknown.
func (p *MailMessageEntityProperties) Sender() string {
	if p.P1Sender != "" {
		return p.P1Sender
	}
	return p.P2Sender
}

// MailboxEntity is a mailbox (kind "Mailbox").
type MailboxEntity struct {
	Resource
	MailboxEntityProperties `json:"properties"`
	Unknown                 jsontext.Value `json:",embed"`
}

// MailboxEntityProperties are a mailbox's "properties".
type MailboxEntityProperties struct {
	EntityCommonProperties
	MailboxPrimaryAddress     string         `json:"mailboxPrimaryAddress,omitzero"`
	DisplayName               string         `json:"displayName,omitzero"`
	UPN                       string         `json:"upn,omitzero"`
	ExternalDirectoryObjectID string         `json:"externalDirectoryObjectId,omitzero"` // the Entra object ID
	Unknown                   jsontext.Value `json:",embed"`
}

// MailClusterEntity is a cluster of similar mail messages (kind "MailCluster").
type MailClusterEntity struct {
	Resource
	MailClusterEntityProperties `json:"properties"`
	Unknown                     jsontext.Value `json:",embed"`
}

// MailClusterEntityProperties are a mail cluster's "properties". The counts are free-form
// objects of counts by status or type name.
type MailClusterEntityProperties struct {
	EntityCommonProperties
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
	Unknown                 jsontext.Value `json:",embed"`
}

// SubmissionMailEntity is a mail message a user or admin submitted for analysis (kind
// "SubmissionMail").
type SubmissionMailEntity struct {
	Resource
	SubmissionMailEntityProperties `json:"properties"`
	Unknown                        jsontext.Value `json:",embed"`
}

// SubmissionMailEntityProperties are a submitted mail's "properties".
type SubmissionMailEntityProperties struct {
	EntityCommonProperties
	NetworkMessageID string         `json:"networkMessageId,omitzero"`
	SubmissionID     string         `json:"submissionId,omitzero"`
	Submitter        string         `json:"submitter,omitzero"`
	SubmissionDate   time.Time      `json:"submissionDate,omitzero"`
	Timestamp        time.Time      `json:"timestamp,omitzero"`
	Recipient        string         `json:"recipient,omitzero"`
	Sender           string         `json:"sender,omitzero"`
	SenderIP         string         `json:"senderIp,omitzero"`
	Subject          string         `json:"subject,omitzero"`
	ReportType       string         `json:"reportType,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// CloudApplicationEntity is a cloud application (kind "CloudApplication").
type CloudApplicationEntity struct {
	Resource
	CloudApplicationEntityProperties `json:"properties"`
	Unknown                          jsontext.Value `json:",embed"`
}

// CloudApplicationEntityProperties are a cloud application's "properties".
type CloudApplicationEntityProperties struct {
	EntityCommonProperties
	AppID        int            `json:"appId,omitzero"` // the Defender for Cloud Apps app ID
	AppName      string         `json:"appName,omitzero"`
	InstanceName string         `json:"instanceName,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// AzureResourceEntity is an Azure resource (kind "AzureResource").
type AzureResourceEntity struct {
	Resource
	AzureResourceEntityProperties `json:"properties"`
	Unknown                       jsontext.Value `json:",embed"`
}

// AzureResourceEntityProperties are an Azure resource's "properties".
type AzureResourceEntityProperties struct {
	EntityCommonProperties
	ResourceID     string         `json:"resourceId,omitzero"`
	SubscriptionID string         `json:"subscriptionId,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// DNSResolutionEntity is a DNS name and what it resolved to (kind "DnsResolution").
type DNSResolutionEntity struct {
	Resource
	DNSResolutionEntityProperties `json:"properties"`
	Unknown                       jsontext.Value `json:",embed"`
}

// DNSResolutionEntityProperties are a DNS resolution's "properties".
type DNSResolutionEntityProperties struct {
	EntityCommonProperties
	DomainName            string         `json:"domainName,omitzero"`
	DNSServerIPEntityID   string         `json:"dnsServerIpEntityId,omitzero"`
	HostIPAddressEntityID string         `json:"hostIpAddressEntityId,omitzero"`
	IPAddressEntityIDs    []string       `json:"ipAddressEntityIds,omitzero"`
	Unknown               jsontext.Value `json:",embed"`
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
	Resource
	RegistryKeyEntityProperties `json:"properties"`
	Unknown                     jsontext.Value `json:",embed"`
}

// RegistryKeyEntityProperties are a registry key's "properties".
type RegistryKeyEntityProperties struct {
	EntityCommonProperties
	Hive    RegistryHive   `json:"hive,omitzero"`
	Key     string         `json:"key,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Path returns Hive\Key.
func (p *RegistryKeyEntityProperties) Path() string {
	switch {
	case p.Hive == "":
		return p.Key
	case p.Key == "":
		return string(p.Hive)
	}
	return string(p.Hive) + `\` + strings.TrimLeft(p.Key, `\`)
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
	Resource
	RegistryValueEntityProperties `json:"properties"`
	Unknown                       jsontext.Value `json:",embed"`
}

// RegistryValueEntityProperties are a registry value's "properties".
type RegistryValueEntityProperties struct {
	EntityCommonProperties
	KeyEntityID string            `json:"keyEntityId,omitzero"`
	ValueName   string            `json:"valueName,omitzero"`
	ValueData   string            `json:"valueData,omitzero"`
	ValueType   RegistryValueType `json:"valueType,omitzero"`
	Unknown     jsontext.Value    `json:",embed"`
}

// SecurityGroupEntity is a security group (kind "SecurityGroup").
type SecurityGroupEntity struct {
	Resource
	SecurityGroupEntityProperties `json:"properties"`
	Unknown                       jsontext.Value `json:",embed"`
}

// SecurityGroupEntityProperties are a security group's "properties".
type SecurityGroupEntityProperties struct {
	EntityCommonProperties
	DistinguishedName string         `json:"distinguishedName,omitzero"`
	ObjectGUID        string         `json:"objectGuid,omitzero"`
	SID               string         `json:"sid,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// IoTDeviceEntity is an IoT or OT device (kind "IoTDevice").
type IoTDeviceEntity struct {
	Resource
	IoTDeviceEntityProperties `json:"properties"`
	Unknown                   jsontext.Value `json:",embed"`
}

// IoTDeviceEntityProperties are an IoT device's "properties".
type IoTDeviceEntityProperties struct {
	EntityCommonProperties
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
	Unknown            jsontext.Value             `json:",embed"`
}

// MalwareEntity is a malware detection (kind "Malware").
type MalwareEntity struct {
	Resource
	MalwareEntityProperties `json:"properties"`
	Unknown                 jsontext.Value `json:",embed"`
}

// MalwareEntityProperties are a malware detection's "properties".
type MalwareEntityProperties struct {
	EntityCommonProperties
	Category         string         `json:"category,omitzero"`
	MalwareName      string         `json:"malwareName,omitzero"`
	FileEntityIDs    []string       `json:"fileEntityIds,omitzero"`
	ProcessEntityIDs []string       `json:"processEntityIds,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

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
func (*BookmarkEntity) Kind() EntityKind { return EntityKindBookmark }

// UnmarshalEntity decodes one entity in its wire form ({"id", "name", "type", "kind",
// "properties"}) into the struct of its kind, as ListEntities does for each item. It fails
// only when data is not a JSON object; everything else is kept as described on Entity.
func UnmarshalEntity(data []byte) (Entity, error) {
	if k := jsontext.Value(data).Kind(); k != '{' {
		return nil, fmt.Errorf("sentinel: an entity must be a JSON object, got %s", describeKind(k))
	}
	var e Entity
	if err := UnmarshalJSON(data, &e); err != nil {
		return nil, fmt.Errorf("sentinel: decoding an entity: %w", err)
	}
	return e, nil
}

func describeKind(k jsontext.Kind) string {
	if k == 0 {
		return "no JSON value"
	}
	return "a JSON " + k.String()
}

// decodeEntityValue is decodeEntityOf for a list of values.
func decodeEntityValue[T any, P interface {
	*T
	Entity
}](dec *jsontext.Decoder, out *T) error {
	var p P
	err := decodeEntityOf[T, P](dec, &p)
	if p != nil {
		*out = *p
	}
	return err
}

// decodeEntityOf decodes an item of a list whose items are all entities of one kind (an
// incident's alerts, its bookmarks) through the entity registry. An item of another kind,
// without a kind, or not an object is not dropped: it becomes a T with the fields that fit,
// whose DecodeError says what it is, and which encodes to its JSON as received.
func decodeEntityOf[T any, P interface {
	*T
	Entity
}](dec *jsontext.Decoder, out *P) error {
	raw, err := dec.ReadValue()
	if err != nil {
		return err
	}
	e, err := entityFamily.decode(raw)
	if err != nil {
		return err
	}
	if p, ok := e.(P); ok {
		*out = p
		return nil
	}
	p := P(new(T))
	var what string
	switch kind := e.Envelope().Kind; {
	case raw.Kind() != '{':
		what = describeKind(raw.Kind())
	case kind == "":
		what = `an entity without a "kind"`
	default:
		what = fmt.Sprintf("a %q entity", kind)
	}
	errs := []error{fmt.Errorf("sentinel: %s where a %s entity was expected", what, p.Kind())}
	if raw.Kind() == '{' {
		errs = append(errs, decodeLenient(raw, p))
	}
	model.SetLenient(p.Envelope(), raw.Clone(), errors.Join(errs...))
	*out = p
	return nil
}

// EntityKindCount is how many entities of a kind an incident has.
type EntityKindCount struct {
	Kind    EntityKind     `json:"entityKind"`
	Count   int            `json:"count"`
	Unknown jsontext.Value `json:",embed"`
}

// IncidentEntities is the response body of POST .../incidents/{id}/entities, for
// UnmarshalJSON of such a body (ListEntities reads the same body as a one-page pager). Counts is the service's
// "metaData"; EntityCounts computes the same from a list.
type IncidentEntities struct {
	// Entities are the entities in the service's order.
	Entities []Entity `json:"entities"`
	// Counts are the service's entity counts per kind ("metaData" on the wire).
	Counts  []EntityKindCount `json:"metaData"`
	Unknown jsontext.Value    `json:",embed"`
}

// EntityByID returns the entity of list whose ID (or Name) is id, case-insensitively, or
// nil. Entities refer to each other by ID (AccountEntityID, HostEntityID, ...).
func EntityByID(list []Entity, id string) Entity {
	if id == "" {
		return nil
	}
	i := slices.IndexFunc(list, func(e Entity) bool {
		env := e.Envelope()
		return strings.EqualFold(env.ID, id) || strings.EqualFold(env.Name, id)
	})
	if i < 0 {
		return nil
	}
	return list[i]
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

// ListEntitiesOptions are the options of ListEntities; none yet.
type ListEntitiesOptions struct{}

// ListEntities returns a pager over the entities of an incident (POST
// .../incidents/{incidentId}/entities: one response, so the pager has one page), decoded
// from the response as it arrives; EntityCounts computes from them the counts per kind the
// service sends beside them. Each entity is decoded into the struct of its kind; see Entity for what
// happens to unknown kinds and to members that do not fit. EnrichEntities turns the result
// into one normalised record per real-world entity.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/incidents/{incidentId}/entities
func (c *Client) ListEntities(incidentID string, _ *ListEntitiesOptions) *Pager[Entity] {
	if err := c.resourceName("incidentID", &incidentID, "incidents"); err != nil {
		return errPager[Entity](err)
	}
	p := newPager[Entity](c, &request{op: "Client.ListEntities", method: http.MethodPost, path: c.path("incidents", incidentID, "entities")})
	rest.SetMember(p, "entities")
	return p
}

// EntityCounts counts entities by kind, in order of first appearance: the "metaData" the
// service sends with an incident's entities. Entities without a kind are not counted.
func EntityCounts(entities []Entity) []EntityKindCount {
	var out []EntityKindCount
	index := map[EntityKind]int{}
	for _, e := range entities {
		k := e.Kind()
		if k == "" {
			continue
		}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, EntityKindCount{Kind: k})
		}
		out[i].Count++
	}
	return out
}
