package validators

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func validate(v validator.String, value types.String) string {
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	var msgs []string
	for _, d := range resp.Diagnostics {
		msgs = append(msgs, d.Detail())
	}
	return strings.Join(msgs, "\n")
}

func TestHTTPURL(t *testing.T) {
	for _, ok := range []string{"https://hooks.example.test/wa", "http://127.0.0.1:8080", "https://h.example.test/p?q=1#f"} {
		if got := validate(HTTPURL(), types.StringValue(ok)); got != "" {
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
		got := validate(HTTPURL(), types.StringValue(in))
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

func TestDuration(t *testing.T) {
	v := Duration(time.Second)
	for _, ok := range []string{"1s", "30s", "2m", "1h30m"} {
		if got := validate(v, types.StringValue(ok)); got != "" {
			t.Errorf("%q rejected: %s", ok, got)
		}
	}
	for _, bad := range []string{"", "soon", "30", "999ms", "-5s"} {
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
	for _, v := range []validator.String{HTTPURL(), HTTPURLOrEmpty(), Duration(time.Second), PositiveDuration()} {
		for _, value := range []types.String{types.StringNull(), types.StringUnknown()} {
			if got := validate(v, value); got != "" {
				t.Errorf("%T rejected %v: %s", v, value, got)
			}
		}
	}
}
