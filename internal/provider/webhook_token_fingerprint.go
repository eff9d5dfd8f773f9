package provider

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"golang.org/x/crypto/argon2"
)

// The write-only webhook token is never stored. What is stored, in the resource's private state, is a
// fingerprint of the account's token: enough to tell whether a configured token is the one the account has,
// and costly to guess from. It is Argon2id (RFC 9106), the memory-hard KDF both RFC 9106 and OWASP recommend,
// with parameters set by what a plan can pay: one key per write-only resource and provider process (the
// refresh; fingerprintCache serves the plan and apply). Measured with scripts/bench-writeonly-plan.sh, a plan
// of 300 such resources took 1.16 times as long as one of 300 terraform_data with the former HMAC, 1.84 with
// OWASP's minimum for passwords (19 MiB, 2 passes), and 1.23 with 8 MiB and 1 pass: a quarter of OWASP's
// work, with the single pass of RFC 9106's first recommendation. Each guess still costs an attacker 8 MiB of
// memory, against nothing for a salted SHA-256. One lane: the plan already runs resources in parallel. A
// 32-byte key and salt, twice RFC 9106's minimum of 16.
const (
	// privateTokenKey is the private-state key of the write-only token's fingerprint.
	privateTokenKey = "webhook_url_token_wo"
	// fingerprintSaltBytes is the length of the random salt of each resource's token fingerprint.
	fingerprintSaltBytes = 32

	argon2Time      = 1
	argon2MemoryKiB = 8 * 1024
	argon2Threads   = 1
	argon2KeyBytes  = 32
)

// privateGetter reads private state; the framework's type for it is internal.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// privateState reads and writes private state.
type privateState interface {
	privateGetter
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// fingerprintRecord is the private-state value under privateTokenKey: the Argon2id key of the account's token
// with a random salt that the resource makes once and keeps, so that a fingerprint cannot be looked up in a
// precomputed table nor compared with another resource's. The parameters are recorded so that the record
// says how it was made.
type fingerprintRecord struct {
	Salt      string `json:"salt"`               // hex
	Argon2id  string `json:"argon2id,omitempty"` // hex; none outside write-only mode
	Time      uint32 `json:"t,omitempty"`
	MemoryKiB uint32 `json:"m,omitempty"`
	Threads   uint8  `json:"p,omitempty"`

	// HMACSHA256 is the fingerprint of earlier versions, an HMAC-SHA256 keyed with Salt. It is still
	// checked, so that a plan with -refresh=false does not send the token again, and a refresh replaces it.
	HMACSHA256 string `json:"hmac_sha256,omitempty"`
}

// salt is the record's salt, or nil when it has none of the right length (a record from before salts).
func (rec fingerprintRecord) salt() []byte {
	salt, err := hex.DecodeString(rec.Salt)
	if err != nil || len(salt) != fingerprintSaltBytes {
		return nil
	}
	return salt
}

// matches reports whether the record is the fingerprint of token. A record made with other parameters
// matches nothing: the token is then sent once more.
func (rec fingerprintRecord) matches(token string) bool {
	salt := rec.salt()
	switch {
	case salt == nil:
		return false
	case rec.Argon2id != "":
		want, err := hex.DecodeString(rec.Argon2id)
		return err == nil && rec.Time == argon2Time && rec.MemoryKiB == argon2MemoryKiB &&
			rec.Threads == argon2Threads && subtle.ConstantTimeCompare(want, tokenFingerprint(salt, token)) == 1
	case rec.HMACSHA256 != "":
		mac := hmac.New(sha256.New, salt)
		mac.Write([]byte(token))
		return hmac.Equal([]byte(rec.HMACSHA256), []byte(hex.EncodeToString(mac.Sum(nil))))
	}
	return false
}

// fingerprintCache holds the fingerprints computed in this provider process, keyed by a SHA-256 of salt and
// token, so that the refresh, the plan and the apply of one resource derive its key once.
var fingerprintCache = struct {
	sync.Mutex
	keys map[[sha256.Size]byte][]byte
}{keys: map[[sha256.Size]byte][]byte{}}

// tokenFingerprint is the Argon2id key of token with salt.
func tokenFingerprint(salt []byte, token string) []byte {
	// The salt has a fixed length, so salt+token is unambiguous.
	id := sha256.Sum256(append(append([]byte{}, salt...), token...))
	fingerprintCache.Lock()
	key, ok := fingerprintCache.keys[id]
	fingerprintCache.Unlock()
	if ok {
		return key
	}
	key = argon2.IDKey([]byte(token), salt, argon2Time, argon2MemoryKiB, argon2Threads, argon2KeyBytes)
	fingerprintCache.Lock()
	fingerprintCache.keys[id] = key
	fingerprintCache.Unlock()
	return key
}

// readFingerprint returns the record in private state; an absent or unreadable one is empty, which matches
// no token, so the token is sent again.
func readFingerprint(ctx context.Context, private privateGetter) (fingerprintRecord, diag.Diagnostics) {
	var rec fingerprintRecord
	raw, diags := private.GetKey(ctx, privateTokenKey)
	if diags.HasError() || len(raw) == 0 || json.Unmarshal(raw, &rec) != nil {
		return fingerprintRecord{}, diags
	}
	return rec, diags
}

// storeFingerprint records the fingerprint of the account's token in write-only mode and forgets it
// otherwise. The resource's salt is made on first use and kept from then on; a record of an earlier format
// is replaced by the current one.
func storeFingerprint(ctx context.Context, private privateState, writeOnly bool, token string) diag.Diagnostics {
	rec, diags := readFingerprint(ctx, private)
	if diags.HasError() {
		return diags
	}
	salt := rec.salt()
	switch {
	case !writeOnly && salt == nil:
		return private.SetKey(ctx, privateTokenKey, nil)
	case !writeOnly:
		rec = fingerprintRecord{Salt: rec.Salt}
	default:
		if salt == nil {
			salt = make([]byte, fingerprintSaltBytes)
			if _, err := rand.Read(salt); err != nil {
				diags.AddError("Cannot record the webhook token fingerprint", "Reading random bytes for its salt: "+err.Error())
				return diags
			}
		}
		rec = fingerprintRecord{
			Salt:     hex.EncodeToString(salt),
			Argon2id: hex.EncodeToString(tokenFingerprint(salt, token)),
			Time:     argon2Time, MemoryKiB: argon2MemoryKiB, Threads: argon2Threads,
		}
	}
	raw, err := json.Marshal(rec)
	if err != nil {
		diags.AddError("Cannot record the webhook token fingerprint", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateTokenKey, raw)
}
