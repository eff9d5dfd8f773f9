package greenwaba

import (
	"context"
	"sync"
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
// method, shared by every client given the same Pacer. Another process
// (Terraform's previous command) may have called the account an instant
// earlier. A Pacer made by NewSharedPacer knows when from a paceStore; any
// other starts each limiter as if a call had just been made when the Pacer
// was created (the start guard). A Pacer is safe for concurrent use.
type Pacer struct {
	clock   clock
	created time.Time
	limits  map[string]int // per method; methodLimits but in tests
	store   *paceStore     // nil: the start guard

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
}

// NewPacer returns a Pacer for one process; create it once and pass it to
// every client through Config.Pacer.
func NewPacer() *Pacer { return newPacer(realClock{}, methodLimits) }

// NewSharedPacer is NewPacer sharing the pace of one-a-second methods with
// later processes through files in dir (made if missing): the first call of
// such a method waits only for what is left of the second after the last
// call of an earlier process, and not at all when there was none.
func NewSharedPacer(dir string) (*Pacer, error) {
	store, err := openPaceStore(dir)
	if err != nil {
		return nil, err
	}
	p := NewPacer()
	p.store = store
	return p, nil
}

func newPacer(clk clock, limits map[string]int) *Pacer {
	return &Pacer{clock: clk, created: clk.now(), limits: limits, buckets: map[paceKey]*bucket{}}
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
		b.limiter.AllowN(p.lastBefore(k, n), 1)
		p.buckets[k] = b
	}
	return b
}

// lastBefore is when k's last call before this process ended, as far as the
// Pacer can tell: from the store for a one-a-second method, else (or when the
// store cannot tell) the Pacer's creation, since a call may have been made
// just before this process started. A last call from a clock ahead of ours
// counts as now.
func (p *Pacer) lastBefore(k paceKey, perSecond int) time.Time {
	if p.store == nil || perSecond != 1 {
		return p.created
	}
	last, known := p.store.load(k)
	if !known {
		return p.created
	}
	return minTime(last, p.clock.now())
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// turn waits until account (a client's URL prefix) may be sent method, or
// ctx ends; a turn that would come after ctx's deadline is not waited for.
// The caller calls done when the request has ended, answered or not.
func (p *Pacer) turn(ctx context.Context, account, method string) (done func(), err error) {
	b := p.bucket(account, method)
	if b == nil {
		return func() {}, ctx.Err()
	}
	if b.one == nil {
		return func() {}, p.await(ctx, b.limiter.ReserveN(p.clock.now(), 1))
	}
	select {
	case b.one <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
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
		return nil, err
	}
	return func() {
		end := p.clock.now()
		b.limiter.AllowN(end, 1)
		if p.store != nil {
			p.store.save(paceKey{account, method}, end)
		}
		<-b.one
	}, nil
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
