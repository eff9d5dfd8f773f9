package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// APIError is returned when a GreenWaba call fails: the API answered with an
// error status, or no usable answer arrived within the retries and the
// context. Callers branch on its fields or on IsAccountGone; its message
// says what happened, in the API's terms.
type APIError struct {
	Method     string // GreenWaba method, e.g. "getSettings"
	IDInstance int64
	StatusCode int    // HTTP status of the final answer; 0 when none arrived
	Body       string // start of the answer, one line, secrets masked
	// Attempts counts the requests sent, the first one included; for
	// SetSettings, those of all its writes.
	Attempts int
	// InBody is set when StatusCode came in the JSON body of an HTTP 200
	// answer, as {"code": 401, ...} (D19).
	InBody bool
	// TimedOut is set when the last attempt was sent and got no answer within
	// the request timeout (Config.RequestTimeout), the context still running.
	TimedOut bool
	// Err is the cause when no usable answer arrived: a network error (URLs
	// masked) or the context's error. Nil for plain error statuses.
	Err error

	lastStatus    int  // status of the last answer before the context ended the call
	lastRebooting bool // that answer was the reboot's 400
	// mayBeSaved: a setSettings failed after the request may have reached
	// GreenWaba (D20); SetSettings then asks the account.
	mayBeSaved bool
}

// WriteError is SetSettings's error when its write failed: the last call's
// error (an *APIError, or one whose check failed), and what became of the
// write as far as the client knows (D20).
type WriteError struct {
	Err error
	// Writes is how many times the write was sent: more than 1 when a write
	// that may have been saved proved not saved and was sent again.
	Writes int
	// Attempts counts the requests of all the writes, refused ones included.
	Attempts int
	// MayBeSaved is set when the last write failed after the request may have
	// reached GreenWaba and it is not known whether it was saved: the check
	// did not run (the context ended) or failed.
	MayBeSaved bool
	// NotSaved is set when SetSettings gave up after its last write: every
	// one of its writes failed in a way that may have saved it, and each time
	// the account showed that it had not.
	NotSaved bool
}

func (e *WriteError) Error() string { return e.Err.Error() }

// Unwrap gives errors.As access to the *APIError.
func (e *WriteError) Unwrap() error { return e.Err }

// Error says what happened.
func (e *APIError) Error() string {
	var msg string
	switch code := e.StatusCode; {
	case e.Err != nil && isContextErr(e.Err) && !e.TimedOut:
		// The call's context ended it. (An attempt's own timeout reads as a context error too, but the
		// call failed, its context still running.)
		msg = fmt.Sprintf("GreenWaba %s for instance %d stopped after %s: %v", e.Method, e.IDInstance, attempts(e.Attempts), e.Err)
		if e.lastStatus != 0 {
			msg += fmt.Sprintf(" (last answer: HTTP %d %s)", e.lastStatus, http.StatusText(e.lastStatus))
		}
	case e.Err != nil:
		msg = fmt.Sprintf("GreenWaba %s for instance %d failed after %s: %v", e.Method, e.IDInstance, attempts(e.Attempts), e.Err)
	case e.InBody:
		msg = fmt.Sprintf("GreenWaba %s for instance %d answered HTTP 200 carrying error %d %s: %s",
			e.Method, e.IDInstance, code, http.StatusText(code), e.Body)
	default:
		msg = fmt.Sprintf("GreenWaba %s for instance %d answered HTTP %d %s", e.Method, e.IDInstance, code, http.StatusText(code))
		if code == http.StatusTooManyRequests || code >= 500 || isStarting(code, []byte(e.Body)) {
			msg += " after " + attempts(e.Attempts)
		}
		if e.Body != "" {
			msg += ": " + e.Body
		}
	}
	return msg
}

// Unwrap gives errors.Is access to the cause, e.g. context.DeadlineExceeded.
func (e *APIError) Unwrap() error { return e.Err }

// Rebooting reports whether the call ended on the 400 GreenWaba answers
// while the account restarts after a settings write (D18), or its context
// ended it while it waited to try again after one.
func (e *APIError) Rebooting() bool {
	return e.lastRebooting || isStarting(e.StatusCode, []byte(e.Body))
}

func attempts(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return fmt.Sprintf("%d attempts", n)
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// IsAccountGone reports whether err means GreenWaba does not know the
// account: HTTP 403, an unknown or deleted idInstance (D3).
func IsAccountGone(err error) bool { return hasStatus(err, http.StatusForbidden) }

// queueClosedText is in the 400 GreenWaba answers to receiveNotification and
// deleteNotification while the account pushes its notifications to a
// webhookUrl (D14); GREEN-API's own clients match on it.
const queueClosedText = "custom webhook url is set"

// IsQueueClosed reports whether err is that 400: the account has a
// webhookUrl, so its HTTP API queue cannot be read until webhookUrl is ""
// again and the change has applied (D7). Like every 400 but the reboot's,
// it is not retried.
func IsQueueClosed(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && !e.InBody &&
		strings.Contains(strings.ToLower(e.Body), queueClosedText)
}

func hasStatus(err error, code int) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == code
}

// UnexpectedAnswerError is an HTTP 200 answer without the shape of the
// method's result (D19), e.g. settings without their live keys.
type UnexpectedAnswerError struct {
	Method     string
	IDInstance int64
	Body       string // start of the answer, one line, secrets masked
}

func (e *UnexpectedAnswerError) Error() string {
	body := e.Body
	if body == "" {
		body = "(empty)"
	}
	return fmt.Sprintf("GreenWaba %s for instance %d answered HTTP 200 with something that is not its result: %s", e.Method, e.IDInstance, body)
}

// NotConvergedError is returned by WaitForSettings when the context ends
// before GetSettings shows the wanted values. Fields lists the wire names of
// the settings that still differ; values are never included.
type NotConvergedError struct {
	IDInstance int64
	Fields     []string
	Waited     time.Duration
	// LastErr is the error of the last poll when it failed, else nil.
	LastErr error

	ctxErr error
}

func (e *NotConvergedError) Error() string {
	verb := "differ"
	if len(e.Fields) == 1 {
		verb = "differs"
	}
	msg := fmt.Sprintf("GreenWaba has not applied the settings of instance %d after %s: %s still %s",
		e.IDInstance, e.Waited.Round(time.Millisecond), strings.Join(e.Fields, ", "), verb)
	if e.LastErr != nil {
		msg += " (last poll: " + e.LastErr.Error() + ")"
	}
	return msg
}

// Unwrap exposes the context's error and the last poll error to errors.Is/As.
func (e *NotConvergedError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.ctxErr, e.LastErr} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// ChangedElsewhereError is returned by WaitForSettings when a setting shows
// a value that is neither the one before the write nor the one written:
// someone else changed the account meanwhile. Fields lists their wire names;
// values are never included.
type ChangedElsewhereError struct {
	IDInstance int64
	Fields     []string
}

func (e *ChangedElsewhereError) Error() string {
	return fmt.Sprintf("the settings of GreenWaba instance %d were changed by someone else during the write: %s show a value that is neither the previous one nor the one written",
		e.IDInstance, strings.Join(e.Fields, ", "))
}
