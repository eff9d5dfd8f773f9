package provider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"golang.org/x/crypto/argon2"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// fakePrivate is private state in memory.
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}
func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
	} else {
		p[key] = value
	}
	return nil
}

// record is the fingerprint record p holds; the test fails when it holds none.
func (p fakePrivate) record(t *testing.T) fingerprintRecord {
	t.Helper()
	var rec fingerprintRecord
	if err := json.Unmarshal(p[privateTokenKey], &rec); err != nil {
		t.Fatalf("no fingerprint record in private state: %v", err)
	}
	return rec
}

func storeOrFail(t *testing.T, p fakePrivate, writeOnly bool, token string) fingerprintRecord {
	t.Helper()
	if diags := storeFingerprint(context.Background(), p, writeOnly, token); diags.HasError() {
		t.Fatal(diagsText(diags))
	}
	return p.record(t)
}

// legacyRecord is a record as versions before Argon2id wrote it: HMAC-SHA256 of token keyed with salt.
func legacyRecord(salt []byte, token string) []byte {
	mac := hmac.New(sha256.New, salt)
	mac.Write([]byte(token))
	raw, _ := json.Marshal(map[string]string{"salt": hex.EncodeToString(salt), "hmac_sha256": hex.EncodeToString(mac.Sum(nil))})
	return raw
}

func TestStoreFingerprint_isArgon2idOfTheTokenWithTheResourceSalt(t *testing.T) {
	rec := storeOrFail(t, fakePrivate{}, true, "secret-token")
	want := argon2.IDKey([]byte("secret-token"), rec.salt(), 1, 8*1024, 1, 32)
	if rec.Argon2id != hex.EncodeToString(want) {
		t.Errorf("argon2id = %q, want Argon2id(t=1, m=8 MiB, p=1, 32 bytes) of the token = %x", rec.Argon2id, want)
	}
	if rec.Time != 1 || rec.MemoryKiB != 8*1024 || rec.Threads != 1 || rec.HMACSHA256 != "" {
		t.Errorf("the record does not name its parameters, or keeps a fast hash: %+v", rec)
	}
}

func TestStoreFingerprint_saltIsRandomPerResourceAndKept(t *testing.T) {
	first, second := fakePrivate{}, fakePrivate{}
	a := storeOrFail(t, first, true, "secret-token")
	b := storeOrFail(t, second, true, "secret-token")

	if salt := a.salt(); len(salt) != 32 {
		t.Fatalf("salt %q is not 32 bytes in hex", a.Salt)
	}
	if a.Salt == b.Salt || a.Argon2id == b.Argon2id {
		t.Error("two resources with the same token share a salt or a fingerprint: it can be looked up across resources")
	}
	if !a.matches("secret-token") || a.matches("secret-tokeN") || a.matches("") {
		t.Error("the fingerprint does not tell the token from others")
	}
	if raw := string(first[privateTokenKey]); strings.Contains(raw, "secret-token") || len(a.Argon2id) != 64 {
		t.Errorf("record %s holds the token or no 32-byte hex key", raw)
	}

	again := storeOrFail(t, first, true, "rolled-token")
	if again.Salt != a.Salt {
		t.Error("storing a new token made a new salt; the resource's salt must be kept")
	}
	if !again.matches("rolled-token") || again.matches("secret-token") {
		t.Error("the record does not follow the account's token")
	}
}

func TestFingerprint_otherParametersMatchNothing(t *testing.T) {
	rec := storeOrFail(t, fakePrivate{}, true, "token")
	rec.MemoryKiB = 19 * 1024
	if rec.matches("token") {
		t.Error("a record made with other parameters matched")
	}
}

func TestStoreFingerprint_plainModeDropsTheFingerprintAndKeepsTheSalt(t *testing.T) {
	p := fakePrivate{}
	if storeFingerprint(context.Background(), p, false, "token"); len(p) != 0 {
		t.Fatalf("plain mode without a salt stored %q", p[privateTokenKey])
	}
	salted := storeOrFail(t, p, true, "token")
	plain := storeOrFail(t, p, false, "token")
	if plain.Argon2id != "" || plain.matches("token") {
		t.Error("plain mode kept the fingerprint")
	}
	if plain.Salt != salted.Salt {
		t.Error("plain mode dropped the resource's salt")
	}
}

func TestStoreFingerprint_unsaltedRecordIsReplaced(t *testing.T) {
	// A record from before salts: it matches nothing (the token is sent once more) and gets a salt.
	p := fakePrivate{privateTokenKey: []byte(`{"hmac_sha256":"` + strings.Repeat("ab", 32) + `"}`)}
	rec, diags := readFingerprint(context.Background(), p)
	if diags.HasError() || rec.matches("token") {
		t.Fatalf("an unsalted record matched (%s)", diagsText(diags))
	}
	if got := storeOrFail(t, p, true, "token"); got.salt() == nil || !got.matches("token") {
		t.Errorf("the record was not replaced by a salted one: %+v", got)
	}
}

func TestStoreFingerprint_hmacRecordStillMatchesAndIsUpgradedKeepingTheSalt(t *testing.T) {
	salt := []byte(strings.Repeat("s", fingerprintSaltBytes))
	p := fakePrivate{privateTokenKey: legacyRecord(salt, "token")}
	rec, _ := readFingerprint(context.Background(), p)
	if !rec.matches("token") || rec.matches("other") {
		t.Fatal("an HMAC record from an earlier version does not tell its token from others")
	}
	up := storeOrFail(t, p, true, "token")
	if up.HMACSHA256 != "" || up.Argon2id == "" || up.Salt != hex.EncodeToString(salt) || !up.matches("token") {
		t.Errorf("the HMAC record was not replaced by an Argon2id one with the same salt: %+v", up)
	}
}

// BenchmarkTokenFingerprint is the cost of one fingerprint, paid once per write-only resource and provider
// process (the cache is bypassed with a new salt each time).
func BenchmarkTokenFingerprint(b *testing.B) {
	salt := make([]byte, fingerprintSaltBytes)
	for i := 0; b.Loop(); i++ {
		salt[0], salt[1], salt[2] = byte(i), byte(i>>8), byte(i>>16)
		tokenFingerprint(salt, "bench-token")
	}
}

// TestAccWebhookSettings_hmacFingerprintIsUpgradedAtRefreshWithoutAWrite proves that a state written by an
// earlier version (HMAC-SHA256 fingerprint) plans no change, and that a refresh replaces its record with an
// Argon2id one without writing to the account.
func TestAccWebhookSettings_hmacFingerprintIsUpgradedAtRefreshWithoutAWrite(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	const token = "wo-token-of-an-old-state"
	tf := newTerraformCLI(t, acc.config(`
variable "webhook_token" {
  type      = string
  ephemeral = true
}

resource "greenwaba_webhook_settings" "this" {
  webhook_url_token_wo = var.webhook_token
}
`))
	tf.env = append(tf.env, "TF_VAR_webhook_token="+token)
	tf.run("apply", "-auto-approve", "-no-color")
	salt := []byte(strings.Repeat("o", fingerprintSaltBytes))
	tf.editState(func(inst *stateInstance) {
		raw, err := json.Marshal(map[string][]byte{privateTokenKey: legacyRecord(salt, token)})
		if err != nil {
			t.Fatal(err)
		}
		inst.Private = raw
	})
	writes := acc.srv
	before, err := writes.Instance(acc.id)
	if err != nil {
		t.Fatal(err)
	}

	tf.run("plan", "-refresh=false", "-detailed-exitcode", "-no-color") // fails on exit code 2: a change planned
	tf.run("apply", "-refresh-only", "-auto-approve", "-no-color")
	tf.run("plan", "-detailed-exitcode", "-no-color")

	var rec fingerprintRecord
	tf.editState(func(inst *stateInstance) {
		var private map[string][]byte
		if err := json.Unmarshal(inst.Private, &private); err != nil {
			t.Fatalf("private state %q: %v", base64.StdEncoding.EncodeToString(inst.Private), err)
		}
		if err := json.Unmarshal(private[privateTokenKey], &rec); err != nil {
			t.Fatal(err)
		}
	})
	if rec.HMACSHA256 != "" || rec.Salt != hex.EncodeToString(salt) || !rec.matches(token) {
		t.Errorf("the refresh did not upgrade the record to Argon2id with the resource's salt: %+v", rec)
	}
	if after, err := writes.Instance(acc.id); err != nil || after.SettingsWrites != before.SettingsWrites {
		t.Errorf("the upgrade wrote to the account (%d writes before, %+v after, %v)", before.SettingsWrites, after, err)
	}
}
