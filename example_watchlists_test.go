package sentinel_test

import (
	"context"
	"fmt"
	"log"

	"github.com/sentinel-go/sentinel"
)

// A watchlist from CSV text, read back and updated with the etag it was read with.
func ExampleClient_CreateOrUpdateWatchlist() {
	client, srv := exampleClient()
	defer srv.Close()
	ctx := context.Background()

	csv := "UserPrincipalName,Department\nalice@contoso.com,Finance\nbob@contoso.com,Sales\n"
	_, err := client.CreateOrUpdateWatchlist(ctx, "vip", sentinel.Watchlist{WatchlistProperties: sentinel.WatchlistProperties{
		DisplayName:    "VIP users",
		Provider:       "SOC",
		Source:         "soc-automation", // any source: the set is open
		ItemsSearchKey: "UserPrincipalName",
		RawContent:     csv,
	}}, nil)
	if err != nil {
		log.Fatal(err)
	}

	w, err := client.GetWatchlist(ctx, "vip", nil)
	if err != nil {
		log.Fatal(err)
	}
	w.Description = "Executives and their assistants"
	w, err = client.CreateOrUpdateWatchlist(ctx, "vip", w, nil) // w.Etag travels with it
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.DisplayName, "/", w.Source, "/", w.Description)

	for item, err := range client.ListWatchlistItems("vip", nil).All(ctx) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(item.Columns["UserPrincipalName"], item.Columns["Department"])
	}
	// Output:
	// VIP users / soc-automation / Executives and their assistants
	// alice@contoso.com Finance
	// bob@contoso.com Sales
}
