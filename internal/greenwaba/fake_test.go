package greenwaba

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// unpaced is a Pacer that lets every call through, for tests against a
// server without rate limits.
func unpaced() *Pacer { return newPacer(realClock{}, nil) }

// fakeClock is time that moves only when the client sleeps.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.t = f.t.Add(max(d, 0))
	f.mu.Unlock()
	return nil
}

// fakeFault is one scripted answer of fakeAPI.
type fakeFault struct {
	status    int    // 0: the normal answer
	body      string // answer body with status
	processed bool   // setSettings: save the write first
	drop      bool   // close the connection without an answer
}

// fakeAPI is one GreenWaba account acting out what greenwaba-mock cannot
// (yet): faults after a write was processed, a reboot that stays on, odd
// answers. Unscripted calls answer as GreenWaba does.
type fakeAPI struct {
	mu       sync.Mutex
	settings map[string]string
	starting bool // a saved write leaves the account starting (its apply delay)
	pending  map[string]string
	saved    int            // writes saved
	calls    map[string]int // requests per method
	faults   map[string][]fakeFault
}

func newFakeAPI(t *testing.T) (*fakeAPI, string) {
	f := &fakeAPI{
		settings: map[string]string{"webhookUrl": "", "webhookUrlToken": "", "incomingWebhook": "no", "outgoingWebhook": "no", "outgoingAPIMessageWebhook": "no", "wid": ""},
		calls:    map[string]int{},
		faults:   map[string][]fakeFault{},
	}
	ts := httptest.NewServer(f)
	t.Cleanup(ts.Close)
	return f, ts.URL
}

func (f *fakeAPI) fault(method string, ff ...fakeFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[method] = append(f.faults[method], ff...)
}

// reboot makes saved writes show only after apply is called.
func (f *fakeAPI) reboot() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starting = true
}

func (f *fakeAPI) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeAPI) savedWrites() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.saved
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(r.URL.Path, "/") // "", waInstanceN, method, token
	if len(parts) < 4 || parts[3] != testToken {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	method := parts[2]
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[method]++
	var ff fakeFault
	if q := f.faults[method]; len(q) > 0 {
		ff, f.faults[method] = q[0], q[1:]
	}
	if method == "setSettings" && (ff == (fakeFault{}) || ff.processed) {
		var patch map[string]string
		if err := json.Unmarshal(body, &patch); err != nil {
			http.Error(w, "bad request data", http.StatusBadRequest)
			return
		}
		f.saved++
		if f.starting {
			f.pending = patch
		} else {
			for k, v := range patch {
				f.settings[k] = v
			}
		}
	}
	switch {
	case ff.drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
			}
		}
		return
	case ff.status != 0:
		w.WriteHeader(ff.status)
		_, _ = io.WriteString(w, ff.body)
		return
	}
	switch method {
	case "getSettings":
		_ = json.NewEncoder(w).Encode(f.settings)
	case "setSettings":
		_, _ = io.WriteString(w, `{"saveSettings":true}`)
	case "getStateInstance":
		state := "authorized"
		if f.pending != nil {
			state = "starting"
		}
		_, _ = io.WriteString(w, `{"stateInstance":"`+state+`"}`)
	case "receiveNotification":
		_, _ = io.WriteString(w, "null")
	default:
		http.NotFound(w, r)
	}
}
