// Package defender is a client for the Microsoft Graph security API (v1.0), the API Microsoft
// recommends for the unified incidents and alerts of Microsoft Defender XDR and of the
// Microsoft Sentinel workspaces onboarded to the Defender portal: list, read and update
// incidents (a real partial PATCH) and alerts (alerts_v2, with their evidence decoded by kind),
// comment on them, run advanced hunting queries (runHuntingQuery) into Go structs, watch
// incidents as they change (the same daemon as sentinel.IncidentWatcher, on
// lastUpdateDateTime), and go from a Sentinel incident to its Defender incident and back.
//
// It is built on the same machinery as package sentinel, not beside it: one azcore pipeline
// for the Graph audience (https://graph.microsoft.com/.default, or the US Government clouds'
// hosts), pinned to the Graph origin, the throttling budget and retries, the same
// sentinel.Pager, the same errors (Graph's error bodies are *sentinel.ResponseError values
// matching sentinel.ErrNotFound and the others), and the same lossless model layer (members
// this SDK does not model are kept; enums are open; sentinel.MarshalJSON and
// sentinel.UnmarshalJSON give the wire form).
//
//	client, err := defender.NewClient(cred, nil) // azidentity credential with SecurityIncident.Read.All
//	for inc, err := range client.ListIncidents(nil).All(ctx) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(inc.ID, inc.Severity, inc.DisplayName)
//	}
//
// Permissions (application or delegated): SecurityIncident.Read.All or
// SecurityIncident.ReadWrite.All for incidents, SecurityAlert.Read.All or
// SecurityAlert.ReadWrite.All for alerts, ThreatHunting.Read.All for hunting. The China cloud
// (21Vianet) has no Graph security API: NewClient refuses it.
//
// Package sentineltest serves these endpoints too (Server.GraphEndpoint), linked to its
// Sentinel incidents.
package defender
