package mockapi

import (
	"strconv"
	"testing"
	"time"
)

// deadHook is a webhookUrl nobody answers (TCP port 1 on loopback refuses),
// so every push fails and, with an hour's retry interval, the item stays
// queued while a test looks at the queue.
const deadHook = "http://127.0.0.1:1/hook"

// queueMethod is one of the two methods D14 closes in push mode.
type queueMethod struct {
	name string
	// call sends the method for receipt id rid (receive ignores it).
	call func(m *mock, rid int64) response
	// open checks the answer of an open queue whose head is rid.
	open func(t *testing.T, r response, rid int64)
}

var queueMethods = []queueMethod{
	{
		name: "receiveNotification",
		call: func(m *mock, _ int64) response { return m.do("GET", api("receiveNotification"), "") },
		open: func(t *testing.T, r response, rid int64) {
			t.Helper()
			if r.status != 200 {
				t.Fatalf("receiveNotification = %d %s, want 200", r.status, r.body)
			}
			if got := decodeReceipt(t, r.body); got == nil || got.ReceiptID != rid {
				t.Fatalf("receiveNotification = %s, want receipt %d", r.body, rid)
			}
		},
	},
	{
		name: "deleteNotification",
		call: func(m *mock, rid int64) response {
			return m.do("DELETE", api("deleteNotification", strconv.FormatInt(rid, 10)), "")
		},
		open: func(t *testing.T, r response, _ int64) {
			t.Helper()
			if r.status != 200 || r.body != `{"result":true,"reason":""}` {
				t.Fatalf("deleteNotification = %d %s, want 200 with result true", r.status, r.body)
			}
		},
	},
}

// wantClosed checks that the call was refused as D14 says, and that the
// queue kept its items.
func wantClosed(t *testing.T, m *mock, qm queueMethod, rid int64, queued int) {
	t.Helper()
	r := qm.call(m, rid)
	if r.status != 400 || r.body != queueClosedMessage {
		t.Fatalf("%s in push mode = %d %q, want 400 %q", qm.name, r.status, r.body, queueClosedMessage)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Fatalf("%s in push mode: Content-Type %q, want plain text (D5)", qm.name, ct)
	}
	if n := m.info(testID).QueueLength; n != queued {
		t.Fatalf("queueLength after a refused %s = %d, want %d (the queue is kept)", qm.name, n, queued)
	}
}

// TestQueueClosedInPushMode covers D14 revised: while the visible webhookUrl
// is set, both queue methods answer 400 with GreenWaba's text, the request log
// shows them, the queue keeps its items and the control API works; clearing
// the URL opens the queue again, head first.
func TestQueueClosedInPushMode(t *testing.T) {
	t.Parallel()
	if queueClosedMessage != "Message cannot be received because custom webhook url is set. Please clear webhook url and wait for about 1 minute" {
		t.Fatalf("queueClosedMessage = %q: D14 quotes GreenWaba's text exactly", queueClosedMessage)
	}
	for _, qm := range queueMethods {
		t.Run(qm.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, Options{WebhookRetry: time.Hour})
			rid := m.enqueue(notif("incomingMessageReceived", 1))
			m.setWebhookURL(deadHook) // a Console edit: visible at once
			wantClosed(t, m, qm, rid, 1)

			// The control API keeps working in push mode.
			if r := m.do("POST", "/mock/v1/instances/1101000001/notifications", notif("incomingMessageReceived", 2)); r.status != 201 {
				t.Fatalf("control enqueue in push mode = %d %s", r.status, r.body)
			}
			if r := m.do("GET", "/mock/v1/instances/1101000001", ""); r.status != 200 {
				t.Fatalf("control instance in push mode = %d %s", r.status, r.body)
			}
			wantClosed(t, m, qm, rid, 2)

			recs, err := m.srv.Requests(testID)
			if err != nil {
				t.Fatal(err)
			}
			refused := 0
			for _, rec := range recs {
				if rec.Method == qm.name {
					if rec.Status != 400 {
						t.Fatalf("request log: %s answered %d, want 400", qm.name, rec.Status)
					}
					refused++
				}
			}
			if refused != 2 {
				t.Fatalf("request log holds %d %s calls, want 2: %+v", refused, qm.name, recs)
			}

			m.setWebhookURL("")
			qm.open(t, qm.call(m, rid), rid)
		})
	}
}

// TestQueueClosedFollowsVisibleSettings: with an apply delay (D7), a write
// that sets webhookUrl closes the queue only once it shows, and a write that
// clears it keeps the queue closed until then; without a delay both happen at
// once. Each transition for both methods.
func TestQueueClosedFollowsVisibleSettings(t *testing.T) {
	t.Parallel()
	for _, delay := range []time.Duration{0, time.Minute} {
		for _, qm := range queueMethods {
			t.Run(qm.name+"/apply delay "+delay.String(), func(t *testing.T) {
				t.Parallel()
				clock := newFakeClock()
				m := newMock(t, Options{Clock: clock, ApplyDelay: delay, WebhookRetry: time.Hour})
				write := func(url string) {
					t.Helper()
					if r := m.do("POST", api("setSettings"), `{"webhookUrl":"`+url+`"}`); r.status != 200 {
						t.Fatalf("setSettings = %d %s", r.status, r.body)
					}
				}
				first := m.enqueue(notif("incomingMessageReceived", 1))
				second := m.enqueue(notif("incomingMessageReceived", 2))

				// "" → URL: open until the write shows, then closed.
				write(deadHook)
				if delay > 0 {
					if qm.name == "receiveNotification" { // reading keeps the head; deleting would use it up
						qm.open(t, qm.call(m, first), first)
					}
					clock.Advance(delay - time.Second)
					if m.info(testID).PendingSettings == nil {
						t.Fatal("the write applied before its delay")
					}
					if qm.name == "receiveNotification" {
						qm.open(t, qm.call(m, first), first)
					}
					clock.Advance(time.Second)
				}
				wantClosed(t, m, qm, first, 2)

				// URL → "": closed until the write shows, then open.
				write("")
				if delay > 0 {
					wantClosed(t, m, qm, first, 2)
					clock.Advance(delay - time.Second)
					wantClosed(t, m, qm, first, 2)
					clock.Advance(time.Second)
				}
				qm.open(t, qm.call(m, first), first)
				if qm.name == "deleteNotification" {
					qm.open(t, qm.call(m, second), second)
				}
			})
		}
	}
}

// TestQueueClosedPushGoesOn: the closed queue still delivers to the
// webhookUrl, head first, and refusing a call does not stop it.
func TestQueueClosedPushGoesOn(t *testing.T) {
	t.Parallel()
	rc := newReceiver(t)
	rc.release = make(chan struct{})
	m := newMock(t, Options{WebhookRetry: time.Millisecond})
	body := notif("incomingMessageReceived", 1)
	rid := m.enqueue(body)
	m.setWebhookURL(rc.URL)
	if d := rc.next(t); d.body != body { // the delivery is held open while the queue is read
		t.Fatalf("delivery = %+v", d)
	}
	for _, qm := range queueMethods {
		wantClosed(t, m, qm, rid, 1)
	}
	close(rc.release)
	waitFor(t, m.srv, "the pushed item to leave the queue", func() bool { return m.info(testID).QueueLength == 0 })
}

// TestQueueClosedOrder: the reboot's 400 (D18) and bad parameters are
// answered before the closed queue; a long poll parked in queue mode answers
// the closed-queue 400 when an item arrives after push mode was turned on.
func TestQueueClosedOrder(t *testing.T) {
	t.Parallel()
	t.Run("parameters first", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, Options{WebhookRetry: time.Hour})
		m.setWebhookURL(deadHook)
		if r := m.do("GET", api("receiveNotification")+"?receiveTimeout=4", ""); r.status != 400 || r.body != "bad request data: receiveTimeout must be an integer from 5 to 60" {
			t.Fatalf("bad receiveTimeout in push mode = %d %s", r.status, r.body)
		}
		if r := m.do("DELETE", api("deleteNotification", "x"), ""); r.status != 400 || r.body != "Parameter receiptId must be a Number" {
			t.Fatalf("bad receiptId in push mode = %d %s", r.status, r.body)
		}
	})
	t.Run("reboot first", func(t *testing.T) {
		t.Parallel()
		clock := newFakeClock()
		m := newMock(t, Options{Clock: clock, ApplyDelay: time.Minute, RebootErrors: true, WebhookRetry: time.Hour, LongPollCap: time.Millisecond})
		m.setWebhookURL(deadHook)
		m.do("POST", api("setSettings"), `{"webhookUrl":""}`)
		if r := m.do("GET", api("receiveNotification"), ""); r.status != 400 || r.body != rebootMessage {
			t.Fatalf("receive during the reboot = %d %s, want the reboot's 400", r.status, r.body)
		}
		clock.Advance(time.Minute)
		if r := m.do("GET", api("receiveNotification"), ""); r.status != 200 || r.body != "null" {
			t.Fatalf("receive after the reboot = %d %s, want 200 null", r.status, r.body)
		}
	})
	t.Run("parked long poll", func(t *testing.T) {
		t.Parallel()
		m := newMock(t, Options{WebhookRetry: time.Hour})
		got := make(chan response, 1)
		go func() { got <- m.do("GET", api("receiveNotification")+"?receiveTimeout=60", "") }()
		waitFor(t, m.srv, "the long poll to park", func() bool { return m.srv.waiting() == 1 })
		m.setWebhookURL(deadHook)
		m.enqueue(notif("incomingMessageReceived", 1))
		select {
		case r := <-got:
			if r.status != 400 || r.body != queueClosedMessage {
				t.Fatalf("parked long poll = %d %s, want the closed-queue 400", r.status, r.body)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the parked long poll did not answer")
		}
	})
}
