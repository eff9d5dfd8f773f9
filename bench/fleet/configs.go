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
	kindData      kind = "tfdata"    // terraform_data, Terraform's built-in resource: no provider process at all
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

// write puts the configuration's main.tf into dir. The tokens are in the configuration, as a fleet's would be in a
// variable: floor gets the same provider block, so both providers decode the same map.
func (f fleet) write(dir string) error {
	var b strings.Builder
	ids := fmt.Sprintf("%d + %d + count.index", firstID, f.from)
	resource := func(typ string) {
		fmt.Fprintf(&b, `resource %q "a" {
  count            = %d
  id_instance      = %s
  webhook_url      = "https://hooks.example.com/%s/${%s}"
  incoming_webhook = true
}
`, typ, f.n, ids, f.hookPath, ids)
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
	case kindNotification:
		provider("greenwaba", "greenwaba/greenwaba")
		fmt.Fprintf(&b, `data "greenwaba_notification" "q" {
  count           = %d
  id_instance     = %s
  receive_timeout = %d
}
`, f.n, ids, int(receiveTimeout.Seconds()))
	case kindFloor:
		provider("floor", "bench/floor")
		resource("floor_webhook_settings")
	case kindData:
		fmt.Fprintf(&b, `resource "terraform_data" "a" {
  count = %d
  input = {
    id_instance      = %s
    webhook_url      = "https://hooks.example.com/%s/${%s}"
    incoming_webhook = true
  }
}
`, f.n, ids, f.hookPath, ids)
	}
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600)
}
