package mockapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"sort"
	"sync"
	"time"
)

// retention is how long a notification stays queued, delivered or not (D13).
const retention = 24 * time.Hour

// clearInterval is how often clearWebhooksQueue may empty the queue (D16).
const clearInterval = time.Minute

// maxRequestLog bounds each account's request log; older records are dropped.
const maxRequestLog = 10000

// item is one queued notification. body is immutable once queued, so a
// response may keep using it after the item leaves the queue.
type item struct {
	id   int64
	at   int64 // enqueue time, Unix nanoseconds on the server's clock
	body []byte
}

type pendingWrite struct {
	at    time.Time
	patch settingsPatch
}

// account is one GreenWaba instance: settings, notification queue, request log.
type account struct {
	id        int64
	tokenHash [sha256.Size]byte

	mu         sync.Mutex
	current    settings
	pending    []pendingWrite // oldest first; applied in order (D7)
	applyDelay time.Duration
	// rebootErrors: calls during a pending write answer 400 (D18).
	rebootErrors bool
	writes       int
	queue        []item // live items are queue[head:]
	head         int
	lastID       int64         // receipt ids are never reused (D12)
	wake         chan struct{} // closed on enqueue; nil when no long poll waits
	waiting      int           // long polls currently parked
	pushing      bool          // a push worker runs (D14: at most one)
	lastClear    time.Time
	rate         [numMethods]rateWindow

	logMu  sync.Mutex
	log    []RequestRecord // ring of at most maxRequestLog
	logPos int
}

type rateWindow struct {
	sec int64
	n   int
}

func newAccount(id int64, token string, delay time.Duration, rebootErrors bool) *account {
	return &account{
		id:           id,
		tokenHash:    sha256.Sum256([]byte(token)),
		current:      defaultSettings(id),
		applyDelay:   delay,
		rebootErrors: rebootErrors,
	}
}

// tokenOK compares hashes in constant time, so neither content nor length leaks.
func (a *account) tokenOK(token string) bool {
	h := sha256.Sum256([]byte(token))
	return subtle.ConstantTimeCompare(h[:], a.tokenHash[:]) == 1
}

// syncLocked brings the account up to now: drops expired items (D13) and
// applies due settings writes (D7).
func (a *account) syncLocked(now time.Time) {
	cutoff := now.Add(-retention).UnixNano()
	for a.head < len(a.queue) && a.queue[a.head].at <= cutoff {
		a.popLocked()
	}
	n := 0
	for n < len(a.pending) && !now.Before(a.pending[n].at) {
		a.pending[n].patch.applyTo(&a.current)
		n++
	}
	if n > 0 {
		a.pending = append(a.pending[:0], a.pending[n:]...)
	}
}

func (a *account) queueLen() int { return len(a.queue) - a.head }

func (a *account) headLocked() (item, bool) {
	if a.head == len(a.queue) {
		return item{}, false
	}
	return a.queue[a.head], true
}

func (a *account) popLocked() {
	a.queue[a.head] = item{} // release the body
	a.head++
	switch {
	case a.head == len(a.queue):
		a.queue = a.queue[:0]
		a.head = 0
	case a.head >= 1024 && a.head*2 >= len(a.queue):
		n := copy(a.queue, a.queue[a.head:])
		clear(a.queue[n:])
		a.queue = a.queue[:n]
		a.head = 0
	}
}

func (a *account) enqueueLocked(body []byte, now time.Time) int64 {
	a.lastID++
	a.queue = append(a.queue, item{id: a.lastID, at: now.UnixNano(), body: body})
	if a.wake != nil {
		close(a.wake)
		a.wake = nil
	}
	return a.lastID
}

// removeLocked deletes the queued item with receipt id rid (D11).
func (a *account) removeLocked(rid int64) bool {
	live := a.queue[a.head:]
	i := sort.Search(len(live), func(i int) bool { return live[i].id >= rid })
	if i == len(live) || live[i].id != rid {
		return false
	}
	if i == 0 {
		a.popLocked()
		return true
	}
	copy(live[i:], live[i+1:])
	live[len(live)-1] = item{}
	a.queue = a.queue[:len(a.queue)-1]
	return true
}

// clearLocked empties the queue; receipt ids continue from where they were.
func (a *account) clearLocked() {
	clear(a.queue)
	a.queue = a.queue[:0]
	a.head = 0
}

// pendingView is the object GetSettings will show once every pending write applied.
func (a *account) pendingView() *settings {
	if len(a.pending) == 0 {
		return nil
	}
	s := a.current
	for i := range a.pending {
		a.pending[i].patch.applyTo(&s)
	}
	return &s
}

func (a *account) record(r RequestRecord) {
	a.logMu.Lock()
	if len(a.log) < maxRequestLog {
		a.log = append(a.log, r)
	} else {
		a.log[a.logPos] = r
		a.logPos = (a.logPos + 1) % maxRequestLog
	}
	a.logMu.Unlock()
}

func (a *account) requests() []RequestRecord {
	a.logMu.Lock()
	defer a.logMu.Unlock()
	out := make([]RequestRecord, 0, len(a.log))
	out = append(out, a.log[a.logPos:]...)
	return append(out, a.log[:a.logPos]...)
}
