//go:build unix

package main

// The CI snippet runs under bash in a Unix process group: this test is built for Unix targets only.

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// ciSnippet is the README's CI snippet: the first shell block of its greenwaba-mock section.
func ciSnippet(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "## greenwaba-mock in your CI")
	_, block, ok2 := strings.Cut(section, "```shell\n")
	block, _, ok3 := strings.Cut(block, "```\n")
	if !ok || !ok2 || !ok3 {
		t.Fatal("README.md has no shell block under \"## greenwaba-mock in your CI\"")
	}
	return block
}

// TestCISnippet_isTheSameEverywhere keeps the copies in the docs and this directory's README in step.
func TestCISnippet_isTheSameEverywhere(t *testing.T) {
	snippet := ciSnippet(t)
	for _, file := range []string{"README.md", "../../templates/index.md.tmpl", "../../docs/index.md"} {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), "```shell\n"+snippet+"```\n") {
			t.Errorf("%s does not hold the CI snippet of the repository's README.md as it is", file)
		}
	}
}

// TestCISnippet_appliesAgainstItsOwnMockWhenThePortIsTaken runs the README's CI snippet as written, with bash,
// the real greenwaba-mock, another server already on 127.0.0.1:7123 (the mock's default port) and a stub
// terraform that records what it was run with: the apply must run against the mock the snippet started, with
// the token that mock has.
func TestCISnippet_appliesAgainstItsOwnMockWhenThePortIsTaken(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs bash")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash on PATH")
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

	dir, bin := t.TempDir(), t.TempDir()
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	record := filepath.Join(dir, "terraform.record")
	stub := `#!/usr/bin/env bash
printf '%s\n' "$*" "$GREENWABA_API_URL" "$GREENWABA_ID_INSTANCE" "$GREENWABA_API_TOKEN_INSTANCE" >` + record + "\n"
	if err := os.WriteFile(filepath.Join(bin, "terraform"), []byte(stub), 0o700); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(bash, "-eu", "-o", "pipefail", "-c", ciSnippet(t))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	// Its own process group, so that the mock it leaves running in the background is stopped with it.
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
	got := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(got) != 4 {
		t.Fatalf("terraform stub record: %q", raw)
	}
	args, url, id, token := got[0], got[1], got[2], got[3]
	if args != "apply -auto-approve" {
		t.Errorf("terraform ran with %q, want apply -auto-approve", args)
	}
	if !baseURLLine.MatchString(url) || strings.HasSuffix(url, ":7123") {
		t.Fatalf("terraform ran against %q, not the free port of the snippet's mock", url)
	}
	// Only the snippet's mock knows this account with this token.
	if code, _ := get(t, url+"/waInstance"+id+"/getSettings/"+token); code != http.StatusOK {
		t.Errorf("getSettings at %s with the snippet's account and token: HTTP %d, want 200", url, code)
	}
	if n := decoyHits.Load(); n != 0 {
		t.Errorf("the server already on port 7123 got %d requests", n)
	}
}
