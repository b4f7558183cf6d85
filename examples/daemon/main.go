// Command daemon is the incidents daemon: it polls a workspace for new (and with -changed,
// modified) incidents and prints each as one JSON line, keeping a checkpoint so that a restart
// continues where it stopped, and, with Azure Blob Storage, runs as one of several replicas.
//
// With no configuration it runs on an embedded emulator where a goroutine keeps creating and
// updating incidents, and restarts itself half-way to show that nothing is lost or repeated;
// then, when Azurite (the Azure Storage emulator) is reachable, it runs three replicas over
// six emulated workspaces with their checkpoints in blob storage, stops one and adds another
// while printing who owns what:
//
//	go run ./examples/daemon
//	.ci/azurite install && eval "$(.ci/azurite start)" && go run ./examples/daemon
//
// Azurite is found through AZURE_STORAGE_CONNECTION_STRING, AZURITE_BLOB_ENDPOINT (as
// .ci/azurite start sets it) or Azurite's default port, 127.0.0.1:10000.
//
// With AZURE_SUBSCRIPTION_ID, SENTINEL_RESOURCE_GROUP and SENTINEL_WORKSPACE set it polls
// real Microsoft Sentinel until interrupted (Ctrl-C), with a checkpoint file, or with
// AZURE_STORAGE_CONNECTION_STRING as a replica whose checkpoint is in blob storage: start it
// on several machines and one delivers while the others stand by.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/blobcheckpoint"
	"github.com/sentinel-go/sentinel/examples/internal/exampleenv"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// config is the command line.
type config struct {
	changed    bool
	checkpoint string
	interval   time.Duration
	duration   time.Duration
	container  string
	replica    string
}

func main() {
	var cfg config
	flag.BoolVar(&cfg.changed, "changed", false, "deliver modified incidents again (new-and-changed mode)")
	flag.StringVar(&cfg.checkpoint, "checkpoint", "", "checkpoint file (default: sentinel-daemon.checkpoint, or a temporary file on the emulator)")
	flag.DurationVar(&cfg.interval, "interval", 30*time.Second, "poll interval against Azure")
	flag.DurationVar(&cfg.duration, "duration", 6*time.Second, "how long each part runs on the emulator")
	flag.StringVar(&cfg.container, "container", "sentinel-checkpoints", "blob container for checkpoints (with a storage account or Azurite)")
	flag.StringVar(&cfg.replica, "replica", "", "this replica's ID (default: host, process ID and random bits)")
	flag.Parse()
	if err := run(os.Stdout, os.Stderr, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "daemon:", err)
		os.Exit(1)
	}
}

// line is what the daemon prints per incident.
type line struct {
	Workspace string    `json:"workspace,omitempty"`
	Number    int64     `json:"number"`
	ID        string    `json:"id"`
	Severity  string    `json:"severity"`
	Status    string    `json:"status"`
	Owner     string    `json:"owner,omitempty"`
	Title     string    `json:"title"`
	Created   time.Time `json:"created"`
	Modified  time.Time `json:"modified"`
	// MergedInto is set for an incident Defender merged into another.
	MergedInto string `json:"mergedInto,omitempty"`
	Replica    string `json:"replica,omitempty"`
}

// printer writes incident lines and counts deliveries per incident state.
type printer struct {
	mu        sync.Mutex
	out       *json.Encoder
	seen      map[string]int
	byReplica map[string]int
}

func newPrinter(w io.Writer) *printer {
	return &printer{out: json.NewEncoder(w), seen: map[string]int{}, byReplica: map[string]int{}}
}

func (p *printer) handler(workspace, replica string) sentinel.Handler {
	return func(_ context.Context, inc sentinel.Incident) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.seen[workspace+"/"+inc.Name+"@"+inc.LastModifiedTime.String()]++
		p.byReplica[replica]++
		l := line{Workspace: workspace, Number: inc.Number, ID: inc.Name, Severity: string(inc.Severity), Status: string(inc.Status),
			Owner: inc.Owner.UserPrincipalName, Title: inc.Title, Created: inc.CreatedTime, Modified: inc.LastModifiedTime, Replica: replica}
		if r, ok := sentinel.RedirectionOf(inc); ok {
			l.MergedInto = "unknown"
			if r.Number > 0 {
				l.MergedInto = fmt.Sprint(r.Number)
			}
		}
		return p.out.Encode(l)
	}
}

// deliveredBy returns how many incidents replica delivered.
func (p *printer) deliveredBy(replica string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.byReplica[replica]
}

// counts returns the deliveries and how many of them were repeats.
func (p *printer) counts() (deliveries, duplicates int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range p.seen {
		deliveries += n
		duplicates += n - 1
	}
	return deliveries, duplicates
}

func run(stdout, stderr io.Writer, cfg config) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	env, err := exampleenv.New(nil)
	if err != nil {
		return err
	}
	defer env.Close()
	fmt.Fprintln(stderr, "Watching", env.Where)
	mode := sentinel.WatchNew
	if cfg.changed {
		mode = sentinel.WatchNewAndChanged
	}
	if env.Emulator == nil {
		return runAzure(ctx, stdout, stderr, env.Client, mode, cfg)
	}
	if err := runRestart(ctx, stdout, stderr, env, mode, cfg); err != nil {
		return err
	}
	conn, where := azurite(os.Getenv)
	if conn == "" {
		fmt.Fprintf(stderr, "\nAzurite is not reachable (%s), so the multi-replica part does not run.\n"+
			"Start it with `.ci/azurite install && eval \"$(.ci/azurite start)\"`, or set AZURE_STORAGE_CONNECTION_STRING.\n", where)
		return nil
	}
	fmt.Fprintf(stderr, "\nReplicas over Azure Blob Storage (%s):\n", where)
	return runReplicas(ctx, stdout, stderr, conn, mode, cfg)
}

// runAzure polls real Sentinel until interrupted: with the checkpoint in blob storage as one
// replica when AZURE_STORAGE_CONNECTION_STRING is set, otherwise with a checkpoint file.
func runAzure(ctx context.Context, stdout, stderr io.Writer, client *sentinel.Client, mode sentinel.WatchMode, cfg config) error {
	p := newPrinter(stdout)
	opts := &sentinel.WatchOptions{Mode: mode, Interval: cfg.interval, Owner: cfg.replica}
	conn := os.Getenv("AZURE_STORAGE_CONNECTION_STRING")
	if conn == "" {
		path := cfg.checkpoint
		if path == "" {
			path = "sentinel-daemon.checkpoint"
		}
		opts.Checkpoint = sentinel.NewFileCheckpoint(path)
		w, err := client.NewIncidentWatcher(opts)
		if err != nil {
			return err
		}
		if err := w.Run(ctx, p.handler("", "")); !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}
	cc, err := blobContainer(ctx, conn, cfg.container)
	if err != nil {
		return err
	}
	store, err := blobcheckpoint.NewStore(cc, nil)
	if err != nil {
		return err
	}
	opts.Checkpoint = store
	w, err := client.NewIncidentWatcher(opts)
	if err != nil {
		return err
	}
	coord, err := blobcheckpoint.NewCoordinator(store, &blobcheckpoint.CoordinatorOptions{Replica: cfg.replica})
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "replica %s, checkpoints in container %s\n", coord.Replica(), cfg.container)
	if err := coord.Run(ctx, w.Job(p.handler("", coord.Replica()))); !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// runRestart is the single-process daemon on the emulator, restarted half-way from its
// checkpoint file.
func runRestart(ctx context.Context, stdout, stderr io.Writer, env *exampleenv.Env, mode sentinel.WatchMode, cfg config) error {
	checkpoint := cfg.checkpoint
	if checkpoint == "" {
		dir, err := os.MkdirTemp("", "sentinel-daemon")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		checkpoint = filepath.Join(dir, "checkpoint")
	}
	opts := &sentinel.WatchOptions{Mode: mode, Checkpoint: sentinel.NewFileCheckpoint(checkpoint),
		Since: 72 * time.Hour, Interval: 250 * time.Millisecond, Overlap: time.Minute}
	env.Emulator.SeedIncidents(40)
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	go simulate(ctx, env.Emulator.Data())
	p := newPrinter(stdout)
	for i := range 2 {
		runCtx, runCancel := ctx, context.CancelFunc(func() {})
		if i == 0 { // the first watcher stops half-way, as if the process were restarted
			runCtx, runCancel = context.WithTimeout(ctx, cfg.duration/2)
		}
		w, err := env.Client.NewIncidentWatcher(opts)
		if err != nil {
			runCancel()
			return err
		}
		err = w.Run(runCtx, p.handler("", ""))
		runCancel()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			return err
		}
		st := w.Stats()
		fmt.Fprintf(stderr, "watcher %d stopped: %d delivered in %d polls (%d requests)\n", i+1, st.Delivered, st.Polls, st.Requests)
		if i == 0 {
			fmt.Fprintln(stderr, "restarting from", checkpoint)
		}
	}
	n, dups := p.counts()
	fmt.Fprintf(stderr, "%d deliveries, %d duplicates\n", n, dups)
	return nil
}

// runReplicas runs replicas over six emulated workspaces with their checkpoints on blob
// storage: three start, one stops after a third of the time (its workspaces move to the
// others at once), a fourth joins after two thirds (it takes its share), and the ownership
// is printed as it changes.
func runReplicas(ctx context.Context, stdout, stderr io.Writer, conn string, mode sentinel.WatchMode, cfg config) error {
	cc, err := blobContainer(ctx, conn, cfg.container)
	if err != nil {
		return err
	}
	srv := sentineltest.NewServer()
	defer srv.Close()
	var workspaces []sentineltest.WorkspaceInfo
	for i := range 6 {
		ws := srv.AddWorkspace(fmt.Sprintf("customer-%d", i+1))
		srv.DataFor(ws.Name).SeedIncidents(30)
		workspaces = append(workspaces, ws)
	}
	// The phases follow what the replicas did, not only the clock, so that a slow machine
	// shows the same story: replica-2 stops once it owns workspaces, replica-4 joins once
	// they have been taken over, and the run ends after cfg.duration once replica-4 has
	// delivered incidents of its share (or after a minute in any case).
	ctx, cancel := context.WithTimeout(ctx, cfg.duration+time.Minute)
	defer cancel()
	for _, ws := range workspaces {
		go simulate(ctx, srv.DataFor(ws.Name))
	}
	p := newPrinter(stdout)
	// A run of the example starts afresh: its checkpoints live under a prefix of their own.
	prefix := fmt.Sprintf("example-%d/", time.Now().UnixNano())

	type replica struct {
		coord   *blobcheckpoint.Coordinator
		stop    context.CancelFunc
		done    chan struct{} // closed when Run returned
		stopped bool
	}
	var mu sync.Mutex
	var replicas []*replica
	start := func(id string) error {
		s, err := blobcheckpoint.NewStore(cc, &blobcheckpoint.StoreOptions{Prefix: prefix})
		if err != nil {
			return err
		}
		coord, err := blobcheckpoint.NewCoordinator(s, &blobcheckpoint.CoordinatorOptions{Replica: id, Interval: 100 * time.Millisecond})
		if err != nil {
			return err
		}
		var jobs []sentinel.WatchJob
		for _, ws := range workspaces {
			client, err := sentinel.NewClient(sentinel.Workspace{SubscriptionID: ws.SubscriptionID, ResourceGroup: ws.ResourceGroup, Name: ws.Name, CustomerID: ws.CustomerID},
				srv.Credential(), &sentinel.ClientOptions{ClientOptions: azcore.ClientOptions{Cloud: srv.Cloud(), Transport: srv.HTTPClient()}})
			if err != nil {
				return err
			}
			w, err := client.NewIncidentWatcher(&sentinel.WatchOptions{Mode: mode, Checkpoint: s, Since: 72 * time.Hour,
				Interval: 200 * time.Millisecond, LeaseDuration: 3 * time.Second})
			if err != nil {
				return err
			}
			jobs = append(jobs, w.Job(p.handler(ws.Name, id)))
		}
		rctx, stop := context.WithCancel(ctx)
		r := &replica{coord: coord, stop: stop, done: make(chan struct{})}
		go func() {
			defer close(r.done)
			if err := coord.Run(rctx, jobs...); !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
				fmt.Fprintln(stderr, id, "stopped:", err)
			}
		}()
		mu.Lock()
		replicas = append(replicas, r)
		mu.Unlock()
		fmt.Fprintf(stderr, "%s started\n", id)
		return nil
	}
	for i := range 3 {
		if err := start(fmt.Sprintf("replica-%d", i+1)); err != nil {
			return err
		}
	}
	// owners returns how many workspaces the running replicas own, and how many of them
	// replica i owns.
	owners := func(i int) (total, mine int) {
		mu.Lock()
		defer mu.Unlock()
		for j, r := range replicas {
			if r.stopped {
				continue
			}
			n := len(r.coord.Owned())
			total += n
			if j == i {
				mine = n
			}
		}
		return total, mine
	}
	ownership := func() string {
		mu.Lock()
		defer mu.Unlock()
		var parts []string
		for _, r := range replicas {
			var owned []string
			for _, key := range r.coord.Owned() { // sentinel/<sub>/<rg>/<workspace>/<mode>
				parts := strings.Split(key, "/")
				owned = append(owned, parts[len(parts)-2])
			}
			sort.Strings(owned)
			if r.stopped {
				owned = []string{"(stopped)"}
			}
			parts = append(parts, fmt.Sprintf("%s: %s", r.coord.Replica(), strings.Join(owned, " ")))
		}
		return strings.Join(parts, " | ")
	}
	began := time.Now()
	stopped, joined := false, false
	last := ""
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
		elapsed := time.Since(began)
		if _, mine := owners(1); !stopped && elapsed > cfg.duration/3 && mine > 0 {
			stopped = true
			mu.Lock()
			r := replicas[1]
			mu.Unlock()
			r.stop()
			<-r.done
			mu.Lock()
			r.stopped = true
			mu.Unlock()
			fmt.Fprintf(stderr, "%s stopped: it saved and released its checkpoints\n", r.coord.Replica())
		}
		if total, _ := owners(-1); stopped && !joined && elapsed > 2*cfg.duration/3 && total == len(workspaces) {
			joined = true
			if err := start("replica-4"); err != nil {
				return err
			}
		}
		if own := ownership(); own != last {
			last = own
			fmt.Fprintf(stderr, "%5.1fs owners  %s\n", elapsed.Seconds(), own)
		}
		if joined && elapsed > cfg.duration && p.deliveredBy("replica-4") > 0 {
			break
		}
	}
	mu.Lock()
	all := slices.Clone(replicas)
	mu.Unlock()
	for _, r := range all {
		r.stop()
		<-r.done
	}
	n, dups := p.counts()
	fmt.Fprintf(stderr, "%d deliveries over %d workspaces by %d replicas, %d duplicates\n", n, len(workspaces), len(all), dups)
	return nil
}

// azurite returns the connection string of a reachable blob endpoint, or "" and where it
// looked.
func azurite(getenv func(string) string) (conn, where string) {
	if c := getenv("AZURE_STORAGE_CONNECTION_STRING"); c != "" {
		return c, "AZURE_STORAGE_CONNECTION_STRING"
	}
	ep := getenv("AZURITE_BLOB_ENDPOINT")
	if ep == "" {
		ep = "http://127.0.0.1:10000/devstoreaccount1"
	}
	u, err := url.Parse(ep)
	if err != nil {
		return "", ep
	}
	c, err := net.DialTimeout("tcp", u.Host, 500*time.Millisecond)
	if err != nil {
		return "", ep
	}
	c.Close()
	// Azurite's well-known development account; the key is public and works nowhere else.
	const devKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
	return "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + devKey + ";BlobEndpoint=" + ep + ";", ep
}

// blobContainer opens the container, creating it if needed.
func blobContainer(ctx context.Context, conn, name string) (*container.Client, error) {
	cc, err := container.NewClientFromConnectionString(conn, name, nil)
	if err != nil {
		return nil, err
	}
	s, err := blobcheckpoint.NewStore(cc, nil)
	if err != nil {
		return nil, err
	}
	return cc, s.CreateContainer(ctx)
}

// simulate creates an incident every 100 ms and sometimes updates one, until ctx is done.
func simulate(ctx context.Context, d *sentineltest.WorkspaceData) {
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
		names = append(names, d.CreateIncident(map[string]any{
			"title": fmt.Sprintf("Live detection %d", i+1), "severity": sev, "status": "New",
		}))
		if rng.IntN(3) == 0 {
			d.ModifyIncident(names[rng.IntN(len(names))], func(p map[string]any) { p["status"] = "Active" })
		}
	}
}
