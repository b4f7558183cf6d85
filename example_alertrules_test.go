package sentinel_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/sentinel-go/sentinel"
)

func ExampleClient_CreateOrUpdateAlertRule() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	rule := &sentinel.ScheduledAlertRule{ScheduledAlertRuleProperties: sentinel.ScheduledAlertRuleProperties{
		DisplayName: "Brute force against Entra ID", Enabled: true, Severity: sentinel.SeverityMedium,
		Query:          "SigninLogs | where ResultType == 50126 | summarize n = count() by UserPrincipalName | where n > 10",
		QueryFrequency: time.Hour, QueryPeriod: time.Hour,
		TriggerOperator: sentinel.TriggerOperatorGreaterThan, SuppressionDuration: 5 * time.Hour,
		EntityMappings: []sentinel.EntityMapping{{EntityType: sentinel.EntityMappingAccount,
			FieldMappings: []sentinel.FieldMapping{{Identifier: "FullName", ColumnName: "UserPrincipalName"}}}},
		AlertDetailsOverride: sentinel.AlertDetailsOverride{
			AlertDisplayNameFormat: "Brute force against {{UserPrincipalName}}",
			AlertDynamicProperties: []sentinel.AlertPropertyMapping{{AlertProperty: sentinel.AlertPropertyRemediationSteps, Value: "Steps"}},
		},
	}}
	if _, err := client.CreateOrUpdateAlertRule(ctx, "brute-force", rule, nil); err != nil {
		log.Fatal(err)
	}

	// Update: read the rule, change it and send it back with the etag it was read with.
	got, err := client.GetAlertRule(ctx, "brute-force", nil)
	if err != nil {
		log.Fatal(err)
	}
	s := got.(*sentinel.ScheduledAlertRule)
	s.Enabled = false
	if _, err := client.CreateOrUpdateAlertRule(ctx, s.Name, s, nil); err != nil {
		log.Fatal(err) // errors.Is(err, sentinel.ErrConflict) if it changed meanwhile
	}

	for r, err := range client.ListAlertRules(nil).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		switch r := r.(type) {
		case *sentinel.ScheduledAlertRule:
			fmt.Println(r.Kind(), r.Name, r.Enabled, r.QueryFrequency, r.AlertDetailsOverride.AlertDynamicProperties[0].AlertProperty)
		case *sentinel.UnknownAlertRule:
			fmt.Println("a rule of a kind this SDK does not type:", r.Kind())
		}
	}
	// Output:
	// Scheduled brute-force false 1h0m0s RemediationSteps
}
