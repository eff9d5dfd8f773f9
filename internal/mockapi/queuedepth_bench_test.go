package mockapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"
)

// BenchmarkQueueDepth times one enqueue + receive + delete of the head (the steady state of a polling client),
// straight through the handler (no network, so a cost that grows with the queue shows), on three queues held at 1k,
// 10k and 100k items. The three take turns within each iteration (first place rotating), so a busy machine slows
// them alike. It reports each one's mean and the 100k/1k-ratio (1 = flat).
func BenchmarkQueueDepth(b *testing.B) {
	body := json.RawMessage(benchBody)
	depths := []int{1_000, 10_000, 100_000}
	servers := make([]*Server, len(depths))
	for i, depth := range depths {
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
		servers[i] = s
	}
	spent := make([]time.Duration, len(depths))
	b.ReportAllocs()
	for turn := 0; b.Loop(); turn++ {
		for j := range servers {
			i := (turn + j) % len(servers) // each queue goes first in turn
			t0 := time.Now()
			queueCycle(b, servers[i], body)
			spent[i] += time.Since(t0)
		}
	}
	for i, s := range servers {
		if n := s.queueLen(testID); n != depths[i] {
			b.Fatalf("queue holds %d items, want %d", n, depths[i])
		}
		b.ReportMetric(float64(spent[i].Nanoseconds())/float64(b.N), "ns/op-"+strconv.Itoa(depths[i]/1000)+"k")
	}
	b.ReportMetric(float64(spent[2])/float64(spent[0]), "100k/1k-ratio")
}

// queueCycle enqueues one notification, then receives and deletes the head, checking both answers.
func queueCycle(b *testing.B, s *Server, body json.RawMessage) {
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
