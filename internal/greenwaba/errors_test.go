package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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
		if got := Redact(tt.in, tt.secrets...); got != tt.want {
			t.Errorf("Redact(%q, %q) = %q, want %q", tt.in, tt.secrets, got, tt.want)
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

func TestAPIError_messagesSayWhatToDo(t *testing.T) {
	tests := []struct {
		err  *APIError
		want []string
	}{
		{&APIError{Method: "getSettings", IDInstance: 1101000001, StatusCode: 401, Body: "Unauthorized", Attempts: 1},
			[]string{"GreenWaba rejected the API token for instance 1101000001 (HTTP 401): check api_token_instance or GREENWABA_API_TOKEN_INSTANCE"}},
		{&APIError{Method: "getSettings", IDInstance: 1101000002, StatusCode: 401, Attempts: 1, TokenSource: `instance_tokens["1101000002"]`},
			[]string{`GreenWaba rejected the API token for instance 1101000002 (HTTP 401): check instance_tokens["1101000002"]`}},
		{&APIError{Method: "getSettings", IDInstance: 1101000001, StatusCode: 403, Attempts: 1},
			[]string{"instance 1101000001", "HTTP 403", "id_instance", "GREENWABA_ID_INSTANCE", "deleted"}},
		{&APIError{Method: "setSettings", IDInstance: 1101000001, StatusCode: 429, Attempts: 5},
			[]string{"rate limited setSettings", "after 5 attempts"}},
		{&APIError{Method: "setSettings", IDInstance: 7, StatusCode: 400, Body: `bad request data: incomingWebhook must be "yes" or "no"`, Attempts: 1},
			[]string{"rejected setSettings for instance 7 (HTTP 400): bad request data: incomingWebhook must be"}},
		{&APIError{Method: "getSettings", IDInstance: 7, StatusCode: 503, Body: "Service Unavailable", Attempts: 3},
			[]string{"HTTP 503 after 3 attempts: Service Unavailable", "retry later"}},
		{&APIError{Method: "getSettings", IDInstance: 7, StatusCode: 404, Body: "Not Found", Attempts: 1},
			[]string{"HTTP 404", "api_url"}},
		{&APIError{Method: "getSettings", IDInstance: 7, Attempts: 5, Err: errors.New("connection refused")},
			[]string{"failed after 5 attempts: connection refused", "api_url"}},
		{&APIError{Method: "getSettings", IDInstance: 7, Attempts: 2, Err: context.Canceled, lastStatus: 429},
			[]string{"stopped after 2 attempts: context canceled (last answer: HTTP 429 Too Many Requests)"}},
	}
	for _, tt := range tests {
		got := tt.err.Error()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("message %q lacks %q", got, w)
			}
		}
	}
}

func TestAPIError_errorsAsAndIs(t *testing.T) {
	err := fmt.Errorf("reading: %w", &APIError{StatusCode: http.StatusForbidden})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 403 {
		t.Fatalf("errors.As failed on %v", err)
	}
	if !IsNotFound(err) || IsNotFound(&APIError{StatusCode: 401}) || IsNotFound(errors.New("x")) {
		t.Error("IsNotFound must be true for 403 only")
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
		got, ok := parseRetryAfter(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %t; want %v, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	if got, ok := parseRetryAfter(future); !ok || got < 80*time.Second || got > 90*time.Second {
		t.Errorf("parseRetryAfter(date in 90s) = %v, %t", got, ok)
	}
}

func TestNextWait_exponentialWithJitterWithinBounds(t *testing.T) {
	c := &Client{retry: RetryPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}.withDefaults()}
	for attempt, ceiling := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 40: time.Second} {
		st := &call{c: c, attempts: attempt}
		for range 50 {
			d, ra := st.nextWait(nil)
			if ra || d < ceiling/2 || d > ceiling {
				t.Fatalf("attempt %d: wait %v outside [%v, %v]", attempt, d, ceiling/2, ceiling)
			}
		}
	}
	st := &call{c: c, attempts: 1}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"7"}}}
	if d, ra := st.nextWait(resp); !ra || d < 7*time.Second || d > 7*time.Second+c.retry.MinWait {
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
	_, err := New(Config{IDInstance: 1101000002, TokenSource: `instance_tokens["1101000002"]`})
	if err == nil || !strings.Contains(err.Error(), `set instance_tokens["1101000002"]`) {
		t.Errorf("missing fleet token: err = %v, want it to name instance_tokens", err)
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
