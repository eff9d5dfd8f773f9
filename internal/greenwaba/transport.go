package greenwaba

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

const (
	// maxBody bounds a successful answer; notifications carry file URLs, not
	// files, so real answers are far smaller.
	maxBody = 8 << 20
	// maxErrorBody bounds what is read of an error answer; errorBodyShown is
	// what an APIError keeps of it.
	maxErrorBody   = 64 << 10
	errorBodyShown = 256
)

// request is one GreenWaba call.
type request struct {
	verb   string
	method string // as in the URL, e.g. "getSettings"
	suffix string // after the token, e.g. "/42"
	query  string // including "?"
	body   []byte
	// secrets are masked in logs and errors besides the token, e.g. a
	// webhookUrlToken being written.
	secrets []string
	// http overrides the client's *http.Client, e.g. with a longer timeout.
	http *http.Client
	// write marks a call that must not run twice (setSettings: every
	// accepted write reboots the account). It is retried only when the
	// request cannot have been processed; see retryableWrite.
	write bool
}

// call holds the state of one request across its attempts. retryablehttp
// runs the attempt loop; call supplies its policy hooks.
type call struct {
	ctx      context.Context
	c        *Client
	r        request
	masked   string // URL with the token replaced by ***
	start    time.Time
	sent     time.Time // start of the current attempt
	attempts int
	wait     time.Duration // next backoff, chosen by checkRetry
	lastErr  error         // network error of the last attempt
	status   int           // status of the last answer
	// unsafeRetry is set when a write was not retried because it may have
	// been processed; the error then says so.
	unsafeRetry bool
}

// callJSON runs r and decodes a 2xx JSON answer into out.
func (c *Client) callJSON(ctx context.Context, r request, out any) error {
	body, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, out); err != nil {
		return c.unexpected(r.method, err)
	}
	return nil
}

// do runs r with retries and returns the body of its 2xx answer.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	st := &call{
		ctx:    ctx,
		c:      c,
		r:      r,
		masked: c.prefix + r.method + "/" + Masked + r.suffix + r.query,
		start:  time.Now(),
	}
	hc := r.http
	if hc == nil {
		hc = c.http
	}
	// A retryablehttp.Client is a few words; one per call lets the hooks
	// below keep per-call state without sharing it between goroutines.
	rc := &retryablehttp.Client{
		HTTPClient:     hc,
		Logger:         nil, // its own logger would print the token; ours masks it
		RetryWaitMin:   c.retry.MinWait,
		RetryWaitMax:   c.retry.MaxWait,
		RetryMax:       c.retry.MaxRetries,
		RequestLogHook: st.onRequest,
		CheckRetry:     st.checkRetry,
		Backoff:        st.backoff,
		ErrorHandler:   st.errorHandler,
	}
	var raw any // a nil []byte would still be sent as an empty body
	if r.body != nil {
		raw = r.body
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, r.verb, c.prefix+r.method+"/"+c.tokenPath+r.suffix+r.query, raw)
	if err != nil {
		return nil, st.apiError(scrub(err, st.masked, st.secrets()...))
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := rc.Do(req)
	if err != nil {
		var ae *APIError
		if errors.As(err, &ae) {
			return nil, err
		}
		// retryablehttp returns the bare context error when it ends a wait.
		return nil, st.fail(st.apiError(scrub(err, st.masked, st.secrets()...)))
	}

	limit := int64(maxBody)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
	}
	body, cut, readErr := readBody(resp.Body, limit)
	st.status = resp.StatusCode
	if readErr == nil && cut && limit == maxBody {
		readErr = fmt.Errorf("answer larger than %d bytes", maxBody)
	}
	if readErr != nil {
		return nil, st.fail(st.apiError(scrub(readErr, st.masked, st.secrets()...)))
	}
	st.logResponse(ctx, body)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, st.fail(st.statusError(resp.StatusCode, body))
	}
	return body, nil
}

// readBody reads at most limit bytes and closes b, draining a little more so
// the connection can be reused. It reports whether the body was cut.
func readBody(b io.ReadCloser, limit int64) (body []byte, cut bool, err error) {
	defer b.Close()
	body, err = io.ReadAll(io.LimitReader(b, limit+1))
	if err != nil {
		return nil, false, err
	}
	if int64(len(body)) > limit {
		_, _ = io.Copy(io.Discard, io.LimitReader(b, 64<<10))
		return body[:limit], true, nil
	}
	return body, false, nil
}

func (st *call) secrets() []string {
	if len(st.r.secrets) == 0 {
		return []string{st.c.token}
	}
	return append([]string{st.c.token}, st.r.secrets...)
}

func (st *call) apiError(cause error) *APIError {
	return &APIError{
		Method:      st.r.method,
		IDInstance:  st.c.id,
		Attempts:    max(st.attempts, 1),
		TokenSource: st.c.tokenSource,
		Err:         cause,
		lastStatus:  st.status,
		notRetried:  st.unsafeRetry,
	}
}

func (st *call) statusError(code int, body []byte) *APIError {
	e := st.apiError(nil)
	e.StatusCode = code
	e.Body = errorExcerpt(body, st.secrets()...)
	return e
}

// errorExcerpt turns an error body into one short, secret-free line.
func errorExcerpt(body []byte, secrets ...string) string {
	s := string(bytes.TrimSpace(body))
	s = Redact(s, secrets...)
	s = truncate(s, errorBodyShown)
	return string(bytes.Join(bytes.Fields([]byte(s)), []byte(" ")))
}

// fail logs the final error of a call and returns it.
func (st *call) fail(e *APIError) *APIError {
	if st.c.log != nil {
		st.c.log(st.ctx, LogDebug, "GreenWaba request failed", st.fields(map[string]any{
			"attempts": e.Attempts,
			"duration": time.Since(st.start).String(),
			"error":    e.Error(),
		}))
	}
	return e
}

// fields returns the fields every log event of this call carries, plus extra.
func (st *call) fields(extra map[string]any) map[string]any {
	f := map[string]any{
		"greenwaba_method": st.r.method,
		"http_method":      st.r.verb,
		"url":              st.masked,
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func (st *call) onRequest(_ retryablehttp.Logger, req *http.Request, retry int) {
	st.attempts = retry + 1
	st.sent = time.Now()
	if st.c.log == nil {
		return
	}
	ctx := req.Context()
	st.c.log(ctx, LogDebug, "GreenWaba request", st.fields(map[string]any{"attempt": st.attempts}))
	if st.r.body != nil && retry == 0 {
		st.c.log(ctx, LogTrace, "GreenWaba request body", st.fields(map[string]any{"body": maskBody(st.r.body, st.secrets()...)}))
	}
}

func (st *call) logResponse(ctx context.Context, body []byte) {
	if st.c.log == nil {
		return
	}
	st.c.log(ctx, LogDebug, "GreenWaba response", st.fields(map[string]any{
		"status":   st.status,
		"attempts": st.attempts,
		"duration": time.Since(st.sent).String(),
	}))
	st.c.log(ctx, LogTrace, "GreenWaba response body", st.fields(map[string]any{"body": maskBody(body, st.secrets()...)}))
}

// errGiveUp ends the retries when the next wait would not fit in the time
// left; the error handler then reports the last answer.
var errGiveUp = errors.New("no time left to retry")

// checkRetry decides whether an attempt is retried and, if so, how long to
// wait first. It never retries a 4xx other than 429, and stops at once when
// the context ends.
func (st *call) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st.lastErr = err
	if err != nil {
		if !retryableError(err) {
			return false, err
		}
	} else {
		st.status = resp.StatusCode
		if !retryableStatus(resp.StatusCode) {
			return false, nil
		}
	}
	if st.r.write && !retryableWrite(resp, err) {
		st.unsafeRetry = true
		return false, err
	}
	if st.attempts > st.c.retry.MaxRetries {
		return true, nil // retryablehttp stops here and calls errorHandler
	}

	wait, retryAfter := st.nextWait(resp)
	now := time.Now()
	if now.Add(wait).After(st.start.Add(st.c.retry.MaxElapsed)) {
		return false, errGiveUp
	}
	if dl, ok := ctx.Deadline(); ok && now.Add(wait).After(dl) {
		return false, errGiveUp
	}
	st.wait = wait

	if st.c.log != nil {
		f := map[string]any{"attempt": st.attempts, "wait": wait.String()}
		if resp != nil {
			f["status"] = resp.StatusCode
		} else {
			f["error"] = scrub(err, st.masked, st.secrets()...).Error()
		}
		if retryAfter {
			f["retry_after"] = true
		}
		st.c.log(ctx, LogInfo, "GreenWaba request will be retried", st.fields(f))
	}
	return true, nil
}

// nextWait honours Retry-After on 429 and 503, and otherwise backs off
// exponentially from MinWait up to MaxWait with "equal jitter".
func (st *call) nextWait(resp *http.Response) (time.Duration, bool) {
	p := st.c.retry
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After")); ok {
			// A little jitter on top keeps parallel callers from waking in
			// the same instant and tripping a 1 rps limit again.
			return d + rand.N(p.MinWait/4+1), true
		}
	}
	d := p.MinWait
	for i := 1; i < st.attempts && d < p.MaxWait; i++ {
		d *= 2
	}
	d = min(d, p.MaxWait)
	return d/2 + rand.N(d/2+1), false
}

func (st *call) backoff(_, _ time.Duration, _ int, _ *http.Response) time.Duration {
	return st.wait
}

// errorHandler turns the outcome of the last attempt into an *APIError when
// retryablehttp gives up (retries exhausted, no time left, context ended or
// an error that is not retried).
func (st *call) errorHandler(resp *http.Response, err error, tries int) (*http.Response, error) {
	st.attempts = tries
	if resp != nil {
		body, _, _ := readBody(resp.Body, maxErrorBody)
		st.status = resp.StatusCode
		if err == nil || errors.Is(err, errGiveUp) {
			return nil, st.fail(st.statusError(resp.StatusCode, body))
		}
	}
	cause := err
	if errors.Is(err, errGiveUp) || cause == nil {
		cause = st.lastErr
	}
	if cause == nil {
		cause = errors.New("no answer")
	}
	return nil, st.fail(st.apiError(scrub(cause, st.masked, st.secrets()...)))
}

// retryableStatus: rate limits and server trouble. 501 and other 4xx are
// permanent.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError: the connection was refused, reset or cut, or timed out.
// DNS failures, bad TLS and similar configuration errors are not retried.
func retryableError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// retryableWrite reports whether a failed write can be sent again without
// the risk of applying it twice: the API refused it before processing (429,
// 503) or the connection was never made, so nothing was sent.
func retryableWrite(resp *http.Response, err error) bool {
	if err != nil {
		var op *net.OpError
		return errors.As(err, &op) && op.Op == "dial"
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
}

// parseRetryAfter reads a Retry-After in seconds or as an HTTP date.
func parseRetryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(v, 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0), true
	}
	return 0, false
}
