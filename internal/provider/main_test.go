package provider

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// paceCacheDir is where the provider processes of these tests, in-process or run by the CLI, keep their last-call
// records (processPacer): a folder of the test run's own, so that tests neither read nor leave records in the
// user's cache directory.
var paceCacheDir string

func TestMain(m *testing.M) {
	if err := isolatePaceRecords(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(paceCacheDir)
	os.Exit(code)
}

// isolatePaceRecords points os.UserCacheDir, which reads XDG_CACHE_HOME on Linux, at a new folder for this process
// and its children. Go's build cache defaults to a folder of the same cache directory, and the tests build the
// provider: GOCACHE is pinned to where it was first, or every run would build from scratch.
func isolatePaceRecords() error {
	if os.Getenv("GOCACHE") == "" {
		out, err := exec.Command("go", "env", "GOCACHE").Output()
		if err != nil {
			return fmt.Errorf("go env GOCACHE: %w", err)
		}
		if err := os.Setenv("GOCACHE", strings.TrimSpace(string(out))); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "greenwaba-provider-test-cache-")
	if err != nil {
		return err
	}
	paceCacheDir = dir
	return os.Setenv("XDG_CACHE_HOME", dir)
}
