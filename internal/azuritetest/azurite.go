// Package azuritetest gives tests a real Azure Blob Storage emulator, Azurite: the one named
// by AZURITE_BLOB_ENDPOINT (as .ci/run starts it), or one it starts itself from the copy
// that .ci/azurite installs in tools/azurite (npm package azurite), or from PATH. When
// Azurite is not installed the tests that need it are skipped with a loud message, unless
// SENTINEL_REQUIRE_AZURITE=1 (set by .ci/run), which makes them fail instead.
package azuritetest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The well-known development account of Azurite (and of the Azure Storage emulator before
// it); the key is public and grants nothing outside the emulator.
const (
	Account    = "devstoreaccount1"
	AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)

// Environment variables.
const (
	// EndpointEnv names a running Azurite blob endpoint, e.g.
	// http://127.0.0.1:10000/devstoreaccount1.
	EndpointEnv = "AZURITE_BLOB_ENDPOINT"
	// RequireEnv, set to 1, turns a missing Azurite into a test failure.
	RequireEnv = "SENTINEL_REQUIRE_AZURITE"
)

// ConnectionString returns the connection string of an endpoint such as
// http://127.0.0.1:10000/devstoreaccount1.
func ConnectionString(endpoint string) string {
	return "DefaultEndpointsProtocol=http;AccountName=" + Account + ";AccountKey=" + AccountKey + ";BlobEndpoint=" + strings.TrimSuffix(endpoint, "/") + ";"
}

var (
	mu       sync.Mutex
	started  *exec.Cmd
	endpoint string
	startErr error
)

// Endpoint returns a reachable Azurite blob endpoint, starting Azurite if it is installed
// but not running, or skips (or fails, see RequireEnv) the test.
func Endpoint(t testing.TB) string {
	t.Helper()
	ep, err := find()
	if err == nil {
		return ep
	}
	msg := "\n\n*** AZURITE NOT AVAILABLE: " + err.Error() + ".\n*** Install it with `.ci/azurite install` (npm install of azurite 3.37.0 into tools/azurite), or set " + EndpointEnv + ".\n*** .ci/run does both; tests against Azure Blob Storage were NOT run.\n"
	if os.Getenv(RequireEnv) == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func find() (string, error) {
	mu.Lock()
	defer mu.Unlock()
	if endpoint != "" || startErr != nil {
		return endpoint, startErr
	}
	if ep := os.Getenv(EndpointEnv); ep != "" {
		if err := probe(ep); err != nil {
			startErr = fmt.Errorf("%s=%s is not reachable: %v", EndpointEnv, ep, err)
			return "", startErr
		}
		endpoint = strings.TrimSuffix(ep, "/")
		return endpoint, nil
	}
	bin, err := Binary()
	if err != nil {
		startErr = err
		return "", err
	}
	endpoint, startErr = start(bin)
	return endpoint, startErr
}

// Binary returns the path of azurite-blob: tools/azurite's copy, or one on PATH.
func Binary() (string, error) {
	_, file, _, ok := runtime.Caller(0)
	if ok {
		local := filepath.Join(filepath.Dir(file), "..", "..", "tools", "azurite", "node_modules", ".bin", "azurite-blob")
		if _, err := os.Stat(local); err == nil {
			return local, nil
		}
	}
	if p, err := exec.LookPath("azurite-blob"); err == nil {
		return p, nil
	}
	return "", errors.New("azurite-blob is neither in tools/azurite/node_modules/.bin nor on PATH")
}

var listening = regexp.MustCompile(`listens on (http://[0-9.]+:[0-9]+)`)

// start runs azurite-blob in memory on a free port and waits until it listens.
func start(bin string) (string, error) {
	cmd := exec.Command(bin, "--inMemoryPersistence", "--blobHost", "127.0.0.1", "--blobPort", "0",
		"--skipApiVersionCheck", "--disableProductStyleUrl", "--extentMemoryLimit", "256")
	cmd.Stderr = os.Stderr
	detach(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", err
	}
	if err := cmd.Start(); err != nil {
		return "", fmt.Errorf("starting %s: %w", bin, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case base := <-found:
		ep := base + "/" + Account
		if err := waitReady(ep); err != nil {
			_ = cmd.Process.Kill()
			return "", err
		}
		started = cmd
		return ep, nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return "", errors.New("azurite-blob did not start listening within 60 s")
	}
}

func waitReady(ep string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := probe(ep)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// probe checks that something answers HTTP at the endpoint's host.
func probe(ep string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(ep, "/")+"?comp=list", nil)
	if err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(req.URL.Host); err != nil {
		return fmt.Errorf("endpoint %q has no port", ep)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// Stop stops the Azurite this package started, if any. Call it from TestMain after m.Run.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if started != nil {
		_ = started.Process.Kill()
		_ = started.Wait()
		started = nil
	}
}

// Main runs the tests and stops the Azurite they started: func TestMain(m *testing.M) {
// os.Exit(azuritetest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	Stop()
	return code
}
