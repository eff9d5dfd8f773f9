package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// kind is what a configuration's N resources are.
type kind string

const (
	kindGreenwaba kind = "greenwaba" // greenwaba_webhook_settings, one provider with fleet instance_tokens
	kindFloor     kind = "floor"     // floor_webhook_settings: same schema and provider block, no calls
	kindMinimal   kind = "minimal"   // minimal_thing: the leanest framework provider, one resource of two attributes
	kindData      kind = "tfdata"    // terraform_data, Terraform's built-in resource: no provider process at all
	// kindBefore is greenwaba_webhook_settings served by the provider built from -before (another checkout): the
	// local name greenwaba with the source bench/before, so that the configuration is greenwaba's.
	kindBefore kind = "before"
	// kindNotification is greenwaba_notification data sources, receive_timeout = receiveTimeout.
	kindNotification kind = "notification"
)

// fleet describes one configuration of n resources on accounts firstID+from … firstID+from+n-1.
type fleet struct {
	kind   kind
	from   int
	n      int
	apiURL string // greenwaba only
	// hookPath makes the desired webhook URL differ between scenarios: https://hooks.example.com/<hookPath>/<id>.
	hookPath string
	// extraProvider is added to the provider block (greenwaba and floor), e.g. "max_retries = 0".
	extraProvider string
}

// write puts the configuration's main.tf into dir. Every configuration iterates the same way, for_each over one
// map of the accounts (local.accounts, idInstance to webhook URL), so that Terraform's own cost of expanding it is
// the same in every comparison. The tokens are in the configuration, as a fleet's would be in a variable: floor
// gets the same provider block, so both providers decode the same map.
func (f fleet) write(dir string) error {
	var b strings.Builder
	b.WriteString("locals {\n  accounts = {\n")
	for i := f.from; i < f.from+f.n; i++ {
		id := firstID + i
		fmt.Fprintf(&b, "    \"%d\" = \"https://hooks.example.com/%s/%d\"\n", id, f.hookPath, id)
	}
	b.WriteString("  }\n}\n\n")
	resource := func(typ string) {
		fmt.Fprintf(&b, `resource %q "a" {
  for_each         = local.accounts
  id_instance      = each.key
  webhook_url      = each.value
  incoming_webhook = true
}
`, typ)
	}
	provider := func(name, source string) {
		fmt.Fprintf(&b, "terraform {\n  required_providers {\n    %s = { source = %q }\n  }\n}\n\n", name, source)
		fmt.Fprintf(&b, "provider %q {\n", name)
		if f.apiURL != "" {
			fmt.Fprintf(&b, "  api_url = %q\n", f.apiURL)
		}
		if f.extraProvider != "" {
			fmt.Fprintf(&b, "  %s\n", f.extraProvider)
		}
		b.WriteString("  instance_tokens = {\n")
		for i := f.from; i < f.from+f.n; i++ {
			id := int64(firstID + i)
			fmt.Fprintf(&b, "    %q = %q\n", strconv.FormatInt(id, 10), token(id))
		}
		b.WriteString("  }\n}\n\n")
	}
	switch f.kind {
	case kindGreenwaba:
		provider("greenwaba", "greenwaba/greenwaba")
		resource("greenwaba_webhook_settings")
	case kindBefore:
		provider("greenwaba", "bench/before")
		resource("greenwaba_webhook_settings")
	case kindNotification:
		provider("greenwaba", "greenwaba/greenwaba")
		fmt.Fprintf(&b, `data "greenwaba_notification" "q" {
  for_each        = local.accounts
  id_instance     = each.key
  receive_timeout = %d
}
`, int(receiveTimeout.Seconds()))
	case kindFloor:
		provider("floor", "bench/floor")
		resource("floor_webhook_settings")
	case kindMinimal:
		b.WriteString("terraform {\n  required_providers {\n    minimal = { source = \"bench/minimal\" }\n  }\n}\n\n")
		b.WriteString(`resource "minimal_thing" "a" {
  for_each = local.accounts
  value    = each.value
}
`)
	case kindData:
		b.WriteString(`resource "terraform_data" "a" {
  for_each = local.accounts
  input = {
    id_instance      = each.key
    webhook_url      = each.value
    incoming_webhook = true
  }
}
`)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600)
}
