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
