package mockapi

import (
	"testing"
)

// TestFault_processAfter: the fault answers at once and the call takes effect later (D20): the write is saved
// only after the answer.
func TestFault_processAfter(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.AddFault(Fault{Method: "setSettings", Status: 504, ProcessAfterMs: 200}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 504 {
		t.Fatalf("setSettings = %d, want the fault's 504", r.status)
	}
	waitFor(t, m.srv, "the late write", func() bool { return m.info(testID).SettingsWrites == 1 })
	if got := m.info(testID).Settings["incomingWebhook"]; got != "yes" {
		t.Errorf("incomingWebhook = %v after the late write, want yes", got)
	}
}

// TestFault_processAfterIsNotRunAfterClose: Close stops the timers of late calls (and of apply delays): the
// write never happens.
func TestFault_processAfterIsNotRunAfterClose(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.AddFault(Fault{Method: "setSettings", Status: 502, ProcessAfterMs: 600000}); err != nil {
		t.Fatal(err)
	}
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 502 {
		t.Fatalf("setSettings = %d, want the fault's 502", r.status)
	}
	m.srv.Close() // waits for the late call's goroutine: it must end without the write
	if n := m.info(testID).SettingsWrites; n != 0 {
		t.Errorf("%d writes after Close, want 0", n)
	}
}

func TestFault_processAfterNeedsAnAnswer(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	for _, f := range []Fault{
		{Method: "setSettings", ProcessAfterMs: 100},
		{Method: "setSettings", Status: 502, ProcessAfterMs: 100, Processed: true},
		{Method: "setSettings", Status: 502, ProcessAfterMs: -1},
		{Method: "setSettings", Status: 502, ProcessAfterMs: maxFaultDelayMs + 1},
	} {
		if err := m.srv.AddFault(f); err == nil {
			t.Errorf("AddFault(%+v) armed it, want it refused", f)
		}
	}
}
