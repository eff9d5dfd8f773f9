package greenwaba

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// methodLimits is GreenWaba's rate limit per account and method, in
// requests per second (D15). Methods not listed are not paced.
var methodLimits = map[string]int{
	"getSettings":         1,
	"setSettings":         1,
	"getStateInstance":    1,
	"receiveNotification": 100,
	"deleteNotification":  100,
}

// Margins over GreenWaba's one-second window. A one-a-second method waits
// for the previous request's answer and then a second and oneMargin, which
// proves the two arrived in different seconds, whatever the network's jitter:
// the margin only covers the server's clock running apart from ours. A
// faster method cannot wait for answers (a long poll lasts up to 60 s), so
// its limiter spaces starts, over a second stretched by manyMargin. On
// loopback with a load average of 15, arrival lagged sending by 0.07 to
// 12 ms, and under the race detector and a load of 20 by over 100 ms, which
// spacing starts alone could not absorb (DESIGN.md).
const (
	oneMargin  = 10 * time.Millisecond
	manyMargin = 100 * time.Millisecond
)

// Pacer keeps a process's calls within GreenWaba's rate limits (D15): one
// golang.org/x/time/rate limiter per account (API URL and idInstance) and
// method, shared by every client given the same Pacer. It keeps nothing
// between processes: another process (Terraform's previous command) may
// have called the account an instant before this one's first call, which
// may then draw a 429; the client retries that one without counting it
// (see turn). A Pacer is safe for concurrent use.
type Pacer struct {
	clock  clock
	limits map[string]int // per method; methodLimits but in tests

	mu      sync.Mutex
	buckets map[paceKey]*bucket
}

// paceKey is an account, as its URL prefix ({apiURL}/waInstance{id}/), and a method.
type paceKey struct {
	account string
	method  string
}

// bucket paces one account's calls of one method.
type bucket struct {
	limiter *rate.Limiter
	// one holds the turn of a one-a-second method from its start to its
	// answer; nil for faster methods.
	one chan struct{}
	// used is set by the first turn: the process's first call of the method
	// for the account.
	used atomic.Bool
}

// NewPacer returns a Pacer for one process; create it once and pass it to
// every client through Config.Pacer.
func NewPacer() *Pacer { return newPacer(realClock{}, methodLimits) }

func newPacer(clk clock, limits map[string]int) *Pacer {
	return &Pacer{clock: clk, limits: limits, buckets: map[paceKey]*bucket{}}
}

func (p *Pacer) bucket(account, method string) *bucket {
	n := p.limits[method]
	if n == 0 {
		return nil
	}
	k := paceKey{account, method}
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buckets[k]
	if b == nil {
		b = &bucket{limiter: rate.NewLimiter(rate.Every((time.Second+manyMargin)/time.Duration(n)), 1)}
		if n == 1 {
			b.limiter = rate.NewLimiter(rate.Every(time.Second+oneMargin), 1)
			b.one = make(chan struct{}, 1)
		}
		p.buckets[k] = b
	}
	return b
}

// turn waits until account (a client's URL prefix) may be sent method, or
// ctx ends; a turn that would come after ctx's deadline is not waited for.
// The caller calls done when the request has ended, answered or not. first
// is set for the process's first turn of a paced method for the account:
// the only one whose 429 can come from another process's pace.
func (p *Pacer) turn(ctx context.Context, account, method string) (done func(), first bool, err error) {
	b := p.bucket(account, method)
	if b == nil {
		return func() {}, false, ctx.Err()
	}
	if b.one == nil {
		if err := p.await(ctx, b.limiter.ReserveN(p.clock.now(), 1)); err != nil {
			return nil, false, err
		}
		return func() {}, !b.used.Swap(true), nil
	}
	select {
	case b.one <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	// The turn is used up when the request ends (AllowN in done), so the next
	// one comes a second after this request's answer.
	now := p.clock.now()
	var wait time.Duration
	if t := b.limiter.TokensAt(now); t < 1 {
		wait = time.Duration((1 - t) / float64(b.limiter.Limit()) * float64(time.Second))
	}
	if err := p.sleepWithin(ctx, now, wait); err != nil {
		<-b.one
		return nil, false, err
	}
	return func() {
		b.limiter.AllowN(p.clock.now(), 1)
		<-b.one
	}, !b.used.Swap(true), nil
}

// await waits for reservation r, which it cancels when ctx ends first.
func (p *Pacer) await(ctx context.Context, r *rate.Reservation) error {
	now := p.clock.now()
	if err := p.sleepWithin(ctx, now, r.DelayFrom(now)); err != nil {
		r.CancelAt(p.clock.now())
		return err
	}
	return nil
}

// sleepWithin sleeps d from now, or fails at once when that would pass ctx's deadline.
func (p *Pacer) sleepWithin(ctx context.Context, now time.Time, d time.Duration) error {
	if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
		return context.DeadlineExceeded
	}
	return p.clock.sleep(ctx, d)
}

// clock is time as the client sees it; tests replace it to cover minutes of
// retries without waiting for them.
type clock interface {
	now() time.Time
	// sleep waits for d or until ctx ends, and returns ctx's error then.
	sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) now() time.Time { return time.Now() }

func (realClock) sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
