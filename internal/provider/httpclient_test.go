package provider

import (
	"net/http"
	"testing"
)

// Terraform's -parallelism (10 by default, 50 in the fleet benchmark) operations call one API host at once: each
// must find an idle connection for its next call instead of dialling again.
func TestFleetHTTPClient_keepsAConnectionPerParallelOperation(t *testing.T) {
	tr, ok := fleetHTTPClient().Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T, want *http.Transport", fleetHTTPClient().Transport)
	}
	if tr.MaxIdleConnsPerHost < 50 || tr.MaxIdleConns < tr.MaxIdleConnsPerHost || tr.DisableKeepAlives {
		t.Errorf("idle connections per host %d (of %d in all, keep-alives off: %v), want at least 50",
			tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.DisableKeepAlives)
	}
}
