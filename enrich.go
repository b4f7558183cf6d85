package sentinel

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Names of EnrichedEntity.Fields. A field is present only when it has a value.
const (
	FieldUPN               = "upn"               // Account, Mailbox: user principal name, lower case
	FieldDomainAccount     = "domainAccount"     // Account: NTDOMAIN\name
	FieldSID               = "sid"               // Account, SecurityGroup: Windows security identifier, upper case
	FieldAADObjectID       = "aadObjectId"       // Account, Mailbox: Entra object ID, lower case
	FieldAADTenantID       = "aadTenantId"       // Account
	FieldAccountName       = "accountName"       // Account: name without domain
	FieldNTDomain          = "ntDomain"          // Account, Host
	FieldObjectGUID        = "objectGuid"        // Account, SecurityGroup: on-premises AD object GUID
	FieldPUID              = "puid"              // Account
	FieldFQDN              = "fqdn"              // Host: host name and DNS domain, lower case
	FieldHostName          = "hostName"          // Host
	FieldNetBIOSName       = "netBiosName"       // Host
	FieldAzureID           = "azureId"           // Host: Azure resource ID of the VM
	FieldOMSAgentID        = "omsAgentId"        // Host: Log Analytics agent ID
	FieldOSFamily          = "osFamily"          // Host
	FieldAddress           = "address"           // Ip: canonical text form of the address
	FieldURL               = "url"               // Url: as sent, even when not a valid URI
	FieldDomain            = "domain"            // Url (host of a parseable URL), DnsResolution: lower case, no trailing dot
	FieldHashAlgorithm     = "hashAlgorithm"     // FileHash: MD5, SHA1, SHA256, SHA256AC
	FieldHash              = "hash"              // FileHash: lower-case hex
	FieldMD5               = "md5"               // File: from its resolved FileHash entities
	FieldSHA1              = "sha1"              // File
	FieldSHA256            = "sha256"            // File
	FieldPath              = "path"              // File: directory and file name
	FieldFileName          = "fileName"          // File
	FieldDirectory         = "directory"         // File
	FieldCommandLine       = "commandLine"       // Process
	FieldProcessID         = "processId"         // Process
	FieldCreationTime      = "creationTime"      // Process: RFC 3339, UTC
	FieldMailbox           = "mailbox"           // Mailbox: primary SMTP address, lower case
	FieldNetworkMessageID  = "networkMessageId"  // MailMessage, SubmissionMail: lower case
	FieldInternetMessageID = "internetMessageId" // MailMessage
	FieldSender            = "sender"            // MailMessage (envelope sender, else header sender), SubmissionMail: lower case
	FieldSenderFrom        = "senderFrom"        // MailMessage: header (P2) sender, lower case
	FieldSenderIP          = "senderIp"          // MailMessage, SubmissionMail
	FieldRecipient         = "recipient"         // MailMessage, SubmissionMail: lower case
	FieldSubject           = "subject"           // MailMessage, SubmissionMail
	FieldSubmissionID      = "submissionId"      // SubmissionMail
	FieldClusterID         = "clusterSourceId"   // MailCluster: ClusterSourceIdentifier
	FieldQuery             = "query"             // MailCluster, Bookmark
	FieldAppName           = "appName"           // CloudApplication
	FieldAppID             = "appId"             // CloudApplication
	FieldResourceID        = "resourceId"        // AzureResource: ARM resource ID
	FieldSubscriptionID    = "subscriptionId"    // AzureResource
	FieldRegistryKey       = "registryKey"       // RegistryKey, RegistryValue (resolved): HIVE\key
	FieldRegistryValueName = "registryValueName" // RegistryValue
	FieldRegistryValueData = "registryValueData" // RegistryValue
	FieldRegistryValueType = "registryValueType" // RegistryValue
	FieldDistinguishedName = "distinguishedName" // SecurityGroup
	FieldDeviceID          = "deviceId"          // IoTDevice
	FieldDeviceName        = "deviceName"        // IoTDevice
	FieldMACAddress        = "macAddress"        // IoTDevice: lower case, colon-separated
	FieldMalwareName       = "malwareName"       // Malware
	FieldMalwareCategory   = "malwareCategory"   // Malware
	FieldAlertName         = "alertName"         // SecurityAlert
	FieldSystemAlertID     = "systemAlertId"     // SecurityAlert
	FieldProviderAlertID   = "providerAlertId"   // SecurityAlert
	FieldSeverity          = "severity"          // SecurityAlert, Bookmark
	FieldProductName       = "productName"       // SecurityAlert
	FieldBookmarkID        = "bookmarkId"        // Bookmark: the bookmark's ID
)

// Roles of EntityRelation: what the related entity is to the entity that refers to it.
const (
	RoleHost          = "host"          // Account, File, Process, IoTDevice → Host
	RoleAccount       = "account"       // Process → Account
	RoleParentProcess = "parentProcess" // Process → Process
	RoleImageFile     = "imageFile"     // Process → File
	RoleLogonSession  = "logonSession"  // Process → the host logon session entity
	RoleFileHash      = "fileHash"      // File → FileHash
	RoleFile          = "file"          // MailMessage, Malware → File
	RoleProcess       = "process"       // Malware → Process
	RoleIP            = "ip"            // DnsResolution (resolved addresses), IoTDevice → Ip
	RoleDNSServer     = "dnsServer"     // DnsResolution → Ip
	RoleHostIP        = "hostIp"        // DnsResolution → Ip of the host that asked
	RoleRegistryKey   = "registryKey"   // RegistryValue → RegistryKey
	RoleIoTHub        = "iotHub"        // IoTDevice → the IoT hub entity
)

// EnrichedEntity is one real-world entity of an incident in a normalised form that a SOAR
// can map into its own case model without knowing the 21 entity schemas: a kind, one
// canonical value, the identifying fields by name, and the relations to other entities,
// resolved. Entities that describe the same thing (the same account seen by UPN in one alert
// and by SID in another) are merged into one.
type EnrichedEntity struct {
	// Key identifies the entity in the result, "Kind:value"; relations refer to it.
	Key string
	// Kind is the entity kind (an unknown kind is kept as sent).
	Kind EntityKind
	// Value is the canonical value: a UPN, an FQDN, an IP address, a hash (see the table
	// in the README).
	Value string
	// DisplayName is the service's friendly name of the entity, or Value.
	DisplayName string
	// Fields are the identifying fields by name (FieldUPN, FieldSID, ...), non-empty only.
	Fields map[string]string
	// Relations are the entities this one refers to (a process's host and account, a
	// file's hashes), resolved to their keys.
	Relations []EntityRelation
	// Location is where an IP address is, when the service knows.
	Location *GeoLocation
	// ThreatIntelligence is what threat intelligence says about an IP address or device.
	ThreatIntelligence []EntityThreatIntelligence
	// Sources are the entities merged into this one, in the service's order.
	Sources []Entity
}

// EntityRelation is a reference from one enriched entity to another.
type EntityRelation struct {
	// Role is what the related entity is to this one: RoleHost, RoleAccount, ...
	Role string
	// Key, Kind and Value describe the related enriched entity. Key is "" when the entity
	// referred to is not in the list (Kind and Value are then empty too).
	Key   string
	Kind  EntityKind
	Value string
	// EntityID is the entity ID the service referred to.
	EntityID string
}

// GetEnrichedEntitiesOptions are the options of GetEnrichedEntities; none yet.
type GetEnrichedEntitiesOptions struct{}

// GetEnrichedEntities returns the entities of an incident in the normalised form of
// EnrichEntities: ListEntities (one request, POST .../incidents/{incidentId}/entities)
// followed by EnrichEntities.
func (c *Client) GetEnrichedEntities(ctx context.Context, incidentID string, _ *GetEnrichedEntitiesOptions) ([]EnrichedEntity, error) {
	entities, err := c.ListEntities(incidentID, nil).Collect(ctx, 0)
	if err != nil {
		return nil, err
	}
	return EnrichEntities(entities), nil
}

// EnrichEntities normalises entities (from ListEntities, ListAlerts or anywhere else) into
// one EnrichedEntity per real-world entity, in order of first appearance. It merges
// entities of a kind that share an identifier (accounts by UPN, SID, Entra object ID, AD
// object GUID, PUID or DOMAIN\name; hosts by FQDN, Azure ID, agent ID or host name; IP
// addresses by address; files by path on the same host; processes by ID and creation time
// on the same host; and so on), resolves the entity IDs entities refer to each other by,
// and derives fields across relations (a file's hashes, a registry value's key). It never
// fails: an entity it cannot identify is kept on its own.
func EnrichEntities(list []Entity) []EnrichedEntity {
	n := len(list)
	cands := make([]candidate, n)
	byID := make(map[string]int, 2*n)
	for i, e := range list {
		cands[i] = describe(e)
		env := e.Envelope()
		if len(cands[i].ids) == 0 && !cands[i].dependent() {
			cands[i].ids = fallbackIDs(e, i)
		}
		for _, id := range []string{env.ID, env.Name} {
			if k := strings.ToLower(id); k != "" {
				if _, dup := byID[k]; !dup {
					byID[k] = i
				}
			}
		}
	}
	uf := newUnionFind(n)
	join := func(dependent bool) {
		first := map[string]int{}
		for i := range cands {
			if cands[i].dependent() != dependent {
				continue
			}
			for _, id := range cands[i].ids {
				k := string(cands[i].kind) + "|" + id
				if j, ok := first[k]; ok {
					uf.union(j, i)
				} else {
					first[k] = i
				}
			}
		}
	}
	join(false)
	// Processes, files and registry values are identified relative to their host or key,
	// which are merged by now.
	ref := func(id string) string {
		if j, ok := byID[strings.ToLower(id)]; ok {
			return "#" + strconv.Itoa(uf.find(j))
		}
		return strings.ToLower(id)
	}
	for i := range cands {
		if cands[i].dependent() {
			if cands[i].ids = cands[i].dependentIDs(ref); len(cands[i].ids) == 0 {
				cands[i].ids = fallbackIDs(cands[i].src, i)
			}
		}
	}
	join(true)

	// Merge each group, in order of first appearance.
	groupOf := make([]int, n) // candidate → index in out
	slot := map[int]int{}     // root → index in out
	var out []EnrichedEntity
	var members [][]int
	for i := range cands {
		root := uf.find(i)
		g, ok := slot[root]
		if !ok {
			g = len(out)
			slot[root] = g
			out = append(out, EnrichedEntity{Kind: cands[i].kind, Fields: map[string]string{}})
			members = append(members, nil)
		}
		groupOf[i] = g
		members[g] = append(members[g], i)
		ee := &out[g]
		c := &cands[i]
		ee.Sources = append(ee.Sources, c.src)
		for k, v := range c.fields {
			if v != "" && ee.Fields[k] == "" {
				ee.Fields[k] = v
			}
		}
		if ee.DisplayName == "" {
			ee.DisplayName = c.common.FriendlyName
		}
		if ee.Location == nil && c.loc != nil && !c.loc.IsZero() {
			loc := *c.loc
			ee.Location = &loc
		}
		for _, ti := range c.ti {
			if !containsTI(ee.ThreatIntelligence, ti) {
				ee.ThreatIntelligence = append(ee.ThreatIntelligence, ti)
			}
		}
	}
	target := func(id string) int {
		if j, ok := byID[strings.ToLower(id)]; ok {
			return groupOf[j]
		}
		return -1
	}

	// Values of the independent kinds, then fields derived across relations, then the
	// values that depend on them.
	for g := range out {
		out[g].Value = canonicalValue(&out[g], &cands[members[g][0]])
	}
	for g := range out {
		ee := &out[g]
		for _, i := range members[g] {
			for _, r := range cands[i].refs {
				t := target(r.id)
				if t < 0 {
					continue
				}
				switch {
				case r.role == RoleFileHash && out[t].Kind == EntityKindFileHash:
					alg := strings.ToLower(out[t].Fields[FieldHashAlgorithm])
					if alg == "" {
						alg = "hash"
					}
					if ee.Fields[alg] == "" {
						ee.Fields[alg] = out[t].Fields[FieldHash]
					}
				case r.role == RoleRegistryKey && out[t].Kind == EntityKindRegistryKey:
					if ee.Fields[FieldRegistryKey] == "" {
						ee.Fields[FieldRegistryKey] = out[t].Value
					}
				}
			}
		}
		if ee.Kind == EntityKindRegistryValue {
			ee.Value = canonicalValue(ee, &cands[members[g][0]])
		}
	}

	// Keys, unique in the result: the second entity with a key gets "#2", and so on, past
	// any key taken already (a value may itself end in "#2").
	used := map[string]bool{}
	next := map[string]int{} // the next suffix to try after a key
	for g := range out {
		ee := &out[g]
		base := string(ee.Kind) + ":" + keyForm(ee.Kind, ee.Value)
		k := base
		for n := max(next[base], 2); used[k]; n++ {
			k = base + "#" + strconv.Itoa(n)
			next[base] = n + 1
		}
		used[k] = true
		ee.Key = k
		if ee.DisplayName == "" {
			ee.DisplayName = ee.Value
		}
	}

	// Relations, resolved and without duplicates.
	for g := range out {
		ee := &out[g]
		seen := map[string]bool{}
		for _, i := range members[g] {
			for _, r := range cands[i].refs {
				rel := EntityRelation{Role: r.role, EntityID: r.id}
				if t := target(r.id); t >= 0 {
					if t == g {
						continue // a merged entity referring to itself
					}
					rel.Key, rel.Kind, rel.Value = out[t].Key, out[t].Kind, out[t].Value
				}
				dedup := r.role + "|" + rel.Key
				if rel.Key == "" {
					dedup += strings.ToLower(r.id)
				}
				if !seen[dedup] {
					seen[dedup] = true
					ee.Relations = append(ee.Relations, rel)
				}
			}
		}
	}
	return out
}

func containsTI(list []EntityThreatIntelligence, ti EntityThreatIntelligence) bool {
	for _, x := range list {
		if x.Equal(ti) {
			return true
		}
	}
	return false
}

// fallbackIDs identifies an entity that has no identifying value: it is the same only as
// an entity with its ID, or with the same JSON when it has no ID.
func fallbackIDs(e Entity, i int) []string {
	env := e.Envelope()
	if env.ID != "" || env.Name != "" {
		return []string{"entity:" + strings.ToLower(cmpOr(env.ID, env.Name))}
	}
	if b, err := MarshalJSON(e); err == nil {
		return []string{"json:" + string(b)}
	}
	return []string{"#" + strconv.Itoa(i)}
}

// keyForm is the form of a value in a key: lower case except where case matters.
func keyForm(k EntityKind, v string) string {
	switch k {
	case EntityKindURL, EntityKindProcess, EntityKindRegistryValue:
		return v
	}
	return strings.ToLower(v)
}

// candidate is one entity, described for merging.
type candidate struct {
	src    Entity
	common EntityCommonProperties
	kind   EntityKind
	fields map[string]string
	ids    []string // identifiers: entities of a kind that share one are the same
	refs   []entityRef
	loc    *GeoLocation
	ti     []EntityThreatIntelligence
}

type entityRef struct{ role, id string }

func (c *candidate) dependent() bool {
	switch c.kind {
	case EntityKindProcess, EntityKindFile, EntityKindRegistryValue:
		return true
	}
	return false
}

// dependentIDs returns the identifiers of a process, file or registry value, relative to
// its host or key; ref maps an entity ID to its merged group.
func (c *candidate) dependentIDs(ref func(string) string) []string {
	f := c.fields
	switch e := c.src.(type) {
	case *ProcessEntity:
		host := ref(e.HostEntityID)
		switch {
		case f[FieldProcessID] != "":
			return []string{"pid:" + f[FieldProcessID] + "|" + f[FieldCreationTime] + "|" + host}
		case f[FieldCommandLine] != "":
			return []string{"cmd:" + f[FieldCommandLine] + "|" + host}
		}
	case *FileEntity:
		if p := f[FieldPath]; p != "" {
			return []string{"path:" + strings.ToLower(p) + "|" + ref(e.HostEntityID)}
		}
	case *RegistryValueEntity:
		if name := f[FieldRegistryValueName]; name != "" || e.KeyEntityID != "" {
			return []string{"value:" + ref(e.KeyEntityID) + "|" + strings.ToLower(name)}
		}
	}
	return c.ids
}

// canonicalValue picks the value of a merged entity from its fields; c is its first source.
func canonicalValue(ee *EnrichedEntity, c *candidate) string {
	f := ee.Fields
	pick := func(names ...string) string {
		for _, n := range names {
			if v := f[n]; v != "" {
				return v
			}
		}
		return ""
	}
	var v string
	switch ee.Kind {
	case EntityKindAccount:
		v = pick(FieldUPN, FieldDomainAccount, FieldSID, FieldAADObjectID, FieldObjectGUID, FieldPUID, FieldAccountName)
	case EntityKindHost:
		v = pick(FieldFQDN, FieldHostName, FieldNetBIOSName, FieldAzureID, FieldOMSAgentID)
	case EntityKindIP:
		v = pick(FieldAddress)
	case EntityKindURL:
		v = pick(FieldURL)
	case EntityKindFileHash:
		v = pick(FieldHash)
	case EntityKindFile:
		v = pick(FieldPath)
	case EntityKindProcess:
		v = pick(FieldCommandLine, FieldProcessID)
	case EntityKindMailbox:
		v = pick(FieldMailbox, FieldUPN, FieldAADObjectID)
	case EntityKindMailMessage:
		v = pick(FieldNetworkMessageID, FieldInternetMessageID, FieldSubject)
	case EntityKindSubmissionMail:
		v = pick(FieldSubmissionID, FieldNetworkMessageID)
	case EntityKindMailCluster:
		v = pick(FieldClusterID, FieldQuery)
	case EntityKindCloudApplication:
		v = pick(FieldAppName, FieldAppID)
	case EntityKindAzureResource:
		v = pick(FieldResourceID)
	case EntityKindDNSResolution:
		v = pick(FieldDomain)
	case EntityKindRegistryKey:
		v = pick(FieldRegistryKey)
	case EntityKindRegistryValue:
		name := f[FieldRegistryValueName]
		if key := f[FieldRegistryKey]; key != "" && name != "" {
			v = key + `\` + name
		} else {
			v = pick(FieldRegistryValueName, FieldRegistryKey)
		}
	case EntityKindSecurityGroup:
		v = pick(FieldDistinguishedName, FieldSID, FieldObjectGUID)
	case EntityKindIoTDevice:
		v = pick(FieldDeviceID, FieldMACAddress, FieldDeviceName)
	case EntityKindMalware:
		v = pick(FieldMalwareName)
	case EntityKindSecurityAlert:
		v = pick(FieldSystemAlertID, FieldProviderAlertID, FieldAlertName)
	case EntityKindBookmark:
		v = pick(FieldBookmarkID)
	}
	if v == "" {
		env := c.src.Envelope()
		v = cmpOr(c.common.FriendlyName, env.Name, env.ID)
	}
	return v
}

func cmpOr(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// describe normalises one entity into fields, identifiers and references.
func describe(e Entity) candidate {
	c := candidate{src: e, common: CommonPropertiesOf(e), kind: e.Kind(), fields: map[string]string{}}
	set := func(name, v string) {
		if v = strings.TrimSpace(v); v != "" {
			c.fields[name] = v
		}
	}
	lower := func(name, v string) { set(name, strings.ToLower(v)) }
	id := func(prefix, field string) {
		if v := c.fields[field]; v != "" {
			c.ids = append(c.ids, prefix+strings.ToLower(v))
		}
	}
	ref := func(role, id string) {
		if id != "" {
			c.refs = append(c.refs, entityRef{role, id})
		}
	}
	switch e := e.(type) {
	case *AccountEntity:
		lower(FieldUPN, e.UPN())
		set(FieldDomainAccount, e.DomainAccount())
		set(FieldSID, strings.ToUpper(e.SID))
		lower(FieldAADObjectID, e.AADUserID)
		lower(FieldAADTenantID, e.AADTenantID)
		set(FieldAccountName, e.AccountName)
		set(FieldNTDomain, e.NTDomain)
		lower(FieldObjectGUID, e.ObjectGUID)
		set(FieldPUID, e.PUID)
		id("upn:", FieldUPN)
		id("dom:", FieldDomainAccount)
		id("sid:", FieldSID)
		id("aad:", FieldAADObjectID)
		id("guid:", FieldObjectGUID)
		id("puid:", FieldPUID)
		if len(c.ids) == 0 {
			id("name:", FieldAccountName)
		}
		ref(RoleHost, e.HostEntityID)
	case *HostEntity:
		lower(FieldFQDN, e.FQDN())
		set(FieldHostName, e.HostName)
		set(FieldNetBIOSName, e.NetBIOSName)
		set(FieldNTDomain, e.NTDomain)
		set(FieldAzureID, e.AzureID)
		set(FieldOMSAgentID, e.OMSAgentID)
		set(FieldOSFamily, string(e.OSFamily))
		id("fqdn:", FieldFQDN)
		id("azure:", FieldAzureID)
		id("oms:", FieldOMSAgentID)
		// A host name without a domain names the same machine as the FQDN it starts.
		short := e.NetBIOSName
		if short == "" && !strings.Contains(e.HostName, ".") {
			short = e.HostName
		}
		if short == "" && e.HostName != "" {
			short, _, _ = strings.Cut(e.HostName, ".")
		}
		if short != "" {
			c.ids = append(c.ids, "short:"+strings.ToLower(short))
		}
	case *IPEntity:
		addr := strings.TrimSpace(e.Address)
		if a, err := netip.ParseAddr(addr); err == nil {
			addr = a.Unmap().String()
		}
		set(FieldAddress, addr)
		id("ip:", FieldAddress)
		c.loc = &e.Location
		c.ti = e.ThreatIntelligence
	case *URLEntity:
		set(FieldURL, e.URL)
		if u, err := e.Parse(); err == nil {
			lower(FieldDomain, strings.TrimSuffix(u.Hostname(), "."))
		}
		if v := c.fields[FieldURL]; v != "" {
			c.ids = append(c.ids, "url:"+v)
		}
	case *FileHashEntity:
		set(FieldHashAlgorithm, string(e.Algorithm))
		lower(FieldHash, e.HashValue)
		if h := c.fields[FieldHash]; h != "" {
			c.ids = append(c.ids, "hash:"+strings.ToLower(string(e.Algorithm))+":"+h)
		}
	case *FileEntity:
		set(FieldPath, e.Path())
		set(FieldFileName, e.FileName)
		set(FieldDirectory, e.Directory)
		ref(RoleHost, e.HostEntityID)
		for _, h := range e.FileHashEntityIDs {
			ref(RoleFileHash, h)
		}
	case *ProcessEntity:
		set(FieldCommandLine, e.CommandLine)
		set(FieldProcessID, e.ProcessID)
		if !e.CreationTime.IsZero() {
			set(FieldCreationTime, e.CreationTime.UTC().Format(time.RFC3339Nano))
		}
		ref(RoleHost, e.HostEntityID)
		ref(RoleAccount, e.AccountEntityID)
		ref(RoleParentProcess, e.ParentProcessEntityID)
		ref(RoleImageFile, e.ImageFileEntityID)
		ref(RoleLogonSession, e.HostLogonSessionEntityID)
	case *MailboxEntity:
		lower(FieldMailbox, e.MailboxPrimaryAddress)
		lower(FieldUPN, e.UPN)
		lower(FieldAADObjectID, e.ExternalDirectoryObjectID)
		id("mbx:", FieldMailbox)
		id("upn:", FieldUPN)
		id("aad:", FieldAADObjectID)
	case *MailMessageEntity:
		lower(FieldNetworkMessageID, e.NetworkMessageID)
		set(FieldInternetMessageID, e.InternetMessageID)
		lower(FieldSender, e.Sender())
		lower(FieldSenderFrom, e.P2Sender)
		set(FieldSenderIP, e.SenderIP)
		lower(FieldRecipient, e.Recipient)
		set(FieldSubject, e.Subject)
		// One network message ID per recipient copy.
		if m := c.fields[FieldNetworkMessageID]; m != "" {
			c.ids = append(c.ids, "msg:"+m+"|"+c.fields[FieldRecipient])
		} else if m := c.fields[FieldInternetMessageID]; m != "" {
			c.ids = append(c.ids, "imsg:"+m+"|"+c.fields[FieldRecipient])
		}
		for _, f := range e.FileEntityIDs {
			ref(RoleFile, f)
		}
	case *SubmissionMailEntity:
		lower(FieldSubmissionID, e.SubmissionID)
		lower(FieldNetworkMessageID, e.NetworkMessageID)
		lower(FieldSender, e.Sender)
		set(FieldSenderIP, e.SenderIP)
		lower(FieldRecipient, e.Recipient)
		set(FieldSubject, e.Subject)
		id("sub:", FieldSubmissionID)
	case *MailClusterEntity:
		set(FieldClusterID, e.ClusterSourceIdentifier)
		set(FieldQuery, e.Query)
		if c.fields[FieldClusterID] != "" || c.fields[FieldQuery] != "" {
			c.ids = append(c.ids, "cluster:"+strings.ToLower(c.fields[FieldClusterID])+"|"+c.fields[FieldQuery])
		}
	case *CloudApplicationEntity:
		set(FieldAppName, e.AppName)
		if e.AppID != 0 {
			set(FieldAppID, strconv.Itoa(e.AppID))
		}
		id("app:", FieldAppID)
		id("name:", FieldAppName)
	case *AzureResourceEntity:
		set(FieldResourceID, e.ResourceID)
		set(FieldSubscriptionID, e.SubscriptionID)
		id("res:", FieldResourceID)
	case *DNSResolutionEntity:
		lower(FieldDomain, strings.TrimSuffix(strings.TrimSpace(e.DomainName), "."))
		id("dns:", FieldDomain)
		for _, ip := range e.IPAddressEntityIDs {
			ref(RoleIP, ip)
		}
		ref(RoleDNSServer, e.DNSServerIPEntityID)
		ref(RoleHostIP, e.HostIPAddressEntityID)
	case *RegistryKeyEntity:
		set(FieldRegistryKey, e.Path())
		id("key:", FieldRegistryKey)
	case *RegistryValueEntity:
		set(FieldRegistryValueName, e.ValueName)
		set(FieldRegistryValueData, e.ValueData)
		set(FieldRegistryValueType, string(e.ValueType))
		ref(RoleRegistryKey, e.KeyEntityID)
	case *SecurityGroupEntity:
		set(FieldDistinguishedName, e.DistinguishedName)
		set(FieldSID, strings.ToUpper(e.SID))
		lower(FieldObjectGUID, e.ObjectGUID)
		id("dn:", FieldDistinguishedName)
		id("sid:", FieldSID)
		id("guid:", FieldObjectGUID)
	case *IoTDeviceEntity:
		set(FieldDeviceID, e.DeviceID)
		set(FieldDeviceName, e.DeviceName)
		set(FieldMACAddress, normalizeMAC(e.MACAddress))
		id("dev:", FieldDeviceID)
		id("mac:", FieldMACAddress)
		c.ti = e.ThreatIntelligence
		ref(RoleHost, e.HostEntityID)
		ref(RoleIP, e.IPAddressEntityID)
		ref(RoleIoTHub, e.IoTHubEntityID)
	case *MalwareEntity:
		set(FieldMalwareName, e.MalwareName)
		set(FieldMalwareCategory, e.Category)
		id("mal:", FieldMalwareName)
		for _, f := range e.FileEntityIDs {
			ref(RoleFile, f)
		}
		for _, p := range e.ProcessEntityIDs {
			ref(RoleProcess, p)
		}
	case *SecurityAlert:
		set(FieldAlertName, e.DisplayName)
		lower(FieldSystemAlertID, e.SystemAlertID)
		set(FieldProviderAlertID, e.ProviderAlertID)
		set(FieldSeverity, string(e.Severity))
		set(FieldProductName, e.ProductName)
		id("alert:", FieldSystemAlertID)
		id("provider:", FieldProviderAlertID)
	case *BookmarkEntity:
		set(FieldBookmarkID, e.Name)
		set(FieldQuery, e.Query)
		set(FieldSeverity, string(e.Incident.Severity))
		id("bm:", FieldBookmarkID)
	}
	return c
}

// normalizeMAC writes a MAC address as lower-case hex pairs separated by colons, or returns
// it unchanged when it is not one.
func normalizeMAC(s string) string {
	s = strings.TrimSpace(s)
	hex := strings.NewReplacer(":", "", "-", "", ".", "").Replace(s)
	if len(hex) != 12 {
		return s
	}
	for _, r := range hex {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return s
		}
	}
	hex = strings.ToLower(hex)
	var b strings.Builder
	for i := 0; i < 12; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i : i+2])
	}
	return b.String()
}

// unionFind groups candidate indices; the smallest index is the root.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]]
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) {
	ra, rb := u.find(a), u.find(b)
	if ra == rb {
		return
	}
	if rb < ra {
		ra, rb = rb, ra
	}
	u[rb] = ra
}
