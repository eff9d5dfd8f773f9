package greenwaba

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// FuzzDecodeAnswers feeds any answer to the decoding of getSettings, receiveNotification and setSettings: it
// never panics, an accepted answer has the method's shape (D19), and no error shows the API token, whatever the
// answer holds.
func FuzzDecodeAnswers(f *testing.F) {
	for _, seed := range []string{
		`{"webhookUrl":"","webhookUrlToken":"","incomingWebhook":"no","outgoingWebhook":"no","outgoingAPIMessageWebhook":"yes"}`,
		`{"webhookUrl":"https://h.example/x","webhookUrlToken":"` + testToken + `","incomingWebhook":"maybe"}`,
		`{"code":401,"description":"Unauthorized ` + testToken + `"}`,
		`{"receiptId":1,"body":{"typeWebhook":"incomingMessageReceived"}}`,
		`{"receiptId":0,"body":[]}`, `{"saveSettings":true}`, `null`, ``, `not json ` + testToken,
	} {
		f.Add([]byte(seed))
	}
	c, err := New(Config{APIURL: "http://127.0.0.1:1", IDInstance: testID, Token: testToken})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var w settingsWire
		err := c.decode(request{method: "getSettings"}, body, &w, w.complete)
		if err == nil && !w.complete() {
			t.Fatal("an answer without the five live settings was accepted")
		}
		var n Notification
		nErr := c.decode(request{method: MethodReceiveNotification}, body, &n, func() bool { return n.ReceiptID > 0 })
		if nErr == nil && n.ReceiptID <= 0 {
			t.Fatal("a notification without a receiptId was accepted")
		}
		var out struct {
			SaveSettings *bool `json:"saveSettings"`
		}
		sErr := c.decode(request{method: "setSettings"}, body, &out, func() bool { return out.SaveSettings != nil && *out.SaveSettings })
		for _, e := range []error{err, nErr, sErr} {
			if e == nil {
				continue
			}
			var ae *APIError
			var ue *UnexpectedAnswerError
			if !errors.As(e, &ae) && !errors.As(e, &ue) {
				t.Fatalf("error %T is neither an APIError nor an UnexpectedAnswerError", e)
			}
			if strings.Contains(e.Error(), testToken) {
				t.Fatalf("error shows the API token: %s", e)
			}
		}
	})
}

// FuzzMasking: no secret survives redact, an error excerpt or a scrubbed error, in any text; and a
// webhookUrlToken value in a JSON body never survives maskBody. Secrets holding "*" (the mask itself) or
// white space (which an excerpt folds) are not hunted, nor ones under 4 bytes, which occur by chance. A
// secret that only the masking's own output spells (the "…" of a cut, the keys of the body built here) is
// not a leak.
func FuzzMasking(f *testing.F) {
	f.Add("apiTOKEN0123", "GET /waInstance1/getSettings/apiTOKEN0123 failed", "other")
	f.Add("wh/tok%en?", "wh%2Ftok%25en%3F and wh/tok%25en%3F", "wh")
	f.Add("вебхук-токен", `{"webhookUrlToken":"вебхук-токен"}`, "x")
	f.Fuzz(func(t *testing.T, secret, text, other string) {
		if len(secret) < 4 || strings.ContainsAny(secret, "* \t\n\r\v\f\u0085\u00a0") || strings.Contains(other, secret) {
			return
		}
		if got := redact(text, secret); strings.Contains(got, secret) {
			t.Fatalf("redact kept the secret: %q", got)
		}
		if got := errorExcerpt([]byte(text), secret); strings.Contains(uncut(got), secret) {
			t.Fatalf("errorExcerpt kept the secret: %q", got)
		}
		if got := scrub(errors.New(text), "masked-url", secret).Error(); strings.Contains(got, secret) {
			t.Fatalf("scrub kept the secret: %q", got)
		}
		tok, _ := json.Marshal(secret)
		oth, _ := json.Marshal(other)
		// maskBody shows the other value decoded and encoded again: an invalid byte, escaped as \ufffd by
		// Marshal, comes back as U+FFFD itself.
		var decoded string
		_ = json.Unmarshal(oth, &decoded)
		shown, _ := json.Marshal(decoded)
		masked := `{"webhookUrl":` + string(shown) + `,"webhookUrlToken":"***"}`
		if strings.Contains(masked, secret) || strings.Contains(masked, string(tok[1:len(tok)-1])) {
			return // the masked body itself spells the token: the other value, or a key such as "webhookUrl"
		}
		body := `{"webhookUrl":` + string(oth) + `,"webhookUrlToken":` + string(tok) + `}`
		if got := uncut(maskBody([]byte(body))); strings.Contains(got, secret) || strings.Contains(got, string(tok[1:len(tok)-1])) {
			t.Fatalf("maskBody kept the webhook token: %q", got)
		}
	})
}

// uncut is s without the "…" that truncate adds, which can complete a secret cut short.
func uncut(s string) string { return strings.TrimSuffix(s, "…") }
