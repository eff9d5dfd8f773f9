package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccWebhookSettingsDataSource_readsLiveSettingsWithoutTheToken reads an account set up in the console:
// the settings as they are, whether a token is set but not the token, and no write.
func TestAccWebhookSettingsDataSource_readsLiveSettingsWithoutTheToken(t *testing.T) {
	const token = "console-token-data-6f3a"
	acc := consoleAccount(t, token)
	const addr = "data.greenwaba_webhook_settings.this"
	check := func(attr string, v knownvalue.Check) statecheck.StateCheck {
		return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: acc.config(`data "greenwaba_webhook_settings" "this" {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					check("id", knownvalue.StringExact("1101000001")),
					check("webhook_url", knownvalue.StringExact("https://hooks.example.test/wa")),
					check("webhook_url_token_set", knownvalue.Bool(true)),
					check("delivery_mode", knownvalue.StringExact(deliveryPush)),
					check("incoming_webhook", knownvalue.Bool(true)),
					check("outgoing_webhook", knownvalue.Bool(false)),
					noSecretInState{token},
				},
				Check: acc.writes(0),
			},
			{
				PreConfig: acc.edit(t, map[string]any{"webhookUrl": "", "webhookUrlToken": ""}),
				Config:    acc.config(`data "greenwaba_webhook_settings" "this" { id_instance = 1101000001 }`),
				ConfigStateChecks: []statecheck.StateCheck{
					check("webhook_url", knownvalue.StringExact("")),
					check("webhook_url_token_set", knownvalue.Bool(false)),
					check("delivery_mode", knownvalue.StringExact(deliveryQueue)),
				},
				Check: acc.writes(0),
			},
		},
	})
}
