package greenwaba

import (
	"context"
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
			if tt.u.isEmpty() != (tt.want == `{}`) {
				t.Errorf("isEmpty() = %t for %s", tt.u.isEmpty(), tt.want)
			}
		})
	}
}

func TestGetSettings_readsTheLiveKeysStrictly(t *testing.T) {
	f, base := newFakeAPI(t)
	c, _ := newTestClient(t, base)
	f.fault("getSettings", fakeFault{status: 200, body: `{"wid": "11001234567@c.us", "webhookUrl": "https://h.example.test/x",
 "webhookUrlToken": "tok-xyz", "delaySendMessagesMilliseconds": 0, "markIncomingMessagesReaded": "no",
 "outgoingWebhook": "yes", "outgoingAPIMessageWebhook": "no", "incomingWebhook": "yes", "someFutureField": {"nested": [1, 2]}}`})
	s, err := c.GetSettings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{WebhookURL: "https://h.example.test/x", WebhookURLToken: "tok-xyz", IncomingWebhook: true, OutgoingWebhook: true}
	if *s != want {
		t.Errorf("settings = %v, want %v", s, want)
	}
	for _, bad := range []string{`"maybe"`, `true`, `"YES"`, `""`, `1`} {
		var b yesNo
		if err := json.Unmarshal([]byte(bad), &b); err == nil {
			t.Errorf("toggle %s accepted", bad)
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
		if !strings.Contains(out, masked) {
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
