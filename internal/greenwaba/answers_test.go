package greenwaba

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestClient_oddAnswers covers answers the mock never gives but the real API
// might (DESIGN.md, D10 and D16): an empty body from receiveNotification, a
// saveSettings of false, a null state.
func TestClient_oddAnswers(t *testing.T) {
	answers := map[string]string{
		"receiveNotification": "",
		"setSettings":         `{"saveSettings":false}`,
		"getStateInstance":    `null`,
		"getSettings":         `null`,
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(r.URL.Path, "/")
		if len(parts) < 4 || parts[3] != testToken {
			http.Error(w, "Unauthorized", http.StatusUnauthorized)
			return
		}
		_, _ = w.Write([]byte(answers[parts[2]]))
	}))
	t.Cleanup(ts.Close)
	c, _ := newTestClient(t, ts.URL)
	ctx := context.Background()

	if n, err := c.ReceiveNotification(ctx, 0); n != nil || err != nil {
		t.Errorf("empty receive body: %v, %v; want nil, nil", n, err)
	}
	if err := c.SetSettings(ctx, SettingsUpdate{IncomingWebhook: ptr(true)}); err == nil || !strings.Contains(err.Error(), "did not save") {
		t.Errorf("saveSettings false: err = %v", err)
	}
	if s, err := c.GetStateInstance(ctx); err == nil || s != "" {
		t.Errorf("null state: %q, %v", s, err)
	}
	if s, err := c.GetSettings(ctx); err == nil || s != nil || !strings.Contains(err.Error(), "unexpected answer") {
		t.Errorf("null settings: %v, %v", s, err)
	}
}
