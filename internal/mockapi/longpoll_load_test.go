package mockapi

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sync"
	"testing"
	"time"
)

// longPollCap is how long each poll of the load test parks on an empty queue.
const longPollCap = 300 * time.Millisecond

// pollMany sends n concurrent receiveNotification long polls to an empty queue and returns, for each, its
// status, body and how long it took.
func pollMany(t testing.TB, baseURL string, n int) (statuses []int, bodies []string, took []time.Duration) {
	t.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: 0}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	statuses, bodies, took = make([]int, n), make([]string, n), make([]time.Duration, n)
	url := fmt.Sprintf("%s/waInstance%d/receiveNotification/%s?receiveTimeout=5", baseURL, testID, testToken)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			resp, err := client.Get(url)
			if err != nil {
				bodies[i] = err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			statuses[i], bodies[i], took[i] = resp.StatusCode, string(b), time.Since(start)
		})
	}
	wg.Wait()
	return statuses, bodies, took
}

// TestConcurrentLongPollsAllAnsweredAtTheirTimeout: 2,000 long polls parked at once on an empty queue are each
// answered 200 null, none before the poll's (capped) timeout.
func TestConcurrentLongPollsAllAnsweredAtTheirTimeout(t *testing.T) {
	srv, baseURL := startTest(t, Options{LongPollCap: longPollCap})
	if err := srv.CreateInstance(testID, testToken); err != nil {
		t.Fatal(err)
	}
	statuses, bodies, took := pollMany(t, baseURL, 2000)
	for i := range statuses {
		if statuses[i] != http.StatusOK || bodies[i] != "null" {
			t.Fatalf("poll %d: %d %q", i, statuses[i], bodies[i])
		}
		if took[i] < longPollCap {
			t.Fatalf("poll %d answered after %s, before its timeout %s", i, took[i], longPollCap)
		}
	}
	info, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	if info.QueueLength != 0 || info.SettingsWrites != 0 {
		t.Fatalf("the polls changed the account: %+v", info)
	}
}

// BenchmarkConcurrentLongPolls measures the mock's heap while b.N long polls are parked at once: heap-B/poll
// is the peak growth of the heap in use (client and server together, both in this process) per poll.
func BenchmarkConcurrentLongPolls(b *testing.B) {
	srv, baseURL := startTest(b, Options{LongPollCap: longPollCap})
	if err := srv.CreateInstance(testID, testToken); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	peak := base.HeapInuse
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapInuse)
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	b.ResetTimer()
	statuses, _, _ := pollMany(b, baseURL, b.N)
	b.StopTimer()
	close(stop)
	<-sampled
	for i, s := range statuses {
		if s != http.StatusOK {
			b.Fatalf("poll %d: status %d", i, s)
		}
	}
	b.ReportMetric(float64(peak-base.HeapInuse)/float64(b.N), "heap-B/poll")
}
