//go:build unix

package main

// The CI snippet runs under bash in a Unix process group: this test is built for Unix targets only.

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// ciSnippets are the README's CI snippets, the shell blocks of its greenwaba-mock section: one account, then a fleet.
func ciSnippets(t *testing.T) (one, fleet string) {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "## greenwaba-mock in your CI")
	section, _, _ = strings.Cut(section, "\n## ")
	var blocks []string
	for ok {
		var block string
		if _, section, ok = strings.Cut(section, "```shell\n"); !ok {
			break
		}
		if block, section, ok = strings.Cut(section, "```\n"); ok {
			blocks = append(blocks, block)
		}
	}
	if len(blocks) != 2 {
		t.Fatalf("README.md has %d shell blocks under \"## greenwaba-mock in your CI\", want 2 (one account, a fleet)", len(blocks))
	}
	return blocks[0], blocks[1]
}

// TestCISnippet_isTheSameEverywhere keeps the copies in the docs and this directory's README in step.
func TestCISnippet_isTheSameEverywhere(t *testing.T) {
	one, fleet := ciSnippets(t)
	for _, file := range []string{"README.md", "../../templates/index.md.tmpl", "../../docs/index.md"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for name, snippet := range map[string]string{"one-account": one, "fleet": fleet} {
			if !strings.Contains(string(raw), "```shell\n"+snippet+"```\n") {
				t.Errorf("%s does not hold the %s CI snippet of the repository's README.md as it is", file, name)
			}
		}
	}
}

// terraformStub is a terraform for the snippets to run: it records its arguments and the provider's environment,
// then, while the snippet's mock still runs, calls getSettings for every account it was given a token for (bash's
// /dev/tcp, HTTP/1.0) and records each answer's status line.
const terraformStub = `#!/usr/bin/env bash
record=$RECORD
printf 'args %s\n' "$*" >"$record"
printf 'url %s\n' "$GREENWABA_API_URL" >>"$record"
printf 'tokens %s\n' "$GREENWABA_INSTANCE_TOKENS" >>"$record"
pairs=$(printf '%s' "$GREENWABA_INSTANCE_TOKENS" | grep -oE '"[0-9]+":"[^"]*"' | tr -d '"' | tr ':' ' ')
if [ -n "${GREENWABA_ID_INSTANCE:-}" ]; then pairs="$GREENWABA_ID_INSTANCE $GREENWABA_API_TOKEN_INSTANCE"; fi
hostport=${GREENWABA_API_URL#http://}
printf '%s\n' "$pairs" | while read -r id token; do
	[ -n "$id" ] || continue
	exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
	printf 'GET /waInstance%s/getSettings/%s HTTP/1.0\r\n\r\n' "$id" "$token" >&3
	IFS= read -r status <&3
	exec 3<&-
	printf 'account %s %s\n' "$id" "${status%$'\r'}" >>"$record"
done
`

// snippetRun is what the stub terraform recorded while a snippet ran.
type snippetRun struct {
	args, url, tokens string
	accounts          map[string]string // idInstance: status line of its getSettings
}

// runSnippet runs snippet as written with bash, the real greenwaba-mock on PATH and the stub terraform, and
// returns what the stub recorded. It fails the test if the mock still answers once the snippet has exited.
func runSnippet(t *testing.T, snippet string) snippetRun {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash on PATH")
	}
	dir, bin := t.TempDir(), t.TempDir()
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	record := filepath.Join(dir, "terraform.record")
	if err := os.WriteFile(filepath.Join(bin, "terraform"), []byte(terraformStub), 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-eu", "-o", "pipefail", "-c", snippet)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "RECORD="+record)
	// Its own process group, so that a mock it failed to stop is stopped with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.CombinedOutput()
	t.Cleanup(func() {
		if cmd.Process != nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		}
	})
	if err != nil {
		t.Fatalf("the snippet failed: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("the snippet never ran terraform: %v\n%s", err, out)
	}
	run := snippetRun{accounts: map[string]string{}}
	for _, line := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
		key, value, _ := strings.Cut(line, " ")
		switch key {
		case "args":
			run.args = value
		case "url":
			run.url = value
		case "tokens":
			run.tokens = value
		case "account":
			id, status, _ := strings.Cut(value, " ")
			run.accounts[id] = status
		}
	}
	if !baseURLLine.MatchString(run.url) {
		t.Fatalf("terraform ran against %q, not the snippet's mock", run.url)
	}
	// The snippet's trap stopped the mock before bash exited: nothing listens on its port any more.
	if conn, err := net.DialTimeout("tcp", strings.TrimPrefix(run.url, "http://"), time.Second); err == nil {
		_ = conn.Close()
		t.Errorf("the snippet's mock at %s still runs after the snippet ended", run.url)
	}
	return run
}

// TestCISnippet_appliesAgainstItsOwnMockWhenThePortIsTaken runs the README's one-account CI snippet as written,
// with another server already on 127.0.0.1:7123 (the mock's default port): the apply must run against the mock the
// snippet started, with the token that mock has, and the mock must be stopped when the snippet ends.
func TestCISnippet_appliesAgainstItsOwnMockWhenThePortIsTaken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs bash")
	}
	// Something else answers on the default port, as an old mock left running would.
	var decoyHits atomic.Int32
	if ln, err := net.Listen("tcp", "127.0.0.1:7123"); err == nil {
		decoy := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			decoyHits.Add(1)
			_, _ = w.Write([]byte("ok"))
		})}
		go func() { _ = decoy.Serve(ln) }()
		t.Cleanup(func() { _ = decoy.Close() })
	} else {
		t.Logf("127.0.0.1:7123 is already taken (%v), which serves the test as well", err)
	}

	one, _ := ciSnippets(t)
	run := runSnippet(t, one)
	if run.args != "apply -auto-approve" {
		t.Errorf("terraform ran with %q, want apply -auto-approve", run.args)
	}
	if strings.HasSuffix(run.url, ":7123") {
		t.Errorf("terraform ran against %q, not the free port of the snippet's mock", run.url)
	}
	// Only the snippet's mock knows this account with this token.
	if len(run.accounts) != 1 || run.accounts["1101000001"] != "HTTP/1.0 200 OK" {
		t.Errorf("getSettings with the snippet's account and token: %v, want 1101000001 answered 200", run.accounts)
	}
	if n := decoyHits.Load(); n != 0 {
		t.Errorf("the server already on port 7123 got %d requests", n)
	}
}

// TestCISnippet_fleetAppliesWithEveryAccountsToken runs the README's fleet snippet as written: terraform must
// get a token for each account of the fleet in GREENWABA_INSTANCE_TOKENS, each of which the snippet's mock
// accepts for its account, and the mock must be stopped when the snippet ends.
func TestCISnippet_fleetAppliesWithEveryAccountsToken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs bash")
	}
	_, fleet := ciSnippets(t)
	run := runSnippet(t, fleet)
	if run.args != "apply -auto-approve" {
		t.Errorf("terraform ran with %q, want apply -auto-approve", run.args)
	}
	var tokens map[string]string
	if err := json.Unmarshal([]byte(run.tokens), &tokens); err != nil {
		t.Fatalf("GREENWABA_INSTANCE_TOKENS is not a JSON object: %v", err)
	}
	want := []string{"1101000011", "1101000012", "1101000013"}
	if len(tokens) != len(want) {
		t.Errorf("GREENWABA_INSTANCE_TOKENS holds %d accounts, want %d", len(tokens), len(want))
	}
	for _, id := range want {
		if tokens[id] == "" {
			t.Errorf("GREENWABA_INSTANCE_TOKENS has no token for %s", id)
		}
		if got := run.accounts[id]; got != "HTTP/1.0 200 OK" {
			t.Errorf("getSettings of %s with its token from GREENWABA_INSTANCE_TOKENS: %q, want HTTP/1.0 200 OK", id, got)
		}
	}
}
