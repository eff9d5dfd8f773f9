package provider

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// One write per change (issue 18): every write reboots the account, so a change that fails ambiguously or runs
// out of time must not be written a second time.

// TestAccWebhookSettings_writeSavedAfterTheGatewayAnsweredIsWrittenOnce: the gateway answers 504 at once and the
// API saves the write 1.5 s later, after the provider first found the account unchanged. The provider keeps
// asking for request_timeout (5 s) and sees the write saved: one write.
func TestAccWebhookSettings_writeSavedAfterTheGatewayAnsweredIsWrittenOnce(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "setSettings", Status: 504, ProcessAfterMs: 1500})
			},
			Config: acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://hooks.example.test/wa"
}
`),
			Check: resource.ComposeAggregateTestCheckFunc(
				acc.live(map[string]any{"webhookUrl": "https://hooks.example.test/wa"}),
				acc.writes(1),
			),
		}},
	})
}

// TestAccWebhookSettings_applyDuringAnEarlierWritesRebootWritesNothing: an apply runs out of time while
// GreenWaba applies its write; an apply at once after it finds the account still starting, waits, and says that
// no new write was sent when its own timeout ends first. The apply after that, given time, writes nothing either.
func TestAccWebhookSettings_applyDuringAnEarlierWritesRebootWritesNothing(t *testing.T) {
	// The first write applies only once step 3 has found the account starting, however long the CLI takes.
	clock := &offsetClock{}
	var step3, waited atomic.Bool
	acc := newTestAccount(t, mockapi.Options{ApplyDelay: time.Hour, Clock: clock,
		OnRequest: func(_ int64, r mockapi.RequestRecord) {
			if step3.Load() && r.Method == "getStateInstance" && !waited.Swap(true) {
				clock.skip(2 * time.Hour) // this call's answer, "starting", was made before
			}
		}})
	cfg := func(timeout string) string {
		return acc.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "https://hooks.example.test/wa"
  timeouts = {
    create = "` + timeout + `"
  }
}
`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: cfg("2s"), ExpectError: phrase("The create timeout is 2s: raise timeouts.create")},
			{Config: cfg("2s"), ExpectError: phrase("An earlier webhook settings write is still being applied")},
			{
				PreConfig: func() {
					step3.Store(true)
					// Later writes (the post-test destroy's) apply at once; the pending one still waits.
					if err := acc.srv.SetApplyDelay(acc.id, 0); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg("30s"),
				Check: resource.ComposeAggregateTestCheckFunc(
					acc.live(map[string]any{"webhookUrl": "https://hooks.example.test/wa"}),
					acc.writes(1),
					func(*terraform.State) error {
						if !waited.Load() {
							return errors.New("step 3 never asked whether the account was starting")
						}
						return nil
					},
				),
			},
		},
	})
}
