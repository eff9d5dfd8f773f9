package provider

import (
	"fmt"
	"strings"
	"testing"
)

// TestAccWebhookSettings_missingTokenFailsAtPlan proves that a fleet whose token map is known at plan time but
// lacks some accounts fails at plan, naming each such account and where its token may come from, before any
// write; that a token map only known after apply still plans; and that the same fleet applies once every token
// is there.
func TestAccWebhookSettings_missingTokenFailsAtPlan(t *testing.T) {
	srv, baseURL := newTestMock(t)
	ids := []int64{1101000031, 1101000032, 1101000033}
	tokens := map[int64]string{}
	for _, id := range ids {
		tokens[id] = fmt.Sprintf("plantoken%d", id)
		if err := srv.CreateInstance(id, tokens[id]); err != nil {
			t.Fatal(err)
		}
	}
	fleet := `
resource "greenwaba_webhook_settings" "fleet" {
  for_each         = toset(["1101000031", "1101000032", "1101000033"])
  id_instance      = each.key
  incoming_webhook = true
}
`
	provider := func(tokensHCL string) string {
		return fmt.Sprintf(`
provider "greenwaba" {
  api_url         = %q
  instance_tokens = %s
}
`, baseURL, tokensHCL) + fleet
	}
	t.Setenv(envInstanceTokens, "")
	tf := newTerraformCLI(t, provider(fmt.Sprintf(`{ "1101000031" = %q }`, tokens[1101000031])))
	out := tf.fail("plan", "-no-color")
	for _, id := range ids[1:] {
		want := fmt.Sprintf(`No API token for GreenWaba instance %d: add "%d" to the provider's instance_tokens `+
			`(or the GREENWABA_INSTANCE_TOKENS environment variable), or set the provider's id_instance (or `+
			`GREENWABA_ID_INSTANCE) to %d and api_token_instance (or GREENWABA_API_TOKEN_INSTANCE) to its token.`, id, id, id)
		if !phrase(want).MatchString(out) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Error: Missing GreenWaba API token"); n != 2 {
		t.Errorf("%d missing-token errors, want 2 (accounts 1101000032 and 1101000033):\n%s", n, out)
	}
	if strings.Contains(out, "instance 1101000031") {
		t.Errorf("the plan blames the account that has a token:\n%s", out)
	}

	// The same from GREENWABA_INSTANCE_TOKENS (read by the provider, which runs in this process).
	tf.writeConfig(fmt.Sprintf(`
provider "greenwaba" {
  api_url = %q
}
`, baseURL) + fleet)
	t.Setenv(envInstanceTokens, fmt.Sprintf(`{"1101000031": %q, "1101000032": %q}`, tokens[1101000031], tokens[1101000032]))
	out = tf.fail("plan", "-no-color")
	if !phrase("No API token for GreenWaba instance 1101000033").MatchString(out) || strings.Count(out, "Error: Missing GreenWaba API token") != 1 {
		t.Errorf("the plan with %s does not blame 1101000033 alone:\n%s", envInstanceTokens, out)
	}
	t.Setenv(envInstanceTokens, "")

	// A token map only known after apply cannot be checked at plan: the plan goes through.
	tf.writeConfig(`
resource "terraform_data" "tokens" {
  input = { "1101000031" = "later" }
}
` + provider(`terraform_data.tokens.output`))
	if out := tf.run("plan", "-no-color"); !strings.Contains(out, "Plan: 4 to add") {
		t.Errorf("the plan with unknown tokens does not plan the fleet:\n%s", out)
	}

	for _, id := range ids {
		if info, err := srv.Instance(id); err != nil || info.SettingsWrites != 0 {
			t.Fatalf("instance %d: %v writes before any apply (%v)", id, info.SettingsWrites, err)
		}
	}
	var all []string
	for _, id := range ids {
		all = append(all, fmt.Sprintf("%q = %q", fmt.Sprint(id), tokens[id]))
	}
	tf.writeConfig(provider("{ " + strings.Join(all, ", ") + " }"))
	tf.run("apply", "-auto-approve", "-no-color")
	for _, id := range ids {
		if err := expectLive(srv, id, map[string]any{"incomingWebhook": "yes"})(nil); err != nil {
			t.Error(err)
		}
	}
}
