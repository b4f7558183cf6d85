package defender_test

import (
	"context"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// emulated returns the emulator's cloud and transport, and an emulator with three incidents.
func emulated() (*sentineltest.Server, azcore.ClientOptions) {
	srv := sentineltest.NewServer()
	now := time.Now().UTC()
	for i, sev := range []string{"high", "low", "high"} {
		srv.Graph().CreateIncident(map[string]any{
			"displayName": fmt.Sprintf("Incident %d", i+1), "severity": sev, "status": "active",
			"createdDateTime": now.Add(time.Duration(i-3) * time.Hour).Format(time.RFC3339Nano),
		}, map[string]any{"title": "Suspicious PowerShell", "evidence": []any{
			map[string]any{"@odata.type": "#microsoft.graph.security.deviceEvidence", "deviceDnsName": fmt.Sprintf("ws-%d.contoso.com", i+1)},
		}})
	}
	return srv, azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}
}

// The README's example: the active high-severity incidents, then one resolved with a real
// partial PATCH.
func Example() {
	srv, azOpts := emulated() // real Graph: cred from azidentity, opts nil
	defer srv.Close()
	ctx := context.Background()

	client, _ := defender.NewClient(srv.Credential(), &defender.ClientOptions{ClientOptions: azOpts})
	f := defender.IncidentFilter{}.StatusIn(defender.IncidentStatusActive).SeverityIn(defender.SeverityHigh)
	incidents, _ := client.ListIncidents(&defender.ListIncidentsOptions{Filter: f.String(), ExpandAlerts: true}).Collect(ctx, 0)
	for _, inc := range incidents {
		fmt.Println(inc.ID, inc.DisplayName, len(inc.Alerts), "alert(s)")
	}
	inc, err := client.UpdateIncident(ctx, incidents[0].ID, defender.IncidentUpdate{
		Status: sentinel.Ptr(defender.IncidentStatusResolved), Classification: sentinel.Ptr(defender.ClassificationTruePositive),
		Determination: sentinel.Ptr(defender.DeterminationMalware)}, nil)
	fmt.Println(inc.Status, inc.Classification, inc.Determination, err)
	// Output:
	// 2972397 Incident 3 1 alert(s)
	// 2972395 Incident 1 1 alert(s)
	// resolved truePositive malware <nil>
}

// Evidence is decoded by kind; a type switch reaches each kind's fields.
func ExampleEvidence() {
	srv, azOpts := emulated()
	defer srv.Close()
	client, _ := defender.NewClient(srv.Credential(), &defender.ClientOptions{ClientOptions: azOpts})
	alerts, _ := client.ListAlerts(&defender.ListAlertsOptions{Top: 1}).NextPage(context.Background())
	for _, ev := range alerts[0].Evidence {
		switch ev := ev.(type) {
		case *defender.DeviceEvidence:
			fmt.Println("device", ev.DeviceDNSName)
		case *defender.UserEvidence:
			fmt.Println("user", ev.UserAccount.UserPrincipalName)
		case *defender.UnknownEvidence:
			fmt.Println("kept whole:", ev.Kind())
		}
	}
	// Output:
	// device ws-3.contoso.com
}

// Advanced hunting rows decode into structs, streamed.
func ExampleHuntingRows() {
	srv, azOpts := emulated()
	defer srv.Close()
	query := "DeviceProcessEvents | summarize Runs = count() by DeviceName | top 2 by Runs"
	srv.Graph().SetHuntingResult(query, sentineltest.HuntingResponse{
		Schema: []sentineltest.HuntingColumn{{Name: "DeviceName", Type: "String"}, {Name: "Runs", Type: "Int64"}},
		Rows:   []map[string]any{{"DeviceName": "ws-1", "Runs": 42}, {"DeviceName": "ws-2", "Runs": 7}},
	})
	client, _ := defender.NewClient(srv.Credential(), &defender.ClientOptions{ClientOptions: azOpts})
	type row struct {
		Device string `kql:"DeviceName"`
		Runs   int64
	}
	for r, err := range defender.HuntingRows[row](context.Background(), client, query, &defender.RunHuntingQueryOptions{Timespan: 24 * time.Hour}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.Device, r.Runs)
	}
	// Output:
	// ws-1 42
	// ws-2 7
}

// From a Sentinel incident mirrored from Defender XDR to its Graph incident and back.
func ExampleClient_GetLinkedIncident() {
	srv, azOpts := emulated()
	defer srv.Close()
	ctx := context.Background()
	ws := srv.Workspace()
	sc, _ := sentinel.NewClient(sentinel.Workspace{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: ws.Name},
		srv.Credential(), &sentinel.ClientOptions{ClientOptions: azOpts})
	client, _ := defender.NewClient(srv.Credential(), &defender.ClientOptions{ClientOptions: azOpts})

	incidents, _ := sc.ListIncidents(nil).Collect(ctx, 1)
	g, _ := client.GetLinkedIncident(ctx, incidents[0], nil)
	s, _ := defender.GetSentinelIncident(ctx, sc, g.ID, nil)
	fmt.Println(incidents[0].ProviderName, g.ID, s.Name == incidents[0].Name)
	v := defender.Linked{Graph: g, Sentinel: s}.Verdicts()
	fmt.Println(v.GraphStatus, v.SentinelStatus)
	// Output:
	// Microsoft XDR 2972395 true
	// active New
}

// The US Government L5 (DoD) cloud; L4 is cloud.AzureGovernment.
func ExampleNewClient_sovereignCloud() {
	srv := sentineltest.NewServer()
	defer srv.Close()
	cred := srv.Credential() // an azidentity credential with the same cloud, for real
	_, err := defender.NewClient(cred, &defender.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: defender.AzureGovernmentDoD}})
	fmt.Println(err)
	_, err = defender.NewClient(cred, &defender.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: cloud.AzureChina}})
	fmt.Println(err != nil)
	// Output:
	// <nil>
	// true
}
