// Package sentinel is a client for the Microsoft Sentinel REST API, built for SOC automation:
// list, triage, update and close incidents; read their comments, entities and alerts; search
// event data with KQL; and manage the workspace's rules, bookmarks, connectors, indicators and
// watchlists.
//
// # Getting started
//
// Create one [Client] per workspace with [NewClient] and any azcore.TokenCredential, such as
// azidentity.NewDefaultAzureCredential. A Client is safe for concurrent use.
//
//	client, err := sentinel.NewClient(sentinel.Workspace{
//		SubscriptionID: "...", ResourceGroup: "soc-rg", Name: "soc-workspace",
//	}, cred, nil)
//
// # Clouds
//
// [ClientOptions] embeds azcore.ClientOptions; its Cloud field selects Azure public (the
// default), cloud.AzureGovernment, cloud.AzureChina or a custom cloud.Configuration.
//
// # Capabilities
//
//   - Incidents: [Client.ListIncidents] (with [IncidentFilter]), [Client.GetIncident],
//     [Client.CreateIncident], [Client.UpdateIncident] and the verbs built on it
//     ([Client.CloseIncident], [Client.AssignIncident], ...), which compose into one read and
//     one write.
//   - Incident details: comments, entities (21 typed kinds, [EnrichEntities] for one record
//     per real-world entity), alerts, bookmarks, relations, tasks, and
//     [Client.GetIncidentDetails] for a triage in one call.
//   - Workspace resources: analytics rules, their templates and actions, watchlists and their
//     items, threat-intelligence indicators, hunting bookmarks and data connectors.
//   - Automation: automation rules with typed conditions and actions and a builder
//     ([NewAutomationRule]), and running playbooks on incidents and entities
//     ([Client.RunIncidentPlaybook], [Client.RunEntityPlaybook]).
//   - Workspaces onboarded to the Defender portal: [Incident.IsFromDefenderXDR],
//     [RedirectionOf]; package defender for Microsoft Graph's unified incidents, alerts and
//     hunting (see below).
//   - Searching event data with KQL: [Client.Query], [QueryInto], [QueryRows] (streaming, in
//     bounded memory) and [DecodeTable].
//   - Watching for new and changed incidents: [IncidentWatcher], a daemon with leases, batched
//     checkpoints ([NewFileCheckpoint], [NewMemoryCheckpoint]; package blobcheckpoint keeps
//     them in Azure Blob Storage and spreads workspaces over replicas).
//   - Lossless models: every member the service sends is kept and sent back, at every depth;
//     [MarshalJSON] and [UnmarshalJSON] give the wire form.
//   - Testing: package sentineltest, an in-memory Sentinel (and Graph security) emulator with
//     typed seeding and fault injection; sentineltest/testclient, a ready client on it in one
//     call (or on a recorded cassette with testclient.Recorded); sentineltest/recording, a
//     recorder that captures real exchanges into sanitised cassettes and a replayer that
//     serves them.
//
// # Conventions
//
// List methods return a [Pager] and send nothing until it is read; Get, Create, Update,
// CreateOrUpdate and Delete methods take a context first and an options struct last (nil for
// defaults). Every id parameter takes a resource's name or its full ARM resource ID in the
// workspace.
//
// # Paging
//
// List methods return a [Pager]. It follows each nextLink verbatim, sends the bearer token
// only to the client's own endpoint, stops on a repeated link and keeps one page in memory.
//
// # Errors
//
// Service errors are [*ResponseError] values, which unwrap to *azcore.ResponseError and match
// [ErrNotFound], [ErrConflict], [ErrThrottled] and the other sentinel errors with errors.Is.
// Arguments are validated before any request; an invalid one is an [*ArgumentError] matching
// [ErrInvalidArgument].
//
// # Retries and throttling
//
// azcore's retry policy retries 408, 5xx and transport errors. A 429 Too Many Requests is
// waited out, honouring Retry-After, for up to ClientOptions.ThrottleBudget (5 minutes by
// default) in total per call; beyond that the call fails with [ErrThrottled].
//
// # Microsoft Defender (Graph)
//
// For workspaces onboarded to the Microsoft Defender portal, Microsoft recommends the Microsoft
// Graph security API for unified incidents and alerts. Package defender is its client, built on
// the same pipeline, [Pager], errors and model layer as this package: incidents and alerts
// (with their evidence by kind), advanced hunting into structs, an incident watcher, and the
// link between a Sentinel incident from "Microsoft XDR" and its Graph incident.
//
// # Testing
//
// Package sentineltest is an in-memory Sentinel emulator for tests, with fault injection and
// a request log; it serves the Graph security API too.
package sentinel
