package provider

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// skipUnlessOpenTofu skips a test of an OpenTofu-only feature unless TF_ACC is set and the CLI under test is
// OpenTofu.
func skipUnlessOpenTofu(t *testing.T, feature string) {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	tofu, err := cliIsOpenTofu()
	if err != nil {
		t.Fatal(err)
	}
	if !tofu {
		v, _ := cliVersion()
		t.Skipf("%s is OpenTofu only (make testacc-tofu runs this test); the CLI here is %s", feature, v)
	}
}

// newPluginCLI writes hcl as the root module of a new directory and returns the CLI under test set to run
// there with the provider built from this checkout as a plugin of its own (dev_overrides, no init), the way
// users run it. The test harness instead serves one provider in-process for every provider configuration,
// so instances of a provider's for_each would share the configuration of whichever was configured last.
func newPluginCLI(t *testing.T, hcl string) *terraformCLI {
	t.Helper()
	plugins, dir := t.TempDir(), t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-greenwaba"),
		"github.com/greenwaba/terraform-provider-greenwaba")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	tf := devOverridesCLI(t, plugins, dir)
	tf.writeConfig(hcl)
	return tf
}

// devOverridesCLI returns the CLI under test set to run in dir with the provider binary in the directory
// plugins (dev_overrides, no init), and env added to its environment.
func devOverridesCLI(t *testing.T, plugins, dir string, env ...string) *terraformCLI {
	t.Helper()
	cliConfig := filepath.Join(t.TempDir(), "terraformrc")
	overrides := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		providerSource, plugins)
	if err := os.WriteFile(cliConfig, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	return &terraformCLI{t: t, bin: testCLIPath(t), dir: dir, env: append(append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0"), env...)}
}

// TestAccProvider_openTofuProviderForEach applies a fleet shaped like examples/opentofu/provider-for-each.tf:
// one provider instance per account, each with its own token, then retires an account the way the docs say.
func TestAccProvider_openTofuProviderForEach(t *testing.T) {
	skipUnlessOpenTofu(t, "for_each in a provider block")
	srv, baseURL := newTestMock(t)
	accounts := []struct {
		key, token, url string
		id              int64
	}{
		{"sales", "sales0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99d", "https://hooks.example.test/sales", 1101000021},
		{"support", "support0token0aa11bb22cc33dd44ee55ff66aa77bb88cc", "https://hooks.example.test/support", 1101000022},
	}
	for _, a := range accounts {
		if err := srv.CreateInstance(a.id, a.token); err != nil {
			t.Fatal(err)
		}
	}
	// config declares a provider instance for the first nProviders accounts and settings for the first nSettings.
	config := func(nProviders, nSettings int) string {
		var providers, settings strings.Builder
		for i, a := range accounts {
			if i < nProviders {
				fmt.Fprintf(&providers, "    %s = { id = %d, token = %q }\n", a.key, a.id, a.token)
			}
			if i < nSettings {
				fmt.Fprintf(&settings, "    %s = %q\n", a.key, a.url)
			}
		}
		return fmt.Sprintf(`
locals {
  accounts = {
%s  }
  webhooks = {
%s  }
}

provider "greenwaba" {
  alias    = "account"
  for_each = local.accounts

  api_url            = %q
  id_instance        = each.value.id
  api_token_instance = each.value.token
  request_timeout    = "5s"
  max_retries        = 2
}

resource "greenwaba_webhook_settings" "fleet" {
  for_each = local.webhooks
  provider = greenwaba.account[each.key]

  webhook_url = each.value
}
`, providers.String(), settings.String(), baseURL)
	}
	// expect checks each account's webhook URL and its number of settings writes so far.
	expect := func(step string, urls []string, writes []int) {
		t.Helper()
		for i, a := range accounts {
			info, err := srv.Instance(a.id)
			if err != nil {
				t.Fatal(err)
			}
			if got := info.Settings["webhookUrl"]; got != urls[i] || info.SettingsWrites != writes[i] {
				t.Errorf("after %s, %s has webhookUrl %q after %d writes, want %q after %d",
					step, a.key, got, info.SettingsWrites, urls[i], writes[i])
			}
		}
	}
	sales, support := accounts[0], accounts[1]

	// Each account gets its own URL, written with its own token: the mock refuses a token of another account.
	tf := newPluginCLI(t, config(2, 2))
	tf.run("apply", "-auto-approve", "-no-color")
	expect("the first apply", []string{sales.url, support.url}, []int{1, 1})

	// Retiring an account, first step: its settings go, its provider instance stays to reset them.
	tf.writeConfig(config(2, 1))
	tf.run("apply", "-auto-approve", "-no-color")
	expect("removing support's settings", []string{sales.url, ""}, []int{1, 2})

	// Second step: its provider instance goes too, with nothing left to do (exit code 2 would fail the run).
	tf.writeConfig(config(1, 1))
	tf.run("plan", "-detailed-exitcode", "-no-color")
	tf.run("destroy", "-auto-approve", "-no-color")
	expect("destroy", []string{"", ""}, []int{2, 2})
}
