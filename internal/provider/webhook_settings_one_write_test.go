package provider

import (
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

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
	acc := newTestAccount(t, mockapi.Options{ApplyDelay: 10 * time.Second})
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
				Config: cfg("30s"),
				Check: resource.ComposeAggregateTestCheckFunc(
					acc.live(map[string]any{"webhookUrl": "https://hooks.example.test/wa"}),
					acc.writes(1),
				),
			},
		},
	})
}
