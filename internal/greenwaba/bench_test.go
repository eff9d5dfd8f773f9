package greenwaba

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
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
// connection pool. "client" and "bare" run apart and drift with the
// machine's load; "interleaved" alternates the two in one loop, so both see
// the same load, and reports the client's overhead in percent of bare.
func BenchmarkGetSettings(b *testing.B) {
	srv, base := mocktest.Start(b, mockapi.Options{})
	if err := srv.CreateInstance(testID, testToken); err != nil {
		b.Fatal(err)
	}
	// Both sides share one transport and the same per-request Timeout: an
	// http.Client with a Timeout arms a deadline for every request, which the
	// client always does, so the bare side must pay for it too.
	hc := cleanhttp.DefaultPooledClient()
	hc.Timeout = DefaultRequestTimeout
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
		clientCall := func() {
			if _, err := c.GetSettings(ctx); err != nil {
				b.Fatal(err)
			}
		}
		bareCall := func() {
			if err := bareGetSettings(hc, url); err != nil {
				b.Fatal(err)
			}
		}
		timed := func(f func()) time.Duration {
			t0 := time.Now()
			f()
			return time.Since(t0)
		}
		// The order swaps every iteration: whichever call goes second finds
		// the connection the first one just released, and pays for any work
		// the first left behind (GC, the pool's bookkeeping).
		var client, bare []time.Duration
		for b.Loop() {
			if len(client)%2 == 0 {
				client = append(client, timed(clientCall))
				bare = append(bare, timed(bareCall))
			} else {
				bare = append(bare, timed(bareCall))
				client = append(client, timed(clientCall))
			}
		}
		// The mean overhead counts everything, GC included, but one stall
		// of the machine (other processes, a 2-CPU runner) during either
		// side moves it by several percent; the median overhead is what a
		// typical call costs and does not move with such stalls.
		meanC, meanB := mean(client), mean(bare)
		medC, medB := median(client), median(bare)
		b.ReportMetric(meanC, "client-ns/op")
		b.ReportMetric(meanB, "bare-ns/op")
		b.ReportMetric(100*(meanC-meanB)/meanB, "overhead-%")
		b.ReportMetric(100*(medC-medB)/medB, "p50-overhead-%")
	})
}

func mean(ds []time.Duration) float64 {
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return float64(sum) / float64(len(ds))
}

func median(ds []time.Duration) float64 {
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return float64(ds[len(ds)/2])
}
