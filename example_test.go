package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// exampleClient returns a client for a fresh emulator; real code uses NewClient with an
// azidentity credential instead.
func exampleClient() (*sentinel.Client, *sentineltest.Server) {
	srv := sentineltest.NewServer()
	ws := srv.Workspace()
	client, err := sentinel.NewClient(
		sentinel.Workspace{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: ws.Name},
		srv.Credential(),
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
	if err != nil {
		log.Fatal(err)
	}
	return client, srv
}

func ExampleClient_ListIncidents() {
	client, srv := exampleClient()
	defer srv.Close()
	for _, title := range []string{"Malware on WS-01", "Phishing to bob", "Brute force on DC"} {
		srv.CreateIncident(map[string]any{"title": title, "severity": "High", "status": "New"})
	}
	ctx := context.Background()

	filter := sentinel.IncidentFilter{}.SeverityIn(sentinel.SeverityHigh).StatusIn(sentinel.IncidentStatusNew)
	pager := client.ListIncidents(&sentinel.ListIncidentsOptions{Filter: filter.String(), OrderBy: sentinel.OrderByNumberAsc})
	for inc, err := range pager.All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(inc.Number, inc.Severity, inc.Title)
	}
	// Output:
	// 1 High Malware on WS-01
	// 2 High Phishing to bob
	// 3 High Brute force on DC
}

func ExampleClient_UpdateIncident() {
	client, srv := exampleClient()
	defer srv.Close()
	id := srv.CreateIncident(map[string]any{"title": "Suspicious sign-in", "severity": "Low", "status": "New"})
	ctx := context.Background()

	inc, err := client.UpdateIncident(ctx, id, sentinel.IncidentUpdate{
		Severity:  sentinel.Ptr(sentinel.SeverityHigh),
		Status:    sentinel.Ptr(sentinel.IncidentStatusActive),
		Owner:     &sentinel.IncidentOwner{UserPrincipalName: "alice.jones@contoso.com"},
		AddLabels: []string{"escalated"},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inc.Severity, inc.Status, inc.Owner.AssignedTo, inc.Labels[0].Name)
	// Output: High Active Alice Jones escalated
}

func ExampleClient_CloseIncident() {
	client, srv := exampleClient()
	defer srv.Close()
	id := srv.CreateIncident(map[string]any{"title": "Impossible travel", "severity": "Medium", "status": "Active"})
	ctx := context.Background()

	// A reason that does not belong to the classification is rejected before sending.
	_, err := client.CloseIncident(ctx, id, sentinel.ClassificationTruePositive, sentinel.ClassificationReasonInaccurateData, &sentinel.CloseIncidentOptions{Comment: ""})
	fmt.Println(errors.Is(err, sentinel.ErrInvalidArgument))

	inc, err := client.CloseIncident(ctx, id, sentinel.ClassificationTruePositive, sentinel.ClassificationReasonSuspiciousActivity, &sentinel.CloseIncidentOptions{Comment: "Account disabled"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inc.Status, inc.Classification, inc.ClassificationReason)
	// Output:
	// true
	// Closed TruePositive SuspiciousActivity
}

func ExampleResponseError() {
	client, srv := exampleClient()
	defer srv.Close()
	_, err := client.GetIncident(context.Background(), "no-such-incident", nil)

	var re *sentinel.ResponseError
	if errors.As(err, &re) {
		fmt.Println(re.StatusCode, re.ErrorCode, errors.Is(err, sentinel.ErrNotFound))
	}
	// Output: 404 NotFound true
}
