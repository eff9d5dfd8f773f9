package greenwaba

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// bareSettings is what a hand-written client would decode GetSettings into.
type bareSettings struct {
	WebhookURL                string `json:"webhookUrl"`
	WebhookURLToken           string `json:"webhookUrlToken"`
	IncomingWebhook           string `json:"incomingWebhook"`
	OutgoingWebhook           string `json:"outgoingWebhook"`
	OutgoingAPIMessageWebhook string `json:"outgoingAPIMessageWebhook"`
	Wid                       string `json:"wid"`
}

// bareGetSettings is the same request made with a bare http.Client: same
// URL and headers, status check, body read and decoded, nothing else.
func bareGetSettings(hc *http.Client, url string) error {
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "bench")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	var s bareSettings
	return json.Unmarshal(body, &s)
}

// BenchmarkGetSettings compares GetSettings through the client with the
// same request made with a bare http.Client, against one mock and one
// connection pool. "interleaved" alternates the two in one loop, so both
// see the same machine state, and reports the client's overhead in percent.
func BenchmarkGetSettings(b *testing.B) {
	srv, base := mockapi.StartTest(b, mockapi.Options{})
	if err := srv.CreateInstance(testID, testToken); err != nil {
		b.Fatal(err)
	}
	hc := cleanhttp.DefaultPooledClient()
	c, err := New(Config{APIURL: base, IDInstance: testID, Token: testToken, HTTPClient: hc, UserAgent: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	url := fmt.Sprintf("%s/waInstance%d/getSettings/%s", base, testID, testToken)
	ctx := context.Background()

	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.GetSettings(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := bareGetSettings(hc, url); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("interleaved", func(b *testing.B) {
		var client, bare time.Duration
		for b.Loop() {
			t0 := time.Now()
			if _, err := c.GetSettings(ctx); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := bareGetSettings(hc, url); err != nil {
				b.Fatal(err)
			}
			client += t1.Sub(t0)
			bare += time.Since(t1)
		}
		n := float64(b.N)
		b.ReportMetric(float64(client.Nanoseconds())/n, "client-ns/op")
		b.ReportMetric(float64(bare.Nanoseconds())/n, "bare-ns/op")
		b.ReportMetric(100*(float64(client)-float64(bare))/float64(bare), "overhead-%")
	})
}
