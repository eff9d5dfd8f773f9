// Package validators provides the attribute validators the greenwaba provider
// shares between its provider, resource and data source schemas and that
// terraform-plugin-framework-validators does not offer.
package validators

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"slices"
	"time"
	"unicode"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ validator.String = httpURLValidator{}
	_ validator.String = durationValidator{}
	_ validator.String = noControlValidator{}
	_ validator.String = urlCredentialsValidator{}
	_ validator.Number = wholeNumberValidator{}
)

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
	if problem := checkHTTPURL(s); problem != "" {
		// The value itself is left out: URLs often carry credentials in their query.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("Attribute %s %s: %s.", req.Path, v.Description(ctx), problem))
	}
}

// checkHTTPURL says what is wrong with s as an absolute http or https URL, or
// returns "" when nothing is. The answer never quotes s.
func checkHTTPURL(s string) string {
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

// PositiveDuration accepts a Go duration string (such as "30s" or "2m") greater than zero. It is for the
// timeouts attributes, which terraform-plugin-framework-timeouts builds as plain strings; attributes of the
// provider's own use timetypes.GoDuration, which checks the format, and AtLeast for a bound.
func PositiveDuration() validator.String {
	return durationValidator{least: time.Nanosecond, format: true}
}

// AtLeast accepts a duration no shorter than least. It leaves a value that is not a duration to the attribute's
// type (timetypes.GoDuration), which reports it.
func AtLeast(least time.Duration) validator.String { return durationValidator{least: least} }

type durationValidator struct {
	least  time.Duration
	format bool // also report a value that is not a duration
}

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
	if (err != nil && !v.format) || (err == nil && d >= v.least) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
		fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
}

// NoControlCharacters rejects strings holding a control character (U+0000–U+001F, U+007F–U+009F), such as CR
// or LF, which cannot go into an HTTP header. The message says which character and where, never the value:
// the attributes it guards hold secrets.
func NoControlCharacters() validator.String { return noControlValidator{} }

type noControlValidator struct{}

func (noControlValidator) Description(context.Context) string {
	return "value must not contain control characters such as CR, LF or tab"
}

func (v noControlValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v noControlValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for i, r := range req.ConfigValue.ValueString() {
		if unicode.IsControl(r) {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid character",
				fmt.Sprintf("Attribute %s %s: it has %U at byte %d. GreenWaba sends it in an HTTP header, where such "+
					"a character breaks every delivery.", req.Path, v.Description(ctx), r, i))
			return
		}
	}
}

// NoURLCredentials warns, without failing, when a URL carries a user or password (https://user:pass@host/):
// the URL is shown in plans, state and logs.
func NoURLCredentials(instead string) validator.String {
	return urlCredentialsValidator{instead: instead}
}

type urlCredentialsValidator struct{ instead string }

func (v urlCredentialsValidator) Description(context.Context) string {
	return "value should not carry credentials (user:password@); use " + v.instead + " for a secret"
}

func (v urlCredentialsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v urlCredentialsValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	u, err := url.Parse(req.ConfigValue.ValueString())
	if err != nil || u.User == nil {
		return
	}
	resp.Diagnostics.AddAttributeWarning(req.Path, "Credentials in the URL",
		fmt.Sprintf("Attribute %s carries credentials (user:password@host), which Terraform shows in plans and "+
			"stores in the state in clear text, and which may reach logs. Put the secret in %s instead: it is "+
			"marked sensitive, and the receiver gets it as Authorization: Bearer <token>.", req.Path, v.instead))
}

// WholeNumber accepts a number that is a whole number from least to most. It is for Number attributes that
// stand for integers: an Int64 attribute given 5.5 fails in the framework's conversion, with a message that
// blames the provider and rounds the value.
func WholeNumber(least, most int64) validator.Number {
	return wholeNumberValidator{least: least, most: most}
}

type wholeNumberValidator struct{ least, most int64 }

func (v wholeNumberValidator) Description(context.Context) string {
	if v.most == math.MaxInt64 {
		return fmt.Sprintf("value must be a whole number of at least %d", v.least)
	}
	return fmt.Sprintf("value must be a whole number from %d to %d", v.least, v.most)
}

func (v wholeNumberValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v wholeNumberValidator) ValidateNumber(ctx context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	if i, acc := f.Int64(); f.IsInt() && acc == big.Exact && i >= v.least && i <= v.most {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid number",
		fmt.Sprintf("Attribute %s %s, got %s.", req.Path, v.Description(ctx), f.Text('f', -1)))
}

// NotEmpty rejects "", for attributes where an empty string is more likely a value that did not arrive than a
// choice; why says so and what to write instead.
func NotEmpty(why string) validator.String { return notEmptyValidator{why: why} }

var _ validator.String = notEmptyValidator{}

type notEmptyValidator struct{ why string }

func (notEmptyValidator) Description(context.Context) string { return `value must not be ""` }

func (v notEmptyValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v notEmptyValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "" {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty value",
		fmt.Sprintf("Attribute %s is \"\": %s", req.Path, v.why))
}

// TimeoutDurations checks every entry of a timeouts object as PositiveDuration does, and reports on the object
// itself: Terraform shows the line of an attribute, but not of an entry inside an attribute's object value, and
// shows an error on timeouts.create at the first line of the resource instead.
func TimeoutDurations() validator.Object { return timeoutsValidator{} }

var _ validator.Object = timeoutsValidator{}

type timeoutsValidator struct{}

func (timeoutsValidator) Description(ctx context.Context) string {
	return "every entry's " + PositiveDuration().Description(ctx)
}

func (v timeoutsValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (timeoutsValidator) ValidateObject(ctx context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	entries := req.ConfigValue.Attributes()
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		s, ok := entries[name].(types.String)
		if !ok {
			continue
		}
		var entry validator.StringResponse
		PositiveDuration().ValidateString(ctx, validator.StringRequest{Path: req.Path.AtName(name), ConfigValue: s}, &entry)
		for _, d := range entry.Diagnostics {
			resp.Diagnostics.AddAttributeError(req.Path, d.Summary(), d.Detail())
		}
	}
}
