package greenwaba

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Masking of secrets: the API token (in every URL path), a webhookUrlToken
// being written or read, and anything else a request names as secret never
// reach an error, a log field or a printed value. Every rule for it lives
// here.

// masked is what redact puts in place of a secret.
const masked = "***"

// redact replaces every occurrence of each non-empty secret in s, also in its
// URL-escaped forms, with "***".
func redact(s string, secrets ...string) string {
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
			s = strings.ReplaceAll(s, f, masked)
		}
	}
	return s
}

// maskedIfSet is how a stringer shows a secret field: "" when empty, else masked.
func maskedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return masked
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
	if red := redact(msg, secrets...); red != msg {
		return &redactedError{msg: red}
	}
	return err
}

// maxLoggedBody bounds the body text put into a log field.
const maxLoggedBody = 4 << 10

// webhookTokenKey is the key of the webhook token, lower-cased. encoding/json
// matches keys without regard to case, so any spelling of it is one.
const webhookTokenKey = "webhookurltoken"

// maskBody returns body as loggable text: in JSON, the value of every
// non-empty webhookUrlToken key, in any case, is replaced by "***";
// everything is then scrubbed of the given secrets and shortened.
func maskBody(body []byte, secrets ...string) string {
	text := string(body)
	if mayHoldWebhookToken(body) {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if b, err := json.Marshal(maskValue(v)); err == nil {
				text = string(b)
			}
		} else {
			// Not JSON but may hold the key: show nothing rather than risk it.
			text = "(body not shown: not JSON, and it may hold a webhookUrlToken)"
		}
	}
	return truncate(redact(text, secrets...), maxLoggedBody)
}

// mayHoldWebhookToken reports whether body spells the webhook token's key in
// any case, or holds a JSON escape, which can spell it unseen
// ("webhook\u0055rlToken").
func mayHoldWebhookToken(body []byte) bool {
	return bytes.Contains(body, []byte(`\u`)) || bytes.Contains(bytes.ToLower(body), []byte(webhookTokenKey))
}

func maskValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if strings.EqualFold(k, webhookTokenKey) {
				if s, ok := val.(string); ok && s == "" {
					continue
				}
				t[k] = masked
				continue
			}
			t[k] = maskValue(val)
		}
	case []any:
		for i := range t {
			t[i] = maskValue(t[i])
		}
	}
	return v
}

// truncate shortens s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// errorExcerpt turns an answer into one short, secret-free line, its
// webhook token masked as in maskBody.
func errorExcerpt(body []byte, secrets ...string) string {
	s := maskBody(bytes.TrimSpace(body), secrets...)
	return strings.Join(strings.Fields(truncate(s, errorBodyShown)), " ")
}

func (c *Client) secrets(r request) []string {
	return append([]string{c.token}, r.secrets...)
}

// maskedURL is r's URL with the token masked: /waInstance1101000001/getSettings/***.
func (c *Client) maskedURL(r request) string {
	return c.prefix + r.method + "/" + masked + r.suffix + r.query
}
