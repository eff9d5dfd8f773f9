package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// started runs run() in-process and returns the lines it printed so far
// once the base URL is out, plus a stop function returning run's error.
type started struct {
	lines []string
	stop  func() error
}

func startRun(t *testing.T, args ...string) started {
	t.Helper()
	return startRunEnv(t, nil, args...)
}

// env is a fake environment for run's getenv.
func env(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func startRunEnv(t *testing.T, environ map[string]string, args ...string) started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	var stderr strings.Builder
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, args, env(environ), pw, &stderr)
		pw.CloseWithError(io.EOF)
		errc <- err
	}()
	sc := bufio.NewScanner(pr)
	lineCh := make(chan string)
	go func() {
		for sc.Scan() {
			lineCh <- sc.Text()
		}
		close(lineCh)
	}()
	var lines []string
	want := 2 // URL + at least one account line
	for _, a := range args {
		if a == "-instance" {
			want++
		}
	}
	if want > 2 {
		want-- // with -instance there is no demo line
	}
	for len(lines) < want {
		select {
		case l, ok := <-lineCh:
			if !ok {
				cancel()
				t.Fatalf("run ended early: %v (stdout %q)", <-errc, lines)
			}
			lines = append(lines, l)
		case <-time.After(10 * time.Second):
			cancel()
			t.Fatalf("no output; got %q", lines)
		}
	}
	stopped := false
	stop := func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-errc
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("run: %v", err)
		}
	})
	return started{lines: lines, stop: stop}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var baseURLLine = regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`)

func TestRunInstancesAndFreePort(t *testing.T) {
	t.Parallel()
	s := startRun(t, "-listen", "127.0.0.1:0", "-instance", "1101000001:tokenA1", "-instance", "1101000002:tokenB2")
	base := s.lines[0]
	if !baseURLLine.MatchString(base) || strings.HasSuffix(base, ":0") {
		t.Fatalf("first line = %q, want the base URL with the picked port", base)
	}
	if s.lines[1] != "idInstance=1101000001" || s.lines[2] != "idInstance=1101000002" {
		t.Fatalf("account lines = %q", s.lines[1:])
	}
	if code, body := get(t, base+"/waInstance1101000001/getSettings/tokenA1"); code != 200 || !strings.Contains(body, `"wid":"1101000001@c.us"`) {
		t.Fatalf("account A: %d %s", code, body)
	}
	if code, _ := get(t, base+"/waInstance1101000002/getSettings/tokenA1"); code != 401 {
		t.Fatalf("account B with A's token: %d", code)
	}
	if code, _ := get(t, base+"/waInstance1101000002/getSettings/tokenB2"); code != 200 {
		t.Fatalf("account B: %d", code)
	}
	for _, l := range s.lines {
		if strings.Contains(l, "tokenA1") || strings.Contains(l, "tokenB2") {
			t.Fatalf("a given token was printed: %q", l)
		}
	}
	if err := s.stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
}

// TestRunInstanceTokenFromEnv proves -instance ID takes its token from
// GREENWABA_API_TOKEN_INSTANCE and mixes with -instance ID:TOKEN.
func TestRunInstanceTokenFromEnv(t *testing.T) {
	t.Parallel()
	s := startRunEnv(t, map[string]string{tokenEnv: "envToken-1"},
		"-listen", "127.0.0.1:0", "-instance", "1101000001", "-instance", "1101000002:inlineB2")
	base := s.lines[0]
	if s.lines[1] != "idInstance=1101000001" || s.lines[2] != "idInstance=1101000002" {
		t.Fatalf("account lines = %q", s.lines[1:])
	}
	if code, _ := get(t, base+"/waInstance1101000001/getSettings/envToken-1"); code != 200 {
		t.Fatalf("env-token account: %d", code)
	}
	if code, _ := get(t, base+"/waInstance1101000002/getSettings/envToken-1"); code != 401 {
		t.Fatalf("inline-token account took the env token: %d", code)
	}
	if code, _ := get(t, base+"/waInstance1101000002/getSettings/inlineB2"); code != 200 {
		t.Fatalf("inline-token account: %d", code)
	}
	for _, l := range s.lines {
		if strings.Contains(l, "envToken-1") {
			t.Fatalf("the env token was printed: %q", l)
		}
	}
}

func TestRunInstanceTokenFromEnvErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		token string // "" = unset
		want  string
	}{
		{"unset", "", tokenEnv + " is not set"},
		{"invalid", "secret-token-xyz with/bad chars", "token from " + tokenEnv},
	} {
		var stdout, stderr strings.Builder
		err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-instance", "1101000001"},
			env(map[string]string{tokenEnv: tc.token}), &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "1101000001") {
			t.Errorf("%s: err = %v, want it to contain %q and the id", tc.name, err, tc.want)
			continue
		}
		if strings.Contains(err.Error()+stderr.String(), "secret-token-xyz") {
			t.Errorf("%s: the token was echoed: %v", tc.name, err)
		}
		if stdout.Len() != 0 {
			t.Errorf("%s: printed %q before failing", tc.name, stdout.String())
		}
	}
}

func TestRunDemoAccount(t *testing.T) {
	t.Parallel()
	s := startRun(t, "-listen", "127.0.0.1:0", "-rate-limits", "real")
	m := regexp.MustCompile(`^idInstance=(\d+) apiTokenInstance=([0-9a-f]{50}) \(demo account\)$`).FindStringSubmatch(s.lines[1])
	if m == nil {
		t.Fatalf("demo line = %q", s.lines[1])
	}
	url := s.lines[0] + "/waInstance" + m[1] + "/getSettings/" + m[2]
	if code, _ := get(t, url); code != 200 {
		t.Fatalf("demo account: %d", code)
	}
	// -rate-limits real: settings methods allow 1 request per second. A
	// second boundary can fall between the two calls, so try a few times.
	limited := false
	for range 5 {
		if code, _ := get(t, url); code == 429 {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("no 429 with -rate-limits real")
	}
}

// TestRunRebootErrorsAndRetryAfter: -reboot-errors refuses calls while a
// write is pending; -retry-after=false leaves Retry-After out of a 429.
func TestRunRebootErrorsAndRetryAfter(t *testing.T) {
	t.Parallel()
	s := startRun(t, "-listen", "127.0.0.1:0", "-instance", "1101000001:tokenA1", "-apply-delay", "1h",
		"-reboot-errors", "-rate-limits", "real", "-retry-after=false")
	api := s.lines[0] + "/waInstance1101000001/"
	resp, err := http.Post(api+"setSettings/tokenA1", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("setSettings = %d", resp.StatusCode)
	}
	if code, body := get(t, api+"getSettings/tokenA1"); code != 400 || body != "instance in starting process try later" {
		t.Fatalf("getSettings during the reboot = %d %q", code, body)
	}
	if code, body := get(t, api+"getStateInstance/tokenA1"); code != 200 || body != `{"stateInstance":"starting"}` {
		t.Fatalf("getStateInstance during the reboot = %d %q", code, body)
	}
	// getStateInstance allows 1 call per second; a second boundary can fall
	// between two calls, so try a few times.
	for range 5 {
		resp, err := http.Get(api + "getStateInstance/tokenA1")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 429 {
			if v := resp.Header.Values("Retry-After"); v != nil {
				t.Fatalf("Retry-After with -retry-after=false: %q", v)
			}
			return
		}
	}
	t.Fatal("no 429 with -rate-limits real")
}

func TestWarnIfExposed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:7123", false},
		{"127.1.2.3:7123", false},
		{"[::1]:7123", false},
		{"0.0.0.0:7123", true},
		{"[::]:7123", true},
		{"192.0.2.10:7123", true},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		warnIfExposed(&stderr, addr)
		if got := strings.Contains(stderr.String(), "WARNING: listening on "+addr.String()+", not a loopback address"); got != tc.warn {
			t.Errorf("%s: warned %v, want %v (%q)", tc.addr, got, tc.warn, stderr.String())
		}
	}
}

// TestRunMaxInstances: -instance beyond -max-instances fails to start,
// naming the account and the limit.
func TestRunMaxInstances(t *testing.T) {
	t.Parallel()
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"-listen", "127.0.0.1:0", "-max-instances", "1", "-instance", "1:tokA", "-instance", "2:tokB"},
		env(nil), &stdout, &stderr)
	if err == nil || err.Error() != "-instance 2: too many accounts: the mock holds 1, its limit" {
		t.Fatalf("err = %v", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-rate-limits", "sometimes"},
		{"-instance", "abc:secret-token-xyz"},
		{"-instance", "0"},
		{"-instance", ":secret-token-xyz"},
		{"-instance", "1101000001:"},
		{"-instance", "1101000001:bad/token"},
		{"-webhook-retry", "0s"},
		{"-apply-delay", "-1s"},
		{"-max-queue", "0"},
		{"-max-instances", "-1"},
		{"-listen", "127.0.0.1:0", "extra"},
		{"-listen", "256.0.0.1:99999"},
	} {
		var stdout, stderr strings.Builder
		err := run(context.Background(), args, env(nil), &stdout, &stderr)
		if err == nil {
			t.Errorf("%q: no error", args)
			continue
		}
		if strings.Contains(err.Error()+stderr.String(), "secret-token-xyz") {
			t.Errorf("%q: the token was echoed", args)
		}
		if stdout.Len() != 0 {
			t.Errorf("%q: printed %q before failing", args, stdout.String())
		}
	}
	var help strings.Builder
	if err := run(context.Background(), []string{"-h"}, env(nil), io.Discard, &help); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	if !strings.Contains(help.String(), "-instance ID") || !strings.Contains(help.String(), tokenEnv) {
		t.Errorf("-h does not document -instance ID and %s:\n%s", tokenEnv, help.String())
	}
}

// TestBinarySIGTERM builds the real binary and proves the first line, a
// free port, and a clean exit (status 0) on SIGTERM.
func TestBinarySIGTERM(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "greenwaba-mock")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	// The env form, as the README recommends: the token is not in argv.
	cmd := exec.Command(bin, "-listen", "127.0.0.1:0", "-instance", "1101000001")
	cmd.Env = append(os.Environ(), tokenEnv+"=tok-1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	// Read stdout to its end (the process exiting closes it) before Wait,
	// which closes the pipe.
	first := make(chan string, 1)
	drained := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		for sc.Scan() {
		}
		drained <- sc.Err()
	}()
	var base string
	select {
	case base = <-first:
	case <-time.After(30 * time.Second):
		t.Fatal("no first line")
	}
	if !baseURLLine.MatchString(base) {
		t.Fatalf("first line = %q", base)
	}
	if code, body := get(t, base+"/mock/v1/healthz"); code != 200 || body != "ok" {
		t.Fatalf("healthz = %d %q", code, body)
	}
	if code, _ := get(t, base+"/waInstance1101000001/getSettings/tok-1"); code != 200 {
		t.Fatalf("account with the token from %s: %d", tokenEnv, code)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-drained:
		if err != nil {
			t.Fatalf("reading stdout: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("stdout still open after SIGTERM")
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit: %v\nstderr: %s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no exit after SIGTERM")
	}
	if cmd.ProcessState.ExitCode() != 0 || !strings.Contains(stderr.String(), "shutting down") {
		t.Fatalf("exit code %d, stderr %q", cmd.ProcessState.ExitCode(), stderr.String())
	}
	if strings.Contains(stderr.String(), "tok-1") {
		t.Fatal("stderr contains the token")
	}
}

// TestREADMEDocumentsEveryFlag: each flag in -h appears in the flag table of
// this directory's README.md.
func TestREADMEDocumentsEveryFlag(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	if err := run(context.Background(), []string{"-h"}, env(nil), &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	flags := regexp.MustCompile(`(?m)^  -([a-z-]+)`).FindAllStringSubmatch(stderr.String(), -1)
	if len(flags) < 10 {
		t.Fatalf("found %d flags in -h output:\n%s", len(flags), stderr.String())
	}
	for _, f := range flags {
		if !strings.Contains(string(readme), "| `-"+f[1]) {
			t.Errorf("README.md has no table row for -%s", f[1])
		}
	}
}
