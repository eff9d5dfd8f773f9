package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// Tests of issue 18: one write per change in every failure.

// TestSetSettings_writeSavedAfterTheGatewayAnsweredIsNotSentAgain (item 1): the API saves a write 300 ms after
// a gateway answered 502 or 504, or cut the connection. The check keeps asking for a request timeout after the
// failure, sees the late write, and does not send it again.
func TestSetSettings_writeSavedAfterTheGatewayAnsweredIsNotSentAgain(t *testing.T) {
	for _, f := range []mockapi.Fault{
		{Method: "setSettings", Status: http.StatusGatewayTimeout, ProcessAfterMs: 300},
		{Method: "setSettings", Status: http.StatusBadGateway, ProcessAfterMs: 300},
		{Method: "setSettings", Drop: true, ProcessAfterMs: 300},
	} {
		t.Run(fmt.Sprintf("status %d drop %t", f.Status, f.Drop), func(t *testing.T) {
			srv, base := startMock(t, mockapi.Options{})
			c, _ := newTestClient(t, base, func(cfg *Config) {
				cfg.RequestTimeout = 2 * time.Second
				cfg.Pacer = newPacer(realClock{}, map[string]int{"getSettings": 20, "getStateInstance": 20})
			})
			addFault(t, srv, f)
			if err := c.SetSettings(context.Background(), SettingsUpdate{IncomingWebhook: ptr(true)}); err != nil {
				t.Fatalf("SetSettings: %v", err)
			}
			if n := countMethod(requests(t, srv), "setSettings"); n != 1 {
				t.Errorf("setSettings sent %d times, want 1", n)
			}
		})
	}
}

// TestConverge_waitsForAnEarlierWriteToApply (item 2): while an earlier write's reboot is on, Converge neither
// reads the pending values as drift nor writes again; when its deadline ends first, it says so and has sent
// nothing.
func TestConverge_waitsForAnEarlierWriteToApply(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{ApplyDelay: 2 * time.Second})
	c, _ := newTestClient(t, base, func(cfg *Config) {
		cfg.Pacer = newPacer(realClock{}, map[string]int{"getSettings": 10, "getStateInstance": 10})
	})
	want := SettingsUpdate{WebhookURL: ptr("https://hooks.example.test/wa"), IncomingWebhook: ptr(true)}
	if err := c.SetSettings(context.Background(), want); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	err := c.Converge(ctx, want, false)
	cancel()
	var sa *StillApplyingError
	if !errors.As(err, &sa) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no new write was sent") {
		t.Fatalf("err = %v, want a *StillApplyingError", err)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.Converge(ctx, want, false); err != nil {
		t.Fatalf("Converge: %v", err)
	}
	info, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	if info.SettingsWrites != 1 {
		t.Errorf("the account saw %d writes, want 1", info.SettingsWrites)
	}
}

// TestWaitForSettings_aPollThatTimesOutDoesNotEndTheWait (item 3): one poll whose attempts time out is a poll
// that failed, not the end of the operation's deadline.
func TestWaitForSettings_aPollThatTimesOutDoesNotEndTheWait(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base, func(cfg *Config) {
		cfg.RequestTimeout = 200 * time.Millisecond
		cfg.Retry.MaxRetries = -1 // the poll is one attempt: its timeout fails it
	})
	want := SettingsUpdate{IncomingWebhook: ptr(true)}
	if err := c.SetSettings(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	addFault(t, srv, mockapi.Fault{Method: "getSettings", DelayMs: 1000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := c.WaitForSettings(ctx, nil, want); err != nil {
		t.Fatalf("WaitForSettings: %v", err)
	}
	if !transient(&APIError{Method: "getSettings", Err: context.DeadlineExceeded, TimedOut: true}) {
		t.Error("an attempt's timeout is not transient")
	}
}

// hangingDial is a dialer whose connections never open: a connect timeout.
func hangingDial(ctx context.Context, _, _ string) (net.Conn, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestSetSettings_connectTimeoutCannotHaveBeenSaved (item 4): a write whose connection never opened was not
// written, so it is not "may have been saved" and needs no check.
func TestSetSettings_connectTimeoutCannotHaveBeenSaved(t *testing.T) {
	f, base := newFakeAPI(t)
	var dials atomic.Int32
	tr := cleanhttp.DefaultPooledTransport()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return hangingDial(ctx, network, addr)
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	c, _ := newTestClient(t, base, func(cfg *Config) {
		cfg.HTTPClient = &http.Client{Transport: tr}
		cfg.RequestTimeout = 200 * time.Millisecond
	})
	if err := c.SetSettings(context.Background(), SettingsUpdate{IncomingWebhook: ptr(true)}); err != nil {
		t.Fatalf("SetSettings: %v", err)
	}
	if n := f.count("getStateInstance"); n != 0 {
		t.Errorf("getStateInstance sent %d times: a write that never reached a connection was checked as may-be-saved", n)
	}
	if n := f.count("setSettings"); n != 1 {
		t.Errorf("setSettings reached the API %d times, want 1", n)
	}

	// Without retries the error says the write was not saved.
	tr2 := cleanhttp.DefaultPooledTransport()
	tr2.DialContext = hangingDial
	c, _ = newTestClient(t, base, func(cfg *Config) {
		cfg.HTTPClient = &http.Client{Transport: tr2}
		cfg.RequestTimeout = 200 * time.Millisecond
		cfg.Retry.MaxRetries = -1
	})
	err := c.SetSettings(context.Background(), SettingsUpdate{IncomingWebhook: ptr(true)})
	var we *WriteError
	var ae *APIError
	if !errors.As(err, &we) || !errors.As(err, &ae) || we.MayBeSaved || ae.TimedOut {
		t.Errorf("err = %v, want a WriteError of an APIError, neither MayBeSaved nor TimedOut", err)
	}
}

// TestBackoff_longWaitsDoNotOverflow (item 5): doubling a long MinWait stays at the ceiling.
func TestBackoff_longWaitsDoNotOverflow(t *testing.T) {
	c := &Client{retry: RetryPolicy{MinWait: time.Hour, MaxWait: 10000 * time.Hour}, clock: realClock{}}
	for n := 1; n <= 70; n++ {
		d, _ := c.backoff(n, answer{}, c.retry.MaxWait)
		if d < time.Hour || d > 12500*time.Hour {
			t.Fatalf("backoff(%d) = %s, want between MinWait and MaxWait plus a quarter", n, d)
		}
	}
}

// TestWaitForSettings_namesOnlyTheSettingsTheWriteChanged (item 6): when no poll succeeded, the settings that
// still differ are those the write changed, not all it sent.
func TestWaitForSettings_namesOnlyTheSettingsTheWriteChanged(t *testing.T) {
	srv, base := startMock(t, mockapi.Options{})
	c, _ := newTestClient(t, base, func(cfg *Config) {
		cfg.Retry.MaxRetries = -1
		cfg.Pacer = newPacer(realClock{}, map[string]int{"getSettings": 20})
	})
	old, err := c.GetSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := old.full()
	want.WebhookURL = ptr("https://hooks.example.test/wa")
	addFault(t, srv, mockapi.Fault{Method: "getSettings", Status: 500, Count: 100})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = c.WaitForSettings(ctx, old, want)
	var nc *NotConvergedError
	if !errors.As(err, &nc) {
		t.Fatalf("err = %v, want *NotConvergedError", err)
	}
	if got := fmt.Sprint(nc.Fields); got != "[webhookUrl]" {
		t.Errorf("Fields = %s, want [webhookUrl]", got)
	}
	if !strings.Contains(err.Error(), "webhookUrl still differs") {
		t.Errorf("message = %q, want it to say webhookUrl still differs", err)
	}
}
