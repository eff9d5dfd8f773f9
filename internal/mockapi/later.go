package mockapi

import (
	"bytes"
	"io"
	"net/http"
	"time"
)

// later runs f after d on a goroutine counted in wg; when the server closes
// first, f never runs. Close thus leaves no timer behind.
func (s *Server) later(d time.Duration, f func()) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed.Load() {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			f()
		case <-s.done:
		}
	}()
}

// processLater lets a call take effect d after its fault answered, as a
// backend behind a gateway that answered 502 or 504 (or cut the connection)
// may still do (D20). The late call meets rate limits and the reboot as a
// call would then; its answer goes nowhere.
func (s *Server) processLater(r *http.Request, a *account, m method, rest string, d time.Duration) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxSettingsBody+1))
	if err != nil {
		return // the call never arrived whole: nothing to process
	}
	late := r.Clone(s.baseCtx)
	s.later(d, func() {
		late.Body = io.NopCloser(bytes.NewReader(body))
		s.serveMethod(&heldAnswer{header: http.Header{}}, late, a, m, rest)
		s.changed.notify()
	})
}
