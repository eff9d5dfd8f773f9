package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

// The soak (issue 13): rounds of console edits, configuration changes, seeded random faults and apply delays over
// 20 accounts, each round planned and applied by the terraform CLI. Every plan must show exactly the accounts
// that differ, every apply succeed, each account count one write per update planned for it, and the last plan
// be empty. It runs only when SOAK_DURATION is set (`make soak`: 3 minutes; CI: 45 s); SOAK_SEED=n replays a run.

const soakAccounts = 20

// soakFaults are the faults a run must ride out; the arming picks one per chosen account.
var soakFaults = []struct {
	name  string
	fault mockapi.Fault
}{
	{"429 with Retry-After", mockapi.Fault{Status: 429, RetryAfter: 1}},
	{"429 without Retry-After", mockapi.Fault{Status: 429}},
	{"500", mockapi.Fault{Status: 500}},
	{"502", mockapi.Fault{Status: 502}},
	{"503", mockapi.Fault{Status: 503}},
	{"drop", mockapi.Fault{Drop: true}},
	{"processed 500", mockapi.Fault{Status: 500, Processed: true}},
	{"processed 502", mockapi.Fault{Status: 502, Processed: true}},
	{"processed drop", mockapi.Fault{Drop: true, Processed: true}},
	{"processed, answered after request_timeout", mockapi.Fault{DelayMs: 2500, Processed: true}},
}

// soakAccount is what one account should show.
type soakAccount struct {
	id       int64
	token    string
	url      string
	incoming bool
}

func TestAccReliability_soak(t *testing.T) {
	duration, err := time.ParseDuration(os.Getenv("SOAK_DURATION"))
	if err != nil {
		t.Skip("soak: set SOAK_DURATION (e.g. 45s) to run it; SOAK_SEED=n replays a run")
	}
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("SOAK_SEED"); s != "" {
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("SOAK_SEED: %v", err)
		}
	}
	fmt.Printf("soak: seed %d (replay with SOAK_SEED=%d make soak)\n", seed, seed)
	t.Logf("soak: seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, seed))

	srv, baseURL := mocktest.Start(t, mockapi.Options{})
	accounts := make([]*soakAccount, soakAccounts)
	for i := range accounts {
		a := &soakAccount{id: 1101000800 + int64(i), token: fmt.Sprintf("soak%02dtoken0aa11bb22cc33dd44ee55ff66aa77bb88cc", i)}
		a.url = fmt.Sprintf("https://hooks.example.test/%d/0", a.id)
		if err := srv.CreateInstance(a.id, a.token); err != nil {
			t.Fatal(err)
		}
		accounts[i] = a
	}
	tf := newTerraformCLI(t, "")
	writes := map[int64]int{} // updates planned, and so writes expected, per account
	stats := struct{ rounds, faults, edits, changes, planned int }{}
	deadline := time.Now().Add(duration)
	for round := 1; round <= 1000 && time.Now().Before(deadline); round++ {
		tf.soakConfig(baseURL, accounts)
		differ := map[int64]bool{}
		if round == 1 {
			for _, a := range accounts {
				differ[a.id] = true // all are created
			}
		}
		// Console edits and configuration changes on a few accounts each.
		for _, i := range rng.Perm(soakAccounts)[:rng.IntN(4)] {
			a := accounts[i]
			if err := srv.EditSettings(a.id, map[string]any{"webhookUrl": fmt.Sprintf("https://console.example.test/%d", round)}); err != nil {
				t.Fatal(err)
			}
			differ[a.id] = true
			stats.edits++
		}
		for _, i := range rng.Perm(soakAccounts)[:rng.IntN(6)] {
			a := accounts[i]
			if rng.IntN(2) == 0 {
				a.url = fmt.Sprintf("https://hooks.example.test/%d/%d", a.id, round)
			} else {
				a.incoming = !a.incoming
			}
			differ[a.id] = true
			stats.changes++
		}
		tf.soakConfig(baseURL, accounts)
		// Random apply delays, reboot errors and faults, on reads and writes alike.
		for _, a := range accounts {
			if err := srv.SetApplyDelay(a.id, time.Duration(rng.IntN(1500))*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			if err := srv.SetRebootErrors(a.id, rng.IntN(4) == 0); err != nil {
				t.Fatal(err)
			}
		}
		armed := 0
		for _, i := range rng.Perm(soakAccounts)[:rng.IntN(8)] {
			f := soakFaults[rng.IntN(len(soakFaults))].fault
			f.IDInstance = accounts[i].id
			f.Method = []string{"getSettings", "setSettings"}[rng.IntN(2)]
			addFault(t, srv, f)
			armed++
		}

		planned := tf.soakPlan()
		want := slices.Sorted(func(yield func(int64) bool) {
			for id, d := range differ {
				if d && !yield(id) {
					return
				}
			}
		})
		if !slices.Equal(planned, want) {
			t.Fatalf("soak round %d (seed %d): the plan changes accounts %v, want %v", round, seed, planned, want)
		}
		if out, err := tf.soakRun("apply", "-no-color", "tfplan"); err != nil {
			t.Fatalf("soak round %d (seed %d): apply failed: %v\n%s", round, seed, err, out)
		}
		for _, id := range planned {
			writes[id]++
		}
		stats.planned += len(planned)
		stats.faults += armed - len(srv.Faults())
		srv.ClearFaults()
		for _, a := range accounts {
			info, err := srv.Instance(a.id)
			if err != nil {
				t.Fatal(err)
			}
			if info.SettingsWrites != writes[a.id] {
				t.Fatalf("soak round %d (seed %d): instance %d had %d writes, want %d", round, seed, a.id, info.SettingsWrites, writes[a.id])
			}
		}
		stats.rounds++
	}
	if planned := tf.soakPlan(); len(planned) != 0 {
		t.Fatalf("soak (seed %d): the last plan changes accounts %v, want none", seed, planned)
	}
	total := 0
	for _, n := range writes {
		total += n
	}
	fmt.Printf("soak: seed %d: %d rounds, %d faults taken, %d console edits, %d configuration changes, %d updates planned, %d writes counted (one per update), every plan exact\n",
		seed, stats.rounds, stats.faults, stats.edits, stats.changes, stats.planned, total)
	if stats.rounds == 0 {
		t.Fatal("soak: no round ran")
	}
}

// soakConfig writes the configuration of accounts.
func (c *terraformCLI) soakConfig(baseURL string, accounts []*soakAccount) {
	c.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `
provider "greenwaba" {
  api_url         = %q
  request_timeout = "2s"
  max_retries     = 4
  instance_tokens = {
`, baseURL)
	for _, a := range accounts {
		fmt.Fprintf(&b, "    \"%d\" = %q\n", a.id, a.token)
	}
	b.WriteString("  }\n}\n\nlocals {\n  accounts = {\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "    \"%d\" = { url = %q, incoming = %t }\n", a.id, a.url, a.incoming)
	}
	b.WriteString(`  }
}

resource "greenwaba_webhook_settings" "this" {
  for_each = local.accounts

  id_instance      = tonumber(each.key)
  webhook_url      = each.value.url
  incoming_webhook = each.value.incoming
}
`)
	c.writeConfig(b.String())
}

// soakPlan plans into tfplan and returns the accounts it creates or updates, sorted.
func (c *terraformCLI) soakPlan() []int64 {
	c.t.Helper()
	if out, err := c.soakRun("plan", "-no-color", "-out=tfplan"); err != nil {
		c.t.Fatalf("plan failed: %v\n%s", err, out)
	}
	out, err := c.soakRun("show", "-json", "tfplan")
	if err != nil {
		c.t.Fatalf("show failed: %v\n%s", err, out)
	}
	var plan struct {
		ResourceChanges []struct {
			Index  string `json:"index"`
			Change struct {
				Actions []string `json:"actions"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(out), &plan); err != nil {
		c.t.Fatal(err)
	}
	var ids []int64
	for _, rc := range plan.ResourceChanges {
		if slices.Equal(rc.Change.Actions, []string{"no-op"}) {
			continue
		}
		id, err := strconv.ParseInt(rc.Index, 10, 64)
		if err != nil {
			c.t.Fatalf("resource change index %q: %v", rc.Index, err)
		}
		if !slices.Equal(rc.Change.Actions, []string{"update"}) && !slices.Equal(rc.Change.Actions, []string{"create"}) {
			c.t.Fatalf("instance %d: planned %v, want update or create", id, rc.Change.Actions)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// soakRun runs terraform and returns its output; stdout only for show, which prints JSON.
func (c *terraformCLI) soakRun(args ...string) (string, error) {
	cmd := exec.Command(c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	if args[0] == "show" {
		out, err := cmd.Output()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return string(ee.Stderr), err
		}
		return string(out), err
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}
