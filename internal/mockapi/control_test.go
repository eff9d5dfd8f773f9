package mockapi

import (
	"encoding/json"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestControlAPI covers every row of the control table over HTTP.
func TestControlAPI(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		verb   string
		path   string
		body   string
		status int
		want   string // exact body
	}{
		{"healthz", "GET", "/mock/v1/healthz", "", 200, "ok"},
		{"create", "POST", "/mock/v1/instances", `{"idInstance":1101000009,"apiTokenInstance":"abc123"}`, 201, `{"idInstance":1101000009}`},
		{"create existing", "POST", "/mock/v1/instances", `{"idInstance":1101000001,"apiTokenInstance":"abc123"}`, 409, "instance already exists"},
		{"create id zero", "POST", "/mock/v1/instances", `{"idInstance":0,"apiTokenInstance":"abc"}`, 400, "idInstance must be a positive integer"},
		{"create id string", "POST", "/mock/v1/instances", `{"idInstance":"1","apiTokenInstance":"abc"}`, 400, "idInstance must be an integer"},
		{"create no token", "POST", "/mock/v1/instances", `{"idInstance":5}`, 400, "apiTokenInstance must be 1 to 256 characters from A-Z a-z 0-9 - . _ ~"},
		{"create token with slash", "POST", "/mock/v1/instances", `{"idInstance":5,"apiTokenInstance":"a/b"}`, 400, "apiTokenInstance must be 1 to 256 characters from A-Z a-z 0-9 - . _ ~"},
		{"create unknown field", "POST", "/mock/v1/instances", `{"idInstance":5,"apiTokenInstance":"a","tokne":"x"}`, 400, `unknown field "tokne"`},
		{"create malformed", "POST", "/mock/v1/instances", `{`, 400, "body must be a JSON object with the documented fields"},
		{"create wrong verb", "GET", "/mock/v1/instances", "", 405, "Method Not Allowed\n"},
		{"enqueue", "POST", "/mock/v1/instances/1101000001/notifications", notif("incomingMessageReceived", 1), 201, `{"receiptId":1}`},
		{"enqueue second", "POST", "/mock/v1/instances/1101000001/notifications", notif("outgoingMessageStatus", 2), 201, `{"receiptId":2}`},
		{"enqueue no typeWebhook", "POST", "/mock/v1/instances/1101000001/notifications", `{"x":1}`, 400, "notification must be a JSON object with a string typeWebhook"},
		{"enqueue typeWebhook number", "POST", "/mock/v1/instances/1101000001/notifications", `{"typeWebhook":1}`, 400, "notification must be a JSON object with a string typeWebhook"},
		{"enqueue array", "POST", "/mock/v1/instances/1101000001/notifications", `[{"typeWebhook":"x"}]`, 400, "notification must be a JSON object with a string typeWebhook"},
		{"enqueue too large", "POST", "/mock/v1/instances/1101000001/notifications", `{"typeWebhook":"x","p":"` + strings.Repeat("p", 1<<20) + `"}`, 400, "body larger than 1048576 bytes"},
		{"enqueue unknown instance", "POST", "/mock/v1/instances/42/notifications", notif("x", 1), 404, "instance not found"},
		{"enqueue bad id", "POST", "/mock/v1/instances/abc/notifications", notif("x", 1), 400, "idInstance must be an integer"},
		{"console edit invalid", "PATCH", "/mock/v1/instances/1101000001/settings", `{"incomingWebhook":"si"}`, 400, `bad request data: incomingWebhook must be "yes" or "no"`},
		{"console edit unknown instance", "PATCH", "/mock/v1/instances/42/settings", `{}`, 404, "instance not found"},
		{"instance unknown", "GET", "/mock/v1/instances/42", "", 404, "instance not found"},
		{"requests unknown", "GET", "/mock/v1/instances/42/requests", "", 404, "instance not found"},
		{"apply delay", "PUT", "/mock/v1/instances/1101000001/apply-delay", `{"applyDelayMs":0}`, 200, `{"applyDelayMs":0}`},
		{"apply delay missing", "PUT", "/mock/v1/instances/1101000001/apply-delay", `{}`, 400, "applyDelayMs must be an integer from 0 to 86400000"},
		{"apply delay negative", "PUT", "/mock/v1/instances/1101000001/apply-delay", `{"applyDelayMs":-1}`, 400, "applyDelayMs must be an integer from 0 to 86400000"},
		{"apply delay unknown instance", "PUT", "/mock/v1/instances/42/apply-delay", `{"applyDelayMs":1}`, 404, "instance not found"},
		{"fault", "POST", "/mock/v1/faults", `{"idInstance":1101000001,"method":"GETSETTINGS","status":429,"retryAfter":1,"count":3}`, 201,
			`{"idInstance":1101000001,"method":"getSettings","status":429,"retryAfter":1,"count":3,"delayMs":0,"drop":false,"processed":false}`},
		{"fault processed with body", "POST", "/mock/v1/faults", `{"method":"getSettings","status":200,"body":{ "code": 401, "description": "Unauthorized" },"processed":true}`, 201,
			`{"idInstance":0,"method":"getSettings","status":200,"body":{"code":401,"description":"Unauthorized"},"retryAfter":0,"count":1,"delayMs":0,"drop":false,"processed":true}`},
		{"fault body not JSON", "POST", "/mock/v1/faults", `{"status":200,"body":{]}`, 400, "body must be a JSON object with the documented fields"},
		{"fault body without status", "POST", "/mock/v1/faults", `{"delayMs":1,"body":{}}`, 400, "body needs a status to answer with"},
		{"fault processed not bool", "POST", "/mock/v1/faults", `{"status":502,"processed":"yes"}`, 400, "processed must be true or false"},
		{"fault unknown method", "POST", "/mock/v1/faults", `{"method":"sendMessage","status":500}`, 400, "method must be one of getSettings, setSettings, receiveNotification, deleteNotification, getStateInstance, clearWebhooksQueue, or empty for all"},
		{"fault unknown instance", "POST", "/mock/v1/faults", `{"idInstance":42,"status":500}`, 404, "instance not found"},
		{"fault no effect", "POST", "/mock/v1/faults", `{"idInstance":1101000001,"count":2}`, 400, "a fault needs status, delayMs or drop"},
		{"fault bad status", "POST", "/mock/v1/faults", `{"status":99}`, 400, "status must be between 200 and 599"},
		{"fault negative", "POST", "/mock/v1/faults", `{"status":500,"count":-1}`, 400, "count must be at least 1"},
		{"fault count zero", "POST", "/mock/v1/faults", `{"status":500,"count":0}`, 400, "count must be at least 1"},
		{"fault count not integer", "POST", "/mock/v1/faults", `{"status":500,"count":1.5}`, 400, "count must be an integer"},
		{"fault delay too long", "POST", "/mock/v1/faults", `{"delayMs":600001}`, 400, "delayMs must be from 0 to 600000 (10 minutes)"},
		{"fault negative delay", "POST", "/mock/v1/faults", `{"status":500,"delayMs":-1}`, 400, "delayMs must be from 0 to 600000 (10 minutes)"},
		{"fault negative idInstance", "POST", "/mock/v1/faults", `{"idInstance":-1,"status":500}`, 400, "idInstance must be 0 (every account) or an account's id"},
		{"fault negative retryAfter", "POST", "/mock/v1/faults", `{"status":429,"retryAfter":-1}`, 400, "retryAfter must not be negative"},
		{"fault status and drop", "POST", "/mock/v1/faults", `{"status":500,"drop":true}`, 400, "a fault cannot both answer a status and drop"},
		{"fault typo", "POST", "/mock/v1/faults", `{"statsu":500}`, 400, `unknown field "statsu"`},
		{"reboot errors on", "PUT", "/mock/v1/instances/1101000009/reboot-errors", `{"enabled":true}`, 200, `{"enabled":true}`},
		{"reboot errors off", "PUT", "/mock/v1/instances/1101000009/reboot-errors", `{"enabled":false}`, 200, `{"enabled":false}`},
		{"reboot errors missing", "PUT", "/mock/v1/instances/1101000001/reboot-errors", `{}`, 400, "enabled must be true or false"},
		{"reboot errors not bool", "PUT", "/mock/v1/instances/1101000001/reboot-errors", `{"enabled":"yes"}`, 400, "enabled must be true or false"},
		{"reboot errors unknown instance", "PUT", "/mock/v1/instances/42/reboot-errors", `{"enabled":true}`, 404, "instance not found"},
		{"unknown control path", "GET", "/mock/v1/nope", "", 404, "404 page not found\n"},
	}
	m := newMock(t, Options{})
	for _, tc := range cases {
		r := m.do(tc.verb, tc.path, tc.body)
		if r.status != tc.status || r.body != tc.want {
			t.Errorf("%s: %s %s = %d %q, want %d %q", tc.name, tc.verb, tc.path, r.status, r.body, tc.status, tc.want)
		}
		if strings.Count(strings.TrimSuffix(r.body, "\n"), "\n") > 0 {
			t.Errorf("%s: body is not one line", tc.name)
		}
	}

	// The created account works with its token; the control calls above enqueued two items.
	if r := m.do("GET", "/waInstance1101000009/getSettings/abc123", ""); r.status != 200 {
		t.Errorf("created account: %d %s", r.status, r.body)
	}
	if n := m.info(testID).QueueLength; n != 2 {
		t.Errorf("queueLength = %d, want 2", n)
	}
}

func TestControlConsoleEditOverHTTP(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	r := m.do("PATCH", "/mock/v1/instances/1101000001/settings", `{"webhookUrl":"https://hooks.example.test","stateWebhook":"yes"}`)
	if r.status != 200 {
		t.Fatalf("PATCH = %d %s", r.status, r.body)
	}
	var info InstanceInfo
	if err := json.Unmarshal([]byte(r.body), &info); err != nil {
		t.Fatal(err)
	}
	if info.Settings["webhookUrl"] != "https://hooks.example.test" || info.SettingsWrites != 0 || info.PendingSettings != nil {
		t.Fatalf("PATCH answer = %+v", info)
	}
	if s := m.settings(); s["webhookUrl"] != "https://hooks.example.test" || s["stateWebhook"] != "yes" {
		t.Fatalf("getSettings after console edit = %v", s)
	}
}

func TestControlApplyDelayOverHTTP(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock})
	if r := m.do("PUT", "/mock/v1/instances/1101000001/apply-delay", `{"applyDelayMs":60000}`); r.status != 200 {
		t.Fatalf("PUT apply-delay = %d %s", r.status, r.body)
	}
	m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`)
	if got := m.settings()["incomingWebhook"]; got != "no" {
		t.Fatalf("visible before delay: %v", got)
	}
	clock.Advance(time.Minute)
	if got := m.settings()["incomingWebhook"]; got != "yes" {
		t.Fatalf("not visible after delay: %v", got)
	}
}

// TestRequestLog covers GET /mock/v1/instances/{id}/requests: verb, method,
// status, time, and the token shown as ***; control calls are not logged.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock})
	m.do("GET", api("GetSettings"), "")
	m.do("POST", api("setSettings"), `{"webhookUrlToken":"hook-secret-1"}`)
	m.do("GET", "/waInstance1101000001/getSettings/wrong-token", "")
	m.do("DELETE", api("deleteNotification", "7"), "")
	m.do("GET", api("sendMessage"), "")
	m.do("GET", "/waInstance1101000001/"+testToken+"/getSettings", "") // token in the wrong place
	m.do("DELETE", api("deleteNotification", testToken), "")
	m.do("GET", "/mock/v1/instances/1101000001", "")
	r := m.do("GET", "/mock/v1/instances/1101000001/requests", "")
	if r.status != 200 {
		t.Fatalf("requests = %d %s", r.status, r.body)
	}
	if strings.Contains(r.body, testToken) || strings.Contains(r.body, "wrong-token") || strings.Contains(r.body, "hook-secret-1") {
		t.Fatalf("request log leaks a token: %s", r.body)
	}
	var recs []RequestRecord
	if err := json.Unmarshal([]byte(r.body), &recs); err != nil {
		t.Fatal(err)
	}
	want := []RequestRecord{
		{Verb: "GET", Method: "getSettings", Path: "/waInstance1101000001/GetSettings/***", Status: 200},
		{Verb: "POST", Method: "setSettings", Path: "/waInstance1101000001/setSettings/***", Status: 200},
		{Verb: "GET", Method: "getSettings", Path: "/waInstance1101000001/getSettings/***", Status: 401},
		{Verb: "DELETE", Method: "deleteNotification", Path: "/waInstance1101000001/deleteNotification/***/7", Status: 200},
		{Verb: "GET", Method: "***", Path: "/waInstance1101000001/***/***", Status: 404}, // unknown methods are not shown
		{Verb: "GET", Method: "***", Path: "/waInstance1101000001/***/***", Status: 401},
		{Verb: "DELETE", Method: "deleteNotification", Path: "/waInstance1101000001/deleteNotification/***/***", Status: 400},
	}
	if len(recs) != len(want) {
		t.Fatalf("got %d records, want %d: %s", len(recs), len(want), r.body)
	}
	for i, w := range want {
		got := recs[i]
		if !got.Time.Equal(clock.Now()) {
			t.Errorf("record %d time = %v, want the clock's %v", i, got.Time, clock.Now())
		}
		got.Time = time.Time{}
		if got != w {
			t.Errorf("record %d = %+v, want %+v", i, got, w)
		}
	}
	goRecs, err := m.srv.Requests(testID)
	if err != nil || len(goRecs) != len(want) {
		t.Fatalf("Requests() = %d records, %v", len(goRecs), err)
	}
}

// TestRequestLogMasksTokenAnywhere: a token is never logged, whatever its
// shape and wherever it is sent, even where a segment of its shape belongs
// (a letters-only token as the method, a digits-only one as the receipt id).
func TestRequestLogMasksTokenAnywhere(t *testing.T) {
	t.Parallel()
	const (
		lettersID  int64 = 1101000002
		lettersTok       = "OnlyLettersTokenWithinFortyChars"
		digitsID   int64 = 1101000003
		digitsTok        = "202501020304"
	)
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	m := newMock(t, Options{Logger: logger})
	for id, tok := range map[int64]string{lettersID: lettersTok, digitsID: digitsTok} {
		if err := m.srv.CreateInstance(id, tok); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		verb, path string
		id         int64
		want       RequestRecord
	}{
		{"GET", "/waInstance1101000002/" + lettersTok + "/getSettings", lettersID,
			RequestRecord{Verb: "GET", Method: "***", Path: "/waInstance1101000002/***/***", Status: 401}},
		{"GET", "/waInstance1101000002/" + lettersTok + "/" + lettersTok, lettersID,
			RequestRecord{Verb: "GET", Method: "***", Path: "/waInstance1101000002/***/***", Status: 404}},
		{lettersTok, "/waInstance1101000002/getSettings/" + lettersTok, lettersID,
			RequestRecord{Verb: "***", Method: "getSettings", Path: "/waInstance1101000002/getSettings/***", Status: 404}},
		{"DELETE", "/waInstance1101000003/deleteNotification/" + digitsTok + "/" + digitsTok, digitsID,
			RequestRecord{Verb: "DELETE", Method: "deleteNotification", Path: "/waInstance1101000003/deleteNotification/***/***", Status: 200}},
		{"DELETE", "/waInstance1101000003/deleteNotification/" + digitsTok + "/42", digitsID,
			RequestRecord{Verb: "DELETE", Method: "deleteNotification", Path: "/waInstance1101000003/deleteNotification/***/42", Status: 200}},
	}
	for _, tt := range tests {
		m.do(tt.verb, tt.path, "")
		recs, err := m.srv.Requests(tt.id)
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s %s: no request record (%v)", tt.verb, tt.path, err)
		}
		got := recs[len(recs)-1]
		got.Time = time.Time{}
		if got != tt.want {
			t.Errorf("%s %s: record = %+v, want %+v", tt.verb, tt.path, got, tt.want)
		}
	}
	// An unknown id that is another account's token: only the debug log
	// sees the request.
	if r := m.do("GET", "/waInstance"+digitsTok+"/getSettings/x", ""); r.status != 403 {
		t.Fatalf("token as id = %d", r.status)
	}
	if !strings.Contains(buf.String(), "path=/waInstance***/getSettings/***") {
		t.Errorf("debug log lacks the masked 403 line:\n%s", buf.String())
	}
	for _, id := range []int64{lettersID, digitsID} {
		r := m.do("GET", "/mock/v1/instances/"+strconv.FormatInt(id, 10)+"/requests", "")
		for name, text := range map[string]string{"request log": r.body, "debug log": buf.String()} {
			for _, tok := range []string{lettersTok, digitsTok} {
				if strings.Contains(text, tok) {
					t.Errorf("%s contains a token:\n%s", name, text)
				}
			}
		}
	}
}

func TestRequestLogIsBounded(t *testing.T) {
	t.Parallel()
	a := newAccount(1, "t", 0, false)
	for i := range maxRequestLog + 5 {
		a.record(RequestRecord{Status: i})
	}
	recs := a.requests()
	if len(recs) != maxRequestLog || recs[0].Status != 5 || recs[len(recs)-1].Status != maxRequestLog+4 {
		t.Fatalf("ring: len %d first %d last %d", len(recs), recs[0].Status, recs[len(recs)-1].Status)
	}
}

// TestOnRequest_seesEachCallAsLoggedBeforeItsAnswer: the hook gets every call to an account as the request log
// records it, and has it before the client has the answer.
func TestOnRequest_seesEachCallAsLoggedBeforeItsAnswer(t *testing.T) {
	t.Parallel()
	var (
		mu   sync.Mutex
		seen []RequestRecord
	)
	m := newMock(t, Options{OnRequest: func(id int64, r RequestRecord) {
		mu.Lock()
		defer mu.Unlock()
		if id == testID {
			seen = append(seen, r)
		}
	}})
	for _, call := range []struct{ verb, method string }{
		{"GET", "getSettings"}, {"GET", "getStateInstance"}, {"DELETE", "deleteNotification"},
	} {
		path := api(call.method)
		if call.method == "deleteNotification" {
			path = api(call.method, "7")
		}
		m.do(call.verb, path, "")
		mu.Lock()
		got := slices.Clone(seen)
		mu.Unlock()
		if len(got) == 0 || got[len(got)-1].Method != call.method {
			t.Fatalf("after %s %s answered, the hook had %+v", call.verb, call.method, got)
		}
	}
	recs, err := m.srv.Requests(testID)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(recs, seen) {
		t.Errorf("hook saw %+v, request log has %+v", seen, recs)
	}
}
