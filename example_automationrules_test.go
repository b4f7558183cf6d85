package sentinel_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/sentinel-go/sentinel"
)

// The playbook the examples run: a Logic App workflow with the Microsoft Sentinel incident
// trigger.
const examplePlaybook = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/soc-rg/providers/Microsoft.Logic/workflows/Notify-SOC"

func ExampleNewAutomationRule() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	// When an incident is created with severity High and a title about ransomware: make it
	// Active, assign tier 1, add a task and run the notification playbook.
	rule, err := sentinel.NewAutomationRule("Tier-1 triage", 10).
		WhenIncidentCreated().
		If(sentinel.Property(sentinel.PropIncidentSeverity).Equals("High"),
			sentinel.Property(sentinel.PropIncidentTitle).Contains("ransomware", "encrypt")).
		Then(sentinel.ChangeStatus(sentinel.IncidentStatusActive),
			sentinel.AssignOwner(sentinel.IncidentOwner{UserPrincipalName: "tier1@contoso.com"}),
			sentinel.AddTask("Isolate the host", "Isolate it with Defender for Endpoint before anything else."),
			sentinel.RunPlaybook(examplePlaybook, "")).
		ExpiresAt(time.Now().AddDate(0, 3, 0)).
		Build()
	if err != nil {
		log.Fatal(err) // an *sentinel.ArgumentError naming the field the service would refuse
	}
	if _, err := client.CreateOrUpdateAutomationRule(ctx, sentinel.NewID(), rule, nil); err != nil {
		log.Fatal(err)
	}

	// The emulator runs the rule on the incidents created through it, as the service does.
	inc, err := client.CreateIncident(ctx, sentinel.IncidentProperties{
		Title: "Possible ransomware on SRV-DC-01", Severity: sentinel.SeverityHigh, Status: sentinel.IncidentStatusNew}, nil)
	if err != nil {
		log.Fatal(err)
	}
	inc, err = client.GetIncident(ctx, inc.Name, nil)
	if err != nil {
		log.Fatal(err)
	}
	tasks, err := client.ListTasks(inc.Name, nil).Collect(ctx, 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(inc.Status, inc.Owner.UserPrincipalName, tasks[0].Title)
	fmt.Println(len(srv.PlaybookRuns()), "playbook run")
	// Output:
	// Active tier1@contoso.com Isolate the host
	// 1 playbook run
}

func ExampleNewAutomationRule_whenUpdated() {
	// When someone reassigns an incident that Defender XDR raised, or closes it, notify the
	// SOC channel. Change conditions need a rule triggered on updates.
	rule, err := sentinel.NewAutomationRule("Notify on reassignment or closing", 20).
		WhenIncidentUpdated().
		If(sentinel.Property(sentinel.PropIncidentProviderName).Equals(sentinel.ProviderXDR)).
		IfAny(sentinel.ChangedTo(sentinel.ChangedIncidentOwner).StartsWith("tier2"),
			sentinel.ChangedTo(sentinel.ChangedIncidentStatus).Equals(string(sentinel.IncidentStatusClosed))).
		Then(sentinel.RunPlaybook(examplePlaybook, "")).
		Build()
	fmt.Println(err, rule.TriggeringLogic.TriggersWhen, len(rule.TriggeringLogic.Conditions))

	// The same conditions on a rule triggered on creation: Build says which condition cannot
	// apply.
	_, err = sentinel.NewAutomationRule("Broken", 20).
		If(sentinel.ChangedTo(sentinel.ChangedIncidentStatus).Equals("Closed")).
		Then(sentinel.RunPlaybook(examplePlaybook, "")).
		Build()
	var ae *sentinel.ArgumentError
	fmt.Println(errors.As(err, &ae), ae.Name)
	// Output:
	// <nil> Updated 2
	// true AutomationRule.TriggeringLogic.Conditions[0]
}

func ExampleClient_RunIncidentPlaybook() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()
	id := srv.CreateIncident(map[string]any{"title": "Phishing to bob", "severity": "Medium", "status": "New"})

	// Runs the playbook now, as the portal's "Run playbook" does. The service answers once
	// the run has started; the outcome is in the Logic App's run history.
	if err := client.RunIncidentPlaybook(ctx, id, examplePlaybook, nil); err != nil {
		log.Fatal(err)
	}
	for _, run := range srv.PlaybookRuns() {
		fmt.Println(run.Incident == id, run.LogicAppResourceID == examplePlaybook)
	}
	// Output:
	// true true
}
