package provider

import (
	"strings"
	"testing"
)

// TestAccProvider_plainHTTPToAnotherHostWarnsAtPlan proves that an api_url or GREENWABA_API_URL of http:// to a
// host that is not loopback still plans, with a warning naming the setting and the risk to the token.
func TestAccProvider_plainHTTPToAnotherHostWarnsAtPlan(t *testing.T) {
	const resourceHCL = `
resource "greenwaba_webhook_settings" "this" {
  id_instance = 1101000001
}
`
	t.Setenv(envAPIURL, "")
	tf := newTerraformCLI(t, `
provider "greenwaba" {
  api_url         = "http://greenwaba-mock.invalid:7123"
  instance_tokens = { "1101000001" = "t0k3n" }
}
`+resourceHCL)
	out := tf.run("plan", "-no-color")
	for _, want := range []string{"Warning: GreenWaba API token sent unencrypted", `api_url = "http://greenwaba-mock.invalid:7123"`,
		"Attribute api_url is a plain http:// URL to greenwaba-mock.invalid, which is not this machine (loopback)",
		"Every request carries the account's API token in its path", "Plan: 1 to add"} {
		if !phrase(want).MatchString(out) {
			t.Errorf("the plan with api_url does not say %q:\n%s", want, out)
		}
	}

	tf.writeConfig(`
provider "greenwaba" {
  instance_tokens = { "1101000001" = "t0k3n" }
}
` + resourceHCL)
	t.Setenv(envAPIURL, "http://10.0.0.5:7123") // the provider runs in this process
	out = tf.run("plan", "-no-color")
	for _, want := range []string{"Warning: GreenWaba API token sent unencrypted",
		"The GREENWABA_API_URL environment variable is a plain http:// URL to 10.0.0.5", "Plan: 1 to add"} {
		if !phrase(want).MatchString(out) {
			t.Errorf("the plan with %s does not say %q:\n%s", envAPIURL, want, out)
		}
	}
	if n := strings.Count(out, "sent unencrypted"); n != 1 {
		t.Errorf("the warning shows %d times, want once:\n%s", n, out)
	}
}
