package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLogsRequested(t *testing.T) {
	for _, tc := range []struct {
		environ []string
		want    bool
	}{
		{nil, false},
		{[]string{"HOME=/root", "PATH=/bin", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=/tmp/rc"}, false},
		{[]string{"TF_LOG="}, false}, // empty is unset, for Terraform too
		{[]string{"TF_LOG=TRACE"}, true},
		{[]string{"TF_LOG=JSON"}, true},
		{[]string{"TF_LOG_CORE=DEBUG"}, true},
		{[]string{"TF_LOG_PROVIDER=INFO"}, true},
		{[]string{"TF_LOG_PATH=/tmp/tf.log"}, true},
		{[]string{"TF_LOG_SDK=TRACE"}, true},
		{[]string{"TF_LOG_SDK_PROTO=TRACE"}, true},
		{[]string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, true},
		{[]string{"TF_LOG_PROVIDER_GREENWABA=DEBUG"}, true},
		{[]string{"TF_LOG_SDK_PROTO_DATA_DIR=/tmp/proto"}, true},
		{[]string{"TF_LOG_PATH_MASK=/tmp/%s.log"}, true},
		{[]string{"TF_LOG_PROVIDER_GREENWABA=OFF"}, true}, // the user's choice stands, whatever it is
		{[]string{"MY_TF_LOG=TRACE"}, false},
	} {
		if got := logsRequested(tc.environ); got != tc.want {
			t.Errorf("logsRequested(%q) = %v, want %v", tc.environ, got, tc.want)
		}
	}
}

// TestAccProvider_logsOnlyWhenAsked runs the provider binary built from this checkout under the real CLI, through a
// wrapper that keeps its stderr (Terraform would read and, without TF_LOG, discard it): a plan with no TF_LOG
// variable leaves no line of the SDK, framework or provider loggers; the same plan with TF_LOG=TRACE writes them as
// before. The secret hunt (TF_LOG=TRACE) checks the full logs of every operation.
func TestAccProvider_logsOnlyWhenAsked(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1 to run it")
	}
	terraformOnly(t)
	bin, err := huntBinary()
	if err != nil {
		t.Fatal(err)
	}
	plugins, stderrLog := t.TempDir(), filepath.Join(t.TempDir(), "provider-stderr.log")
	wrapper := fmt.Sprintf("#!/bin/sh\nexec %q \"$@\" 2>>%q\n", filepath.Join(bin, "terraform-provider-greenwaba"), stderrLog)
	if err := os.WriteFile(filepath.Join(plugins, "terraform-provider-greenwaba"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	// A plan of a create calls no API: the URL is never dialled.
	hcl := providerConfig("http://127.0.0.1:9", 1101000951, "logs0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd") + `
resource "greenwaba_webhook_settings" "a" {
  webhook_url = "https://hooks.example.test/logs"
}
`
	plan := func(logEnv ...string) string {
		t.Helper()
		if err := os.Remove(stderrLog); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		tf := devOverridesCLI(t, plugins, t.TempDir())
		var env []string
		for _, kv := range tf.env {
			if !strings.HasPrefix(kv, logRequestPrefix) { // the caller's own TF_LOG variables are dropped
				env = append(env, kv)
			}
		}
		tf.env = append(env, logEnv...)
		tf.writeConfig(hcl)
		if out := tf.run("plan", "-no-color"); !strings.Contains(out, "1 to add") {
			t.Fatalf("plan: want one create\n%s", out)
		}
		logged, err := os.ReadFile(stderrLog)
		if err != nil {
			t.Fatal(err)
		}
		return string(logged)
	}

	quiet := plan()
	for _, line := range strings.Split(quiet, "\n") {
		// go-plugin's own server logger (no @module) may say where it listens; every logger of
		// terraform-plugin-log names its module.
		if strings.Contains(line, `"@module"`) {
			t.Errorf("without TF_LOG, the provider logged:\n%s", line)
		}
	}

	loud := plan("TF_LOG=TRACE")
	for _, want := range []string{`"@module":"sdk.proto"`, `"@module":"sdk.framework"`, `"@module":"greenwaba"`,
		"Configured the GreenWaba provider"} {
		if !strings.Contains(loud, want) {
			t.Errorf("with TF_LOG=TRACE, no line has %s; the provider wrote:\n%s", want, tail(loud, 20))
		}
	}
}

// tail is the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
