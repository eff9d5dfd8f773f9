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

// openPaceStore makes dir if missing, proves it can write there, and sweeps out records older than
// paceRecordKept. A store it cannot write to would read as "never called" and wait for nothing.
func openPaceStore(dir string) (*paceStore, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	probe, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return nil, err
	}
	_ = probe.Close()
	if err := os.Remove(probe.Name()); err != nil {
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
// record cannot be read, e.g. while another process writes it: a record is whole only with its final newline.
func (s *paceStore) load(k paceKey) (last time.Time, known bool) {
	b, err := os.ReadFile(s.path(k))
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, true
	}
	digits, whole := strings.CutSuffix(string(b), "\n")
	if err != nil || !whole {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(0, n), true
}

// save records that k's last call ended at t. A write that fails is ignored: the store proved it could write
// when it opened, and the next process goes by an older record, if any, and may draw one 429, which is retried.
func (s *paceStore) save(k paceKey, t time.Time) {
	_ = os.WriteFile(s.path(k), []byte(strconv.FormatInt(t.UnixNano(), 10)+"\n"), 0o600)
}
