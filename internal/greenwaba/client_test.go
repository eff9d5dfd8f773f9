package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

const (
	testID    int64 = 1101000001
	testToken       = "apiTOKEN0123456789abcdef0123456789abcdef0123456789"
	hookToken       = "hookTOKEN-9f8e7d6c5b4a"
)

const msgRetry = "GreenWaba request will be retried"

type logLine struct {
	level  LogLevel
	msg    string
	fields map[string]any
}

func (l logLine) String() string { return fmt.Sprintf("%d %s %v", l.level, l.msg, l.fields) }

// recorder captures LogFunc output; onMsg, when set, sees every message.
type recorder struct {
	mu    sync.Mutex
	lines []logLine
	onMsg func(msg string)
}

func (r *recorder) log(_ context.Context, level LogLevel, msg string, fields map[string]any) {
	r.mu.Lock()
	r.lines = append(r.lines, logLine{level, msg, fields})
	hook := r.onMsg
	r.mu.Unlock()
	if hook != nil {
		hook(msg)
	}
}

func (r *recorder) setHook(f func(string)) {
	r.mu.Lock()
	r.onMsg = f
	r.mu.Unlock()
}

func (r *recorder) all() []logLine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]logLine(nil), r.lines...)
}

func (r *recorder) count(msg string) int {
	n := 0
	for _, l := range r.all() {
		if l.msg == msg {
			n++
		}
	}
	return n
}

// fastRetry keeps backoff waits short; Retry-After is still honoured.
var fastRetry = RetryPolicy{MaxRetries: 4, MinWait: 5 * time.Millisecond, MaxWait: 40 * time.Millisecond}

func startMock(t *testing.T, opts mockapi.Options) (*mockapi.Server, string) {
	t.Helper()
	srv, baseURL := mocktest.Start(t, opts)
	if err := srv.CreateInstance(testID, testToken); err != nil {
		t.Fatal(err)
	}
	return srv, baseURL
}

// refusingURL is a loopback URL whose port was just freed, so connecting to it is refused.
func refusingURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://" + addr
}

func newTestClient(t *testing.T, baseURL string, mod ...func(*Config)) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	cfg := Config{APIURL: baseURL, IDInstance: testID, Token: testToken, UserAgent: "greenwaba-test/1", Retry: fastRetry, Pacer: unpaced(), Log: rec.log}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, rec
}

func requests(t *testing.T, srv *mockapi.Server) []mockapi.RequestRecord {
	t.Helper()
	rs, err := srv.Requests(testID)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func statuses(rs []mockapi.RequestRecord) []int {
	out := make([]int, len(rs))
	for i, r := range rs {
		out[i] = r.Status
	}
	return out
}

func addFault(t *testing.T, srv *mockapi.Server, f mockapi.Fault) {
	t.Helper()
	if f.IDInstance == 0 {
		f.IDInstance = testID
	}
	if err := srv.AddFault(f); err != nil {
		t.Fatal(err)
	}
}

func TestClient_retriesTransientStatusesThenSucceeds(t *testing.T) {
	for _, code := range []int{429, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv, base := startMock(t, mockapi.Options{})
			c, rec := newTestClient(t, base)
			addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: code, Count: 2})

			s, err := c.GetSettings(context.Background())
			if err != nil {
				t.Fatalf("GetSettings: %v", err)
			}
			if s == nil {
				t.Error("no settings")
			}
			if got, want := fmt.Sprint(statuses(requests(t, srv))), fmt.Sprint([]int{code, code, 200}); got != want {
				t.Errorf("request log statuses = %s, want %s", got, want)
			}
			if n := rec.count(msgRetry); n != 2 {
				t.Errorf("logged %d retries, want 2", n)
			}
		})
	}
}

func TestClient_honoursRetryAfter(t *testing.T) {
	for _, code := range []int{429, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv, base := startMock(t, mockapi.Options{})
			c, _ := newTestClient(t, base)
			addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: code, RetryAfter: 1})

			if _, err := c.GetSettings(context.Background()); err != nil {
				t.Fatalf("GetSettings: %v", err)
			}
			rs := requests(t, srv)
			if len(rs) != 2 || rs[0].Status != code || rs[1].Status != 200 {
				t.Fatalf("request log = %+v, want %d then 200", rs, code)
			}
			// Backoff alone would wait at most MaxWait (40ms).
			if gap := rs[1].Time.Sub(rs[0].Time); gap < time.Second {
				t.Errorf("retried %v after a Retry-After of 1s", gap)
			}
		})
	}
}

func TestClient_doesNotRetryClientErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		setup  func(t *testing.T, srv *mockapi.Server, c *Client) *Client
		call   func(c *Client) error
	}{
		{name: "400 bad settings", status: 400, call: func(c *Client) error {
			return c.SetSettings(context.Background(), SettingsUpdate{WebhookURL: ptr("not a url")})
		}},
		{name: "400 queue closed in push mode", status: 400, setup: func(t *testing.T, srv *mockapi.Server, c *Client) *Client {
			if err := srv.EditSettings(testID, map[string]any{"webhookUrl": "http://127.0.0.1:1/hook"}); err != nil {
				t.Fatal(err)
			}
			return c
		}, call: func(c *Client) error {
			_, err := c.ReceiveNotification(context.Background(), 0)
			return err
		}},
		{name: "401 wrong token", status: 401, setup: func(t *testing.T, _ *mockapi.Server, c *Client) *Client {
			bad, err := New(Config{APIURL: strings.TrimSuffix(c.prefix, "/waInstance1101000001/"), IDInstance: testID, Token: "wrongToken123", Retry: fastRetry})
			if err != nil {
				t.Fatal(err)
			}
			return bad
		}},
		{name: "403 injected", status: 403, setup: func(t *testing.T, srv *mockapi.Server, c *Client) *Client {
			addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 403})
			return c
		}},
		{name: "404 injected", status: 404, setup: func(t *testing.T, srv *mockapi.Server, c *Client) *Client {
			addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 404})
			return c
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, base := startMock(t, mockapi.Options{})
			c, _ := newTestClient(t, base)
			if tt.setup != nil {
				c = tt.setup(t, srv, c)
			}
			call := tt.call
			if call == nil {
				call = func(c *Client) error { _, err := c.GetSettings(context.Background()); return err }
			}
			err := call(c)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || ae.Attempts != 1 {
				t.Fatalf("err = %#v (%v), want an APIError with status %d after 1 attempt", err, err, tt.status)
			}
			if n := len(requests(t, srv)); n != 1 {
				t.Errorf("mock saw %d requests, want 1", n)
			}
		})
	}
}

func TestClient_unknownInstanceIsGone(t *testing.T) {
	_, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.IDInstance = 1101999999 })
	_, err := c.GetSettings(context.Background())
	if !IsAccountGone(err) || isUnauthorized(err) {
		t.Fatalf("err = %v, want the account gone", err)
	}
	if !strings.Contains(err.Error(), "1101999999") || !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("message %q should name the instance and the status", err)
	}
}

func TestClient_givesUpAfterMaxRetries(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.Retry.MaxRetries = 2 })
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 429, Count: 10})

	_, err := c.GetSettings(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.Attempts != 3 {
		t.Fatalf("err = %v, want 429 after 3 attempts", err)
	}
	if !strings.Contains(err.Error(), "getSettings for instance 1101000001 answered HTTP 429 Too Many Requests after 3 attempts") {
		t.Errorf("message = %q", err)
	}
	if n := len(requests(t, srv)); n != 3 {
		t.Errorf("mock saw %d requests, want 3", n)
	}
}

func TestClient_retryAfterBeyondDeadlineFailsAtOnce(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, rec := newTestClient(t, base)
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 429, RetryAfter: 60})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.GetSettings(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || ae.Attempts != 1 {
		t.Fatalf("err = %v, want the 429 answer without waiting", err)
	}
	if ctx.Err() != nil || rec.count(msgRetry) != 0 {
		t.Errorf("client waited for a retry it could not finish")
	}
}

func TestClient_cancelStopsRetryWait(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, rec := newTestClient(t, base)
	const retryAfter = 30 * time.Second
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 429, RetryAfter: int(retryAfter / time.Second)})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	waiting := make(chan struct{})
	var once sync.Once
	rec.setHook(func(msg string) {
		if msg == msgRetry {
			once.Do(func() { close(waiting) })
		}
	})
	type result struct {
		err error
		at  time.Time
	}
	done := make(chan result, 1)
	go func() {
		_, err := c.GetSettings(ctx)
		done <- result{err, time.Now()}
	}()
	<-waiting
	cancelled := time.Now()
	cancel()
	res := <-done

	if !errors.Is(res.err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", res.err)
	}
	// Behaviour bound: the return follows the cancel, not the Retry-After.
	if lag := res.at.Sub(cancelled); lag > retryAfter/3 {
		t.Errorf("returned %v after cancel; the Retry-After was %v", lag, retryAfter)
	}
	if n := len(requests(t, srv)); n != 1 {
		t.Errorf("mock saw %d requests, want 1", n)
	}
	if !strings.Contains(res.err.Error(), "stopped after 1 attempt") {
		t.Errorf("message = %q", res.err)
	}
}

// TestClient_retriesDroppedConnection: a connection closed without an answer
// is retried by the client. net/http itself replays a GET once when a reused
// keep-alive connection dies, so each case drops twice: the transport can
// absorb at most the first drop (the replay runs on a new connection, which
// it never replays), and the client must retry at least once to succeed.
func TestClient_retriesDroppedConnection(t *testing.T) {
	for name, warm := range map[string]bool{"fresh connection": false, "reused connection": true} {
		t.Run(name, func(t *testing.T) {
			srv, base := startMock(t, mockapi.Options{})
			c, rec := newTestClient(t, base)
			var want []int
			if warm {
				// Leaves one idle keep-alive connection for the next call.
				if _, err := c.GetSettings(context.Background()); err != nil {
					t.Fatal(err)
				}
				want = append(want, 200)
			}
			addFault(t, srv, mockapi.Fault{Method: "getSettings", Drop: true, Count: 2})

			if _, err := c.GetSettings(context.Background()); err != nil {
				t.Fatalf("GetSettings: %v", err)
			}
			want = append(want, 0, 0, 200) // both drops, then the answer
			if got, w := fmt.Sprint(statuses(requests(t, srv))), fmt.Sprint(want); got != w {
				t.Errorf("request log statuses = %s, want %s", got, w)
			}
			if n := rec.count(msgRetry); n < 1 || n > 2 {
				t.Errorf("want the client to retry once or twice, got %v", rec.all())
			}
		})
	}
}

func TestClient_retriesAttemptTimeout(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, rec := newTestClient(t, base, func(cfg *Config) { cfg.RequestTimeout = 200 * time.Millisecond })
	addFault(t, srv, mockapi.Fault{Method: "getStateInstance", DelayMs: 5000})

	state, err := c.stateInstance(context.Background())
	if err != nil || state != "authorized" {
		t.Fatalf("stateInstance = %q, %v", state, err)
	}
	var retried bool
	for _, l := range rec.all() {
		if l.msg == msgRetry && strings.Contains(fmt.Sprint(l.fields["error"]), "Timeout") {
			retried = true
		}
	}
	if !retried {
		t.Errorf("no retry after a timeout logged: %v", rec.all())
	}
}

// TestClient_attemptTimeoutIsNotTheContexts: a call whose attempts all
// outlast the request timeout failed (TimedOut), its context still running;
// a call its context ended stopped. Both errors unwrap to DeadlineExceeded.
func TestClient_attemptTimeoutIsNotTheContexts(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	}))
	t.Cleanup(ts.Close)

	c, _ := newTestClient(t, ts.URL, func(cfg *Config) {
		cfg.RequestTimeout = 50 * time.Millisecond
		cfg.Retry.MaxRetries = 1
	})
	_, err := c.GetSettings(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || !ae.TimedOut || ae.Attempts != 2 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %#v, want TimedOut after 2 attempts", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "getSettings for instance 1101000001 failed after 2 attempts: ") ||
		!strings.Contains(msg, "Client.Timeout exceeded") {
		t.Errorf("message %q, want the call failed after 2 attempts on the request timeout", msg)
	}

	c, _ = newTestClient(t, ts.URL, func(cfg *Config) { cfg.RequestTimeout = time.Minute })
	// Long enough for the first attempt to start on a loaded machine.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = c.GetSettings(ctx)
	if !errors.As(err, &ae) || ae.TimedOut || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %#v, want the context's deadline, not TimedOut", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "getSettings for instance 1101000001 stopped after 1 attempt: context deadline exceeded") {
		t.Errorf("message %q, want the call stopped by its context", msg)
	}
}

func TestClient_connectionRefusedIsRetriedThenReported(t *testing.T) {
	c, rec := newTestClient(t, refusingURL(t), func(cfg *Config) { cfg.Retry.MaxRetries = 2 })

	_, err := c.GetSettings(context.Background())
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 0 || ae.Attempts != 3 {
		t.Fatalf("err = %v, want a network APIError after 3 attempts", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("err should unwrap to ECONNREFUSED: %v", err)
	}
	if !strings.Contains(err.Error(), "/waInstance1101000001/getSettings/***") {
		t.Errorf("message should show the masked URL: %q", err)
	}
	if n := rec.count(msgRetry); n != 2 {
		t.Errorf("logged %d retries, want 2", n)
	}
}

func TestClient_sendsUserAgentAndReusesConnections(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	var mu sync.Mutex
	var agents []string
	var newConns int
	// A transport of its own, so only this test's connections are counted.
	transport := &http.Transport{}
	t.Cleanup(transport.CloseIdleConnections)
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		agents = append(agents, r.Header.Get("User-Agent"))
		mu.Unlock()
		trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
			if !info.Reused {
				mu.Lock()
				newConns++
				mu.Unlock()
			}
		}}
		return transport.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
	})}
	c, _ := newTestClient(t, base, func(cfg *Config) {
		cfg.HTTPClient = hc
		cfg.UserAgent = UserAgent("1.2.3", "1.11.4")
	})
	// Error answers are drained too, so they do not cost a connection.
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 404})
	for range 6 {
		_, _ = c.GetSettings(context.Background())
	}
	mu.Lock()
	defer mu.Unlock()
	if newConns != 1 {
		t.Errorf("opened %d connections for 6 sequential calls, want 1", newConns)
	}
	for _, ua := range agents {
		if ua != "terraform-provider-greenwaba/1.2.3 (+https://www.terraform.io) Terraform/1.11.4" {
			t.Errorf("User-Agent = %q", ua)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestClient_concurrentUse(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base)
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 503, Count: 5})
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if _, err := c.GetSettings(context.Background()); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(requests(t, srv)); n != 25 {
		t.Errorf("mock saw %d requests, want 25 (20 calls + 5 retries)", n)
	}
}

func TestSetSettings_sendsOnlyGivenFields(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base)
	ctx := context.Background()
	if err := srv.EditSettings(testID, map[string]any{"webhookUrlToken": hookToken, "incomingWebhook": "yes"}); err != nil {
		t.Fatal(err)
	}

	if err := c.SetSettings(ctx, SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa"), OutgoingWebhook: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	s, err := c.GetSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.WebhookURL != "https://hooks.example.test/wa" || !s.OutgoingWebhook || !s.IncomingWebhook || s.WebhookURLToken != hookToken {
		t.Errorf("after a partial update: %v (token kept: %t)", s, s.WebhookURLToken == hookToken)
	}

	// A pointer to "" is sent and clears; nil leaves the field alone.
	if err := c.SetSettings(ctx, SettingsUpdate{WebhookURLToken: ptr(""), IncomingWebhook: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if s, err = c.GetSettings(ctx); err != nil {
		t.Fatal(err)
	}
	if s.WebhookURLToken != "" || s.IncomingWebhook || s.WebhookURL != "https://hooks.example.test/wa" {
		t.Errorf("after clearing the token: %v", s)
	}

	info, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.SetSettings(ctx, SettingsUpdate{}); err != nil {
		t.Fatal(err)
	}
	after, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	if info.SettingsWrites != 2 || after.SettingsWrites != 2 {
		t.Errorf("settings writes = %d then %d, want 2 and no write for an empty update", info.SettingsWrites, after.SettingsWrites)
	}
}

func TestWaitForSettings_convergesAfterApplyDelay(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{ApplyDelay: 2 * time.Second})
	c, rec := newTestClient(t, base, func(cfg *Config) { cfg.Pacer = NewPacer() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	want := SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa"), WebhookURLToken: ptr(hookToken), IncomingWebhook: ptr(true)}

	if err := c.SetSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	if s, err := c.GetSettings(ctx); err != nil || len(want.Diff(s)) == 0 {
		t.Fatalf("write visible at once (%v): the apply delay is not in effect", err)
	}
	s, err := c.WaitForSettings(ctx, nil, want)
	if err != nil {
		t.Fatalf("WaitForSettings: %v", err)
	}
	if d := want.Diff(s); len(d) != 0 {
		t.Errorf("returned settings still differ in %v", d)
	}
	if info, _ := srv.Instance(testID); info.PendingSettings != nil {
		t.Errorf("mock still has pending settings: %v", info.PendingSettings)
	}
	if rec.count("GreenWaba settings not applied yet") == 0 {
		t.Error("WaitForSettings never had to wait")
	}
}

func TestWaitForSettings_reportsDifferingFieldsWhenNotConverged(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{ApplyDelay: time.Hour})
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.Pacer = newPacer(realClock{}, map[string]int{"getSettings": 20}) })
	want := SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa"), WebhookURLToken: ptr(hookToken), OutgoingWebhook: ptr(false)}
	if err := c.SetSettings(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	// A 5xx during the wait must not end it early.
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 500, Count: 2})

	// Long enough for a read to succeed after the two 500s on a loaded machine; the wait lasts all of it.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s, err := c.WaitForSettings(ctx, nil, want)
	var nc *NotConvergedError
	if !errors.As(err, &nc) {
		t.Fatalf("err = %v, want *NotConvergedError", err)
	}
	if got := fmt.Sprint(nc.Fields); got != "[webhookUrl webhookUrlToken]" {
		t.Errorf("Fields = %s, want [webhookUrl webhookUrlToken]", got)
	}
	if !errors.Is(err, context.DeadlineExceeded) || nc.IDInstance != testID || nc.Waited <= 0 {
		t.Errorf("error = %#v", nc)
	}
	if s == nil {
		t.Error("want the last settings read")
	}
	msg := err.Error()
	if !strings.Contains(msg, "webhookUrl, webhookUrlToken still differ") || strings.Contains(msg, hookToken) || strings.Contains(msg, "hooks.example.test") {
		t.Errorf("message should name fields and no values: %q", msg)
	}
}

func TestWaitForSettings_stopsOnPermanentError(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base)
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 401})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.WaitForSettings(ctx, nil, SettingsUpdate{IncomingWebhook: ptr(true)})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 || ctx.Err() != nil {
		t.Fatalf("err = %v, want the 401 before the deadline", err)
	}
}

func TestReceiveNotification_emptyQueueReturnsNil(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockapi.Options{})
	var query string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		query = r.URL.RawQuery
		return http.DefaultTransport.RoundTrip(r)
	})}
	// The request timeout (1s) is shorter than receiveTimeout (5s): the long
	// poll must still run its course in one attempt.
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.HTTPClient = hc; cfg.RequestTimeout = time.Second })

	start := time.Now()
	n, err := c.ReceiveNotification(context.Background(), MinReceiveTimeout)
	if err != nil || n != nil {
		t.Fatalf("ReceiveNotification = %v, %v; want nil, nil", n, err)
	}
	if waited := time.Since(start); waited < MinReceiveTimeout {
		t.Errorf("returned after %v, before receiveTimeout", waited)
	}
	if query != "receiveTimeout=5" {
		t.Errorf("query = %q, want receiveTimeout=5", query)
	}
	rs := requests(t, srv)
	if len(rs) != 1 || rs[0].Status != 200 || rs[0].Path != "/waInstance1101000001/receiveNotification/***" {
		t.Errorf("request log = %+v, want one 200", rs)
	}
}

func TestReceiveNotification_headComesBackUntilDeleted(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base)
	ctx := context.Background()
	body := `{"typeWebhook":"incomingMessageReceived","idMessage":"ABC123"}`
	rid, err := srv.Enqueue(testID, []byte(body))
	if err != nil {
		t.Fatal(err)
	}

	n, err := c.ReceiveNotification(ctx, 0)
	if err != nil || n == nil {
		t.Fatalf("ReceiveNotification = %v, %v", n, err)
	}
	if n.ReceiptID != rid || !strings.Contains(string(n.Body), `"idMessage":"ABC123"`) {
		t.Errorf("got %d %s, want %d %s", n.ReceiptID, n.Body, rid, body)
	}
	again, err := c.ReceiveNotification(ctx, 0)
	if err != nil || again == nil || again.ReceiptID != rid {
		t.Fatalf("the head should come back until deleted: %v, %v", again, err)
	}

}

// TestReceiveNotification_pushModeIsQueueClosed: in push mode GreenWaba
// refuses the read (D14); the error says so in its words, IsQueueClosed
// recognises it, and no other 400 passes for it.
func TestReceiveNotification_pushModeIsQueueClosed(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base)
	if _, err := srv.Enqueue(testID, []byte(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
		t.Fatal(err)
	}
	if err := srv.EditSettings(testID, map[string]any{"webhookUrl": "http://127.0.0.1:1/hook"}); err != nil {
		t.Fatal(err)
	}
	n, err := c.ReceiveNotification(context.Background(), 0)
	if n != nil || !IsQueueClosed(err) {
		t.Fatalf("ReceiveNotification = %v, %v; want the closed-queue error", n, err)
	}
	const want = "GreenWaba receiveNotification for instance 1101000001 answered HTTP 400 Bad Request: " +
		"Message cannot be received because custom webhook url is set. Please clear webhook url and wait for about 1 minute"
	if err.Error() != want {
		t.Errorf("message = %q, want %q", err, want)
	}

	for name, other := range map[string]error{
		"another 400":          &APIError{Method: "setSettings", StatusCode: 400, Body: "bad request data: webhookUrl must be \"\" or an absolute http or https URL"},
		"the reboot's 400":     &APIError{Method: MethodReceiveNotification, StatusCode: 400, Body: startingText},
		"the text, not a 400":  &APIError{Method: MethodReceiveNotification, StatusCode: 500, Body: "custom webhook url is set"},
		"the text in a 200":    &APIError{Method: MethodReceiveNotification, StatusCode: 400, InBody: true, Body: "custom webhook url is set"},
		"not a GreenWaba call": errors.New("custom webhook url is set"),
		"nil":                  nil,
	} {
		if IsQueueClosed(other) {
			t.Errorf("IsQueueClosed(%s) = true", name)
		}
	}
	if wrapped := fmt.Errorf("read: %w", err); !IsQueueClosed(wrapped) {
		t.Error("IsQueueClosed does not see through wrapping")
	}
}

// TestClient_secretsNeverInErrorsOrLogs drives every error path with the
// API token and a webhook token in play and checks neither is printed.
func TestClient_secretsNeverInErrorsOrLogs(t *testing.T) {
	const wrongToken = "wrongTOKENabcdef0123456789"
	srv, base := startMock(t, mockapi.Options{})
	if err := srv.EditSettings(testID, map[string]any{"webhookUrlToken": hookToken}); err != nil {
		t.Fatal(err)
	}
	refused := refusingURL(t)

	rec := &recorder{}
	client := func(mod func(*Config)) *Client {
		cfg := Config{APIURL: base, IDInstance: testID, Token: testToken, Retry: RetryPolicy{MaxRetries: 1, MinWait: time.Millisecond, MaxWait: 5 * time.Millisecond}, Pacer: unpaced(), Log: rec.log}
		if mod != nil {
			mod(&cfg)
		}
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := client(nil)
	get := func(c *Client) func() error {
		return func() error { _, err := c.GetSettings(context.Background()); return err }
	}
	fault := func(f mockapi.Fault, call func() error) func() error {
		return func() error { addFault(t, srv, f); return call() }
	}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	paths := map[string]func() error{
		"400 with webhook token": func() error {
			return c.SetSettings(context.Background(), SettingsUpdate{WebhookURL: ptr("ftp://" + hookToken), WebhookURLToken: ptr(hookToken)})
		},
		"401":           get(client(func(cfg *Config) { cfg.Token = wrongToken })),
		"403":           get(client(func(cfg *Config) { cfg.IDInstance = 42 })),
		"404":           fault(mockapi.Fault{Method: "getSettings", Status: 404}, get(c)),
		"429 exhausted": fault(mockapi.Fault{Method: "getSettings", Status: 429, Count: 2}, get(c)),
		"500 exhausted": fault(mockapi.Fault{Method: "getSettings", Status: 500, Count: 2}, get(c)),
		// A fresh client: net/http itself replays a GET whose reused
		// connection drops, which would eat a fault.
		"dropped":             fault(mockapi.Fault{Method: "getSettings", Drop: true, Count: 2}, get(client(nil))),
		"refused":             get(client(func(cfg *Config) { cfg.APIURL = refused })),
		"timeout":             fault(mockapi.Fault{Method: "getSettings", DelayMs: 2000, Count: 2}, get(client(func(cfg *Config) { cfg.RequestTimeout = 50 * time.Millisecond }))),
		"not JSON":            fault(mockapi.Fault{Method: "getSettings", Status: 200}, get(c)),
		"cancelled":           func() error { _, err := c.GetSettings(cancelled); return err },
		"bad receive timeout": func() error { _, err := c.ReceiveNotification(context.Background(), time.Hour); return err },
		"not converged": func() error {
			// Another account: a poll still in flight at the deadline must not take the next path's fault.
			if err := srv.CreateInstance(testID+1, testToken); err != nil {
				return err
			}
			other := client(func(cfg *Config) { cfg.IDInstance = testID + 1 })
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			_, err := other.WaitForSettings(ctx, nil, SettingsUpdate{WebhookURLToken: ptr("other-" + hookToken)})
			return err
		},
	}
	// Successful reads log bodies with webhookUrlToken in them (D9).
	if _, err := c.GetSettings(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, name := range slices.Sorted(maps.Keys(paths)) {
		err := paths[name]()
		// A fault the path armed but did not meet (an attempt that timed out before it reached the mock) must
		// not answer the next path's call.
		srv.ClearFaults()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			for _, secret := range []string{testToken, wrongToken, hookToken} {
				if strings.Contains(text, secret) {
					t.Errorf("%s: error contains a secret: %s", name, text)
				}
			}
		}
	}

	lines := rec.all()
	var sawBody, sawMaskedURL bool
	for _, l := range lines {
		text := l.String()
		for _, secret := range []string{testToken, wrongToken, hookToken} {
			if strings.Contains(text, secret) {
				t.Errorf("log line contains a secret: %s", text)
			}
		}
		sawBody = sawBody || strings.Contains(text, `"webhookUrlToken":"***"`)
		sawMaskedURL = sawMaskedURL || strings.Contains(text, "/waInstance1101000001/getSettings/***")
	}
	if len(lines) < len(paths) || !sawBody || !sawMaskedURL {
		t.Errorf("logging not exercised: %d lines, masked body %t, masked URL %t", len(lines), sawBody, sawMaskedURL)
	}
}

// TestSetSettings_writeTakenAfterItsTimeoutIsNotSentAgain: GreenWaba takes a write only after the client gave
// up waiting for its answer. The check for whether it was saved (D20) keeps asking for another request timeout,
// sees the late write and does not send it again: one write, one reboot.
func TestSetSettings_writeTakenAfterItsTimeoutIsNotSentAgain(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base, func(cfg *Config) {
		cfg.RequestTimeout = 300 * time.Millisecond
		cfg.Pacer = NewPacer() // the check's calls at the account's real pace, as in the provider
	})
	addFault(t, srv, mockapi.Fault{Method: "setSettings", DelayMs: 600}) // taken 300 ms after the client gave up

	if err := c.SetSettings(context.Background(), SettingsUpdate{IncomingWebhook: ptr(true)}); err != nil {
		t.Fatalf("SetSettings: %v", err)
	}
	info, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	if info.SettingsWrites != 1 {
		t.Errorf("the account saw %d writes, want 1", info.SettingsWrites)
	}
}
