package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

// skipWithoutQuery skips tests of `terraform query` and actions on CLIs without them: Terraform before 1.14,
// and OpenTofu (1.12 has neither; a future OpenTofu 1.14 would pass tfversion.SkipBelow, hence the explicit
// check).
var skipWithoutQuery = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0), skipOpenTofu{}}

type skipOpenTofu struct{}

func (skipOpenTofu) CheckTerraformVersion(_ context.Context, _ tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tofu, err := cliIsOpenTofu()
	switch {
	case err != nil:
		resp.Error = err
	case tofu:
		resp.Skip = "OpenTofu has no terraform query, list resources or actions"
	}
}

// requireQueryCLI skips a test run through the CLI harness unless the CLI has `terraform query` and actions.
func requireQueryCLI(t *testing.T) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	v, major, minor := cliMajorMinor(t)
	if strings.HasPrefix(v, "OpenTofu ") || (major == 1 && minor < 14) {
		t.Skipf("terraform query and actions need Terraform 1.14 or later (make testacc-tf114); the CLI here is %s", v)
	}
}

// fleetAccount is one account of a test fleet, set up in the console only.
type fleetAccount struct {
	id           int64
	token        string // API token
	webhookURL   string
	webhookToken string
	incoming     bool
}

// newFleet starts a mock with n accounts: every third in queue mode, the others in push mode, half of those
// with a webhook token. It returns the mock and a provider block holding every account's API token.
func newFleet(t *testing.T, n int) (*mockapi.Server, []fleetAccount, string) {
	t.Helper()
	srv, baseURL := mocktest.Start(t, mockapi.Options{})
	fleet := make([]fleetAccount, n)
	var tokens strings.Builder
	for i := range fleet {
		a := fleetAccount{id: 1101100000 + int64(i), token: fmt.Sprintf("fleet%03dapitoken0aa11bb22cc33dd44ee55ff66aa77bb88", i)}
		if i%3 != 0 {
			a.webhookURL = fmt.Sprintf("https://hooks.example.test/fleet/%d", i)
			a.incoming = true
			if i%2 == 1 {
				a.webhookToken = fmt.Sprintf("fleet%03dwebhooktoken5f1c", i)
			}
		}
		if err := srv.CreateInstance(a.id, a.token); err != nil {
			t.Fatal(err)
		}
		edit := map[string]any{"webhookUrl": a.webhookURL, "webhookUrlToken": a.webhookToken, "incomingWebhook": "no"}
		if a.incoming {
			edit["incomingWebhook"] = "yes"
		}
		if err := srv.EditSettings(a.id, edit); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&tokens, "    %q = %q\n", fmt.Sprint(a.id), a.token)
		fleet[i] = a
	}
	provider := fmt.Sprintf(`
provider "greenwaba" {
  api_url         = %q
  request_timeout = "5s"
  max_retries     = 2
  instance_tokens = {
%s  }
}
`, baseURL, tokens.String())
	return srv, fleet, provider
}

// secrets is every token of the fleet, API and webhook.
func fleetSecrets(fleet []fleetAccount) []string {
	var s []string
	for _, a := range fleet {
		s = append(s, a.token)
		if a.webhookToken != "" {
			s = append(s, a.webhookToken)
		}
	}
	return s
}

func TestAccWebhookSettingsList_queryListsTheFleetWithoutSecrets(t *testing.T) {
	srv, fleet, provider := newFleet(t, 6)
	// One account's URL carries credentials, which the display name must not show.
	const credURL = "https://hookuser:hookpass@hooks.example.test/cred?key=qsecret"
	if err := srv.EditSettings(fleet[1].id, map[string]any{"webhookUrl": credURL}); err != nil {
		t.Fatal(err)
	}
	byID := func(id int64) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id_instance": knownvalue.Int64Exact(id)})
	}
	const all, push, some = "greenwaba_webhook_settings.all", "greenwaba_webhook_settings.push", "greenwaba_webhook_settings.some"
	checks := []querycheck.QueryResultCheck{
		querycheck.ExpectLength(all, len(fleet)),
		querycheck.ExpectLength(push, 4),
		querycheck.ExpectLength(some, 1), // of the two, only fleet[3] is in queue mode
		querycheck.ExpectIdentity(some, map[string]knownvalue.Check{"id_instance": knownvalue.Int64Exact(fleet[3].id)}),
		querycheck.ExpectResourceDisplayName(all, byID(fleet[0].id), knownvalue.StringExact(fmt.Sprintf("GreenWaba instance %d: queue", fleet[0].id))),
		querycheck.ExpectResourceDisplayName(all, byID(fleet[1].id), knownvalue.StringExact(
			fmt.Sprintf("GreenWaba instance %d: push to https://***@hooks.example.test/cred?***", fleet[1].id))),
		querycheck.ExpectResourceKnownValues(all, byID(fleet[2].id), []querycheck.KnownValueCheck{
			{Path: tfjsonpath.New("webhook_url"), KnownValue: knownvalue.StringExact(fleet[2].webhookURL)},
			{Path: tfjsonpath.New("incoming_webhook"), KnownValue: knownvalue.Bool(true)},
			{Path: tfjsonpath.New("webhook_url_token"), KnownValue: knownvalue.Null()},
		}),
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipWithoutQuery,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: provider},
			{
				Query: true,
				Config: fmt.Sprintf(`
list "greenwaba_webhook_settings" "all" {
  provider         = greenwaba
  include_resource = true
}

list "greenwaba_webhook_settings" "push" {
  provider = greenwaba
  config {
    delivery_mode = "push"
  }
}

list "greenwaba_webhook_settings" "some" {
  provider = greenwaba
  config {
    id_instances  = [%d, %d]
    delivery_mode = "queue"
  }
}
`, fleet[3].id, fleet[4].id),
				QueryResultChecks: checks,
			},
		},
	})
	for _, a := range fleet {
		if info, err := srv.Instance(a.id); err != nil || info.SettingsWrites != 0 {
			t.Fatalf("instance %d: %d writes (%v), want none", a.id, info.SettingsWrites, err)
		}
	}
}

// TestAccWebhookSettingsList_adoptFleet adopts a fleet set up in the console only: `terraform query
// -generate-config-out`, one apply, then an empty plan; no token in any file of the working directory and no
// write to any account. GREENWABA_ADOPT_FLEET sets the fleet's size (default 50).
func TestAccWebhookSettingsList_adoptFleet(t *testing.T) {
	requireQueryCLI(t)
	n := 50
	if s := os.Getenv("GREENWABA_ADOPT_FLEET"); s != "" {
		if _, err := fmt.Sscan(s, &n); err != nil {
			t.Fatal(err)
		}
	}
	srv, fleet, provider := newFleet(t, n)
	tf := newTerraformCLI(t, provider)
	query := `
list "greenwaba_webhook_settings" "fleet" {
  provider         = greenwaba
  include_resource = true
}
`
	if err := os.WriteFile(filepath.Join(tf.dir, "fleet.tfquery.hcl"), []byte(query), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	tf.run("query", "-no-color", "-generate-config-out=generated.tf")
	queried := time.Since(start)
	generated, err := os.ReadFile(filepath.Join(tf.dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(string(generated), "import {"); got != n {
		t.Fatalf("the generated configuration imports %d accounts, want %d:\n%s", got, n, generated)
	}
	// Terraform writes no sensitive value: both token arguments are null, which the import by identity reads
	// as "leave the account's token alone".
	if got := len(regexp.MustCompile(`webhook_url_token\s+= null # sensitive`).FindAll(generated, -1)); got != n {
		t.Fatalf("%d generated blocks have webhook_url_token = null, want %d", got, n)
	}
	if os.Getenv("GREENWABA_SHOW_GENERATED") != "" {
		t.Logf("generated.tf:\n%s", generated)
	}
	out := tf.run("apply", "-auto-approve", "-no-color")
	if want := fmt.Sprintf("%d imported, 0 added, 0 changed, 0 destroyed", n); !strings.Contains(out, want) {
		t.Fatalf("the apply did not say %q:\n%s", want, out)
	}
	adopted := time.Since(start)
	if out := tf.run("plan", "-detailed-exitcode", "-no-color"); !strings.Contains(out, "No changes") {
		t.Fatalf("the plan after the adoption is not empty:\n%s", out)
	}
	t.Logf("%d accounts: query %s, query and apply %s", n, queried.Round(time.Millisecond), adopted.Round(time.Millisecond))

	hunt := append(fleetSecrets(fleet), testToken)
	err = filepath.WalkDir(tf.dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.Contains(path, string(filepath.Separator)+".terraform"+string(filepath.Separator)) {
			return nil // provider lock and module data
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, s := range hunt {
			if strings.Contains(string(raw), s) && !strings.HasSuffix(path, "main.tf") {
				return fmt.Errorf("%s holds a token", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range fleet {
		info, err := srv.Instance(a.id)
		if err != nil {
			t.Fatal(err)
		}
		if info.SettingsWrites != 0 {
			t.Errorf("instance %d: %d setSettings writes, want none", a.id, info.SettingsWrites)
		}
		if info.Settings["webhookUrlToken"] != a.webhookToken || info.Settings["webhookUrl"] != a.webhookURL {
			t.Errorf("instance %d: settings changed by the adoption", a.id)
		}
	}
}

func TestListDisplayName_masksURLSecrets(t *testing.T) {
	for url, want := range map[string]string{
		"":                                   "GreenWaba instance 7: queue",
		"https://hooks.example.test/wa":      "GreenWaba instance 7: push to https://hooks.example.test/wa",
		"https://u:p@hooks.example.test/wa":  "GreenWaba instance 7: push to https://***@hooks.example.test/wa",
		"https://hooks.example.test/?k=s#f":  "GreenWaba instance 7: push to https://hooks.example.test/?***",
		"https://tok@hooks.example.test/a/b": "GreenWaba instance 7: push to https://***@hooks.example.test/a/b",
	} {
		if got := listDisplayName(7, &greenwaba.Settings{WebhookURL: url}); got != want {
			t.Errorf("listDisplayName(%q) = %q, want %q", url, got, want)
		}
	}
}
