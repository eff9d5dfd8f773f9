package mockapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"reflect"
	"slices"
	"testing"
)

// controlTargets are the calls whose bodies FuzzControlBody decodes: every control call with a body, and
// setSettings, the GreenWaba call with one.
var controlTargets = []struct{ verb, path string }{
	{"POST", "/mock/v1/instances"},
	{"POST", "/mock/v1/instances/1101000001/notifications"},
	{"PATCH", "/mock/v1/instances/1101000001/settings"},
	{"PUT", "/mock/v1/instances/1101000001/apply-delay"},
	{"PUT", "/mock/v1/instances/1101000001/reboot-errors"},
	{"POST", "/mock/v1/faults"},
	{"POST", "/waInstance1101000001/setSettings/" + testToken},
}

// FuzzControlBody sends arbitrary bodies (settings, notifications, faults, delays, switches, accounts) to
// every call that decodes one: a refused call (any status but 2xx) changes nothing the mock stores, and no
// call panics or answers an unknown status.
func FuzzControlBody(f *testing.F) {
	for i, body := range []string{
		`{"idInstance":1101000009,"apiTokenInstance":"tok"}`, `{"idInstance":-1,"apiTokenInstance":"a/b"}`,
		notif("incomingMessageReceived", 7), `{"typeWebhook":""}`, `[]`,
		`{"webhookUrl":"https://x.test/","incomingWebhook":"yes"}`, `{"incomingWebhook":"maybe"}`,
		`{"delay":"2s"}`, `{"delay":"-1s"}`, `{"enabled":true}`, `{"enabled":"yes"}`,
		`{"idInstance":1101000001,"status":500,"count":2}`, `{"status":200,"body":{"code":401}}`, `{"status":0}`,
		`{"statsu":500}`, `{"delayMs":600001,"status":500}`, `{}`, ``, `{"webhookUrlToken":"\u0000"}`,
	} {
		for target := range controlTargets {
			if i%len(controlTargets) == target || i < 3 {
				f.Add(uint8(target), []byte(body))
			}
		}
	}
	allowed := map[int]bool{200: true, 201: true, 400: true, 404: true, 405: true, 409: true, 413: true, 415: true}
	f.Fuzz(func(t *testing.T, target uint8, body []byte) {
		s := New(Options{MaxInstances: 3, MaxQueue: 2})
		s.noPush = true
		defer s.Close()
		if err := s.CreateInstance(testID, testToken); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Enqueue(testID, json.RawMessage(notif("incomingMessageReceived", 1))); err != nil {
			t.Fatal(err)
		}
		if err := s.AddFault(Fault{IDInstance: testID, Method: "getStateInstance", Status: 503, Count: 3}); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, s)
		c := controlTargets[int(target)%len(controlTargets)]
		req := httptest.NewRequest(c.verb, c.path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s %s %q -> unexpected status %d %q", c.verb, c.path, body, rec.Code, rec.Body.String())
		}
		if rec.Code >= 300 {
			if after := snapshot(t, s); !reflect.DeepEqual(before, after) {
				t.Fatalf("%s %s %q was refused (%d %q) but changed the mock:\nbefore %v\nafter  %v",
					c.verb, c.path, body, rec.Code, rec.Body.String(), before, after)
			}
		}
	})
}

// snapshot is everything the mock stores, as comparable text: each account's info and apply delay, the armed
// faults, and which accounts exist.
func snapshot(t *testing.T, s *Server) string {
	t.Helper()
	var b bytes.Buffer
	s.mu.RLock()
	ids := make([]int64, 0, len(s.accounts))
	for id := range s.accounts {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	slices.Sort(ids)
	fmt.Fprintf(&b, "accounts %d;", len(ids))
	for _, id := range ids {
		info, err := s.Instance(id)
		if err != nil {
			t.Fatal(err)
		}
		a := s.account(id)
		a.mu.Lock()
		delay := a.applyDelay
		a.mu.Unlock()
		raw, err := json.Marshal(info)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, " %d %s delay %s;", id, raw, delay)
	}
	raw, err := json.Marshal(s.Faults())
	if err != nil {
		t.Fatal(err)
	}
	b.Write(raw)
	return b.String()
}
