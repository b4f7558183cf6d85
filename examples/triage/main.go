// Command triage is an analyst's morning playbook: list the active High and Medium incidents
// of the last 24 hours, take the oldest, assign it, comment on it and close it.
//
// With no configuration it runs against an embedded emulator seeded with realistic incidents:
//
//	go run ./examples/triage
//
// With AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE set it runs
// against real Microsoft Sentinel with azidentity.NewDefaultAzureCredential. It is read-only
// there unless -write is given; -assignee names the owner to assign (a UPN).
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/examples/internal/exampleenv"
)

func main() {
	write := flag.Bool("write", false, "against real Azure: assign, comment on and close the oldest incident")
	assignee := flag.String("assignee", "analyst@contoso.com", "user principal name to assign the incident to")
	flag.Parse()
	if err := run(os.Stdout, *write, *assignee); err != nil {
		fmt.Fprintln(os.Stderr, "triage:", err)
		os.Exit(1)
	}
}

func run(out io.Writer, write bool, assignee string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, err := exampleenv.New(nil)
	if err != nil {
		return err
	}
	defer env.Close()
	if env.Emulator != nil {
		env.Emulator.SeedIncidents(300)
		write = true
	}
	fmt.Fprintln(out, "Triage on", env.Where)
	c := env.Client

	// Active High and Medium incidents created in the last 24 hours, oldest first. A small
	// page size shows the pager at work; leave Top at 0 for the service maximum (1000).
	filter := sentinel.IncidentFilter{}.
		SeverityIn(sentinel.SeverityHigh, sentinel.SeverityMedium).
		StatusIn(sentinel.IncidentStatusNew, sentinel.IncidentStatusActive).
		CreatedAfter(time.Now().Add(-24 * time.Hour))
	pager := c.ListIncidents(&sentinel.ListIncidentsOptions{Filter: filter.String(), OrderBy: sentinel.OrderByCreatedAsc, Top: 25})

	var incidents []sentinel.Incident
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
	printTable(out, incidents, 15)
	if len(incidents) == 0 {
		fmt.Fprintln(out, "\nNothing to triage.")
		return nil
	}

	oldest := slices.MinFunc(incidents, func(a, b sentinel.Incident) int { return a.CreatedTime.Compare(b.CreatedTime) })
	fmt.Fprintf(out, "\nOldest: #%d %q (%s, created %s)\n", oldest.Number, oldest.Title, oldest.Severity, oldest.CreatedTime.Local().Format("Jan 2 15:04"))
	if !write {
		fmt.Fprintln(out, "Read-only run: pass -write to assign, comment on and close it.")
		return nil
	}

	if _, err := c.AssignIncident(ctx, oldest.Name, sentinel.IncidentOwner{UserPrincipalName: assignee}, nil); err != nil {
		return fmt.Errorf("assigning: %w", err)
	}
	fmt.Fprintf(out, "  assigned to %s\n", assignee)
	if _, err := c.CreateComment(ctx, oldest.Name, "Triage playbook: reviewed, confirmed malicious, closing.", nil); err != nil {
		return fmt.Errorf("commenting: %w", err)
	}
	fmt.Fprintln(out, "  comment added")
	closed, err := c.CloseIncident(ctx, oldest.Name, sentinel.ClassificationTruePositive, sentinel.ClassificationReasonSuspiciousActivity,
		&sentinel.CloseIncidentOptions{Comment: "Confirmed malicious; containment done by the triage playbook."})
	if err != nil {
		return fmt.Errorf("closing: %w", err)
	}
	fmt.Fprintf(out, "  closed as %s (%s)\n", closed.Classification, closed.ClassificationReason)

	bySeverity := map[sentinel.Severity]int{}
	for _, inc := range incidents {
		bySeverity[inc.Severity]++
	}
	fmt.Fprintf(out, "\nSummary: %d High, %d Medium; incident #%d assigned to %s, commented (%d comment) and closed as %s.\n",
		bySeverity[sentinel.SeverityHigh], bySeverity[sentinel.SeverityMedium], closed.Number, closed.Owner.UserPrincipalName,
		closed.AdditionalData.CommentsCount, closed.Classification)
	return nil
}

func printTable(out io.Writer, incidents []sentinel.Incident, limit int) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tSEVERITY\tSTATUS\tCREATED\tOWNER\tTITLE")
	for i, inc := range incidents {
		if i == limit {
			fmt.Fprintf(tw, "…\t\t\t\t\t(%d more)\n", len(incidents)-limit)
			break
		}
		owner := cmp.Or(inc.Owner.AssignedTo, inc.Owner.UserPrincipalName, "-")
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", inc.Number, inc.Severity, inc.Status,
			inc.CreatedTime.Local().Format("Jan 2 15:04"), owner, truncate(inc.Title, 60))
	}
	tw.Flush()
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return strings.TrimSpace(string(r[:n-1])) + "…"
	}
	return s
}
