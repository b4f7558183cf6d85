package sentineltest

import (
	"encoding/json"
	"path"
	"strings"
)

// Entity is an incident entity to seed: a kind and its properties, in the wire form the
// service answers POST .../entities with. Build one with the function of its kind (Account,
// Host, IP, URL, FileHash, File, Process, Mailbox, MailMessage, CloudApplication,
// DNSResolution, AzureResource, RegistryKey, RegistryValue, SecurityGroup, Malware, Alert)
// or with NewEntity for any kind, refine it with Set, Link and Named, and attach it with
// IncidentSeed.Entities or WorkspaceData.AddIncidentEntities.
//
// An Entity is a value: Set, Link and Named return a changed copy and leave the receiver
// as it was. Its name (the last segment of its ID) is the one given to Named, or else derived
// from its kind and its properties other than links, so the same entity attached to two
// incidents has one ID, and a Link to it resolves to that ID as long as the linked entity is
// attached with the same properties (Set after Link changes the name; Named keeps it).
type Entity struct {
	kind  string
	name  string
	props map[string]any // JSON values; links are entityRef or []entityRef until attached
}

// entityRef is a link to another entity, by name; it becomes the entity's ARM ID when the
// entity is attached to an incident.
type entityRef string

// NewEntity returns an entity of any kind, also one the emulator does not know, with a copy
// of props as its properties (JSON values: strings, float64 or int numbers, bool, nil,
// []any and map[string]any).
func NewEntity(kind string, props map[string]any) Entity {
	p, _ := deepCopy(props).(map[string]any)
	if p == nil {
		p = map[string]any{}
	}
	return Entity{kind: kind, props: p}
}

// Kind returns the entity's kind, such as "Account".
func (e Entity) Kind() string { return e.kind }

// Name returns the entity's name: the one given to Named, or one derived from its kind and
// its properties other than links (a GUID).
func (e Entity) Name() string {
	if e.name != "" {
		return e.name
	}
	own := make(map[string]any, len(e.props))
	for k, v := range e.props {
		if !isLink(v) {
			own[k] = v
		}
	}
	b, _ := json.Marshal(own) // map keys are sorted: the same properties give the same name
	return guidFrom(e.kind + "\x00" + string(b))
}

// isLink reports whether v is a link or a list of links, which the derived name leaves out.
func isLink(v any) bool {
	switch v := v.(type) {
	case entityRef:
		return true
	case []any:
		for _, x := range v {
			if _, ok := x.(entityRef); !ok {
				return false
			}
		}
		return len(v) > 0
	}
	return false
}

// Properties returns a copy of the entity's properties; a link shows as the linked
// entity's name.
func (e Entity) Properties() map[string]any {
	return resolveLinks(e.props, func(name string) string { return name }).(map[string]any)
}

// Set returns a copy of e with the property member set to value (a JSON value); nil
// removes it.
func (e Entity) Set(member string, value any) Entity {
	c := e.clone()
	if value == nil {
		delete(c.props, member)
	} else {
		c.props[member] = deepCopy(value)
	}
	return c
}

// Named returns a copy of e with the given name instead of the derived one.
func (e Entity) Named(name string) Entity {
	c := e.clone()
	c.name = name
	return c
}

// Link returns a copy of e whose property member refers to the entity to, as the service
// links entities by ID ("hostEntityId", "accountEntityId", "imageFileEntityId"...). The
// reference becomes to's ARM ID when e is attached to an incident.
func (e Entity) Link(member string, to Entity) Entity {
	c := e.clone()
	c.props[member] = entityRef(to.Name())
	return c
}

// LinkAll is Link for the members that hold a list of IDs ("fileHashEntityIds",
// "ipAddressEntityIds"...).
func (e Entity) LinkAll(member string, to ...Entity) Entity {
	c := e.clone()
	refs := make([]any, len(to))
	for i, t := range to {
		refs[i] = entityRef(t.Name())
	}
	c.props[member] = refs
	return c
}

func (e Entity) clone() Entity {
	p, _ := deepCopy(e.props).(map[string]any)
	if p == nil {
		p = map[string]any{}
	}
	return Entity{kind: e.kind, name: e.name, props: p}
}

// wire returns the entity as the service sends it, its links resolved to IDs in ws.
func (e Entity) wire(ws *workspace) map[string]any {
	id := func(name string) string { return ws.resourceID("Entities/" + name) }
	name := e.Name()
	return map[string]any{
		"id": id(name), "name": name, "type": "Microsoft.SecurityInsights/Entities",
		"kind": e.kind, "properties": resolveLinks(e.props, id),
	}
}

// resolveLinks copies a JSON value, replacing links by f(name).
func resolveLinks(v any, f func(string) string) any {
	switch v := v.(type) {
	case entityRef:
		return f(string(v))
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = resolveLinks(x, f)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = resolveLinks(x, f)
		}
		return s
	}
	return v
}

// EntitiesJSON returns entities as the JSON array the service answers POST .../entities
// with in workspace ws ("entities"), for fixtures and for SetIncidentEntities.
func EntitiesJSON(ws WorkspaceInfo, entities ...Entity) []byte {
	w := newWorkspace(ws)
	list := make([]any, len(entities))
	for i, e := range entities {
		list[i] = e.wire(w)
	}
	b, _ := json.Marshal(list)
	return b
}

// Account is a user account given by its user principal name, "alice@contoso.com"
// (accountName and upnSuffix), or by a name without a domain (accountName only).
func Account(upn string) Entity {
	name, suffix, ok := strings.Cut(upn, "@")
	p := map[string]any{"accountName": name, "friendlyName": name}
	if ok {
		p["upnSuffix"] = suffix
	}
	return Entity{kind: "Account", props: p}
}

// Host is a computer by its host name; a name with dots is split into hostName and
// dnsDomain ("ws-1.contoso.com").
func Host(name string) Entity {
	host, domain, ok := strings.Cut(name, ".")
	p := map[string]any{"hostName": host, "friendlyName": host}
	if ok {
		p["dnsDomain"] = domain
	}
	return Entity{kind: "Host", props: p}
}

// IP is an IP address entity (kind "Ip").
func IP(address string) Entity {
	return Entity{kind: "Ip", props: map[string]any{"address": address, "friendlyName": address}}
}

// URL is a URL entity (kind "Url"); u is kept as given, also when it is not a valid URI.
func URL(u string) Entity {
	return Entity{kind: "Url", props: map[string]any{"url": u, "friendlyName": u}}
}

// FileHash is a file hash, such as FileHash("SHA256", "e3b0c442...").
func FileHash(algorithm, value string) Entity {
	return Entity{kind: "FileHash", props: map[string]any{"algorithm": algorithm, "hashValue": value, "friendlyName": value}}
}

// File is a file by directory and name; link its hashes with
// LinkAll("fileHashEntityIds", ...) and its host with Link("hostEntityId", ...).
func File(directory, name string) Entity {
	return Entity{kind: "File", props: map[string]any{"directory": directory, "fileName": name, "friendlyName": name}}
}

// Process is a process by ID and command line; its friendly name is the base name of the
// command line's program. Link its account, host, image file and parent with
// "accountEntityId", "hostEntityId", "imageFileEntityId" and "parentProcessEntityId".
func Process(processID, commandLine string) Entity {
	prog := strings.Trim(strings.Fields(commandLine + " x")[0], `"`)
	prog = path.Base(strings.ReplaceAll(prog, `\`, "/"))
	return Entity{kind: "Process", props: map[string]any{"processId": processID, "commandLine": commandLine, "friendlyName": prog}}
}

// Mailbox is a mailbox by its primary address.
func Mailbox(address string) Entity {
	return Entity{kind: "Mailbox", props: map[string]any{"mailboxPrimaryAddress": address, "upn": address, "friendlyName": address}}
}

// MailMessage is an e-mail message by sender, recipient and subject.
func MailMessage(sender, recipient, subject string) Entity {
	return Entity{kind: "MailMessage", props: map[string]any{
		"p1Sender": sender, "p2Sender": sender, "recipient": recipient, "subject": subject, "friendlyName": subject,
	}}
}

// CloudApplication is a cloud application by name.
func CloudApplication(name string) Entity {
	return Entity{kind: "CloudApplication", props: map[string]any{"appName": name, "friendlyName": name}}
}

// DNSResolution is a DNS resolution of a domain name (kind "DnsResolution"); link the
// answers with LinkAll("ipAddressEntityIds", ...).
func DNSResolution(domain string) Entity {
	return Entity{kind: "DnsResolution", props: map[string]any{"domainName": domain, "friendlyName": domain}}
}

// AzureResource is an Azure resource by its ARM ID; its subscriptionId is taken from the ID.
func AzureResource(resourceID string) Entity {
	p := map[string]any{"resourceId": resourceID, "friendlyName": path.Base(resourceID)}
	segs := strings.Split(strings.Trim(resourceID, "/"), "/")
	if len(segs) > 1 && strings.EqualFold(segs[0], "subscriptions") {
		p["subscriptionId"] = segs[1]
	}
	return Entity{kind: "AzureResource", props: p}
}

// RegistryKey is a registry key by hive ("HKEY_LOCAL_MACHINE") and key path.
func RegistryKey(hive, key string) Entity {
	return Entity{kind: "RegistryKey", props: map[string]any{"hive": hive, "key": key, "friendlyName": path.Base(strings.ReplaceAll(key, `\`, "/"))}}
}

// RegistryValue is a registry value by name, data and type ("String", "DWord"...); link
// its key with Link("keyEntityId", ...).
func RegistryValue(name, data, valueType string) Entity {
	return Entity{kind: "RegistryValue", props: map[string]any{"valueName": name, "valueData": data, "valueType": valueType, "friendlyName": name}}
}

// SecurityGroup is a security group by its distinguished name; the friendly name is its
// first relative name ("Finance Admins" of "CN=Finance Admins,OU=Groups,DC=contoso,DC=com").
func SecurityGroup(distinguishedName string) Entity {
	first, _, _ := strings.Cut(distinguishedName, ",")
	_, cn, ok := strings.Cut(first, "=")
	if !ok {
		cn = first
	}
	return Entity{kind: "SecurityGroup", props: map[string]any{"distinguishedName": distinguishedName, "friendlyName": cn}}
}

// Malware is a malware detection by name and category ("Trojan").
func Malware(name, category string) Entity {
	return Entity{kind: "Malware", props: map[string]any{"malwareName": name, "category": category, "friendlyName": name}}
}

// Alert is a security alert (kind "SecurityAlert") by display name and severity ("High",
// "Medium", "Low", "Informational"), with status "New". Attach it with
// IncidentSeed.Alerts to have POST .../alerts return it (and count it in alertsCount);
// list it in Entities as well to have it among the incident's entities, as the service does.
func Alert(displayName, severity string) Entity {
	return Entity{kind: "SecurityAlert", props: map[string]any{
		"alertDisplayName": displayName, "friendlyName": displayName, "severity": severity, "status": "New",
	}}
}
