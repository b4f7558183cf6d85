package exampleenv

import (
	"fmt"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/defender"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// DefenderEnv is a Microsoft Graph security client and, when there is one, a Sentinel client
// of the workspace whose incidents mirror the Defender ones.
type DefenderEnv struct {
	Graph *defender.Client
	// Sentinel is nil against real Graph without a configured workspace.
	Sentinel *sentinel.Client
	// Emulator is nil against real Graph.
	Emulator *sentineltest.Server
	// Where describes the target for the program's first line of output.
	Where string
}

// Close stops the emulator, if any.
func (e *DefenderEnv) Close() {
	if e.Emulator != nil {
		e.Emulator.Close()
	}
}

// RealGraph reports whether the environment asks for real Microsoft Graph: DEFENDER_GRAPH=1,
// with credentials for azidentity.NewDefaultAzureCredential.
func RealGraph() bool { return os.Getenv("DEFENDER_GRAPH") == "1" }

// NewDefender returns the environment: real Graph (and the Sentinel workspace when
// AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE are set too) when
// RealGraph, otherwise the embedded emulator, which serves both and links their incidents.
func NewDefender() (*DefenderEnv, error) {
	if RealGraph() {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure credential: %w", err)
		}
		g, err := defender.NewClient(cred, nil)
		if err != nil {
			return nil, err
		}
		env := &DefenderEnv{Graph: g, Where: "Microsoft Graph (security API)"}
		if Real() {
			s, err := New(nil)
			if err != nil {
				return nil, err
			}
			env.Sentinel = s.Client
		}
		return env, nil
	}
	srv := sentineltest.NewServer()
	azOpts := azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}
	g, err := defender.NewClient(srv.Credential(), &defender.ClientOptions{ClientOptions: azOpts})
	if err != nil {
		srv.Close()
		return nil, err
	}
	info := srv.Workspace()
	s, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: info.SubscriptionID, ResourceGroup: info.ResourceGroup, Name: info.Name, CustomerID: info.CustomerID},
		srv.Credential(), &sentinel.ClientOptions{ClientOptions: azOpts})
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &DefenderEnv{Graph: g, Sentinel: s, Emulator: srv,
		Where: "the embedded emulator's Microsoft Graph (set DEFENDER_GRAPH=1 and Azure credentials to use Graph)"}, nil
}
