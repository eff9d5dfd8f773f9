package mockapi

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// TestRateLimits covers D15: per account, per method, per second, 429 with
// Retry-After; a limited setSettings is not a write.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, RateLimits: true})
	if err := m.srv.CreateInstance(otherID, otherTok); err != nil {
		t.Fatal(err)
	}
	for _, method := range []string{"getSettings", "getStateInstance"} {
		if r := m.do("GET", api(method), ""); r.status != 200 {
			t.Fatalf("first %s = %d", method, r.status)
		}
		r := m.do("GET", api(method), "")
		if r.status != 429 || r.body != "Too Many Requests" || r.header.Get("Retry-After") != "1" {
			t.Fatalf("second %s = %d %q Retry-After %q", method, r.status, r.body, r.header.Get("Retry-After"))
		}
	}
	// setSettings has its own window; the other account its own limits.
	if r := m.do("POST", api("setSettings"), `{}`); r.status != 200 {
		t.Fatalf("setSettings = %d", r.status)
	}
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 429 {
		t.Fatalf("second setSettings = %d", r.status)
	}
	if r := m.do("GET", "/waInstance1101000002/getSettings/"+otherTok, ""); r.status != 200 {
		t.Fatalf("other account = %d", r.status)
	}
	if info := m.info(testID); info.SettingsWrites != 1 || info.Settings["incomingWebhook"] != "no" {
		t.Fatalf("limited write counted or applied: %+v", info)
	}

	m.enqueue(notif("incomingMessageReceived", 1))
	for i := range 100 {
		if r := m.do("GET", api("receiveNotification"), ""); r.status != 200 {
			t.Fatalf("receive %d = %d", i, r.status)
		}
	}
	if r := m.do("GET", api("receiveNotification"), ""); r.status != 429 {
		t.Fatalf("101st receive = %d", r.status)
	}
	for i := range 100 {
		if r := m.do("DELETE", api("deleteNotification", "9"), ""); r.status != 200 {
			t.Fatalf("delete %d = %d", i, r.status)
		}
	}
	if r := m.do("DELETE", api("deleteNotification", "9"), ""); r.status != 429 {
		t.Fatalf("101st delete = %d", r.status)
	}

	clock.Advance(time.Second)
	if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
		t.Fatalf("next second = %d", r.status)
	}
	if r := m.do("GET", api("receiveNotification"), ""); r.status != 200 {
		t.Fatalf("receive next second = %d", r.status)
	}
}

func TestRateLimitsOffByDefault(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{Clock: newFakeClock()})
	for i := range 5 {
		if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
			t.Fatalf("getSettings %d = %d", i, r.status)
		}
	}
}

// TestFaults covers POST /mock/v1/faults and AddFault: status, retryAfter,
// count, matching by account and method.
func TestFaults(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.CreateInstance(otherID, otherTok); err != nil {
		t.Fatal(err)
	}
	r := m.do("POST", "/mock/v1/faults", `{"idInstance":1101000001,"method":"getSettings","status":429,"retryAfter":7,"count":2}`)
	if r.status != 201 {
		t.Fatalf("add fault = %d %s", r.status, r.body)
	}
	// Other methods, other accounts and bad tokens do not consume it.
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 {
		t.Fatalf("other method = %d", r.status)
	}
	if r := m.do("GET", "/waInstance1101000002/getSettings/"+otherTok, ""); r.status != 200 {
		t.Fatalf("other account = %d", r.status)
	}
	if r := m.do("GET", "/waInstance1101000001/getSettings/bad", ""); r.status != 401 {
		t.Fatalf("bad token = %d", r.status)
	}
	for i := range 2 {
		r := m.do("GET", api("getSettings"), "")
		if r.status != 429 || r.body != "Too Many Requests" || r.header.Get("Retry-After") != "7" {
			t.Fatalf("faulted call %d = %d %q %q", i, r.status, r.body, r.header.Get("Retry-After"))
		}
	}
	if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
		t.Fatalf("after count = %d", r.status)
	}

	// A wildcard fault (no account, no method) with a status without text.
	if err := m.srv.AddFault(Fault{Status: 502}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("DELETE", "/waInstance1101000002/clearWebhooksQueue/"+otherTok, ""); r.status != 502 || r.body != "Bad Gateway" || r.header.Get("Retry-After") != "" {
		t.Fatalf("wildcard fault = %d %q", r.status, r.body)
	}
	if err := m.srv.AddFault(Fault{IDInstance: testID, Method: "setSettings", Status: 599}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("POST", api("setSettings"), `{}`); r.status != 599 || r.body != "Status 599" {
		t.Fatalf("599 fault = %d %q", r.status, r.body)
	}
	if got := m.info(testID).SettingsWrites; got != 0 {
		t.Fatalf("faulted setSettings counted: %d", got)
	}
	if err := m.srv.AddFault(Fault{IDInstance: 42, Status: 500}); !errors.Is(err, errInstanceNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	// A delay far longer than the client waits: the client gives up first.
	if err := m.srv.AddFault(Fault{IDInstance: testID, Method: "getSettings", DelayMs: 60000}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "GET", m.base+api("getSettings"), nil)
		resp, err := m.cli.Do(req)
		if err == nil {
			resp.Body.Close()
			err = errors.New("answered during the delay: " + strconv.Itoa(resp.StatusCode))
		}
		errc <- err
	}()
	waitFor(t, m.srv, "the delayed call to be in flight", func() bool { return m.srv.nFaults.Load() == 0 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("delayed call: %v", err)
	}
	// Delay with a status: the status is answered after the delay.
	if err := m.srv.AddFault(Fault{IDInstance: testID, DelayMs: 1, Status: 503, Count: 1}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("GET", api("getSettings"), ""); r.status != 503 {
		t.Fatalf("delay+status = %d", r.status)
	}
	if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
		t.Fatalf("after fault = %d", r.status)
	}
}

func TestFaultDelayAnswersNormally(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.AddFault(Fault{IDInstance: testID, Method: "getStateInstance", DelayMs: 5}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 || r.body != `{"stateInstance":"authorized"}` {
		t.Fatalf("delayed call = %d %s", r.status, r.body)
	}
}

func TestFaultDrop(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	r := m.do("POST", "/mock/v1/faults", `{"idInstance":1101000001,"method":"receiveNotification","drop":true}`)
	if r.status != 201 {
		t.Fatalf("add drop fault = %d %s", r.status, r.body)
	}
	// A fresh connection: net/http silently retries a GET whose reused
	// connection dies, which would hide the drop.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := fresh.Get(m.base + api("receiveNotification"))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped call answered %d", resp.StatusCode)
	}
	// The drop is logged before the client can see it, so a script that
	// reads the log right after the failed call finds it.
	if recs, _ := m.srv.Requests(testID); len(recs) != 1 || recs[0].Method != "receiveNotification" || recs[0].Status != 0 {
		t.Fatalf("request log right after the drop = %+v", recs)
	}
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 {
		t.Fatalf("after drop = %d", r.status)
	}
	recs, _ := m.srv.Requests(testID)
	if len(recs) != 2 || recs[0].Method != "receiveNotification" || recs[0].Status != 0 {
		t.Fatalf("request log = %+v", recs)
	}
}

// TestFaultProcessed covers D20 on setSettings: a plain 502 acts before the
// call (nothing saved), a processed 502 after it (saved and counted once).
func TestFaultProcessed(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if r := m.do("POST", "/mock/v1/faults", `{"idInstance":1101000001,"method":"setSettings","status":502}`); r.status != 201 {
		t.Fatalf("add plain fault = %d %s", r.status, r.body)
	}
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 502 || r.body != "Bad Gateway" {
		t.Fatalf("plain 502 = %d %q", r.status, r.body)
	}
	if info := m.info(testID); info.SettingsWrites != 0 || info.Settings["incomingWebhook"] != "no" {
		t.Fatalf("plain 502 saved the write: %+v", info)
	}

	if r := m.do("POST", "/mock/v1/faults", `{"idInstance":1101000001,"method":"setSettings","status":502,"processed":true}`); r.status != 201 {
		t.Fatalf("add processed fault = %d %s", r.status, r.body)
	}
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 502 || r.body != "Bad Gateway" {
		t.Fatalf("processed 502 = %d %q", r.status, r.body)
	}
	if info := m.info(testID); info.SettingsWrites != 1 || info.Settings["incomingWebhook"] != "yes" {
		t.Fatalf("processed 502 did not save exactly one write: %+v", info)
	}
	if recs, _ := m.srv.Requests(testID); len(recs) != 2 || recs[0].Status != 502 || recs[1].Status != 502 {
		t.Fatalf("request log = %+v", recs)
	}
}

// TestFaultProcessedReboot: a processed fault's write reboots the account
// like any other (D7, D20): the state is starting until it applied.
func TestFaultProcessedReboot(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, ApplyDelay: time.Minute})
	if err := m.srv.AddFault(Fault{Method: "setSettings", Status: 504, Processed: true}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("POST", api("setSettings"), `{"webhookUrl":"https://hooks.example.test/wa"}`); r.status != 504 {
		t.Fatalf("processed 504 = %d", r.status)
	}
	if r := m.do("GET", api("getStateInstance"), ""); r.body != `{"stateInstance":"starting"}` {
		t.Fatalf("after a processed 504 = %s", r.body)
	}
	clock.Advance(time.Minute)
	if got := m.settings()["webhookUrl"]; got != "https://hooks.example.test/wa" {
		t.Fatalf("webhookUrl = %v", got)
	}
}

// TestFaultProcessedDrop: the notification is deleted, then the connection
// drops without an answer.
func TestFaultProcessedDrop(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	rid := m.enqueue(notif("incomingMessageReceived", 1))
	if err := m.srv.AddFault(Fault{IDInstance: testID, Method: "deleteNotification", Drop: true, Processed: true}); err != nil {
		t.Fatal(err)
	}
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	req, _ := http.NewRequest("DELETE", m.base+api("deleteNotification", strconv.FormatInt(rid, 10)), nil)
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped call answered %d", resp.StatusCode)
	}
	if n := m.info(testID).QueueLength; n != 0 {
		t.Fatalf("queue length after a processed drop = %d, want 0", n)
	}
	// A plain drop deletes nothing.
	rid = m.enqueue(notif("incomingMessageReceived", 2))
	if err := m.srv.AddFault(Fault{IDInstance: testID, Method: "deleteNotification", Drop: true}); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest("DELETE", m.base+api("deleteNotification", strconv.FormatInt(rid, 10)), nil)
	if resp, err := fresh.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("dropped call answered %d", resp.StatusCode)
	}
	if n := m.info(testID).QueueLength; n != 1 {
		t.Fatalf("queue length after a plain drop = %d, want 1", n)
	}
}

// TestFaultProcessedDelay: with only a delay, the call takes effect and its
// own answer comes after the delay.
func TestFaultProcessedDelay(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.AddFault(Fault{Method: "setSettings", DelayMs: 1, Processed: true}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("POST", api("setSettings"), `{"outgoingWebhook":"yes"}`); r.status != 200 || r.body != `{"saveSettings":true}` ||
		r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("processed delay = %d %q %v", r.status, r.body, r.header)
	}
	if info := m.info(testID); info.SettingsWrites != 1 || info.Settings["outgoingWebhook"] != "yes" {
		t.Fatalf("processed delay: %+v", info)
	}
}

// TestFaultOKWithErrorBody covers D19: HTTP 200 whose JSON body is an error.
func TestFaultOKWithErrorBody(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	r := m.do("POST", "/mock/v1/faults", `{"method":"getSettings","status":200,"body":{"code":401,"description":"Unauthorized"}}`)
	if r.status != 201 {
		t.Fatalf("add fault = %d %s", r.status, r.body)
	}
	r = m.do("GET", api("getSettings"), "")
	if r.status != 200 || r.body != `{"code":401,"description":"Unauthorized"}` || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("200 with an error = %d %q %q", r.status, r.body, r.header.Get("Content-Type"))
	}
	if s := m.settings(); s["webhookUrl"] != "" {
		t.Fatalf("next getSettings = %v", s)
	}
}

// TestRetryAfterSwitchable covers D15: a fault's retryAfter 0 sends no
// Retry-After, and NoRetryAfter drops it from rate-limit answers.
func TestRetryAfterSwitchable(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{Clock: newFakeClock(), RateLimits: true, NoRetryAfter: true})
	if err := m.srv.AddFault(Fault{Method: "getStateInstance", Status: 429, RetryAfter: 0}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 429 || r.header.Values("Retry-After") != nil {
		t.Fatalf("fault with retryAfter 0 = %d Retry-After %q", r.status, r.header.Values("Retry-After"))
	}
	m.do("GET", api("getSettings"), "")
	if r := m.do("GET", api("getSettings"), ""); r.status != 429 || r.header.Values("Retry-After") != nil {
		t.Fatalf("rate limit with NoRetryAfter = %d Retry-After %q", r.status, r.header.Values("Retry-After"))
	}
}

// TestFaultListAndClear covers GET and DELETE /mock/v1/faults: the list
// shows what is armed with the uses left, a refused fault arms nothing, and
// DELETE disarms them all.
func TestFaultListAndClear(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if r := m.do("GET", "/mock/v1/faults", ""); r.status != 200 || r.body != "[]" {
		t.Fatalf("empty list = %d %s", r.status, r.body)
	}
	for _, body := range []string{
		`{"method":"getSettings","status":503,"count":2}`,
		`{"idInstance":1101000001,"method":"setsettings","status":502,"processed":true}`,
		`{"status":500,"count":0}`,   // refused
		`{"delayMs":600001}`,         // refused
		`{"status":500,"drop":true}`, // refused
	} {
		m.do("POST", "/mock/v1/faults", body)
	}
	if r := m.do("GET", api("getSettings"), ""); r.status != 503 {
		t.Fatalf("first fault = %d", r.status)
	}
	r := m.do("GET", "/mock/v1/faults", "")
	want := `[{"idInstance":0,"method":"getSettings","status":503,"retryAfter":0,"count":1,"delayMs":0,"drop":false,"processed":false},` +
		`{"idInstance":1101000001,"method":"setSettings","status":502,"retryAfter":0,"count":1,"delayMs":0,"drop":false,"processed":true}]`
	if r.status != 200 || r.body != want {
		t.Fatalf("list = %d %s\nwant %s", r.status, r.body, want)
	}
	if r := m.do("DELETE", "/mock/v1/faults", ""); r.status != 200 || r.body != `{"disarmed":2}` {
		t.Fatalf("clear = %d %s", r.status, r.body)
	}
	if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
		t.Fatalf("after clear = %d", r.status)
	}
	if r := m.do("POST", api("setSettings"), `{}`); r.status != 200 {
		t.Fatalf("setSettings after clear = %d", r.status)
	}
	if got := m.srv.Faults(); len(got) != 0 {
		t.Fatalf("Faults after clear = %+v", got)
	}
}
