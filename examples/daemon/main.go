// Command daemon is the incidents daemon: it polls a workspace for new (and with -changed,
// modified) incidents and prints each as one JSON line, keeping a checkpoint file so that a
// restart continues where it stopped.
//
// With no configuration it runs on an embedded emulator where a goroutine keeps creating and
// updating incidents, and restarts itself half-way to show that nothing is lost or repeated:
//
//	go run ./examples/daemon
//
// With AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE set it polls
// real Microsoft Sentinel until interrupted (Ctrl-C).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"time"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/examples/internal/exampleenv"
	"github.com/sentinel-go/sentinel/sentineltest"
)

func main() {
	changed := flag.Bool("changed", false, "deliver modified incidents again (new-and-changed mode)")
	checkpoint := flag.String("checkpoint", "", "checkpoint file (default: sentinel-daemon.checkpoint, or a temporary file on the emulator)")
	interval := flag.Duration("interval", 30*time.Second, "poll interval against Azure")
	duration := flag.Duration("duration", 6*time.Second, "how long to run on the emulator")
	flag.Parse()
	if err := run(*changed, *checkpoint, *interval, *duration); err != nil {
		fmt.Fprintln(os.Stderr, "daemon:", err)
		os.Exit(1)
	}
}

// line is what the daemon prints per incident.
type line struct {
	Number   int64     `json:"number"`
	ID       string    `json:"id"`
	Severity string    `json:"severity"`
	Status   string    `json:"status"`
	Owner    string    `json:"owner,omitempty"`
	Title    string    `json:"title"`
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
}

func run(changed bool, checkpoint string, interval, duration time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := exampleenv.New(nil)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Fprintln(os.Stderr, "Watching", env.Where)

	if checkpoint == "" {
		checkpoint = "sentinel-daemon.checkpoint"
		if env.Emulator != nil {
			dir, err := os.MkdirTemp("", "sentinel-daemon")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			checkpoint = filepath.Join(dir, "checkpoint")
		}
	}
	opts := &sentinel.WatchOptions{Checkpoint: sentinel.NewFileCheckpoint(checkpoint), Interval: interval}
	if changed {
		opts.Mode = sentinel.WatchNewAndChanged
	}

	out := json.NewEncoder(os.Stdout)
	seen := map[string]int{}
	var mu sync.Mutex
	handler := func(_ context.Context, inc sentinel.Incident) error {
		mu.Lock()
		defer mu.Unlock()
		seen[inc.Name+inc.LastModifiedTime.String()]++
		return out.Encode(line{Number: inc.Number, ID: inc.Name, Severity: string(inc.Severity), Status: string(inc.Status),
			Owner: inc.Owner.UserPrincipalName, Title: inc.Title, Created: inc.CreatedTime, Modified: inc.LastModifiedTime})
	}

	if env.Emulator == nil {
		w, err := env.Client.NewIncidentWatcher(opts)
		if err != nil {
			return err
		}
		if err := w.Run(ctx, handler); !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}

	// On the emulator: a simulated SOC keeps creating and updating incidents, and the daemon
	// is restarted half-way from its checkpoint file.
	env.Emulator.SeedIncidents(40)
	opts.Since = 72 * time.Hour
	opts.Interval = 250 * time.Millisecond
	opts.Overlap = time.Minute
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	go simulate(ctx, env.Emulator)

	for i := range 2 {
		runCtx, runCancel := ctx, context.CancelFunc(func() {})
		if i == 0 { // the first watcher stops half-way, as if the process were restarted
			runCtx, runCancel = context.WithTimeout(ctx, duration/2)
		}
		w, err := env.Client.NewIncidentWatcher(opts)
		if err != nil {
			runCancel()
			return err
		}
		err = w.Run(runCtx, handler)
		runCancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			return err
		}
		st := w.Stats()
		fmt.Fprintf(os.Stderr, "watcher %d stopped: %d delivered in %d polls (%d requests)\n", i+1, st.Delivered, st.Polls, st.Requests)
		if i == 0 {
			fmt.Fprintln(os.Stderr, "restarting from", checkpoint)
		}
	}
	dups := 0
	for _, n := range seen {
		dups += n - 1
	}
	fmt.Fprintf(os.Stderr, "%d deliveries, %d duplicates\n", len(seen), dups)
	return nil
}

// simulate creates an incident every 100 ms and sometimes updates one, until ctx is done.
func simulate(ctx context.Context, srv *sentineltest.Server) {
	rng := rand.New(rand.NewPCG(1, 2))
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	var names []string
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		sev := []string{"High", "Medium", "Low"}[rng.IntN(3)]
		names = append(names, srv.CreateIncident(map[string]any{
			"title": fmt.Sprintf("Live detection %d", i+1), "severity": sev, "status": "New",
		}))
		if rng.IntN(3) == 0 {
			srv.ModifyIncident(names[rng.IntN(len(names))], func(p map[string]any) { p["status"] = "Active" })
		}
	}
}
