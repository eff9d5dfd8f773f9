package greenwaba

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Wire names of the live WABA settings (D8).
const (
	FieldWebhookURL                = "webhookUrl"
	FieldWebhookURLToken           = "webhookUrlToken"
	FieldIncomingWebhook           = "incomingWebhook"
	FieldOutgoingWebhook           = "outgoingWebhook"
	FieldOutgoingAPIMessageWebhook = "outgoingAPIMessageWebhook"
	fieldWid                       = "wid"
)

// Settings is the account's settings as GetSettings returns them. The yes/no
// toggles are bools; every other key, deprecated or unknown, is kept in Other
// as sent.
type Settings struct {
	WebhookURL                string
	WebhookURLToken           string // a secret: never log it
	IncomingWebhook           bool
	OutgoingWebhook           bool
	OutgoingAPIMessageWebhook bool
	Wid                       string
	Other                     map[string]json.RawMessage
}

// String masks WebhookURLToken so that printing Settings is safe.
func (s Settings) String() string {
	return fmt.Sprintf("greenwaba.Settings{webhookUrl:%q webhookUrlToken:%s incomingWebhook:%t outgoingWebhook:%t outgoingAPIMessageWebhook:%t wid:%q other:%d keys}",
		s.WebhookURL, maskedIfSet(s.WebhookURLToken), s.IncomingWebhook, s.OutgoingWebhook, s.OutgoingAPIMessageWebhook, s.Wid, len(s.Other))
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

type toggle struct {
	name string
	v    *bool
}

func (u SettingsUpdate) toggles() [3]toggle {
	return [3]toggle{
		{FieldIncomingWebhook, u.IncomingWebhook},
		{FieldOutgoingWebhook, u.OutgoingWebhook},
		{FieldOutgoingAPIMessageWebhook, u.OutgoingAPIMessageWebhook},
	}
}

// IsEmpty reports whether u changes nothing.
func (u SettingsUpdate) IsEmpty() bool {
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

// settingsWire is the setSettings body: only non-nil fields are sent.
type settingsWire struct {
	WebhookURL                *string `json:"webhookUrl,omitempty"`
	WebhookURLToken           *string `json:"webhookUrlToken,omitempty"`
	IncomingWebhook           *string `json:"incomingWebhook,omitempty"`
	OutgoingWebhook           *string `json:"outgoingWebhook,omitempty"`
	OutgoingAPIMessageWebhook *string `json:"outgoingAPIMessageWebhook,omitempty"`
}

// wireBody encodes u as the setSettings body: toggles as "yes"/"no", nil
// fields left out.
func (u SettingsUpdate) wireBody() ([]byte, error) {
	return json.Marshal(settingsWire{
		WebhookURL:                u.WebhookURL,
		WebhookURLToken:           u.WebhookURLToken,
		IncomingWebhook:           yesNo(u.IncomingWebhook),
		OutgoingWebhook:           yesNo(u.OutgoingWebhook),
		OutgoingAPIMessageWebhook: yesNo(u.OutgoingAPIMessageWebhook),
	})
}

func yesNo(b *bool) *string {
	if b == nil {
		return nil
	}
	s := "no"
	if *b {
		s = "yes"
	}
	return &s
}

// UnmarshalJSON decodes a flat getSettings object.
func (s *Settings) UnmarshalJSON(b []byte) error {
	// Other aliases the bytes decoded, and json.Unmarshal may reuse b.
	return s.decode(bytes.Clone(b))
}

// decode fills s from the getSettings body b, which it keeps: the values in
// Other are slices of b. A hand-rolled walk over the members, after one
// validation pass, costs about a quarter of json.Unmarshal into a
// map[string]json.RawMessage; with the map, GetSettings measured 10–18 %
// slower than a bare http.Client (BenchmarkGetSettings, median), above the
// 10 % budget, against about 0 % with the walk.
func (s *Settings) decode(b []byte) error {
	if !json.Valid(b) {
		return errors.New("settings are not valid JSON")
	}
	*s = Settings{}
	return objectMembers(b, func(key string, v []byte) error {
		var err error
		switch key {
		case FieldWebhookURL:
			s.WebhookURL, err = jsonString(v)
		case FieldWebhookURLToken:
			s.WebhookURLToken, err = jsonString(v)
		case fieldWid:
			s.Wid, err = jsonString(v)
		case FieldIncomingWebhook:
			s.IncomingWebhook, err = parseToggle(v)
		case FieldOutgoingWebhook:
			s.OutgoingWebhook, err = parseToggle(v)
		case FieldOutgoingAPIMessageWebhook:
			s.OutgoingAPIMessageWebhook, err = parseToggle(v)
		default:
			if s.Other == nil {
				s.Other = make(map[string]json.RawMessage, 16)
			}
			s.Other[key] = json.RawMessage(v[:len(v):len(v)])
			return nil
		}
		if err != nil {
			// Say which field, never its value (it may be the token).
			return fmt.Errorf("settings field %s: unexpected %s", key, jsonKind(v))
		}
		return nil
	})
}

// jsonString decodes a JSON string; null reads as "".
func jsonString(v []byte) (string, error) {
	if len(v) >= 2 && v[0] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1]), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// knownKeys interns the key strings GetSettings sends, so decoding them
// allocates nothing.
var knownKeys = func() map[string]string {
	m := map[string]string{}
	for _, k := range []string{
		"wid", "countryInstance", "typeAccount", "webhookUrl", "webhookUrlToken", "delaySendMessagesMilliseconds",
		"markIncomingMessagesReaded", "markIncomingMessagesReadedOnReply", "sharedSession", "outgoingWebhook",
		"outgoingMessageWebhook", "outgoingAPIMessageWebhook", "incomingWebhook", "deviceWebhook", "statusInstanceWebhook",
		"stateWebhook", "enableMessagesHistory", "keepOnlineStatus", "pollMessageWebhook", "incomingBlockWebhook",
		"incomingCallWebhook", "proxyInstance", "editedMessageWebhook", "deletedMessageWebhook", "typeInstance",
	} {
		m[k] = k
	}
	return m
}()

// objectMembers calls fn with each member of the JSON object b, which must
// be valid JSON; the value is passed as its raw bytes.
func objectMembers(b []byte, fn func(key string, value []byte) error) error {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
			return errors.New("settings are null")
		}
		return errors.New("settings are not a JSON object")
	}
	i = skipSpace(b, i+1)
	if b[i] == '}' {
		return nil
	}
	for {
		end := skipString(b, i)
		raw := b[i:end]
		key, ok := knownKeys[string(raw[1:len(raw)-1])]
		if !ok {
			var err error
			if key, err = jsonString(raw); err != nil {
				return err
			}
		}
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // the colon
		end = skipValue(b, i)
		if err := fn(key, b[i:end]); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if b[i] == '}' {
			return nil
		}
		i = skipSpace(b, i+1) // the comma
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i].
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = skipString(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\n', '\r', '\t':
			return i
		}
		i++
	}
	return i
}

// parseToggle reads "yes"/"no" (any case); null, "" and a JSON bool are
// accepted too, so a quirk of the API does not break a read.
func parseToggle(v json.RawMessage) (bool, error) {
	switch string(v) {
	case `"yes"`:
		return true, nil
	case `"no"`:
		return false, nil
	}
	var x any
	if err := json.Unmarshal(v, &x); err != nil {
		return false, err
	}
	switch t := x.(type) {
	case nil:
		return false, nil
	case bool:
		return t, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "yes", "true":
			return true, nil
		case "no", "false", "":
			return false, nil
		}
	}
	return false, errors.New("not yes or no")
}

func jsonKind(v json.RawMessage) string {
	switch b := bytes.TrimSpace(v); {
	case len(b) == 0:
		return "empty value"
	case b[0] == '"':
		return "string value"
	case b[0] == '{':
		return "object"
	case b[0] == '[':
		return "array"
	case b[0] == 't' || b[0] == 'f':
		return "boolean"
	default:
		return "number"
	}
}

// GetSettings reads the account's current settings.
func (c *Client) GetSettings(ctx context.Context) (*Settings, error) {
	body, err := c.do(ctx, request{verb: http.MethodGet, method: "getSettings"})
	if err != nil {
		return nil, err
	}
	s := new(Settings)
	if err := s.decode(body); err != nil {
		return nil, c.unexpected("getSettings", err)
	}
	return s, nil
}

type setSettingsResponse struct {
	SaveSettings *bool `json:"saveSettings"`
}

// SetSettings writes the fields set in u and nothing else. Every write
// reboots the account, so an empty update sends no request, and a failed
// write is retried only when it cannot have arrived: after 429 or 503, or
// when the connection could not be made. A timeout, a dropped connection or
// another 5xx ends the call at once, since the write may have been saved.
// The change shows in GetSettings only after the account's apply delay: use
// WaitForSettings.
func (c *Client) SetSettings(ctx context.Context, u SettingsUpdate) error {
	if u.IsEmpty() {
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
	var out setSettingsResponse
	if err := c.callJSON(ctx, r, &out); err != nil {
		return err
	}
	if out.SaveSettings == nil || !*out.SaveSettings {
		return fmt.Errorf("GreenWaba did not save the settings of instance %d (saveSettings is not true): retry the apply", c.id)
	}
	return nil
}

// WaitForSettings backoff. GreenWaba allows 1 getSettings per second per
// account (D15), so polls are never closer than defaultPollMin.
const (
	defaultPollMin = time.Second
	defaultPollMax = 10 * time.Second
)

// pollWait is the pause before the next poll: delay plus up to half of it
// again as jitter, within limit. It never undercuts delay, which keeps the
// first pause at or above the rate limit.
func pollWait(delay, limit time.Duration) time.Duration {
	return min(delay+rand.N(delay/2+1), max(limit, delay))
}

// WaitForSettings polls GetSettings until every field set in want shows its
// value, and returns the settings read last. Between polls it waits 1s, 2s,
// 4s, ... up to 10s, each plus up to half again of jitter (never above 10s),
// as GreenWaba allows one getSettings per second per account. Failed polls that GetSettings gave up retrying (429,
// 5xx, network) do not end the wait; other API errors are returned at once.
// When ctx ends first it returns the last settings read (or nil) and a
// *NotConvergedError naming the fields that still differ.
func (c *Client) WaitForSettings(ctx context.Context, want SettingsUpdate) (*Settings, error) {
	start := time.Now()
	delay := c.pollMin
	var last *Settings
	var lastErr error
	for {
		s, err := c.GetSettings(ctx)
		switch {
		case err == nil:
			last, lastErr = s, nil
			if len(want.Diff(s)) == 0 {
				return s, nil
			}
		case ctx.Err() != nil:
			// Ended during the poll: report convergence, not the poll.
		case !transient(err):
			return last, err
		default:
			lastErr = err
		}

		if ctx.Err() == nil {
			wait := pollWait(delay, c.pollMax)
			if c.log != nil {
				c.log(ctx, LogDebug, "GreenWaba settings not applied yet", map[string]any{
					"greenwaba_method": "getSettings",
					"fields":           strings.Join(want.Diff(last), ","),
					"wait":             wait.String(),
				})
			}
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
				delay = min(delay*2, c.pollMax)
				continue
			}
		}
		return last, &NotConvergedError{
			IDInstance: c.id,
			Fields:     want.Diff(last),
			Waited:     time.Since(start),
			LastErr:    lastErr,
			ctxErr:     ctx.Err(),
		}
	}
}

// transient reports whether err is one a later poll may not see again.
func transient(err error) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	if e.Err != nil {
		return !isContextErr(e.Err)
	}
	return retryableStatus(e.StatusCode)
}
