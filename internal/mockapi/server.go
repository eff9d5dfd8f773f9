package mockapi

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Clock lets tests control retention (D13), apply delays (D7), rate-limit
// windows (D15) and the clearWebhooksQueue interval (D16).
type Clock interface{ Now() time.Time }

// Options configures a Server. The zero value is a quiet, fast server for tests.
type Options struct {
	ApplyDelay      time.Duration // default apply delay for accounts (D7); 0 = writes visible at once
	RateLimits      bool          // D15 limits on (off by default)
	NoRetryAfter    bool          // rate-limit 429s carry no Retry-After header (D15: clients must cope either way)
	WebhookRetry    time.Duration // push-mode retry interval (D14); 0 => 60s
	DeliveryTimeout time.Duration // push-mode per-attempt timeout (D14); 0 => 180s

	// RebootErrors is the default for new accounts: while a setSettings
	// write is pending (the apply delay), every method but getStateInstance
	// answers 400 "instance in starting process try later" (D18).
	RebootErrors bool
	Clock        Clock        // nil => real time
	Logger       *slog.Logger // nil => discard; never logs tokens

	// Caps keep a long-running mock bounded; over a cap the control call
	// is refused with 409 and nothing is stored.
	MaxQueue     int // notifications queued per account; 0 => DefaultMaxQueue
	MaxInstances int // accounts; 0 => DefaultMaxInstances

	// LongPollCap, when > 0, caps how long receiveNotification really waits
	// on an empty queue (receiveTimeout is still validated), so tests can see
	// the empty-queue null without waiting 5 s.
	LongPollCap time.Duration

	// OnRequest, when set, is called with each GreenWaba call to an existing
	// account as its request log records it, before the client can see the
	// answer: what it changes in the mock (the clock) holds for the client's
	// next call. It must not call the Server back.
	OnRequest func(idInstance int64, r RequestRecord)

	// Test hooks, set before the server starts.
	readHeaderTimeout time.Duration // Start's ReadHeaderTimeout; 0 => defaultReadHeaderTimeout
	changed           *signal       // notified when state tests wait on changes
}

// signal wakes every waiter each time it is notified, like a condition
// variable whose waiters can also select on a deadline. Tests use it to wait
// for the server's own goroutines (a long poll parks, a fault is taken, a push
// delivery ends) without polling; a nil *signal ignores notify.
type signal struct {
	mu sync.Mutex
	ch chan struct{}
}

func newSignal() *signal { return &signal{ch: make(chan struct{})} }

func (sg *signal) notify() {
	if sg == nil {
		return
	}
	sg.mu.Lock()
	close(sg.ch)
	sg.ch = make(chan struct{})
	sg.mu.Unlock()
}

// next returns a channel closed by the next notify. Take it before checking
// the condition, so a change in between is not missed.
func (sg *signal) next() <-chan struct{} {
	sg.mu.Lock()
	defer sg.mu.Unlock()
	return sg.ch
}

// Errors returned by the Go control API.
var (
	ErrInstanceExists   = errors.New("mockapi: instance already exists")
	errInstanceNotFound = errors.New("mockapi: instance not found")
	// ErrLimitReached: an account's queue, or the number of accounts, is at its cap (Options.MaxQueue, MaxInstances).
	ErrLimitReached = errors.New("mockapi: limit reached")
)

// limitError is ErrLimitReached with a message saying which cap.
type limitError struct{ msg string }

func (e *limitError) Error() string        { return e.msg }
func (e *limitError) Is(target error) bool { return target == ErrLimitReached }

// Default caps: far above what a CI run, or a fleet-scale benchmark (100,000
// queued items, a few thousand accounts), queues or creates.
const (
	DefaultMaxQueue     = 1_000_000
	DefaultMaxInstances = 10_000
)

// Server is the mock GreenWaba API. It is an http.Handler serving the
// GreenWaba routes (/waInstance{id}/{method}/{token}[/{receiptId}]) and the
// test-control routes under /mock/v1/.
type Server struct {
	opts    Options
	clock   Clock
	log     *slog.Logger
	retry   time.Duration
	control *http.ServeMux
	pushCli *http.Client

	mu       sync.RWMutex
	accounts map[int64]*account
	tokens   map[[sha256.Size]byte]struct{} // every account's token hash, for logs (isToken)

	faultMu sync.Mutex
	faults  []*Fault
	nFaults atomic.Int32 // fast path: no lock while no fault is armed

	// lifecycle: push workers are counted in wg; none start once closed.
	lifeMu  sync.Mutex
	closed  atomic.Bool
	done    chan struct{}
	wg      sync.WaitGroup
	baseCtx context.Context
	cancel  context.CancelFunc

	noPush  bool    // set by the fuzz target: worker goroutines make coverage nondeterministic
	changed *signal // Options.changed
}

// Push-mode defaults: production waits 180 s for the receiver's answer and
// resends after 60 s (D14).
const (
	defaultDeliveryTimeout = 180 * time.Second
	defaultWebhookRetry    = 60 * time.Second
)

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// New returns a Server with no accounts.
func New(opts Options) *Server {
	s := &Server{
		opts:     opts,
		clock:    opts.Clock,
		log:      opts.Logger,
		retry:    opts.WebhookRetry,
		changed:  opts.changed,
		accounts: make(map[int64]*account),
		tokens:   make(map[[sha256.Size]byte]struct{}),
		done:     make(chan struct{}),
	}
	if s.clock == nil {
		s.clock = realClock{}
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.opts.MaxQueue <= 0 {
		s.opts.MaxQueue = DefaultMaxQueue
	}
	if s.opts.MaxInstances <= 0 {
		s.opts.MaxInstances = DefaultMaxInstances
	}
	if s.retry <= 0 {
		s.retry = defaultWebhookRetry
	}
	timeout := opts.DeliveryTimeout
	if timeout <= 0 {
		timeout = defaultDeliveryTimeout
	}
	s.pushCli = &http.Client{
		// Its own transport: no proxy from the environment, and Close may
		// drop idle connections without touching http.DefaultTransport.
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: timeout}).DialContext,
			MaxIdleConnsPerHost: 2,
			IdleConnTimeout:     90 * time.Second,
		},
		Timeout: timeout,
		// A redirect is not a 200: the item is retried (D14).
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	s.baseCtx, s.cancel = context.WithCancel(context.Background())
	s.control = s.controlMux()
	return s
}

// Close stops push workers and releases parked long polls (they answer null).
// The Server still answers requests afterwards, but never waits.
func (s *Server) Close() {
	s.lifeMu.Lock()
	if s.closed.Load() {
		s.lifeMu.Unlock()
		return
	}
	s.closed.Store(true)
	close(s.done)
	s.lifeMu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.pushCli.CloseIdleConnections()
}

func (s *Server) now() time.Time { return s.clock.Now() }

func (s *Server) account(id int64) *account {
	s.mu.RLock()
	a := s.accounts[id]
	s.mu.RUnlock()
	return a
}

// ServeHTTP routes GreenWaba calls and /mock/v1/ control calls.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if len(r.URL.Path) >= len(controlPrefix) && r.URL.Path[:len(controlPrefix)] == controlPrefix {
		s.control.ServeHTTP(w, r)
		return
	}
	s.serveAPI(w, r)
}

// defaultReadHeaderTimeout is how long a client may take to send its headers.
const defaultReadHeaderTimeout = 5 * time.Second

// NewHTTPServer wraps h in an http.Server whose timeouts keep slow clients
// from holding it, while leaving room for 60-second long polls.
func NewHTTPServer(h http.Handler) *http.Server {
	return newHTTPServer(h, defaultReadHeaderTimeout)
}

func newHTTPServer(h http.Handler, readHeaderTimeout time.Duration) *http.Server {
	if readHeaderTimeout <= 0 {
		readHeaderTimeout = defaultReadHeaderTimeout
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       90 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
}

// Start serves a new Server on 127.0.0.1:0 over real loopback HTTP and
// returns its base URL ("http://127.0.0.1:PORT"). stop closes the Server and
// the listener; it is safe to call more than once.
func Start(opts Options) (srv *Server, baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, fmt.Errorf("mockapi: listen: %w", err)
	}
	srv = New(opts)
	hs := newHTTPServer(srv, opts.readHeaderTimeout)
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = hs.Serve(ln) // always ErrServerClosed after stop
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			srv.Close() // releases long polls first, so Shutdown does not wait on them
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if hs.Shutdown(ctx) != nil {
				_ = hs.Close()
			}
			<-served
		})
	}
	return srv, "http://" + ln.Addr().String(), stop, nil
}
