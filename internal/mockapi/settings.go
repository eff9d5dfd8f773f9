package mockapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
)

// maxSettingsBody is the largest setSettings / Console edit body accepted (D6).
const maxSettingsBody = 64 << 10

// maxWebhookTokenLen is the longest webhookUrlToken accepted (D6).
const maxWebhookTokenLen = 1024

type fieldKind uint8

const (
	kindReadOnly fieldKind = iota // in getSettings only; ignored by setSettings like any unknown field
	kindToggle                    // "yes" or "no"
	kindString                    // any string (deprecated string fields)
	kindInt                       // any integer (deprecated delay; no range check, D6)
	kindURL                       // "" or an absolute http/https URL
	kindToken                     // any string up to maxWebhookTokenLen bytes
)

// Field indexes, in the order of the GetSettings object GreenWaba returns.
const (
	fWid = iota
	fCountryInstance
	fTypeAccount
	fWebhookURL
	fWebhookURLToken
	fDelaySendMessages
	fMarkIncomingMessagesReaded
	fMarkIncomingMessagesReadedOnReply
	fSharedSession
	fOutgoingWebhook
	fOutgoingMessageWebhook
	fOutgoingAPIMessageWebhook
	fIncomingWebhook
	fDeviceWebhook
	fStatusInstanceWebhook
	fStateWebhook
	fEnableMessagesHistory
	fKeepOnlineStatus
	fPollMessageWebhook
	fIncomingBlockWebhook
	fIncomingCallWebhook
	numFields
)

var settingsFields = [numFields]struct {
	name string
	kind fieldKind
}{
	fWid:                               {"wid", kindReadOnly},
	fCountryInstance:                   {"countryInstance", kindString},
	fTypeAccount:                       {"typeAccount", kindReadOnly},
	fWebhookURL:                        {"webhookUrl", kindURL},
	fWebhookURLToken:                   {"webhookUrlToken", kindToken},
	fDelaySendMessages:                 {"delaySendMessagesMilliseconds", kindInt},
	fMarkIncomingMessagesReaded:        {"markIncomingMessagesReaded", kindToggle},
	fMarkIncomingMessagesReadedOnReply: {"markIncomingMessagesReadedOnReply", kindToggle},
	fSharedSession:                     {"sharedSession", kindString},
	fOutgoingWebhook:                   {"outgoingWebhook", kindToggle},
	fOutgoingMessageWebhook:            {"outgoingMessageWebhook", kindToggle},
	fOutgoingAPIMessageWebhook:         {"outgoingAPIMessageWebhook", kindToggle},
	fIncomingWebhook:                   {"incomingWebhook", kindToggle},
	fDeviceWebhook:                     {"deviceWebhook", kindToggle},
	fStatusInstanceWebhook:             {"statusInstanceWebhook", kindToggle},
	fStateWebhook:                      {"stateWebhook", kindToggle},
	fEnableMessagesHistory:             {"enableMessagesHistory", kindToggle},
	fKeepOnlineStatus:                  {"keepOnlineStatus", kindToggle},
	fPollMessageWebhook:                {"pollMessageWebhook", kindToggle},
	fIncomingBlockWebhook:              {"incomingBlockWebhook", kindToggle},
	fIncomingCallWebhook:               {"incomingCallWebhook", kindToggle},
}

// settings is one account's flat GetSettings object. Every field is a string
// on the wire except delaySendMessagesMilliseconds, kept in delay.
type settings struct {
	str   [numFields]string
	delay int64
}

// defaultSettings is a new account's object (D8): empty URL and token, every toggle "no".
func defaultSettings(id int64) settings {
	var s settings
	for i, f := range settingsFields {
		if f.kind == kindToggle {
			s.str[i] = "no"
		}
	}
	s.str[fSharedSession] = "no"
	s.str[fWid] = strconv.FormatInt(id, 10) + "@c.us"
	return s
}

// settingsPatch is a validated partial write: the fields in set replace the stored ones.
type settingsPatch struct {
	set  [numFields]bool
	vals settings
}

func (p *settingsPatch) applyTo(s *settings) {
	for i, ok := range p.set {
		if !ok {
			continue
		}
		if i == fDelaySendMessages {
			s.delay = p.vals.delay
		} else {
			s.str[i] = p.vals.str[i]
		}
	}
}

// badRequestError is a validation failure answered with 400 and its one-line message.
type badRequestError struct{ msg string }

func (e *badRequestError) Error() string { return e.msg }

func badData(format string, args ...any) error {
	return &badRequestError{msg: "bad request data: " + fmt.Sprintf(format, args...)}
}

// isBadRequest reports whether err is a validation failure (HTTP 400).
func isBadRequest(err error) bool {
	var b *badRequestError
	return errors.As(err, &b)
}

// parseSettingsPatch decodes and validates a setSettings body (D6); an
// empty body changes nothing, like {}. The first
// invalid field in GetSettings order is the one named, so the message is stable.
// Values are never echoed: one of them may be a token.
func parseSettingsPatch(data []byte) (settingsPatch, error) {
	var p settingsPatch
	if len(data) == 0 {
		return p, nil // a zero-byte body is {} (D6)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return p, badData("body must be a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return p, badData("body must be a single JSON object")
	}
	for i, f := range settingsFields {
		v, ok := raw[f.name]
		if !ok || f.kind == kindReadOnly {
			continue
		}
		switch f.kind {
		case kindToggle:
			s, ok := jsonString(v)
			if !ok || (s != "yes" && s != "no") {
				return p, badData(`%s must be "yes" or "no"`, f.name)
			}
			p.vals.str[i] = s
		case kindString:
			s, ok := jsonString(v)
			if !ok {
				return p, badData("%s must be a string", f.name)
			}
			p.vals.str[i] = s
		case kindInt:
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				return p, badData("%s must be an integer", f.name)
			}
			p.vals.delay = n
		case kindURL:
			s, ok := jsonString(v)
			if !ok || !validWebhookURL(s) {
				return p, badData(`%s must be "" or an absolute http or https URL`, f.name)
			}
			p.vals.str[i] = s
		case kindToken:
			s, ok := jsonString(v)
			if !ok || len(s) > maxWebhookTokenLen {
				return p, badData("%s must be a string of at most %d bytes", f.name, maxWebhookTokenLen)
			}
			p.vals.str[i] = s
		}
		p.set[i] = true
	}
	return p, nil
}

// jsonString decodes v when it is a JSON string (null is not).
func jsonString(v json.RawMessage) (string, bool) {
	if len(v) == 0 || v[0] != '"' {
		return "", false
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

func validWebhookURL(s string) bool {
	if s == "" {
		return true
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	return strings.EqualFold(u.Scheme, "http") || strings.EqualFold(u.Scheme, "https")
}

// appendJSON appends the flat GetSettings object, keys in reference order.
func (s *settings) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, f := range settingsFields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.name)
		b = append(b, ':')
		if i == fDelaySendMessages {
			b = strconv.AppendInt(b, s.delay, 10)
		} else {
			b = appendJSONString(b, s.str[i])
		}
	}
	return append(b, '}')
}

// toMap returns the flat GetSettings object as InstanceInfo exposes it.
func (s *settings) toMap() map[string]any {
	m := make(map[string]any, numFields)
	for i, f := range settingsFields {
		if i == fDelaySendMessages {
			m[f.name] = s.delay
		} else {
			m[f.name] = s.str[i]
		}
	}
	return m
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // marshalling a string cannot fail
	return append(b, q...)
}
