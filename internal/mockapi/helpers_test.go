package mockapi

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testID    int64 = 1101000001
	testToken       = "4f2a9c0d7e1b3a5c6d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b"
	otherID   int64 = 1101000002
	otherTok        = "other-token"
)

// fakeClock is a Clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// mock is a started Server with one account (testID/testToken) and a client.
type mock struct {
	t    *testing.T
	srv  *Server
	base string
	cli  *http.Client
}

func newMock(t *testing.T, opts Options) *mock {
	t.Helper()
	opts.changed = newSignal()
	srv, base := startTest(t, opts)
	if err := srv.CreateInstance(testID, testToken); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	t.Cleanup(tr.CloseIdleConnections)
	return &mock{t: t, srv: srv, base: base, cli: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

type response struct {
	status int
	body   string
	header http.Header
}

func (m *mock) do(verb, path, body string) response {
	m.t.Helper()
	return m.doCtx(context.Background(), verb, path, body)
}

func (m *mock) doCtx(ctx context.Context, verb, path, body string) response {
	m.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, verb, m.base+path, rd)
	if err != nil {
		m.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := m.cli.Do(req)
	if err != nil {
		m.t.Fatalf("%s %s: %v", verb, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		m.t.Fatal(err)
	}
	return response{status: resp.StatusCode, body: string(b), header: resp.Header}
}

// api builds a GreenWaba path for the test account.
func api(method string, rest ...string) string {
	p := "/waInstance" + strconv.FormatInt(testID, 10) + "/" + method + "/" + testToken
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

func (m *mock) settings() map[string]any {
	m.t.Helper()
	r := m.do("GET", api("getSettings"), "")
	if r.status != 200 {
		m.t.Fatalf("getSettings: %d %s", r.status, r.body)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(r.body), &s); err != nil {
		m.t.Fatal(err)
	}
	return s
}

func (m *mock) info(id int64) InstanceInfo {
	m.t.Helper()
	info, err := m.srv.Instance(id)
	if err != nil {
		m.t.Fatal(err)
	}
	return info
}

// enqueue queues body for the test account and returns its receipt id.
func (m *mock) enqueue(body string) int64 {
	m.t.Helper()
	rid, err := m.srv.Enqueue(testID, json.RawMessage(body))
	if err != nil {
		m.t.Fatal(err)
	}
	return rid
}

// setWebhookURL sets the test account's webhookUrl as a Console edit (push
// mode on, or off for "").
func (m *mock) setWebhookURL(url string) {
	m.t.Helper()
	if err := m.srv.EditSettings(testID, map[string]any{"webhookUrl": url}); err != nil {
		m.t.Fatal(err)
	}
}

// waitFor waits until cond holds, re-checking it each time srv signals a
// change (see signal); srv must come from newMock or have Options.changed set.
func waitFor(t testing.TB, srv *Server, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		changed := srv.changed.next()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waiting reports how many long polls are parked on the test account.
func (s *Server) waiting() int {
	a := s.account(testID)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.waiting
}

func notif(typ string, n int) string {
	return `{"typeWebhook":"` + typ + `","idMessage":"M` + strconv.Itoa(n) + `"}`
}

type receipt struct {
	ReceiptID int64           `json:"receiptId"`
	Body      json.RawMessage `json:"body"`
}

func decodeReceipt(t testing.TB, body string) *receipt {
	t.Helper()
	var r *receipt
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return r
}

// startTest is mocktest.Start for this package's own tests, which cannot
// import mocktest (it imports mockapi).
func startTest(t testing.TB, opts Options) (*Server, string) {
	t.Helper()
	srv, baseURL, stop, err := Start(opts)
	if err != nil {
		t.Fatalf("start mock GreenWaba API: %v", err)
	}
	t.Cleanup(stop)
	return srv, baseURL
}
