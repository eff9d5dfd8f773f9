package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

const (
	importWantedID int64 = 1101000004 // the account the configuration names
	importOtherID  int64 = 1101000005 // another account, imported by mistake
)

// importFleet starts a mock with both accounts and returns the provider block that has both tokens.
func importFleet(t *testing.T) (provider string, writes func() string) {
	t.Helper()
	srv, baseURL := newTestMock(t)
	for _, id := range []int64{importWantedID, importOtherID} {
		if err := srv.CreateInstance(id, fmt.Sprintf("importtoken%d", id)); err != nil {
			t.Fatal(err)
		}
	}
	provider = fmt.Sprintf(`
provider "greenwaba" {
  api_url         = %q
  instance_tokens = { "%d" = "importtoken%d", "%d" = "importtoken%d" }
}
`, baseURL, importWantedID, importWantedID, importOtherID, importOtherID)
	writes = func() string {
		var counts []string
		for _, id := range []int64{importWantedID, importOtherID} {
			info, err := srv.Instance(id)
			if err != nil {
				t.Fatal(err)
			}
			counts = append(counts, fmt.Sprintf("%d:%d", id, info.SettingsWrites))
		}
		return strings.Join(counts, " ")
	}
	return provider, writes
}

func importResource(id int64) string {
	return fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  id_instance      = %d
  incoming_webhook = true
}
`, id)
}

// importMismatch is the error naming both accounts.
var importMismatch = phrase(fmt.Sprintf("This resource was imported from GreenWaba instance %d, but the configuration "+
	"names instance %d, so the plan would replace it", importOtherID, importWantedID))

// TestAccWebhookSettings_cliImportOfAnotherAccountFailsAtPlan proves that `terraform import` of another account
// than the configuration names fails the next plans (repeated, since a plan saves nothing), apply and apply
// -refresh=false, naming both accounts, with no write to either; and that importing the right one then works.
func TestAccWebhookSettings_cliImportOfAnotherAccountFailsAtPlan(t *testing.T) {
	provider, writes := importFleet(t)
	tf := newTerraformCLI(t, provider+importResource(importWantedID))
	tf.run("import", "-no-color", settingsAddr, fmt.Sprint(importOtherID))
	for _, args := range [][]string{{"plan"}, {"plan"}, {"apply", "-auto-approve"}, {"apply", "-auto-approve", "-refresh=false"}, {"plan"}} {
		if out := tf.fail(append(args, "-no-color")...); !importMismatch.MatchString(out) {
			t.Fatalf("terraform %s does not name both accounts:\n%s", strings.Join(args, " "), out)
		}
	}
	if got := writes(); got != "1101000004:0 1101000005:0" {
		t.Fatalf("writes %s, want none", got)
	}
	tf.run("state", "rm", "-no-color", settingsAddr)
	tf.run("import", "-no-color", settingsAddr, fmt.Sprint(importWantedID))
	tf.run("apply", "-auto-approve", "-no-color")
	if got := writes(); got != "1101000004:1 1101000005:0" {
		t.Errorf("writes %s, want one to 1101000004", got)
	}
}

// TestAccWebhookSettings_importThenDeliberateMoveReplaces proves that the check ends once a refresh was saved
// after the import's first plan: an account imported and adopted with a no-op apply (CLI import), or imported
// by an import block and adopted, then moved to another account, is replaced as any change of id_instance is
// (after an `apply -refresh-only` for the import block, as documented).
func TestAccWebhookSettings_importThenDeliberateMoveReplaces(t *testing.T) {
	provider, writes := importFleet(t)
	tf := newTerraformCLI(t, provider+importResource(importOtherID))
	tf.run("import", "-no-color", settingsAddr, fmt.Sprint(importOtherID))
	tf.run("apply", "-auto-approve", "-no-color") // adopts the account (incoming_webhook written once)
	tf.writeConfig(provider + importResource(importWantedID))
	if out := tf.run("plan", "-no-color"); !strings.Contains(out, "must be replaced") {
		t.Errorf("the move after a CLI import is not a replacement:\n%s", out)
	}

	tf.run("state", "rm", "-no-color", settingsAddr)
	tf.writeConfig(provider + importResource(importOtherID) + fmt.Sprintf(`
import {
  to = %s
  id = "%d"
}
`, settingsAddr, importOtherID))
	tf.run("apply", "-auto-approve", "-no-color")
	tf.writeConfig(provider + importResource(importWantedID))
	// The import block's apply saved the state of the import's own plan, so the next plan still checks.
	if out := tf.fail("plan", "-no-color"); !importMismatch.MatchString(out) {
		t.Errorf("the first plan after an import block's apply does not check the account:\n%s", out)
	}
	tf.run("apply", "-refresh-only", "-auto-approve", "-no-color")
	if out := tf.run("plan", "-no-color"); !strings.Contains(out, "must be replaced") {
		t.Errorf("the move after a saved refresh is not a replacement:\n%s", out)
	}
	if got := writes(); got != "1101000004:0 1101000005:1" {
		t.Errorf("writes %s, want one to 1101000005", got)
	}
}

// TestAccWebhookSettings_importBlockOfAnotherAccountFailsAtPlan: an import block whose id is another account
// than the configuration's fails its plan, naming both accounts.
func TestAccWebhookSettings_importBlockOfAnotherAccountFailsAtPlan(t *testing.T) {
	provider, writes := importFleet(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:          provider + importResource(importWantedID),
			ResourceName:    settingsAddr,
			ImportState:     true,
			ImportStateKind: resource.ImportBlockWithID,
			ImportStateId:   fmt.Sprint(importOtherID),
			ExpectError:     importMismatch,
		}},
	})
	if got := writes(); got != "1101000004:0 1101000005:0" {
		t.Errorf("writes %s, want none", got)
	}
}
