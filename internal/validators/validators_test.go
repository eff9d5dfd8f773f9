package validators

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(v validator.String, value types.String) string {
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	return diagText(resp.Diagnostics)
}

func TestHTTPURL(t *testing.T) {
	for _, ok := range []string{"https://hooks.example.test/wa", "http://127.0.0.1:8080", "https://h.example.test/p?q=1#f"} {
		if got := validate(httpURLValidator{}, types.StringValue(ok)); got != "" {
			t.Errorf("%q rejected: %s", ok, got)
		}
	}
	cases := map[string]string{
		"":                      "it is empty",
		"hooks.example.test/wa": "it has no scheme",
		"ftp://hooks.example":   `its scheme is "ftp"`,
		"https:///path":         "it has no host",
		"http://%zz":            "cannot be parsed",
	}
	for in, want := range cases {
		got := validate(httpURLValidator{}, types.StringValue(in))
		if !strings.Contains(got, want) || !strings.Contains(got, "attr") {
			t.Errorf("%q: got %q, want a message naming attr and saying %q", in, got, want)
		}
		if in != "" && strings.Contains(got, in) {
			t.Errorf("%q: the message quotes the URL: %q", in, got)
		}
	}
}

func TestHTTPURLOrEmpty(t *testing.T) {
	if got := validate(HTTPURLOrEmpty(), types.StringValue("")); got != "" {
		t.Errorf(`"" rejected: %s`, got)
	}
	if got := validate(HTTPURLOrEmpty(), types.StringValue("mailto:x@example.test")); !strings.Contains(got, `must be "" or an absolute`) {
		t.Errorf("mailto accepted or badly explained: %q", got)
	}
}

func TestAtLeast(t *testing.T) {
	v := AtLeast(time.Second)
	// Not a duration: the attribute's type (timetypes.GoDuration) says so, not AtLeast.
	for _, ok := range []string{"1s", "30s", "2m", "1h30m", "soon", "30", ""} {
		if got := validate(v, types.StringValue(ok)); got != "" {
			t.Errorf("%q rejected: %s", ok, got)
		}
	}
	for _, bad := range []string{"999ms", "-5s", "0s"} {
		if got := validate(v, types.StringValue(bad)); !strings.Contains(got, "at least 1s") {
			t.Errorf("%q: got %q", bad, got)
		}
	}
}

func TestPositiveDuration(t *testing.T) {
	for _, ok := range []string{"1ns", "30s", "6m"} {
		if got := validate(PositiveDuration(), types.StringValue(ok)); got != "" {
			t.Errorf("%q rejected: %s", ok, got)
		}
	}
	for _, bad := range []string{"0s", "0", "-1m", "soon", ""} {
		got := validate(PositiveDuration(), types.StringValue(bad))
		if !strings.Contains(got, "attr value must be a positive duration") || !strings.Contains(got, fmt.Sprintf("%q", bad)) {
			t.Errorf("%q: got %q, want a message naming attr, saying what is allowed and quoting the value", bad, got)
		}
	}
}

func TestNullAndUnknownPass(t *testing.T) {
	for _, v := range []validator.String{APIURL(), HTTPURLOrEmpty(), AtLeast(time.Second), PositiveDuration()} {
		for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
			if got := validate(v, value); got != "" {
				t.Errorf("%T rejected %v: %s", v, value, got)
			}
		}
	}
}

func TestNoControlCharacters(t *testing.T) {
	for _, ok := range []string{"", "abc-123._~", "tökén with spaces"} {
		if got := validate(NoControlCharacters(), types.StringValue(ok)); got != "" {
			t.Errorf("%q rejected: %s", ok, got)
		}
	}
	for in, want := range map[string]string{
		"abc\r\nX-Evil: 1": "U+000D at byte 3",
		"\tlead":           "U+0009 at byte 0",
		"nul\x00":          "U+0000 at byte 3",
		"del\x7f":          "U+007F at byte 3",
		"c1\u0085":         "U+0085 at byte 2",
	} {
		got := validate(NoControlCharacters(), types.StringValue(in))
		if !strings.Contains(got, "attr value must not contain control characters") || !strings.Contains(got, want) {
			t.Errorf("%q: got %q, want a message naming attr and saying %q", in, got, want)
		}
		if strings.Contains(got, in) {
			t.Errorf("%q: the message quotes the value, a secret: %q", in, got)
		}
	}
}

func TestNoURLCredentials(t *testing.T) {
	check := func(in string) validator.StringResponse {
		var resp validator.StringResponse
		NoURLCredentials("the_token").ValidateString(context.Background(),
			validator.StringRequest{Path: path.Root("attr"), ConfigValue: types.StringValue(in)}, &resp)
		return resp
	}
	for _, ok := range []string{"", "https://hooks.example.test/wa?key=1", "not a url %zz"} {
		if resp := check(ok); len(resp.Diagnostics) != 0 {
			t.Errorf("%q: %v", ok, resp.Diagnostics)
		}
	}
	for _, in := range []string{"https://user:s3cret@hooks.example.test/", "https://user@hooks.example.test/"} {
		resp := check(in)
		if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
			t.Fatalf("%q: want one warning and no error, got %v", in, resp.Diagnostics)
		}
		got := resp.Diagnostics[0].Detail()
		if !strings.Contains(got, "attr carries credentials") || !strings.Contains(got, "the_token") || strings.Contains(got, "s3cret") {
			t.Errorf("%q: got %q, want attr and the_token named and no password", in, got)
		}
	}
}

func TestWholeNumber(t *testing.T) {
	check := func(v validator.Number, value types.Number) string {
		var resp validator.NumberResponse
		v.ValidateNumber(context.Background(), validator.NumberRequest{Path: path.Root("attr"), ConfigValue: value}, &resp)
		return diagText(resp.Diagnostics)
	}
	num := func(s string) types.Number {
		f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		return types.NumberValue(f)
	}
	id, timeout := WholeNumber(1, math.MaxInt64), WholeNumber(5, 60)
	for _, v := range []validator.Number{id, timeout} {
		for _, value := range []types.Number{types.NumberNull(), types.NumberUnknown()} {
			if got := check(v, value); got != "" {
				t.Errorf("%v rejected: %s", value, got)
			}
		}
	}
	for _, ok := range []string{"1", "1101000001", "9223372036854775807"} {
		if got := check(id, num(ok)); got != "" {
			t.Errorf("%s rejected: %s", ok, got)
		}
	}
	cases := []struct {
		v        validator.Number
		in, want string
	}{
		{id, "1101000001.5", "attr value must be a whole number of at least 1, got 1101000001.5."},
		{id, "0", "at least 1, got 0."},
		{id, "9223372036854775808", "got 9223372036854775808."},
		{timeout, "5.5", "attr value must be a whole number from 5 to 60, got 5.5."},
		{timeout, "61", "from 5 to 60, got 61."},
		{timeout, "0.1", "got 0.1."},
	}
	for _, tc := range cases {
		if got := check(tc.v, num(tc.in)); !strings.Contains(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.in, got, tc.want)
		}
	}
}

func diagText(diags diag.Diagnostics) string {
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.Detail())
	}
	return strings.Join(msgs, "\n")
}

func TestNotEmpty(t *testing.T) {
	v := NotEmpty("say why.")
	for _, ok := range []types.String{types.StringValue("x"), types.StringNull(), types.StringUnknown()} {
		if got := validate(v, ok); got != "" {
			t.Errorf("%s rejected: %s", ok, got)
		}
	}
	if got := validate(v, types.StringValue("")); !strings.Contains(got, `Attribute attr is "": say why.`) {
		t.Errorf(`"" gives %q`, got)
	}
}

// TestTimeoutDurations: each bad entry is named in the message, and reported on the timeouts object itself.
func TestTimeoutDurations(t *testing.T) {
	obj := types.ObjectValueMust(map[string]attr.Type{"create": types.StringType, "read": types.StringType, "update": types.StringType},
		map[string]attr.Value{"create": types.StringValue("soon"), "read": types.StringValue("1m"), "update": types.StringNull()})
	var resp validator.ObjectResponse
	TimeoutDurations().ValidateObject(context.Background(), validator.ObjectRequest{Path: path.Root("timeouts"), ConfigValue: obj}, &resp)
	if len(resp.Diagnostics) != 1 {
		t.Fatalf("want one error, got %v", resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	if !strings.Contains(d.Detail(), `Attribute timeouts.create value must be a positive duration such as "30s" or "2m", got "soon".`) {
		t.Errorf("detail: %s", d.Detail())
	}
	if p, ok := d.(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("timeouts")) {
		t.Errorf("the error is not on timeouts: %v", d)
	}
}
