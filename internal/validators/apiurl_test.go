package validators

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestAPIURL: the schema accepts exactly what the client does (greenwaba.ParseAPIURL), so a URL that would
// fail at the first call fails validate instead.
func TestAPIURL(t *testing.T) {
	for _, ok := range []string{"https://api.green-api.com", "https://1101.api.greenapi.com/", "http://127.0.0.1:7123/base"} {
		if got := validate(APIURL(), types.StringValue(ok)); got != "" {
			t.Errorf("%q rejected: %s", ok, got)
		}
	}
	for in, want := range map[string]string{
		"":                          "it is empty",
		"hooks.example.test":        "its scheme must be http or https",
		"https://x.test/?x=1":       "it has a query",
		"https://x.test/?":          "it has a query",
		"https://x.test/#top":       "it has a fragment",
		"https://user:pw@x.test/":   "user name or password",
		"https:///no-host":          "it has no host",
		"ftp://api.green-api.com/x": "its scheme must be http or https",
	} {
		got := validate(APIURL(), types.StringValue(in))
		if !strings.Contains(got, want) || !strings.Contains(got, "attr") {
			t.Errorf("%q: got %q, want a message naming attr and saying %q", in, got, want)
		}
		if in != "" && strings.Contains(got, in) {
			t.Errorf("%q: the message quotes the URL: %q", in, got)
		}
	}
}
