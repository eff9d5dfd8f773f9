package mockapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzSetSettingsBody: any body either fails with a one-line "bad request
// data: …" or yields settings whose GetSettings object is valid JSON that can
// be written back unchanged (D6: GetSettings' own values must be writable).
func FuzzSetSettingsBody(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"incomingWebhook":"yes"}`, `{"webhookUrl":"https://hooks.example.test/wa","webhookUrlToken":"s3cret"}`,
		`{"delaySendMessagesMilliseconds":0}`, `{"delaySendMessagesMilliseconds":1.5}`, `{"stateWebhook":"maybe"}`,
		`{"webhookUrl":"ftp://x"}`, `[]`, `null`, `{} {}`, `{"sharedSession":"\u0000\ud800"}`, `{"webhookUrl":"http://[::1]:80/?q=\u2028"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseSettingsPatch(body)
		if err != nil {
			msg := err.Error()
			if !isBadRequest(err) || !strings.HasPrefix(msg, "bad request data: ") || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("bad error %q", msg)
			}
			return
		}
		s := defaultSettings(testID)
		p.applyTo(&s)
		out := s.appendJSON(nil)
		if !json.Valid(out) {
			t.Fatalf("getSettings object is not JSON: %s", out)
		}
		p2, err := parseSettingsPatch(out)
		if err != nil {
			t.Fatalf("getSettings object %s cannot be written back: %v", out, err)
		}
		s2 := defaultSettings(testID)
		p2.applyTo(&s2)
		if s2 != s {
			t.Fatalf("write-back changed settings:\n%+v\n%+v", s, s2)
		}
	})
}

// fuzzTokens are the accounts FuzzRequest serves: tokens of every shape a
// path segment can take (hex, letters only, digits only), so a token sent
// where a method name or a receipt id belongs is tried too.
var fuzzTokens = map[int64]string{
	testID:     testToken,
	1101000002: "OnlyLettersTokenWithinFortyChars",
	1101000003: "202501020304",
}

// fuzzFault arms the fault that the fuzz input's fault byte names; 0 arms
// none. It returns whether the fault drops the connection.
func fuzzFault(t *testing.T, s *Server, b byte) (drop bool) {
	if b == 0 {
		return false
	}
	methods := []string{"", "getSettings", "setSettings", "receiveNotification", "deleteNotification", "getStateInstance", "clearWebhooksQueue"}
	v := b & 0x7f // the high bit picks the account
	f := Fault{Method: methods[int(v)%len(methods)], Count: 1}
	if b&0x80 == 0 {
		f.IDInstance = testID // else every account
	}
	switch (v / 7) % 8 {
	case 0:
		f.Status, f.RetryAfter = http.StatusTooManyRequests, 1
	case 1:
		f.Status = http.StatusInternalServerError
	case 2:
		f.Status, f.RetryAfter = http.StatusServiceUnavailable, 2
	case 3:
		f.Drop = true
	case 4: // the call takes effect, then a 502 (D20)
		f.Status, f.Processed = http.StatusBadGateway, true
	case 5: // the call takes effect, then the connection drops (D20)
		f.Drop, f.Processed = true, true
	case 6: // a 200 carrying an error (D19), no Retry-After
		f.Status, f.Body = http.StatusOK, json.RawMessage(`{"code":401,"description":"Unauthorized"}`)
	default: // the call takes effect, then a 200 carrying an error
		f.Status, f.Body, f.Processed = http.StatusOK, json.RawMessage(`{"code":500}`), true
	}
	if err := s.AddFault(f); err != nil {
		t.Fatal(err)
	}
	return f.Drop
}

// FuzzRequest sends arbitrary verbs, paths, queries and bodies through the
// handler, with a fault armed when the fault byte is not 0 (a status, a
// drop or a 200 carrying an error, before or after the call is processed)
// and one account rebooting with reboot errors on: no panic, a known
// status, one-line errors, and no account's token in a GreenWaba answer,
// the debug log or the request log.
func FuzzRequest(f *testing.F) {
	tok := testToken
	seeds := []struct {
		verb, path, query, body string
		fault                   byte
	}{
		{"GET", "/waInstance1101000001/getSettings/" + tok, "", "", 0},
		{"POST", "/waInstance1101000001/setSettings/" + tok, "", `{"incomingWebhook":"yes"}`, 0},
		{"GET", "/waInstance1101000001/receiveNotification/" + tok, "receiveTimeout=5", "", 0},
		{"DELETE", "/waInstance1101000001/deleteNotification/" + tok + "/1", "", "", 0},
		{"DELETE", "/waInstance1101000001/clearWebhooksQueue/" + tok, "", "", 0},
		{"GET", "/waInstanceabc/getSettings/" + tok, "", "", 0},
		{"POST", "/mock/v1/instances", "", `{"idInstance":5,"apiTokenInstance":"t"}`, 0},
		{"POST", "/mock/v1/instances/1101000001/notifications", "", `{"typeWebhook":"x"}`, 0},
		{"PATCH", "/mock/v1/instances/1101000001/settings", "", `{"webhookUrl":""}`, 0},
		{"POST", "/mock/v1/faults", "", `{"status":500}`, 0},
		{"GET", "/waInstance1101000001/getSettings/" + tok, "", "", 1},               // 429
		{"POST", "/waInstance1101000001/setSettings/" + tok, "", `{}`, 7 + 2},        // 500
		{"GET", "/waInstance1101000001/receiveNotification/" + tok, "", "", 3*7 + 3}, // drop
		{"GET", "/waInstance1101000002/OnlyLettersTokenWithinFortyChars/getSettings", "", "", 0},
		{"DELETE", "/waInstance1101000003/deleteNotification/202501020304/202501020304", "", "", 0x80 + 2*7 + 4}, // 503
		{"POST", "/waInstance1101000001/setSettings/" + tok, "", `{"webhookUrl":""}`, 4*7 + 2},                   // processed 502
		{"DELETE", "/waInstance1101000001/deleteNotification/" + tok + "/1", "", "", 5*7 + 4},                    // processed drop
		{"GET", "/waInstance1101000001/getSettings/" + tok, "", "", 6*7 + 1},                                     // 200 with an error
		{"DELETE", "/waInstance1101000001/clearWebhooksQueue/" + tok, "", "", 0x80 + 7*7 + 6},                    // processed 200 with an error
		{"POST", "/waInstance1101000001/setSettings/" + tok, "", "", 0},                                          // zero-byte body
		{"GET", "/mock/v1/faults", "", "", 1},
		{"DELETE", "/mock/v1/faults", "", "", 1},
		{"POST", "/mock/v1/faults", "", `{"status":200,"body":{"code":401},"processed":true,"count":0}`, 0},
		{"PUT", "/mock/v1/instances/1101000001/reboot-errors", "", `{"enabled":true}`, 0},
	}
	for _, s := range seeds {
		f.Add(s.verb, s.path, s.query, []byte(s.body), s.fault)
	}
	allowed := map[int]bool{200: true, 201: true, 301: true, 307: true, 308: true, 400: true, 401: true, 403: true, 404: true, 405: true,
		409: true, 429: true, 500: true, 502: true, 503: true}
	f.Fuzz(func(t *testing.T, verb, path, query string, body []byte, fault byte) {
		var logBuf bytes.Buffer
		s := New(Options{LongPollCap: time.Nanosecond, Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		s.noPush = true
		defer s.Close()
		for id, tok := range fuzzTokens {
			if err := s.CreateInstance(id, tok); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Enqueue(id, json.RawMessage(notif("incomingMessageReceived", 1))); err != nil {
				t.Fatal(err)
			}
		}
		// The third account is rebooting, with reboot errors on (D18).
		rebooting := s.account(1101000003)
		rebooting.rebootErrors = true
		rebooting.pending = []pendingWrite{{at: time.Now().Add(time.Hour)}}
		drop := fuzzFault(t, s, fault)
		req := &http.Request{
			Method:     verb,
			URL:        &url.URL{Path: path, RawQuery: query},
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     http.Header{},
			Body:       io.NopCloser(bytes.NewReader(body)),
			Host:       "mock.test",
			RequestURI: "/",
		}
		rec := httptest.NewRecorder()
		if dropped := serveRecovering(s, rec, req); dropped {
			// A recorder cannot be hijacked, so a drop aborts the handler
			// the way net/http expects; only an armed drop may do that.
			if !drop {
				t.Fatalf("%s %q?%q aborted without a drop fault", verb, path, query)
			}
		} else if !allowed[rec.Code] {
			t.Fatalf("%s %q?%q -> unexpected status %d %q", verb, path, query, rec.Code, rec.Body.String())
		}
		out := rec.Body.String()
		if rec.Code >= 400 && strings.Count(strings.TrimSuffix(out, "\n"), "\n") > 0 {
			t.Fatalf("error body is not one line: %q", out)
		}
		var reqLog strings.Builder
		for id := range fuzzTokens {
			recs, err := s.Requests(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				reqLog.WriteString(r.Verb + " " + r.Method + " " + r.Path + "\n")
			}
		}
		for _, tok := range fuzzTokens {
			if !strings.HasPrefix(path, controlPrefix) && containsToken(out, tok) {
				t.Fatalf("answer contains an API token: %q", out)
			}
			if containsToken(logBuf.String(), tok) {
				t.Fatalf("log contains an API token: %s", logBuf.String())
			}
			if containsToken(reqLog.String(), tok) {
				t.Fatalf("request log contains an API token: %s", reqLog.String())
			}
		}
		if rec.Code == 200 && rec.Header().Get("Content-Type") == "application/json" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON answer: %q", out)
		}
	})
}

// containsToken reports whether tok appears in s as a whole value: not
// inside a longer run of letters and digits. The mock keeps only a hash of
// each token, so it masks a segment that is a token (an id or receipt id
// also without its leading zeros) and shows a longer one, such as an unknown
// id whose digits begin with a digits-only token: that id is not the token.
func containsToken(s, tok string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], tok)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(tok)
		if (start == 0 || !isAlnum(s[start-1])) && (end == len(s) || !isAlnum(s[end])) {
			return true
		}
		i = start + 1
	}
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// serveRecovering serves req and reports whether the handler aborted with
// http.ErrAbortHandler; any other panic is re-raised.
func serveRecovering(s *Server, w http.ResponseWriter, req *http.Request) (aborted bool) {
	defer func() {
		if r := recover(); r != nil {
			if r != http.ErrAbortHandler {
				panic(r)
			}
			aborted = true
		}
	}()
	s.ServeHTTP(w, req)
	return false
}

func TestContainsToken(t *testing.T) {
	const tok = "202501020304"
	for s, want := range map[string]bool{
		tok:                                    true,
		"verb=" + tok + " path=/x":             true,
		"path=/waInstance1/getSettings/" + tok: true,
		"idInstance=" + tok + "\n":             true,
		"path=/waInstance2025010203040/":       false, // a longer id
		"receipt=1" + tok:                      false,
		"x" + tok + "y":                        false,
		"x" + tok + "y " + tok:                 true, // the second one is whole
		"20250102030":                          false,
	} {
		if got := containsToken(s, tok); got != want {
			t.Errorf("containsToken(%q) = %v, want %v", s, got, want)
		}
	}
}
