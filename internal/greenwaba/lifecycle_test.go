package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// TestPacer_oneTurnPerAccountAndMethod: each account and method has its own
// limiter (D15), the first turn of each comes a paced interval after the
// Pacer was made (another process may just have called), a one-a-second
// method's next turn comes a second after the previous request's answer, and
// a faster method's turns are spaced from their starts.
func TestPacer_oneTurnPerAccountAndMethod(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_000_000, 0)}
	p := newPacer(clk, methodLimits)
	start := clk.now()
	ctx := context.Background()
	step := time.Second + oneMargin
	fast := (time.Second + manyMargin) / 100
	at := func() time.Duration { return clk.now().Sub(start) }
	turn := func(account, method string, took time.Duration) (first bool) {
		t.Helper()
		done, first, err := p.turn(ctx, account, method)
		if err != nil {
			t.Fatal(err)
		}
		_ = clk.sleep(ctx, took) // the request's own time
		done()
		return first
	}

	for _, tc := range []struct {
		account, method string
		took            time.Duration // how long the request takes
		want            time.Duration // time after start when the turn comes
		first           bool          // the process's first call of the method for the account
	}{
		{"a1", "getSettings", 0, 0, true},                              // nothing before it in this process
		{"a1", "getSettings", 300 * time.Millisecond, step, false},     // one a second
		{"a1", "getSettings", 0, 2*step + 300*time.Millisecond, false}, // a second after the last answer
		{"a1", "setSettings", 0, 2*step + 300*time.Millisecond, true},  // another method: its own turn, already due
		{"a2", "getSettings", 0, 2*step + 300*time.Millisecond, true},  // another account: likewise
		{"a1", "receiveNotification", 5 * time.Second, 2*step + 300*time.Millisecond, true},
		{"a1", "receiveNotification", 0, 2*step + 300*time.Millisecond + 5*time.Second, false}, // spaced from its start: long due
		{"a1", "receiveNotification", 0, 2*step + 300*time.Millisecond + 5*time.Second + fast, false},
		{"a1", "clearWebhooksQueue", 0, 2*step + 300*time.Millisecond + 5*time.Second + fast, false}, // not paced
	} {
		if first := turn(tc.account, tc.method, tc.took); first != tc.first {
			t.Errorf("%s %s: first = %t, want %t", tc.account, tc.method, first, tc.first)
		}
		if got := clk.now().Add(-tc.took).Sub(start); got != tc.want {
			t.Errorf("%s %s: turn at %v, want %v", tc.account, tc.method, got, tc.want)
		}
	}

	// A one-a-second method waits for the request in flight.
	done, _, err := p.turn(ctx, "a3", "getSettings")
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := p.turn(cancelled, "a3", "getSettings"); !errors.Is(err, context.Canceled) {
		t.Errorf("a second request during the first = %v, want it held until its context ended", err)
	}
	done()

	// A turn beyond the deadline is not waited for, and not taken.
	short, cancelShort := context.WithDeadline(ctx, clk.now().Add(step/2))
	defer cancelShort()
	if _, _, err := p.turn(short, "a3", "getSettings"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("turn past the deadline = %v", err)
	}
	before := at()
	turn("a3", "getSettings", 0)
	if at()-before != step {
		t.Errorf("after a refused turn the next came %v later, want %v", at()-before, step)
	}
}

// TestPacer_realLimitsSeeNo429: clients sharing one Pacer, calling one
// account concurrently with every paced method, are never rate limited by
// the mock's real limits (D15), Retry-After or not.
func TestPacer_realLimitsSeeNo429(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockapi.Options{RateLimits: true})
	p := NewPacer()
	var clients []*Client
	for range 3 {
		c, _ := newTestClient(t, base, func(cfg *Config) { cfg.Pacer = p; cfg.Retry.MaxRetries = -1 })
		clients = append(clients, c)
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for range 2 {
				if _, err := c.GetSettings(ctx); err != nil {
					t.Error(err)
				}
				if _, err := c.stateInstance(ctx); err != nil {
					t.Error(err)
				}
				if err := c.SetSettings(ctx, SettingsUpdate{IncomingWebhook: ptr(i%2 == 0)}); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	for _, r := range requests(t, srv) {
		if r.Status != http.StatusOK {
			t.Errorf("%s answered %d", r.Method, r.Status)
		}
	}
}

// TestClient_oneDeadline: a read that meets 503s keeps retrying for as long
// as its context allows, and nothing else ends it: with a 4-minute deadline
// it is still trying after 2.5 minutes (Retry-After 40s and the default
// retries), and with many retries allowed it runs up to the deadline. A
// fake clock stands in for the minutes.
func TestClient_oneDeadline(t *testing.T) {
	for _, tc := range []struct {
		name       string
		retryAfter string
		retries    int
		atLeast    time.Duration // of retrying before the call ends
	}{
		{"Retry-After 40s, default retries", "40", 0, 150 * time.Second},
		{"backoff, 1000 retries", "", 1000, 3 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var attempts int
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				attempts++
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
			}))
			t.Cleanup(ts.Close)
			clk := &fakeClock{t: time.Now()}
			c, _ := newTestClient(t, ts.URL, func(cfg *Config) {
				cfg.Pacer = newPacer(clk, methodLimits)
				cfg.Retry = RetryPolicy{MaxRetries: tc.retries}
			})
			start := clk.now()
			ctx, cancel := context.WithDeadline(context.Background(), start.Add(4*time.Minute))
			defer cancel()

			_, err := c.GetSettings(ctx)
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != http.StatusServiceUnavailable || ae.Attempts != attempts {
				t.Fatalf("err = %v after %d attempts, want the 503", err, attempts)
			}
			if took := clk.now().Sub(start); took < tc.atLeast || took > 4*time.Minute {
				t.Errorf("gave up after %v (%d attempts), want at least %v and within the 4m deadline", took, attempts, tc.atLeast)
			}
		})
	}
}

// TestClient_startingIsTransient (D18): the reboot's 400 is retried for
// every call, the write included; any other 400 is permanent.
func TestClient_startingIsTransient(t *testing.T) {
	f, base := newFakeAPI(t)
	c, _ := newTestClient(t, base)
	ctx := context.Background()
	starting := fakeFault{status: 400, body: "instance in starting process try later"}
	for _, m := range []string{"getSettings", "setSettings", "getStateInstance", "receiveNotification"} {
		f.fault(m, starting, starting)
	}
	if _, err := c.GetSettings(ctx); err != nil {
		t.Errorf("GetSettings: %v", err)
	}
	if err := c.SetSettings(ctx, SettingsUpdate{IncomingWebhook: ptr(true)}); err != nil {
		t.Errorf("SetSettings: %v", err)
	}
	if _, err := c.stateInstance(ctx); err != nil {
		t.Errorf("stateInstance: %v", err)
	}
	if _, err := c.ReceiveNotification(ctx, 0); err != nil {
		t.Errorf("ReceiveNotification: %v", err)
	}
	if n := f.count("setSettings"); n != 3 || f.savedWrites() != 1 {
		t.Errorf("setSettings sent %d times, %d saved; want 3 and 1", n, f.savedWrites())
	}

	f.fault("getSettings", fakeFault{status: 400, body: "bad request data: something"})
	_, err := c.GetSettings(ctx)
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Attempts != 1 || !strings.Contains(err.Error(), "bad request data: something") {
		t.Errorf("another 400: %v, want it at once with its body", err)
	}
}

// TestClient_rebootOutlastsRetries (D18): the reboot's 400s do not use up
// max retries. With retries off, a read keeps asking every few seconds while
// the account reboots, succeeds when the reboot ends, and gives up with the
// 400 only after MaxReboot. A fake clock stands in for the minutes.
func TestClient_rebootOutlastsRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		starting int           // answers before the reboot ends; -1: never
		deadline time.Duration // of the call's context; 0: none
	}{
		{"reboot of 40 answers", 40, 0},
		{"reboot that never ends", -1, 0},
		{"reboot that outlasts the deadline", -1, 20 * time.Second},
		// The first call comes at once, its retry waits 0.5 s of backoff and then the pace, until 1.01 s, and the
		// next one until 2.02 s: the deadline ends the call in the pace's wait, after reboot answers.
		{"deadline in the pace's wait after a reboot answer", -1, 1900 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &fakeClock{t: time.Now()}
			var attempts int
			var gaps []time.Duration
			var lastAt time.Time
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				attempts++
				if !lastAt.IsZero() {
					gaps = append(gaps, clk.now().Sub(lastAt))
				}
				lastAt = clk.now()
				if tc.starting < 0 || attempts <= tc.starting {
					http.Error(w, "instance in starting process try later", http.StatusBadRequest)
					return
				}
				_, _ = w.Write([]byte(`{"stateInstance":"authorized"}`))
			}))
			t.Cleanup(ts.Close)
			c, _ := newTestClient(t, ts.URL, func(cfg *Config) {
				cfg.Pacer = newPacer(clk, methodLimits)
				cfg.Retry = RetryPolicy{MaxRetries: -1}
			})
			start := clk.now()
			ctx := context.Background()
			if tc.deadline > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, start.Add(tc.deadline))
				defer cancel()
			}
			state, err := c.stateInstance(ctx)
			for _, g := range gaps {
				if g > rebootMaxWait+rebootMaxWait/4+50*time.Millisecond {
					t.Errorf("waited %v between two reboot answers, want at most %v and jitter", g, rebootMaxWait)
				}
			}
			if tc.starting >= 0 {
				if err != nil || state != "authorized" || attempts != tc.starting+1 {
					t.Fatalf("state %q, err %v after %d attempts; want authorized after %d", state, err, attempts, tc.starting+1)
				}
				return
			}
			var ae *APIError
			if !errors.As(err, &ae) || !ae.Rebooting() || ae.Attempts != attempts {
				t.Fatalf("err = %v after %d attempts, want it to end on the reboot", err, attempts)
			}
			want := MaxReboot
			if tc.deadline > 0 {
				want = tc.deadline
			}
			if took := clk.now().Sub(start); took < want-rebootMaxWait*2 || took > want+time.Minute {
				t.Errorf("gave up after %v, want about %v", took, want)
			}
		})
	}
}

// TestClient_answersAreChecked (D19): an HTTP 200 without the method's
// shape is an error that shows it (secrets masked), never a result.
func TestClient_answersAreChecked(t *testing.T) {
	const unauthorized = `{"code":401,"description":"Unauthorized"}`
	tests := []struct {
		method, answer string
		call           func(*Client) error
		check          func(error) bool
		shows          string
	}{
		{"getSettings", unauthorized, getSettings, isUnauthorized, "error 401 Unauthorized"},
		{"getSettings", `null`, getSettings, isUnexpected, "null"},
		{"getSettings", `{}`, getSettings, isUnexpected, "{}"},
		{"getSettings", `{"webhookUrl":"","webhookUrlToken":"` + hookToken + `","incomingWebhook":"no","outgoingWebhook":"no"}`,
			getSettings, isUnexpected, `"webhookUrlToken":"***"`},
		{"getSettings", `{"webhookUrl":"","webhookUrlToken":"","incomingWebhook":"maybe","outgoingWebhook":"no","outgoingAPIMessageWebhook":"no"}`,
			getSettings, isUnexpected, "maybe"},
		{"getSettings", `<html>` + testToken + `</html>`, getSettings, isUnexpected, "<html>***</html>"},
		{"setSettings", `{"saveSettings":false}`, setSettings, isUnexpected, `{"saveSettings":false}`},
		{"setSettings", unauthorized, setSettings, isUnauthorized, "HTTP 200 carrying error 401"},
		{"getStateInstance", `{}`, stateInstance, isUnexpected, "{}"},
		{"receiveNotification", `{"receiptId":1}`, receive, isUnexpected, `{"receiptId":1}`},
		{"receiveNotification", `{"receiptId":0,"body":{}}`, receive, isUnexpected, `"receiptId":0`},
		{"receiveNotification", unauthorized, receive, isUnauthorized, "401"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.answer, func(t *testing.T) {
			f, base := newFakeAPI(t)
			c, _ := newTestClient(t, base)
			f.fault(tt.method, fakeFault{status: 200, body: tt.answer})
			err := tt.call(c)
			if err == nil || !tt.check(err) {
				t.Fatalf("err = %v", err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.shows) || strings.Contains(msg, testToken) || strings.Contains(msg, hookToken) {
				t.Errorf("message %q should show %q and no secret", msg, tt.shows)
			}
			if n := f.count(tt.method); n != 1 {
				t.Errorf("%s sent %d times, want 1", tt.method, n)
			}
		})
	}
}

func getSettings(c *Client) error {
	s, err := c.GetSettings(context.Background())
	if err == nil {
		return fmt.Errorf("got settings %v", s)
	}
	return err
}

func setSettings(c *Client) error {
	return c.SetSettings(context.Background(), SettingsUpdate{IncomingWebhook: ptr(true)})
}

func stateInstance(c *Client) error {
	_, err := c.stateInstance(context.Background())
	return err
}

func receive(c *Client) error {
	_, err := c.ReceiveNotification(context.Background(), 0)
	return err
}

func isUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

func isUnexpected(err error) bool {
	var ue *UnexpectedAnswerError
	return errors.As(err, &ue)
}

// TestSetSettings_ambiguousWrites (D20): after a failure that may follow a
// saved write, the client asks the account and writes again only when the
// write was not saved, at most maxWrites times; failures that cannot follow
// a saved write are retried as any call. A failed call's error counts the
// attempts of every write and its *WriteError says what became of the write:
// NotSaved when every check found it not saved, MayBeSaved when a check failed.
func TestSetSettings_ambiguousWrites(t *testing.T) {
	bad502 := fakeFault{status: 502, body: "Bad Gateway"}
	unauthorized := fakeFault{status: 401, body: "Unauthorized"}
	// outcome is what the error of a failed call says; nil for a call that succeeds.
	type outcome struct {
		writes, attempts     int
		mayBeSaved, notSaved bool
	}
	tests := []struct {
		name   string
		reboot bool // saved writes leave the account starting
		faults []fakeFault
		checks []fakeFault // getStateInstance faults
		sent   int         // setSettings requests
		want   *outcome
	}{
		{"502 before processing: written again", false, []fakeFault{bad502}, nil, 2, nil},
		{"502 ×2 before processing: written a third time", false, []fakeFault{bad502, bad502}, nil, 3, nil},
		{"502 ×3 before processing: gives up, none saved", false, []fakeFault{bad502, bad502, bad502}, nil, 3,
			&outcome{writes: 3, attempts: 3, notSaved: true}},
		{"429 within a write: the attempts of every write count", false, []fakeFault{bad502, {status: 429}, bad502, bad502}, nil, 4,
			&outcome{writes: 3, attempts: 4, notSaved: true}},
		{"502, the check fails: may have been saved", false, []fakeFault{bad502}, []fakeFault{unauthorized}, 1,
			&outcome{writes: 1, attempts: 1, mayBeSaved: true}},
		{"drop before processing: written again", false, []fakeFault{{drop: true}}, nil, 2, nil},
		{"502 after processing, values show: not written again", false, []fakeFault{{status: 502, processed: true}}, nil, 1, nil},
		{"drop after processing, account starting: not written again", true, []fakeFault{{drop: true, processed: true}}, nil, 1, nil},
		{"500 after processing, account starting: not written again", true, []fakeFault{{status: 500, processed: true}}, nil, 1, nil},
		{"429 and 503: certainly not saved, retried", false, []fakeFault{{status: 429}, {status: 503}}, nil, 3, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, base := newFakeAPI(t)
			// The check after a write that may have been saved lasts a request timeout.
			c, rec := newTestClient(t, base, func(cfg *Config) { cfg.RequestTimeout = 100 * time.Millisecond })
			if tt.reboot {
				f.reboot()
			}
			f.fault("setSettings", tt.faults...)
			f.fault("getStateInstance", tt.checks...)
			err := c.SetSettings(context.Background(), SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa"), WebhookURLToken: ptr(hookToken)})
			if (err != nil) != (tt.want != nil) {
				t.Fatalf("err = %v, want error %t", err, tt.want != nil)
			}
			if tt.want != nil {
				var we *WriteError
				var ae *APIError
				if !errors.As(err, &we) || !errors.As(err, &ae) {
					t.Fatalf("err = %v, want a WriteError of an APIError", err)
				}
				if ae.Attempts != we.Attempts {
					t.Errorf("the APIError counts %d attempts, the WriteError %d", ae.Attempts, we.Attempts)
				}
				got := outcome{writes: we.Writes, attempts: we.Attempts, mayBeSaved: we.MayBeSaved, notSaved: we.NotSaved}
				if got != *tt.want {
					t.Errorf("err = %v: %+v, want %+v", err, got, *tt.want)
				}
			}
			if n := f.count("setSettings"); n != tt.sent {
				t.Errorf("setSettings sent %d times, want %d", n, tt.sent)
			}
			if n := f.savedWrites(); n != 1 && tt.want == nil {
				t.Errorf("%d writes saved, want 1", n)
			}
			for _, l := range rec.all() {
				if strings.Contains(l.String(), hookToken) {
					t.Errorf("log line shows the webhook token: %s", l)
				}
			}
		})
	}
}

// TestWaitForSettings_changedElsewhere (issue 11): a value that is neither
// the one before the write nor the one written means someone else changed
// the account; the wait ends at the next poll and names the setting only.
func TestWaitForSettings_changedElsewhere(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{ApplyDelay: time.Hour})
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.Pacer = NewPacer() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	old, err := c.GetSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa"), WebhookURLToken: ptr(hookToken), IncomingWebhook: ptr(true)}
	if err := c.SetSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	if err := srv.EditSettings(testID, map[string]any{"webhookUrlToken": "console-" + hookToken}); err != nil {
		t.Fatal(err)
	}
	_, err = c.WaitForSettings(ctx, old, want)
	var ce *ChangedElsewhereError
	if !errors.As(err, &ce) || fmt.Sprint(ce.Fields) != "[webhookUrlToken]" {
		t.Fatalf("err = %v, want webhookUrlToken changed elsewhere", err)
	}
	if strings.Contains(err.Error(), hookToken) || ctx.Err() != nil {
		t.Errorf("message %q shows the token, or the wait ran to the deadline", err)
	}
	if n := countMethod(requests(t, srv), "getSettings"); n != 2 {
		t.Errorf("%d getSettings, want 2 (the read before, one poll)", n)
	}
}

// TestWaitForSettings_pollsAtTheAccountsPace: polls follow the pacer, one a
// second and a margin, not a growing backoff, and draw no 429 from real
// limits; so the wait ends within a poll of the write showing.
func TestWaitForSettings_pollsAtTheAccountsPace(t *testing.T) {
	t.Parallel()
	srv, base := startMock(t, mockapi.Options{ApplyDelay: 3 * time.Second, RateLimits: true})
	c, _ := newTestClient(t, base, func(cfg *Config) { cfg.Pacer = NewPacer(); cfg.Retry.MaxRetries = -1 })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	want := SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa")}
	if err := c.SetSettings(ctx, want); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitForSettings(ctx, nil, want); err != nil {
		t.Fatalf("WaitForSettings: %v", err)
	}
	var polls []time.Time
	for _, r := range requests(t, srv) {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("rate limited: %+v", r)
		}
		if r.Method == "getSettings" {
			polls = append(polls, r.Time)
		}
	}
	if len(polls) < 3 {
		t.Fatalf("%d polls over a 3s apply delay", len(polls))
	}
	for i := 1; i < len(polls); i++ {
		// The API's limit. (How soon the next poll comes is a matter of speed, for benchmarks, not a timed test:
		// an upper bound failed on loaded machines.)
		if gap := polls[i].Sub(polls[i-1]); gap < time.Second {
			t.Errorf("polls %d and %d are %v apart, want at least a second", i, i+1, gap)
		}
	}
}

func countMethod(rs []mockapi.RequestRecord, method string) int {
	n := 0
	for _, r := range rs {
		if r.Method == method {
			n++
		}
	}
	return n
}
