package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// TestAccTimeouts_errorsPointAtTheTimeoutsLine proves that a bad `timeouts` entry of the resource, the data source
// or the ephemeral resource is reported at the `timeouts` line of the configuration, which Terraform quotes under
// the error, and not at the block's first line.
func TestAccTimeouts_errorsPointAtTheTimeoutsLine(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	cases := []struct {
		hcl  string
		want string
	}{
		{`resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
  timeouts         = { create = "soon" }
}
`, `timeouts         = { create = "soon" }(.|\n)*Attribute timeouts.create value must be a positive duration`},
		{`data "greenwaba_notification" "head" {
  receive_timeout = 20
  timeouts        = { read = "10s" }
}
`, `timeouts        = { read = "10s" }(.|\n)*timeouts.read is 10s, but a read of an empty queue waits receive_timeout`},
		{`data "greenwaba_notification" "head" {
  timeouts = { read = "xyz" }
}
`, `timeouts = { read = "xyz" }(.|\n)*Attribute timeouts.read value must be a positive duration`},
		{`data "greenwaba_webhook_settings" "live" {
  timeouts = { read = "-1m" }
}
`, `timeouts = { read = "-1m" }(.|\n)*Attribute timeouts.read value must be a positive duration`},
		{`ephemeral "greenwaba_notification" "head" {
  timeouts = { open = "0s" }
}
`, `timeouts = { open = "0s" }(.|\n)*Attribute timeouts.open value must be a positive duration`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config:      acc.config(tc.hcl),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(tc.want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
		CheckDestroy:             acc.writes(0),
	})
}
