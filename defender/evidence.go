package defender

import (
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/internal/model"
)

// EvidenceKind is the "@odata.type" of an alert's evidence, such as
// "#microsoft.graph.security.userEvidence".
type EvidenceKind string

// Evidence kinds this SDK decodes into typed structs: every alertEvidence type of Graph's
// v1.0 schema. Others (aiAgentEvidence, activeDirectoryDomainEvidence and what the service
// adds later) decode into *UnknownEvidence, which keeps them whole.
const (
	EvidenceKindUser                     EvidenceKind = "#microsoft.graph.security.userEvidence"
	EvidenceKindDevice                   EvidenceKind = "#microsoft.graph.security.deviceEvidence"
	EvidenceKindIP                       EvidenceKind = "#microsoft.graph.security.ipEvidence"
	EvidenceKindURL                      EvidenceKind = "#microsoft.graph.security.urlEvidence"
	EvidenceKindFile                     EvidenceKind = "#microsoft.graph.security.fileEvidence"
	EvidenceKindFileHash                 EvidenceKind = "#microsoft.graph.security.fileHashEvidence"
	EvidenceKindProcess                  EvidenceKind = "#microsoft.graph.security.processEvidence"
	EvidenceKindRegistryKey              EvidenceKind = "#microsoft.graph.security.registryKeyEvidence"
	EvidenceKindRegistryValue            EvidenceKind = "#microsoft.graph.security.registryValueEvidence"
	EvidenceKindMailbox                  EvidenceKind = "#microsoft.graph.security.mailboxEvidence"
	EvidenceKindMailboxConfiguration     EvidenceKind = "#microsoft.graph.security.mailboxConfigurationEvidence"
	EvidenceKindAnalyzedMessage          EvidenceKind = "#microsoft.graph.security.analyzedMessageEvidence"
	EvidenceKindMailCluster              EvidenceKind = "#microsoft.graph.security.mailClusterEvidence"
	EvidenceKindSubmissionMail           EvidenceKind = "#microsoft.graph.security.submissionMailEvidence"
	EvidenceKindCloudApplication         EvidenceKind = "#microsoft.graph.security.cloudApplicationEvidence"
	EvidenceKindOAuthApplication         EvidenceKind = "#microsoft.graph.security.oauthApplicationEvidence"
	EvidenceKindServicePrincipal         EvidenceKind = "#microsoft.graph.security.servicePrincipalEvidence"
	EvidenceKindSecurityGroup            EvidenceKind = "#microsoft.graph.security.securityGroupEvidence"
	EvidenceKindHostLogonSession         EvidenceKind = "#microsoft.graph.security.hostLogonSessionEvidence"
	EvidenceKindNetworkConnection        EvidenceKind = "#microsoft.graph.security.networkConnectionEvidence"
	EvidenceKindDNS                      EvidenceKind = "#microsoft.graph.security.dnsEvidence"
	EvidenceKindNIC                      EvidenceKind = "#microsoft.graph.security.nicEvidence"
	EvidenceKindMalware                  EvidenceKind = "#microsoft.graph.security.malwareEvidence"
	EvidenceKindIoTDevice                EvidenceKind = "#microsoft.graph.security.ioTDeviceEvidence"
	EvidenceKindAzureResource            EvidenceKind = "#microsoft.graph.security.azureResourceEvidence"
	EvidenceKindAmazonResource           EvidenceKind = "#microsoft.graph.security.amazonResourceEvidence"
	EvidenceKindGoogleCloudResource      EvidenceKind = "#microsoft.graph.security.googleCloudResourceEvidence"
	EvidenceKindBlobContainer            EvidenceKind = "#microsoft.graph.security.blobContainerEvidence"
	EvidenceKindBlob                     EvidenceKind = "#microsoft.graph.security.blobEvidence"
	EvidenceKindSASToken                 EvidenceKind = "#microsoft.graph.security.sasTokenEvidence"
	EvidenceKindContainer                EvidenceKind = "#microsoft.graph.security.containerEvidence"
	EvidenceKindContainerImage           EvidenceKind = "#microsoft.graph.security.containerImageEvidence"
	EvidenceKindContainerRegistry        EvidenceKind = "#microsoft.graph.security.containerRegistryEvidence"
	EvidenceKindKubernetesCluster        EvidenceKind = "#microsoft.graph.security.kubernetesClusterEvidence"
	EvidenceKindKubernetesNamespace      EvidenceKind = "#microsoft.graph.security.kubernetesNamespaceEvidence"
	EvidenceKindKubernetesPod            EvidenceKind = "#microsoft.graph.security.kubernetesPodEvidence"
	EvidenceKindKubernetesController     EvidenceKind = "#microsoft.graph.security.kubernetesControllerEvidence"
	EvidenceKindKubernetesService        EvidenceKind = "#microsoft.graph.security.kubernetesServiceEvidence"
	EvidenceKindKubernetesServiceAccount EvidenceKind = "#microsoft.graph.security.kubernetesServiceAccountEvidence"
	EvidenceKindKubernetesSecret         EvidenceKind = "#microsoft.graph.security.kubernetesSecretEvidence"
	EvidenceKindGitHubOrganization       EvidenceKind = "#microsoft.graph.security.gitHubOrganizationEvidence"
	EvidenceKindGitHubRepo               EvidenceKind = "#microsoft.graph.security.gitHubRepoEvidence"
	EvidenceKindGitHubUser               EvidenceKind = "#microsoft.graph.security.gitHubUserEvidence"
)

// Evidence is one evidence of an alert: a pointer to the struct of its kind (*UserEvidence,
// *DeviceEvidence, *IPEvidence, *URLEvidence, *FileEvidence, *ProcessEvidence,
// *MailboxEvidence, *AnalyzedMessageEvidence, *CloudApplicationEvidence,
// *RegistryKeyEvidence, *RegistryValueEvidence and the other *...Evidence types of this
// package), or an *UnknownEvidence for a kind this SDK does not type. Use a type switch to
// reach its fields, and EvidenceBaseOf for the members every kind has. Nested evidence (a
// host logon session's account, a Kubernetes cluster's cloud resource) decodes the same way.
type Evidence interface {
	// Kind returns the evidence's "@odata.type".
	Kind() EvidenceKind
}

// UnknownEvidence is evidence of a kind this SDK does not type: Raw is the object as the
// service sent it, and Kind its "@odata.type". Its Decode method reads Raw into any value.
type UnknownEvidence = sentinel.Unknown[EvidenceKind]

// EvidenceVerdict is the decision automated investigation reached about an evidence.
type EvidenceVerdict string

// Evidence verdicts.
const (
	EvidenceVerdictUnknown        EvidenceVerdict = "unknown"
	EvidenceVerdictSuspicious     EvidenceVerdict = "suspicious"
	EvidenceVerdictMalicious      EvidenceVerdict = "malicious"
	EvidenceVerdictNoThreatsFound EvidenceVerdict = "noThreatsFound"
)

// EvidenceRemediationStatus is the state of the remediation of an evidence.
type EvidenceRemediationStatus string

// Remediation statuses. Active, PendingApproval, Declined, Unremediated, Running and
// PartiallyRemediated are the newer values that Prefer: include-unknown-enum-members (which
// the client sends) makes visible.
const (
	EvidenceRemediationNone                EvidenceRemediationStatus = "none"
	EvidenceRemediationRemediated          EvidenceRemediationStatus = "remediated"
	EvidenceRemediationPrevented           EvidenceRemediationStatus = "prevented"
	EvidenceRemediationBlocked             EvidenceRemediationStatus = "blocked"
	EvidenceRemediationNotFound            EvidenceRemediationStatus = "notFound"
	EvidenceRemediationActive              EvidenceRemediationStatus = "active"
	EvidenceRemediationPendingApproval     EvidenceRemediationStatus = "pendingApproval"
	EvidenceRemediationDeclined            EvidenceRemediationStatus = "declined"
	EvidenceRemediationUnremediated        EvidenceRemediationStatus = "unremediated"
	EvidenceRemediationRunning             EvidenceRemediationStatus = "running"
	EvidenceRemediationPartiallyRemediated EvidenceRemediationStatus = "partiallyRemediated"
)

// EvidenceRole is a role an evidence plays in an alert.
type EvidenceRole string

// Evidence roles.
const (
	EvidenceRoleUnknown           EvidenceRole = "unknown"
	EvidenceRoleContextual        EvidenceRole = "contextual"
	EvidenceRoleScanned           EvidenceRole = "scanned"
	EvidenceRoleSource            EvidenceRole = "source"
	EvidenceRoleDestination       EvidenceRole = "destination"
	EvidenceRoleCreated           EvidenceRole = "created"
	EvidenceRoleAdded             EvidenceRole = "added"
	EvidenceRoleCompromised       EvidenceRole = "compromised"
	EvidenceRoleEdited            EvidenceRole = "edited"
	EvidenceRoleAttacked          EvidenceRole = "attacked"
	EvidenceRoleAttacker          EvidenceRole = "attacker"
	EvidenceRoleCommandAndControl EvidenceRole = "commandAndControl"
	EvidenceRoleLoaded            EvidenceRole = "loaded"
	EvidenceRoleSuspicious        EvidenceRole = "suspicious"
	EvidenceRolePolicyViolator    EvidenceRole = "policyViolator"
)

// DetectionStatus is what happened to a detected file or process: detected, blocked or
// prevented.
type DetectionStatus string

// Detection statuses.
const (
	DetectionStatusDetected  DetectionStatus = "detected"
	DetectionStatusBlocked   DetectionStatus = "blocked"
	DetectionStatusPrevented DetectionStatus = "prevented"
)

// EvidenceBase holds the members every evidence kind has (alertEvidence). Each typed kind
// embeds it, so its fields read as the kind's own (ev.Verdict).
type EvidenceBase struct {
	// ODataType is the kind as sent; a typed kind built in Go gets its own when encoded.
	ODataType                string                    `json:"@odata.type,omitzero"`
	CreatedDateTime          time.Time                 `json:"createdDateTime,omitzero"`
	Verdict                  EvidenceVerdict           `json:"verdict,omitzero"`
	RemediationStatus        EvidenceRemediationStatus `json:"remediationStatus,omitzero"`
	RemediationStatusDetails string                    `json:"remediationStatusDetails,omitzero"`
	Roles                    []EvidenceRole            `json:"roles,omitzero"`
	// DetailedRoles describe the roles in free text.
	DetailedRoles []string `json:"detailedRoles,omitzero"`
	Tags          []string `json:"tags,omitzero"`
}

func (b *EvidenceBase) evidenceBase() *EvidenceBase { return b }

// EvidenceBaseOf returns the members every evidence has, for a typed kind or an unknown one
// (read from its JSON; zero when that fails).
func EvidenceBaseOf(e Evidence) EvidenceBase {
	switch e := e.(type) {
	case interface{ evidenceBase() *EvidenceBase }:
		return *e.evidenceBase()
	case *UnknownEvidence:
		var b EvidenceBase
		if json.Unmarshal(e.Raw, &b, model.Decode()) != nil {
			return EvidenceBase{}
		}
		return b
	}
	return EvidenceBase{}
}

// UserAccount is a user account as evidence describes it.
type UserAccount struct {
	AccountName       string         `json:"accountName,omitzero"`
	DomainName        string         `json:"domainName,omitzero"`
	UserSID           string         `json:"userSid,omitzero"`
	AzureADUserID     string         `json:"azureAdUserId,omitzero"`
	UserPrincipalName string         `json:"userPrincipalName,omitzero"`
	DisplayName       string         `json:"displayName,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// FileDetails describe a file.
type FileDetails struct {
	FileName      string         `json:"fileName,omitzero"`
	FilePath      string         `json:"filePath,omitzero"`
	FileSize      int64          `json:"fileSize,omitzero"`
	FilePublisher string         `json:"filePublisher,omitzero"`
	SHA1          string         `json:"sha1,omitzero"`
	SHA256        string         `json:"sha256,omitzero"`
	Signer        string         `json:"signer,omitzero"`
	Issuer        string         `json:"issuer,omitzero"`
	Unknown       jsontext.Value `json:",embed"`
}

// LoggedOnUser is a user logged on to a device.
type LoggedOnUser struct {
	AccountName string         `json:"accountName,omitzero"`
	DomainName  string         `json:"domainName,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// VMMetadata describe the virtual machine a device runs on.
type VMMetadata struct {
	VMID           string         `json:"vmId,omitzero"`
	CloudProvider  string         `json:"cloudProvider,omitzero"` // azure, ...
	ResourceID     string         `json:"resourceId,omitzero"`
	SubscriptionID string         `json:"subscriptionId,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// EmailSender is a sender of an analyzed message.
type EmailSender struct {
	DisplayName  string         `json:"displayName,omitzero"`
	DomainName   string         `json:"domainName,omitzero"`
	EmailAddress string         `json:"emailAddress,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// FileHash is a hash of a file: Algorithm (md5, sha1, sha256, sha256ac, ...) and Value.
type FileHash struct {
	Algorithm string         `json:"algorithm,omitzero"`
	Value     string         `json:"value,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// KubernetesServicePort is a port of a Kubernetes service.
type KubernetesServicePort struct {
	AppProtocol string         `json:"appProtocol,omitzero"`
	Name        string         `json:"name,omitzero"`
	NodePort    int32          `json:"nodePort,omitzero"`
	Port        int32          `json:"port,omitzero"`
	Protocol    string         `json:"protocol,omitzero"` // udp, tcp, sctp
	TargetPort  string         `json:"targetPort,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// UserEvidence is a user.
type UserEvidence struct {
	EvidenceBase
	UserAccount UserAccount    `json:"userAccount,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// DeviceEvidence is a device.
type DeviceEvidence struct {
	EvidenceBase
	MDEDeviceID       string    `json:"mdeDeviceId,omitzero"`
	AzureADDeviceID   string    `json:"azureAdDeviceId,omitzero"`
	DeviceDNSName     string    `json:"deviceDnsName,omitzero"`
	OSPlatform        string    `json:"osPlatform,omitzero"`
	OSBuild           int64     `json:"osBuild,omitzero"`
	Version           string    `json:"version,omitzero"`
	FirstSeenDateTime time.Time `json:"firstSeenDateTime,omitzero"`
	// HealthStatus: active, inactive, impairedCommunication, noSensorData,
	// noSensorDataImpairedCommunication, unknown.
	HealthStatus string `json:"healthStatus,omitzero"`
	// RiskScore: none, informational, low, medium, high.
	RiskScore string `json:"riskScore,omitzero"`
	// OnboardingStatus: insufficientInfo, onboarded, canBeOnboarded, unsupported.
	OnboardingStatus string `json:"onboardingStatus,omitzero"`
	// DefenderAvStatus: notReporting, disabled, notUpdated, updated, unknown, notSupported.
	DefenderAvStatus string         `json:"defenderAvStatus,omitzero"`
	RBACGroupID      int32          `json:"rbacGroupId,omitzero"`
	RBACGroupName    string         `json:"rbacGroupName,omitzero"`
	IPInterfaces     []string       `json:"ipInterfaces,omitzero"`
	LoggedOnUsers    []LoggedOnUser `json:"loggedOnUsers,omitzero"`
	VMMetadata       VMMetadata     `json:"vmMetadata,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// IPEvidence is an IP address.
type IPEvidence struct {
	EvidenceBase
	IPAddress         string         `json:"ipAddress,omitzero"`
	CountryLetterCode string         `json:"countryLetterCode,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// URLEvidence is a URL.
type URLEvidence struct {
	EvidenceBase
	URL     string         `json:"url,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// FileEvidence is a file.
type FileEvidence struct {
	EvidenceBase
	FileDetails     FileDetails     `json:"fileDetails,omitzero"`
	DetectionStatus DetectionStatus `json:"detectionStatus,omitzero"`
	MDEDeviceID     string          `json:"mdeDeviceId,omitzero"`
	Unknown         jsontext.Value  `json:",embed"`
}

// FileHashEvidence is a file hash.
type FileHashEvidence struct {
	EvidenceBase
	Algorithm string         `json:"algorithm,omitzero"`
	Value     string         `json:"value,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// ProcessEvidence is a process.
type ProcessEvidence struct {
	EvidenceBase
	ProcessID                     int64           `json:"processId,omitzero"`
	ParentProcessID               int64           `json:"parentProcessId,omitzero"`
	ProcessCommandLine            string          `json:"processCommandLine,omitzero"`
	ProcessCreationDateTime       time.Time       `json:"processCreationDateTime,omitzero"`
	ParentProcessCreationDateTime time.Time       `json:"parentProcessCreationDateTime,omitzero"`
	ImageFile                     FileDetails     `json:"imageFile,omitzero"`
	ParentProcessImageFile        FileDetails     `json:"parentProcessImageFile,omitzero"`
	UserAccount                   UserAccount     `json:"userAccount,omitzero"`
	DetectionStatus               DetectionStatus `json:"detectionStatus,omitzero"`
	MDEDeviceID                   string          `json:"mdeDeviceId,omitzero"`
	Unknown                       jsontext.Value  `json:",embed"`
}

// RegistryKeyEvidence is a registry key.
type RegistryKeyEvidence struct {
	EvidenceBase
	RegistryKey  string         `json:"registryKey,omitzero"`
	RegistryHive string         `json:"registryHive,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// RegistryValueEvidence is a registry value.
type RegistryValueEvidence struct {
	EvidenceBase
	RegistryKey       string         `json:"registryKey,omitzero"`
	RegistryHive      string         `json:"registryHive,omitzero"`
	RegistryValue     string         `json:"registryValue,omitzero"`
	RegistryValueName string         `json:"registryValueName,omitzero"`
	RegistryValueType string         `json:"registryValueType,omitzero"`
	MDEDeviceID       string         `json:"mdeDeviceId,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// MailboxEvidence is a mailbox.
type MailboxEvidence struct {
	EvidenceBase
	PrimaryAddress string         `json:"primaryAddress,omitzero"`
	DisplayName    string         `json:"displayName,omitzero"`
	UPN            string         `json:"upn,omitzero"`
	UserAccount    UserAccount    `json:"userAccount,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// MailboxConfigurationEvidence is a mailbox setting, such as a forwarding rule.
type MailboxConfigurationEvidence struct {
	EvidenceBase
	// ConfigurationType: mailForwardingRule, owaSettings, ewsSettings, mailDelegation,
	// userInboxRule.
	ConfigurationType         string         `json:"configurationType,omitzero"`
	ConfigurationID           string         `json:"configurationId,omitzero"`
	MailboxPrimaryAddress     string         `json:"mailboxPrimaryAddress,omitzero"`
	DisplayName               string         `json:"displayName,omitzero"`
	UPN                       string         `json:"upn,omitzero"`
	ExternalDirectoryObjectID string         `json:"externalDirectoryObjectId,omitzero"`
	Unknown                   jsontext.Value `json:",embed"`
}

// AnalyzedMessageEvidence is an email.
type AnalyzedMessageEvidence struct {
	EvidenceBase
	NetworkMessageID      string      `json:"networkMessageId,omitzero"`
	InternetMessageID     string      `json:"internetMessageId,omitzero"`
	Subject               string      `json:"subject,omitzero"`
	Language              string      `json:"language,omitzero"`
	SenderIP              string      `json:"senderIp,omitzero"`
	RecipientEmailAddress string      `json:"recipientEmailAddress,omitzero"`
	P1Sender              EmailSender `json:"p1Sender,omitzero"`
	P2Sender              EmailSender `json:"p2Sender,omitzero"`
	// AntiSpamDirection: inbound, outbound, intraorg.
	AntiSpamDirection string `json:"antiSpamDirection,omitzero"`
	// DeliveryAction: delivered, deliveredAsSpam, junked, blocked, replaced.
	DeliveryAction string `json:"deliveryAction,omitzero"`
	// DeliveryLocation: inbox, external, junkFolder, quarantine, failed, dropped,
	// deletedFolder, forwarded.
	DeliveryLocation       string         `json:"deliveryLocation,omitzero"`
	Threats                []string       `json:"threats,omitzero"`
	ThreatDetectionMethods []string       `json:"threatDetectionMethods,omitzero"`
	URLs                   []string       `json:"urls,omitzero"`
	URLCount               int64          `json:"urlCount,omitzero"`
	AttachmentsCount       int64          `json:"attachmentsCount,omitzero"`
	ReceivedDateTime       time.Time      `json:"receivedDateTime,omitzero"`
	URN                    string         `json:"urn,omitzero"`
	Unknown                jsontext.Value `json:",embed"`
}

// MailClusterEvidence is a cluster of similar emails.
type MailClusterEvidence struct {
	EvidenceBase
	ClusterBy         string         `json:"clusterBy,omitzero"`
	ClusterByValue    string         `json:"clusterByValue,omitzero"`
	EmailCount        int64          `json:"emailCount,omitzero"`
	NetworkMessageIDs []string       `json:"networkMessageIds,omitzero"`
	Query             string         `json:"query,omitzero"`
	URN               string         `json:"urn,omitzero"`
	Unknown           jsontext.Value `json:",embed"`
}

// SubmissionMailEvidence is an email a user or admin submitted for analysis.
type SubmissionMailEvidence struct {
	EvidenceBase
	SubmissionID       string         `json:"submissionId,omitzero"`
	SubmissionDateTime time.Time      `json:"submissionDateTime,omitzero"`
	Submitter          string         `json:"submitter,omitzero"`
	NetworkMessageID   string         `json:"networkMessageId,omitzero"`
	Recipient          string         `json:"recipient,omitzero"`
	Sender             string         `json:"sender,omitzero"`
	SenderIP           string         `json:"senderIp,omitzero"`
	Subject            string         `json:"subject,omitzero"`
	ReportType         string         `json:"reportType,omitzero"`
	Unknown            jsontext.Value `json:",embed"`
}

// CloudApplicationEvidence is a cloud (SaaS) application.
type CloudApplicationEvidence struct {
	EvidenceBase
	AppID        int64          `json:"appId,omitzero"`
	DisplayName  string         `json:"displayName,omitzero"`
	InstanceID   int64          `json:"instanceId,omitzero"`
	InstanceName string         `json:"instanceName,omitzero"`
	SaaSAppID    int64          `json:"saasAppId,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// OAuthApplicationEvidence is an OAuth application.
type OAuthApplicationEvidence struct {
	EvidenceBase
	AppID       string         `json:"appId,omitzero"`
	DisplayName string         `json:"displayName,omitzero"`
	ObjectID    string         `json:"objectId,omitzero"`
	Publisher   string         `json:"publisher,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// ServicePrincipalEvidence is a service principal.
type ServicePrincipalEvidence struct {
	EvidenceBase
	ServicePrincipalName     string `json:"servicePrincipalName,omitzero"`
	ServicePrincipalObjectID string `json:"servicePrincipalObjectId,omitzero"`
	// ServicePrincipalType: application, managedIdentity, legacy, unknown.
	ServicePrincipalType string         `json:"servicePrincipalType,omitzero"`
	AppID                string         `json:"appId,omitzero"`
	AppOwnerTenantID     string         `json:"appOwnerTenantId,omitzero"`
	TenantID             string         `json:"tenantId,omitzero"`
	Unknown              jsontext.Value `json:",embed"`
}

// SecurityGroupEvidence is a security group.
type SecurityGroupEvidence struct {
	EvidenceBase
	SecurityGroupID           string         `json:"securityGroupId,omitzero"`
	DisplayName               string         `json:"displayName,omitzero"`
	SID                       string         `json:"sid,omitzero"`
	DistinguishedName         string         `json:"distinguishedName,omitzero"`
	FriendlyName              string         `json:"friendlyName,omitzero"`
	ActiveDirectoryObjectGUID string         `json:"activeDirectoryObjectGuid,omitzero"`
	Unknown                   jsontext.Value `json:",embed"`
}

// HostLogonSessionEvidence is a logon session of a user on a host.
type HostLogonSessionEvidence struct {
	EvidenceBase
	SessionID        string          `json:"sessionId,omitzero"`
	Account          *UserEvidence   `json:"account,omitzero"`
	Host             *DeviceEvidence `json:"host,omitzero"`
	StartUTCDateTime time.Time       `json:"startUtcDateTime,omitzero"`
	EndUTCDateTime   time.Time       `json:"endUtcDateTime,omitzero"`
	Unknown          jsontext.Value  `json:",embed"`
}

// NetworkConnectionEvidence is a network connection.
type NetworkConnectionEvidence struct {
	EvidenceBase
	SourceAddress      *IPEvidence `json:"sourceAddress,omitzero"`
	SourcePort         int32       `json:"sourcePort,omitzero"`
	DestinationAddress *IPEvidence `json:"destinationAddress,omitzero"`
	DestinationPort    int32       `json:"destinationPort,omitzero"`
	// Protocol: tcp, udp.
	Protocol string         `json:"protocol,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// DNSEvidence is a DNS resolution.
type DNSEvidence struct {
	EvidenceBase
	DomainName    string         `json:"domainName,omitzero"`
	IPAddresses   []IPEvidence   `json:"ipAddresses,omitzero"`
	DNSServerIP   *IPEvidence    `json:"dnsServerIp,omitzero"`
	HostIPAddress *IPEvidence    `json:"hostIpAddress,omitzero"`
	Unknown       jsontext.Value `json:",embed"`
}

// NICEvidence is a network interface.
type NICEvidence struct {
	EvidenceBase
	MACAddress string         `json:"macAddress,omitzero"`
	IPAddress  *IPEvidence    `json:"ipAddress,omitzero"`
	VLANs      []string       `json:"vlans,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// MalwareEvidence is malware, with its files and processes.
type MalwareEvidence struct {
	EvidenceBase
	Name      string            `json:"name,omitzero"`
	Category  string            `json:"category,omitzero"`
	Files     []FileEvidence    `json:"files,omitzero"`
	Processes []ProcessEvidence `json:"processes,omitzero"`
	Unknown   jsontext.Value    `json:",embed"`
}

// IoTDeviceEvidence is an IoT or OT device.
type IoTDeviceEvidence struct {
	EvidenceBase
	DeviceID           string                 `json:"deviceId,omitzero"`
	DeviceName         string                 `json:"deviceName,omitzero"`
	DeviceType         string                 `json:"deviceType,omitzero"`
	DeviceSubType      string                 `json:"deviceSubType,omitzero"`
	IoTHub             *AzureResourceEvidence `json:"ioTHub,omitzero"`
	IoTSecurityAgentID string                 `json:"ioTSecurityAgentId,omitzero"`
	Manufacturer       string                 `json:"manufacturer,omitzero"`
	Model              string                 `json:"model,omitzero"`
	OperatingSystem    string                 `json:"operatingSystem,omitzero"`
	IPAddress          *IPEvidence            `json:"ipAddress,omitzero"`
	MACAddress         string                 `json:"macAddress,omitzero"`
	NICs               []NICEvidence          `json:"nics,omitzero"`
	Protocols          []string               `json:"protocols,omitzero"`
	SerialNumber       string                 `json:"serialNumber,omitzero"`
	Site               string                 `json:"site,omitzero"`
	Zone               string                 `json:"zone,omitzero"`
	Sensor             string                 `json:"sensor,omitzero"`
	// Importance: unknown, low, normal, high.
	Importance     string         `json:"importance,omitzero"`
	PurdueLayer    string         `json:"purdueLayer,omitzero"`
	IsProgramming  bool           `json:"isProgramming,omitzero"`
	IsAuthorized   bool           `json:"isAuthorized,omitzero"`
	IsScanner      bool           `json:"isScanner,omitzero"`
	DevicePageLink string         `json:"devicePageLink,omitzero"`
	Owners         []string       `json:"owners,omitzero"`
	Source         string         `json:"source,omitzero"`
	SourceRef      *URLEvidence   `json:"sourceRef,omitzero"`
	Unknown        jsontext.Value `json:",embed"`
}

// AzureResourceEvidence is an Azure resource.
type AzureResourceEvidence struct {
	EvidenceBase
	ResourceID   string         `json:"resourceId,omitzero"`
	ResourceName string         `json:"resourceName,omitzero"`
	ResourceType string         `json:"resourceType,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// AmazonResourceEvidence is an AWS resource.
type AmazonResourceEvidence struct {
	EvidenceBase
	AmazonAccountID  string         `json:"amazonAccountId,omitzero"`
	AmazonResourceID string         `json:"amazonResourceId,omitzero"`
	ResourceName     string         `json:"resourceName,omitzero"`
	ResourceType     string         `json:"resourceType,omitzero"`
	Unknown          jsontext.Value `json:",embed"`
}

// GoogleCloudResourceEvidence is a Google Cloud resource.
type GoogleCloudResourceEvidence struct {
	EvidenceBase
	ProjectID     string `json:"projectId,omitzero"`
	ProjectNumber int64  `json:"projectNumber,omitzero"`
	ResourceName  string `json:"resourceName,omitzero"`
	ResourceType  string `json:"resourceType,omitzero"`
	Location      string `json:"location,omitzero"`
	// LocationType: unknown, regional, zonal, global.
	LocationType string         `json:"locationType,omitzero"`
	Unknown      jsontext.Value `json:",embed"`
}

// BlobContainerEvidence is an Azure Storage blob container.
type BlobContainerEvidence struct {
	EvidenceBase
	Name            string                 `json:"name,omitzero"`
	URL             string                 `json:"url,omitzero"`
	StorageResource *AzureResourceEvidence `json:"storageResource,omitzero"`
	Unknown         jsontext.Value         `json:",embed"`
}

// BlobEvidence is an Azure Storage blob.
type BlobEvidence struct {
	EvidenceBase
	Name          string                 `json:"name,omitzero"`
	URL           string                 `json:"url,omitzero"`
	Etag          string                 `json:"etag,omitzero"`
	FileHashes    []FileHash             `json:"fileHashes,omitzero"`
	BlobContainer *BlobContainerEvidence `json:"blobContainer,omitzero"`
	Unknown       jsontext.Value         `json:",embed"`
}

// SASTokenEvidence is a shared access signature of a storage account.
type SASTokenEvidence struct {
	EvidenceBase
	SignatureHash        string                 `json:"signatureHash,omitzero"`
	AllowedServices      []string               `json:"allowedServices,omitzero"`
	AllowedResourceTypes []string               `json:"allowedResourceTypes,omitzero"`
	AllowedIPAddresses   string                 `json:"allowedIpAddresses,omitzero"`
	Permissions          []string               `json:"permissions,omitzero"`
	Protocol             string                 `json:"protocol,omitzero"`
	SignedWith           string                 `json:"signedWith,omitzero"`
	StartDateTime        time.Time              `json:"startDateTime,omitzero"`
	ExpiryDateTime       time.Time              `json:"expiryDateTime,omitzero"`
	StorageResource      *AzureResourceEvidence `json:"storageResource,omitzero"`
	Unknown              jsontext.Value         `json:",embed"`
}

// ContainerEvidence is a container.
type ContainerEvidence struct {
	EvidenceBase
	ContainerID  string                  `json:"containerId,omitzero"`
	Name         string                  `json:"name,omitzero"`
	Image        *ContainerImageEvidence `json:"image,omitzero"`
	Args         []string                `json:"args,omitzero"`
	Command      []string                `json:"command,omitzero"`
	IsPrivileged bool                    `json:"isPrivileged,omitzero"`
	Pod          *KubernetesPodEvidence  `json:"pod,omitzero"`
	Unknown      jsontext.Value          `json:",embed"`
}

// ContainerImageEvidence is a container image.
type ContainerImageEvidence struct {
	EvidenceBase
	ImageID     string                     `json:"imageId,omitzero"`
	Registry    *ContainerRegistryEvidence `json:"registry,omitzero"`
	DigestImage *ContainerImageEvidence    `json:"digestImage,omitzero"`
	Unknown     jsontext.Value             `json:",embed"`
}

// ContainerRegistryEvidence is a container registry.
type ContainerRegistryEvidence struct {
	EvidenceBase
	Registry string         `json:"registry,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// KubernetesClusterEvidence is a Kubernetes cluster.
type KubernetesClusterEvidence struct {
	EvidenceBase
	Name string `json:"name,omitzero"`
	// Platform: unknown, aks, eks, gke, arc.
	Platform     string `json:"platform,omitzero"`
	Distribution string `json:"distribution,omitzero"`
	Version      string `json:"version,omitzero"`
	// CloudResource is the cluster's cloud resource: an *AzureResourceEvidence,
	// *AmazonResourceEvidence or *GoogleCloudResourceEvidence.
	CloudResource Evidence       `json:"cloudResource,omitzero"`
	Unknown       jsontext.Value `json:",embed"`
}

// KubernetesNamespaceEvidence is a Kubernetes namespace.
type KubernetesNamespaceEvidence struct {
	EvidenceBase
	Name    string                     `json:"name,omitzero"`
	Cluster *KubernetesClusterEvidence `json:"cluster,omitzero"`
	// Labels is a JSON object (a Graph dictionary).
	Labels  jsontext.Value `json:"labels,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// KubernetesPodEvidence is a Kubernetes pod.
type KubernetesPodEvidence struct {
	EvidenceBase
	Name                string                            `json:"name,omitzero"`
	Namespace           *KubernetesNamespaceEvidence      `json:"namespace,omitzero"`
	Labels              jsontext.Value                    `json:"labels,omitzero"`
	PodIP               *IPEvidence                       `json:"podIp,omitzero"`
	Containers          []ContainerEvidence               `json:"containers,omitzero"`
	InitContainers      []ContainerEvidence               `json:"initContainers,omitzero"`
	EphemeralContainers []ContainerEvidence               `json:"ephemeralContainers,omitzero"`
	Controller          *KubernetesControllerEvidence     `json:"controller,omitzero"`
	ServiceAccount      *KubernetesServiceAccountEvidence `json:"serviceAccount,omitzero"`
	Unknown             jsontext.Value                    `json:",embed"`
}

// KubernetesControllerEvidence is a Kubernetes controller (deployment, replica set, ...).
type KubernetesControllerEvidence struct {
	EvidenceBase
	Name      string                       `json:"name,omitzero"`
	Namespace *KubernetesNamespaceEvidence `json:"namespace,omitzero"`
	Type      string                       `json:"type,omitzero"`
	Labels    jsontext.Value               `json:"labels,omitzero"`
	Unknown   jsontext.Value               `json:",embed"`
}

// KubernetesServiceEvidence is a Kubernetes service.
type KubernetesServiceEvidence struct {
	EvidenceBase
	Name      string                       `json:"name,omitzero"`
	Namespace *KubernetesNamespaceEvidence `json:"namespace,omitzero"`
	// ServiceType: unknown, clusterIP, externalName, nodePort, loadBalancer.
	ServiceType  string                  `json:"serviceType,omitzero"`
	ClusterIP    *IPEvidence             `json:"clusterIP,omitzero"`
	ExternalIPs  []IPEvidence            `json:"externalIPs,omitzero"`
	ServicePorts []KubernetesServicePort `json:"servicePorts,omitzero"`
	Labels       jsontext.Value          `json:"labels,omitzero"`
	Selector     jsontext.Value          `json:"selector,omitzero"`
	Unknown      jsontext.Value          `json:",embed"`
}

// KubernetesServiceAccountEvidence is a Kubernetes service account.
type KubernetesServiceAccountEvidence struct {
	EvidenceBase
	Name      string                       `json:"name,omitzero"`
	Namespace *KubernetesNamespaceEvidence `json:"namespace,omitzero"`
	Unknown   jsontext.Value               `json:",embed"`
}

// KubernetesSecretEvidence is a Kubernetes secret.
type KubernetesSecretEvidence struct {
	EvidenceBase
	Name       string                       `json:"name,omitzero"`
	Namespace  *KubernetesNamespaceEvidence `json:"namespace,omitzero"`
	SecretType string                       `json:"secretType,omitzero"`
	Unknown    jsontext.Value               `json:",embed"`
}

// GitHubOrganizationEvidence is a GitHub organization.
type GitHubOrganizationEvidence struct {
	EvidenceBase
	OrgID       string         `json:"orgId,omitzero"`
	Login       string         `json:"login,omitzero"`
	DisplayName string         `json:"displayName,omitzero"`
	Email       string         `json:"email,omitzero"`
	Company     string         `json:"company,omitzero"`
	WebURL      string         `json:"webUrl,omitzero"`
	Unknown     jsontext.Value `json:",embed"`
}

// GitHubRepoEvidence is a GitHub repository.
type GitHubRepoEvidence struct {
	EvidenceBase
	RepoID    string         `json:"repoId,omitzero"`
	Login     string         `json:"login,omitzero"`
	Owner     string         `json:"owner,omitzero"`
	OwnerType string         `json:"ownerType,omitzero"`
	BaseURL   string         `json:"baseUrl,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// GitHubUserEvidence is a GitHub user.
type GitHubUserEvidence struct {
	EvidenceBase
	UserID  string         `json:"userId,omitzero"`
	Login   string         `json:"login,omitzero"`
	Name    string         `json:"name,omitzero"`
	Email   string         `json:"email,omitzero"`
	WebURL  string         `json:"webUrl,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// Kind returns EvidenceKindUser.
func (*UserEvidence) Kind() EvidenceKind { return EvidenceKindUser }

// Kind returns EvidenceKindDevice.
func (*DeviceEvidence) Kind() EvidenceKind { return EvidenceKindDevice }

// Kind returns EvidenceKindIP.
func (*IPEvidence) Kind() EvidenceKind { return EvidenceKindIP }

// Kind returns EvidenceKindURL.
func (*URLEvidence) Kind() EvidenceKind { return EvidenceKindURL }

// Kind returns EvidenceKindFile.
func (*FileEvidence) Kind() EvidenceKind { return EvidenceKindFile }

// Kind returns EvidenceKindFileHash.
func (*FileHashEvidence) Kind() EvidenceKind { return EvidenceKindFileHash }

// Kind returns EvidenceKindProcess.
func (*ProcessEvidence) Kind() EvidenceKind { return EvidenceKindProcess }

// Kind returns EvidenceKindRegistryKey.
func (*RegistryKeyEvidence) Kind() EvidenceKind { return EvidenceKindRegistryKey }

// Kind returns EvidenceKindRegistryValue.
func (*RegistryValueEvidence) Kind() EvidenceKind { return EvidenceKindRegistryValue }

// Kind returns EvidenceKindMailbox.
func (*MailboxEvidence) Kind() EvidenceKind { return EvidenceKindMailbox }

// Kind returns EvidenceKindMailboxConfiguration.
func (*MailboxConfigurationEvidence) Kind() EvidenceKind { return EvidenceKindMailboxConfiguration }

// Kind returns EvidenceKindAnalyzedMessage.
func (*AnalyzedMessageEvidence) Kind() EvidenceKind { return EvidenceKindAnalyzedMessage }

// Kind returns EvidenceKindMailCluster.
func (*MailClusterEvidence) Kind() EvidenceKind { return EvidenceKindMailCluster }

// Kind returns EvidenceKindSubmissionMail.
func (*SubmissionMailEvidence) Kind() EvidenceKind { return EvidenceKindSubmissionMail }

// Kind returns EvidenceKindCloudApplication.
func (*CloudApplicationEvidence) Kind() EvidenceKind { return EvidenceKindCloudApplication }

// Kind returns EvidenceKindOAuthApplication.
func (*OAuthApplicationEvidence) Kind() EvidenceKind { return EvidenceKindOAuthApplication }

// Kind returns EvidenceKindServicePrincipal.
func (*ServicePrincipalEvidence) Kind() EvidenceKind { return EvidenceKindServicePrincipal }

// Kind returns EvidenceKindSecurityGroup.
func (*SecurityGroupEvidence) Kind() EvidenceKind { return EvidenceKindSecurityGroup }

// Kind returns EvidenceKindHostLogonSession.
func (*HostLogonSessionEvidence) Kind() EvidenceKind { return EvidenceKindHostLogonSession }

// Kind returns EvidenceKindNetworkConnection.
func (*NetworkConnectionEvidence) Kind() EvidenceKind { return EvidenceKindNetworkConnection }

// Kind returns EvidenceKindDNS.
func (*DNSEvidence) Kind() EvidenceKind { return EvidenceKindDNS }

// Kind returns EvidenceKindNIC.
func (*NICEvidence) Kind() EvidenceKind { return EvidenceKindNIC }

// Kind returns EvidenceKindMalware.
func (*MalwareEvidence) Kind() EvidenceKind { return EvidenceKindMalware }

// Kind returns EvidenceKindIoTDevice.
func (*IoTDeviceEvidence) Kind() EvidenceKind { return EvidenceKindIoTDevice }

// Kind returns EvidenceKindAzureResource.
func (*AzureResourceEvidence) Kind() EvidenceKind { return EvidenceKindAzureResource }

// Kind returns EvidenceKindAmazonResource.
func (*AmazonResourceEvidence) Kind() EvidenceKind { return EvidenceKindAmazonResource }

// Kind returns EvidenceKindGoogleCloudResource.
func (*GoogleCloudResourceEvidence) Kind() EvidenceKind { return EvidenceKindGoogleCloudResource }

// Kind returns EvidenceKindBlobContainer.
func (*BlobContainerEvidence) Kind() EvidenceKind { return EvidenceKindBlobContainer }

// Kind returns EvidenceKindBlob.
func (*BlobEvidence) Kind() EvidenceKind { return EvidenceKindBlob }

// Kind returns EvidenceKindSASToken.
func (*SASTokenEvidence) Kind() EvidenceKind { return EvidenceKindSASToken }

// Kind returns EvidenceKindContainer.
func (*ContainerEvidence) Kind() EvidenceKind { return EvidenceKindContainer }

// Kind returns EvidenceKindContainerImage.
func (*ContainerImageEvidence) Kind() EvidenceKind { return EvidenceKindContainerImage }

// Kind returns EvidenceKindContainerRegistry.
func (*ContainerRegistryEvidence) Kind() EvidenceKind { return EvidenceKindContainerRegistry }

// Kind returns EvidenceKindKubernetesCluster.
func (*KubernetesClusterEvidence) Kind() EvidenceKind { return EvidenceKindKubernetesCluster }

// Kind returns EvidenceKindKubernetesNamespace.
func (*KubernetesNamespaceEvidence) Kind() EvidenceKind { return EvidenceKindKubernetesNamespace }

// Kind returns EvidenceKindKubernetesPod.
func (*KubernetesPodEvidence) Kind() EvidenceKind { return EvidenceKindKubernetesPod }

// Kind returns EvidenceKindKubernetesController.
func (*KubernetesControllerEvidence) Kind() EvidenceKind { return EvidenceKindKubernetesController }

// Kind returns EvidenceKindKubernetesService.
func (*KubernetesServiceEvidence) Kind() EvidenceKind { return EvidenceKindKubernetesService }

// Kind returns EvidenceKindKubernetesServiceAccount.
func (*KubernetesServiceAccountEvidence) Kind() EvidenceKind {
	return EvidenceKindKubernetesServiceAccount
}

// Kind returns EvidenceKindKubernetesSecret.
func (*KubernetesSecretEvidence) Kind() EvidenceKind { return EvidenceKindKubernetesSecret }

// Kind returns EvidenceKindGitHubOrganization.
func (*GitHubOrganizationEvidence) Kind() EvidenceKind { return EvidenceKindGitHubOrganization }

// Kind returns EvidenceKindGitHubRepo.
func (*GitHubRepoEvidence) Kind() EvidenceKind { return EvidenceKindGitHubRepo }

// Kind returns EvidenceKindGitHubUser.
func (*GitHubUserEvidence) Kind() EvidenceKind { return EvidenceKindGitHubUser }

// evidenceFamily registers the evidence kinds with the model layer: wherever an Evidence is
// decoded (Alert.Evidence, a nested cloud resource, sentinel.UnmarshalJSON into *Evidence)
// it becomes the struct of its "@odata.type" or an *UnknownEvidence.
var _ = model.NewFamilyOn[EvidenceKind, Evidence]("@odata.type", "alert evidence", false,
	func() Evidence { return new(UserEvidence) },
	func() Evidence { return new(DeviceEvidence) },
	func() Evidence { return new(IPEvidence) },
	func() Evidence { return new(URLEvidence) },
	func() Evidence { return new(FileEvidence) },
	func() Evidence { return new(FileHashEvidence) },
	func() Evidence { return new(ProcessEvidence) },
	func() Evidence { return new(RegistryKeyEvidence) },
	func() Evidence { return new(RegistryValueEvidence) },
	func() Evidence { return new(MailboxEvidence) },
	func() Evidence { return new(MailboxConfigurationEvidence) },
	func() Evidence { return new(AnalyzedMessageEvidence) },
	func() Evidence { return new(MailClusterEvidence) },
	func() Evidence { return new(SubmissionMailEvidence) },
	func() Evidence { return new(CloudApplicationEvidence) },
	func() Evidence { return new(OAuthApplicationEvidence) },
	func() Evidence { return new(ServicePrincipalEvidence) },
	func() Evidence { return new(SecurityGroupEvidence) },
	func() Evidence { return new(HostLogonSessionEvidence) },
	func() Evidence { return new(NetworkConnectionEvidence) },
	func() Evidence { return new(DNSEvidence) },
	func() Evidence { return new(NICEvidence) },
	func() Evidence { return new(MalwareEvidence) },
	func() Evidence { return new(IoTDeviceEvidence) },
	func() Evidence { return new(AzureResourceEvidence) },
	func() Evidence { return new(AmazonResourceEvidence) },
	func() Evidence { return new(GoogleCloudResourceEvidence) },
	func() Evidence { return new(BlobContainerEvidence) },
	func() Evidence { return new(BlobEvidence) },
	func() Evidence { return new(SASTokenEvidence) },
	func() Evidence { return new(ContainerEvidence) },
	func() Evidence { return new(ContainerImageEvidence) },
	func() Evidence { return new(ContainerRegistryEvidence) },
	func() Evidence { return new(KubernetesClusterEvidence) },
	func() Evidence { return new(KubernetesNamespaceEvidence) },
	func() Evidence { return new(KubernetesPodEvidence) },
	func() Evidence { return new(KubernetesControllerEvidence) },
	func() Evidence { return new(KubernetesServiceEvidence) },
	func() Evidence { return new(KubernetesServiceAccountEvidence) },
	func() Evidence { return new(KubernetesSecretEvidence) },
	func() Evidence { return new(GitHubOrganizationEvidence) },
	func() Evidence { return new(GitHubRepoEvidence) },
	func() Evidence { return new(GitHubUserEvidence) },
)
