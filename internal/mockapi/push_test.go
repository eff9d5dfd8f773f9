package mockapi

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type delivery struct {
	method, auth, contentType, body string
}

// receiver is a webhook endpoint that records deliveries and answers
// statuses from a script (200 once the script runs out).
type receiver struct {
	*httptest.Server
	got      chan delivery
	mu       sync.Mutex
	script   []int
	inFlight atomic.Int32
	maxIn    atomic.Int32
	release  chan struct{} // when non-nil, each answer waits for a value
}

func newReceiver(t *testing.T, script ...int) *receiver {
	rc := &receiver{got: make(chan delivery, 100), script: script}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := rc.inFlight.Add(1)
		defer rc.inFlight.Add(-1)
		for {
			m := rc.maxIn.Load()
			if n <= m || rc.maxIn.CompareAndSwap(m, n) {
				break
			}
		}
		b, _ := io.ReadAll(r.Body)
		rc.got <- delivery{r.Method, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)}
		if rc.release != nil {
			<-rc.release
		}
		status := 200
		rc.mu.Lock()
		if len(rc.script) > 0 {
			status, rc.script = rc.script[0], rc.script[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) next(t *testing.T) delivery {
	t.Helper()
	select {
	case d := <-rc.got:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("no webhook delivery")
		return delivery{}
	}
}

// TestPushDeliversFIFOWithBearer covers D14: POST of the body with
// Authorization: Bearer, removal on 200, strict FIFO.
func TestPushDeliversFIFOWithBearer(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	m := newMock(t, Options{WebhookRetry: time.Millisecond})
	var bodies []string
	for i := range 3 {
		b := notif("incomingMessageReceived", i)
		bodies = append(bodies, b)
		m.enqueue(b)
	}
	if r := m.do("POST", api("setSettings"), `{"webhookUrl":"`+rc.URL+`/hook","webhookUrlToken":"hook-token"}`); r.status != 200 {
		t.Fatalf("setSettings = %d %s", r.status, r.body)
	}
	for i := range 3 {
		d := rc.next(t)
		want := delivery{"POST", "Bearer hook-token", "application/json", bodies[i]}
		if d != want {
			t.Fatalf("delivery %d = %+v, want %+v", i, d, want)
		}
	}
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
	// New items are pushed as they arrive.
	b := notif("outgoingMessageStatus", 9)
	m.enqueue(b)
	if d := rc.next(t); d.body != b {
		t.Fatalf("late delivery = %+v", d)
	}
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
}

func TestPushRetriesSameItemAndBlocksQueue(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 500, 404, 200, 200)
	m := newMock(t, Options{WebhookRetry: time.Millisecond})
	first := notif("incomingMessageReceived", 1)
	second := notif("incomingMessageReceived", 2)
	m.enqueue(first)
	m.enqueue(second)
	m.setWebhookURL(rc.URL)
	for i, want := range []string{first, first, first, second} {
		d := rc.next(t)
		if d.body != want {
			t.Fatalf("delivery %d = %s, want %s", i, d.body, want)
		}
		if d.auth != "" {
			t.Fatalf("Authorization sent without a token: %q", d.auth)
		}
	}
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
}

func TestPushRetriesAfterTimeout(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.release = make(chan struct{})
	m := newMock(t, Options{WebhookRetry: time.Millisecond, DeliveryTimeout: 20 * time.Millisecond})
	b := notif("incomingMessageReceived", 1)
	m.enqueue(b)
	m.setWebhookURL(rc.URL)
	rc.next(t)        // first attempt hangs past the delivery timeout...
	d := rc.next(t)   // ...so the same item is sent again
	close(rc.release) // let every attempt answer 200
	if d.body != b {
		t.Fatalf("retry = %s", d.body)
	}
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
}

func TestPushOneWorkerPerAccount(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.release = make(chan struct{})
	m := newMock(t, Options{WebhookRetry: time.Millisecond})
	m.setWebhookURL(rc.URL)
	for i := range 5 {
		m.enqueue(notif("incomingMessageReceived", i))
	}
	rc.next(t)
	// Everything that could start a worker, while the first delivery hangs.
	for range 5 {
		m.do("GET", api("getSettings"), "")
		m.info(testID)
		m.setWebhookURL(rc.URL)
	}
	for range 5 {
		rc.release <- struct{}{}
		if n := rc.maxIn.Load(); n != 1 {
			t.Fatalf("%d deliveries in flight at once", n)
		}
		if len(rc.got) > 0 {
			rc.next(t)
		}
	}
	close(rc.release)
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
	if n := rc.maxIn.Load(); n != 1 {
		t.Fatalf("%d deliveries in flight at once", n)
	}
}

// TestPushOffKeepsQueueForPolling: an item whose delivery failed stays queued;
// the HTTP API cannot read it in push mode (D14), and can once push mode is off.
func TestPushOffKeepsQueueForPolling(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 500)
	m := newMock(t, Options{WebhookRetry: time.Hour})
	m.setWebhookURL(rc.URL)
	id := m.enqueue(notif("incomingMessageReceived", 1))
	rc.next(t) // failed; the next attempt is an hour away
	if r := m.do("GET", api("receiveNotification"), ""); r.status != 400 || r.body != queueClosedMessage {
		t.Fatalf("receive in push mode = %d %s, want the closed-queue 400", r.status, r.body)
	}
	m.setWebhookURL("")
	if rc := decodeReceipt(t, m.do("GET", api("receiveNotification"), "").body); rc.ReceiptID != id {
		t.Fatalf("polled head = %d", rc.ReceiptID)
	}
}

func TestPushWaitsForApplyDelay(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, ApplyDelay: time.Minute, WebhookRetry: time.Millisecond})
	m.enqueue(notif("incomingMessageReceived", 1))
	m.do("POST", api("setSettings"), `{"webhookUrl":"`+rc.URL+`"}`)
	select {
	case d := <-rc.got:
		t.Fatalf("pushed before the write applied: %+v", d)
	default:
	}
	clock.Advance(time.Minute)
	m.settings() // any access applies the due write and starts pushing
	rc.next(t)
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
}

// TestCloseStopsPushWorkers: Close returns although a worker is mid-retry.
func TestCloseStopsPushWorkers(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t, 500, 500, 500)
	m := newMock(t, Options{WebhookRetry: time.Hour})
	m.setWebhookURL(rc.URL)
	m.enqueue(notif("incomingMessageReceived", 1))
	rc.next(t)
	m.srv.Close()
	a := m.srv.account(testID)
	a.mu.Lock()
	pushing := a.pushing
	a.mu.Unlock()
	if pushing {
		t.Fatal("push worker still marked running after Close")
	}
	m.enqueue(notif("incomingMessageReceived", 2))
	select {
	case d := <-rc.got:
		t.Fatalf("delivery after Close: %+v", d)
	default:
	}
}

// TestSecretsNeverLogged: neither the API token nor the webhook token
// appears in the debug log, the request log or error bodies.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	rc := newReceiver(t, 500, 401)
	m := newMock(t, Options{Logger: logger, WebhookRetry: time.Millisecond})
	const hookToken = "webhook-secret-token-77"
	m.do("GET", api("getSettings"), "")
	m.do("GET", "/waInstance1101000001/getSettings/"+testToken+"X", "")
	m.do("GET", "/waInstance1101999999/getSettings/"+testToken, "")
	m.do("GET", "/waInstanceX/getSettings/"+testToken, "")
	m.do("GET", "/nowhere/"+testToken, "")
	bad := m.do("POST", api("setSettings"), `{"webhookUrlToken":"`+hookToken+strings.Repeat("x", 1024)+`"}`)
	m.do("POST", api("setSettings"), `{"webhookUrl":"`+rc.URL+`","webhookUrlToken":"`+hookToken+`"}`)
	m.enqueue(notif("incomingMessageReceived", 1))
	for range 3 {
		if d := rc.next(t); d.auth != "Bearer "+hookToken {
			t.Fatalf("auth = %q", d.auth)
		}
	}
	waitFor(t, m.srv, "the queue to empty", func() bool { return m.info(testID).QueueLength == 0 })
	// An unreachable receiver fails without leaking either.
	m.setWebhookURL("http://127.0.0.1:1/" + hookToken)
	m.enqueue(notif("incomingMessageReceived", 2))
	waitFor(t, m.srv, "a failed delivery to be logged", func() bool { return strings.Count(buf.String(), "webhook delivery") >= 4 })
	m.srv.Close()
	recs := m.do("GET", "/mock/v1/instances/1101000001/requests", "")

	logText := buf.String()
	if !strings.Contains(logText, "/waInstance1101000001/getSettings/***") {
		t.Fatalf("log lacks the redacted request line:\n%s", logText)
	}
	for name, text := range map[string]string{"debug log": logText, "request log": recs.body, "error body": bad.body} {
		for _, secret := range []string{testToken, hookToken} {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains a secret:\n%s", name, text)
			}
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
