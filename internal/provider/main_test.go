package provider

import (
	"fmt"
	"os"
	"testing"
)

// paceCacheDir is where the provider processes of these tests, in-process or run by the CLI, keep their last-call
// records (processPacer): a folder of the test run's own, so that tests neither read nor leave records in the
// user's cache directory.
var paceCacheDir string

func TestMain(m *testing.M) {
	cache, err := os.MkdirTemp("", "greenwaba-provider-test-cache-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	paceCacheDir = cache
	// os.UserCacheDir reads XDG_CACHE_HOME on Linux; the CLI's provider processes inherit it.
	if err := os.Setenv("XDG_CACHE_HOME", cache); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(cache)
	os.Exit(code)
}
