package provider

import (
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	tfresource "github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

// One account, one resource: two greenwaba_webhook_settings on one account fail at plan (or, when the account is
// known only at apply, at the apply's plan, before their writes); fleets, provider aliases, replacements, import
// blocks and -refresh=false plans are not mistaken for it. The CLI harness reattaches one provider process to every
// command, as plugin-testing does: the accounts claimed in one command must not leak into the next.

const claimsToken = "claims0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99"

// claimsMock is a mock with the accounts ids, all with claimsToken.
func claimsMock(t *testing.T, ids ...int64) (*mockapi.Server, string) {
	t.Helper()
	srv, baseURL := mocktest.Start(t, mockapi.Options{})
	for _, id := range ids {
		if err := srv.CreateInstance(id, claimsToken); err != nil {
			t.Fatal(err)
		}
	}
	return srv, baseURL
}

// claimsProvider is a provider whose default account is the first of ids, with tokens for all of them.
func claimsProvider(baseURL, alias string, ids ...int64) string {
	var tokens strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&tokens, "    \"%d\" = %q\n", id, claimsToken)
	}
	aliasLine := ""
	if alias != "" {
		aliasLine = fmt.Sprintf("  alias              = %q\n", alias)
	}
	return fmt.Sprintf(`
provider "greenwaba" {
%s  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  instance_tokens = {
%s  }
}
`, aliasLine, baseURL, ids[0], claimsToken, tokens.String())
}

func writesOf(t *testing.T, srv *mockapi.Server, id int64) int {
	t.Helper()
	info, err := srv.Instance(id)
	if err != nil {
		t.Fatal(err)
	}
	return info.SettingsWrites
}

// managedTwice is the error of the second resource on account id.
func managedTwice(id int64) string {
	return fmt.Sprintf("GreenWaba account managed twice. Another greenwaba_webhook_settings of this provider "+
		"configuration manages GreenWaba instance %d too.", id)
}

func TestAccWebhookSettings_twoResourcesOnOneAccountFailAtPlan(t *testing.T) {
	const id int64 = 1101000801
	srv, baseURL := claimsMock(t, id)
	tf := newTerraformCLI(t, claimsProvider(baseURL, "", id)+fmt.Sprintf(`
resource "greenwaba_webhook_settings" "a" {
  incoming_webhook = true
}

resource "greenwaba_webhook_settings" "b" {
  id_instance      = %d
  outgoing_webhook = true
}
`, id))
	for _, cmd := range [][]string{{"plan", "-no-color"}, {"apply", "-auto-approve", "-no-color"}} {
		out := tf.runFails(cmd...)
		if !inTerraformOutput(managedTwice(id)).MatchString(out) || !phrase("Keep one greenwaba_webhook_settings for the account").MatchString(out) {
			t.Fatalf("terraform %s did not fail on the account managed twice:\n%s", cmd[0], out)
		}
		if strings.Count(out, "GreenWaba account managed twice") != 1 {
			t.Errorf("terraform %s: want the error once, on the second resource:\n%s", cmd[0], out)
		}
	}
	if n := writesOf(t, srv, id); n != 0 {
		t.Errorf("the account got %d settings writes, want 0", n)
	}
}

// TestAccWebhookSettings_twoResourcesOnOneAccountKnownAtApply: an id_instance known only at apply is checked when
// the apply plans the resource again, before its write: one of the two writes, never both.
func TestAccWebhookSettings_twoResourcesOnOneAccountKnownAtApply(t *testing.T) {
	const id int64 = 1101000802
	srv, baseURL := claimsMock(t, id)
	tf := newTerraformCLI(t, claimsProvider(baseURL, "", id)+fmt.Sprintf(`
# Its id is known once created, so b's account only at apply.
resource "terraform_data" "account" {}

resource "greenwaba_webhook_settings" "a" {
  incoming_webhook = true
}

resource "greenwaba_webhook_settings" "b" {
  id_instance      = terraform_data.account.id != "" ? %d : 0
  outgoing_webhook = true
}
`, id))
	tf.run("plan", "-no-color") // the account of b is not known yet
	out := tf.runFails("apply", "-auto-approve", "-no-color")
	if !inTerraformOutput(managedTwice(id)).MatchString(out) {
		t.Fatalf("the apply did not fail on the account managed twice:\n%s", out)
	}
	if n := writesOf(t, srv, id); n != 1 {
		t.Errorf("the account got %d settings writes, want 1: the second resource must fail before its write", n)
	}
}

// TestAccWebhookSettings_fleetIsOneResourcePerAccount: a for_each fleet plans, applies, plans again (also with
// -refresh=false), replaces an instance with -replace, moves one to another account, and imports one with an
// import block, without the error.
func TestAccWebhookSettings_fleetIsOneResourcePerAccount(t *testing.T) {
	const a, b, c, d int64 = 1101000811, 1101000812, 1101000813, 1101000814
	srv, baseURL := claimsMock(t, a, b, c, d)
	config := func(fleet map[string]int64, extra string) string {
		var ids strings.Builder
		for key, id := range fleet {
			fmt.Fprintf(&ids, "    %s = %d\n", key, id)
		}
		return claimsProvider(baseURL, "", a, b, c, d) + fmt.Sprintf(`
locals {
  fleet = {
%s  }
}

resource "greenwaba_webhook_settings" "fleet" {
  for_each = local.fleet

  id_instance      = each.value
  incoming_webhook = true
}
`, ids.String()) + extra
	}
	fleet := map[string]int64{"a": a, "b": b, "c": c}
	tf := newTerraformCLI(t, config(fleet, ""))
	tf.run("plan", "-no-color")
	tf.run("apply", "-auto-approve", "-no-color")
	tf.run("plan", "-no-color", "-detailed-exitcode")
	tf.run("plan", "-no-color", "-detailed-exitcode", "-refresh=false")
	tf.run("apply", "-auto-approve", "-no-color", `-replace=greenwaba_webhook_settings.fleet["a"]`)

	fleet["c"] = d // replaced: c gets the defaults back, d the settings
	tf.writeConfig(config(fleet, ""))
	tf.run("apply", "-auto-approve", "-no-color")

	tf.run("state", "rm", `greenwaba_webhook_settings.fleet["b"]`)
	tf.writeConfig(config(fleet, fmt.Sprintf(`
import {
  to = greenwaba_webhook_settings.fleet["b"]
  id = "%d"
}
`, b)))
	tf.run("apply", "-auto-approve", "-no-color")
	tf.run("plan", "-no-color", "-detailed-exitcode")
	for id, want := range map[int64]any{a: "yes", b: "yes", c: "no", d: "yes"} {
		info, err := srv.Instance(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Settings["incomingWebhook"]; got != want {
			t.Errorf("instance %d: incomingWebhook = %v, want %v", id, got, want)
		}
	}
}

// TestAccWebhookSettings_aliasesOnTwoAccounts: two provider configurations, each with a resource on its own
// account, through the provider binary (a process per provider configuration, as Terraform runs it; the
// reattached provider of the other tests serves every configuration from one process, which aliases cannot share).
func TestAccWebhookSettings_aliasesOnTwoAccounts(t *testing.T) {
	if os.Getenv(tfresource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", tfresource.EnvTfAcc)
	}
	const first, second int64 = 1101000821, 1101000822
	srv, baseURL := claimsMock(t, first, second)
	bin, err := huntBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tf := devOverridesCLI(t, bin, dir)
	tf.writeConfig(claimsProvider(baseURL, "", first) + claimsProvider(baseURL, "second", second) + `
resource "greenwaba_webhook_settings" "first" {
  incoming_webhook = true
}

resource "greenwaba_webhook_settings" "second" {
  provider         = greenwaba.second
  outgoing_webhook = true
}
`)
	tf.run("plan", "-no-color")
	tf.run("apply", "-auto-approve", "-no-color")
	tf.run("plan", "-no-color", "-detailed-exitcode")
	for id, field := range map[int64]string{first: "incomingWebhook", second: "outgoingWebhook"} {
		info, err := srv.Instance(id)
		if err != nil {
			t.Fatal(err)
		}
		if info.Settings[field] != "yes" || info.SettingsWrites != 1 {
			t.Errorf("instance %d: %s = %v after %d writes, want yes after 1", id, field, info.Settings[field], info.SettingsWrites)
		}
	}
}

// TestAccountClaims_rules pins which second claims of one account in one walk are the same resource planned again.
func TestAccountClaims_rules(t *testing.T) {
	cfgA := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.String}},
		map[string]tftypes.Value{"x": tftypes.NewValue(tftypes.String, "a")})
	cfgB := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.String}},
		map[string]tftypes.Value{"x": tftypes.NewValue(tftypes.String, "b")})
	state := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"x": tftypes.String}},
		map[string]tftypes.Value{"x": tftypes.NewValue(tftypes.String, "s")})
	null := tftypes.NewValue(state.Type(), nil)
	plan := func(cfg, prior tftypes.Value) resource.ModifyPlanRequest {
		return resource.ModifyPlanRequest{Config: tfsdk.Config{Raw: cfg}, State: tfsdk.State{Raw: prior}}
	}
	id := types.NumberValue(big.NewFloat(1101000001))
	cases := []struct {
		name          string
		first, second resource.ModifyPlanRequest
		conflict      bool
	}{
		{"two new blocks alike", plan(cfgA, null), plan(cfgA, null), true},
		{"two new blocks that differ", plan(cfgA, null), plan(cfgB, null), true},
		{"an existing and a new block that differ", plan(cfgA, state), plan(cfgB, null), true},
		{"two existing blocks that differ", plan(cfgA, state), plan(cfgB, state), true},
		{"two existing blocks alike", plan(cfgA, state), plan(cfgA, state), true},
		{"a replacement's create after its update", plan(cfgA, state), plan(cfgA, null), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var c accountClaims
			if diags := c.claim(tc.first, id, false); diags.HasError() {
				t.Fatalf("first claim refused: %v", diags)
			}
			if got := c.claim(tc.second, id, false).HasError(); got != tc.conflict {
				t.Fatalf("second claim refused = %t, want %t", got, tc.conflict)
			}
		})
	}
}

// BenchmarkAccountClaims is a walk's registry for a fleet of 1000 accounts: each op decodes the 1000 configurations
// from their wire form, as the framework does for each plan, and claims their accounts. The registry lives until the
// walk ends, so retained-B/account, the heap it keeps per account, adds to the provider's memory in every plan of
// the fleet.
//
//	go test -run '^$' -bench AccountClaims -benchmem ./internal/provider/
func BenchmarkAccountClaims(b *testing.B) {
	server, err := testProviderServer()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(b.Context(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	schema := schemas.ResourceSchemas["greenwaba_webhook_settings"]
	const fleet = 1000
	ids := make([]types.Number, fleet)
	wire := make([]*tfprotov6.DynamicValue, fleet)
	for i := range wire {
		id := big.NewFloat(float64(1101000001 + i))
		ids[i] = types.NumberValue(id)
		wire[i] = schemaValue(b, schema, map[string]tftypes.Value{
			"id_instance":      tftypes.NewValue(tftypes.Number, id),
			"webhook_url":      tftypes.NewValue(tftypes.String, fmt.Sprintf("https://hooks.example.com/fleet/%d", 1101000001+i)),
			"incoming_webhook": tftypes.NewValue(tftypes.Bool, true),
		})
	}
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	var retained uint64
	for b.Loop() {
		c := &accountClaims{}
		for i := range wire {
			config := decode(b, schema, wire[i])
			req := resource.ModifyPlanRequest{Config: tfsdk.Config{Raw: config}, State: tfsdk.State{Raw: config}}
			if diags := c.claim(req, ids[i], false); diags.HasError() {
				b.Fatalf("claim %d: %v", i, diags)
			}
		}
		b.StopTimer()
		withRegistry := heap()
		runtime.KeepAlive(c)
		c = nil
		if without := heap(); withRegistry > without {
			retained += withRegistry - without
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(retained)/float64(b.N)/fleet, "retained-B/account")
}
