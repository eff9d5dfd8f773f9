package greenwaba

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestPacer_sharedPace: Pacers sharing a store (one per process) keep the one-a-second limits across processes:
// a process's first call waits for what is left of the second after an earlier process's last call, not at all
// when that is long past or there was none; a record that cannot be read, or a store that is not used, falls back
// to the start guard; a record ahead of our clock counts as now. Records name neither the account nor the token.
func TestPacer_sharedPace(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_000_000, 0)}
	dir := t.TempDir()
	step := time.Second + oneMargin
	ctx := context.Background()
	// process starts a Pacer sharing dir, as a new provider process does.
	process := func() *Pacer {
		t.Helper()
		store, err := openPaceStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := newPacer(clk, methodLimits)
		p.store = store
		return p
	}
	// waitFor is how long account's next turn of method waits in p.
	waitFor := func(p *Pacer, account, method string) time.Duration {
		t.Helper()
		start := clk.now()
		done, err := p.turn(ctx, account, method)
		if err != nil {
			t.Fatal(err)
		}
		done()
		return clk.now().Sub(start)
	}
	const acct = "http://127.0.0.1:1/waInstance1101000001/"

	first := process()
	if w := waitFor(first, acct, "getSettings"); w != 0 {
		t.Errorf("first call ever waited %v, want 0", w)
	}
	_ = clk.sleep(ctx, 300*time.Millisecond)
	if w := waitFor(process(), acct, "getSettings"); w != step-300*time.Millisecond {
		t.Errorf("a call 300ms after another process's waited %v, want %v", w, step-300*time.Millisecond)
	}
	_ = clk.sleep(ctx, 5*time.Second)
	if w := waitFor(process(), acct, "getSettings"); w != 0 {
		t.Errorf("a call 5s after another process's waited %v, want 0", w)
	}
	if w := waitFor(process(), acct, "getSettings"); w != step {
		t.Errorf("a call right after another process's waited %v, want %v", w, step)
	}

	files, err := os.ReadDir(dir)
	if err != nil || len(files) != 1 {
		t.Fatalf("store holds %d files (%v), want one record", len(files), err)
	}
	record := filepath.Join(dir, files[0].Name())
	raw, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(files[0].Name()+string(raw), "1101000001") || strings.Contains(files[0].Name(), "getSettings") {
		t.Errorf("record %s = %q names the account or method", files[0].Name(), raw)
	}

	_ = clk.sleep(ctx, 5*time.Second)
	for name, content := range map[string]string{
		"unreadable record":                   "half-writ",
		"record cut short (no final newline)": strings.TrimSuffix(string(raw), "\n")[:5],
		"record ahead of our clock":           "9" + strings.Repeat("0", 18) + "\n",
	} {
		if err := os.WriteFile(record, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if w := waitFor(process(), acct, "getSettings"); w != step {
			t.Errorf("%s: waited %v, want %v", name, w, step)
		}
	}
	if w := waitFor(newPacer(clk, methodLimits), acct, "setSettings"); w != step {
		t.Errorf("a Pacer without a store waited %v, want the start guard %v", w, step)
	}
}

// TestPaceStore_refusesADirectoryItCannotWrite: a store that could not record calls would read as "never called"
// and let the next process call at once, so NewSharedPacer fails there (the provider then keeps the start guard).
func TestPaceStore_refusesADirectoryItCannotWrite(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /proc, a directory no one can create files in, root included")
	}
	if _, err := NewSharedPacer("/proc"); err == nil {
		t.Error("NewSharedPacer(/proc) succeeded")
	}
	if _, err := NewSharedPacer(t.TempDir()); err != nil {
		t.Errorf("NewSharedPacer of a fresh directory: %v", err)
	}
}

// TestPaceStore_sweepsOldRecords: opening the store removes records not written for over paceRecordKept and keeps
// the others.
func TestPaceStore_sweepsOldRecords(t *testing.T) {
	dir := t.TempDir()
	old, fresh := filepath.Join(dir, "old"), filepath.Join(dir, "fresh")
	for _, f := range []string{old, fresh} {
		if err := os.WriteFile(f, []byte("1"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Now().Add(-paceRecordKept - time.Minute)
	if err := os.Chtimes(old, then, then); err != nil {
		t.Fatal(err)
	}
	if _, err := openPaceStore(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("old record still there (%v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh record swept: %v", err)
	}
}
