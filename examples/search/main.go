// Command search runs a KQL query over the event tables of a Microsoft Sentinel workspace
// (the "Search Into Sentinel Events" action) and prints the result as a table.
//
// Without configuration it runs against the sentineltest emulator, which answers with a
// realistic SigninLogs table, so it works without an Azure account:
//
//	go run ./examples/search
//	go run ./examples/search -query 'SigninLogs | take 10'
//
// To query a real workspace, set AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and
// SENTINEL_WORKSPACE (the workspace's ARM name), and sign in the way
// azidentity.NewDefaultAzureCredential accepts (az login, AZURE_CLIENT_ID/AZURE_TENANT_ID/
// AZURE_CLIENT_SECRET, a managed identity, ...). The principal needs Log Analytics Reader (or
// Microsoft Sentinel Reader) on the workspace. Set SENTINEL_WORKSPACE_ID to the workspace GUID
// to skip the ARM lookup of it.
//
// Without -query it prints the latest sign-ins, decoded into a struct; with -query it prints
// any query's rows generically.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

const signInsQuery = `SigninLogs
| project TimeGenerated, UserPrincipalName, AppDisplayName, IPAddress, Location, ResultType, RiskLevelDuringSignIn, DurationMs, DeviceDetail
| order by TimeGenerated desc
| take 25`

// signIn is one row of signInsQuery.
type signIn struct {
	TimeGenerated time.Time
	User          string `kql:"UserPrincipalName"`
	App           string `kql:"AppDisplayName"`
	IPAddress     string
	Location      string
	ResultType    string
	Risk          string `kql:"RiskLevelDuringSignIn"`
	DurationMs    int64
	DeviceDetail  struct {
		OperatingSystem string
		Browser         string
	}
}

func main() {
	query := flag.String("query", "", "a KQL query to run instead of the sign-ins report; its rows are printed generically")
	since := flag.Duration("since", 24*time.Hour, "query the period of this length that ends now")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	client, closeEmulator, err := newClient()
	if err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		os.Exit(1)
	}
	defer closeEmulator()

	opts := &sentinel.QueryOptions{Timespan: *since, ServerTimeout: 2 * time.Minute}
	if *query != "" {
		err = printQuery(ctx, os.Stdout, client, *query, opts)
	} else {
		err = printSignIns(ctx, os.Stdout, client, opts)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "search:", err)
		closeEmulator()
		os.Exit(1)
	}
}

// newClient returns a client for the workspace named by the environment, or for an emulator.
func newClient() (*sentinel.Client, func(), error) {
	sub, rg, name := os.Getenv("AZURE_SUBSCRIPTION_ID"), os.Getenv("SENTINEL_RESOURCE_GROUP"), os.Getenv("SENTINEL_WORKSPACE")
	if sub != "" || rg != "" || name != "" {
		if sub == "" || rg == "" || name == "" {
			return nil, nil, errors.New("set all of AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE, or none to use the emulator")
		}
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, nil, err
		}
		ws := sentinel.Workspace{SubscriptionID: sub, ResourceGroup: rg, Name: name, CustomerID: os.Getenv("SENTINEL_WORKSPACE_ID")}
		c, err := sentinel.NewClient(ws, cred, nil)
		return c, func() {}, err
	}

	srv := sentineltest.NewServer()
	now := time.Now().UTC()
	srv.SetQueryResult(signInsQuery, sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{
		sentineltest.SigninLogs(25, now).Project("TimeGenerated", "UserPrincipalName", "AppDisplayName", "IPAddress", "Location", "ResultType", "RiskLevelDuringSignIn", "DurationMs", "DeviceDetail"),
	}})
	// Any other query on SigninLogs gets the whole table.
	srv.HandleQueries(func(q sentineltest.QueryRequest) (sentineltest.QueryResponse, bool) {
		if !strings.HasPrefix(strings.TrimSpace(q.Query), "SigninLogs") || strings.TrimSpace(q.Query) == signInsQuery {
			return sentineltest.QueryResponse{}, false
		}
		return sentineltest.QueryResponse{Tables: []sentineltest.QueryTable{sentineltest.SigninLogs(10, now)}}, true
	})
	w := srv.Workspace()
	c, err := sentinel.NewClient(
		sentinel.Workspace{SubscriptionID: w.SubscriptionID, ResourceGroup: w.ResourceGroup, Name: w.Name},
		srv.Credential(),
		&sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	fmt.Fprintln(os.Stderr, "(emulator: set AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE to query Azure)")
	return c, srv.Close, nil
}

// printSignIns prints the latest sign-ins, decoded into signIn structs as they stream in.
func printSignIns(ctx context.Context, out io.Writer, c *sentinel.Client, opts *sentinel.QueryOptions) error {
	rows, _, err := sentinel.QueryInto[signIn](ctx, c, signInsQuery, opts)
	var partial *sentinel.PartialResultError
	if errors.As(err, &partial) {
		fmt.Fprintln(os.Stderr, "warning: the result is incomplete:", partial)
	} else if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME (UTC)\tUSER\tAPP\tIP ADDRESS\tLOC\tRESULT\tRISK\tDEVICE\tMS")
	failed := 0
	for _, r := range rows {
		if r.ResultType != "0" {
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n",
			r.TimeGenerated.UTC().Format("2006-01-02 15:04:05"), r.User, r.App, r.IPAddress, r.Location,
			r.ResultType, r.Risk, strings.TrimSpace(r.DeviceDetail.OperatingSystem+" "+r.DeviceDetail.Browser), r.DurationMs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n%d sign-ins, %d failed\n", len(rows), failed)
	return nil
}

// printQuery prints every table of any query's result.
func printQuery(ctx context.Context, out io.Writer, c *sentinel.Client, kql string, opts *sentinel.QueryOptions) error {
	res, err := c.Query(ctx, kql, opts)
	var partial *sentinel.PartialResultError
	if errors.As(err, &partial) {
		fmt.Fprintln(os.Stderr, "warning: the result is incomplete:", partial)
	} else if err != nil {
		return err
	}
	if len(res.Tables) == 0 {
		fmt.Fprintln(out, "no data")
		return nil
	}
	for _, t := range res.Tables {
		tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for j, col := range t.Columns {
			if j > 0 {
				fmt.Fprint(tw, "\t")
			}
			fmt.Fprint(tw, col.Name)
		}
		fmt.Fprintln(tw)
		for _, row := range t.Rows() {
			vals, err := row.Values()
			if err != nil {
				return err
			}
			for j, v := range vals {
				if j > 0 {
					fmt.Fprint(tw, "\t")
				}
				fmt.Fprint(tw, cell(v))
			}
			fmt.Fprintln(tw)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%s: %d rows\n", t.Name, t.Len())
	}
	return nil
}

// cell formats a value for a terminal column.
func cell(v any) string {
	var s string
	switch v := v.(type) {
	case nil:
		return ""
	case time.Time:
		s = v.UTC().Format("2006-01-02 15:04:05")
	case json.RawMessage:
		s = string(v)
	default:
		s = fmt.Sprint(v)
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 48 {
		s = s[:45] + "..."
	}
	return s
}
