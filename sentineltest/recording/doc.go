// Package recording records real HTTP exchanges into sanitised cassette files and replays
// them, so that tests run against the service's real answers with no network and no
// credentials. Both ends are azcore policy.Transporter values: set one as
// azcore.ClientOptions.Transport of any Azure client, the sentinel client included. The
// package imports nothing of the SDK. sentineltest/testclient.Recorded wires both for a
// sentinel client, switched by an environment variable.
//
//	// Once, against real Azure:
//	rec := recording.NewRecorder(http.DefaultClient, "testdata/triage.cassette.json", nil)
//	... run the client with Transport: rec ...
//	err := rec.Save()
//
//	// In CI:
//	rp, err := recording.NewReplayer("testdata/triage.cassette.json", nil)
//	... run the client with Transport: rp ...
//	// rp.Unused() is empty when the test made every recorded request.
//
// # Sanitising
//
// A Recorder keeps exchanges in memory and sanitises them when Save writes the cassette;
// nothing is written before, and nothing unsanitised ever. It first learns the sensitive
// values from every exchange, then replaces each wherever it appears (URLs, headers and
// bodies, also URL-encoded), the same value always by the same placeholder, so that
// relationships survive: an incident's ID in a list answer, in the next GET's URL and in a
// related resource's body stay the same placeholder.
//
//   - Headers Authorization, Proxy-Authorization, Cookie, Set-Cookie,
//     x-ms-authorization-auxiliary, Ocp-Apim-Subscription-Key, x-api-key, api-key and
//     x-functions-key are left out (Rules.DropHeaders adds more), and so is Content-Length.
//   - Bearer tokens (the one the client sent included, wherever a service echoes it) and
//     JWTs become REDACTED-n.
//   - GUIDs become ffffffff-0000-4000-8000-nnnnnnnnnnnn when they are IDs: every GUID in a
//     request URL's path and query (subscriptions, resource names, workspace IDs, object IDs
//     in a $filter), every GUID in an ARM resource ID anywhere (/subscriptions/...), the GUID
//     values of members named tenantId, aadTenantId, homeTenantId, tid, objectId, oid,
//     principalId, aadUserId, userId, externalDirectoryObjectId, clientId, applicationId,
//     appId and customerId (Rules.IDMembers adds more), and Rules.GUIDs. Other GUIDs, such as
//     request IDs and etags, are kept.
//   - Every e-mail address becomes userN@example.com (userN%40example.com where it was
//     URL-encoded); addresses that differ only in case are one address.
//   - Secrets become REDACTED-n: the values of query parameters sig (Logic App trigger URIs),
//     code, token, access_token, api-key and apikey, in any URL (Rules.SecretParameters adds
//     more); the string values of members named token, accessToken, refreshToken, apiKey,
//     api_key, sharedKey, connectionString, primaryKey, secondaryKey, accountKey, sasToken
//     and privateKey, or whose name contains "password" or "secret" (connector credentials;
//     Rules.SecretMembers adds more), replaced where they are and, when 8 characters or
//     longer, wherever else they appear; and Rules.Secrets.
//   - Rules.Replace maps further values (a resource group or workspace name) to fixed
//     stand-ins before any other rule.
//
// Bodies are otherwise kept byte for byte: a JSON object or array is embedded in the
// cassette as it was received, other text as a JSON string, other bytes in base64.
//
// # Cassettes
//
// A cassette is a JSON file:
//
//	{"interactions": [
//	  {"method": "GET", "url": "https://management.azure.com/subscriptions/...?api-version=2025-12-01",
//	   "requestHeaders": {"Accept": ["application/json"]},
//	   "status": 200, "headers": {"X-Ms-Request-Id": ["..."]}, "body": {"value": []}}
//	]}
//
// A request body is "requestBody" (or "requestBodyBase64"); a response body is "body": a JSON
// object or array as it is, a JSON string as its text, or "bodyBase64", or "bodyFile", a file
// relative to the cassette. Cassettes may be written by hand.
//
// # Matching
//
// A Replayer answers each request from one interaction, and each interaction answers once:
//
//  1. The host is not compared (a cassette recorded against management.azure.com replays
//     for any endpoint); the method, the decoded path and the query parameters (as a set of
//     name=value pairs, in any order and escaping) are.
//  2. The first unused interaction, in cassette order, whose method, path and query equal
//     the request's answers it.
//  3. Otherwise, the first unused one that matches once each placeholder it holds stands for
//     any value of its class: a GUID placeholder for any GUID, userN@example.com for any
//     e-mail address, REDACTED-n for any text. So a request whose values differ from the
//     recorded ones only where the Recorder replaced them still finds its interaction (an
//     ID the client generated, the address a test assigns to), and cassette order decides
//     among lookalikes. What a cassette holds literally (a hand-written one) must be equal.
//  4. With ReplayerOptions.MatchBody, the request body must also be the recorded one, as
//     JSON values when it is JSON: equal in step 2, matching the placeholders in step 3.
//  5. A request made more often than recorded, or never recorded, fails with an error that
//     names it and the unused interactions of the same path. Unused lists the interactions
//     left over at the end, and Unauthorized the requests that came without an
//     Authorization header.
package recording
