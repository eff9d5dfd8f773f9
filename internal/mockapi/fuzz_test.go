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

// FuzzRequest sends arbitrary verbs, paths, queries and bodies through the
// handler: no panic, a known status, one-line errors, and the API token
// never in a GreenWaba answer or the log.
func FuzzRequest(f *testing.F) {
	tok := testToken
	seeds := []struct{ verb, path, query, body string }{
		{"GET", "/waInstance1101000001/getSettings/" + tok, "", ""},
		{"POST", "/waInstance1101000001/setSettings/" + tok, "", `{"incomingWebhook":"yes"}`},
		{"GET", "/waInstance1101000001/receiveNotification/" + tok, "receiveTimeout=5", ""},
		{"DELETE", "/waInstance1101000001/deleteNotification/" + tok + "/1", "", ""},
		{"DELETE", "/waInstance1101000001/clearWebhooksQueue/" + tok, "", ""},
		{"GET", "/waInstanceabc/getSettings/" + tok, "", ""},
		{"POST", "/mock/v1/instances", "", `{"idInstance":5,"apiTokenInstance":"t"}`},
		{"POST", "/mock/v1/instances/1101000001/notifications", "", `{"typeWebhook":"x"}`},
		{"PATCH", "/mock/v1/instances/1101000001/settings", "", `{"webhookUrl":""}`},
		{"POST", "/mock/v1/faults", "", `{"status":500}`},
	}
	for _, s := range seeds {
		f.Add(s.verb, s.path, s.query, []byte(s.body))
	}
	allowed := map[int]bool{200: true, 201: true, 301: true, 307: true, 308: true, 400: true, 401: true, 403: true, 404: true, 405: true, 409: true}
	f.Fuzz(func(t *testing.T, verb, path, query string, body []byte) {
		var logBuf bytes.Buffer
		s := New(Options{LongPollCap: time.Nanosecond, Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		s.noPush = true
		defer s.Close()
		if err := s.CreateInstance(testID, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Enqueue(testID, json.RawMessage(notif("incomingMessageReceived", 1))); err != nil {
			t.Fatal(err)
		}
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
		s.ServeHTTP(rec, req)
		if !allowed[rec.Code] {
			t.Fatalf("%s %q?%q -> unexpected status %d %q", verb, path, query, rec.Code, rec.Body.String())
		}
		out := rec.Body.String()
		if rec.Code >= 400 && strings.Count(strings.TrimSuffix(out, "\n"), "\n") > 0 {
			t.Fatalf("error body is not one line: %q", out)
		}
		if !strings.HasPrefix(path, controlPrefix) && strings.Contains(out, tok) {
			t.Fatalf("answer contains the API token: %q", out)
		}
		if strings.Contains(logBuf.String(), tok) {
			t.Fatalf("log contains the API token: %s", logBuf.String())
		}
		if rec.Code == 200 && rec.Header().Get("Content-Type") == "application/json" && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("invalid JSON answer: %q", out)
		}
	})
}
