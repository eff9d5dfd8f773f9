package mockapi

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"
	"time"
)

// TestReceiveDeleteHeadUntilDeleted covers D10, D11 and D12.
func TestReceiveDeleteHeadUntilDeleted(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{LongPollCap: time.Millisecond})
	bodies := []string{
		`{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,"wid":"1101000001@c.us","typeInstance":"whatsapp"},"timestamp":1700000200,"idMessage":"XYZ9"}`,
		`{"typeWebhook":"outgoingMessageStatus","chatId":"79990000000@c.us","idMessage":"ABC123","status":"delivered"}`,
		`{"typeWebhook":"outgoingAPIMessageReceived","idMessage":"ABC124"}`,
	}
	var ids []int64
	for _, b := range bodies {
		ids = append(ids, m.enqueue(b))
	}
	for i, id := range ids {
		if id <= 0 || (i > 0 && id <= ids[i-1]) {
			t.Fatalf("receipt ids not positive and strictly increasing: %v", ids)
		}
	}
	for i, id := range ids {
		for range 2 { // the head comes back, same receiptId, until deleted
			r := m.do("GET", api("receiveNotification"), "")
			got := decodeReceipt(t, r.body)
			if r.status != 200 || got == nil || got.ReceiptID != id || string(got.Body) != bodies[i] {
				t.Fatalf("receive = %d %s, want receipt %d with body %s", r.status, r.body, id, bodies[i])
			}
		}
		r := m.do("DELETE", api("deleteNotification", strconv.FormatInt(id, 10)), "")
		if r.status != 200 || r.body != `{"result":true,"reason":""}` {
			t.Fatalf("delete %d = %d %s", id, r.status, r.body)
		}
		r = m.do("DELETE", api("deleteNotification", strconv.FormatInt(id, 10)), "")
		if r.status != 200 || r.body != `{"result":false,"reason":"notification not found"}` {
			t.Fatalf("second delete %d = %d %s", id, r.status, r.body)
		}
	}
	r := m.do("GET", api("receiveNotification")+"?receiveTimeout=5", "")
	if r.status != 200 || r.body != "null" {
		t.Fatalf("empty queue = %d %q, want 200 null", r.status, r.body)
	}
	r = m.do("DELETE", api("deleteNotification", "999"), "")
	if r.body != `{"result":false,"reason":"notification not found"}` {
		t.Fatalf("unknown receipt = %s", r.body)
	}
	if next := m.enqueue(notif("incomingMessageReceived", 9)); next != ids[2]+1 {
		t.Fatalf("receipt id after deletes = %d, want %d (never reused)", next, ids[2]+1)
	}
}

func TestDeleteOutOfOrderKeepsFIFO(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	a := m.enqueue(notif("incomingMessageReceived", 1))
	b := m.enqueue(notif("incomingMessageReceived", 2))
	c := m.enqueue(notif("incomingMessageReceived", 3))
	if r := m.do("DELETE", api("deleteNotification", strconv.FormatInt(b, 10)), ""); r.body != `{"result":true,"reason":""}` {
		t.Fatalf("delete middle = %s", r.body)
	}
	for _, want := range []int64{a, c} {
		got := decodeReceipt(t, m.do("GET", api("receiveNotification"), "").body)
		if got.ReceiptID != want {
			t.Fatalf("head = %d, want %d", got.ReceiptID, want)
		}
		m.do("DELETE", api("deleteNotification", strconv.FormatInt(want, 10)), "")
	}
	if n := m.info(testID).QueueLength; n != 0 {
		t.Fatalf("queueLength = %d", n)
	}
}

// TestLongPollWakesOnEnqueue proves the waiting poll is woken by the enqueue
// itself: with the cap at 30 s, a poll that missed the wake-up would answer
// null, not the item.
func TestLongPollWakesOnEnqueue(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{LongPollCap: 30 * time.Second})
	got := make(chan response, 1)
	go func() { got <- m.do("GET", api("receiveNotification")+"?receiveTimeout=60", "") }()
	waitFor(t, m.srv, "the long poll to park", func() bool { return m.srv.waiting() == 1 })
	id := m.enqueue(notif("incomingMessageReceived", 1))
	r := <-got
	if rc := decodeReceipt(t, r.body); rc == nil || rc.ReceiptID != id {
		t.Fatalf("woken poll = %d %s", r.status, r.body)
	}
	if n := m.srv.waiting(); n != 0 {
		t.Fatalf("%d polls still parked", n)
	}
}

func TestLongPollTimesOutWithNull(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{LongPollCap: 20 * time.Millisecond})
	r := m.do("GET", api("receiveNotification")+"?receiveTimeout=60", "")
	if r.status != 200 || r.body != "null" || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("timeout answer = %d %q %v", r.status, r.body, r.header)
	}
}

func TestCloseReleasesLongPolls(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	got := make(chan response, 3)
	for range 3 {
		go func() { got <- m.do("GET", api("receiveNotification")+"?receiveTimeout=60", "") }()
	}
	waitFor(t, m.srv, "three parked polls", func() bool { return m.srv.waiting() == 3 })
	m.srv.Close()
	for range 3 {
		if r := <-got; r.status != 200 || r.body != "null" {
			t.Fatalf("released poll = %d %q", r.status, r.body)
		}
	}
	// After Close the server still answers, without waiting.
	if r := m.do("GET", api("receiveNotification"), ""); r.body != "null" {
		t.Fatalf("poll after Close = %q", r.body)
	}
	m.srv.Close() // idempotent
}

// TestRetention covers D13 on the injectable clock.
func TestRetention(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, LongPollCap: time.Millisecond})
	first := m.enqueue(notif("incomingMessageReceived", 1))
	clock.Advance(time.Hour)
	second := m.enqueue(notif("incomingMessageReceived", 2))
	// Delivered (received) but not deleted still expires.
	if rc := decodeReceipt(t, m.do("GET", api("receiveNotification"), "").body); rc.ReceiptID != first {
		t.Fatalf("head = %d", rc.ReceiptID)
	}
	clock.Advance(23*time.Hour - time.Nanosecond)
	if n := m.info(testID).QueueLength; n != 2 {
		t.Fatalf("queueLength just before 24 h = %d, want 2", n)
	}
	clock.Advance(time.Nanosecond)
	if n := m.info(testID).QueueLength; n != 1 {
		t.Fatalf("queueLength at 24 h = %d, want 1", n)
	}
	if rc := decodeReceipt(t, m.do("GET", api("receiveNotification"), "").body); rc.ReceiptID != second {
		t.Fatalf("head after expiry = %d, want %d", rc.ReceiptID, second)
	}
	if r := m.do("DELETE", api("deleteNotification", strconv.FormatInt(first, 10)), ""); r.body != `{"result":false,"reason":"notification not found"}` {
		t.Fatalf("delete expired = %s", r.body)
	}
	clock.Advance(time.Hour)
	if r := m.do("GET", api("receiveNotification"), ""); r.body != "null" {
		t.Fatalf("after all expired = %s", r.body)
	}
}

// TestClearWebhooksQueue covers D16's once-a-minute clear.
func TestClearWebhooksQueue(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock})
	m.enqueue(notif("incomingMessageReceived", 1))
	last := m.enqueue(notif("incomingMessageReceived", 2))
	steps := []struct {
		advance time.Duration
		want    string
		queue   int
	}{
		{0, `{"isCleared":true,"reason":""}`, 0},
		{0, `{"isCleared":false,"reason":"Too many requests","leftTime":60}`, 1},
		{30*time.Second + 500*time.Millisecond, `{"isCleared":false,"reason":"Too many requests","leftTime":30}`, 1},
		{29*time.Second + 500*time.Millisecond, `{"isCleared":true,"reason":""}`, 0},
	}
	for i, st := range steps {
		clock.Advance(st.advance)
		if i == 1 {
			last = m.enqueue(notif("incomingMessageReceived", 10+i))
		}
		r := m.do("DELETE", api("clearWebhooksQueue"), "")
		if r.status != 200 || r.body != st.want {
			t.Fatalf("step %d: %d %s, want %s", i, r.status, r.body, st.want)
		}
		if n := m.info(testID).QueueLength; n != st.queue {
			t.Fatalf("step %d: queueLength = %d, want %d", i, n, st.queue)
		}
	}
	if id := m.enqueue(notif("incomingMessageReceived", 99)); id != last+1 {
		t.Fatalf("receipt id after clear = %d, want %d (never reused)", id, last+1)
	}
}

func TestEnqueueValidation(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	for _, body := range []string{
		``, `null`, `[]`, `"x"`, `{}`, `{"typeWebhook":1}`, `{"typeWebhook":null}`, `{"TypeWebhook":"x"}`,
		`{"typeWebhook":"x"`, `{"typeWebhook":"x"} {}`,
	} {
		if _, err := m.srv.Enqueue(testID, json.RawMessage(body)); err == nil || !isBadRequest(err) {
			t.Errorf("Enqueue(%q) = %v, want a bad-request error", body, err)
		}
	}
	if _, err := m.srv.Enqueue(42, json.RawMessage(notif("x", 1))); !errors.Is(err, errInstanceNotFound) {
		t.Errorf("unknown account: %v", err)
	}
	// Any object with a string typeWebhook is accepted (D17); it is stored compacted.
	id := m.enqueue("{ \"typeWebhook\" : \"custom\",\n \"n\": [1, 2] }")
	rc := decodeReceipt(t, m.do("GET", api("receiveNotification"), "").body)
	if rc.ReceiptID != id || string(rc.Body) != `{"typeWebhook":"custom","n":[1,2]}` {
		t.Fatalf("stored body = %s", rc.Body)
	}
	if n := m.info(testID).QueueLength; n != 1 {
		t.Fatalf("rejected bodies were queued: %d", n)
	}
}

func TestGetStateInstance(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	r := m.do("GET", api("getStateInstance"), "")
	if r.status != 200 || r.body != `{"stateInstance":"authorized"}` {
		t.Fatalf("getStateInstance = %d %s", r.status, r.body)
	}
}

// TestCaps: over MaxQueue or MaxInstances the control call is refused with
// a 409 that says which limit, and nothing is stored.
func TestCaps(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{MaxQueue: 2, MaxInstances: 2})
	for i := range 2 {
		if r := m.do("POST", "/mock/v1/instances/1101000001/notifications", notif("incomingMessageReceived", i)); r.status != 201 {
			t.Fatalf("enqueue %d = %d %s", i, r.status, r.body)
		}
	}
	r := m.do("POST", "/mock/v1/instances/1101000001/notifications", notif("incomingMessageReceived", 3))
	if r.status != 409 || r.body != "queue full: the account holds 2 notifications, its limit; delete or clear some first" {
		t.Fatalf("enqueue over the cap = %d %q", r.status, r.body)
	}
	if n := m.info(testID).QueueLength; n != 2 {
		t.Fatalf("queue length = %d, want 2", n)
	}
	if r := m.do("DELETE", api("deleteNotification", "1"), ""); r.body != `{"result":true,"reason":""}` {
		t.Fatalf("delete = %s", r.body)
	}
	if r := m.do("POST", "/mock/v1/instances/1101000001/notifications", notif("incomingMessageReceived", 4)); r.status != 201 || r.body != `{"receiptId":3}` {
		t.Fatalf("enqueue after a delete = %d %s", r.status, r.body)
	}

	if r := m.do("POST", "/mock/v1/instances", `{"idInstance":1101000002,"apiTokenInstance":"tok2"}`); r.status != 201 {
		t.Fatalf("second account = %d %s", r.status, r.body)
	}
	r = m.do("POST", "/mock/v1/instances", `{"idInstance":1101000003,"apiTokenInstance":"tok3"}`)
	if r.status != 409 || r.body != "too many accounts: the mock holds 2, its limit" {
		t.Fatalf("third account = %d %q", r.status, r.body)
	}
	if r := m.do("GET", "/mock/v1/instances/1101000003", ""); r.status != 404 {
		t.Fatalf("refused account exists: %d", r.status)
	}
	if err := m.srv.CreateInstance(1101000004, "tok4"); !errors.Is(err, ErrLimitReached) {
		t.Fatalf("CreateInstance over the cap: %v", err)
	}
}
