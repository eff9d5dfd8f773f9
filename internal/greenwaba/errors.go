package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// APIError is returned when a GreenWaba call fails: the API answered with an
// error status, or no answer arrived after the retries allowed. Its message
// says what the user should do; callers branch on StatusCode with errors.As.
type APIError struct {
	Method     string // GreenWaba method, e.g. "getSettings"
	IDInstance int64
	StatusCode int    // HTTP status of the final answer; 0 when none arrived
	Body       string // start of the answer, one line, secrets masked
	Attempts   int    // requests sent, the first one included
	// TokenSource names where the token came from, as Config.TokenSource;
	// the 401 message points there. Empty means "api_token_instance or
	// GREENWABA_API_TOKEN_INSTANCE".
	TokenSource string
	// Err is the cause when no usable answer arrived: a network error (URLs
	// masked) or the context's error. Nil for plain error statuses.
	Err error

	lastStatus int  // status of the last answer before Err ended the call
	notRetried bool // a write was not retried because it may have been saved
}

// Error says what happened and, where the user can act, what to do.
func (e *APIError) Error() string {
	switch {
	case e.Err != nil && isContextErr(e.Err):
		msg := fmt.Sprintf("GreenWaba %s for instance %d stopped after %s: %v",
			e.Method, e.IDInstance, attempts(e.Attempts), e.Err)
		if e.lastStatus != 0 {
			msg += fmt.Sprintf(" (last answer: HTTP %d %s)", e.lastStatus, http.StatusText(e.lastStatus))
		}
		return msg + e.notRetriedNote()
	case e.Err != nil:
		return fmt.Sprintf("GreenWaba %s for instance %d failed after %s: %v: check api_url or GREENWABA_API_URL and the network%s",
			e.Method, e.IDInstance, attempts(e.Attempts), e.Err, e.notRetriedNote())
	}
	switch code := e.StatusCode; {
	case code == http.StatusUnauthorized:
		src := e.TokenSource
		if src == "" {
			src = defaultTokenSource
		}
		return fmt.Sprintf("GreenWaba rejected the API token for instance %d (HTTP 401): check %s", e.IDInstance, src)
	case code == http.StatusForbidden:
		return fmt.Sprintf("GreenWaba refused instance %d (HTTP 403): check id_instance or GREENWABA_ID_INSTANCE, or the instance was deleted",
			e.IDInstance)
	case code == http.StatusTooManyRequests:
		return fmt.Sprintf("GreenWaba rate limited %s for instance %d (HTTP 429) after %s: make fewer concurrent changes to this instance or retry later",
			e.Method, e.IDInstance, attempts(e.Attempts))
	case code == http.StatusNotFound:
		return fmt.Sprintf("GreenWaba does not know %s (HTTP 404)%s: check that api_url or GREENWABA_API_URL points at the GreenWaba API",
			e.Method, e.bodySuffix())
	case code == http.StatusBadRequest:
		return fmt.Sprintf("GreenWaba rejected %s for instance %d (HTTP 400)%s", e.Method, e.IDInstance, e.bodySuffix())
	case code >= 500:
		return fmt.Sprintf("GreenWaba %s for instance %d failed with HTTP %d after %s%s: the service is having trouble, retry later%s",
			e.Method, e.IDInstance, code, attempts(e.Attempts), e.bodySuffix(), e.notRetriedNote())
	case code >= 300 && code < 400:
		return fmt.Sprintf("GreenWaba %s for instance %d answered with a redirect (HTTP %d), which the client does not follow: check api_url or GREENWABA_API_URL",
			e.Method, e.IDInstance, code)
	default:
		return fmt.Sprintf("GreenWaba %s for instance %d answered HTTP %d%s", e.Method, e.IDInstance, code, e.bodySuffix())
	}
}

// Unwrap gives errors.Is access to the cause, e.g. context.DeadlineExceeded.
func (e *APIError) Unwrap() error { return e.Err }

func (e *APIError) notRetriedNote() string {
	if !e.notRetried {
		return ""
	}
	return " (not retried: the write may have been saved, and each write reboots the instance; read the settings before writing again)"
}

func (e *APIError) bodySuffix() string {
	if e.Body == "" {
		return ""
	}
	return ": " + e.Body
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

// IsNotFound reports whether err means GreenWaba does not know the instance
// (HTTP 403: unknown or deleted idInstance).
func IsNotFound(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.StatusCode == http.StatusForbidden
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
	msg := fmt.Sprintf("GreenWaba has not applied the settings for instance %d after %s: %s still differ; the API can take up to 5 minutes to apply a change, retry with a longer timeout",
		e.IDInstance, e.Waited.Round(time.Millisecond), strings.Join(e.Fields, ", "))
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

// Masked is what Redact puts in place of a secret.
const Masked = "***"

// Redact replaces every occurrence of each non-empty secret in s, also in its
// URL-escaped forms, with "***".
func Redact(s string, secrets ...string) string {
	var forms []string
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		forms = append(forms, sec)
		if p := url.PathEscape(sec); p != sec {
			forms = append(forms, p)
		}
		if q := url.QueryEscape(sec); q != sec {
			forms = append(forms, q)
		}
	}
	if len(forms) == 0 {
		return s
	}
	// Longest first, so a secret that contains another is masked whole.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	for _, f := range forms {
		if strings.Contains(s, f) {
			s = strings.ReplaceAll(s, f, Masked)
		}
	}
	return s
}

// redactedError keeps an error's text with the secrets cut out. It does not
// unwrap: the original chain would print the secret again.
type redactedError struct{ msg string }

func (e *redactedError) Error() string { return e.msg }

// scrub returns err with the token cut out of every URL it carries: a
// *url.Error is rebuilt with the masked URL, and anything still containing a
// secret is flattened into plain text.
func scrub(err error, maskedURL string, secrets ...string) error {
	if err == nil {
		return nil
	}
	if ue, ok := err.(*url.Error); ok {
		err = &url.Error{Op: ue.Op, URL: maskedURL, Err: ue.Err}
	}
	msg := err.Error()
	if red := Redact(msg, secrets...); red != msg {
		return &redactedError{msg: red}
	}
	return err
}
