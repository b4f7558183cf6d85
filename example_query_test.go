package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// queryExampleClient returns a client for an emulator that answers kql with the first n rows of
// its SigninLogs table, projected to columns.
func queryExampleClient(kql string, n int, columns ...string) (*sentinel.Client, func()) {
	srv := sentineltest.NewServer()
	end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	srv.SetQueryResult(kql, sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{sentineltest.SigninLogs(n, end).Project(columns...)}})
	w := srv.Workspace()
	c, err := sentinel.NewClient(
		sentinel.Workspace{SubscriptionID: w.SubscriptionID, ResourceGroup: w.ResourceGroup, Name: w.Name},
		srv.Credential(),
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
	if err != nil {
		panic(err)
	}
	return c, srv.Close
}

func ExampleQueryInto() {
	const kql = `SigninLogs | project TimeGenerated, UserPrincipalName, IPAddress, ResultType, DurationMs | take 3`
	client, done := queryExampleClient(kql, 3, "TimeGenerated", "UserPrincipalName", "IPAddress", "ResultType", "DurationMs")
	defer done()

	type signIn struct {
		TimeGenerated time.Time
		User          string `kql:"UserPrincipalName"`
		IPAddress     string
		ResultType    string
		DurationMs    int64
	}
	rows, _, err := sentinel.QueryInto[signIn](context.Background(), client, kql, &sentinel.QueryOptions{Timespan: 24 * time.Hour})
	var partial *sentinel.PartialResultError
	if errors.As(err, &partial) {
		fmt.Println("incomplete result:", partial.Message) // the rows received are still returned
	} else if err != nil {
		panic(err)
	}
	for _, r := range rows {
		fmt.Println(r.TimeGenerated.Format(time.TimeOnly), r.User, r.IPAddress, r.ResultType, r.DurationMs)
	}
	// Output:
	// 06:38:34 grace.moore@contoso.com 203.0.113.20 0 730
	// 03:48:43 grace.moore@contoso.com 203.0.113.25 0 2375
	// 19:31:16 carol.white@contoso.com 203.0.113.31 0 166
}

func ExampleClient_Query() {
	const kql = `SigninLogs | project UserPrincipalName, IsInteractive, DeviceDetail | take 2`
	client, done := queryExampleClient(kql, 2, "UserPrincipalName", "IsInteractive", "DeviceDetail")
	defer done()

	res, err := client.Query(context.Background(), kql, nil)
	if err != nil {
		panic(err)
	}
	t := res.PrimaryResult()
	for i, c := range t.Columns {
		if i > 0 {
			fmt.Print(" ")
		}
		fmt.Print(c.Name, ":", c.Type)
	}
	fmt.Println()
	for _, row := range t.Rows() {
		var device struct{ OperatingSystem string }
		if err := row.Get("DeviceDetail").Decode(&device); err != nil {
			panic(err)
		}
		interactive, _ := row.Get("IsInteractive").Bool()
		fmt.Println(row.Get("UserPrincipalName"), interactive, device.OperatingSystem)
	}
	// Output:
	// UserPrincipalName:string IsInteractive:bool DeviceDetail:dynamic
	// erin.miller@contoso.com true MacOs
	// grace.moore@contoso.com true Windows 10
}
