package sentinel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/internal/iso8601"
)

// The property that guards the model layer: take a realistic payload of each model type,
// inject a member this SDK does not know into every object at every depth, and a value it
// does not know into every enum (every string that is not a time or a duration); decode,
// encode, and check that the result is the injected payload: every injected member back at
// its place, every known value unchanged.

// losslessCases are the model types and a realistic payload of each (testdata fixtures).
// newModel returns a pointer to decode into; polymorphic families decode through their
// interface type.
var losslessCases = []struct {
	fixture  string
	newModel func() any
}{
	{"testdata/incidents/get.json", func() any { return new(sentinel.Incident) }},
	{"testdata/comments/get.json", func() any { return new(sentinel.IncidentComment) }},
	{"testdata/tasks/get.json", func() any { return new(sentinel.IncidentTask) }},
	{"testdata/relations/get.json", func() any { return new(sentinel.IncidentRelation) }},
	// Entities: each kind through the Entity interface (as ListEntities decodes it) and its
	// own struct (as ListAlerts and ListIncidentBookmarks give them), an unknown kind, and
	// the response of ListEntities with all of them.
	{"testdata/entities/account.json", func() any { return new(sentinel.AccountEntity) }},
	{"testdata/entities/host.json", func() any { return new(sentinel.HostEntity) }},
	{"testdata/entities/ip.json", func() any { return new(sentinel.IPEntity) }},
	{"testdata/entities/url.json", func() any { return new(sentinel.URLEntity) }},
	{"testdata/entities/filehash.json", func() any { return new(sentinel.FileHashEntity) }},
	{"testdata/entities/file.json", func() any { return new(sentinel.FileEntity) }},
	{"testdata/entities/process.json", func() any { return new(sentinel.ProcessEntity) }},
	{"testdata/entities/mailmessage.json", func() any { return new(sentinel.MailMessageEntity) }},
	{"testdata/entities/mailbox.json", func() any { return new(sentinel.MailboxEntity) }},
	{"testdata/entities/mailcluster.json", func() any { return new(sentinel.MailClusterEntity) }},
	{"testdata/entities/submissionmail.json", func() any { return new(sentinel.SubmissionMailEntity) }},
	{"testdata/entities/cloudapplication.json", func() any { return new(sentinel.CloudApplicationEntity) }},
	{"testdata/entities/azureresource.json", func() any { return new(sentinel.AzureResourceEntity) }},
	{"testdata/entities/dnsresolution.json", func() any { return new(sentinel.DNSResolutionEntity) }},
	{"testdata/entities/registrykey.json", func() any { return new(sentinel.RegistryKeyEntity) }},
	{"testdata/entities/registryvalue.json", func() any { return new(sentinel.RegistryValueEntity) }},
	{"testdata/entities/securitygroup.json", func() any { return new(sentinel.SecurityGroupEntity) }},
	{"testdata/entities/iotdevice.json", func() any { return new(sentinel.IoTDeviceEntity) }},
	{"testdata/entities/malware.json", func() any { return new(sentinel.MalwareEntity) }},
	{"testdata/entities/securityalert.json", func() any { return new(sentinel.SecurityAlert) }},
	{"testdata/entities/bookmark.json", func() any { return new(sentinel.BookmarkEntity) }},
	{"testdata/entities/unknown.json", func() any { return new(sentinel.Entity) }},
	{"testdata/entities/all.json", func() any { return new(sentinel.IncidentEntities) }},
	{"testdata/alertrules/get_scheduled.json", func() any { return new(sentinel.AlertRule) }},
	{"testdata/alertrules/get_msic.json", func() any { return new(sentinel.AlertRule) }},
	{"testdata/alertrules/get_fusion.json", func() any { return new(sentinel.AlertRule) }},
	{"testdata/alertrules/get_nrt.json", func() any { return new(sentinel.AlertRule) }}, // UnknownAlertRule
	{"testdata/alertrules/get_scheduled.json", func() any { return new(sentinel.ScheduledAlertRule) }},
	{"testdata/alertrules/get_nrt.json", func() any { return new(sentinel.UnknownAlertRule) }},
	{"testdata/alertrules/list.json", func() any { return new(page[sentinel.AlertRule]) }}, // a pager's page
	{"testdata/alertrules/get_action.json", func() any { return new(sentinel.AlertRuleAction) }},
	{"testdata/alertrules/put_action.json", func() any { return new(sentinel.AlertRuleAction) }},
	{"testdata/alertrules/get_template_scheduled.json", func() any { return new(sentinel.AlertRuleTemplate) }},
	{"testdata/alertrules/get_template_msic.json", func() any { return new(sentinel.AlertRuleTemplate) }},
	{"testdata/alertrules/get_template_fusion.json", func() any { return new(sentinel.AlertRuleTemplate) }},
	{"testdata/alertrules/get_template_nrt.json", func() any { return new(sentinel.AlertRuleTemplate) }}, // UnknownAlertRuleTemplate
	{"testdata/dataconnectors/get_AzureActiveDirectory.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_AzureAdvancedThreatProtection.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_AzureSecurityCenter.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_AmazonWebServicesCloudTrail.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_MicrosoftCloudAppSecurity.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_MicrosoftDefenderAdvancedThreatProtection.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_Office365.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_ThreatIntelligence.json", func() any { return new(sentinel.DataConnector) }},
	{"testdata/dataconnectors/get_unknown.json", func() any { return new(sentinel.DataConnector) }}, // UnknownDataConnector
	{"testdata/dataconnectors/list.json", func() any { return new(page[sentinel.DataConnector]) }},
	{"testdata/indicators/get.json", func() any { return new(sentinel.Indicator) }},
	{"testdata/indicators/metrics.json", func() any { return new(indicatorMetricsList) }},
	{"testdata/watchlists/get.json", func() any { return new(sentinel.Watchlist) }},
	{"testdata/watchlists/create.json", func() any { return new(sentinel.Watchlist) }},
	{"testdata/watchlists/item_get.json", func() any { return new(sentinel.WatchlistItem) }},
	{"testdata/bookmarks/get.json", func() any { return new(sentinel.Bookmark) }},
	// 2025-12-01: incidents in the shapes of the API's examples and of a workspace onboarded
	// to the Defender portal, and automation rules with every condition and action kind.
	{"testdata/incidents/get_2025-12-01.json", func() any { return new(sentinel.Incident) }},
	{"testdata/incidents/list_2025-12-01.json", func() any { return new(page[sentinel.Incident]) }},
	{"testdata/incidents/create_2025-12-01.json", func() any { return new(sentinel.Incident) }},
	{"testdata/incidents/get_xdr.json", func() any { return new(sentinel.Incident) }},
	{"testdata/automationrules/get.json", func() any { return new(sentinel.AutomationRule) }},
	{"testdata/automationrules/create.json", func() any { return new(sentinel.AutomationRule) }},
	{"testdata/automationrules/list.json", func() any { return new(page[sentinel.AutomationRule]) }},
	{"testdata/automationrules/condition_property.json", func() any { return new(sentinel.PropertyCondition) }},
	{"testdata/automationrules/condition_propertyarray.json", func() any { return new(sentinel.PropertyArrayCondition) }},
	{"testdata/automationrules/condition_propertychanged.json", func() any { return new(sentinel.PropertyChangedCondition) }},
	{"testdata/automationrules/condition_propertyarraychanged.json", func() any { return new(sentinel.PropertyArrayChangedCondition) }},
	{"testdata/automationrules/condition_boolean.json", func() any { return new(sentinel.BooleanCondition) }},
	{"testdata/automationrules/condition_unknown.json", func() any { return new(sentinel.UnknownAutomationRuleCondition) }},
	{"testdata/automationrules/action_modifyproperties.json", func() any { return new(sentinel.ModifyPropertiesAction) }},
	{"testdata/automationrules/action_runplaybook.json", func() any { return new(sentinel.RunPlaybookAction) }},
	{"testdata/automationrules/action_addincidenttask.json", func() any { return new(sentinel.AddIncidentTaskAction) }},
	{"testdata/automationrules/action_unknown.json", func() any { return new(sentinel.UnknownAutomationRuleAction) }},
	// Microsoft Graph (package defender): an incident with its alerts, an alert with evidence
	// of every typed kind and one unknown kind (decoded through the Evidence interface),
	// and a hunting result.
	{"defender/testdata/incident.json", func() any { return new(defender.Incident) }},
	{"defender/testdata/alert.json", func() any { return new(defender.Alert) }},
	{"defender/testdata/hunting.json", func() any { return new(defender.HuntingResult) }},
}

// automationRuleKinds are the condition and action fixtures decoded through their family's
// interface as well.
var automationRuleKinds = []struct {
	fixture  string
	newModel func() any
}{
	{"condition_property", func() any { return new(sentinel.AutomationRuleCondition) }},
	{"condition_propertyarray", func() any { return new(sentinel.AutomationRuleCondition) }},
	{"condition_propertychanged", func() any { return new(sentinel.AutomationRuleCondition) }},
	{"condition_propertyarraychanged", func() any { return new(sentinel.AutomationRuleCondition) }},
	{"condition_boolean", func() any { return new(sentinel.AutomationRuleCondition) }},
	{"condition_unknown", func() any { return new(sentinel.AutomationRuleCondition) }},
	{"action_modifyproperties", func() any { return new(sentinel.AutomationRuleAction) }},
	{"action_runplaybook", func() any { return new(sentinel.AutomationRuleAction) }},
	{"action_addincidenttask", func() any { return new(sentinel.AutomationRuleAction) }},
	{"action_unknown", func() any { return new(sentinel.AutomationRuleAction) }},
}

// entityCases are the entity fixtures decoded through the Entity interface as well.
var entityCases = []string{
	"account", "host", "ip", "url", "filehash", "file", "process", "mailmessage", "mailbox", "mailcluster",
	"submissionmail", "cloudapplication", "azureresource", "dnsresolution", "registrykey", "registryvalue",
	"securitygroup", "iotdevice", "malware", "securityalert", "bookmark",
}

func init() {
	for _, k := range automationRuleKinds {
		losslessCases = append(losslessCases, struct {
			fixture  string
			newModel func() any
		}{"testdata/automationrules/" + k.fixture + ".json", k.newModel})
	}
	for _, name := range entityCases {
		losslessCases = append(losslessCases, struct {
			fixture  string
			newModel func() any
		}{"testdata/entities/" + name + ".json", func() any { return new(sentinel.Entity) }})
	}
}

// decodeErrorOf returns what a lenient decoder (entities) could not decode into the typed
// fields: such an entity encodes to its JSON as received, which would hide a loss.
func decodeErrorOf(m any) error {
	switch m := m.(type) {
	case *sentinel.Entity:
		if *m != nil {
			if _, unknown := (*m).(*sentinel.UnknownEntity); !unknown {
				return (*m).DecodeError()
			}
		}
	case *sentinel.IncidentEntities:
		var errs []error
		for _, e := range m.Entities {
			if _, unknown := e.(*sentinel.UnknownEntity); !unknown {
				errs = append(errs, e.DecodeError())
			}
		}
		return errors.Join(errs...)
	case interface{ DecodeError() error }:
		return m.DecodeError()
	}
	return nil
}

// page is a list response as a pager reads it: items of a model in "value".
type page[T any] struct {
	Value    []T            `json:"value"`
	NextLink string         `json:"nextLink,omitzero"`
	Unknown  jsontext.Value `json:",embed"`
}

// indicatorMetricsList is the response of IndicatorMetrics, which returns its items.
type indicatorMetricsList struct {
	Value   []sentinel.IndicatorMetrics `json:"value"`
	Unknown jsontext.Value              `json:",embed"`
}

func TestLosslessRoundTrip(t *testing.T) {
	for _, tc := range losslessCases {
		t.Run(strings.TrimPrefix(tc.fixture, "testdata/"), func(t *testing.T) {
			data, err := os.ReadFile(tc.fixture)
			require.NoError(t, err)
			base := parseTree(t, data)

			t.Run("as is", func(t *testing.T) { checkRoundTrip(t, tc.newModel, base) })
			t.Run("unknown members at every depth", func(t *testing.T) {
				n := 0
				injected := injectMembers(clone(base), &n)
				require.Positive(t, n)
				checkRoundTrip(t, tc.newModel, injected)
			})
			t.Run("unknown enum values", func(t *testing.T) {
				n := 0
				injected := injectValues(clone(base), "", &n)
				require.Positive(t, n)
				checkRoundTrip(t, tc.newModel, injected)
			})
		})
	}
}

// checkRoundTrip decodes tree into a new model, encodes it and compares.
func checkRoundTrip(t *testing.T, newModel func() any, tree any) {
	t.Helper()
	in, err := json.Marshal(tree)
	require.NoError(t, err)
	m := newModel()
	require.NoError(t, sentinel.UnmarshalJSON(in, m), "decode")
	require.NoError(t, decodeErrorOf(m), "decoded into the typed fields")
	out, err := sentinel.MarshalJSON(m)
	require.NoError(t, err, "encode")
	got := parseTree(t, out)
	if diffs := diffJSON("", tree, got); len(diffs) > 0 {
		t.Errorf("the round trip changed %d places:\n%s\nsent:     %s\nreceived: %s", len(diffs), strings.Join(diffs, "\n"), in, out)
	}
}

func parseTree(t *testing.T, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	require.NoError(t, dec.Decode(&v))
	return v
}

func clone(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, x := range v {
			m[k] = clone(x)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, x := range v {
			s[i] = clone(x)
		}
		return s
	}
	return v
}

// injectMembers adds an unknown member, itself nested, to every object.
func injectMembers(v any, n *int) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = injectMembers(x, n)
		}
		*n++
		v[fmt.Sprintf("zzFuture%d", *n)] = map[string]any{"nested": []any{json.Number("1"), "x", map[string]any{"deep": true}}}
	case []any:
		for i, x := range v {
			v[i] = injectMembers(x, n)
		}
	}
	return v
}

var (
	timeLike     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}`)
	durationLike = regexp.MustCompile(`^-?P(\d|T\d)`)
)

// discriminators are the members that say a polymorphic object's kind: another value would
// make it another (unknown) kind, which an object decoded into a typed kind cannot take.
var discriminators = map[string]bool{"kind": true, "conditionType": true, "actionType": true, "@odata.type": true}

// injectValues replaces every string that is not a time, a duration or a discriminator (Graph's "@odata.type" too) by a
// value no enum knows.
func injectValues(v any, key string, n *int) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = injectValues(x, k, n)
		}
	case []any:
		for i, x := range v {
			v[i] = injectValues(x, key, n)
		}
	case string:
		if discriminators[key] || timeLike.MatchString(v) || durationLike.MatchString(v) {
			return v
		}
		*n++
		return fmt.Sprintf("Future Value %d", *n)
	}
	return v
}

// diffJSON compares two JSON trees by meaning: a member that is null, "", false, 0, [] or {}
// is the same as an absent one; times are equal when they are the same instant, durations
// when they are the same length, numbers when they are the same number.
func diffJSON(path string, want, got any) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %v", path, got)}
		}
		var diffs []string
		keys := make([]string, 0, len(w)+len(g))
		for k := range w {
			keys = append(keys, k)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			wv, inW := w[k]
			gv, inG := g[k]
			switch {
			case inW && !inG:
				if !zeroJSON(wv) {
					diffs = append(diffs, fmt.Sprintf("%s/%s: dropped (was %v)", path, k, wv))
				}
			case !inW && inG:
				if !zeroJSON(gv) {
					diffs = append(diffs, fmt.Sprintf("%s/%s: added %v", path, k, gv))
				}
			default:
				diffs = append(diffs, diffJSON(path+"/"+k, wv, gv)...)
			}
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			if len(w) == 0 && zeroJSON(got) {
				return nil
			}
			return []string{fmt.Sprintf("%s: want an array, got %v", path, got)}
		}
		if len(w) != len(g) {
			return []string{fmt.Sprintf("%s: want %d items, got %d", path, len(w), len(g))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, diffJSON(fmt.Sprintf("%s/%d", path, i), w[i], g[i])...)
		}
		return diffs
	case string:
		g, ok := got.(string)
		if ok && (g == w || sameTime(w, g) || sameDuration(w, g)) {
			return nil
		}
		if !ok && w == "" && zeroJSON(got) {
			return nil
		}
		return []string{fmt.Sprintf("%s: want %q, got %v", path, w, got)}
	case json.Number:
		g, ok := got.(json.Number)
		if ok && sameNumber(w, g) {
			return nil
		}
		return []string{fmt.Sprintf("%s: want %s, got %v", path, w, got)}
	case nil:
		if zeroJSON(got) {
			return nil
		}
		return []string{fmt.Sprintf("%s: want null, got %v", path, got)}
	default:
		if want == got || (zeroJSON(want) && zeroJSON(got)) {
			return nil
		}
		return []string{fmt.Sprintf("%s: want %v, got %v", path, want, got)}
	}
}

func zeroJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case bool:
		return !v
	case json.Number:
		f, ok := new(big.Float).SetString(string(v))
		return ok && f.Sign() == 0
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func sameTime(a, b string) bool {
	ta, errA := parseAnyTime(a)
	tb, errB := parseAnyTime(b)
	return errA == nil && errB == nil && ta.Equal(tb)
}

func parseAnyTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: %q", s)
}

func sameDuration(a, b string) bool {
	da, errA := iso8601.ParseDuration(a)
	db, errB := iso8601.ParseDuration(b)
	return errA == nil && errB == nil && da == db
}

func sameNumber(a, b json.Number) bool {
	fa, okA := new(big.Float).SetString(string(a))
	fb, okB := new(big.Float).SetString(string(b))
	return okA && okB && fa.Cmp(fb) == 0
}
