package mockapi

import (
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// method is a GreenWaba method in scope (D16).
type method uint8

const (
	mUnknown method = iota
	mGetSettings
	mSetSettings
	mReceiveNotification
	mDeleteNotification
	mGetStateInstance
	mClearWebhooksQueue
	numMethods
)

var methodTable = [numMethods]struct {
	name  string
	verb  string
	limit int // requests per second per account with RateLimits on (D15); 0 = none
}{
	mGetSettings:         {"getSettings", http.MethodGet, 1},
	mSetSettings:         {"setSettings", http.MethodPost, 1},
	mReceiveNotification: {"receiveNotification", http.MethodGet, 100},
	mDeleteNotification:  {"deleteNotification", http.MethodDelete, 100},
	mGetStateInstance:    {"getStateInstance", http.MethodGet, 1},
	mClearWebhooksQueue:  {"clearWebhooksQueue", http.MethodDelete, 0},
}

// lookupMethod matches the method segment case-insensitively (D1).
func lookupMethod(seg string) method {
	for m := mGetSettings; m < numMethods; m++ {
		if strings.EqualFold(seg, methodTable[m].name) {
			return m
		}
	}
	return mUnknown
}

const (
	defaultReceiveTimeout = 5
	minReceiveTimeout     = 5
	maxReceiveTimeout     = 60
)

// apiPath is a parsed /waInstance{id}/{method}/{token}[/{rest}] path.
type apiPath struct {
	idSeg, methodSeg, token, rest string
	hasToken, hasRest             bool
}

func parseAPIPath(p string) (apiPath, bool) {
	p, ok := strings.CutPrefix(p, "/waInstance")
	if !ok {
		return apiPath{}, false
	}
	var ap apiPath
	ap.idSeg, p, _ = strings.Cut(p, "/")
	ap.methodSeg, p, ap.hasToken = strings.Cut(p, "/")
	ap.token, ap.rest, ap.hasRest = strings.Cut(p, "/")
	return ap, true
}

// forLog returns ap's path and method name for logs. The token segment is
// always ***, and every other segment is shown only when it is what belongs
// there (digits for the id and the receipt, a known method name) and is no
// account's token, so a token sent in the wrong place, or to another
// account, is never logged either. m is the method the segment matched.
// name is the canonical method name, or *** like its segment.
func (s *Server) forLog(ap *apiPath, m method) (path, name string) {
	name = s.shown(ap.methodSeg, m != mUnknown)
	var b strings.Builder
	b.WriteString("/waInstance")
	b.WriteString(s.shown(ap.idSeg, isDigits(ap.idSeg)))
	b.WriteByte('/')
	b.WriteString(name)
	if ap.hasToken {
		b.WriteString("/***")
	}
	if ap.hasRest {
		b.WriteByte('/')
		b.WriteString(s.shown(ap.rest, isDigits(ap.rest)))
	}
	if name != "" && name != masked {
		name = methodTable[m].name
	}
	return b.String(), name
}

// shown is seg for logs: itself when ok and not a token, else ***.
func (s *Server) shown(seg string, ok bool) string {
	if seg == "" {
		return ""
	}
	if !ok || len(seg) > 40 || s.isToken(seg) {
		return masked
	}
	return seg
}

// isToken reports whether seg is any account's token. A digits-only segment
// is also checked without its leading zeros, the form in which an id or a
// receipt id is logged. It only decides what logs show, so it need not run
// in constant time. A segment that merely contains a token is a different
// value and is shown: the mock keeps token hashes, not tokens.
func (s *Server) isToken(seg string) bool {
	hashes := [][sha256.Size]byte{sha256.Sum256([]byte(seg))}
	if trimmed := strings.TrimLeft(seg, "0"); trimmed != seg && isDigits(seg) {
		hashes = append(hashes, sha256.Sum256([]byte(trimmed)))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, h := range hashes {
		if _, ok := s.tokens[h]; ok {
			return true
		}
	}
	return false
}

// verbName is the HTTP verb for logs: a standard one, else ***.
func verbName(v string) string {
	switch v {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return v
	}
	return masked
}

// masked stands for a segment or verb that logs must not show.
const masked = "***"

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseID accepts a positive decimal integer made of digits only.
func parseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 || !isDigits(s) {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

func writeText(w http.ResponseWriter, status int, msg string) int {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg)
	return status
}

var jsonContentType = []string{"application/json"}

func writeJSONBytes(w http.ResponseWriter, status int, b []byte) int {
	w.Header()["Content-Type"] = jsonContentType
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return status
}

func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Status " + strconv.Itoa(status)
}

// serveAPI answers one GreenWaba call. Checks run in this order: path shape,
// idInstance (400/403), token (401), method and verb (404), injected
// faults, rate limits (429), the reboot (400), then the method itself.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	ap, ok := parseAPIPath(r.URL.Path)
	if !ok {
		s.logRequest(r, "", 0, writeText(w, http.StatusNotFound, "Not Found"))
		return
	}
	m := lookupMethod(ap.methodSeg)
	id, ok := parseID(ap.idSeg)
	if !ok {
		path, _ := s.forLog(&ap, m)
		s.logRequest(r, path, 0, writeText(w, http.StatusBadRequest, "Parameter idInstance not an integer"))
		return
	}
	a := s.account(id)
	if a == nil {
		path, _ := s.forLog(&ap, m)
		if s.isToken(ap.idSeg) {
			id = 0 // the id is another account's token: not logged either
		}
		s.logRequest(r, path, id, writeText(w, http.StatusForbidden, "Forbidden"))
		return
	}
	var (
		status  int
		dropped io.Closer // a hijacked connection, closed only once the call is logged
	)
	// The call is logged before the client can see its outcome: an answer
	// is flushed only after the handler returns, and a dropped connection
	// is closed only here, so a client's next call is always logged after
	// this one. (A call the client abandons is logged when the server
	// notices.)
	defer func() {
		path, name := s.forLog(&ap, m)
		rec := RequestRecord{Time: start, Verb: verbName(r.Method), Method: name, Path: path, Status: status}
		a.record(rec)
		s.logRequest(r, path, id, status)
		if s.opts.OnRequest != nil {
			s.opts.OnRequest(id, rec)
		}
		if dropped != nil {
			_ = dropped.Close()
		}
	}()

	if !a.tokenOK(ap.token) {
		status = writeText(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if m == mUnknown || r.Method != methodTable[m].verb || (ap.hasRest && ap.rest != "" && m != mDeleteNotification) {
		status = writeText(w, http.StatusNotFound, "Not Found")
		return
	}
	var (
		f       Fault
		faulted bool
	)
	if s.nFaults.Load() > 0 {
		f, faulted = s.takeFault(id, m)
	}
	switch {
	case faulted && f.ProcessAfterMs > 0:
		// The fault answers now and the call takes effect later (D20).
		s.processLater(r, a, m, ap.rest, time.Duration(f.ProcessAfterMs)*time.Millisecond)
		status, dropped, _ = s.applyFault(w, r, f)
		return
	case faulted && f.Processed:
		// The call takes effect, then the fault answers in its place (D20).
		held := &heldAnswer{header: http.Header{}}
		s.serveMethod(held, r, a, m, ap.rest)
		var handled bool
		if status, dropped, handled = s.applyFault(w, r, f); !handled {
			status = held.sendTo(w)
		}
		return
	case faulted:
		var handled bool
		if status, dropped, handled = s.applyFault(w, r, f); handled {
			return
		}
	}
	status = s.serveMethod(w, r, a, m, ap.rest)
}

// rebootMessage is GreenWaba's answer while an account is starting (D18).
const rebootMessage = "instance in starting process try later"

// queueClosedMessage is GreenWaba's answer to receiveNotification and
// deleteNotification while the account pushes to a webhookUrl (D14).
const queueClosedMessage = "Message cannot be received because custom webhook url is set. Please clear webhook url and wait for about 1 minute"

// queueClosedLocked reports whether the HTTP API queue is closed: the
// account's visible webhookUrl is set (D14). A write that clears it opens
// the queue only once it applies (D7). Call with a.mu held, after syncLocked.
func (a *account) queueClosedLocked() bool { return a.current.str[fWebhookURL] != "" }

// serveMethod answers an authenticated call of a known method: rate limits
// (429), the reboot (400, D18), then the method itself.
func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request, a *account, m method, rest string) int {
	if s.opts.RateLimits && methodTable[m].limit > 0 {
		if !s.allow(a, m) {
			if !s.opts.NoRetryAfter {
				w.Header().Set("Retry-After", "1")
			}
			return writeText(w, http.StatusTooManyRequests, "Too Many Requests")
		}
	}
	if m != mGetStateInstance && s.rebootRefuses(a) {
		return writeText(w, http.StatusBadRequest, rebootMessage)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxSettingsBody)
	switch m {
	case mGetSettings:
		return s.getSettings(w, a)
	case mSetSettings:
		return s.setSettings(w, r, a)
	case mReceiveNotification:
		return s.receiveNotification(w, r, a)
	case mDeleteNotification:
		return s.deleteNotification(w, a, rest)
	case mGetStateInstance:
		return s.getStateInstance(w, a)
	default: // mClearWebhooksQueue
		return s.clearWebhooksQueue(w, a)
	}
}

// rebootRefuses reports whether the account refuses calls now: a write is
// pending (D7) and the account was asked to answer errors meanwhile (D18).
func (s *Server) rebootRefuses(a *account) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.rebootErrors {
		return false
	}
	a.syncLocked(s.now())
	return len(a.pending) > 0
}

func (s *Server) getStateInstance(w http.ResponseWriter, a *account) int {
	a.mu.Lock()
	a.syncLocked(s.now())
	starting := len(a.pending) > 0
	a.mu.Unlock()
	if starting {
		return writeJSONBytes(w, http.StatusOK, []byte(`{"stateInstance":"starting"}`))
	}
	return writeJSONBytes(w, http.StatusOK, []byte(`{"stateInstance":"authorized"}`))
}

// logRequest writes one debug line; path is already redacted.
func (s *Server) logRequest(r *http.Request, path string, id int64, status int) {
	if path == "" {
		path = "(not a GreenWaba path)"
	}
	s.log.LogAttrs(r.Context(), slog.LevelDebug, "request",
		slog.String("verb", verbName(r.Method)), slog.String("path", path), slog.Int64("idInstance", id), slog.Int("status", status))
}

func (s *Server) getSettings(w http.ResponseWriter, a *account) int {
	a.mu.Lock()
	a.syncLocked(s.now())
	cur := a.current
	s.maybePushLocked(a)
	a.mu.Unlock()
	return writeJSONBytes(w, http.StatusOK, cur.appendJSON(make([]byte, 0, 768)))
}

func (s *Server) setSettings(w http.ResponseWriter, r *http.Request, a *account) int {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return writeText(w, http.StatusBadRequest, "bad request data: body larger than 65536 bytes")
		}
		return writeText(w, http.StatusBadRequest, "bad request data: cannot read body")
	}
	p, err := parseSettingsPatch(data)
	if err != nil {
		return writeText(w, http.StatusBadRequest, err.Error())
	}
	now := s.now()
	a.mu.Lock()
	a.syncLocked(now)
	a.writes++
	at := now.Add(a.applyDelay)
	if n := len(a.pending); n > 0 && at.Before(a.pending[n-1].at) {
		at = a.pending[n-1].at // writes apply in the order they were made
	}
	a.pending = append(a.pending, pendingWrite{at: at, patch: p})
	a.syncLocked(now)
	delay := at.Sub(now)
	s.maybePushLocked(a)
	a.mu.Unlock()
	if delay > 0 {
		// Real time drives visibility when the clock is real; with a fake
		// clock the next access applies the write once the clock passes at.
		s.later(delay, func() { s.poke(a) })
	}
	return writeJSONBytes(w, http.StatusOK, []byte(`{"saveSettings":true}`))
}

// poke applies due writes and starts pushing if they turned push mode on.
func (s *Server) poke(a *account) {
	a.mu.Lock()
	a.syncLocked(s.now())
	s.maybePushLocked(a)
	a.mu.Unlock()
}

// receiveNotification answers the head of the queue, long-polling an empty
// one (D10), or the closed-queue 400 in push mode (D14), also when push mode
// began while the poll was parked.
func (s *Server) receiveNotification(w http.ResponseWriter, r *http.Request, a *account) int {
	timeout := defaultReceiveTimeout
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return writeText(w, http.StatusBadRequest, "bad request data: malformed query")
		}
		if vs, ok := q["receiveTimeout"]; ok {
			n, ok := parseID(vs[0])
			if !ok || n < minReceiveTimeout || n > maxReceiveTimeout {
				return writeText(w, http.StatusBadRequest, "bad request data: receiveTimeout must be an integer from 5 to 60")
			}
			timeout = int(n)
		}
	}
	wait := time.Duration(timeout) * time.Second
	if s.opts.LongPollCap > 0 && wait > s.opts.LongPollCap {
		wait = s.opts.LongPollCap
	}
	var timer *time.Timer
	for {
		a.mu.Lock()
		a.syncLocked(s.now())
		if a.queueClosedLocked() {
			a.mu.Unlock()
			return writeText(w, http.StatusBadRequest, queueClosedMessage)
		}
		if it, ok := a.headLocked(); ok {
			a.mu.Unlock()
			return writeJSONBytes(w, http.StatusOK, appendReceipt(make([]byte, 0, len(it.body)+48), it))
		}
		if s.closed.Load() {
			a.mu.Unlock()
			break
		}
		if a.wake == nil {
			a.wake = make(chan struct{})
		}
		wake := a.wake
		a.waiting++
		a.mu.Unlock()
		s.changed.notify()
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		}
		var expired bool
		select {
		case <-wake:
		case <-timer.C:
			expired = true
		case <-r.Context().Done():
			expired = true
		case <-s.done:
		}
		a.mu.Lock()
		a.waiting--
		a.mu.Unlock()
		if expired {
			break
		}
	}
	return writeJSONBytes(w, http.StatusOK, []byte("null"))
}

func appendReceipt(b []byte, it item) []byte {
	b = append(b, `{"receiptId":`...)
	b = strconv.AppendInt(b, it.id, 10)
	b = append(b, `,"body":`...)
	b = append(b, it.body...)
	return append(b, '}')
}

func (s *Server) deleteNotification(w http.ResponseWriter, a *account, receipt string) int {
	rid, ok := parseID(receipt)
	if !ok {
		return writeText(w, http.StatusBadRequest, "Parameter receiptId must be a Number")
	}
	a.mu.Lock()
	a.syncLocked(s.now())
	if a.queueClosedLocked() {
		a.mu.Unlock()
		return writeText(w, http.StatusBadRequest, queueClosedMessage)
	}
	removed := a.removeLocked(rid)
	a.mu.Unlock()
	if !removed {
		return writeJSONBytes(w, http.StatusOK, []byte(`{"result":false,"reason":"notification not found"}`))
	}
	return writeJSONBytes(w, http.StatusOK, []byte(`{"result":true,"reason":""}`))
}

func (s *Server) clearWebhooksQueue(w http.ResponseWriter, a *account) int {
	now := s.now()
	var left time.Duration
	a.mu.Lock()
	a.syncLocked(now)
	if !a.lastClear.IsZero() {
		left = a.lastClear.Add(clearInterval).Sub(now)
	}
	if left <= 0 {
		a.lastClear = now
		a.clearLocked()
	}
	a.mu.Unlock()
	if left > 0 {
		secs := int64((left + time.Second - 1) / time.Second)
		b := strconv.AppendInt([]byte(`{"isCleared":false,"reason":"Too many requests","leftTime":`), secs, 10)
		return writeJSONBytes(w, http.StatusOK, append(b, '}'))
	}
	return writeJSONBytes(w, http.StatusOK, []byte(`{"isCleared":true,"reason":""}`)) // leftTime only when not cleared (D16))
}
