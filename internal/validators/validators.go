// Package validators provides the attribute validators the greenwaba provider
// shares between its provider, resource and data source schemas and that
// terraform-plugin-framework-validators does not offer.
package validators

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	_ validator.String = httpURLValidator{}
	_ validator.String = durationValidator{}
)

// HTTPURL accepts an absolute http or https URL with a host.
func HTTPURL() validator.String { return httpURLValidator{} }

// HTTPURLOrEmpty accepts "" or an absolute http or https URL with a host.
func HTTPURLOrEmpty() validator.String { return httpURLValidator{allowEmpty: true} }

type httpURLValidator struct{ allowEmpty bool }

func (v httpURLValidator) Description(context.Context) string {
	if v.allowEmpty {
		return `value must be "" or an absolute http:// or https:// URL`
	}
	return "value must be an absolute http:// or https:// URL"
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	s := req.ConfigValue.ValueString()
	if s == "" && v.allowEmpty {
		return
	}
	if problem := CheckHTTPURL(s); problem != "" {
		// The value itself is left out: URLs often carry credentials in their query.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("Attribute %s %s: %s.", req.Path, v.Description(ctx), problem))
	}
}

// CheckHTTPURL says what is wrong with s as an absolute http or https URL, or
// returns "" when nothing is. The answer never quotes s.
func CheckHTTPURL(s string) string {
	if s == "" {
		return "it is empty"
	}
	u, err := url.Parse(s)
	if err != nil {
		return "it cannot be parsed as a URL"
	}
	switch {
	case u.Scheme == "":
		return "it has no scheme"
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("its scheme is %q", u.Scheme)
	case u.Host == "" || u.Hostname() == "":
		return "it has no host"
	}
	return ""
}

// Duration accepts a Go duration string (such as "30s" or "2m") no shorter than least.
func Duration(least time.Duration) validator.String { return durationValidator{least: least} }

// PositiveDuration accepts a Go duration string (such as "30s" or "2m") greater than zero.
func PositiveDuration() validator.String { return durationValidator{least: time.Nanosecond} }

type durationValidator struct{ least time.Duration }

func (v durationValidator) Description(context.Context) string {
	if v.least == time.Nanosecond {
		return `value must be a positive duration such as "30s" or "2m"`
	}
	return fmt.Sprintf(`value must be a duration such as "30s" or "2m", of at least %s`, v.least)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	if err == nil && d >= v.least {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
		fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
}
