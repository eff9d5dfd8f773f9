package mockapi

import (
	"errors"
	"testing"
	"time"
)

// TestRebootStartingState covers D7: while a write is pending the account is
// starting, and authorized again once it applied.
func TestRebootStartingState(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, ApplyDelay: time.Minute})
	const authorized, starting = `{"stateInstance":"authorized"}`, `{"stateInstance":"starting"}`
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 || r.body != authorized {
		t.Fatalf("before the write = %d %s", r.status, r.body)
	}
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 200 {
		t.Fatalf("setSettings = %d %s", r.status, r.body)
	}
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 || r.body != starting {
		t.Fatalf("during the apply delay = %d %s", r.status, r.body)
	}
	if info := m.info(testID); info.StateInstance != "starting" {
		t.Fatalf("control API state = %q", info.StateInstance)
	}
	// Without RebootErrors the other methods answer as usual, old values.
	if got := m.settings()["incomingWebhook"]; got != "no" {
		t.Fatalf("incomingWebhook during the delay = %v", got)
	}
	clock.Advance(time.Minute)
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 || r.body != authorized {
		t.Fatalf("after the apply delay = %d %s", r.status, r.body)
	}
	if got := m.settings()["incomingWebhook"]; got != "yes" {
		t.Fatalf("incomingWebhook after the delay = %v", got)
	}
}

// TestRebootErrors covers D18: with reboot errors on (over the control
// API), every method but getStateInstance answers 400 while a write is
// pending; a refused setSettings is not a write; the request log shows them.
func TestRebootErrors(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, ApplyDelay: time.Minute})
	// Off by default, and on without a pending write nothing changes.
	if r := m.do("PUT", "/mock/v1/instances/1101000001/reboot-errors", `{"enabled":true}`); r.status != 200 || r.body != `{"enabled":true}` {
		t.Fatalf("reboot-errors = %d %s", r.status, r.body)
	}
	if !m.info(testID).RebootErrors {
		t.Fatal("instance does not show rebootErrors")
	}
	if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
		t.Fatalf("getSettings before any write = %d %s", r.status, r.body)
	}
	rid := m.enqueue(notif("incomingMessageReceived", 1))
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 200 {
		t.Fatalf("setSettings = %d %s", r.status, r.body)
	}
	refused := []struct{ verb, path, body string }{
		{"GET", api("getSettings"), ""},
		{"POST", api("setSettings"), `{"outgoingWebhook":"yes"}`},
		{"GET", api("receiveNotification"), ""},
		{"DELETE", api("deleteNotification", "1"), ""},
		{"DELETE", api("clearWebhooksQueue"), ""},
	}
	for _, c := range refused {
		if r := m.do(c.verb, c.path, c.body); r.status != 400 || r.body != "instance in starting process try later" {
			t.Errorf("%s %s during the reboot = %d %q", c.verb, c.path, r.status, r.body)
		}
	}
	if r := m.do("GET", api("getStateInstance"), ""); r.status != 200 || r.body != `{"stateInstance":"starting"}` {
		t.Fatalf("getStateInstance during the reboot = %d %s", r.status, r.body)
	}
	info := m.info(testID)
	if info.SettingsWrites != 1 || info.PendingSettings["outgoingWebhook"] != "no" || info.QueueLength != 1 {
		t.Fatalf("a refused call took effect: writes %d, pending %v, queue %d", info.SettingsWrites, info.PendingSettings, info.QueueLength)
	}
	recs, _ := m.srv.Requests(testID)
	var logged int
	for _, rec := range recs {
		if rec.Status == 400 {
			logged++
		}
	}
	if logged != len(refused) {
		t.Fatalf("request log shows %d refused calls, want %d: %+v", logged, len(refused), recs)
	}

	clock.Advance(time.Minute)
	if got := m.settings()["incomingWebhook"]; got != "yes" {
		t.Fatalf("incomingWebhook after the reboot = %v", got)
	}
	if r := m.do("DELETE", api("deleteNotification", "1"), ""); r.status != 200 || r.body != `{"result":true,"reason":""}` || rid != 1 {
		t.Fatalf("deleteNotification after the reboot = %d %s", r.status, r.body)
	}
}

// TestRebootErrorsOption: Options.RebootErrors turns them on for every new
// account; without it a pending write refuses nothing.
func TestRebootErrorsOption(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{false, true} {
		clock := newFakeClock()
		m := newMock(t, Options{Clock: clock, ApplyDelay: time.Minute, RebootErrors: on})
		if r := m.do("POST", api("setSettings"), `{}`); r.status != 200 {
			t.Fatalf("setSettings = %d", r.status)
		}
		want := 200
		if on {
			want = 400
		}
		if r := m.do("GET", api("getSettings"), ""); r.status != want {
			t.Fatalf("RebootErrors %v: getSettings during the reboot = %d, want %d", on, r.status, want)
		}
		// Switched off per account: answers again, reboot or not.
		if err := m.srv.SetRebootErrors(testID, false); err != nil {
			t.Fatal(err)
		}
		if r := m.do("GET", api("getSettings"), ""); r.status != 200 {
			t.Fatalf("after SetRebootErrors(false): %d", r.status)
		}
	}
}

func TestSetRebootErrorsUnknownAccount(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.SetRebootErrors(42, true); !errors.Is(err, errInstanceNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
}
