package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// skipBelowIdentity skips tests of resource identity where Terraform has none (before 1.12). OpenTofu 1.12
// has identities and runs them.
var skipBelowIdentity = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_12_0)}

// consoleAccount is an account whose settings were made in the console: push mode with a webhook token.
func consoleAccount(t *testing.T, token string) *testAccount {
	acc := newTestAccount(t, mockapi.Options{})
	acc.edit(t, map[string]any{"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": token, "incomingWebhook": "yes"})()
	return acc
}

// identityImport imports testID's settings by identity into greenwaba_webhook_settings.this.
var identityImport = fmt.Sprintf(`
import {
  to       = greenwaba_webhook_settings.this
  identity = { id_instance = %d }
}
`, testID)

func expectIdentity(id int64) statecheck.StateCheck {
	return statecheck.ExpectIdentity(settingsAddr, map[string]knownvalue.Check{"id_instance": knownvalue.Int64Exact(id)})
}

// TestAccWebhookSettings_identityThenGeneratedImportOfTheSameAccountFailsAtPlan creates the resource (identity in
// state), then imports the same account by identity into the configuration Terraform generates, beside it: two
// resources on one account, which the plan refuses (one account, one resource) before any write. That an import
// into generated configuration leaves the account's token alone and plans nothing is proven by
// TestAccWebhookSettingsList_adoptFleet, where no other resource manages the accounts.
func TestAccWebhookSettings_identityThenGeneratedImportOfTheSameAccountFailsAtPlan(t *testing.T) {
	const token = "console-token-identity-4b1e"
	acc := consoleAccount(t, token)
	cfg := acc.woConfig(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url          = "https://hooks.example.test/wa"
  webhook_url_token_wo = var.webhook_token
  incoming_webhook     = true
}
`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          cfg,
				ConfigVariables: woVars(token),
				ConfigStateChecks: []statecheck.StateCheck{
					expectIdentity(testID),
					statecheck.ExpectIdentityValueMatchesState(settingsAddr, tfjsonpath.New("id_instance")),
				},
				Check: acc.writes(0),
			},
			{
				// greenwaba_webhook_settings.generated imports the same account by identity, into the
				// configuration Terraform generates, while greenwaba_webhook_settings.this still manages it.
				Config:          cfg,
				ConfigVariables: woVars(token),
				ResourceName:    settingsAddr,
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithResourceIdentity,
				GenerateConfig:  true,
				ExpectError:     regexp.MustCompile(`GreenWaba account managed twice`),
			},
		},
	})
}

// TestAccWebhookSettings_importByIdentityModeComesFromTheConfiguration imports by identity into each kind of
// configuration: the first plan's configuration decides the token's mode, and no import writes to the account.
func TestAccWebhookSettings_importByIdentityModeComesFromTheConfiguration(t *testing.T) {
	const token = "console-token-mode-8d20"
	cases := []struct {
		name, resource string
		vars           bool
		plan           []plancheck.PlanCheck
		tokenInState   knownvalue.Check
		revision       knownvalue.Check
	}{
		{
			name: "write-only token", vars: true,
			resource: `webhook_url_token_wo = var.webhook_token`,
			plan:     []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecretInPlan{token}},
			// The account has the configured token: nothing to send.
			tokenInState: knownvalue.Null(), revision: knownvalue.Int64Exact(importedRevision),
		},
		{
			name:     "no token",
			resource: ``,
			plan:     []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecretInPlan{token}},
			// The console's token stays, unmanaged.
			tokenInState: knownvalue.Null(), revision: knownvalue.Int64Exact(importedRevision),
		},
		{
			name:     "plain token",
			resource: fmt.Sprintf(`webhook_url_token = %q`, token),
			// The token moves into the state, as the configuration asks; the account already has it.
			plan:         []plancheck.PlanCheck{plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate)},
			tokenInState: knownvalue.StringExact(token), revision: knownvalue.Null(),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			acc := consoleAccount(t, token)
			hcl := identityImport + `
resource "greenwaba_webhook_settings" "this" {
  webhook_url      = "https://hooks.example.test/wa"
  incoming_webhook = true
  ` + tc.resource + `
}
`
			step := resource.TestStep{
				Config:           acc.config(hcl),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: tc.plan},
				ConfigStateChecks: []statecheck.StateCheck{
					expectIdentity(testID),
					expectAttr("webhook_url_token", tc.tokenInState),
					expectAttr("webhook_url_token_wo_revision", tc.revision),
				},
				Check: resource.ComposeAggregateTestCheckFunc(acc.writes(0), acc.live(map[string]any{"webhookUrlToken": token})),
			}
			if tc.vars {
				step.Config, step.ConfigVariables = acc.woConfig(hcl), woVars(token)
			}
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   skipBelowIdentity,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{step},
			})
		})
	}
}

// TestAccWebhookSettings_unmanagedTokenIsKeptByUpdatesAndManagedOnceConfigured changes a setting of an account
// imported by identity with no token configured (the token is not sent, so the console's stays), then
// configures a write-only token, which is sent.
func TestAccWebhookSettings_unmanagedTokenIsKeptByUpdatesAndManagedOnceConfigured(t *testing.T) {
	const token, rolled = "console-token-kept-51aa", "rolled-token-9e03"
	acc := consoleAccount(t, token)
	cfg := func(hcl string) string {
		return acc.woConfig(identityImport + fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://hooks.example.test/wa"
  %s
}
`, hcl))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowIdentity,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:          cfg(""), // incoming_webhook back to false
				ConfigVariables: woVars(rolled),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					noSecretInPlan{token},
				}},
				ConfigStateChecks: []statecheck.StateCheck{noSecretInState{token}},
				Check: resource.ComposeAggregateTestCheckFunc(acc.writes(1),
					acc.live(map[string]any{"webhookUrlToken": token, "incomingWebhook": "no"})),
			},
			{
				Config:          cfg("webhook_url_token_wo = var.webhook_token"),
				ConfigVariables: woVars(rolled),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(importedRevision+1)),
					noSecretInPlan{token, rolled},
				}},
				ConfigStateChecks: []statecheck.StateCheck{noSecretInState{token, rolled}, expectIdentity(testID)},
				Check:             resource.ComposeAggregateTestCheckFunc(acc.writes(2), acc.live(map[string]any{"webhookUrlToken": rolled})),
			},
		},
	})
}

// TestAccWebhookSettings_stateWithoutIdentityGainsItOnRefresh takes a state as a provider without identities
// wrote it, and refreshes: the identity appears and nothing is written.
func TestAccWebhookSettings_stateWithoutIdentityGainsItOnRefresh(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	requireIdentityCLI(t)
	tf := newTerraformCLI(t, acc.config(`resource "greenwaba_webhook_settings" "this" { incoming_webhook = true }`))
	tf.run("apply", "-auto-approve", "-no-color")
	stripIdentity(t, tf.dir)
	tf.run("apply", "-refresh-only", "-auto-approve", "-no-color")
	raw, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`"id_instance": %d`, testID); !strings.Contains(string(raw), `"identity"`) || !strings.Contains(string(raw), want) {
		t.Fatalf("the refreshed state has no identity with %s:\n%s", want, raw)
	}
	if err := acc.writes(1)(nil); err != nil { // the create's
		t.Fatal(err)
	}
	if out := tf.run("plan", "-detailed-exitcode", "-no-color"); !strings.Contains(out, "No changes") {
		t.Fatalf("the plan after the refresh is not empty:\n%s", out)
	}
}

// requireIdentityCLI skips a test run through the CLI harness unless TF_ACC is set and the CLI knows resource
// identities: Terraform or OpenTofu 1.12 and later.
func requireIdentityCLI(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	if !cliHasIdentity(t) {
		v, _ := cliVersion()
		t.Skipf("resource identity needs Terraform 1.12 or later (or OpenTofu 1.12); the CLI here is %s", v)
	}
}

// cliHasIdentity reports whether the CLI under test knows resource identities: Terraform or OpenTofu 1.12+.
func cliHasIdentity(t *testing.T) bool {
	t.Helper()
	_, major, minor := cliMajorMinor(t)
	return major > 1 || minor >= 12
}

// cliMajorMinor is the version of the CLI under test, as cliVersion says it ("Terraform v1.14.9"), and its major
// and minor numbers.
func cliMajorMinor(t *testing.T) (v string, major, minor int) {
	t.Helper()
	v, err := cliVersion()
	if err != nil {
		t.Fatal(err)
	}
	_, num, _ := strings.Cut(v, " v")
	if _, err := fmt.Sscanf(num, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("cannot read the version of %q", v)
	}
	return v, major, minor
}

// stripIdentity removes every resource identity from the state in dir, as a provider without identities
// (or Terraform before 1.12) wrote it.
func stripIdentity(t *testing.T, dir string) {
	t.Helper()
	file := filepath.Join(dir, "terraform.tfstate")
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	resources, _ := state["resources"].([]any)
	for _, r := range resources {
		res, _ := r.(map[string]any)
		instances, _ := res["instances"].([]any)
		for _, i := range instances {
			inst, _ := i.(map[string]any)
			delete(inst, "identity")
			delete(inst, "identity_schema_version")
		}
	}
	if serial, ok := state["serial"].(float64); ok {
		state["serial"] = serial + 1
	}
	if raw, err = json.MarshalIndent(state, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestAccWebhookSettings_updateWithUnmanagedTokenKeepsItsFingerprint applies a change of another setting while
// the token is unmanaged, then configures the account's own token: even a plan without refresh is empty, since
// the apply that did not send the token kept the fingerprint of the account's.
func TestAccWebhookSettings_updateWithUnmanagedTokenKeepsItsFingerprint(t *testing.T) {
	const token = "console-token-fp-77c2"
	acc := consoleAccount(t, token)
	config := func(extra string) string {
		return acc.woConfig(identityImport + fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://hooks.example.test/wa"
  %s
}
`, extra))
	}
	requireIdentityCLI(t)
	tf := newTerraformCLI(t, config(""))
	vars := []string{"-var", "webhook_token=" + token}
	tf.run(append([]string{"apply", "-auto-approve", "-no-color"}, vars...)...) // incoming_webhook back to false
	if err := acc.writes(1)(nil); err != nil {
		t.Fatal(err)
	}
	tf.writeConfig(config("webhook_url_token_wo = var.webhook_token"))
	out := tf.run(append([]string{"plan", "-refresh=false", "-no-color"}, vars...)...)
	if !strings.Contains(out, "No changes") {
		t.Fatalf("configuring the account's own token plans a change:\n%s", out)
	}
}
