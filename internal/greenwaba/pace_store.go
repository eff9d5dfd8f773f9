package greenwaba

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// paceStore keeps, in one small file per account and one-a-second method, when the last call ended (Unix
// nanoseconds), so that the next process knows how long to wait before its first call (D15). The file's name
// is a hash of the account's URL prefix (never the token) and the method.
type paceStore struct {
	dir string
}

// paceRecordKept is how long a record is kept: far longer than the second it matters for, so that only accounts
// no longer called are swept.
const paceRecordKept = time.Hour

// openPaceStore makes dir if missing and sweeps out records older than paceRecordKept.
func openPaceStore(dir string) (*paceStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && time.Since(info.ModTime()) > paceRecordKept {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	return &paceStore{dir: dir}, nil
}

func (s *paceStore) path(k paceKey) string {
	sum := sha256.Sum256([]byte(k.account + "\x00" + k.method))
	return filepath.Join(s.dir, hex.EncodeToString(sum[:16]))
}

// load returns when k's last call ended, the zero time when no process recorded one. known is false when the
// record cannot be read, e.g. while another process writes it.
func (s *paceStore) load(k paceKey) (last time.Time, known bool) {
	b, err := os.ReadFile(s.path(k))
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, true
	}
	if err != nil {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}

// save records that k's last call ended at t. A write that fails is ignored: the next process then goes by an
// older record, if any, and may draw one 429, which is retried.
func (s *paceStore) save(k paceKey, t time.Time) {
	_ = os.WriteFile(s.path(k), []byte(strconv.FormatInt(t.UnixNano(), 10)), 0o600)
}
