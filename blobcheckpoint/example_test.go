package blobcheckpoint_test

import (
	"context"
	"log"
	"log/slog"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/blobcheckpoint"
)

// Every replica of the service runs this with the same workspaces; each workspace is
// watched by one replica at a time, and the checkpoints live in one blob container.
func ExampleCoordinator() {
	ctx := context.Background()
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		log.Fatal(err)
	}
	cc, err := container.NewClient("https://socstate.blob.core.windows.net/sentinel-checkpoints", cred, nil)
	if err != nil {
		log.Fatal(err)
	}
	store, err := blobcheckpoint.NewStore(cc, nil)
	if err != nil {
		log.Fatal(err)
	}
	coord, err := blobcheckpoint.NewCoordinator(store, &blobcheckpoint.CoordinatorOptions{
		Replica: os.Getenv("HOSTNAME"), // e.g. the pod name
		Logger:  slog.Default(),
	})
	if err != nil {
		log.Fatal(err)
	}
	workspaces := []sentinel.Workspace{
		{SubscriptionID: "00000000-0000-0000-0000-000000000001", ResourceGroup: "contoso-soc", Name: "contoso"},
		{SubscriptionID: "00000000-0000-0000-0000-000000000002", ResourceGroup: "fabrikam-soc", Name: "fabrikam"},
	}
	limiter := sentinel.NewRateLimiter(3, 10)
	var jobs []sentinel.WatchJob
	for _, ws := range workspaces {
		client, err := sentinel.NewClient(ws, cred, &sentinel.ClientOptions{RateLimiter: limiter})
		if err != nil {
			log.Fatal(err)
		}
		w, err := client.NewIncidentWatcher(&sentinel.WatchOptions{Checkpoint: store})
		if err != nil {
			log.Fatal(err)
		}
		jobs = append(jobs, w.Job(func(ctx context.Context, inc sentinel.Incident) error {
			log.Printf("%s: incident %d %s", ws.Name, inc.Number, inc.Title)
			return nil
		}))
	}
	if err := coord.Run(ctx, jobs...); err != nil {
		log.Print(err)
	}
}
