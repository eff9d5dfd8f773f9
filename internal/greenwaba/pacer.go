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

// paceMargin stretches each limit's second, so that jitter between sending a
// request and its arrival cannot put two requests paced a second apart into
// one second of the API's window. On loopback, with a load average of 15,
// arrival lagged sending by 0.07 to 12 ms; 100 ms leaves room for a real
// network at the cost of 9 % of the limit (DESIGN.md).
const paceMargin = 100 * time.Millisecond

// Pacer keeps a process's calls within GreenWaba's rate limits: one limiter
// per account (API URL and idInstance) and method (D15), shared by every client given the same
// Pacer. Each limiter starts as if a call had just been made when the Pacer
// was created, because another process (Terraform's previous command) may
// have called the account an instant earlier. A Pacer is safe for
// concurrent use.
type Pacer struct {
	clock   clock
	created time.Time
	limits  map[string]int // per method; methodLimits but in tests

	mu       sync.Mutex
	limiters map[paceKey]*rate.Limiter
}

// paceKey is an account, as its URL prefix ({apiURL}/waInstance{id}/), and a method.
type paceKey struct {
	account string
	method  string
}

// NewPacer returns a Pacer for one process; create it once and pass it to
// every client through Config.Pacer.
func NewPacer() *Pacer { return newPacer(realClock{}, methodLimits) }

func newPacer(clk clock, limits map[string]int) *Pacer {
	return &Pacer{clock: clk, created: clk.now(), limits: limits, limiters: map[paceKey]*rate.Limiter{}}
}

func (p *Pacer) limiter(account, method string) *rate.Limiter {
	n := p.limits[method]
	if n == 0 {
		return nil
	}
	k := paceKey{account, method}
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.limiters[k]
	if l == nil {
		l = rate.NewLimiter(rate.Every((time.Second+paceMargin)/time.Duration(n)), 1)
		l.AllowN(p.created, 1) // a call may have been made just before this process started
		p.limiters[k] = l
	}
	return l
}

// wait blocks until account (a client's URL prefix) may be sent method, or
// ctx ends. A turn that would come after ctx's deadline is not waited for.
func (p *Pacer) wait(ctx context.Context, account, method string) error {
	l := p.limiter(account, method)
	if l == nil {
		return ctx.Err()
	}
	now := p.clock.now()
	r := l.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if deadline, ok := ctx.Deadline(); ok && now.Add(d).After(deadline) {
		r.CancelAt(now)
		return context.DeadlineExceeded
	}
	if err := p.clock.sleep(ctx, d); err != nil {
		r.CancelAt(p.clock.now())
		return err
	}
	return nil
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
