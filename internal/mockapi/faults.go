package mockapi

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// Fault makes the next Count matching GreenWaba calls misbehave. Faults are
// checked after authentication, so only calls with a valid token consume them.
type Fault struct {
	IDInstance int64  `json:"idInstance"` // 0 matches every account
	Method     string `json:"method"`     // canonical method name, case-insensitive match; "" matches every method
	Status     int    `json:"status"`     // answer this status with a one-line body
	RetryAfter int    `json:"retryAfter"` // seconds, sets Retry-After when > 0
	Count      int    `json:"count"`      // next Count matching requests; 0 means 1
	DelayMs    int    `json:"delayMs"`    // delay before answering (then answer normally unless Status set)
	Drop       bool   `json:"drop"`       // close the connection without an answer (hijack)
}

// AddFault arms f. It fails for an unknown account or method, a status
// outside 200–599, negative numbers, or a fault that would change nothing.
func (s *Server) AddFault(f Fault) error {
	var m method
	if f.Method != "" {
		if m = lookupMethod(f.Method); m == mUnknown {
			return &badRequestError{msg: "unknown method " + strconv.Quote(f.Method)}
		}
		f.Method = methodTable[m].name
	}
	switch {
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return &badRequestError{msg: "status must be between 200 and 599"}
	case f.Count < 0 || f.DelayMs < 0 || f.RetryAfter < 0:
		return &badRequestError{msg: "count, delayMs and retryAfter must not be negative"}
	case f.Status == 0 && f.DelayMs == 0 && !f.Drop:
		return &badRequestError{msg: "a fault needs status, delayMs or drop"}
	case f.Status != 0 && f.Drop:
		return &badRequestError{msg: "a fault cannot both answer a status and drop"}
	}
	if f.IDInstance != 0 && s.account(f.IDInstance) == nil {
		return ErrInstanceNotFound
	}
	if f.Count == 0 {
		f.Count = 1
	}
	s.faultMu.Lock()
	s.faults = append(s.faults, &f)
	s.nFaults.Add(1)
	s.faultMu.Unlock()
	return nil
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
	return writeText(w, f.Status, statusText(f.Status)), nil, true
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
