// Command defender is the morning triage playbook over Microsoft Graph, for Sentinel
// workspaces onboarded to the Microsoft Defender portal: list the active High and Medium
// incidents of the last 24 hours with their alerts, take the oldest, read its evidence, hunt
// for its device's recent processes, assign it, comment on it and resolve it, then show the
// Sentinel incident that mirrors it with both verdicts side by side.
//
// With no configuration it runs against an embedded emulator seeded with realistic
// incidents:
//
//	go run ./examples/defender
//
// With DEFENDER_GRAPH=1 it runs against real Microsoft Graph with
// azidentity.NewDefaultAzureCredential (permissions SecurityIncident.ReadWrite.All and
// ThreatHunting.Read.All); add AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and
// SENTINEL_WORKSPACE to see the Sentinel side. It is read-only there unless -write is given.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/examples/internal/exampleenv"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func main() {
	write := flag.Bool("write", false, "against real Graph: assign, comment on and resolve the oldest incident")
	assignee := flag.String("assignee", "analyst@contoso.com", "user principal name to assign the incident to")
	flag.Parse()
	if err := run(os.Stdout, *write, *assignee); err != nil {
		fmt.Fprintln(os.Stderr, "defender:", err)
		os.Exit(1)
	}
}

// processQuery is the hunting query run for the incident's device.
const processQuery = `DeviceProcessEvents
| where DeviceName == "%s" and Timestamp > ago(1d)
| summarize Runs = count(), Last = max(Timestamp) by FileName
| top 5 by Runs`

// processRow is a row of processQuery.
type processRow struct {
	FileName string
	Runs     int64
	Last     time.Time
}

func run(out io.Writer, write bool, assignee string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, err := exampleenv.NewDefender()
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Emulator != nil {
		env.Emulator.Graph().SeedIncidents(60)
		env.Emulator.Graph().HandleHunting(emulatedHunting)
		write = true
	}
	fmt.Fprintln(out, "Triage on", env.Where)
	c := env.Graph

	// Active High and Medium incidents created in the last 24 hours, with their alerts and
	// evidence. A small page size shows the pager at work.
	filter := defender.IncidentFilter{}.
		StatusIn(defender.IncidentStatusActive).
		SeverityIn(defender.SeverityHigh, defender.SeverityMedium).
		CreatedSince(time.Now().Add(-24 * time.Hour))
	pager := c.ListIncidents(&defender.ListIncidentsOptions{Filter: filter.String(), ExpandAlerts: true, Top: 10})
	var incidents []defender.Incident
	pages := 0
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing incidents: %w", err)
		}
		pages++
		incidents = append(incidents, page...)
	}
	fmt.Fprintf(out, "\n%d active High/Medium incidents from the last 24 h (%d pages)\n\n", len(incidents), pages)
	printTable(out, incidents, 12)
	if len(incidents) == 0 {
		fmt.Fprintln(out, "\nNothing to triage.")
		return nil
	}

	oldest := slices.MinFunc(incidents, func(a, b defender.Incident) int { return a.CreatedDateTime.Compare(b.CreatedDateTime) })
	fmt.Fprintf(out, "\nOldest: %s %q (%s, created %s)\n", oldest.ID, oldest.DisplayName, oldest.Severity, oldest.CreatedDateTime.Local().Format("Jan 2 15:04"))
	device := printEvidence(out, oldest)

	if device != "" {
		fmt.Fprintf(out, "\nProcesses on %s in the last day (advanced hunting):\n", device)
		rows, err := defender.HuntingInto[processRow](ctx, c, fmt.Sprintf(processQuery, device), &defender.RunHuntingQueryOptions{Timespan: 24 * time.Hour})
		if err != nil {
			return fmt.Errorf("hunting: %w", err)
		}
		for _, r := range rows {
			fmt.Fprintf(out, "  %-16s %4d runs, last %s\n", r.FileName, r.Runs, r.Last.Local().Format("15:04"))
		}
	}

	if !write {
		fmt.Fprintln(out, "\nRead-only run: pass -write to assign, comment on and resolve it.")
		return nil
	}
	if _, err := c.UpdateIncident(ctx, oldest.ID, defender.IncidentUpdate{
		AssignedTo: sentinel.Ptr(assignee), Status: sentinel.Ptr(defender.IncidentStatusInProgress),
	}, nil); err != nil {
		return fmt.Errorf("assigning: %w", err)
	}
	fmt.Fprintf(out, "\n  assigned to %s\n", assignee)
	comments, err := c.CreateIncidentComment(ctx, oldest.ID, "Triage playbook: evidence reviewed, device processes hunted, resolving.", nil)
	if err != nil {
		return fmt.Errorf("commenting: %w", err)
	}
	fmt.Fprintf(out, "  comment added (%d comment(s))\n", len(comments))
	resolved, err := c.UpdateIncident(ctx, oldest.ID, defender.IncidentUpdate{
		Status:           sentinel.Ptr(defender.IncidentStatusResolved),
		Classification:   sentinel.Ptr(defender.ClassificationTruePositive),
		Determination:    sentinel.Ptr(defender.DeterminationMalware),
		ResolvingComment: sentinel.Ptr("Contained by the triage playbook."),
	}, nil)
	if err != nil {
		return fmt.Errorf("resolving: %w", err)
	}
	fmt.Fprintf(out, "  resolved as %s (%s)\n", resolved.Classification, resolved.Determination)

	if env.Sentinel == nil {
		return nil
	}
	mirror, err := defender.GetSentinelIncident(ctx, env.Sentinel, oldest.ID, nil)
	if errors.Is(err, sentinel.ErrNotFound) {
		fmt.Fprintln(out, "\nNo Sentinel incident mirrors it in the workspace.")
		return nil
	}
	if err != nil {
		return fmt.Errorf("finding the Sentinel incident: %w", err)
	}
	v := defender.Linked{Graph: resolved, Sentinel: mirror}.Verdicts()
	fmt.Fprintf(out, "\nSentinel incident #%d (%s) mirrors it; verdicts side by side, unmapped:\n", mirror.Number, mirror.Name)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tSTATUS\tVERDICT\tOWNER")
	fmt.Fprintf(tw, "Graph\t%s\t%s / %s\t%s\n", v.GraphStatus, v.GraphClassification, v.GraphDetermination, cmp.Or(v.GraphAssignedTo, "-"))
	fmt.Fprintf(tw, "Sentinel\t%s\t%s\t%s\n", v.SentinelStatus, cmp.Or(string(v.SentinelClassification), "-"), cmp.Or(v.SentinelOwner, "-"))
	return tw.Flush()
}

// printEvidence summarises the incident's evidence and returns a device name to hunt on.
func printEvidence(out io.Writer, inc defender.Incident) (device string) {
	counts := map[string]int{}
	var users []string
	for _, a := range inc.Alerts {
		for _, ev := range a.Evidence {
			switch ev := ev.(type) {
			case *defender.DeviceEvidence:
				device = cmp.Or(device, ev.DeviceDNSName)
				counts["device"]++
			case *defender.UserEvidence:
				users = append(users, ev.UserAccount.UserPrincipalName)
				counts["user"]++
			case *defender.UnknownEvidence:
				counts["other ("+strings.TrimPrefix(string(ev.Kind()), "#microsoft.graph.security.")+")"]++
			default:
				counts[strings.TrimSuffix(strings.TrimPrefix(string(ev.Kind()), "#microsoft.graph.security."), "Evidence")]++
			}
		}
	}
	kinds := make([]string, 0, len(counts))
	for k, n := range counts {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	slices.Sort(kinds)
	fmt.Fprintf(out, "  %d alert(s); evidence: %s\n", len(inc.Alerts), strings.Join(kinds, ", "))
	if len(users) > 0 {
		fmt.Fprintf(out, "  users: %s\n", strings.Join(slices.Compact(slices.Sorted(slices.Values(users))), ", "))
	}
	return device
}

func printTable(out io.Writer, incidents []defender.Incident, limit int) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tSTATUS\tCREATED\tALERTS\tOWNER\tTITLE")
	for i, inc := range incidents {
		if i == limit {
			fmt.Fprintf(tw, "…\t\t\t\t\t\t(%d more)\n", len(incidents)-limit)
			break
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%s\n", inc.ID, inc.Severity, inc.Status,
			inc.CreatedDateTime.Local().Format("Jan 2 15:04"), len(inc.Alerts), cmp.Or(inc.AssignedTo, "-"), truncate(inc.DisplayName, 60))
	}
	tw.Flush()
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}

// emulatedHunting answers processQuery on the emulator with a few realistic rows.
func emulatedHunting(r sentineltest.HuntingRequest) (sentineltest.HuntingResponse, bool) {
	if !strings.HasPrefix(r.Query, "DeviceProcessEvents") {
		return sentineltest.HuntingResponse{}, false
	}
	now := time.Now().UTC()
	return sentineltest.HuntingResponse{
		Schema: []sentineltest.HuntingColumn{{Name: "FileName", Type: "String"}, {Name: "Runs", Type: "Int64"}, {Name: "Last", Type: "DateTime"}},
		Rows: []map[string]any{
			{"FileName": "powershell.exe", "Runs": 41, "Last": now.Add(-12 * time.Minute)},
			{"FileName": "cmd.exe", "Runs": 17, "Last": now.Add(-3 * time.Hour)},
			{"FileName": "rundll32.exe", "Runs": 6, "Last": now.Add(-5 * time.Hour)},
		},
	}, true
}
