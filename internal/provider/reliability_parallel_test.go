package provider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

// TestAccReliability_fiftyAccountsInParallelOnRealRateLimits (issue 13): one provider applies 50 accounts with
// -parallelism=50 against GreenWaba's real rate limits; the mock answers no 429, and each account is written
// once on apply and once on destroy.
func TestAccReliability_fiftyAccountsInParallelOnRealRateLimits(t *testing.T) {
	srv, baseURL := mocktest.Start(t, mockapi.Options{RateLimits: true})
	const n = 50
	var tokens, accounts strings.Builder
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = 1101000900 + int64(i)
		token := fmt.Sprintf("par%02dtoken0aa11bb22cc33dd44ee55ff66aa77bb88cc99", i)
		if err := srv.CreateInstance(ids[i], token); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&tokens, "    \"%d\" = %q\n", ids[i], token)
		fmt.Fprintf(&accounts, "    \"%d\" = \"https://hooks.example.test/%d\"\n", ids[i], ids[i])
	}
	tf := newTerraformCLI(t, fmt.Sprintf(`
provider "greenwaba" {
  api_url     = %q
  max_retries = 0
  instance_tokens = {
%s  }
}

locals {
  accounts = {
%s  }
}

resource "greenwaba_webhook_settings" "this" {
  for_each = local.accounts

  id_instance      = tonumber(each.key)
  webhook_url      = each.value
  incoming_webhook = true
}
`, baseURL, tokens.String(), accounts.String()))
	check := func(step string, writes int) {
		t.Helper()
		for _, id := range ids {
			info, err := srv.Instance(id)
			if err != nil {
				t.Fatal(err)
			}
			if info.SettingsWrites != writes {
				t.Errorf("%s: instance %d had %d writes, want %d", step, id, info.SettingsWrites, writes)
			}
			reqs, err := srv.Requests(id)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range reqs {
				if r.Status == http.StatusTooManyRequests {
					t.Errorf("%s: instance %d drew a 429 on %s", step, id, r.Method)
				}
			}
		}
	}
	// max_retries = 0: a single 429 would fail the apply.
	tf.run("apply", "-no-color", "-auto-approve", "-parallelism=50")
	check("apply", 1)
	if out := tf.run("plan", "-no-color", "-parallelism=50", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Errorf("the plan after the apply is not empty:\n%s", out)
	}
	tf.run("destroy", "-no-color", "-auto-approve", "-parallelism=50")
	check("destroy", 2)
}
