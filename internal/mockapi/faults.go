package mockapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"
)

// maxFaultDelayMs bounds a fault's delay: ten minutes, longer than any call
// a client makes (a long poll lasts at most 60 s, a settings wait 6 minutes).
const maxFaultDelayMs = 10 * 60 * 1000

// Fault makes the next Count matching GreenWaba calls misbehave. Faults are
// checked after authentication, so only calls with a valid token consume them.
//
// A fault acts before the call (nothing is saved, nothing deleted) unless
// Processed is set: then the call takes effect first, as it would without
// the fault, and the fault's status, drop or delay replaces its answer (D20).
type Fault struct {
	IDInstance int64           `json:"idInstance"`     // 0 matches every account
	Method     string          `json:"method"`         // canonical method name, case-insensitive match; "" matches every method
	Status     int             `json:"status"`         // answer this status with a one-line body (or Body)
	Body       json.RawMessage `json:"body,omitempty"` // with Status: answer this JSON instead, e.g. a 200 carrying an error (D19)
	RetryAfter int             `json:"retryAfter"`     // seconds, sets Retry-After when > 0; 0 sends none
	Count      int             `json:"count"`          // next Count matching requests; 0 means 1 (over HTTP, 0 is refused)
	DelayMs    int             `json:"delayMs"`        // delay before answering (then answer normally unless Status set); at most 10 minutes
	Drop       bool            `json:"drop"`           // close the connection without an answer (hijack)
	Processed  bool            `json:"processed"`      // the call takes effect before the fault answers (D20)
	// ProcessAfterMs: the fault answers (Status or Drop) at once and the call takes effect this many
	// milliseconds later, as behind a gateway that gave up on a backend still working (D20); at most 10 minutes.
	ProcessAfterMs int `json:"processAfterMs,omitempty"`
}

// AddFault arms f. It fails for an unknown account or method, a status
// outside 200–599, negative numbers, a delay over 10 minutes, a body that is
// not JSON or comes without a status, or a fault that would change nothing.
// A refused fault arms nothing.
func (s *Server) AddFault(f Fault) error {
	_, err := s.addFault(f)
	return err
}

// addFault arms f and returns it as armed: canonical method, count defaulted.
func (s *Server) addFault(f Fault) (Fault, error) {
	if err := s.checkFault(&f); err != nil {
		return Fault{}, err
	}
	if f.Count == 0 {
		f.Count = 1
	}
	armed := f
	s.faultMu.Lock()
	s.faults = append(s.faults, &f)
	s.nFaults.Add(1)
	s.faultMu.Unlock()
	return armed, nil
}

// checkFault validates f and puts its method name and body in canonical form.
func (s *Server) checkFault(f *Fault) error {
	if f.Method != "" {
		m := lookupMethod(f.Method)
		if m == mUnknown {
			return &badRequestError{msg: "method must be one of getSettings, setSettings, receiveNotification, deleteNotification, getStateInstance, clearWebhooksQueue, or empty for all"}
		}
		f.Method = methodTable[m].name
	}
	if f.Body != nil {
		var buf bytes.Buffer
		if err := json.Compact(&buf, f.Body); err != nil {
			return &badRequestError{msg: "body must be a JSON value"}
		}
		f.Body = buf.Bytes()
	}
	switch {
	case f.IDInstance < 0:
		return &badRequestError{msg: "idInstance must be 0 (every account) or an account's id"}
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return &badRequestError{msg: "status must be between 200 and 599"}
	case f.Count < 0:
		return &badRequestError{msg: "count must be at least 1"}
	case f.RetryAfter < 0:
		return &badRequestError{msg: "retryAfter must not be negative"}
	case f.DelayMs < 0 || f.DelayMs > maxFaultDelayMs:
		return &badRequestError{msg: "delayMs must be from 0 to 600000 (10 minutes)"}
	case f.ProcessAfterMs < 0 || f.ProcessAfterMs > maxFaultDelayMs:
		return &badRequestError{msg: "processAfterMs must be from 0 to 600000 (10 minutes)"}
	case f.ProcessAfterMs > 0 && f.Status == 0 && !f.Drop:
		return &badRequestError{msg: "processAfterMs needs status or drop to answer with at once"}
	case f.ProcessAfterMs > 0 && f.Processed:
		return &badRequestError{msg: "a fault cannot both be processed at once (processed) and later (processAfterMs)"}
	case f.Status == 0 && f.DelayMs == 0 && !f.Drop:
		return &badRequestError{msg: "a fault needs status, delayMs or drop"}
	case f.Status != 0 && f.Drop:
		return &badRequestError{msg: "a fault cannot both answer a status and drop"}
	case f.Body != nil && f.Status == 0:
		return &badRequestError{msg: "body needs a status to answer with"}
	}
	if f.IDInstance != 0 && s.account(f.IDInstance) == nil {
		return errInstanceNotFound
	}
	return nil
}

// Faults returns the armed faults, oldest first, each with the uses it has left.
func (s *Server) Faults() []Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = *f
	}
	return out
}

// ClearFaults disarms every fault and returns how many there were.
func (s *Server) ClearFaults() int {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	n := len(s.faults)
	clear(s.faults)
	s.faults = s.faults[:0]
	s.nFaults.Store(0)
	return n
}

// takeFault consumes one use of the oldest fault matching the call.
func (s *Server) takeFault(id int64, m method) (Fault, bool) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for i, f := range s.faults {
		if (f.IDInstance != 0 && f.IDInstance != id) || (f.Method != "" && f.Method != methodTable[m].name) {
			continue
		}
		out := *f
		if f.Count--; f.Count == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			s.nFaults.Add(-1)
		}
		s.changed.notify()
		return out, true
	}
	return Fault{}, false
}

// applyFault performs f and reports whether it answered the request. A drop
// answers nothing: it returns the hijacked connection, which the caller
// closes after logging the call, so the client cannot see the drop first.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) (status int, dropped io.Closer, handled bool) {
	if f.DelayMs > 0 {
		t := time.NewTimer(time.Duration(f.DelayMs) * time.Millisecond)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		case <-s.done:
			t.Stop()
		}
	}
	if f.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				return 0, conn, true
			}
		}
		// No hijacking (HTTP/2, recorders): abort the stream instead; the
		// caller's deferred logging runs before net/http resets it.
		panic(http.ErrAbortHandler)
	}
	if f.Status == 0 {
		return 0, nil, false
	}
	if f.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	if f.Body != nil {
		return writeJSONBytes(w, f.Status, f.Body), nil, true
	}
	return writeText(w, f.Status, statusText(f.Status)), nil, true
}

// heldAnswer keeps a call's answer in memory, so a processed fault (D20)
// can let the call take effect and then answer in its place.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (h *heldAnswer) Header() http.Header { return h.header }

func (h *heldAnswer) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldAnswer) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

// sendTo writes the held answer to w and returns its status.
func (h *heldAnswer) sendTo(w http.ResponseWriter) int {
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(h.status)
	_, _ = w.Write(h.body.Bytes())
	return h.status
}

// allow counts the call in the current one-second window of its method (D15).
func (s *Server) allow(a *account, m method) bool {
	sec := s.now().Unix()
	a.mu.Lock()
	defer a.mu.Unlock()
	rw := &a.rate[m]
	if rw.sec != sec {
		rw.sec, rw.n = sec, 0
	}
	if rw.n >= methodTable[m].limit {
		return false
	}
	rw.n++
	return true
}
