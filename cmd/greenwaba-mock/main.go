// Command greenwaba-mock serves the mock GreenWaba API (internal/mockapi) on
// loopback, for demos and CI pipelines that need GreenWaba without network or
// account.
//
//	GREENWABA_API_TOKEN_INSTANCE=TOKEN greenwaba-mock -listen 127.0.0.1:7123 -instance ID -apply-delay 0s -rate-limits off
//
// -instance ID takes the token from GREENWABA_API_TOKEN_INSTANCE, the
// variable the provider reads, so it stays out of ps; -instance ID:TOKEN
// also works.
//
// The first line of standard output is the base URL; then one line per
// account. Request logs go to standard error, without tokens.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// demoInstanceID is the account created when no -instance is given; it is
// the example id of GreenWaba's own WABA tooling.
const demoInstanceID = 1101000001

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "greenwaba-mock:", err)
		os.Exit(2)
	}
}

// tokenEnv holds the token for -instance ID; the provider reads the same
// variable, so one environment serves both.
const tokenEnv = "GREENWABA_API_TOKEN_INSTANCE"

type instanceFlag struct {
	id      int64
	token   string
	fromEnv bool // -instance ID: token comes from tokenEnv
}

// instanceList collects repeated -instance ID or ID:TOKEN flags. Set never fails:
// the flag package would quote the value, token included, in its error, so
// parse reports bad values itself.
type instanceList struct {
	list []instanceFlag
	bad  int // how many values were malformed
}

func (l *instanceList) String() string {
	if l == nil {
		return ""
	}
	ids := make([]string, len(l.list))
	for i, in := range l.list {
		ids[i] = strconv.FormatInt(in.id, 10) + ":***"
	}
	return strings.Join(ids, ",")
}

func (l *instanceList) Set(v string) error {
	if in, ok := parseInstance(v); ok {
		l.list = append(l.list, in)
	} else {
		l.bad++
	}
	return nil
}

// parseInstance parses ID or ID:TOKEN; ok is false unless ID is a positive
// integer and, after a colon, TOKEN is not empty.
func parseInstance(v string) (in instanceFlag, ok bool) {
	idStr, token, found := strings.Cut(v, ":")
	id, err := strconv.ParseInt(idStr, 10, 64)
	return instanceFlag{id: id, token: token, fromEnv: !found}, err == nil && id > 0 && (!found || token != "")
}

// run is main without the process: it serves until ctx ends. getenv is
// os.Getenv outside tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("greenwaba-mock", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:7123", "address to listen on; port 0 picks a free port")
	var instances instanceList
	fs.Var(&instances, "instance", "account to create, repeatable: `ID` takes its token from "+tokenEnv+
		" (recommended: keeps it out of ps), ID:TOKEN gives it inline; none creates one demo account")
	applyDelay := fs.Duration("apply-delay", 0, "how long a setSettings write takes to become visible")
	rebootErrors := fs.Bool("reboot-errors", false, "while a setSettings write is pending (-apply-delay), answer every method but getStateInstance with 400 \"instance in starting process try later\"")
	rateLimits := fs.String("rate-limits", "off", "off, or real for GreenWaba's per-second limits (429)")
	retryAfter := fs.Bool("retry-after", true, "send Retry-After with -rate-limits 429s; GreenWaba does not document it, so test clients with -retry-after=false too")
	webhookRetry := fs.Duration("webhook-retry", 60*time.Second, "push mode: wait before resending a failed webhook")
	deliveryTimeout := fs.Duration("delivery-timeout", 180*time.Second, "push mode: how long to wait for the receiver's answer")
	maxQueue := fs.Int("max-queue", mockapi.DefaultMaxQueue, "most notifications queued per account; more are refused with 409")
	maxInstances := fs.Int("max-instances", mockapi.DefaultMaxInstances, "most accounts; more are refused with 409")
	verbose := fs.Bool("v", false, "log every request to standard error (tokens shown as ***)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if instances.bad > 0 {
		return errors.New("-instance wants ID or ID:TOKEN with a positive integer ID and a non-empty TOKEN")
	}
	if err := instances.resolveEnv(getenv); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return errors.New("unexpected argument: greenwaba-mock takes only flags")
	}
	if *rateLimits != "off" && *rateLimits != "real" {
		return fmt.Errorf("-rate-limits must be off or real, not %q", *rateLimits)
	}
	if *applyDelay < 0 || *webhookRetry <= 0 || *deliveryTimeout <= 0 {
		return errors.New("-apply-delay must not be negative; -webhook-retry and -delivery-timeout must be positive")
	}
	if *maxQueue < 1 || *maxInstances < 1 {
		return errors.New("-max-queue and -max-instances must be at least 1")
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	srv := mockapi.New(mockapi.Options{
		ApplyDelay:      *applyDelay,
		RateLimits:      *rateLimits == "real",
		NoRetryAfter:    !*retryAfter,
		RebootErrors:    *rebootErrors,
		MaxQueue:        *maxQueue,
		MaxInstances:    *maxInstances,
		WebhookRetry:    *webhookRetry,
		DeliveryTimeout: *deliveryTimeout,
		Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	})
	defer srv.Close()

	var lines []string
	if len(instances.list) == 0 {
		token, err := demoToken()
		if err != nil {
			return err
		}
		instances.list = []instanceFlag{{id: demoInstanceID, token: token}}
		// The demo token is printed on purpose: it is the only way to learn it.
		lines = append(lines, fmt.Sprintf("idInstance=%d apiTokenInstance=%s (demo account)", demoInstanceID, token))
	} else {
		for _, in := range instances.list {
			lines = append(lines, fmt.Sprintf("idInstance=%d", in.id))
		}
	}
	for _, in := range instances.list {
		if err := srv.CreateInstance(in.id, in.token); err != nil {
			if in.fromEnv && !errors.Is(err, mockapi.ErrInstanceExists) && !errors.Is(err, mockapi.ErrLimitReached) {
				return fmt.Errorf("-instance %d: token from %s: %w", in.id, tokenEnv, err)
			}
			return fmt.Errorf("-instance %d: %w", in.id, err)
		}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	hs := mockapi.NewHTTPServer(srv)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	warnIfExposed(stderr, ln.Addr())
	fmt.Fprintln(stdout, baseURL(ln.Addr()))
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "greenwaba-mock: shutting down")
	srv.Close() // release long polls so Shutdown need not wait up to 60 s
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		_ = hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// resolveEnv fills in the token of every -instance ID from tokenEnv; the
// mock validates it when creating the account. Errors name the variable but
// never show its value.
func (l *instanceList) resolveEnv(getenv func(string) string) error {
	for i := range l.list {
		in := &l.list[i]
		if !in.fromEnv {
			continue
		}
		token := getenv(tokenEnv)
		if token == "" {
			return fmt.Errorf("-instance %d: %s is not set; export the account's token in it, or give -instance ID:TOKEN", in.id, tokenEnv)
		}
		in.token = token
	}
	return nil
}

// baseURL is the URL clients use; a wildcard listen address is reached via loopback.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// warnIfExposed warns when addr is reachable from other machines: the
// control API has no authentication and returns webhook tokens.
func warnIfExposed(stderr io.Writer, addr net.Addr) {
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsLoopback() {
		return
	}
	fmt.Fprintf(stderr, "greenwaba-mock: WARNING: listening on %s, not a loopback address: the control API under /mock/v1/ "+
		"has no authentication and returns webhook tokens, so anyone who can reach this port can read and change every account\n", addr)
}

func demoToken() (string, error) {
	b := make([]byte, 25)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
