package greenwaba

import (
	"bytes"
	"context"
	"encoding/json"
	"unicode/utf8"
)

// LogLevel is the severity of a log event; it maps one to one onto tflog's
// Trace, Debug, Info, Warn and Error.
type LogLevel int

// Log levels, from most to least verbose.
const (
	LogTrace LogLevel = iota
	LogDebug
	LogInfo
	LogWarn
	LogError
)

// LogFunc receives request and response summaries. Fields never contain the
// API token or a webhookUrlToken value: URLs are masked
// (/waInstance1101000001/getSettings/***) and bodies have webhookUrlToken
// replaced by "***". Bodies are logged at LogTrace only.
//
// Events: "GreenWaba request" (Debug, each attempt), "GreenWaba request will
// be retried" (Info), "GreenWaba response" (Debug), "GreenWaba request
// failed" (Debug, the final error), "GreenWaba settings not applied yet"
// (Debug, WaitForSettings), and at Trace the request and response bodies.
// Field keys: greenwaba_method, http_method, url, attempt, attempts, status,
// duration, wait, retry_after, error, body, fields.
type LogFunc func(ctx context.Context, level LogLevel, msg string, fields map[string]any)

// maxLoggedBody bounds the body text put into a log field.
const maxLoggedBody = 4 << 10

var webhookTokenKey = []byte(`"webhookUrlToken"`)

// maskBody returns body as loggable text: in JSON, every non-empty
// webhookUrlToken value is replaced by "***"; everything is then scrubbed of
// the given secrets and shortened.
func maskBody(body []byte, secrets ...string) string {
	text := string(body)
	if bytes.Contains(body, webhookTokenKey) {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&v) == nil {
			if b, err := json.Marshal(maskValue(v)); err == nil {
				text = string(b)
			}
		} else {
			// Not JSON but mentions the key: show nothing rather than risk it.
			text = "(body not shown: not JSON and mentions webhookUrlToken)"
		}
	}
	return truncate(redact(text, secrets...), maxLoggedBody)
}

func maskValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if k == "webhookUrlToken" {
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
