package mockapi

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maybePushLocked starts the account's push worker (D14) when webhookUrl is
// set, something is queued and no worker runs yet. Call with a.mu held.
func (s *Server) maybePushLocked(a *account) {
	if a.pushing || s.noPush || a.current.str[fWebhookURL] == "" || a.queueLen() == 0 {
		return
	}
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed.Load() {
		return
	}
	a.pushing = true
	s.wg.Add(1)
	go s.pushLoop(a)
}

// pushLoop delivers the head item until the queue is empty, push mode is off
// or the server closes. Strict FIFO: a failing head blocks everything behind it.
func (s *Server) pushLoop(a *account) {
	defer s.wg.Done()
	for {
		a.mu.Lock()
		a.syncLocked(s.now())
		target, token := a.current.str[fWebhookURL], a.current.str[fWebhookURLToken]
		it, ok := a.headLocked()
		if !ok || target == "" || s.closed.Load() {
			a.pushing = false
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()

		if s.deliver(a.id, target, token, it) {
			a.mu.Lock()
			a.removeLocked(it.id) // a no-op if it was deleted or cleared meanwhile
			a.mu.Unlock()
			s.changed.notify()
			continue
		}
		s.changed.notify()
		t := time.NewTimer(s.retry)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
		}
	}
}

// deliver POSTs one item's body and reports whether the receiver answered
// 200. The log names the account and receipt, never the URL or the token.
func (s *Server) deliver(id int64, target, token string, it item) bool {
	ctx, cancel := context.WithTimeout(s.baseCtx, s.pushCli.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(it.body))
	if err != nil {
		s.log.Warn("webhook delivery", slog.Int64("idInstance", id), slog.Int64("receiptId", it.id), slog.String("error", "bad webhookUrl"))
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.pushCli.Do(req)
	if err != nil {
		// The error text may quote the URL; say only what kind of failure it was.
		reason := "no answer"
		if ctx.Err() != nil {
			reason = "timeout or shutdown"
		}
		s.log.Debug("webhook delivery", slog.Int64("idInstance", id), slog.Int64("receiptId", it.id), slog.String("error", reason))
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	s.log.Debug("webhook delivery", slog.Int64("idInstance", id), slog.Int64("receiptId", it.id), slog.Int("status", resp.StatusCode))
	return resp.StatusCode == http.StatusOK
}
