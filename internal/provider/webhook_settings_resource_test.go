package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

const settingsAddr = "greenwaba_webhook_settings.this"

// The account each test creates in its own mock.
const (
	testID    int64 = 1101000001
	testToken       = "acct0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd0"
)

// testAccount is one account in a test's own mock API.
type testAccount struct {
	srv     *mockapi.Server
	baseURL string
	id      int64
	token   string
}

func newTestAccount(t *testing.T, opts mockapi.Options) *testAccount {
	t.Helper()
	srv, baseURL := mocktest.Start(t, opts)
	if err := srv.CreateInstance(testID, testToken); err != nil {
		t.Fatal(err)
	}
	return &testAccount{srv: srv, baseURL: baseURL, id: testID, token: testToken}
}

// config is the provider block for the account followed by hcl.
func (a *testAccount) config(hcl string) string {
	return providerConfig(a.baseURL, a.id, a.token) + hcl
}

// woConfig declares the write-only token as an ephemeral variable, as real configurations would, with hcl
// using var.webhook_token.
func (a *testAccount) woConfig(hcl string) string {
	return a.config(`
variable "webhook_token" {
  type      = string
  sensitive = true
  ephemeral = true
}
` + hcl)
}

// skipBelowWriteOnly skips tests of webhook_url_token_wo where Terraform has no write-only attributes.
var skipBelowWriteOnly = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)}

func woVars(token string) config.Variables {
	return config.Variables{"webhook_token": config.StringVariable(token)}
}

// edit changes the account as a console user would: at once, and without counting as a write.
func (a *testAccount) edit(t *testing.T, fields map[string]any) func() {
	return func() {
		if err := a.srv.EditSettings(a.id, fields); err != nil {
			t.Fatal(err)
		}
	}
}

func (a *testAccount) live(fields map[string]any) resource.TestCheckFunc {
	return expectLive(a.srv, a.id, fields)
}

func (a *testAccount) writes(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		info, err := a.srv.Instance(a.id)
		if err != nil {
			return err
		}
		if info.SettingsWrites != n {
			return fmt.Errorf("instance %d had %d setSettings writes, want %d", a.id, info.SettingsWrites, n)
		}
		return nil
	}
}

// freshSettings are a new account's settings on the wire (D8).
var freshSettings = map[string]any{
	"webhookUrl": "", "webhookUrlToken": "", "incomingWebhook": "no", "outgoingWebhook": "no", "outgoingAPIMessageWebhook": "no",
}

// expectLive checks the account's settings as GetSettings would show them now. Token values are not printed.
func expectLive(srv *mockapi.Server, id int64, fields map[string]any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		info, err := srv.Instance(id)
		if err != nil {
			return err
		}
		for k, want := range fields {
			if got := info.Settings[k]; got != want {
				if k == "webhookUrlToken" {
					return fmt.Errorf("instance %d: webhookUrlToken is not the expected token", id)
				}
				return fmt.Errorf("instance %d: %s is %v, want %v", id, k, got, want)
			}
		}
		return nil
	}
}

func addFault(t *testing.T, srv *mockapi.Server, f mockapi.Fault) {
	t.Helper()
	if err := srv.AddFault(f); err != nil {
		t.Fatal(err)
	}
}

func expectAttr(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New(attr), check)
}

// phrase matches text as Terraform prints it in an error, where any space may have become a line break.
func phrase(text string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(regexp.QuoteMeta(text), " ", `\s+`))
}

func diagsText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

// noSecretInPlan fails when any of the secrets appears anywhere in the plan Terraform shows.
type noSecretInPlan []string

func (s noSecretInPlan) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	resp.Error = findSecrets("plan", req.Plan, s)
}

// noSecretInState fails when any of the secrets appears anywhere in the state.
type noSecretInState []string

func (s noSecretInState) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = findSecrets("state", req.State, s)
}

// findSecrets fails when any of the secrets appears anywhere in v, the JSON plan or state called what; the
// error does not say which secret.
func findSecrets(what string, v any, secrets []string) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	for _, secret := range secrets {
		if bytes.Contains(raw, []byte(secret)) {
			return fmt.Errorf("the %s contains a secret", what)
		}
	}
	return nil
}

func TestAccWebhookSettings_emptyBlockIsAFreshAccountAndWritesNothing(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionCreate),
				plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("id"), knownvalue.StringExact("1101000001")),
				// No token is null, not "": Terraform renders a sensitive "" in a create plan as a change of
				// sensitivity, with a warning.
				plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token"), knownvalue.Null()),
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr("id", knownvalue.StringExact("1101000001")),
				expectAttr("id_instance", knownvalue.Int64Exact(testID)),
				expectAttr("webhook_url", knownvalue.StringExact("")),
				expectAttr("webhook_url_token", knownvalue.Null()),
				expectAttr("webhook_url_token_wo", knownvalue.Null()),
				expectAttr("webhook_url_token_wo_version", knownvalue.Null()),
				expectAttr("webhook_url_token_wo_revision", knownvalue.Null()),
				expectAttr("incoming_webhook", knownvalue.Bool(false)),
				expectAttr("outgoing_webhook", knownvalue.Bool(false)),
				expectAttr("outgoing_api_message_webhook", knownvalue.Bool(false)),
			},
			// The account already has these settings: create reads them and writes nothing.
			Check: acc.writes(0),
		}},
	})
}

// TestAccWebhookSettings_createAndDestroyPlansShowNoSensitivityWarning reads the plans as a user sees them.
// A sensitive "" for "no token" made Terraform print every create plan with a "~ webhook_url_token" line and a
// "will be marked as sensitive" warning, and every destroy plan with the mirror one.
func TestAccWebhookSettings_createAndDestroyPlansShowNoSensitivityWarning(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	tf := newTerraformCLI(t, acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`))

	for _, step := range []struct{ args, shows string }{
		{"plan", "greenwaba_webhook_settings.this will be created"},
		{"apply -auto-approve", "Apply complete! Resources: 1 added"},
		{"plan -destroy", "greenwaba_webhook_settings.this will be destroyed"},
	} {
		out := tf.run(append(strings.Fields(step.args), "-no-color")...)
		if !strings.Contains(out, step.shows) {
			t.Fatalf("terraform %s does not show %q:\n%s", step.args, step.shows, out)
		}
		if strings.Contains(out, "marked as sensitive") || strings.Contains(out, "~ webhook_url_token") {
			t.Errorf("terraform %s shows a change of webhook_url_token's sensitivity:\n%s", step.args, out)
		}
	}
}

func TestAccWebhookSettings_consoleTokenIsPlannedAwayWhenNoneConfigured(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigStateChecks: []statecheck.StateCheck{expectAttr("webhook_url_token", knownvalue.Null())}},
			{
				PreConfig: acc.edit(t, map[string]any{"webhookUrlToken": "console-token"}),
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token"), knownvalue.Null()),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectAttr("webhook_url_token", knownvalue.Null())},
				Check:             resource.ComposeAggregateTestCheckFunc(acc.live(freshSettings), acc.writes(1)),
			},
		},
	})
}

// An explicit webhook_url_token = "" means the same as leaving it out, and neither shows a diff once applied.
func TestAccWebhookSettings_explicitEmptyTokenIsKeptAndEquivalentToNone(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	explicit := acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url_token = ""
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            explicit,
				ConfigStateChecks: []statecheck.StateCheck{expectAttr("webhook_url_token", knownvalue.StringExact(""))},
				Check:             acc.writes(0),
			},
			{
				PreConfig: acc.edit(t, map[string]any{"webhookUrlToken": "console-token"}),
				Config:    explicit,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{expectAttr("webhook_url_token", knownvalue.StringExact(""))},
				Check:             resource.ComposeAggregateTestCheckFunc(acc.live(freshSettings), acc.writes(1)),
			},
			{
				// Removing the line changes only the state's spelling of "no token": nothing is written.
				Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`),
				ConfigStateChecks: []statecheck.StateCheck{expectAttr("webhook_url_token", knownvalue.Null())},
				Check:             acc.writes(1),
			},
		},
	})
}

func TestAccWebhookSettings_importOfAccountWithoutTokenPlansNoChange(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`),
			ResourceName:    settingsAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   "1101000001",
			// The step fails unless the plan is a no-op import.
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token"), knownvalue.Null()),
			}},
		}},
	})
}

func TestAccWebhookSettings_updatesEachSettingInPlaceAndDestroyRestoresDefaults(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	full := `
resource "greenwaba_webhook_settings" "this" {
  webhook_url                  = "https://hooks.example.test/wa"
  webhook_url_token            = "tok-1"
  incoming_webhook             = true
  outgoing_webhook             = true
  outgoing_api_message_webhook = true
}
`
	// Each step changes one argument of full, in place.
	changes := []struct {
		from, to string
		wire     map[string]any
		check    statecheck.StateCheck
	}{
		{`"https://hooks.example.test/wa"`, `"http://hooks.example.test:8080/other?x=1"`,
			map[string]any{"webhookUrl": "http://hooks.example.test:8080/other?x=1"},
			expectAttr("webhook_url", knownvalue.StringExact("http://hooks.example.test:8080/other?x=1"))},
		{`"tok-1"`, `"tok-2"`, map[string]any{"webhookUrlToken": "tok-2"}, expectAttr("webhook_url_token", knownvalue.StringExact("tok-2"))},
		{`incoming_webhook             = true`, `incoming_webhook             = false`,
			map[string]any{"incomingWebhook": "no"}, expectAttr("incoming_webhook", knownvalue.Bool(false))},
		{`outgoing_webhook             = true`, `outgoing_webhook             = false`,
			map[string]any{"outgoingWebhook": "no"}, expectAttr("outgoing_webhook", knownvalue.Bool(false))},
		{`outgoing_api_message_webhook = true`, `outgoing_api_message_webhook = false`,
			map[string]any{"outgoingAPIMessageWebhook": "no"}, expectAttr("outgoing_api_message_webhook", knownvalue.Bool(false))},
	}

	steps := []resource.TestStep{{
		Config: acc.config(full),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionCreate),
			plancheck.ExpectSensitiveValue(settingsAddr, tfjsonpath.New("webhook_url_token")),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("webhook_url", knownvalue.StringExact("https://hooks.example.test/wa")),
			expectAttr("webhook_url_token", knownvalue.StringExact("tok-1")),
			expectAttr("incoming_webhook", knownvalue.Bool(true)),
			expectAttr("outgoing_webhook", knownvalue.Bool(true)),
			expectAttr("outgoing_api_message_webhook", knownvalue.Bool(true)),
		},
		Check: resource.ComposeAggregateTestCheckFunc(
			acc.live(map[string]any{
				"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": "tok-1",
				"incomingWebhook": "yes", "outgoingWebhook": "yes", "outgoingAPIMessageWebhook": "yes",
			}),
			acc.writes(1), // all five settings in one write
		),
	}}
	cfg := full
	for i, c := range changes {
		cfg = strings.Replace(cfg, c.from, c.to, 1)
		steps = append(steps, resource.TestStep{
			Config: acc.config(cfg),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
			}},
			ConfigStateChecks: []statecheck.StateCheck{c.check},
			Check:             resource.ComposeAggregateTestCheckFunc(acc.live(c.wire), acc.writes(2+i)),
		})
	}
	// Removing every line returns every setting to its default.
	steps = append(steps, resource.TestStep{
		PreConfig: acc.edit(t, map[string]any{"incomingWebhook": "yes", "webhookUrl": "https://hooks.example.test/wa"}),
		Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`),
		ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token"), knownvalue.Null()),
		}},
		ConfigStateChecks: []statecheck.StateCheck{
			expectAttr("webhook_url", knownvalue.StringExact("")),
			expectAttr("webhook_url_token", knownvalue.Null()),
			expectAttr("incoming_webhook", knownvalue.Bool(false)),
		},
		Check: acc.live(freshSettings),
	})

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// Bring the account away from the defaults so that destroy has something to restore.
		CheckDestroy: acc.live(freshSettings),
		Steps:        append(steps, resource.TestStep{PreConfig: acc.edit(t, map[string]any{"outgoingWebhook": "yes"}), Config: acc.config(full)}),
	})
}

func TestAccWebhookSettings_noOpApplyMakesNoWrite(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url      = "https://hooks.example.test/wa"
  incoming_webhook = true
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// The account already has what the configuration says: creating it writes nothing.
				PreConfig: acc.edit(t, map[string]any{"webhookUrl": "https://hooks.example.test/wa", "incomingWebhook": "yes"}),
				Config:    cfg,
				Check:     acc.writes(0),
			},
			{
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: acc.writes(0),
			},
		},
	})
}

func TestAccWebhookSettings_importByIDThenPlanIsEmpty(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	// An account set up in the console before Terraform manages it.
	console := acc.edit(t, map[string]any{
		"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": "console-token",
		"incomingWebhook": "yes", "outgoingAPIMessageWebhook": "yes",
	})
	console()
	cfg := acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url                  = "https://hooks.example.test/wa"
  webhook_url_token            = "console-token"
  incoming_webhook             = true
  outgoing_api_message_webhook = true
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             cfg,
				ResourceName:       settingsAddr,
				ImportState:        true,
				ImportStateId:      "1101000001",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["webhook_url"] != "https://hooks.example.test/wa" ||
						states[0].Attributes["incoming_webhook"] != "true" || states[0].Attributes["id_instance"] != "1101000001" {
						return fmt.Errorf("imported state does not show the account's settings")
					}
					return nil
				},
			},
			{
				Config:   cfg,
				PlanOnly: true, // fails on any planned change
			},
			{
				Config: cfg,
				Check:  acc.writes(0),
			},
		},
	})
}

func TestAccWebhookSettings_importBlockPlansNoChange(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	acc.edit(t, map[string]any{"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": "console-token", "outgoingWebhook": "yes"})()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url       = "https://hooks.example.test/wa"
  webhook_url_token = "console-token"
  outgoing_webhook  = true
}
`),
			ResourceName:    settingsAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   "1101000001",
			// The step fails unless the plan is a no-op import.
		}},
	})
}

// woImportAccount is an account set up in the console with a webhook token, and a configuration that manages
// it with webhook_url_token_wo; hcl goes before the resource (an import block, say).
func woImportAccount(t *testing.T, token string) (acc *testAccount, cfg func(hcl string) string) {
	acc = newTestAccount(t, mockapi.Options{})
	acc.edit(t, map[string]any{"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": token, "incomingWebhook": "yes"})()
	return acc, func(hcl string) string {
		return acc.woConfig(hcl + `
resource "greenwaba_webhook_settings" "this" {
  webhook_url          = "https://hooks.example.test/wa"
  webhook_url_token_wo = var.webhook_token
  incoming_webhook     = true
}
`)
	}
}

// importedWithoutToken fails unless the CLI import left one resource in write-only mode with no trace of
// the token.
func importedWithoutToken(token string) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		if len(states) != 1 {
			return fmt.Errorf("imported %d resources, want 1", len(states))
		}
		attrs := states[0].Attributes
		for name, v := range attrs {
			if strings.Contains(v, token) {
				return fmt.Errorf("the imported state holds the token in %s", name)
			}
		}
		if v := attrs["webhook_url_token"]; v != "" {
			return fmt.Errorf("the imported webhook_url_token is set")
		}
		if got := attrs["webhook_url_token_wo_revision"]; got != "0" {
			return fmt.Errorf("webhook_url_token_wo_revision is %q, want 0 (write-only mode)", got)
		}
		if attrs["webhook_url"] != "https://hooks.example.test/wa" || attrs["incoming_webhook"] != "true" {
			return fmt.Errorf("the imported state does not show the account's settings")
		}
		return nil
	}
}

func TestAccWebhookSettings_writeOnlyImportCommandKeepsTokenOutAndPlansNothing(t *testing.T) {
	const token, rolled = "wo-import-cli-5e21", "wo-rolled-7c40"
	acc, cfg := woImportAccount(t, token)
	nothingPlanned := []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecretInPlan{token}}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:             cfg(""),
				ConfigVariables:    woVars(token),
				ResourceName:       settingsAddr,
				ImportState:        true,
				ImportStateId:      "1101000001:write-only",
				ImportStatePersist: true,
				ImportStateCheck:   importedWithoutToken(token),
			},
			{
				// Fails on any planned change; the checks look at the plans without and with refresh.
				Config:          cfg(""),
				ConfigVariables: woVars(token),
				PlanOnly:        true,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPreRefresh:  nothingPlanned,
					PostApplyPostRefresh: nothingPlanned,
				},
			},
			{
				Config:           cfg(""),
				ConfigVariables:  woVars(token),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: nothingPlanned},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr("webhook_url_token", knownvalue.Null()),
					expectAttr("webhook_url_token_wo_revision", knownvalue.Int64Exact(importedRevision)),
					noSecretInState{token},
				},
				Check: acc.writes(0),
			},
			{
				// The fingerprint the import kept is the account's token's: another token is planned, and sent.
				Config:          cfg(""),
				ConfigVariables: woVars(rolled),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(1)),
					noSecretInPlan{token, rolled},
				}},
				ConfigStateChecks: []statecheck.StateCheck{noSecretInState{token, rolled}},
				Check:             resource.ComposeAggregateTestCheckFunc(acc.live(map[string]any{"webhookUrlToken": rolled}), acc.writes(1)),
			},
		},
	})
}

func TestAccWebhookSettings_writeOnlyImportBlockPlansNothing(t *testing.T) {
	const token = "wo-import-block-a19f"
	_, cfg := woImportAccount(t, token)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          cfg(""),
			ConfigVariables: woVars(token),
			ResourceName:    settingsAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   "1101000001:write-only",
			// The step also fails unless the plan is a no-op import.
			ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
				plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token"), knownvalue.Null()),
				plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(importedRevision)),
				noSecretInPlan{token},
			}},
		}},
	})
}

// TestAccWebhookSettings_importBlockOfWriteOnlyConfigStoresNoToken applies an import block for a
// configuration that uses webhook_url_token_wo, with either form of import ID. Neither writes to the account
// nor leaves the token in the state; only the ":write-only" form also keeps it out of the plan, which is then
// empty. The plain form reads it into webhook_url_token, and the same plan takes it out again.
func TestAccWebhookSettings_importBlockOfWriteOnlyConfigStoresNoToken(t *testing.T) {
	const token = "wo-import-apply-0d3c"
	cases := []struct {
		name, importID string
		plan           []plancheck.PlanCheck
		revision       int64
	}{
		{"write-only ID", "1101000001:write-only", []plancheck.PlanCheck{plancheck.ExpectEmptyPlan(), noSecretInPlan{token}}, importedRevision},
		{"plain ID", "1101000001", []plancheck.PlanCheck{
			plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
			plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token"), knownvalue.Null()),
		}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			acc, cfg := woImportAccount(t, token)
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   skipBelowWriteOnly,
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: cfg(fmt.Sprintf(`
import {
  to = greenwaba_webhook_settings.this
  id = %q
}
`, tc.importID)),
					ConfigVariables: woVars(token),
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: append(tc.plan,
						plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(tc.revision)))},
					ConfigStateChecks: []statecheck.StateCheck{
						expectAttr("webhook_url_token", knownvalue.Null()),
						expectAttr("webhook_url_token_wo_revision", knownvalue.Int64Exact(tc.revision)),
						noSecretInState{token},
					},
					Check: acc.writes(0),
				}},
			})
		})
	}
}

func TestAccWebhookSettings_writeOnlyImportOfPlainConfigIsRefused(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	acc.edit(t, map[string]any{"webhookUrlToken": "console-token"})()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acc.config(`
import {
  to = greenwaba_webhook_settings.this
  id = "1101000001:write-only"
}

resource "greenwaba_webhook_settings" "this" {
  webhook_url_token = "console-token"
}
`),
			ExpectError: phrase("import it again by its idInstance alone (without :write-only)"),
		}},
	})
}

func TestAccWebhookSettings_invalidImportIDSaysWhatToUse(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:        acc.config(`resource "greenwaba_webhook_settings" "this" {}`),
			ResourceName:  settingsAddr,
			ImportState:   true,
			ImportStateId: "waInstance1101000001",
			ExpectError:   phrase(`Import greenwaba_webhook_settings by the account's idInstance, a number such as 1101000001, or, when the configuration uses webhook_url_token_wo, by the idInstance followed by ":write-only", such as 1101000001:write-only`),
		}},
	})
}

func TestAccWebhookSettings_driftFromConsoleIsPlanned(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url       = "https://hooks.example.test/wa"
  webhook_url_token = "tok-1"
  incoming_webhook  = true
}
`)
	want := map[string]any{
		"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": "tok-1",
		"incomingWebhook": "yes", "outgoingWebhook": "no", "outgoingAPIMessageWebhook": "no",
	}
	edits := []struct {
		field string
		value any
		attr  string
	}{
		{"webhookUrl", "https://elsewhere.example.test/", "webhook_url"},
		{"webhookUrlToken", "console-token", "webhook_url_token"},
		{"incomingWebhook", "no", "incoming_webhook"},
		{"outgoingWebhook", "yes", "outgoing_webhook"},
		{"outgoingAPIMessageWebhook", "yes", "outgoing_api_message_webhook"},
	}
	steps := []resource.TestStep{{Config: cfg, Check: acc.writes(1)}}
	for i, e := range edits {
		checks := []plancheck.PlanCheck{plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate)}
		if e.attr == "webhook_url_token" {
			checks = append(checks, plancheck.ExpectSensitiveValue(settingsAddr, tfjsonpath.New(e.attr)))
		}
		steps = append(steps, resource.TestStep{
			PreConfig:        acc.edit(t, map[string]any{e.field: e.value}),
			Config:           cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: checks},
			// Applying the plan puts the configured value back, with one write.
			Check: resource.ComposeAggregateTestCheckFunc(acc.live(want), acc.writes(2+i)),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

func TestAccWebhookSettings_writeOnlyTokenIsSentButNeverStored(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	const token = "wo-secret-5d1f0c"
	cfg := acc.woConfig(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url          = "https://hooks.example.test/wa"
  webhook_url_token_wo = var.webhook_token
}
`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          cfg,
			ConfigVariables: woVars(token),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionCreate),
				noSecretInPlan{token},
			}},
			ConfigStateChecks: []statecheck.StateCheck{
				expectAttr("webhook_url_token", knownvalue.Null()),
				expectAttr("webhook_url_token_wo", knownvalue.Null()),
				expectAttr("webhook_url_token_wo_revision", knownvalue.Int64Exact(1)),
				noSecretInState{token},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				acc.live(map[string]any{"webhookUrl": "https://hooks.example.test/wa", "webhookUrlToken": token}),
				acc.writes(1),
			),
		}},
	})
}

func TestAccWebhookSettings_writeOnlyTokenChangeIsPlannedWithoutVersionBump(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := acc.woConfig(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url                  = "https://hooks.example.test/wa"
  webhook_url_token_wo         = var.webhook_token
  webhook_url_token_wo_version = "1"
}
`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: woVars("wo-first-81a2"), Check: acc.writes(1)},
			{
				Config:          cfg,
				ConfigVariables: woVars("wo-second-c4e9"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(2)),
					noSecretInPlan{"wo-first-81a2", "wo-second-c4e9"},
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr("webhook_url_token_wo_version", knownvalue.StringExact("1")),
					noSecretInState{"wo-first-81a2", "wo-second-c4e9"},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					acc.live(map[string]any{"webhookUrlToken": "wo-second-c4e9"}),
					acc.writes(2),
				),
			},
		},
	})
}

func TestAccWebhookSettings_writeOnlyVersionChangeResendsToken(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := func(version string) string {
		return acc.woConfig(fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url_token_wo         = var.webhook_token
  webhook_url_token_wo_version = %q
}
`, version))
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("2026-01"), ConfigVariables: woVars("wo-same-77d0"), Check: acc.writes(1)},
			{
				// Same token, new version: sent again although the account already has it.
				Config:          cfg("2026-02"),
				ConfigVariables: woVars("wo-same-77d0"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(2)),
				}},
				Check: acc.writes(2),
			},
		},
	})
}

func TestAccWebhookSettings_writeOnlyConsoleTokenEditIsPlanned(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	const token = "wo-kept-2f6b"
	cfg := acc.woConfig(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url_token_wo = var.webhook_token
}
`)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg, ConfigVariables: woVars(token), Check: acc.writes(1)},
			{
				PreConfig:       acc.edit(t, map[string]any{"webhookUrlToken": "console-edit-90ac"}),
				Config:          cfg,
				ConfigVariables: woVars(token),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("webhook_url_token_wo_revision"), knownvalue.Int64Exact(2)),
					noSecretInPlan{token, "console-edit-90ac"},
				}},
				ConfigStateChecks: []statecheck.StateCheck{noSecretInState{token, "console-edit-90ac"}},
				Check:             resource.ComposeAggregateTestCheckFunc(acc.live(map[string]any{"webhookUrlToken": token}), acc.writes(2)),
			},
		},
	})
}

func TestAccWebhookSettings_movingBackFromWriteOnlyIsRefused(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acc.woConfig(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url_token_wo = var.webhook_token
}
`),
				ConfigVariables: woVars("wo-token-6c3d"),
			},
			{
				Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url_token = "wo-token-6c3d"
}
`),
				ExpectError: phrase("Setting webhook_url_token would store it in the state again, so the provider refuses"),
			},
			{
				// Leaving both out is allowed: the token goes back to its default, none.
				Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr("webhook_url_token", knownvalue.Null()),
					expectAttr("webhook_url_token_wo_revision", knownvalue.Null()),
				},
				Check: acc.live(map[string]any{"webhookUrlToken": ""}),
			},
		},
	})
}

func TestAccWebhookSettings_convergesWhenGreenWabaAppliesLate(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{ApplyDelay: 2 * time.Second})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             acc.live(freshSettings),
		Steps: []resource.TestStep{{
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url      = "https://hooks.example.test/wa"
  outgoing_webhook = true
}
`),
			// The post-apply refresh and plan must be empty: create waited until GetSettings showed the values.
			Check: acc.live(map[string]any{"webhookUrl": "https://hooks.example.test/wa", "outgoingWebhook": "yes"}),
		}},
	})
}

func TestAccWebhookSettings_timeoutWhenGreenWabaAppliesTooLate(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{ApplyDelay: 30 * time.Second})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://hooks.example.test/wa"
  timeouts = {
    create = "3s"
  }
}
`),
			ExpectError: phrase("The create timeout is 3s: raise timeouts.create"),
		}},
	})
}

func TestAccWebhookSettings_invalidArgumentsFailAtPlan(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	long := strings.Repeat("x", maxWebhookURLTokenLength+1)
	cases := []struct {
		body string
		want *regexp.Regexp
	}{
		{`webhook_url = "ftp://hooks.example.test/wa"`, regexp.MustCompile(`(?s)webhook_url.*its scheme is "ftp"`)},
		{`webhook_url = "hooks.example.test/wa"`, regexp.MustCompile(`(?s)webhook_url.*it has no scheme`)},
		{`webhook_url = "https:///wa"`, regexp.MustCompile(`(?s)webhook_url.*it has no host`)},
		{fmt.Sprintf(`webhook_url_token = %q`, long), regexp.MustCompile(`(?s)webhook_url_token.*at most 1024`)},
		{`webhook_url_token = "a"
  webhook_url_token_wo = "b"`, regexp.MustCompile(`(?s)webhook_url_token.*webhook_url_token_wo`)},
		{`webhook_url_token_wo_version = "1"`, regexp.MustCompile(`(?s)webhook_url_token_wo_version.*webhook_url_token_wo`)},
		{`id_instance = 0`, phrase("Attribute id_instance value must be a whole number of at least 1, got 0.")},
		{`id_instance = 1101000001.5`, phrase("Attribute id_instance value must be a whole number of at least 1, got 1101000001.5.")},
		// Control characters: named by code point and position, the (secret) value never quoted.
		{`webhook_url_token = "abc\r\nX-Evil: 1"`, phrase("Attribute webhook_url_token value must not contain control characters such as CR, LF or tab: it has U+000D at byte 3.")},
		// An empty write-only token is refused rather than taken as "no token": it is most often a missing secret.
		{`webhook_url_token_wo = ""`, phrase(`Attribute webhook_url_token_wo is "": an empty token is most often a secret that did not arrive`)},
		{`webhook_url_token_wo = "abc\tdef"`, phrase("Attribute webhook_url_token_wo value must not contain control characters such as CR, LF or tab: it has U+0009 at byte 3.")},
		{fmt.Sprintf(`webhook_url = "https://hooks.example.test/%s"`, strings.Repeat("a", 100_000)), phrase("Attribute webhook_url string length must be at most 8192, got: 100027")},
		{`timeouts = { create = "soon" }`, regexp.MustCompile(`(?s)timeouts.create.*positive duration.*"soon"`)},
		{`timeouts = { read = "0s" }`, regexp.MustCompile(`(?s)timeouts.read.*positive duration.*"0s"`)},
		{`timeouts = { delete = "-1m" }`, regexp.MustCompile(`(?s)timeouts.delete.*positive duration.*"-1m"`)},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      acc.config(fmt.Sprintf("resource \"greenwaba_webhook_settings\" \"this\" {\n  %s\n}\n", tc.body)),
			PlanOnly:    true,
			ExpectError: tc.want,
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		// Two cases set webhook_url_token_wo, which older Terraform does not know.
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             acc.writes(0),
	})
}

// TestAccWebhookSettings_rejectedCredentialsSayWhatToCheck: a create's first call is getStateInstance (is an
// earlier write still applying?), so it meets the credentials first.
func TestAccWebhookSettings_rejectedCredentialsSayWhatToCheck(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: providerConfig(acc.baseURL, acc.id, "wrong-token") + `
resource "greenwaba_webhook_settings" "this" {}
`,
				ExpectError: phrase("GreenWaba rejected the API token for instance 1101000001 (HTTP 401 to getStateInstance): check api_token_instance (or GREENWABA_API_TOKEN_INSTANCE)."),
			},
			{
				Config: fmt.Sprintf(`
provider "greenwaba" {
  api_url         = %q
  instance_tokens = { "1101009999" = "some-token" }
  max_retries     = 0
}

resource "greenwaba_webhook_settings" "this" {
  id_instance = 1101009999
}
`, acc.baseURL),
				ExpectError: phrase("GreenWaba does not know instance 1101009999 (HTTP 403 to getStateInstance): check id_instance (or GREENWABA_ID_INSTANCE), or the instance was deleted."),
			},
			{
				// A fleet account's token comes from instance_tokens, so that is what the message names.
				Config: fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = 1101000002
  api_token_instance = "the-provider-account-token"
  instance_tokens    = { "1101000001" = "wrong-fleet-token" }
  max_retries        = 0
}

resource "greenwaba_webhook_settings" "this" {
  id_instance = 1101000001
}
`, acc.baseURL),
				ExpectError: phrase(`GreenWaba rejected the API token for instance 1101000001 (HTTP 401 to getStateInstance): check instance_tokens["1101000001"].`),
			},
		},
	})
}

func TestAccWebhookSettings_ridesOutRateLimitStorm(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{RateLimits: true})
	cfg := fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  max_retries        = 6
}

resource "greenwaba_webhook_settings" "this" {
  webhook_url     = "https://hooks.example.test/wa"
  incoming_webhook = true
}
`, acc.baseURL, acc.id, acc.token)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "getSettings", Status: 429, RetryAfter: 1, Count: 3})
				addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "setSettings", Status: 429, Count: 2})
			},
			Config: cfg,
			Check: resource.ComposeAggregateTestCheckFunc(
				acc.live(map[string]any{"webhookUrl": "https://hooks.example.test/wa", "incomingWebhook": "yes"}),
				acc.writes(1),
				func(*terraform.State) error {
					reqs, err := acc.srv.Requests(acc.id)
					if err != nil {
						return err
					}
					var limited int
					for _, r := range reqs {
						if r.Status == 429 {
							limited++
						}
					}
					if limited < 5 {
						return fmt.Errorf("GreenWaba answered 429 %d times, want at least the 5 injected", limited)
					}
					return nil
				},
			),
		}},
	})
}

// TestAccWebhookSettings_fleetWithForEachFromOneProvider manages two accounts from one provider configuration
// with for_each, importing them with a for_each import block. The legacy state that Check and CheckDestroy
// read cannot hold for_each instances, so the mock is checked through state checks and the last step
// destroys the fleet itself.
func TestAccWebhookSettings_fleetWithForEachFromOneProvider(t *testing.T) {
	srv, baseURL := newTestMock(t)
	const sales, support int64 = 1101000011, 1101000012
	tokens := map[int64]string{
		sales:   "fleet0a0token0aa11bb22cc33dd44ee55ff66aa77bb88cc9",
		support: "fleet0b0token0aa11bb22cc33dd44ee55ff66aa77bb88cc9",
	}
	for id, token := range tokens {
		if err := srv.CreateInstance(id, token); err != nil {
			t.Fatal(err)
		}
	}
	// sales is already set up as the configuration says; support is a fresh account.
	if err := srv.EditSettings(sales, map[string]any{"webhookUrl": "https://hooks.example.test/sales", "incomingWebhook": "yes"}); err != nil {
		t.Fatal(err)
	}
	provider := fmt.Sprintf(`
provider "greenwaba" {
  api_url = %q
  instance_tokens = {
    "1101000011" = %q
    "1101000012" = %q
  }
}
`, baseURL, tokens[sales], tokens[support])
	fleet := func(supportURL string) string {
		return provider + fmt.Sprintf(`
locals {
  accounts = {
    sales   = { id = 1101000011, url = "https://hooks.example.test/sales" }
    support = { id = 1101000012, url = %q }
  }
}

import {
  for_each = local.accounts
  to       = greenwaba_webhook_settings.fleet[each.key]
  id       = each.value.id
}

resource "greenwaba_webhook_settings" "fleet" {
  for_each = local.accounts

  id_instance      = each.value.id
  webhook_url      = each.value.url
  incoming_webhook = true
}
`, supportURL)
	}
	const salesAddr, supportAddr = `greenwaba_webhook_settings.fleet["sales"]`, `greenwaba_webhook_settings.fleet["support"]`
	writes := func(id int64, n int) mockCheck {
		return func(*terraform.State) error {
			info, err := srv.Instance(id)
			if err != nil {
				return err
			}
			if info.SettingsWrites != n {
				return fmt.Errorf("instance %d had %d writes, want %d", id, info.SettingsWrites, n)
			}
			return nil
		}
	}

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fleet("https://hooks.example.test/support"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(salesAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(supportAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(salesAddr, tfjsonpath.New("id"), knownvalue.StringExact("1101000011")),
					statecheck.ExpectKnownValue(supportAddr, tfjsonpath.New("id"), knownvalue.StringExact("1101000012")),
					mockCheck(expectLive(srv, support, map[string]any{"webhookUrl": "https://hooks.example.test/support", "incomingWebhook": "yes"})),
					writes(sales, 0),
					writes(support, 1),
				},
			},
			{
				// One account changes; only it is written.
				Config: fleet("https://hooks.example.test/helpdesk"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(salesAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction(supportAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					mockCheck(expectLive(srv, support, map[string]any{"webhookUrl": "https://hooks.example.test/helpdesk"})),
					writes(sales, 0),
					writes(support, 2),
				},
			},
			{
				Config: provider,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(salesAddr, plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction(supportAddr, plancheck.ResourceActionDestroy),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					mockCheck(expectLive(srv, sales, freshSettings)),
					mockCheck(expectLive(srv, support, freshSettings)),
				},
			},
		},
	})
}

// mockCheck runs a check of the mock API as a state check; it ignores the state.
type mockCheck resource.TestCheckFunc

func (c mockCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = c(nil)
}

func TestAccWebhookSettings_changingAccountReplacesAndResetsTheOldOne(t *testing.T) {
	srv, baseURL := newTestMock(t)
	for _, id := range []int64{1101000021, 1101000022} {
		if err := srv.CreateInstance(id, "tok"); err != nil {
			t.Fatal(err)
		}
	}
	cfg := func(id int64) string {
		return fmt.Sprintf(`
provider "greenwaba" {
  api_url         = %q
  instance_tokens = { "1101000021" = "tok", "1101000022" = "tok" }
}

resource "greenwaba_webhook_settings" "this" {
  id_instance     = %d
  outgoing_webhook = true
}
`, baseURL, id)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg(1101000021), Check: expectLive(srv, 1101000021, map[string]any{"outgoingWebhook": "yes"})},
			{
				Config: cfg(1101000022),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					expectLive(srv, 1101000021, freshSettings),
					expectLive(srv, 1101000022, map[string]any{"outgoingWebhook": "yes"}),
				),
			},
		},
	})
}

func TestAccWebhookSettings_deletedAccountLeavesStateWithWarning(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := acc.config(`
resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
}
`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				// From now on GreenWaba no longer knows the account.
				PreConfig: func() {
					addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "getSettings", Status: 403, Count: 1000})
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				RefreshPlanChecks: resource.RefreshPlanChecks{PostRefresh: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionCreate),
				}},
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[settingsAddr]; ok {
						return fmt.Errorf("%s is still in the state", settingsAddr)
					}
					return nil
				},
			},
		},
	})
}

// TestWebhookSettingsRead_deletedAccountWarns calls Read directly to see the warning Terraform shows.
func TestWebhookSettingsRead_deletedAccountWarns(t *testing.T) {
	_, baseURL := newTestMock(t) // it does not know instance 1101000031: HTTP 403
	ctx := context.Background()
	r := &webhookSettingsResource{data: &providerData{
		apiURL: baseURL, defaultID: 1101000031, defaultToken: "tok", requestTimeout: 5 * time.Second,
		tokens: map[int64]string{}, clients: map[int64]*greenwaba.Client{}, sources: map[int64]string{}, pacer: testPacer,
	}}
	var schemaResp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &schemaResp)
	state := tfsdk.State{Schema: schemaResp.Schema, Raw: tftypes.NewValue(schemaResp.Schema.Type().TerraformType(ctx), nil)}
	diags := state.SetAttribute(ctx, path.Root("id"), "1101000031")
	diags.Append(state.SetAttribute(ctx, path.Root("id_instance"), int64(1101000031))...)
	if diags.HasError() {
		t.Fatal(diagsText(diags))
	}

	resp := fwresource.ReadResponse{State: state}
	r.Read(ctx, fwresource.ReadRequest{State: state}, &resp)

	if !resp.State.Raw.IsNull() {
		t.Error("the resource was not removed from the state")
	}
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning and no error, got %s", diagsText(resp.Diagnostics))
	}
	if got := diagsText(resp.Diagnostics); !strings.Contains(got, "GreenWaba no longer knows instance 1101000031 (HTTP 403)") {
		t.Errorf("warning %q does not say which account is gone", got)
	}
}

func TestPlanRevision(t *testing.T) {
	ctx := context.Background()
	const id = 1101000001
	known := fakePrivate{}
	storeOrFail(t, known, true, "live-token")
	woState := func(version types.String) *webhookSettingsModel {
		return &webhookSettingsModel{WebhookURLTokenWORevision: types.Int64Value(3), WebhookURLTokenWOVersion: version}
	}
	imported := &webhookSettingsModel{WebhookURLTokenWORevision: types.Int64Value(importedRevision), WebhookURLTokenWOVersion: types.StringNull()}
	cfg := func(token types.String, version types.String) *webhookSettingsModel {
		return &webhookSettingsModel{WebhookURLTokenWO: token, WebhookURLTokenWOVersion: version}
	}
	plan := &webhookSettingsModel{IDInstance: numberOf(types.Int64Value(id))}
	v1 := types.StringValue("1")

	cases := []struct {
		name    string
		private fakePrivate
		state   *webhookSettingsModel
		config  *webhookSettingsModel
		want    int64
	}{
		{"create", known, nil, cfg(types.StringValue("live-token"), v1), 1},
		{"from plain mode", known, &webhookSettingsModel{WebhookURLTokenWORevision: types.Int64Null()}, cfg(types.StringValue("live-token"), v1), 1},
		{"unchanged", known, woState(v1), cfg(types.StringValue("live-token"), v1), 3},
		{"new token, same version", known, woState(v1), cfg(types.StringValue("new-token"), v1), 4},
		{"same token, new version", known, woState(v1), cfg(types.StringValue("live-token"), types.StringValue("2")), 4},
		{"version removed", known, woState(v1), cfg(types.StringValue("live-token"), types.StringNull()), 4},
		{"token not known yet", known, woState(v1), cfg(types.StringUnknown(), v1), 4},
		{"no fingerprint", fakePrivate{}, woState(v1), cfg(types.StringValue("live-token"), v1), 4},
		{"unreadable fingerprint", fakePrivate{privateTokenKey: []byte(`"x"`)}, woState(v1), cfg(types.StringValue("live-token"), v1), 4},
		{"write-only import, same token", known, imported, cfg(types.StringValue("live-token"), types.StringNull()), 0},
		{"write-only import, other token", known, imported, cfg(types.StringValue("new-token"), types.StringNull()), 1},
		{"write-only import, version set: an import cannot read it", known, imported, cfg(types.StringValue("live-token"), v1), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, diags := planRevision(ctx, tc.private, tc.state, plan, tc.config)
			if diags.HasError() || got.ValueInt64() != tc.want {
				t.Errorf("planRevision = %v (%s), want %d", got, diagsText(diags), tc.want)
			}
		})
	}
}

func TestParseImportID(t *testing.T) {
	for in, want := range map[string]struct {
		id        int64
		writeOnly bool
	}{
		"1101000001":              {1101000001, false},
		"1101000001:write-only":   {1101000001, true},
		" 1101000001:write-only ": {1101000001, true},
	} {
		id, writeOnly, err := parseImportID(in)
		if err != nil || id != want.id || writeOnly != want.writeOnly {
			t.Errorf("parseImportID(%q) = %d, %v, %v; want %d, %v", in, id, writeOnly, err, want.id, want.writeOnly)
		}
	}
	for _, in := range []string{"", ":write-only", "1101000001:plain", "1101000001:write-only:1", "write-only:1101000001", "waInstance1101000001"} {
		if _, _, err := parseImportID(in); err == nil {
			t.Errorf("parseImportID(%q) accepted it", in)
		}
	}
}

func TestApplyErrorDiag_interruptedWaitIsNotCalledATimeout(t *testing.T) {
	srv, baseURL := newTestMock(t)
	const id, token = int64(1101000001), "interrupted-token"
	if err := srv.CreateInstance(id, token); err != nil {
		t.Fatal(err)
	}
	client, err := greenwaba.New(greenwaba.Config{APIURL: baseURL, IDInstance: id, Token: token, Pacer: testPacer})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // as Terraform does on Ctrl-C
	on := true
	_, err = client.WaitForSettings(ctx, nil, greenwaba.SettingsUpdate{IncomingWebhook: &on})
	if err == nil {
		t.Fatal("WaitForSettings with a cancelled context returned no error")
	}

	d := (&providerData{}).applyErrorDiag(err, "update", id, time.Minute)
	if d.Summary() != "Interrupted while waiting for the webhook settings" {
		t.Errorf("summary %q; want the interruption named", d.Summary())
	}
	if strings.Contains(d.Detail(), "raise timeouts") {
		t.Errorf("an interruption advises raising the timeout: %q", d.Detail())
	}

	ctx, cancel = context.WithTimeout(t.Context(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	_, err = client.WaitForSettings(ctx, nil, greenwaba.SettingsUpdate{IncomingWebhook: &on})
	if d := (&providerData{}).applyErrorDiag(err, "update", id, time.Minute); !strings.Contains(d.Detail(), "raise timeouts.update") {
		t.Errorf("a timeout does not say which timeout to raise: %q", d.Detail())
	}
}

// TestAccWebhookSettings_resourceNotInStateNeedsNoCredentials proves that a resource whose account has no
// token, and that was never applied (here: apply -target of the rest), blocks neither the targeted apply nor a
// destroy without refresh of the rest; a plan that would create it fails, naming the missing token, and so does
// the normal plan that terraform destroy runs first to refresh.
func TestAccWebhookSettings_resourceNotInStateNeedsNoCredentials(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	tf := newTerraformCLI(t, acc.config(`
resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
}

# No token for this account in the provider configuration.
resource "greenwaba_webhook_settings" "no_token" {
  id_instance = 1101000999
}
`))
	tf.run("apply", "-auto-approve", "-no-color", "-target", settingsAddr)
	if err := acc.live(map[string]any{"incomingWebhook": "yes"})(nil); err != nil {
		t.Fatal(err)
	}
	// terraform destroy first refreshes with a normal plan, which would create no_token and so names its missing
	// token; without that refresh the destroy needs no credentials but those of the resources in the state.
	if out := tf.fail("destroy", "-auto-approve", "-no-color"); !phrase("No API token for GreenWaba instance 1101000999").MatchString(out) {
		t.Errorf("the destroy's refresh plan does not say which token is missing:\n%s", out)
	}
	tf.run("destroy", "-auto-approve", "-no-color", "-refresh=false")
	if err := acc.live(freshSettings)(nil); err != nil {
		t.Errorf("destroy did not reset the account in the state: %v", err)
	}
	// A plan that would create it does need its token: the account and the tokens are known at plan time.
	if out := tf.fail("plan", "-no-color"); !phrase("No API token for GreenWaba instance 1101000999").MatchString(out) {
		t.Errorf("the plan of the resource without a token does not say which token is missing:\n%s", out)
	}
}

// TestAccWebhookSettings_storedZeroTimeoutIsRepairedByTheConfiguration proves that a non-positive timeout in
// the state (stored before plans rejected it) does not break the refresh: it falls back to the default, so
// changing the configuration repairs it.
func TestAccWebhookSettings_storedZeroTimeoutIsRepairedByTheConfiguration(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	tf := newTerraformCLI(t, acc.config(`
resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
  timeouts         = { read = "1m", delete = "1m" }
}
`))
	tf.run("apply", "-auto-approve", "-no-color")
	tf.editState(func(inst *stateInstance) {
		inst.Attributes["timeouts"] = map[string]any{"create": nil, "update": nil, "read": "0s", "delete": "-1s"}
	})
	tf.writeConfig(acc.config(`
resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
}
`))
	tf.run("apply", "-auto-approve", "-no-color")
	tf.run("destroy", "-auto-approve", "-no-color")
	if err := acc.live(freshSettings)(nil); err != nil {
		t.Error(err)
	}
}

// TestAccWebhookSettings_credentialsInWebhookURLWarn proves that a user:password in webhook_url is a warning
// that points to webhook_url_token, and does not stop the plan.
func TestAccWebhookSettings_credentialsInWebhookURLWarn(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	tf := newTerraformCLI(t, acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://user:pass@hooks.example.test/wa"
}
`))
	out := tf.run("plan", "-no-color")
	for _, want := range []string{"Warning: Credentials in the URL", "Put the secret in webhook_url_token or webhook_url_token_wo instead"} {
		if !phrase(want).MatchString(out) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
}

// TestConverge_logsIDInstanceAsDecimalString: Terraform reads a provider's log fields back from JSON as
// float64 and prints 1101000001 as 1.101000001e+09 under TF_LOG, so ids are logged as decimal strings.
func TestConverge_logsIDInstanceAsDecimalString(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	d := &providerData{
		apiURL: acc.baseURL, defaultID: acc.id, defaultToken: acc.token, tokens: map[int64]string{},
		clients: map[int64]*greenwaba.Client{}, sources: map[int64]string{}, pacer: testPacer,
		requestTimeout: greenwaba.DefaultRequestTimeout, retry: testRetry,
	}
	client, _, diags := d.ClientFor(types.Int64Null())
	if diags.HasError() {
		t.Fatal(diagsText(diags))
	}
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	on := true
	if err := client.Converge(ctx, greenwaba.SettingsUpdate{IncomingWebhook: &on}, false); err != nil {
		t.Fatal(err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&out)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e["@message"] == "Writing GreenWaba settings" {
			found = true
			if got := e["id_instance"]; got != "1101000001" {
				t.Errorf("id_instance logged as %#v, want the string \"1101000001\"", got)
			}
		}
	}
	if !found {
		t.Fatalf("no \"Writing GreenWaba settings\" entry in %s", out.String())
	}
}
