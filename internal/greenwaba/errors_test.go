package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		in      string
		secrets []string
		want    string
	}{
		{"/waInstance1/getSettings/abc123", []string{"abc123"}, "/waInstance1/getSettings/***"},
		{"no secret here", []string{"abc123"}, "no secret here"},
		{"empty secrets are ignored", []string{""}, "empty secrets are ignored"},
		{"a/b c and a%2Fb+c and a%2Fb%20c", []string{"a/b c"}, "*** and *** and ***"},
		{"longer first: abcdef", []string{"abc", "abcdef"}, "longer first: ***"},
		{"twice: k k", []string{"k"}, "twice: *** ***"},
	}
	for _, tt := range tests {
		if got := redact(tt.in, tt.secrets...); got != tt.want {
			t.Errorf("redact(%q, %q) = %q, want %q", tt.in, tt.secrets, got, tt.want)
		}
	}
}

func TestScrub_rewritesURLErrors(t *testing.T) {
	const token = "tok-0123456789"
	raw := &url.Error{Op: "Get", URL: "http://127.0.0.1:1/waInstance1/getSettings/" + token, Err: errors.New("connection refused")}
	err := scrub(raw, "http://127.0.0.1:1/waInstance1/getSettings/***", token)
	if strings.Contains(err.Error(), token) {
		t.Fatalf("token in %q", err)
	}
	var ue *url.Error
	if !errors.As(err, &ue) || strings.Contains(ue.URL, token) {
		t.Fatalf("want a *url.Error with a masked URL, got %#v", err)
	}
	// An inner error that repeats the URL is flattened to text.
	nested := &url.Error{Op: "Get", URL: "x", Err: fmt.Errorf("redirect to /waInstance1/getSettings/%s refused", token)}
	if got := scrub(nested, "masked", token).Error(); strings.Contains(got, token) || !strings.Contains(got, "/getSettings/***") {
		t.Fatalf("scrub(nested) = %q", got)
	}
}

func TestAPIError_messagesSayWhatHappened(t *testing.T) {
	tests := []struct {
		err  *APIError
		want string
	}{
		{&APIError{Method: "getSettings", IDInstance: 7, StatusCode: 401, Body: "Unauthorized", Attempts: 1},
			"GreenWaba getSettings for instance 7 answered HTTP 401 Unauthorized: Unauthorized"},
		{&APIError{Method: "getSettings", IDInstance: 7, StatusCode: 401, InBody: true, Body: `{"code":401}`, Attempts: 1},
			`GreenWaba getSettings for instance 7 answered HTTP 200 carrying error 401 Unauthorized: {"code":401}`},
		{&APIError{Method: "setSettings", IDInstance: 7, StatusCode: 429, Attempts: 5},
			"GreenWaba setSettings for instance 7 answered HTTP 429 Too Many Requests after 5 attempts"},
		{&APIError{Method: "setSettings", IDInstance: 7, StatusCode: 400, Body: `bad request data: incomingWebhook must be "yes" or "no"`, Attempts: 1},
			`GreenWaba setSettings for instance 7 answered HTTP 400 Bad Request: bad request data: incomingWebhook must be "yes" or "no"`},
		{&APIError{Method: "setSettings", IDInstance: 7, StatusCode: 502, Attempts: 3, mayBeSaved: true},
			"GreenWaba setSettings for instance 7 answered HTTP 502 Bad Gateway after 3 attempts"},
		{&APIError{Method: "getSettings", IDInstance: 7, Attempts: 5, Err: errors.New("connection refused")},
			"GreenWaba getSettings for instance 7 failed after 5 attempts: connection refused"},
		{&APIError{Method: "getSettings", IDInstance: 7, Attempts: 2, Err: context.Canceled, lastStatus: 429},
			"GreenWaba getSettings for instance 7 stopped after 2 attempts: context canceled (last answer: HTTP 429 Too Many Requests)"},
		{&APIError{Method: "getSettings", IDInstance: 7, Attempts: 2, TimedOut: true,
			Err: fmt.Errorf("Get \"x\": %w (Client.Timeout exceeded while awaiting headers)", context.DeadlineExceeded)},
			`GreenWaba getSettings for instance 7 failed after 2 attempts: Get "x": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`},
		{&APIError{Method: "setSettings", IDInstance: 7, StatusCode: 500, Body: "Internal Server Error", Attempts: 4},
			"GreenWaba setSettings for instance 7 answered HTTP 500 Internal Server Error after 4 attempts: Internal Server Error"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("message\n%q, want\n%q", got, tt.want)
		}
	}
}

func TestAPIError_errorsAsAndIs(t *testing.T) {
	err := fmt.Errorf("reading: %w", &APIError{StatusCode: http.StatusForbidden})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Fatalf("errors.As failed on %v", err)
	}
	if !IsAccountGone(err) || IsAccountGone(&APIError{StatusCode: 401}) || IsAccountGone(errors.New("x")) {
		t.Error("IsAccountGone must be true for 403 only")
	}
	if !hasStatus(&APIError{StatusCode: 401, InBody: true}, 401) || hasStatus(err, 401) {
		t.Error("hasStatus must see a 401 in the body too")
	}
	if !errors.Is(&APIError{Err: context.DeadlineExceeded}, context.DeadlineExceeded) {
		t.Error("APIError must unwrap its cause")
	}
	nc := &NotConvergedError{Fields: []string{"webhookUrl"}, ctxErr: context.DeadlineExceeded, LastErr: &APIError{StatusCode: 429}}
	if !errors.Is(nc, context.DeadlineExceeded) || !errors.As(nc, &ae) || ae.StatusCode != 429 {
		t.Error("NotConvergedError must unwrap to the context error and the last poll error")
	}
}

func TestMaskBody(t *testing.T) {
	const api, hook = "api-tok-123456", "hook-tok-654321"
	tests := []struct{ name, body, mustHave string }{
		{"settings", `{"webhookUrl":"https://x.test","webhookUrlToken":"` + hook + `","incomingWebhook":"yes"}`, `"webhookUrlToken":"***"`},
		{"nested", `{"a":[{"webhookUrlToken":"` + hook + `"}]}`, `"webhookUrlToken":"***"`},
		{"empty token stays empty", `{"webhookUrlToken":""}`, `"webhookUrlToken":""`},
		{"plain text with the api token", "bad url /waInstance1/getSettings/" + api, "/getSettings/***"},
		{"broken JSON naming the key", `{"webhookUrlToken":"` + hook, "not shown"},
		// encoding/json matches keys in any case, escapes decoded: each of these is the webhook token.
		{"key in capitals", `{"WEBHOOKURLTOKEN":"` + hook + `"}`, `"WEBHOOKURLTOKEN":"***"`},
		{"key with an escape", `{"webhook\u0055rlToken":"` + hook + `"}`, `"webhookUrlToken":"***"`},
		{"key with the Kelvin sign", "{\"webhoo\u212aUrlTo\u212aen\":\"" + hook + "\"}", `":"***"`},
		{"broken JSON with an escaped key", `{"webhook\u0055rlToken":"` + hook, "not shown"},
	}
	for _, tt := range tests {
		got := maskBody([]byte(tt.body), api)
		if strings.Contains(got, api) || strings.Contains(got, hook) {
			t.Errorf("%s: secret in %q", tt.name, got)
		}
		if !strings.Contains(got, tt.mustHave) {
			t.Errorf("%s: %q lacks %q", tt.name, got, tt.mustHave)
		}
	}
	if got := maskBody([]byte(strings.Repeat("x", maxLoggedBody+10))); len(got) > maxLoggedBody+len("…") {
		t.Errorf("body not truncated: %d bytes", len(got))
	}
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"3", 3 * time.Second, true},
		{"0", 0, true},
		{"-1", 0, false},
		{"soon", 0, false},
		{"Fri, 31 Dec 1999 23:59:59 GMT", 0, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, time.Now())
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %t; want %v, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if got, ok := parseRetryAfter(future, time.Now()); !ok || got < 80*time.Second || got > 90*time.Second {
		t.Errorf("parseRetryAfter(date in 90s) = %v, %t", got, ok)
	}
}

func TestBackoff_exponentialWithJitterOrRetryAfter(t *testing.T) {
	c := &Client{retry: RetryPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}.withDefaults(), clock: realClock{}}
	for attempt, base := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 40: time.Second} {
		for range 50 {
			d, ra := c.backoff(attempt, answer{status: 503}, c.retry.MaxWait)
			if ra || d < base || d > base+base/4 {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, base, base+base/4)
			}
		}
	}
	a := answer{status: 429, header: http.Header{"Retry-After": {"7"}}}
	if d, ra := c.backoff(1, a, c.retry.MaxWait); !ra || d != 7*time.Second {
		t.Errorf("Retry-After 7: wait %v, %t", d, ra)
	}
}

func TestNew_validatesConfig(t *testing.T) {
	const token = "secret-token-value"
	for _, cfg := range []Config{
		{IDInstance: 0, Token: token},
		{IDInstance: 1, Token: ""},
		{IDInstance: 1, Token: token, APIURL: "ftp://x"},
		{IDInstance: 1, Token: token, APIURL: "http://x/?q=" + token},
		{IDInstance: 1, Token: token, APIURL: "http://x/?x=1"},
		{IDInstance: 1, Token: token, APIURL: "http://user:" + token + "@x/"},
		{IDInstance: 1, Token: token, APIURL: "http://x/#" + token},
	} {
		_, err := New(cfg)
		if err == nil {
			t.Errorf("New(%v) succeeded", cfg)
			continue
		}
		if strings.Contains(err.Error(), token) {
			t.Errorf("error %q contains the token", err)
		}
	}
	c, err := New(Config{IDInstance: 1101000001, Token: token, APIURL: "http://127.0.0.1:1/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.IDInstance() != 1101000001 || c.prefix != "http://127.0.0.1:1/waInstance1101000001/" {
		t.Errorf("client = %d %q", c.IDInstance(), c.prefix)
	}
}

func TestReceiveNotification_rejectsTimeoutOutOfRange(t *testing.T) {
	c, err := New(Config{IDInstance: 1, Token: "t", APIURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{time.Second, 4999 * time.Millisecond, 61 * time.Second, 60*time.Second + time.Millisecond, -time.Second} {
		if _, err := c.ReceiveNotification(context.Background(), d); err == nil || !strings.Contains(err.Error(), "out of range") {
			t.Errorf("timeout %v: err = %v", d, err)
		}
	}
}

// TestErrors_maskTheWebhookToken: an error quoting GreenWaba's answer masks a webhookUrlToken in it, however
// the key is spelled, on every path an answer becomes an error: a failed status, an HTTP 200 carrying an error
// code, and an answer without the method's shape.
func TestErrors_maskTheWebhookToken(t *testing.T) {
	answers := []struct {
		name   string
		status int
		body   string
	}{
		{"HTTP 500", http.StatusInternalServerError, `{"webhookUrlToken":"` + hookToken + `"}`},
		{"HTTP 200 carrying an error", http.StatusOK, `{"code":500,"WebhookUrlToken":"` + hookToken + `"}`},
		{"not getSettings's shape", http.StatusOK, `{"webhook\u0055rlToken":"` + hookToken + `"}`},
	}
	for _, a := range answers {
		t.Run(a.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(a.status)
				_, _ = io.WriteString(w, a.body)
			}))
			t.Cleanup(ts.Close)
			c, _ := newTestClient(t, ts.URL, func(cfg *Config) { cfg.Retry.MaxRetries = 0 })
			_, err := c.GetSettings(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error(); strings.Contains(msg, hookToken) || !strings.Contains(msg, `"***"`) {
				t.Errorf("error %q must show the answer with its webhook token masked", msg)
			}
		})
	}
}
