package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

// The secret hunt (issue 13): the real terraform CLI runs the provider binary, built from this checkout and
// installed through dev_overrides, with TF_LOG=TRACE and TF_LOG_PATH, through plan, apply, refresh, import (both
// forms), destroy and the data source, with awkward API and webhook tokens. Neither token, nor its path- or
// query-escaped or JSON-quoted form, may appear in what Terraform prints, its log file, the mock's request log or
// its -v log; nor, in write-only mode, in the state or `terraform show -json`. The plain webhook token may appear
// in the state only (and in `terraform show -json`, which prints the state).

// huntWebhookTokens are awkward webhook tokens; each passes the plan-time checks (no control characters).
var huntWebhookTokens = map[string]string{
	"slash":       "wh/tok/en-1",
	"percent":     "wh%41tok%2Fen",
	"query":       "wh?q=tok&en=1",
	"hash":        "wh#tok#en",
	"non-ASCII":   "вебхук-токен-ü-漢字",
	"1,024 bytes": strings.Repeat("w", 1024-len("wh-long-")) + "wh-long-",
}

// huntAPITokens are awkward API tokens. The mock registers only tokens that fit a path segment unescaped
// (A–Z a–z 0–9 - . _ ~, up to 256), so the others are hunted on calls GreenWaba refuses.
var (
	huntGoodAPITokens = map[string]string{
		"hex":      "hunt0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd",
		"256 long": strings.Repeat("Ab-._~9", 36) + "Ab-.",
	}
	huntBadAPITokens = map[string]string{
		"slash":       "api/tok/en",
		"percent":     "api%41tok%2Fen",
		"query":       "api?q=tok",
		"hash":        "api#tok",
		"non-ASCII":   "апи-токен-ü",
		"1,024 bytes": strings.Repeat("a", 1024-len("api-long-")) + "api-long-",
	}
)

// secretForms are the ways a secret could be written down: as is, escaped for a path or a query, quoted in
// JSON. Forms shorter than 6 bytes are not hunted: they occur by chance.
func secretForms(secret string) []string {
	quoted, _ := json.Marshal(secret)
	forms := []string{secret, url.PathEscape(secret), url.QueryEscape(secret), string(quoted[1 : len(quoted)-1])}
	var out []string
	for _, f := range forms {
		if len(f) >= 6 {
			out = append(out, f)
		}
	}
	return out
}

// huntBinary builds the provider once for every hunt.
var huntBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "greenwaba-hunt-bin")
	if err != nil {
		return "", err
	}
	out, err := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "terraform-provider-greenwaba"),
		"github.com/greenwaba/terraform-provider-greenwaba").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return dir, nil
})

// hunt is one working directory where terraform runs the built provider against a mock, with everything it
// prints and logs kept for the search.
type hunt struct {
	// The CLI under test with the provider built from this checkout; its writeConfig writes the configuration.
	// hunt's run replaces its run: it keeps what terraform printed and expects success or failure.
	*terraformCLI
	logPath string
	printed bytes.Buffer // stdout and stderr of every command, and show -json when the state may not hold a secret
	shown   bytes.Buffer // show -json and the state file, where the plain webhook token may be
	mockLog *bytes.Buffer
}

func newHunt(t *testing.T, mockLog *bytes.Buffer, env ...string) *hunt {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	terraformOnly(t)
	bin, err := huntBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	logPath := filepath.Join(dir, "terraform.log")
	cli := devOverridesCLI(t, bin, dir, append([]string{"TF_LOG=TRACE", "TF_LOG_PATH=" + logPath}, env...)...)
	return &hunt{terraformCLI: cli, logPath: logPath, mockLog: mockLog}
}

// run runs terraform and keeps what it printed; wantErr says whether it must fail.
func (h *hunt) run(wantErr bool, args ...string) string {
	h.t.Helper()
	return h.runTo(&h.printed, wantErr, args...)
}

// runTo is run keeping what terraform printed in dst.
func (h *hunt) runTo(dst *bytes.Buffer, wantErr bool, args ...string) string {
	h.t.Helper()
	n := 1 // -no-color goes after the (sub)command
	if args[0] == "state" {
		n = 2
	}
	cmd := exec.Command(h.bin, append(args[:n:n], append([]string{"-no-color"}, args[n:]...)...)...)
	cmd.Dir, cmd.Env = h.dir, h.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	dst.Write(stdout.Bytes())
	dst.Write(stderr.Bytes())
	if (err != nil) != wantErr {
		h.t.Fatalf("terraform %s: error %v, want error %v\n%s%s", strings.Join(args, " "), err, wantErr, stdout.String(), stderr.String())
	}
	return stdout.String() + stderr.String()
}

// showState keeps `terraform show -json` and the state file where plainAllowed says the plain token may be.
func (h *hunt) showState(plainAllowed bool) {
	h.t.Helper()
	dst := &h.printed
	if plainAllowed {
		dst = &h.shown
	}
	h.runTo(dst, false, "show", "-json")
	state, err := os.ReadFile(filepath.Join(h.dir, "terraform.tfstate"))
	if err != nil {
		h.t.Fatal(err)
	}
	dst.Write(state)
}

// expectNone fails when any form of any secret is in the printed output, the log file or the mock's logs.
func (h *hunt) expectNone(secrets map[string]string) {
	h.t.Helper()
	logged, err := os.ReadFile(h.logPath)
	if err != nil {
		h.t.Fatal(err)
	}
	if !bytes.Contains(logged, []byte("GreenWaba request")) {
		h.t.Fatal("the log file has no GreenWaba request: the provider's TRACE log did not reach it")
	}
	if !bytes.Contains(h.mockLog.Bytes(), []byte("getSettings")) {
		h.t.Fatal("the mock's -v log has no getSettings: the search would find nothing")
	}
	places := map[string][]byte{"terraform's output": h.printed.Bytes(), "TF_LOG_PATH": logged, "the mock's -v log": h.mockLog.Bytes()}
	for name, secret := range secrets {
		for place, text := range places {
			if containsAny(text, secretForms(secret)) {
				h.t.Errorf("%s contains the %s", place, name)
			}
		}
	}
}

// huntMock starts a mock whose -v log (every request at debug level) is kept.
func huntMock(t *testing.T) (*mockapi.Server, string, *bytes.Buffer) {
	var buf syncBuffer
	srv, baseURL := mocktest.Start(t, mockapi.Options{LongPollCap: 50 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	return srv, baseURL, &buf.buf
}

// syncBuffer is a bytes.Buffer the mock's handlers may write concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// huntConfig is a provider for the accounts ids, all with the API token token, a resource per webhook token
// (from var.webhook_tokens, so the configuration holds none) on its own account, and the data source on account
// queueID (with the same token), which no resource pushes to a webhook_url: GreenWaba keeps a queue only for
// such an account (D14). mode is "plain" or "write-only"; importIDs adds import blocks with that id suffix.
func huntConfig(baseURL string, ids map[string]int64, queueID int64, token, mode string, importBlocks bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `
provider "greenwaba" {
  api_url         = %q
  request_timeout = "5s"
  max_retries     = 1
  instance_tokens = {
`, baseURL)
	queueManaged := false
	for _, id := range ids {
		fmt.Fprintf(&b, "    \"%d\" = %q\n", id, token)
		queueManaged = queueManaged || id == queueID
	}
	if !queueManaged {
		fmt.Fprintf(&b, "    \"%d\" = %q\n", queueID, token)
	}
	b.WriteString("  }\n}\n\nlocals {\n  ids = {\n")
	for name, id := range ids {
		fmt.Fprintf(&b, "    %q = %d\n", name, id)
	}
	b.WriteString("  }\n}\n")
	attr, ephemeral, suffix := "webhook_url_token", "false", ""
	if mode == "write-only" {
		attr, ephemeral, suffix = "webhook_url_token_wo", "true", ":write-only"
	}
	fmt.Fprintf(&b, `
variable "webhook_tokens" {
  type      = map(string)
  sensitive = true
  ephemeral = %s
}

resource "greenwaba_webhook_settings" "this" {
  for_each = local.ids

  id_instance = each.value
  webhook_url = "https://hooks.example.test/${each.value}"
  %s = var.webhook_tokens[each.key]
}

data "greenwaba_notification" "head" {
  id_instance = %d
}
`, ephemeral, attr, queueID)
	if importBlocks {
		fmt.Fprintf(&b, `
import {
  for_each = local.ids
  to       = greenwaba_webhook_settings.this[each.key]
  id       = "${each.value}%s"
}
`, suffix)
	}
	return b.String()
}

// requestLog is the mock's request log of account id, as GET /mock/v1/instances/{id}/requests shows it.
func requestLog(t *testing.T, srv *mockapi.Server, id int64) string {
	t.Helper()
	reqs, err := srv.Requests(id)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(reqs)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestAccSecretsHunt_goodAPITokens runs every command, in plain and in write-only mode, with each awkward
// webhook token (one account each), for API tokens GreenWaba accepts.
func TestAccSecretsHunt_goodAPITokens(t *testing.T) {
	for apiName, apiToken := range huntGoodAPITokens {
		t.Run(apiName, func(t *testing.T) {
			t.Parallel()
			srv, baseURL, mockLog := huntMock(t)
			ids := map[string]int64{}
			secrets := map[string]string{"API token": apiToken}
			next := int64(1101000700)
			for name, token := range huntWebhookTokens {
				next++
				key := strings.NewReplacer(" ", "_", ",", "").Replace(name)
				ids[key] = next
				secrets["webhook token "+name] = token
				if err := srv.CreateInstance(next, apiToken); err != nil {
					t.Fatal(err)
				}
			}
			const queueID = 1101000700 // read by the data source; no resource sets its webhook_url
			if err := srv.CreateInstance(queueID, apiToken); err != nil {
				t.Fatal(err)
			}
			if _, err := srv.Enqueue(queueID, json.RawMessage(incomingMessageBody)); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{}
			for name, token := range huntWebhookTokens {
				vars[strings.NewReplacer(" ", "_", ",", "").Replace(name)] = token
			}
			varsJSON, err := json.Marshal(vars)
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []string{"plain", "write-only"} {
				h := newHunt(t, mockLog, "TF_VAR_webhook_tokens="+string(varsJSON))
				h.writeConfig(huntConfig(baseURL, ids, queueID, apiToken, mode, false))
				h.run(false, "plan")
				h.run(false, "apply", "-auto-approve")
				h.run(false, "apply", "-refresh-only", "-auto-approve")
				for key := range ids {
					h.run(false, "state", "rm", fmt.Sprintf("%s[%q]", settingsAddr, key))
				}
				suffix := ""
				if mode == "write-only" {
					suffix = ":write-only"
				}
				// One account by the import command, the others by import blocks.
				h.run(false, "import", settingsAddr+`["slash"]`, fmt.Sprintf("%d%s", ids["slash"], suffix))
				h.writeConfig(huntConfig(baseURL, ids, queueID, apiToken, mode, true))
				h.run(false, "apply", "-auto-approve")
				h.run(false, "plan", "-detailed-exitcode")
				h.showState(mode == "plain")
				if mode == "plain" {
					for name, token := range huntWebhookTokens {
						if !containsAny(h.shown.Bytes(), secretForms(token)) {
							t.Errorf("plain mode: the state does not hold the webhook token %s", name)
						}
					}
				}
				h.run(false, "destroy", "-auto-approve")
				for _, id := range ids {
					h.printed.WriteString(requestLog(t, srv, id))
				}
				h.printed.WriteString(requestLog(t, srv, queueID))
				h.expectNone(secrets)
			}
		})
	}
}

// TestAccSecretsHunt_refusedAPITokens: with API tokens GreenWaba refuses, plan, the data source and both import
// forms fail, and neither the failures nor the logs show the token.
func TestAccSecretsHunt_refusedAPITokens(t *testing.T) {
	const id int64 = 1101000702
	srv, baseURL, mockLog := huntMock(t)
	if err := srv.CreateInstance(id, "the0real0token0aa11bb22cc33dd44ee55ff66aa77bb88"); err != nil {
		t.Fatal(err)
	}
	for name, token := range huntBadAPITokens {
		h := newHunt(t, mockLog, `TF_VAR_webhook_tokens={"a":"plain-token-1"}`)
		h.writeConfig(huntConfig(baseURL, map[string]int64{"a": id}, id, token, "plain", false))
		out := h.run(true, "plan")
		if !strings.Contains(out, "GreenWaba rejected the API token for instance 1101000702") &&
			!strings.Contains(out, "GreenWaba does not know instance 1101000702") {
			t.Errorf("API token %s: the plan failed, but not on the token:\n%s", name, out)
		}
		h.run(true, "import", settingsAddr+`["a"]`, fmt.Sprint(id))
		h.run(true, "import", settingsAddr+`["a"]`, fmt.Sprintf("%d:write-only", id))
		h.printed.WriteString(requestLog(t, srv, id))
		h.expectNone(map[string]string{"API token " + name: token})
	}
}

func containsAny(text []byte, forms []string) bool {
	for _, f := range forms {
		if bytes.Contains(text, []byte(f)) {
			return true
		}
	}
	return false
}
