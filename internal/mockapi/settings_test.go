package mockapi

import (
	"encoding/json"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"
)

// wabaKeys is the full flat GetSettings object, deprecated keys included (DESIGN.md, D8).
var wabaKeys = []string{
	"wid", "countryInstance", "typeAccount", "webhookUrl", "webhookUrlToken", "delaySendMessagesMilliseconds",
	"markIncomingMessagesReaded", "markIncomingMessagesReadedOnReply", "sharedSession", "outgoingWebhook",
	"outgoingMessageWebhook", "outgoingAPIMessageWebhook", "incomingWebhook", "deviceWebhook", "statusInstanceWebhook",
	"stateWebhook", "enableMessagesHistory", "keepOnlineStatus", "pollMessageWebhook", "incomingBlockWebhook",
	"incomingCallWebhook",
}

func TestGetSettingsNewAccountDefaults(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	s := m.settings()
	if len(s) != len(wabaKeys) {
		t.Errorf("getSettings has %d keys, want %d: %v", len(s), len(wabaKeys), s)
	}
	for _, k := range wabaKeys {
		v, ok := s[k]
		if !ok {
			t.Errorf("missing key %s", k)
			continue
		}
		var want any = "no"
		switch k {
		case "wid":
			want = "1101000001@c.us"
		case "countryInstance", "typeAccount", "webhookUrl", "webhookUrlToken":
			want = ""
		case "delaySendMessagesMilliseconds":
			want = float64(0)
		}
		if v != want {
			t.Errorf("%s = %#v, want %#v", k, v, want)
		}
	}
	info := m.info(testID)
	if len(info.Settings) != len(wabaKeys) {
		t.Errorf("Instance settings has %d keys", len(info.Settings))
	}
	if info.SettingsWrites != 0 || info.PendingSettings != nil || info.QueueLength != 0 {
		t.Errorf("new account info = %+v", info)
	}
}

// TestSetSettingsValidation covers D6: partial merge, validation naming the
// field, bodies over 64 KiB, and nothing stored changing on error.
func TestSetSettingsValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("S", 1025)
	cases := []struct {
		name   string
		body   string
		status int
		err    string         // exact error body when status is 400
		want   map[string]any // fields expected afterwards (others keep defaults)
	}{
		{"empty object", `{}`, 200, "", nil},
		{"zero-byte body is {} (D6)", ``, 200, "", nil},
		{"one toggle", `{"incomingWebhook":"yes"}`, 200, "", map[string]any{"incomingWebhook": "yes"}},
		{"all live fields", `{"webhookUrl":"https://hooks.example.test/wa","webhookUrlToken":"s3cret","incomingWebhook":"yes","outgoingWebhook":"yes","outgoingAPIMessageWebhook":"yes"}`, 200, "",
			map[string]any{"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": "s3cret", "incomingWebhook": "yes", "outgoingWebhook": "yes", "outgoingAPIMessageWebhook": "yes"}},
		{"http URL with port and query", `{"webhookUrl":"HTTP://127.0.0.1:8080/hook?x=1"}`, 200, "", map[string]any{"webhookUrl": "HTTP://127.0.0.1:8080/hook?x=1"}},
		{"empty URL", `{"webhookUrl":""}`, 200, "", nil},
		{"token of 1024 bytes", `{"webhookUrlToken":"` + long[:1024] + `"}`, 200, "", map[string]any{"webhookUrlToken": long[:1024]}},
		{"deprecated toggle stored", `{"stateWebhook":"yes","incomingCallWebhook":"yes"}`, 200, "", map[string]any{"stateWebhook": "yes", "incomingCallWebhook": "yes"}},
		{"deprecated string any value", `{"sharedSession":"whatever","countryInstance":"ru"}`, 200, "", map[string]any{"sharedSession": "whatever", "countryInstance": "ru"}},
		{"deprecated delay, no range check", `{"delaySendMessagesMilliseconds":-7}`, 200, "", map[string]any{"delaySendMessagesMilliseconds": float64(-7)}},
		{"delay zero written back", `{"delaySendMessagesMilliseconds":0}`, 200, "", nil},
		{"unknown and read-only fields ignored", `{"nope":{"a":[1]},"wid":"x@c.us","typeAccount":"y"}`, 200, "", nil},
		{"whitespace around object", " \n{\"incomingWebhook\" : \"no\"}\n ", 200, "", nil},

		{"toggle bool", `{"incomingWebhook":true}`, 400, `bad request data: incomingWebhook must be "yes" or "no"`, nil},
		{"toggle upper case", `{"outgoingWebhook":"YES"}`, 400, `bad request data: outgoingWebhook must be "yes" or "no"`, nil},
		{"toggle null", `{"outgoingAPIMessageWebhook":null}`, 400, `bad request data: outgoingAPIMessageWebhook must be "yes" or "no"`, nil},
		{"deprecated toggle checked", `{"stateWebhook":"maybe"}`, 400, `bad request data: stateWebhook must be "yes" or "no"`, nil},
		{"URL scheme", `{"webhookUrl":"ftp://hooks.example.test"}`, 400, `bad request data: webhookUrl must be "" or an absolute http or https URL`, nil},
		{"URL relative", `{"webhookUrl":"/hook"}`, 400, `bad request data: webhookUrl must be "" or an absolute http or https URL`, nil},
		{"URL no host", `{"webhookUrl":"https://"}`, 400, `bad request data: webhookUrl must be "" or an absolute http or https URL`, nil},
		{"URL not a string", `{"webhookUrl":1}`, 400, `bad request data: webhookUrl must be "" or an absolute http or https URL`, nil},
		{"URL unparsable", `{"webhookUrl":"http://a b"}`, 400, `bad request data: webhookUrl must be "" or an absolute http or https URL`, nil},
		{"token too long", `{"webhookUrlToken":"` + long + `"}`, 400, `bad request data: webhookUrlToken must be a string of at most 1024 bytes`, nil},
		{"token not a string", `{"webhookUrlToken":5}`, 400, `bad request data: webhookUrlToken must be a string of at most 1024 bytes`, nil},
		{"delay fractional", `{"delaySendMessagesMilliseconds":1.5}`, 400, `bad request data: delaySendMessagesMilliseconds must be an integer`, nil},
		{"delay string", `{"delaySendMessagesMilliseconds":"5"}`, 400, `bad request data: delaySendMessagesMilliseconds must be an integer`, nil},
		{"delay overflow", `{"delaySendMessagesMilliseconds":99999999999999999999}`, 400, `bad request data: delaySendMessagesMilliseconds must be an integer`, nil},
		{"deprecated string not string", `{"sharedSession":false}`, 400, `bad request data: sharedSession must be a string`, nil},
		{"first invalid field in order is named", `{"incomingWebhook":"x","webhookUrl":"ftp:"}`, 400, `bad request data: webhookUrl must be "" or an absolute http or https URL`, nil},
		{"valid field not stored when another fails", `{"incomingWebhook":"yes","outgoingWebhook":"bad"}`, 400, `bad request data: outgoingWebhook must be "yes" or "no"`, nil},
		{"array", `[]`, 400, "bad request data: body must be a JSON object", nil},
		{"null", `null`, 400, "bad request data: body must be a JSON object", nil},
		{"string", `"x"`, 400, "bad request data: body must be a JSON object", nil},
		{"blank body", " \n", 400, "bad request data: body must be a JSON object", nil},
		{"truncated", `{"incomingWebhook":"yes"`, 400, "bad request data: body must be a JSON object", nil},
		{"two objects", `{} {}`, 400, "bad request data: body must be a single JSON object", nil},
		{"trailing garbage", `{}x`, 400, "bad request data: body must be a single JSON object", nil},
		{"over 64 KiB", `{"pad":"` + strings.Repeat("p", 64<<10) + `"}`, 400, "bad request data: body larger than 65536 bytes", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := newMock(t, Options{})
			before := m.settings()
			r := m.do("POST", api("setSettings"), tc.body)
			if r.status != tc.status {
				t.Fatalf("status = %d, want %d (%q)", r.status, tc.status, r.body)
			}
			after := m.settings()
			info := m.info(testID)
			if tc.status != 200 {
				if r.body != tc.err {
					t.Errorf("error = %q, want %q", r.body, tc.err)
				}
				if strings.Contains(r.body, long[:64]) {
					t.Errorf("error echoes a value")
				}
				if !maps.Equal(before, after) {
					t.Errorf("settings changed on error:\nbefore %v\nafter  %v", before, after)
				}
				if info.SettingsWrites != 0 {
					t.Errorf("rejected write counted: %d", info.SettingsWrites)
				}
				return
			}
			if r.body != `{"saveSettings":true}` {
				t.Errorf("body = %q", r.body)
			}
			want := maps.Clone(before)
			maps.Copy(want, tc.want)
			if !maps.Equal(want, after) {
				t.Errorf("settings after write:\n got  %v\n want %v", after, want)
			}
			if info.SettingsWrites != 1 {
				t.Errorf("settingsWrites = %d, want 1", info.SettingsWrites)
			}
		})
	}
}

func TestSetSettingsMergesAcrossWrites(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{})
	for _, body := range []string{
		`{"webhookUrl":"https://a.example.test","incomingWebhook":"yes"}`,
		`{"outgoingWebhook":"yes"}`,
		`{}`,
		`{"incomingWebhook":"no"}`,
	} {
		if r := m.do("POST", api("SetSettings"), body); r.status != 200 {
			t.Fatalf("%s: %d %s", body, r.status, r.body)
		}
	}
	s := m.settings()
	if s["webhookUrl"] != "https://a.example.test" || s["incomingWebhook"] != "no" || s["outgoingWebhook"] != "yes" {
		t.Fatalf("merged settings = %v", s)
	}
	if got := m.info(testID).SettingsWrites; got != 4 {
		t.Fatalf("settingsWrites = %d, want 4 (each write reboots an account, {} included)", got)
	}
}

// TestApplyDelay covers D7: a write is visible only after the apply delay.
func TestApplyDelay(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock, ApplyDelay: 5 * time.Minute})
	if r := m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`); r.status != 200 {
		t.Fatalf("setSettings: %d %s", r.status, r.body)
	}
	if got := m.settings()["incomingWebhook"]; got != "no" {
		t.Fatalf("visible before the delay: %v", got)
	}
	info := m.info(testID)
	if info.PendingSettings["incomingWebhook"] != "yes" || info.Settings["incomingWebhook"] != "no" || info.SettingsWrites != 1 {
		t.Fatalf("info during delay = %+v", info)
	}

	clock.Advance(2 * time.Minute)
	if r := m.do("POST", api("setSettings"), `{"outgoingWebhook":"yes"}`); r.status != 200 {
		t.Fatal(r.body)
	}
	clock.Advance(3*time.Minute - time.Nanosecond)
	if got := m.settings()["incomingWebhook"]; got != "no" {
		t.Fatalf("visible a nanosecond early: %v", got)
	}
	clock.Advance(time.Nanosecond)
	s := m.settings()
	if s["incomingWebhook"] != "yes" || s["outgoingWebhook"] != "no" {
		t.Fatalf("after first delay: %v", s)
	}
	if p := m.info(testID).PendingSettings; p["outgoingWebhook"] != "yes" || p["incomingWebhook"] != "yes" {
		t.Fatalf("pending after first delay = %v", p)
	}
	clock.Advance(2 * time.Minute)
	if s := m.settings(); s["outgoingWebhook"] != "yes" {
		t.Fatalf("after second delay: %v", s)
	}
	if info := m.info(testID); info.PendingSettings != nil || info.SettingsWrites != 2 {
		t.Fatalf("info after delays = %+v", info)
	}
}

func TestSetApplyDelayPerAccount(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	m := newMock(t, Options{Clock: clock})
	if err := m.srv.SetApplyDelay(testID, time.Minute); err != nil {
		t.Fatal(err)
	}
	m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`)
	if got := m.settings()["incomingWebhook"]; got != "no" {
		t.Fatalf("visible before delay: %v", got)
	}
	clock.Advance(time.Minute)
	if got := m.settings()["incomingWebhook"]; got != "yes" {
		t.Fatalf("not visible after delay: %v", got)
	}
	if err := m.srv.SetApplyDelay(testID, -time.Second); err == nil {
		t.Error("negative delay accepted")
	}
	if err := m.srv.SetApplyDelay(42, time.Second); !errors.Is(err, errInstanceNotFound) {
		t.Errorf("unknown account: %v", err)
	}
}

// TestEditSettingsConsole covers the Console edit: validated like
// setSettings, visible at once even with an apply delay, not counted.
func TestEditSettingsConsole(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{ApplyDelay: time.Hour})
	if err := m.srv.EditSettings(testID, map[string]any{"incomingWebhook": "yes", "delaySendMessagesMilliseconds": 500}); err != nil {
		t.Fatal(err)
	}
	s := m.settings()
	if s["incomingWebhook"] != "yes" || s["delaySendMessagesMilliseconds"] != float64(500) {
		t.Fatalf("console edit not visible: %v", s)
	}
	err := m.srv.EditSettings(testID, map[string]any{"outgoingWebhook": true, "incomingWebhook": "no"})
	if err == nil || err.Error() != `bad request data: outgoingWebhook must be "yes" or "no"` {
		t.Fatalf("invalid edit: %v", err)
	}
	if s := m.settings(); s["incomingWebhook"] != "yes" {
		t.Fatalf("failed edit changed settings: %v", s)
	}
	if err := m.srv.EditSettings(testID, nil); err != nil {
		t.Fatalf("empty edit: %v", err)
	}
	if err := m.srv.EditSettings(42, map[string]any{}); !errors.Is(err, errInstanceNotFound) {
		t.Fatalf("unknown account: %v", err)
	}
	if err := m.srv.EditSettings(testID, map[string]any{"x": func() {}}); err == nil {
		t.Fatal("unencodable value accepted")
	}
	if got := m.info(testID).SettingsWrites; got != 0 {
		t.Fatalf("console edits counted as writes: %d", got)
	}
}

func TestInstanceInfoJSONShape(t *testing.T) {
	t.Parallel()
	m := newMock(t, Options{ApplyDelay: time.Hour})
	m.do("POST", api("setSettings"), `{"incomingWebhook":"yes"}`)
	m.enqueue(notif("incomingMessageReceived", 1))
	r := m.do("GET", "/mock/v1/instances/1101000001", "")
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != 200 {
		t.Fatalf("%d %s: %v", r.status, r.body, err)
	}
	for _, k := range []string{"settings", "pendingSettings", "queueLength", "settingsWrites", "stateInstance", "rebootErrors"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing %s in %s", k, r.body)
		}
	}
	if len(got) != 6 || string(got["queueLength"]) != "1" || string(got["settingsWrites"]) != "1" ||
		string(got["stateInstance"]) != `"starting"` || string(got["rebootErrors"]) != "false" {
		t.Errorf("instance = %s", r.body)
	}
	var pending map[string]any
	_ = json.Unmarshal(got["pendingSettings"], &pending)
	if pending["incomingWebhook"] != "yes" {
		t.Errorf("pendingSettings = %s", got["pendingSettings"])
	}
}
