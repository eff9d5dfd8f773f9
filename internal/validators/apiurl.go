package validators

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

var _ validator.String = apiURLValidator{}

// APIURL accepts what greenwaba.ParseAPIURL accepts: the client's one rule for the API's base URL.
func APIURL() validator.String { return apiURLValidator{} }

type apiURLValidator struct{}

func (apiURLValidator) Description(context.Context) string {
	return "value must be an absolute http:// or https:// URL with nothing after the path, such as " + greenwaba.DefaultAPIURL
}

func (v apiURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v apiURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := greenwaba.ParseAPIURL(req.ConfigValue.ValueString()); err != nil || req.ConfigValue.ValueString() == "" {
		problem := "it is empty"
		if err != nil {
			problem = err.Error()
		}
		// The value itself is left out: it could carry credentials.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid GreenWaba API URL",
			fmt.Sprintf("Attribute %s %s: %s.", req.Path, v.Description(ctx), problem))
		return
	}
	if summary, detail, warn := PlainHTTPWarning(req.ConfigValue.ValueString(), "Attribute "+req.Path.String()); warn {
		resp.Diagnostics.AddAttributeWarning(req.Path, summary, detail)
	}
}

// PlainHTTPWarning is the warning for an API URL that would send the API token across the network unencrypted:
// http:// to a host that is not loopback. Plain HTTP still works (a mock in a CI service container has a name
// that is not loopback). source says where the URL came from, such as "Attribute api_url". warn is false for
// https://, a loopback host, or a URL that ParseAPIURL refuses (that has its own error).
func PlainHTTPWarning(raw, source string) (summary, detail string, warn bool) {
	u, err := greenwaba.ParseAPIURL(raw)
	if err != nil || u.Scheme != "http" || isLoopback(u.Hostname()) {
		return "", "", false
	}
	return "GreenWaba API token sent unencrypted",
		fmt.Sprintf("%s is a plain http:// URL to %s, which is not this machine (loopback). Every request carries "+
			"the account's API token in its path, so the token would cross the network unencrypted, readable by "+
			"anyone on the way. Use https:// for GreenWaba; keep http:// only for a greenwaba-mock on a network you "+
			"trust, such as a CI service container.", source, u.Hostname()), true
}

// isLoopback reports whether host names this machine: localhost (RFC 6761) or a loopback address.
func isLoopback(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
