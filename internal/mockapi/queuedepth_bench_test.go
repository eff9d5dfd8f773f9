package mockapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkQueueDepth runs one enqueue + receive + delete of the head, the steady state of a polling client, on
// queues held at 1k, 10k and 100k items, straight through the handler (no network, so any cost that grows with the
// queue shows). Flat means ns/op at 100k within a few percent of 1k (bench/fleet reports the ratio).
func BenchmarkQueueDepth(b *testing.B) {
	body := json.RawMessage(benchBody)
	for _, depth := range []int{1_000, 10_000, 100_000} {
		b.Run("items="+strconv.Itoa(depth), func(b *testing.B) {
			s := New(Options{})
			b.Cleanup(s.Close)
			if err := s.CreateInstance(testID, testToken); err != nil {
				b.Fatal(err)
			}
			for range depth {
				if _, err := s.Enqueue(testID, body); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Enqueue(testID, body); err != nil {
					b.Fatal(err)
				}
				w := httptest.NewRecorder()
				s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, api("receiveNotification")+"?receiveTimeout=5", nil))
				var rc receipt
				if err := json.Unmarshal(w.Body.Bytes(), &rc); err != nil || rc.ReceiptID == 0 {
					b.Fatalf("receive: %d %s", w.Code, w.Body)
				}
				w = httptest.NewRecorder()
				s.ServeHTTP(w, httptest.NewRequest(http.MethodDelete, api("deleteNotification", strconv.FormatInt(rc.ReceiptID, 10)), nil))
				if w.Body.String() != `{"result":true,"reason":""}` {
					b.Fatalf("delete: %d %s", w.Code, w.Body)
				}
			}
			if n := s.queueLen(testID); n != depth {
				b.Fatalf("queue holds %d items, want %d", n, depth)
			}
		})
	}
}
