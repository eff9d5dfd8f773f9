package validators

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// TestAPIURL_plainHTTPToAnotherHostWarns: http:// works everywhere, but off loopback it warns that the token,
// part of every request's path, crosses the network unencrypted.
func TestAPIURL_plainHTTPToAnotherHostWarns(t *testing.T) {
	for _, quiet := range []string{"https://api.green-api.com", "http://127.0.0.1:7123", "http://localhost:7123",
		"http://[::1]:7123/", "http://mock.localhost:7123", "http://127.0.0.2"} {
		if _, _, warn := PlainHTTPWarning(quiet, "Attribute api_url"); warn {
			t.Errorf("%q warns", quiet)
		}
	}
	for _, loud := range []string{"http://greenwaba-mock:7123", "http://10.0.0.5/", "http://api.green-api.com"} {
		req := validator.StringRequest{Path: path.Root("api_url"), ConfigValue: types.StringValue(loud)}
		var resp validator.StringResponse
		APIURL().ValidateString(context.Background(), req, &resp)
		if resp.Diagnostics.HasError() || len(resp.Diagnostics) != 1 {
			t.Fatalf("%q: want one warning, got %v", loud, resp.Diagnostics)
		}
		d := resp.Diagnostics[0]
		if d.Summary() != "GreenWaba API token sent unencrypted" ||
			!strings.Contains(d.Detail(), "Attribute api_url is a plain http:// URL to ") ||
			!strings.Contains(d.Detail(), "the account's API token in its path") {
			t.Errorf("%q: %s: %s", loud, d.Summary(), d.Detail())
		}
		if d, ok := d.(diag.DiagnosticWithPath); !ok || !d.Path().Equal(path.Root("api_url")) {
			t.Errorf("%q: the warning is not on api_url", loud)
		}
	}
}
