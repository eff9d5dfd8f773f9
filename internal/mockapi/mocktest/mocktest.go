// Package mocktest starts the mock GreenWaba API (internal/mockapi) for
// tests. It is a package of its own so that mockapi, which the greenwaba-mock
// binary links, does not import testing.
package mocktest

import (
	"testing"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// Start serves a new mockapi.Server on loopback, as mockapi.Start does, and
// returns it with its base URL. It fails t on error and stops the server in
// t.Cleanup.
func Start(t testing.TB, opts mockapi.Options) (*mockapi.Server, string) {
	t.Helper()
	srv, baseURL, stop, err := mockapi.Start(opts)
	if err != nil {
		t.Fatalf("start mock GreenWaba API: %v", err)
	}
	t.Cleanup(stop)
	return srv, baseURL
}
