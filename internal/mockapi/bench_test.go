package mockapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var benchBody = notif("incomingMessageReceived", 1)

// cycle does one receive + delete through c, the way a polling client does.
func cycle(b *testing.B, c *http.Client, receiveURL, deleteURL string) {
	_, rid, err := receiveHead(context.Background(), c, receiveURL)
	if err != nil {
		b.Fatal(err)
	}
	if err := deleteReceipt(context.Background(), c, deleteURL, rid); err != nil {
		b.Fatal(err)
	}
}

// receiveHead GETs receiveURL and returns when the answer was read and the
// receipt id it carries.
func receiveHead(ctx context.Context, c *http.Client, receiveURL string) (time.Time, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, receiveURL, nil)
	if err != nil {
		return time.Time{}, 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return time.Time{}, 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	at := time.Now()
	if err != nil {
		return time.Time{}, 0, err
	}
	var rc receipt
	if err := json.Unmarshal(data, &rc); err != nil || rc.ReceiptID == 0 {
		return time.Time{}, 0, fmt.Errorf("receive: %s %v", data, err)
	}
	return at, rc.ReceiptID, nil
}

// deleteReceipt deletes receipt id through deleteURL (ending in "/") and
// fails unless the mock confirms it.
func deleteReceipt(ctx context.Context, c *http.Client, deleteURL string, id int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, deleteURL+strconv.FormatInt(id, 10), nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if string(data) != `{"result":true,"reason":""}` {
		return fmt.Errorf("delete: %s", data)
	}
	return nil
}

// startBare serves a bare handler answering the same bytes as the mock.
func startBare(b *testing.B) string {
	receive := []byte(`{"receiptId":1,"body":` + benchBody + `}`)
	deleted := []byte(`{"result":true,"reason":""}`)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header()["Content-Type"] = jsonContentType
		// A failed write shows up as a failed cycle on the client side.
		if r.Method == http.MethodGet {
			_, _ = w.Write(receive)
		} else {
			_, _ = w.Write(deleted)
		}
	})}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	b.Cleanup(func() {
		hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			b.Errorf("bare server: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// BenchmarkReceiveDeleteCycle interleaves a receive+delete cycle against the
// mock with the same cycle against a bare net/http handler, on one
// keep-alive client, and reports both and their ratio (bare/mock; 1 = the
// mock costs nothing beyond net/http).
func BenchmarkReceiveDeleteCycle(b *testing.B) {
	srv, base := startTest(b, Options{})
	if err := srv.CreateInstance(testID, testToken); err != nil {
		b.Fatal(err)
	}
	bare := startBare(b)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Cleanup(c.CloseIdleConnections)
	mockRecv, mockDel := base+api("receiveNotification"), base+api("deleteNotification")+"/"
	bareRecv, bareDel := bare+api("receiveNotification"), bare+api("deleteNotification")+"/"
	body := json.RawMessage(benchBody)
	// Warm both connections.
	if _, err := srv.Enqueue(testID, body); err != nil {
		b.Fatal(err)
	}
	cycle(b, c, mockRecv, mockDel)
	cycle(b, c, bareRecv, bareDel)

	var mockDur, bareDur time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		cycle(b, c, bareRecv, bareDel)
		t1 := time.Now()
		if _, err := srv.Enqueue(testID, body); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		cycle(b, c, mockRecv, mockDel)
		t3 := time.Now()
		bareDur += t1.Sub(t0)
		mockDur += t3.Sub(t2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(mockDur.Nanoseconds())/n, "mock-ns/cycle")
	b.ReportMetric(float64(bareDur.Nanoseconds())/n, "bare-ns/cycle")
	b.ReportMetric(float64(bareDur)/float64(mockDur), "bare/mock-ratio")
}

// BenchmarkLongPollWakeup measures from Enqueue to the parked client having
// the answer, and reports the p50 and p99.
func BenchmarkLongPollWakeup(b *testing.B) {
	srv, base := startTest(b, Options{changed: newSignal()})
	if err := srv.CreateInstance(testID, testToken); err != nil {
		b.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	b.Cleanup(c.CloseIdleConnections)
	recvURL := base + api("receiveNotification") + "?receiveTimeout=60"
	delURL := base + api("deleteNotification") + "/"
	body := json.RawMessage(benchBody)
	// The poller reports through channels because b.Fatal must run on the
	// benchmark's goroutine; cancel aborts a poll left parked by a failure.
	type wake struct {
		at  time.Time
		err error
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan wake, 1)
	deleted := make(chan error, 1)
	start := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range start {
			at, rid, err := receiveHead(ctx, c, recvURL)
			got <- wake{at: at, err: err}
			if err == nil {
				deleted <- deleteReceipt(ctx, c, delURL, rid)
			}
		}
	}()
	defer func() {
		cancel()
		close(start)
		<-done
	}()
	lat := make([]time.Duration, 0, 1024)
	b.ResetTimer()
	for b.Loop() {
		start <- struct{}{}
		// Wait until the poll is parked: then only the enqueue can wake it.
		for {
			changed := srv.changed.next()
			if srv.waiting() == 1 {
				break
			}
			select {
			case <-changed:
			case w := <-got:
				b.Fatalf("the poll ended before parking: %v", w.err)
			}
		}
		t0 := time.Now()
		if _, err := srv.Enqueue(testID, body); err != nil {
			b.Fatal(err)
		}
		w := <-got
		if w.err != nil {
			b.Fatal(w.err)
		}
		lat = append(lat, w.at.Sub(t0))
		if err := <-deleted; err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-wake-ns")
	b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)].Nanoseconds()), "p99-wake-ns")
}

func (s *Server) queueLen(id int64) int {
	a := s.account(id)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.queueLen()
}

// BenchmarkQueuedNotificationHeap reports the live heap a queued 1 KiB
// notification costs beyond its 1,024 body bytes.
func BenchmarkQueuedNotificationHeap(b *testing.B) {
	const perRound = 4096
	prefix := `{"typeWebhook":"incomingMessageReceived","pad":"`
	body := json.RawMessage(prefix + strings.Repeat("x", 1024-len(prefix)-2) + `"}`)
	if len(body) != 1024 {
		b.Fatalf("body is %d bytes", len(body))
	}
	var overhead float64
	for b.Loop() {
		s := New(Options{})
		if err := s.CreateInstance(testID, testToken); err != nil {
			b.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range perRound {
			if _, err := s.Enqueue(testID, body); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if s.queueLen(testID) != perRound {
			b.Fatal("items missing")
		}
		overhead += float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/perRound - float64(len(body))
		runtime.KeepAlive(s)
		s.Close()
	}
	b.ReportMetric(overhead/float64(b.N), "B/notification-overhead")
}
