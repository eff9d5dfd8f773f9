package greenwaba

import (
	"context"
	"net/http"
	"testing"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// TestClient_aFirstCalls429IsRetriedWithoutUsingUpRetries: the process's first call of a method for an account
// may meet the previous process's pace; its 429 is retried after Retry-After even with no retries allowed. A
// later 429 in the same process is a fault like any other.
func TestClient_aFirstCalls429IsRetriedWithoutUsingUpRetries(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.Pacer = NewPacer(); cfg.Retry.MaxRetries = -1 })
	ctx := context.Background()
	for _, method := range []string{"getSettings", "setSettings"} {
		addFault(t, srv, mockapi.Fault{Method: method, Status: http.StatusTooManyRequests, RetryAfter: 1})
	}
	if _, err := c.GetSettings(ctx); err != nil {
		t.Fatalf("first getSettings: %v", err)
	}
	if err := c.SetSettings(ctx, SettingsUpdate{IncomingWebhook: ptr(true)}); err != nil {
		t.Fatalf("first setSettings: %v", err)
	}
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: http.StatusTooManyRequests, RetryAfter: 1})
	if _, err := c.GetSettings(ctx); !hasStatus(err, http.StatusTooManyRequests) {
		t.Fatalf("second getSettings = %v, want its 429 with no retries allowed", err)
	}
	want := map[string]int{"getSettings": 3, "setSettings": 2}
	for method, n := range want {
		if got := countMethod(requests(t, srv), method); got != n {
			t.Errorf("%s sent %d times, want %d", method, got, n)
		}
	}
}
