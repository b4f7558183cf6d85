package sentinel_test

// Hostile-server suite, part 5: one client under 64 goroutines (scenario 8) and a daemon
// killed at random points (scenario 9).

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/sentinel-go/sentinel"
	"github.com/sentinel-go/sentinel/sentineltest"
)

// TestHostileSixtyFourGoroutines shares one client between 64 goroutines that read, list and
// update, all of them also adding a label to one shared incident, while the service throttles
// and fails now and then. Every update lands: the shared incident ends with all 64 labels.
func TestHostileSixtyFourGoroutines(t *testing.T) {
	const workers = 64
	env := newEnv(t)
	own := env.srv.SeedIncidents(workers)
	shared := env.srv.CreateIncident(map[string]any{"title": "everyone edits this", "severity": "Low", "status": "New"})

	// Some weather: a 429 on every 13th request and a 503 on every 17th.
	var mu sync.Mutex
	seq := 0
	var last *http.Request
	nth := func(n int) func(*http.Request) bool {
		return func(r *http.Request) bool {
			mu.Lock()
			defer mu.Unlock()
			if r != last {
				last = r
				seq++
			}
			return seq%n == 0
		}
	}
	env.srv.Fail(
		sentineltest.Fault{Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 40, Match: nth(13)},
		sentineltest.Fault{Status: http.StatusServiceUnavailable, Times: 40, Match: nth(17)},
	)

	ctx := context.Background()
	// A writer can lose the race on the shared incident only to another writer's success, and
	// each writer succeeds once, so 64 attempts always suffice.
	labelOpts := &sentinel.AddIncidentLabelsOptions{MaxAttempts: workers}
	severityOpts := &sentinel.SetIncidentSeverityOptions{MaxAttempts: workers}
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				mine := own[i]
				for step := range 4 {
					switch (i + step) % 4 {
					case 0:
						inc, err := env.client.GetIncident(ctx, own[(i+7)%workers], nil)
						if err != nil {
							return err
						}
						if inc.Name != own[(i+7)%workers] {
							return fmt.Errorf("read %s, got %s", own[(i+7)%workers], inc.Name)
						}
					case 1:
						items, err := env.client.ListIncidents(&sentinel.ListIncidentsOptions{Top: 10}).Collect(ctx, 0)
						if err != nil {
							return err
						}
						if len(items) != workers+1 {
							return fmt.Errorf("listed %d incidents", len(items))
						}
					case 2:
						if _, err := env.client.AddIncidentLabels(ctx, mine, []string{fmt.Sprintf("own-%02d", i)}, labelOpts); err != nil {
							return err
						}
						if _, err := env.client.SetIncidentSeverity(ctx, mine, sentinel.SeverityInformational, severityOpts); err != nil {
							return err
						}
					case 3:
						if _, err := env.client.AddIncidentLabels(ctx, shared, []string{fmt.Sprintf("w%02d", i)}, labelOpts); err != nil {
							return err
						}
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}

	final, err := env.client.GetIncident(ctx, shared, nil)
	require.NoError(t, err)
	var got []string
	for _, l := range final.Labels {
		got = append(got, l.Name)
	}
	sort.Strings(got)
	var want []string
	for i := range workers {
		want = append(want, fmt.Sprintf("w%02d", i))
	}
	assert.Equal(t, want, got, "every concurrent change landed, none lost or doubled")
	for i, name := range own {
		inc, err := env.client.GetIncident(ctx, name, nil)
		require.NoError(t, err)
		assert.Equal(t, sentinel.SeverityInformational, inc.Severity)
		assert.True(t, slices.ContainsFunc(inc.Labels, func(l sentinel.IncidentLabel) bool { return l.Name == fmt.Sprintf("own-%02d", i) }))
	}
	t.Logf("%d requests, %d faults left", env.srv.RequestCount(), env.srv.PendingFaults())
}

// daemonChildEnv carries the child's configuration.
const daemonChildEnv = "SENTINEL_HOSTILE_DAEMON_CHILD"

type daemonConfig struct {
	Endpoint, Logs, Checkpoint, Owner string
	PageSize, SaveEvery               int
}

// daemonSaveEvery is K for the killed daemons: small, so that the bound is tight.
const daemonSaveEvery = 25

// TestHostileDaemonChild is the daemon that TestHostileDaemonKilledAtRandom starts and kills;
// it runs only in that child process. It prints "D <name>" for every delivery and
// "P <polls> <delivered> <error>" after every poll.
func TestHostileDaemonChild(t *testing.T) {
	raw := os.Getenv(daemonChildEnv)
	if raw == "" {
		t.Skip("the child process of TestHostileDaemonKilledAtRandom")
	}
	var cfg daemonConfig
	require.NoError(t, json.Unmarshal([]byte(raw), &cfg))
	ws := sentinel.Workspace{SubscriptionID: "00000000-1111-2222-3333-444444444444", ResourceGroup: "soc-rg", Name: "soc-workspace"}
	client, err := sentinel.NewClient(ws, staticCred{}, &sentinel.ClientOptions{
		DangerouslySkipTLSVerification: true, // the emulator's test certificate
		ClientOptions: azcore.ClientOptions{Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager:        {Endpoint: cfg.Endpoint, Audience: cfg.Endpoint},
			sentinel.LogAnalyticsService: {Endpoint: cfg.Logs, Audience: cfg.Logs},
		}}},
	})
	require.NoError(t, err)
	w, err := client.NewIncidentWatcher(&sentinel.WatchOptions{
		Since: 72 * time.Hour, PageSize: cfg.PageSize, Interval: 5 * time.Millisecond,
		Checkpoint: sentinel.NewFileCheckpoint(cfg.Checkpoint), Owner: cfg.Owner, SaveEvery: cfg.SaveEvery,
		OnPoll: func(s sentinel.WatchStats) {
			_, _ = fmt.Fprintf(os.Stdout, "P %d %d %v\n", s.Polls, s.Delivered, s.LastError)
		},
	})
	require.NoError(t, err)
	err = w.Run(context.Background(), func(_ context.Context, inc sentinel.Incident) error {
		_, err := os.Stdout.WriteString("D " + inc.Name + "\n") // one write: a kill never splits it
		return err
	})
	fmt.Println("E", err)
	os.Exit(3)
}

// daemonEvent is a line from a child daemon, or its end (line "").
type daemonEvent struct {
	slot int
	line string
}

// TestHostileDaemonKilledAtRandom runs two daemons (child processes) on one checkpoint file at
// once, as two replicas of a service would, and kills them (SIGKILL) at random points, after
// a random number of deliveries or a random time, restarting each, while new incidents keep
// arriving, over 5,000 incidents. One daemon delivers at a time (the file's lock), every
// incident is delivered, and each kill causes at most K (SaveEvery) re-deliveries.
func TestHostileDaemonKilledAtRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	srv := sentineltest.NewServer()
	t.Cleanup(srv.Close)
	want := map[string]bool{}
	for _, n := range srv.SeedIncidents(5000) {
		want[n] = true
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "daemon.checkpoint")
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 10))
	t.Logf("seed %d", seed)

	events := make(chan daemonEvent, 64)
	type child struct {
		kill   func()
		afterN int // kill after this many deliveries (-1: not by count)
		count  int
		stderr *bytes.Buffer
	}
	runs := 0
	start := func(slot int, afterN int, afterTime time.Duration) *child {
		runs++
		cfg, _ := json.Marshal(daemonConfig{Endpoint: srv.Endpoint(), Logs: srv.URL(), Checkpoint: path,
			Owner: fmt.Sprintf("daemon-%d-run-%d", slot, runs), PageSize: 50 + rng.IntN(400), SaveEvery: daemonSaveEvery})
		cmd := exec.Command(os.Args[0], "-test.run=^TestHostileDaemonChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), daemonChildEnv+"="+string(cfg))
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		c := &child{afterN: afterN, stderr: &bytes.Buffer{}}
		cmd.Stderr = c.stderr
		require.NoError(t, cmd.Start())
		var once sync.Once
		c.kill = func() { once.Do(func() { _ = cmd.Process.Kill() }) }
		t.Cleanup(c.kill)
		if afterTime > 0 {
			timer := time.AfterFunc(afterTime, c.kill)
			t.Cleanup(func() { timer.Stop() })
		}
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				events <- daemonEvent{slot, sc.Text()}
			}
			_ = cmd.Wait()
			events <- daemonEvent{slot, ""}
		}()
		return c
	}
	// Half the runs die after a random number of deliveries, half after a random time (which
	// may be before the first poll, or while the checkpoint is written).
	randomRun := func(slot int) *child {
		if rng.IntN(2) == 0 {
			return start(slot, 1+rng.IntN(900), 0)
		}
		return start(slot, -1, time.Duration(rng.IntN(400))*time.Millisecond)
	}

	counts := map[string]int{}
	kills, dups := 0, 0
	children := []*child{randomRun(0), randomRun(1)}
	finishing := false
	for alive := 2; alive > 0; {
		var ev daemonEvent
		select {
		case ev = <-events:
		case <-time.After(5 * time.Second):
			// Nothing for a while (everything delivered, the killers wait for deliveries that
			// no longer come): kill both, so that restarts and new incidents go on.
			for _, c := range children {
				c.kill()
			}
			continue
		}
		c := children[ev.slot]
		if ev.line == "" { // the child ended: killed, or stopped on its own
			kills++
			alive--
			require.Less(t, kills, 400, "no progress: %d of %d delivered", len(counts), len(want))
			if !finishing {
				if kills < 12 { // new incidents keep arriving between restarts, for a while
					for _, n := range srv.SeedIncidents(25) {
						want[n] = true
					}
				}
				children[ev.slot] = randomRun(ev.slot)
				alive++
			}
			continue
		}
		name, ok := strings.CutPrefix(ev.line, "D ")
		if !ok {
			assert.False(t, strings.HasPrefix(ev.line, "E "), "the daemon stopped on its own: %s\n%s", ev.line, c.stderr.String())
			continue
		}
		require.True(t, want[name], "delivered an unknown incident %q", name)
		if counts[name] > 0 {
			dups++
		}
		counts[name]++
		c.count++
		if c.count == c.afterN {
			c.kill()
		}
		if len(counts) == len(want) && !finishing {
			if kills >= 6 {
				finishing = true
				for _, other := range children {
					other.kill()
				}
			} else {
				c.kill() // caught up: kill the one delivering, to go on restarting
			}
		}
	}
	assert.LessOrEqual(t, dups, daemonSaveEvery*kills, "at most K re-deliveries per kill")

	// A last run after everything was delivered: its first poll re-delivers at most the K
	// incidents whose checkpoint the last kill interrupted, and cleans up.
	strays, _ := filepath.Glob(path + ".tmp-*")
	old := time.Now().Add(-2 * time.Minute)
	for _, s := range strays {
		require.NoError(t, os.Chtimes(s, old, old))
	}
	t.Logf("%d stray temporary files from kills during a save", len(strays))
	last := start(0, -1, 0)
	children[0] = last
	for ev := range events {
		if ev.line == "" {
			break
		}
		if name, ok := strings.CutPrefix(ev.line, "D "); ok {
			require.True(t, want[name])
			if counts[name] > 0 {
				dups++
			}
			counts[name]++
		} else if strings.HasPrefix(ev.line, "P ") {
			last.kill() // one complete poll
		}
	}
	kills++

	totalDups := 0
	for name := range want {
		require.GreaterOrEqual(t, counts[name], 1, "incident %s was never delivered", name)
		totalDups += counts[name] - 1
	}
	assert.LessOrEqual(t, totalDups, daemonSaveEvery*kills, "at most K duplicates per kill")
	store := sentinel.NewFileCheckpoint(path)
	rec, ok, err := store.Load(context.Background(), "sentinel/00000000-1111-2222-3333-444444444444/soc-rg/soc-workspace/new")
	require.NoError(t, err, "the checkpoint survived every kill")
	require.True(t, ok)
	var cp sentinel.Checkpoint
	require.NoError(t, json.Unmarshal(rec.Cursor, &cp))
	assert.Equal(t, int64(len(want)), cp.Number)
	strays, _ = filepath.Glob(path + ".tmp-*")
	assert.Empty(t, strays, "the restart removed the temporary files of interrupted saves")
	t.Logf("%d incidents, %d daemon runs ended by kills, %d duplicates (K=%d)", len(want), kills, totalDups, daemonSaveEvery)
}

// TestHostileCheckpointCleansUpAfterKilledSaves: a kill between creating a save's temporary
// file and renaming it leaves the file behind; the next Load removes it once it is stale, and
// leaves a fresh one (a save in progress) and unrelated files alone.
func TestHostileCheckpointCleansUpAfterKilledSaves(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "watch[1].checkpoint") // glob metacharacters in the name
	store := sentinel.NewFileCheckpoint(path)
	_, err := store.Save(context.Background(), sentinel.CheckpointRecord{Key: "s/r/w", Cursor: []byte(`{"number":7}`)})
	require.NoError(t, err)
	stale := path + ".tmp-123456"
	fresh := path + ".tmp-654321"
	other := filepath.Join(dir, "other.checkpoint.tmp-1")
	for _, f := range []string{stale, fresh, other} {
		require.NoError(t, os.WriteFile(f, []byte(`{"partial`), 0o600))
	}
	old := time.Now().Add(-2 * time.Minute)
	for _, f := range []string{stale, other} {
		require.NoError(t, os.Chtimes(f, old, old))
	}
	rec, ok, err := store.Load(context.Background(), "s/r/w")
	require.NoError(t, err)
	require.True(t, ok)
	assert.JSONEq(t, `{"number":7}`, string(rec.Cursor))
	assert.NoFileExists(t, stale)
	assert.FileExists(t, fresh)
	assert.FileExists(t, other)
}
