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
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	// maxBody bounds a successful answer; notifications carry file URLs, not
	// files, so real answers are far smaller.
	maxBody = 8 << 20
	// maxErrorBody bounds what is read of an error answer; errorBodyShown is
	// what an error keeps of it.
	maxErrorBody   = 64 << 10
	errorBodyShown = 256
)

// startingText is the body of GreenWaba's 400 while the account reboots (D18).
const startingText = "instance in starting process"

// MaxReboot is how long a call keeps retrying the reboot's 400 (D18), within its context: a write's reboot
// takes up to 5 minutes (D7). These retries do not use up RetryPolicy.MaxRetries.
const MaxReboot = 6 * time.Minute

// rebootMaxWait caps the waits between the reboot's 400s (plus up to a quarter of jitter): GreenWaba says to try
// again in a few seconds, and a wait for settings to show sits on these retries, so they stay short.
const rebootMaxWait = 2 * time.Second

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
	// write marks setSettings: every accepted write reboots the account, so
	// it is retried here only when it cannot have been saved.
	write bool
}

// answer is what one attempt got: an HTTP answer, or a network error.
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error // scrubbed of secrets
	// notSent: err happened before the whole request was written to a connection (httptrace's
	// WroteRequest), so the API never had it.
	notSent bool
	// timeout: the attempt gave up waiting for an answer after the request was sent, so the API may still be
	// processing it.
	timeout bool
}

// callJSON runs r, decodes its answer into out and checks with ok that the
// answer has the method's shape (D19).
func (c *Client) callJSON(ctx context.Context, r request, out any, ok func() bool) error {
	body, err := c.do(ctx, r)
	if err != nil {
		return err
	}
	return c.decode(r, body, out, ok)
}

// decode reads an answer of r into out, or says why it is not one (D19).
func (c *Client) decode(r request, body []byte, out any, ok func() bool) error {
	if err := json.Unmarshal(body, out); err == nil && ok() {
		return nil
	}
	// GreenWaba sometimes reports an error in an HTTP 200 body (D19).
	var coded struct {
		Code        int    `json:"code"`
		Description string `json:"description"`
	}
	if json.Unmarshal(body, &coded) == nil && coded.Code >= 400 && coded.Code <= 599 {
		return &APIError{Method: r.method, IDInstance: c.id, StatusCode: coded.Code, InBody: true,
			Body: errorExcerpt(body, c.secrets(r)...), Attempts: 1}
	}
	return &UnexpectedAnswerError{Method: r.method, IDInstance: c.id, Body: errorExcerpt(body, c.secrets(r)...)}
}

// do runs r, paced and retried, and returns the body of its 2xx answer.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	masked := c.maskedURL(r)
	start := c.clock.now()
	fail := func(e error, attempts int) error {
		c.logf(ctx, LogDebug, "GreenWaba request failed", r, masked, map[string]any{
			"attempts": attempts, "duration": c.clock.now().Sub(start).String(), "error": e.Error()})
		return e
	}
	var last *APIError
	// failures counts the failed attempts that use up MaxRetries: every one but the reboot's 400s, which are
	// retried for as long as a reboot lasts (D18), from the first of them.
	failures := 0
	var rebootSince time.Time
	for attempt := 1; ; attempt++ {
		done, first, err := c.pacer.turn(ctx, c.prefix, r.method)
		if err != nil {
			return nil, fail(c.stopped(r, last, attempt-1, err), attempt-1)
		}
		a := c.attempt(ctx, r, attempt, masked)
		done()
		if a.err == nil && a.status >= 200 && a.status <= 299 {
			return a.body, nil
		}
		last = c.errorOf(r, a, attempt)
		if ctx.Err() != nil {
			return nil, fail(c.stopped(r, last, attempt, ctx.Err()), attempt)
		}
		if !retryable(r, a) {
			return nil, fail(last, attempt)
		}
		var wait time.Duration
		var retryAfter bool
		if first && a.status == http.StatusTooManyRequests {
			// The process's first call of the method for the account met the pace of another process
			// (Terraform's previous command): not a fault, so it does not use up MaxRetries (D15).
			wait, retryAfter = c.paceWait(a)
		} else if isStarting(a.status, a.body) {
			if rebootSince.IsZero() {
				rebootSince = c.clock.now()
			}
			if c.clock.now().Sub(rebootSince) >= MaxReboot {
				return nil, fail(last, attempt)
			}
			wait, retryAfter = c.backoff(attempt-failures, a, rebootMaxWait)
		} else {
			if failures++; failures > c.retry.MaxRetries {
				return nil, fail(last, attempt)
			}
			wait, retryAfter = c.backoff(failures, a, c.retry.MaxWait)
		}
		if deadline, ok := ctx.Deadline(); ok && c.clock.now().Add(wait).After(deadline) {
			return nil, fail(last, attempt) // the deadline would end the wait: say what the API said
		}
		fields := map[string]any{"attempt": attempt, "wait": wait.String()}
		if a.status != 0 {
			fields["status"] = a.status
		} else {
			fields["error"] = a.err.Error()
		}
		if retryAfter {
			fields["retry_after"] = true
		}
		c.logf(ctx, LogInfo, "GreenWaba request will be retried", r, masked, fields)
		if err := c.clock.sleep(ctx, wait); err != nil {
			return nil, fail(c.stopped(r, last, attempt, err), attempt)
		}
	}
}

// attempt sends r once.
func (c *Client) attempt(ctx context.Context, r request, n int, masked string) answer {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.verb, c.prefix+r.method+"/"+c.tokenPath+r.suffix+r.query, body)
	if err != nil {
		return answer{err: scrub(err, masked, c.secrets(r)...), notSent: true}
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "application/json")
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.log != nil {
		c.logf(ctx, LogDebug, "GreenWaba request", r, masked, map[string]any{"attempt": n})
		if r.body != nil && n == 1 {
			c.logf(ctx, LogTrace, "GreenWaba request body", r, masked, map[string]any{"body": maskBody(r.body, c.secrets(r)...)})
		}
	}
	hc := r.http
	if hc == nil {
		hc = c.http
	}
	// written: the whole request reached the connection, so the API may have it. A request that failed
	// before (no connection, a connect timeout, a write cut short) was never processed.
	var written atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				written.Store(true)
			}
		},
	}))
	sent := c.clock.now()
	resp, err := hc.Do(req)
	if err != nil {
		var ne net.Error
		notSent := !written.Load()
		return answer{err: scrub(err, masked, c.secrets(r)...), notSent: notSent, timeout: !notSent && errors.As(err, &ne) && ne.Timeout()}
	}
	limit := int64(maxBody)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		limit = maxErrorBody
	}
	b, cut, err := readBody(resp.Body, limit)
	if err == nil && cut && limit == maxBody {
		err = fmt.Errorf("answer larger than %d bytes", maxBody)
	}
	if err != nil {
		return answer{err: scrub(err, masked, c.secrets(r)...)}
	}
	if c.log != nil {
		c.logf(ctx, LogDebug, "GreenWaba response", r, masked, map[string]any{
			"attempt": n, "status": resp.StatusCode, "duration": c.clock.now().Sub(sent).String()})
		c.logf(ctx, LogTrace, "GreenWaba response body", r, masked, map[string]any{"status": resp.StatusCode, "body": maskBody(b, c.secrets(r)...)})
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// errorOf turns a failed attempt into the error the call returns if it ends here.
func (c *Client) errorOf(r request, a answer, attempts int) *APIError {
	e := &APIError{Method: r.method, IDInstance: c.id, Attempts: attempts, Err: a.err, StatusCode: a.status}
	if a.err == nil {
		e.Body = errorExcerpt(a.body, c.secrets(r)...)
	}
	e.mayBeSaved = r.write && mayBeSaved(a)
	e.TimedOut = a.timeout
	return e
}

// stopped is the error of a call its context ended: the context's error,
// with the last answer when there was one.
func (c *Client) stopped(r request, last *APIError, attempts int, ctxErr error) *APIError {
	e := &APIError{Method: r.method, IDInstance: c.id, Attempts: attempts, Err: ctxErr}
	if last != nil {
		e.lastStatus = last.StatusCode
		e.mayBeSaved = last.mayBeSaved
		e.lastRebooting = last.Rebooting()
	}
	return e
}

// retryable reports whether r may be sent again after a.
func retryable(r request, a answer) bool {
	if r.write {
		return cannotBeSaved(a)
	}
	if a.err != nil {
		return transientNetError(a.err)
	}
	return transientStatus(a.status, a.body)
}

// cannotBeSaved reports a write the API certainly did not process and that
// is worth sending again: it was refused before processing (429, 503, the
// reboot's 400), or it failed before it was written (a refused connection, a
// connect timeout). An error that will not go away (DNS, TLS) is not retried.
func cannotBeSaved(a answer) bool {
	if a.err != nil {
		return a.notSent && transientNetError(a.err)
	}
	return a.status == http.StatusTooManyRequests || a.status == http.StatusServiceUnavailable || isStarting(a.status, a.body)
}

// mayBeSaved reports a failed write that may have been processed (D20): a
// 5xx other than 503, or a network failure after the request was sent.
func mayBeSaved(a answer) bool {
	if a.err != nil {
		return !a.notSent
	}
	return a.status >= 500 && a.status != http.StatusServiceUnavailable
}

// transientStatus: rate limits, server trouble and the reboot (D18). 501
// and other 4xx are permanent.
func transientStatus(code int, body []byte) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return isStarting(code, body)
}

// isStarting recognises the 400 GreenWaba answers while the account reboots.
func isStarting(code int, body []byte) bool {
	return code == http.StatusBadRequest && bytes.Contains(bytes.ToLower(body), []byte(startingText))
}

// transientNetError: the connection was refused, reset or cut, or timed out.
// DNS failures, bad TLS and similar configuration errors are not retried.
func transientNetError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// backoff is the wait after the nth failure of a kind: the answer's
// Retry-After when it has one, else MinWait doubled per failure up to
// ceiling, plus up to a quarter of jitter.
func (c *Client) backoff(n int, a answer, ceiling time.Duration) (wait time.Duration, retryAfter bool) {
	if a.header != nil {
		if d, ok := parseRetryAfter(a.header.Get("Retry-After"), c.clock.now()); ok {
			return d, true
		}
	}
	ceiling = max(ceiling, c.retry.MinWait)
	d := c.retry.MinWait
	for i := 1; i < n && d < ceiling; i++ {
		if d > ceiling/2 { // doubling by shifts would overflow for long waits
			d = ceiling
		} else {
			d *= 2
		}
	}
	return d + rand.N(d/4+1), false
}

// paceWait is the wait after a 429 that another process's pace caused: the
// answer's Retry-After, else a second and a margin, the rate limit's window.
func (c *Client) paceWait(a answer) (wait time.Duration, retryAfter bool) {
	if a.header != nil {
		if d, ok := parseRetryAfter(a.header.Get("Retry-After"), c.clock.now()); ok {
			return d, true
		}
	}
	return time.Second + oneMargin, false
}

// parseRetryAfter reads a Retry-After in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
		if s < 0 {
			return 0, false
		}
		return time.Duration(min(s, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
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

// logf sends one event of call r to the log hook, if any.
func (c *Client) logf(ctx context.Context, level LogLevel, msg string, r request, maskedURL string, extra map[string]any) {
	if c.log == nil {
		return
	}
	extra["greenwaba_method"] = r.method
	extra["http_method"] = r.verb
	extra["url"] = maskedURL
	c.log(ctx, level, msg, extra)
}
