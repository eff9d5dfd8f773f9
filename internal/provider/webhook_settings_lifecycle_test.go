package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// The request lifecycle through real Terraform: ambiguous writes (D20), the reboot (D18), answers without the
// method's shape (D19), the account's rate limits (D15) and a change made by someone else during an apply.

const hookURL = "https://hooks.example.test/wa"

// settingsConfig is a resource with webhook_url url and incoming_webhook on.
func settingsConfig(acc *testAccount, url string) string {
	return acc.config(fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url      = %q
  incoming_webhook = true
}
`, url))
}

// Failed writes that were or were not saved (D20) are rows of the fault matrix
// (reliability_fault_matrix_test.go), for create, update and destroy alike.

// TestAccWebhookSettings_rebootErrorsAreRiddenOut (D18): while a write is pending, every call but getStateInstance
// answers 400 "instance in starting process"; create, update and destroy still converge without an error.
func TestAccWebhookSettings_rebootErrorsAreRiddenOut(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{ApplyDelay: 3 * time.Second, RebootErrors: true})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			acc.live(freshSettings),
			acc.writes(3),
			acc.sawStatus(http.StatusBadRequest),
		),
		Steps: []resource.TestStep{
			{
				Config: settingsConfig(acc, hookURL),
				Check:  acc.live(map[string]any{"webhookUrl": hookURL, "incomingWebhook": "yes"}),
			},
			{
				Config: settingsConfig(acc, hookURL+"/v2"),
				Check:  acc.live(map[string]any{"webhookUrl": hookURL + "/v2"}),
			},
		},
	})
}

// TestAccWebhookSettings_errorInA200IsAnErrorAndKeepsTheState (D19): a getSettings answered with HTTP 200 and
// {"code":401,...} fails the refresh with an error that says so, instead of reading a fresh account, and the
// state keeps what it had.
func TestAccWebhookSettings_errorInA200IsAnErrorAndKeepsTheState(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cfg := settingsConfig(acc, hookURL)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "getSettings", Status: 200,
						Body: json.RawMessage(`{"code":401,"description":"Unauthorized"}`), Count: 5})
				},
				RefreshState: true,
				ExpectError:  phrase(`GreenWaba rejected the API token for instance 1101000001 (HTTP 200 to getSettings carrying error 401: {"code":401,"description":"Unauthorized"}): check api_token_instance`),
			},
			{
				PreConfig: func() { acc.srv.ClearFaults() },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					expectAttr("webhook_url", knownvalue.StringExact(hookURL)),
					expectAttr("incoming_webhook", knownvalue.Bool(true)),
				},
				Check: acc.writes(1),
			},
		},
	})
}

// freshProcessFactories start every Terraform command with a new provider and a new Pacer, as separate provider
// processes do outside tests.
var freshProcessFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"greenwaba": func() (tfprotov6.ProviderServer, error) {
		return providerserver.NewProtocol6WithError(&greenwabaProvider{version: "test", retry: testRetry})()
	},
}

// TestAccWebhookSettings_realRateLimitsWithoutRetriesPass (D15): against GreenWaba's real limits and with
// max_retries = 0, create, update, a no-op apply, import and destroy all succeed. Each command is a new provider
// process that writes no files, so its first call of a method may meet the previous command's pace: that 429 is
// retried without using up max_retries, and none is answered twice in a row.
func TestAccWebhookSettings_realRateLimitsWithoutRetriesPass(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{RateLimits: true})
	cfg := func(url string) string {
		return fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  max_retries        = 0
}

resource "greenwaba_webhook_settings" "this" {
  webhook_url      = %q
  incoming_webhook = true
}
`, acc.baseURL, acc.id, acc.token, url)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: freshProcessFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			acc.live(freshSettings),
			acc.writes(3),
			acc.no429Twice(),
		),
		Steps: []resource.TestStep{
			{Config: cfg(hookURL), Check: acc.no429Twice()},
			{Config: cfg(hookURL + "/v2"), Check: acc.live(map[string]any{"webhookUrl": hookURL + "/v2"})},
			{
				Config: cfg(hookURL + "/v2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
			},
			{
				Config:            cfg(hookURL + "/v2"),
				ResourceName:      settingsAddr,
				ImportState:       true,
				ImportStateId:     "1101000001",
				ImportStateVerify: true,
				// The import has no timeouts; neither has its configuration.
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

// TestAccWebhookSettings_changeBySomeoneElseDuringTheApplyFailsFast (issue 11): a console edit of a managed setting
// while GreenWaba applies the write ends the apply at the next poll, with an error that names the setting and
// says someone else changed it, instead of waiting for the timeout.
func TestAccWebhookSettings_changeBySomeoneElseDuringTheApplyFailsFast(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{ApplyDelay: time.Hour})
	const secret = "console0secret0token"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				go acc.editWhenPending(t, map[string]any{"webhookUrl": "https://elsewhere.example.test/", "webhookUrlToken": secret})
			},
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://hooks.example.test/wa"
  timeouts = {
    create = "2m"
  }
}
`),
			ExpectError: phrase("webhook_url and the webhook token took a value that is neither the previous one nor the one written: something else changed the account"),
		}},
	})
}

// editWhenPending makes a console edit as soon as the account has a write pending (within 30 s).
func (a *testAccount) editWhenPending(t *testing.T, fields map[string]any) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		info, err := a.srv.Instance(a.id)
		if err != nil {
			t.Error(err)
			return
		}
		if info.PendingSettings != nil {
			if err := a.srv.EditSettings(a.id, fields); err != nil {
				t.Error(err)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Error("no write became pending")
			return
		case <-tick.C:
		}
	}
}

// no429Twice checks that no 429 to the account was followed by another 429 to the same method: a process's
// first call of a method may meet the previous process's pace once, and is then paced.
func (a *testAccount) no429Twice() resource.TestCheckFunc {
	return func(*terraform.State) error {
		reqs, err := a.srv.Requests(a.id)
		if err != nil {
			return err
		}
		last := map[string]int{}
		for _, r := range reqs {
			if r.Status == http.StatusTooManyRequests && last[r.Method] == http.StatusTooManyRequests {
				return fmt.Errorf("instance %d answered %s HTTP 429 twice in a row", a.id, r.Method)
			}
			last[r.Method] = r.Status
		}
		return nil
	}
}

// sawStatus checks that the mock answered the account with status at least once.
func (a *testAccount) sawStatus(status int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if n, err := a.statusCount(status); err != nil || n == 0 {
			return fmt.Errorf("instance %d was never answered HTTP %d (%v)", a.id, status, err)
		}
		return nil
	}
}

func (a *testAccount) statusCount(status int) (int, error) {
	reqs, err := a.srv.Requests(a.id)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range reqs {
		if r.Status == status {
			n++
		}
	}
	return n, nil
}
