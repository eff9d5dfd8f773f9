package mockapi

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestRouting covers D1, D3, D4, D5 and the parameter errors of D10/D11.
func TestRouting(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{LongPollCap: 1})
	m.enqueue(notif("incomingMessageReceived", 1))
	wa := "/waInstance1101000001/"
	cases := []struct {
		name   string
		verb   string
		path   string
		status int
		body   string // exact body for errors; prefix for JSON answers
	}{
		{"getSettings", "GET", api("getSettings"), 200, `{"wid":"1101000001@c.us"`},
		{"method is case-insensitive", "GET", api("GetSettings"), 200, `{"wid":`},
		{"method upper case", "GET", api("GETSETTINGS"), 200, `{"wid":`},
		{"trailing slash", "GET", api("getSettings") + "/", 200, `{"wid":`},
		{"getStateInstance", "GET", api("getStateInstance"), 200, `{"stateInstance":"authorized"}`},
		{"receiveNotification", "GET", api("receiveNotification"), 200, `{"receiptId":1,`},
		{"non-integer id", "GET", "/waInstanceabc/getSettings/" + testToken, 400, "Parameter idInstance not an integer"},
		{"empty id", "GET", "/waInstance/getSettings/" + testToken, 400, "Parameter idInstance not an integer"},
		{"negative id", "GET", "/waInstance-1/getSettings/" + testToken, 400, "Parameter idInstance not an integer"},
		{"id too large", "GET", "/waInstance99999999999999999999/getSettings/" + testToken, 400, "Parameter idInstance not an integer"},
		{"unknown id", "GET", "/waInstance1101999999/getSettings/" + testToken, 403, "Forbidden"},
		{"unknown id wins over bad method", "GET", "/waInstance1101999999/nope/x", 403, "Forbidden"},
		{"wrong token", "GET", wa + "getSettings/" + testToken + "x", 401, "Unauthorized"},
		{"token prefix", "GET", wa + "getSettings/" + testToken[:10], 401, "Unauthorized"},
		{"no token", "GET", wa + "getSettings", 401, "Unauthorized"},
		{"empty token", "GET", wa + "getSettings/", 401, "Unauthorized"},
		{"wrong token wins over unknown method", "GET", wa + "sendMessage/bad", 401, "Unauthorized"},
		{"wrong verb getSettings", "POST", api("getSettings"), 404, "Not Found"},
		{"wrong verb setSettings", "GET", api("setSettings"), 404, "Not Found"},
		{"wrong verb receive", "DELETE", api("receiveNotification"), 404, "Not Found"},
		{"wrong verb delete", "GET", api("deleteNotification", "1"), 404, "Not Found"},
		{"wrong verb clear", "GET", api("clearWebhooksQueue"), 404, "Not Found"},
		{"wrong verb state", "POST", api("getStateInstance"), 404, "Not Found"},
		{"unknown method", "GET", api("sendMessage"), 404, "Not Found"},
		{"out-of-scope method", "GET", api("reboot"), 404, "Not Found"},
		{"extra segment", "GET", api("getSettings", "extra"), 404, "Not Found"},
		{"not a GreenWaba path", "GET", "/", 404, "Not Found"},
		{"v3 prefix", "GET", "/v3" + api("getSettings"), 404, "Not Found"},
		{"control prefix without slash", "GET", "/mock/v1", 404, "Not Found"},
		{"delete without receipt", "DELETE", api("deleteNotification"), 400, "Parameter receiptId must be a Number"},
		{"delete empty receipt", "DELETE", api("deleteNotification", ""), 400, "Parameter receiptId must be a Number"},
		{"delete non-numeric receipt", "DELETE", api("deleteNotification", "abc"), 400, "Parameter receiptId must be a Number"},
		{"delete negative receipt", "DELETE", api("deleteNotification", "-1"), 400, "Parameter receiptId must be a Number"},
		{"delete fractional receipt", "DELETE", api("deleteNotification", "1.5"), 400, "Parameter receiptId must be a Number"},
		{"receiveTimeout too small", "GET", api("receiveNotification") + "?receiveTimeout=4", 400, "bad request data: receiveTimeout must be an integer from 5 to 60"},
		{"receiveTimeout too large", "GET", api("receiveNotification") + "?receiveTimeout=61", 400, "bad request data: receiveTimeout must be an integer from 5 to 60"},
		{"receiveTimeout not integer", "GET", api("receiveNotification") + "?receiveTimeout=abc", 400, "bad request data: receiveTimeout must be an integer from 5 to 60"},
		{"receiveTimeout fractional", "GET", api("receiveNotification") + "?receiveTimeout=5.5", 400, "bad request data: receiveTimeout must be an integer from 5 to 60"},
		{"receiveTimeout empty", "GET", api("receiveNotification") + "?receiveTimeout=", 400, "bad request data: receiveTimeout must be an integer from 5 to 60"},
		{"receiveTimeout bounds 5", "GET", api("receiveNotification") + "?receiveTimeout=5", 200, `{"receiptId":1,`},
		{"receiveTimeout bounds 60", "GET", api("receiveNotification") + "?receiveTimeout=60", 200, `{"receiptId":1,`},
		{"malformed query", "GET", api("receiveNotification") + "?receiveTimeout=%zz", 400, "bad request data: malformed query"},
		{"other query ignored", "GET", api("receiveNotification") + "?x=1", 200, `{"receiptId":1,`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := m.do(tc.verb, tc.path, "")
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d (body %q)", r.status, tc.status, r.body)
			}
			if tc.status >= 400 {
				if r.body != tc.body {
					t.Errorf("body = %q, want %q", r.body, tc.body)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("Content-Type = %q, want text/plain", ct)
				}
			} else {
				if !strings.HasPrefix(r.body, tc.body) {
					t.Errorf("body = %q, want prefix %q", r.body, tc.body)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/json" {
					t.Errorf("Content-Type = %q, want application/json", ct)
				}
			}
			if strings.ContainsAny(r.body, "\r\n") {
				t.Errorf("body is not one line: %q", r.body)
			}
			if strings.Contains(r.body, testToken) {
				t.Errorf("body echoes the token")
			}
		})
	}
}

func TestTokenIsComparedByValueNotPrefix(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	if err := m.srv.CreateInstance(otherID, otherTok); err != nil {
		t.Fatal(err)
	}
	// Another account's valid token is still the wrong token.
	r := m.do("GET", "/waInstance1101000001/getSettings/"+otherTok, "")
	if r.status != 401 {
		t.Fatalf("status = %d, want 401", r.status)
	}
	r = m.do("GET", "/waInstance1101000002/getSettings/"+otherTok, "")
	if r.status != 200 || !strings.Contains(r.body, `"wid":"1101000002@c.us"`) {
		t.Fatalf("other account: %d %s", r.status, r.body)
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	t.Parallel()
	hs := NewHTTPServer(http.NotFoundHandler())
	if hs.ReadHeaderTimeout != defaultReadHeaderTimeout || hs.IdleTimeout <= 0 || hs.ReadTimeout <= 0 {
		t.Fatalf("timeouts not set: %+v", hs)
	}
	if hs.WriteTimeout <= maxReceiveTimeout*time.Second {
		t.Fatalf("WriteTimeout %v would cut a 60 s long poll", hs.WriteTimeout)
	}
}

// TestStartCutsOffSlowHeaders: a client that stops halfway through its
// request line is disconnected once ReadHeaderTimeout passes, so it cannot
// hold a connection. The timeout is shortened to 50ms; the read deadline,
// well below the 5 s default, only bounds a failing test.
func TestStartCutsOffSlowHeaders(t *testing.T) {
	t.Parallel()
	_, base := startTest(t, Options{readHeaderTimeout: 50 * time.Millisecond})
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /mock/v1/healthz HT"); err != nil {
		t.Fatal(err)
	}
	if err := conn.SetReadDeadline(time.Now().Add(defaultReadHeaderTimeout / 2)); err != nil {
		t.Fatal(err)
	}
	// ReadAll returns nil at EOF: the server closed the connection.
	got, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("the server kept the half-sent request open: %v", err)
	}
	if strings.Contains(string(got), "200 OK") {
		t.Fatalf("the server answered a request it never fully got: %q", got)
	}
}

func TestStartServesOnLoopback(t *testing.T) {
	t.Parallel()
	_, base := startTest(t, Options{})
	host, _, err := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	if err != nil || host != "127.0.0.1" {
		t.Fatalf("base URL %q is not on 127.0.0.1", base)
	}
	resp, err := http.Get(base + "/mock/v1/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
}

func TestStopIsIdempotentAndReleasesPort(t *testing.T) {
	t.Parallel()
	_, base, stop, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	stop()
	stop()
	if resp, err := http.Get(base + "/mock/v1/healthz"); err == nil {
		resp.Body.Close()
		t.Fatalf("server still answers after stop: %d", resp.StatusCode)
	}
}
