// Package exampleenv gives the example programs a client: against real Microsoft Sentinel when
// AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE are set (with
// azidentity.NewDefaultAzureCredential), otherwise against an embedded sentineltest emulator.
package exampleenv

import (
	"fmt"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
	"github.com/sentinel-go/sentinel/sentineltest/testclient"
)

// Env is a client and, when emulated, the emulator behind it.
type Env struct {
	Client *sentinel.Client
	// Emulator is nil against real Azure.
	Emulator *sentineltest.Server
	// Where describes the target for the program's first line of output.
	Where string
}

// Close stops the emulator, if any.
func (e *Env) Close() {
	if e.Emulator != nil {
		e.Emulator.Close()
	}
}

// Real reports whether the environment names a real workspace.
func Real() bool {
	return os.Getenv("AZURE_SUBSCRIPTION_ID") != "" && os.Getenv("SENTINEL_RESOURCE_GROUP") != "" && os.Getenv("SENTINEL_WORKSPACE") != ""
}

// New returns the environment. opts may be nil. Against the emulator the client is
// testclient's: the emulator's cloud, credential and transport, and fast retries.
func New(opts *sentinel.ClientOptions, emulatorOpts ...sentineltest.Option) (*Env, error) {
	var o sentinel.ClientOptions
	if opts != nil {
		o = *opts
	}
	if Real() {
		ws := sentinel.Workspace{
			SubscriptionID: os.Getenv("AZURE_SUBSCRIPTION_ID"),
			ResourceGroup:  os.Getenv("SENTINEL_RESOURCE_GROUP"),
			Name:           os.Getenv("SENTINEL_WORKSPACE"),
			CustomerID:     os.Getenv("SENTINEL_WORKSPACE_ID"),
		}
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure credential: %w", err)
		}
		c, err := sentinel.NewClient(ws, cred, &o)
		if err != nil {
			return nil, err
		}
		return &Env{Client: c, Where: "Microsoft Sentinel workspace " + ws.Name}, nil
	}
	srv := sentineltest.NewServer(emulatorOpts...)
	c, err := testclient.Connect(srv, testclient.WithClientOptions(&o))
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &Env{Client: c, Emulator: srv, Where: "the embedded Sentinel emulator (set AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE to use Azure)"}, nil
}
