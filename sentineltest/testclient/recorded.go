package testclient

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest/recording"
)

// The environment of Recorded: RecordEnv=1 records, against the workspace the others name.
const (
	RecordEnv        = "SENTINEL_RECORD"
	SubscriptionEnv  = "AZURE_SUBSCRIPTION_ID"
	ResourceGroupEnv = "SENTINEL_RESOURCE_GROUP"
	WorkspaceEnv     = "SENTINEL_WORKSPACE"
)

// The stand-ins a recording writes for the real workspace's names.
const (
	standInSubscription = "00000000-0000-0000-0000-000000000000"
	standInGroup        = "recorded-rg"
	standInWorkspace    = "recorded-workspace"
)

// ReplayWorkspace returns the workspace a replaying client of Recorded works on. Its names
// are the stand-ins that a recording writes for the real workspace's.
func ReplayWorkspace() sentinel.Workspace {
	return sentinel.Workspace{SubscriptionID: standInSubscription, ResourceGroup: standInGroup, Name: standInWorkspace}
}

// WithCredential is the credential Recorded records with; the default is
// azidentity.NewDefaultAzureCredential.
func WithCredential(cred azcore.TokenCredential) Option {
	return func(c *config) { c.credential = cred }
}

// WithRules adds sanitising rules to Recorded's (which replace the workspace's names by the
// stand-ins of ReplayWorkspace).
func WithRules(r recording.Rules) Option { return func(c *config) { c.rules = r } }

// Recorded returns a client that replays the cassette at path, or, when the environment
// variable SENTINEL_RECORD is 1, records it against the real workspace named by
// AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE:
//
//   - Recording: the client has the options of WithClientOptions (their Transport, or a
//     plain HTTP client, wrapped in a recording.Recorder) and the credential of
//     WithCredential. When the test ends without failing, the cassette is written,
//     sanitised, with the workspace's names replaced by ReplayWorkspace's.
//   - Replaying (the default, and what CI runs): the client works on ReplayWorkspace with a
//     fixed token, fast retries and the api-version the cassette was recorded at, on a
//     recording.Replayer; no request leaves the process. When the test ends, interactions
//     it did not request fail it. A missing cassette fails it at once, saying how to record
//     it.
//
// Give both modes the same WithClientOptions: the Cloud, whose endpoints the recorded
// nextLinks point to, must be the same. The client never has the workspace's customer ID,
// so a query resolves it through ARM in both modes. The workspace's names are replaced as
// text wherever they appear in the exchanges, so a short or common name (a workspace called
// "sentinel") also changes unrelated text in the cassette.
func Recorded(t testing.TB, path string, opts ...Option) *sentinel.Client {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if os.Getenv(RecordEnv) == "1" {
		return record(t, path, cfg)
	}
	rp, err := recording.NewReplayer(path, nil)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("testclient: no cassette at %s: record it once with %s=1 and %s, %s and %s naming a workspace", path, RecordEnv, SubscriptionEnv, ResourceGroupEnv, WorkspaceEnv)
	}
	if err != nil {
		t.Fatalf("testclient: %v", err)
	}
	o := cfg.client
	o.Transport = rp
	if o.APIVersion == "" {
		o.APIVersion = rp.APIVersion()
	}
	fastRetries(&o, cfg)
	c, err := sentinel.NewClient(ReplayWorkspace(), staticCredential{}, &o)
	if err != nil {
		t.Fatalf("testclient: %v", err)
	}
	t.Cleanup(func() {
		if unused := rp.Unused(); len(unused) > 0 {
			t.Errorf("testclient: %s: recorded interactions not requested:\n\t%s", path, strings.Join(unused, "\n\t"))
		}
	})
	return c
}

func record(t testing.TB, path string, cfg config) *sentinel.Client {
	t.Helper()
	ws := sentinel.Workspace{
		SubscriptionID: os.Getenv(SubscriptionEnv), ResourceGroup: os.Getenv(ResourceGroupEnv), Name: os.Getenv(WorkspaceEnv),
	}
	if ws.SubscriptionID == "" || ws.ResourceGroup == "" || ws.Name == "" {
		t.Fatalf("testclient: %s=1 records against a real workspace: set %s, %s and %s", RecordEnv, SubscriptionEnv, ResourceGroupEnv, WorkspaceEnv)
	}
	cred := cfg.credential
	if cred == nil {
		var err error
		if cred, err = azidentity.NewDefaultAzureCredential(nil); err != nil {
			t.Fatalf("testclient: recording needs a credential: %v", err)
		}
	}
	rules := cfg.rules
	rules.Replace = maps.Clone(rules.Replace)
	if rules.Replace == nil {
		rules.Replace = map[string]string{}
	}
	rules.Replace[ws.SubscriptionID] = standInSubscription
	rules.Replace[ws.ResourceGroup] = standInGroup
	rules.Replace[ws.Name] = standInWorkspace
	o := cfg.client
	next := o.Transport
	if next == nil {
		// The client's own HTTP client does not follow redirects; neither does this one.
		next = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	rec := recording.NewRecorder(next, path, &recording.RecorderOptions{Rules: rules})
	o.Transport = rec
	c, err := sentinel.NewClient(ws, cred, &o)
	if err != nil {
		t.Fatalf("testclient: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("testclient: the test failed; %s is not written", path)
			return
		}
		if err := rec.Save(); err != nil {
			t.Errorf("testclient: %v", err)
			return
		}
		t.Logf("testclient: recorded %d exchanges to %s", rec.Len(), path)
	})
	return c
}

// staticCredential issues a fixed token, for replaying clients.
type staticCredential struct{}

func (staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "replayed-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}
