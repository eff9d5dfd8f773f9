package greenwaba

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func TestSettingsUpdate_wireBodySendsOnlyGivenFields(t *testing.T) {
	tests := []struct {
		name string
		u    SettingsUpdate
		want string
	}{
		{"empty", SettingsUpdate{}, `{}`},
		{"empty string is sent", SettingsUpdate{WebhookURL: ptr("")}, `{"webhookUrl":""}`},
		{"false is sent as no", SettingsUpdate{IncomingWebhook: ptr(false)}, `{"incomingWebhook":"no"}`},
		{"all", SettingsUpdate{
			WebhookURL:                ptr("https://hooks.example.test/wa"),
			WebhookURLToken:           ptr("s3cret"),
			IncomingWebhook:           ptr(true),
			OutgoingWebhook:           ptr(false),
			OutgoingAPIMessageWebhook: ptr(true),
		}, `{"webhookUrl":"https://hooks.example.test/wa","webhookUrlToken":"s3cret","incomingWebhook":"yes","outgoingWebhook":"no","outgoingAPIMessageWebhook":"yes"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.u.wireBody()
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("body = %s, want %s", got, tt.want)
			}
			if tt.u.IsEmpty() != (tt.want == `{}`) {
				t.Errorf("IsEmpty() = %t for %s", tt.u.IsEmpty(), tt.want)
			}
		})
	}
}

const settingsBody = `{"wid": "11001234567@c.us", "countryInstance": "", "typeAccount": "", "webhookUrl": "https://h.example.test/x",
 "webhookUrlToken": "tok-xyz", "delaySendMessagesMilliseconds": 0, "markIncomingMessagesReaded": "no",
 "outgoingWebhook": "yes", "outgoingAPIMessageWebhook": "no", "incomingWebhook": "yes", "stateWebhook": "no",
 "someFutureField": {"nested": [1, 2]}}`

func TestSettings_decodeKeepsDeprecatedAndUnknownFields(t *testing.T) {
	var s Settings
	if err := json.Unmarshal([]byte(settingsBody), &s); err != nil {
		t.Fatal(err)
	}
	if s.WebhookURL != "https://h.example.test/x" || s.WebhookURLToken != "tok-xyz" || s.Wid != "11001234567@c.us" {
		t.Errorf("strings decoded wrong: %+v", s)
	}
	if !s.IncomingWebhook || !s.OutgoingWebhook || s.OutgoingAPIMessageWebhook {
		t.Errorf("toggles decoded wrong: %+v", s)
	}
	wantOther := []string{"countryInstance", "delaySendMessagesMilliseconds", "markIncomingMessagesReaded", "someFutureField", "stateWebhook", "typeAccount"}
	var gotOther []string
	for k := range s.Other {
		gotOther = append(gotOther, k)
	}
	if !sameSet(gotOther, wantOther) {
		t.Errorf("Other keys = %v, want %v", gotOther, wantOther)
	}
	if got := string(s.Other["someFutureField"]); got != `{"nested": [1, 2]}` {
		t.Errorf("unknown field = %s, want it verbatim", got)
	}
}

func TestSettings_decodeRejectsBadToggleWithoutEchoingIt(t *testing.T) {
	var s Settings
	err := json.Unmarshal([]byte(`{"incomingWebhook": "maybe-secret-ish"}`), &s)
	if err == nil {
		t.Fatal("want an error for a toggle that is not yes/no")
	}
	if !strings.Contains(err.Error(), "incomingWebhook") || strings.Contains(err.Error(), "maybe-secret-ish") {
		t.Errorf("error %q should name the field and not the value", err)
	}
	for _, ok := range []string{`{"incomingWebhook": null}`, `{"incomingWebhook": ""}`, `{"incomingWebhook": true}`, `{"incomingWebhook": "YES"}`} {
		if err := json.Unmarshal([]byte(ok), &s); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

func TestSettingsUpdate_Diff(t *testing.T) {
	s := &Settings{WebhookURL: "https://a.example.test", WebhookURLToken: "t1", IncomingWebhook: true}
	tests := []struct {
		name string
		u    SettingsUpdate
		s    *Settings
		want []string
	}{
		{"nothing wanted", SettingsUpdate{}, s, nil},
		{"same values", SettingsUpdate{WebhookURL: ptr("https://a.example.test"), WebhookURLToken: ptr("t1"), IncomingWebhook: ptr(true), OutgoingWebhook: ptr(false)}, s, nil},
		{"every field differs", SettingsUpdate{
			WebhookURL: ptr(""), WebhookURLToken: ptr("t2"), IncomingWebhook: ptr(false), OutgoingWebhook: ptr(true), OutgoingAPIMessageWebhook: ptr(true),
		}, s, []string{"webhookUrl", "webhookUrlToken", "incomingWebhook", "outgoingWebhook", "outgoingAPIMessageWebhook"}},
		{"nil settings: everything set differs", SettingsUpdate{OutgoingWebhook: ptr(false)}, nil, []string{"outgoingWebhook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.u.Diff(tt.s); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Diff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSettingsStringers_maskWebhookToken(t *testing.T) {
	const tok = "webhook-token-do-not-print"
	s := Settings{WebhookURL: "https://a.example.test", WebhookURLToken: tok}
	u := SettingsUpdate{WebhookURLToken: ptr(tok), IncomingWebhook: ptr(true)}
	cfg := Config{IDInstance: 1101000001, Token: "api-token-do-not-print"}
	for _, out := range []string{
		fmt.Sprint(s), fmt.Sprintf("%+v", s), fmt.Sprintf("%#v", s), fmt.Sprintf("%v", &s),
		fmt.Sprint(u), fmt.Sprintf("%+v", u), fmt.Sprintf("%#v", u),
		fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
	} {
		if strings.Contains(out, tok) || strings.Contains(out, "api-token-do-not-print") {
			t.Errorf("printed a secret: %s", out)
		}
		if !strings.Contains(out, Masked) {
			t.Errorf("printed without the mask: %s", out)
		}
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), fmt.Sprintf("%v", *c)} {
		if strings.Contains(out, "api-token-do-not-print") {
			t.Errorf("printed the token: %s", out)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

// referenceDecode is the obvious decoder the hand-rolled one must agree with.
func referenceDecode(b []byte) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("null")
	}
	return m, nil
}

func FuzzSettingsDecode(f *testing.F) {
	for _, seed := range []string{
		settingsBody,
		`{}`, ` { } `, `null`, `[]`, `"x"`, `{"a":1}`,
		"{\n\t\"webhookUrl\" :\t\"https://x.test/a?b=\\\"c\\\"\" ,\r\n \"x\":[1,{\"y\":\"}]\\\\\"}],\"z\":-1.5e3}",
		`{"web\u0068ookUrlToken":"t\u00e9k","incomingWebhook":"yes","k\"ey":{"}":"{"}}`,
		`{"outgoingWebhook":true,"wid":null,"other":false,"n":null}`,
		`{"incomingWebhook":"maybe"}`, `{"webhookUrl":5}`, `{"a":1,"a":2}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s Settings
		err := s.decode(bytes.Clone(b))
		ref, refErr := referenceDecode(b)
		if refErr != nil {
			if err == nil {
				t.Fatalf("decoded %q that encoding/json rejects (%v)", b, refErr)
			}
			return
		}
		if err != nil {
			// Only a wrong type for one of the typed fields may fail.
			if !strings.HasPrefix(err.Error(), "settings field ") {
				t.Fatalf("decode(%q): %v", b, err)
			}
			return
		}
		typed := map[string]bool{"webhookUrl": true, "webhookUrlToken": true, "wid": true, "incomingWebhook": true, "outgoingWebhook": true, "outgoingAPIMessageWebhook": true}
		for k, v := range ref {
			if typed[k] {
				continue
			}
			if got, ok := s.Other[k]; !ok || !bytes.Equal(got, v) {
				t.Fatalf("Other[%q] = %q, want %q (input %q)", k, got, v, b)
			}
		}
		for k := range s.Other {
			if _, ok := ref[k]; !ok || typed[k] {
				t.Fatalf("Other has %q, encoding/json does not (input %q)", k, b)
			}
		}
		for k, dst := range map[string]string{"webhookUrl": s.WebhookURL, "webhookUrlToken": s.WebhookURLToken, "wid": s.Wid} {
			var want string
			if v, ok := ref[k]; ok {
				_ = json.Unmarshal(v, &want)
			}
			if dst != want {
				t.Fatalf("%s = %q, want %q (input %q)", k, dst, want, b)
			}
		}
	})
}
