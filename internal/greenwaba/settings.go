package greenwaba

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Wire names of the live WABA settings (D8).
const (
	FieldWebhookURL                = "webhookUrl"
	FieldWebhookURLToken           = "webhookUrlToken"
	FieldIncomingWebhook           = "incomingWebhook"
	FieldOutgoingWebhook           = "outgoingWebhook"
	FieldOutgoingAPIMessageWebhook = "outgoingAPIMessageWebhook"
)

// Settings is the account's live settings (D8) as GetSettings returns them;
// GreenWaba's deprecated keys are not read.
type Settings struct {
	WebhookURL                string
	WebhookURLToken           string // a secret: never log it
	IncomingWebhook           bool
	OutgoingWebhook           bool
	OutgoingAPIMessageWebhook bool
}

// String masks WebhookURLToken so that printing Settings is safe.
func (s Settings) String() string {
	return fmt.Sprintf("greenwaba.Settings{webhookUrl:%q webhookUrlToken:%s incomingWebhook:%t outgoingWebhook:%t outgoingAPIMessageWebhook:%t}",
		s.WebhookURL, maskedIfSet(s.WebhookURLToken), s.IncomingWebhook, s.OutgoingWebhook, s.OutgoingAPIMessageWebhook)
}

// GoString masks the token for %#v as well.
func (s Settings) GoString() string { return s.String() }

// SettingsUpdate is a partial settings change; a nil field is not sent (and
// is ignored by Diff), so a pointer to "" clears a value while nil leaves it.
type SettingsUpdate struct {
	WebhookURL                *string
	WebhookURLToken           *string
	IncomingWebhook           *bool
	OutgoingWebhook           *bool
	OutgoingAPIMessageWebhook *bool
}

// String masks WebhookURLToken so that printing an update is safe.
func (u SettingsUpdate) String() string {
	var parts []string
	if u.WebhookURL != nil {
		parts = append(parts, fmt.Sprintf("webhookUrl:%q", *u.WebhookURL))
	}
	if u.WebhookURLToken != nil {
		parts = append(parts, "webhookUrlToken:"+maskedIfSet(*u.WebhookURLToken))
	}
	for _, t := range u.toggles() {
		if t.v != nil {
			parts = append(parts, fmt.Sprintf("%s:%t", t.name, *t.v))
		}
	}
	return "greenwaba.SettingsUpdate{" + strings.Join(parts, " ") + "}"
}

// GoString masks the token for %#v as well.
func (u SettingsUpdate) GoString() string { return u.String() }

type namedToggle struct {
	name string
	v    *bool
}

func (u SettingsUpdate) toggles() [3]namedToggle {
	return [3]namedToggle{
		{FieldIncomingWebhook, u.IncomingWebhook},
		{FieldOutgoingWebhook, u.OutgoingWebhook},
		{FieldOutgoingAPIMessageWebhook, u.OutgoingAPIMessageWebhook},
	}
}

// isEmpty reports whether u changes nothing.
func (u SettingsUpdate) isEmpty() bool {
	return u.WebhookURL == nil && u.WebhookURLToken == nil &&
		u.IncomingWebhook == nil && u.OutgoingWebhook == nil && u.OutgoingAPIMessageWebhook == nil
}

// Diff returns the wire names of the fields set in u whose value differs
// from s, in a fixed order; with a nil s, every field set in u. Values are
// never part of the result.
func (u SettingsUpdate) Diff(s *Settings) []string {
	var diff []string
	if u.WebhookURL != nil && (s == nil || *u.WebhookURL != s.WebhookURL) {
		diff = append(diff, FieldWebhookURL)
	}
	if u.WebhookURLToken != nil && (s == nil || subtle.ConstantTimeCompare([]byte(*u.WebhookURLToken), []byte(s.WebhookURLToken)) != 1) {
		diff = append(diff, FieldWebhookURLToken)
	}
	var have [3]bool
	if s != nil {
		have = [3]bool{s.IncomingWebhook, s.OutgoingWebhook, s.OutgoingAPIMessageWebhook}
	}
	for i, t := range u.toggles() {
		if t.v != nil && (s == nil || *t.v != have[i]) {
			diff = append(diff, t.name)
		}
	}
	return diff
}

// settingsWire is the settings as JSON: the setSettings body (nil fields are
// not sent) and the getSettings answer (a nil field was missing).
type settingsWire struct {
	WebhookURL                *string `json:"webhookUrl,omitempty"`
	WebhookURLToken           *string `json:"webhookUrlToken,omitempty"`
	IncomingWebhook           *yesNo  `json:"incomingWebhook,omitempty"`
	OutgoingWebhook           *yesNo  `json:"outgoingWebhook,omitempty"`
	OutgoingAPIMessageWebhook *yesNo  `json:"outgoingAPIMessageWebhook,omitempty"`
}

// complete reports whether every live setting was in the answer (D19).
func (w *settingsWire) complete() bool {
	return w.WebhookURL != nil && w.WebhookURLToken != nil &&
		w.IncomingWebhook != nil && w.OutgoingWebhook != nil && w.OutgoingAPIMessageWebhook != nil
}

// yesNo is a toggle as GreenWaba spells it: "yes" or "no".
type yesNo bool

func (b yesNo) MarshalJSON() ([]byte, error) {
	if b {
		return []byte(`"yes"`), nil
	}
	return []byte(`"no"`), nil
}

func (b *yesNo) UnmarshalJSON(v []byte) error {
	switch string(v) {
	case `"yes"`:
		*b = true
	case `"no"`:
		*b = false
	default:
		// Say what kind of value, never the value.
		return errors.New(`a toggle is not "yes" or "no"`)
	}
	return nil
}

func toggle(b *bool) *yesNo { return (*yesNo)(b) }

// wireBody encodes u as the setSettings body: toggles as "yes"/"no", nil
// fields left out.
func (u SettingsUpdate) wireBody() ([]byte, error) {
	return json.Marshal(settingsWire{
		WebhookURL:                u.WebhookURL,
		WebhookURLToken:           u.WebhookURLToken,
		IncomingWebhook:           toggle(u.IncomingWebhook),
		OutgoingWebhook:           toggle(u.OutgoingWebhook),
		OutgoingAPIMessageWebhook: toggle(u.OutgoingAPIMessageWebhook),
	})
}

// full is s as an update of every live setting.
func (s *Settings) full() SettingsUpdate {
	return SettingsUpdate{
		WebhookURL:                &s.WebhookURL,
		WebhookURLToken:           &s.WebhookURLToken,
		IncomingWebhook:           &s.IncomingWebhook,
		OutgoingWebhook:           &s.OutgoingWebhook,
		OutgoingAPIMessageWebhook: &s.OutgoingAPIMessageWebhook,
	}
}

// GetSettings reads the account's current settings. An answer without the
// five live settings (D8) is an *UnexpectedAnswerError, or an *APIError when
// it carries an error code (D19).
func (c *Client) GetSettings(ctx context.Context) (*Settings, error) {
	var w settingsWire
	if err := c.callJSON(ctx, request{verb: http.MethodGet, method: "getSettings"}, &w, w.complete); err != nil {
		return nil, err
	}
	return &Settings{
		WebhookURL:                *w.WebhookURL,
		WebhookURLToken:           *w.WebhookURLToken,
		IncomingWebhook:           bool(*w.IncomingWebhook),
		OutgoingWebhook:           bool(*w.OutgoingWebhook),
		OutgoingAPIMessageWebhook: bool(*w.OutgoingAPIMessageWebhook),
	}, nil
}

// maxWrites bounds the setSettings requests of one SetSettings whose writes
// fail ambiguously and prove not saved (D20).
const maxWrites = 3

// SetSettings writes the fields set in u and nothing else. Every write
// reboots the account, so an empty update sends no request, and a failed
// write is never blindly sent again. After 429, 503, the reboot's 400 or a
// refused connection it cannot have been saved and is retried like any
// call. After another 5xx, a connection dropped after the request was
// written or a timeout it may have been (D20): SetSettings then asks the
// account, and returns nil when the account is starting (rebooting) or
// already shows u, or writes again when it is neither, up to maxWrites
// writes in all. A gateway's 502 or 504, a cut connection or a timeout does
// not mean the API is done with the request, so "neither" counts only once
// it has lasted another request timeout after the failure. A failed write
// is a *WriteError, which wraps the last call's *APIError, counts the writes
// and the attempts of every write, and says whether the last write may have
// been saved (MayBeSaved) or the account showed after each that none was
// (NotSaved). The change shows in
// GetSettings only after the account's apply delay: use WaitForSettings.
func (c *Client) SetSettings(ctx context.Context, u SettingsUpdate) error {
	if u.isEmpty() {
		return nil
	}
	body, err := u.wireBody()
	if err != nil {
		return err
	}
	r := request{verb: http.MethodPost, method: "setSettings", body: body, write: true}
	if u.WebhookURLToken != nil && *u.WebhookURLToken != "" {
		r.secrets = []string{*u.WebhookURLToken}
	}
	attempts := 0 // over all writes
	for writes := 1; ; writes++ {
		var out struct {
			SaveSettings *bool `json:"saveSettings"`
		}
		err := c.callJSON(ctx, r, &out, func() bool { return out.SaveSettings != nil && *out.SaveSettings })
		var ae *APIError
		if !errors.As(err, &ae) {
			return err // nil, or an answer that is not setSettings's
		}
		attempts += ae.Attempts
		ae.Attempts = attempts
		we := &WriteError{Err: err, Writes: writes, Attempts: attempts, MayBeSaved: ae.mayBeSaved}
		if !ae.mayBeSaved || ctx.Err() != nil {
			return we
		}
		// A 5xx may come from a gateway, and a cut connection or a timeout says nothing of the API: it may
		// still save the write, within the time it is given to answer.
		settled := c.clock.now().Add(c.timeout)
		saved, why, checkErr := c.writeSaved(ctx, u, settled)
		if checkErr != nil {
			we.Err = fmt.Errorf("%w; finding out whether it was saved failed: %w", err, checkErr)
			return we
		}
		if c.log != nil {
			c.log(ctx, LogInfo, "GreenWaba write failed after it may have been saved", map[string]any{
				"greenwaba_method": "setSettings", "error": err.Error(), "saved": saved, "evidence": why, "writes": writes})
		}
		if saved {
			return nil
		}
		if writes == maxWrites {
			we.MayBeSaved, we.NotSaved = false, true // asked after every write: none was saved
			return we
		}
	}
}

// writeSaved finds out whether a write of u that failed ambiguously was
// saved (D20): the account is starting (the write's reboot), or it shows u
// already. Neither, still so at settled, means it was not: GreenWaba reboots
// on every saved write. Until settled it asks again at the account's pace.
func (c *Client) writeSaved(ctx context.Context, u SettingsUpdate, settled time.Time) (saved bool, evidence string, err error) {
	for {
		state, err := c.stateInstance(ctx)
		if err != nil {
			return false, "", err
		}
		if state == "starting" {
			return true, "stateInstance starting", nil
		}
		s, err := c.GetSettings(ctx)
		if err != nil {
			return false, "", err
		}
		if len(u.Diff(s)) == 0 {
			return true, "settings show the write", nil
		}
		if !c.clock.now().Before(settled) {
			return false, "stateInstance " + state + ", settings unchanged", nil
		}
	}
}

// WaitForSettings polls GetSettings until every field set in want shows its
// value, and returns the settings read last. old is the settings before the
// write (nil when unknown). Polls follow the account's pace (one getSettings
// per second, D15). Polls that failed transiently (429, 5xx, the reboot's
// 400, network, an attempt's timeout) do not end the wait; other errors are
// returned at once. A field that shows
// neither its old value nor the one wanted ends the wait with a
// *ChangedElsewhereError. When ctx ends first it returns the last settings
// read (or nil) and a *NotConvergedError naming the fields that still
// differ.
func (c *Client) WaitForSettings(ctx context.Context, old *Settings, want SettingsUpdate) (*Settings, error) {
	start := c.clock.now()
	var last *Settings
	var lastErr, stop error
	for stop == nil {
		s, err := c.GetSettings(ctx)
		switch {
		case err == nil:
			last, lastErr = s, nil
			pending := want.Diff(s)
			if len(pending) == 0 {
				return s, nil
			}
			if old != nil {
				if foreign := intersect(pending, old.full().Diff(s)); len(foreign) > 0 {
					return s, &ChangedElsewhereError{IDInstance: c.id, Fields: foreign}
				}
			}
			if c.log != nil {
				c.log(ctx, LogDebug, "GreenWaba settings not applied yet", map[string]any{
					"greenwaba_method": "getSettings", "fields": strings.Join(pending, ",")})
			}
		case ctx.Err() != nil || (isContextErr(err) && !timedOut(err)):
			// The deadline ended the poll, or would have ended its wait: report convergence, not the poll.
			// (An attempt's own timeout reads as a context error too, but only the poll failed.)
			stop = context.Cause(ctx)
			if stop == nil {
				stop = context.DeadlineExceeded
			}
		case !transient(err):
			return last, err
		default:
			lastErr = err
		}
	}
	// Without a poll that succeeded, what still differs is what the write changed.
	before := last
	if before == nil {
		before = old
	}
	return last, &NotConvergedError{
		IDInstance: c.id,
		Fields:     want.Diff(before),
		Waited:     c.clock.now().Sub(start),
		LastErr:    lastErr,
		ctxErr:     stop,
	}
}

// intersect returns the elements of a that are also in b, in a's order.
func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if x == y {
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// transient reports whether err is one a later poll may not see again.
func transient(err error) bool {
	var e *APIError
	if !errors.As(err, &e) || e.InBody {
		return false
	}
	if e.Err != nil {
		return e.TimedOut || !isContextErr(e.Err)
	}
	return transientStatus(e.StatusCode, []byte(e.Body))
}

// timedOut reports whether err is a call whose last attempt timed out, its context still running.
func timedOut(err error) bool {
	var e *APIError
	return errors.As(err, &e) && e.TimedOut
}
