package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

// testRetry keeps retry backoff short in tests; the policy is otherwise the client's default.
var testRetry = greenwaba.RetryPolicy{MinWait: 100 * time.Millisecond, MaxWait: time.Second}

// testPacer is shared by the provider instances of every test, as one long-lived provider process would share
// its own: the tests run one at a time, so each account's calls are paced across commands and tests alike.
var testPacer = greenwaba.NewPacer()

func testProviderServer() (tfprotov6.ProviderServer, error) {
	return providerserver.NewProtocol6WithError(&greenwabaProvider{version: "test", retry: testRetry, pacer: testPacer})()
}

// testAccProtoV6ProviderFactories starts the provider in-process for acceptance tests.
var testAccProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"greenwaba": testProviderServer,
}

// testAccProtoV6ProviderFactoriesWithEcho adds the echo provider, to look at ephemeral values in tests.
var testAccProtoV6ProviderFactoriesWithEcho = map[string]func() (tfprotov6.ProviderServer, error){
	"greenwaba": testProviderServer,
	"echo":      echoprovider.NewProviderServer(),
}

// terraformCLI runs the terraform binary against this provider served in-process, as the test harness does,
// for tests of what Terraform prints, or of what each single command does.
type terraformCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// newTerraformCLI skips the test unless TF_ACC is set, writes hcl as the root module of a new directory
// (with the provider's required_providers) and runs terraform init there.
func newTerraformCLI(t *testing.T, hcl string) *terraformCLI {
	t.Helper()
	if os.Getenv(resource.EnvTfAcc) == "" {
		t.Skipf("acceptance test: set %s=1 to run it", resource.EnvTfAcc)
	}
	tf := &terraformCLI{t: t, bin: testCLIPath(t), dir: t.TempDir()}
	tf.writeConfig(hcl)

	server, err := testProviderServer()
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	reattach := make(chan *plugin.ReattachConfig)
	closed := make(chan struct{})
	failed := make(chan error, 1)
	go func() {
		failed <- tf6server.Serve(providerAddress, func() tfprotov6.ProviderServer { return server },
			tf6server.WithDebug(ctx, reattach, closed), tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
			tf6server.WithLoggingSink(t),
			tf6server.WithoutLogStderrOverride())
	}()
	var cfg *plugin.ReattachConfig
	select {
	case cfg = <-reattach:
	case err := <-failed:
		stop()
		t.Fatalf("serving the provider: %v", err)
	}
	t.Cleanup(func() {
		stop()
		<-closed
	})
	providers, err := json.Marshal(map[string]any{providerAddress: map[string]any{
		"Protocol": cfg.Protocol, "ProtocolVersion": cfg.ProtocolVersion, "Pid": cfg.Pid, "Test": true,
		"Addr": map[string]string{"Network": cfg.Addr.Network(), "String": cfg.Addr.String()},
	}})
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "terraformrc") // empty: no dev_overrides or mirrors from the host
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tf.env = append(os.Environ(), "TF_REATTACH_PROVIDERS="+string(providers), "TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	tf.run("init", "-no-color")
	return tf
}

// run runs terraform with args and returns what it printed; it fails the test when terraform fails.
func (c *terraformCLI) run(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		c.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// writeConfig replaces the root module with hcl and the provider's required_providers: every configuration the
// tests write for the CLI themselves goes through here, so the provider's source is named once.
func (c *terraformCLI) writeConfig(hcl string) {
	c.t.Helper()
	hcl = `
terraform {
  required_providers {
    greenwaba = { source = "` + providerSource + `" }
  }
}
` + hcl
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(hcl), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// stateInstance is one resource instance in a terraform.tfstate file.
type stateInstance struct {
	Attributes map[string]any `json:"attributes"`
	Private    []byte         `json:"private,omitempty"` // base64 in the file
}

// editState changes the local state as a state written by an older provider could look: edit gets the
// instance of the configuration's only resource and may change it.
func (c *terraformCLI) editState(edit func(inst *stateInstance)) {
	c.t.Helper()
	file := filepath.Join(c.dir, "terraform.tfstate")
	raw, err := os.ReadFile(file)
	if err != nil {
		c.t.Fatal(err)
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		c.t.Fatal(err)
	}
	resources, _ := state["resources"].([]any)
	if len(resources) != 1 {
		c.t.Fatalf("the state holds %d resources, want 1", len(resources))
	}
	res, _ := resources[0].(map[string]any)
	instances, _ := res["instances"].([]any)
	if len(instances) != 1 {
		c.t.Fatalf("the resource has %d instances, want 1", len(instances))
	}
	var inst stateInstance
	if err := remarshal(instances[0], &inst); err != nil {
		c.t.Fatal(err)
	}
	edit(&inst)
	var edited map[string]any
	if err := remarshal(instances[0], &edited); err != nil {
		c.t.Fatal(err)
	}
	edited["attributes"] = inst.Attributes
	delete(edited, "private")
	if inst.Private != nil {
		edited["private"] = inst.Private
	}
	instances[0] = edited
	if raw, err = json.MarshalIndent(state, "", "  "); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// remarshal copies v into out through JSON.
func remarshal(v, out any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, out)
}

// newTestMock starts a mock GreenWaba API with no accounts, stopped when the test ends.
func newTestMock(t *testing.T) (*mockapi.Server, string) {
	t.Helper()
	return mocktest.Start(t, mockapi.Options{})
}

// providerConfig is a provider block for the account id of the mock at baseURL, with short request timeouts
// and few retries so that failing tests fail fast.
func providerConfig(baseURL string, id int64, token string) string {
	return fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  request_timeout    = "5s"
  max_retries        = 2
}
`, baseURL, id, token)
}

func TestAccProvider_configuredFromEnvironmentVariables(t *testing.T) {
	srv, baseURL := newTestMock(t)
	const id, token = 1101000901, "envtoken0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00"
	if err := srv.CreateInstance(id, token); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envAPIURL, baseURL)
	t.Setenv(envIDInstance, "1101000901")
	t.Setenv(envAPIToken, token)
	t.Setenv(envInstanceTokens, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
provider "greenwaba" {}

resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(settingsAddr, tfjsonpath.New("id_instance"), knownvalue.Int64Exact(id)),
			},
			Check: expectLive(srv, id, map[string]any{"incomingWebhook": "yes"}),
		}},
	})
}

func TestAccProvider_instanceTokensFromEnvironmentVariable(t *testing.T) {
	srv, baseURL := newTestMock(t)
	const id, token = 1101000902, "envmap0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99"
	if err := srv.CreateInstance(id, token); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envAPIURL, baseURL)
	t.Setenv(envIDInstance, "")
	t.Setenv(envAPIToken, "")
	t.Setenv(envInstanceTokens, fmt.Sprintf(`{"%d": %q}`, id, token))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "greenwaba" {}

resource "greenwaba_webhook_settings" "this" {
  id_instance      = %d
  outgoing_webhook = true
}
`, id),
			Check: expectLive(srv, id, map[string]any{"outgoingWebhook": "yes"}),
		}},
	})
}

func TestAccProvider_missingCredentialsNameAttributeAndVariable(t *testing.T) {
	_, baseURL := newTestMock(t)
	t.Setenv(envIDInstance, "")
	t.Setenv(envAPIToken, "")
	t.Setenv(envInstanceTokens, "")

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
provider "greenwaba" {
  api_url = %q
}

resource "greenwaba_webhook_settings" "this" {}
`, baseURL),
				PlanOnly:    true,
				ExpectError: phrase("set id_instance on this resource, or on the provider (or the GREENWABA_ID_INSTANCE environment variable)"),
			},
			{
				Config: fmt.Sprintf(`
provider "greenwaba" {
  api_url     = %q
  id_instance = 1101000903
}

resource "greenwaba_webhook_settings" "this" {}
`, baseURL),
				ExpectError: phrase("No API token for GreenWaba instance 1101000903: set api_token_instance on the provider (or the GREENWABA_API_TOKEN_INSTANCE environment variable)"),
			},
			{
				Config: fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = 1101000903
  api_token_instance = "not-for-the-other-account"
}

resource "greenwaba_webhook_settings" "this" {
  id_instance = 1101000904
}
`, baseURL),
				ExpectError: phrase(`No API token for GreenWaba instance 1101000904: add "1101000904" to the provider's instance_tokens (or the GREENWABA_INSTANCE_TOKENS environment variable)`),
			},
		},
	})
}

func TestAccProvider_invalidEnvironmentVariablesAreNamed(t *testing.T) {
	for _, env := range []string{envAPIURL, envIDInstance, envAPIToken, envInstanceTokens} {
		t.Setenv(env, "")
	}
	cfg := `
provider "greenwaba" {}

resource "greenwaba_webhook_settings" "this" {
  id_instance = 1101000907
}
`
	step := func(env, value, want string) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() {
				for _, e := range []string{envAPIURL, envIDInstance, envInstanceTokens} {
					t.Setenv(e, "")
				}
				t.Setenv(env, value)
			},
			Config:      cfg,
			PlanOnly:    true,
			ExpectError: phrase(want),
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			step(envAPIURL, "api.green-api.com", "The API URL from api_url or GREENWABA_API_URL must be an absolute http:// or https:// URL"),
			step(envIDInstance, "instance-1", "The GREENWABA_ID_INSTANCE environment variable must be an idInstance"),
			step(envInstanceTokens, `{"1101000907": "tok-in-bad-json"`, "The GREENWABA_INSTANCE_TOKENS environment variable must be a JSON object"),
			step(envInstanceTokens, `{"acct": "tok"}`, `Every key of instance_tokens (or GREENWABA_INSTANCE_TOKENS) must be an idInstance`),
		},
	})
}

func TestAccProvider_invalidSettingsFailAtPlan(t *testing.T) {
	cases := []struct {
		name, provider string
		want           *regexp.Regexp
	}{
		{"api_url", `api_url = "ftp://api.example.test"`, regexp.MustCompile(`(?s)api_url.*http:// or https://`)},
		// The client's rule (greenwaba.ParseAPIURL): a query would end up after the token in every request.
		{"api_url query", `api_url = "https://api.example.test/?x=1"`, regexp.MustCompile(`(?s)api_url.*it has a query`)},
		{"id_instance", `id_instance = 0`, regexp.MustCompile(`(?s)id_instance.*at least 1`)},
		{"id_instance fraction", `id_instance = 1101000905.5`, phrase("Attribute id_instance value must be a whole number of at least 1, got 1101000905.5")},
		{"request_timeout format", `request_timeout = "soon"`, regexp.MustCompile(`(?s)request_timeout.*duration`)},
		{"request_timeout too short", `request_timeout = "10ms"`, regexp.MustCompile(`(?s)request_timeout.*at least 1s`)},
		{"max_retries", `max_retries = -1`, regexp.MustCompile(`(?s)max_retries.*at least 0`)},
		{"instance_tokens key", `instance_tokens = { "acct-1" = "x" }`, regexp.MustCompile(`(?s)instance_tokens.*idInstance written in decimal`)},
		{"instance_tokens value", `instance_tokens = { "1101000905" = "" }`, regexp.MustCompile(`(?s)instance_tokens.*length`)},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, tc := range cases {
		steps = append(steps, resource.TestStep{
			Config: fmt.Sprintf(`
provider "greenwaba" {
  %s
}

resource "greenwaba_webhook_settings" "this" {
  id_instance = 1101000905
}
`, tc.provider),
			PlanOnly:    true,
			ExpectError: tc.want,
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
}

// TestAccProvider_traceLogNeverContainsTokens runs a full lifecycle, retries and a write-only token included,
// with TF_LOG=TRACE, and reads everything the provider logged.
func TestAccProvider_traceLogNeverContainsTokens(t *testing.T) {
	srv, baseURL := newTestMock(t)
	const id, apiToken = 1101000906, "logtoken0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00"
	const plainToken, woToken = "plain-webhook-secret-7f3a9c", "wo-webhook-secret-19be2d"
	if err := srv.CreateInstance(id, apiToken); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(t.TempDir(), "provider.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", logPath)

	cfg := providerConfig(baseURL, id, apiToken)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowWriteOnly,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					addFault(t, srv, mockapi.Fault{IDInstance: id, Method: "setSettings", Status: 429, Count: 1})
				},
				Config: cfg + fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url       = "https://hooks.example.test/wa"
  webhook_url_token = %q
}
`, plainToken),
			},
			{
				Config: cfg + fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url          = "https://hooks.example.test/wa"
  webhook_url_token_wo = %q
}
`, woToken),
			},
		},
	})

	raw, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	logged := withoutHarnessEntries(raw)
	for _, want := range []string{"getSettings", "setSettings", "Writing GreenWaba settings"} {
		if !bytes.Contains(logged, []byte(want)) {
			t.Errorf("the trace log has no %q: the test did not see the provider's logging", want)
		}
	}
	for name, secret := range map[string]string{"API token": apiToken, "webhook_url_token": plainToken, "webhook_url_token_wo": woToken} {
		if bytes.Contains(logged, []byte(secret)) {
			t.Errorf("the trace log contains the %s", name)
		}
	}
}

// TestProvider_validateNeedsNoCredentials does what terraform validate does, without configuring the
// provider, and expects a valid configuration to pass and an invalid one to be reported.
func TestProvider_validateNeedsNoCredentials(t *testing.T) {
	for _, env := range []string{envAPIURL, envIDInstance, envAPIToken, envInstanceTokens} {
		t.Setenv(env, "")
	}
	server, err := testProviderServer()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}

	providerType := schemas.Provider.ValueType()
	emptyProvider := dynamicValue(t, providerType, tftypes.NewValue(providerType, nil))
	pv, err := server.ValidateProviderConfig(ctx, &tfprotov6.ValidateProviderConfigRequest{Config: emptyProvider})
	if err != nil || len(pv.Diagnostics) > 0 {
		t.Fatalf("ValidateProviderConfig without credentials: %v %v", err, diagSummaries(pv.Diagnostics))
	}

	resourceType, isObject := schemas.ResourceSchemas["greenwaba_webhook_settings"].ValueType().(tftypes.Object)
	if !isObject {
		t.Fatal("greenwaba_webhook_settings's schema is not an object")
	}
	withURL := func(u string) *tfprotov6.DynamicValue {
		vals := map[string]tftypes.Value{}
		for name, typ := range resourceType.AttributeTypes {
			vals[name] = tftypes.NewValue(typ, nil)
		}
		vals["webhook_url"] = tftypes.NewValue(tftypes.String, u)
		return dynamicValue(t, resourceType, tftypes.NewValue(resourceType, vals))
	}

	ok, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
		TypeName: "greenwaba_webhook_settings", Config: withURL("https://hooks.example.test/wa"),
	})
	if err != nil || len(ok.Diagnostics) > 0 {
		t.Fatalf("ValidateResourceConfig of a valid resource: %v %v", err, diagSummaries(ok.Diagnostics))
	}
	bad, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{
		TypeName: "greenwaba_webhook_settings", Config: withURL("hooks.example.test/wa"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(bad.Diagnostics) != 1 || !strings.Contains(bad.Diagnostics[0].Detail, "webhook_url") {
		t.Fatalf("ValidateResourceConfig of a relative webhook_url: want one error naming webhook_url, got %v", diagSummaries(bad.Diagnostics))
	}
}

// logEntryStart matches the first line of a log entry; other lines continue the entry before them.
var logEntryStart = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T`)

// withoutHarnessEntries drops the test harness's own log entries (sdk.helper_resource, which prints each test
// configuration, literals and all), keeping what the provider and the framework serving it logged.
func withoutHarnessEntries(log []byte) []byte {
	var out bytes.Buffer
	keep := true
	for _, line := range bytes.SplitAfter(log, []byte("\n")) {
		if logEntryStart.Match(line) {
			keep = !bytes.Contains(line, []byte(" sdk.helper_resource: "))
		}
		if keep {
			out.Write(line)
		}
	}
	return out.Bytes()
}

func dynamicValue(t *testing.T, typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func diagSummaries(diags []*tfprotov6.Diagnostic) []string {
	var s []string
	for _, d := range diags {
		s = append(s, d.Summary+": "+d.Detail)
	}
	return s
}

func TestResolveAccount(t *testing.T) {
	data := &providerData{
		defaultID:    1101000001,
		defaultToken: "default-token",
		tokens:       map[int64]string{1101000002: "fleet-token", 1101000001: "fleet-wins"},
	}
	cases := []struct {
		name       string
		id         types.Int64
		wantID     int64
		wantToken  string
		wantSource string
		wantErr    string
	}{
		{"null means the provider's account; instance_tokens wins", types.Int64Null(), 1101000001, "fleet-wins", `instance_tokens["1101000001"]`, ""},
		{"fleet account", types.Int64Value(1101000002), 1101000002, "fleet-token", `instance_tokens["1101000002"]`, ""},
		{"unknown account", types.Int64Value(1101000003), 1101000003, "", "", `add "1101000003" to the provider's instance_tokens (or the GREENWABA_INSTANCE_TOKENS environment variable)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cred, diags := data.resolve(tc.id)
			if cred.id != tc.wantID || cred.token != tc.wantToken || cred.source != tc.wantSource {
				t.Errorf("resolve = %d, %q, %q; want %d, %q, %q", cred.id, cred.token, cred.source, tc.wantID, tc.wantToken, tc.wantSource)
			}
			if got := diagsText(diags); !strings.Contains(got, tc.wantErr) || (tc.wantErr == "") != !diags.HasError() {
				t.Errorf("diagnostics %q, want one containing %q", got, tc.wantErr)
			}
		})
	}

	onlyDefault := &providerData{defaultID: 1101000001, tokens: map[int64]string{}}
	if _, diags := onlyDefault.resolve(types.Int64Null()); !strings.Contains(diagsText(diags), "set api_token_instance on the provider (or the GREENWABA_API_TOKEN_INSTANCE environment variable)") {
		t.Errorf("missing default token: %q", diagsText(diags))
	}
	// The provider's own token comes from api_token_instance or its variable.
	onlyDefault.defaultToken = "default-token"
	if cred, diags := onlyDefault.resolve(types.Int64Null()); diags.HasError() || cred.token != "default-token" || cred.source != "api_token_instance (or GREENWABA_API_TOKEN_INSTANCE)" {
		t.Errorf("default token: %+v, %q", cred, diagsText(diags))
	}
	fromEnv := &providerData{tokens: map[int64]string{1101000002: "fleet-token"}, tokensFromEnv: true}
	if cred, _ := fromEnv.resolve(types.Int64Value(1101000002)); cred.source != `GREENWABA_INSTANCE_TOKENS["1101000002"]` {
		t.Errorf("a token from the environment variable has source %q", cred.source)
	}
}

// TestResolveAccount_unknownProviderAttributesFailOnlyCallsThatNeedThem covers plan time, when provider
// attributes can depend on resources not applied yet.
func TestResolveAccount_unknownProviderAttributesFailOnlyCallsThatNeedThem(t *testing.T) {
	const own, fleet = 1101000001, 1101000002
	known := func(unknown ...string) *providerData {
		d := &providerData{defaultID: own, defaultToken: "own-token", tokens: map[int64]string{fleet: "fleet-token"}, unknown: unknown}
		for _, name := range unknown {
			switch name {
			case "id_instance":
				d.defaultID = 0
			case "api_token_instance":
				d.defaultToken = ""
			case "instance_tokens":
				d.tokens = map[int64]string{}
			}
		}
		return d
	}
	cases := []struct {
		name    string
		unknown []string
		id      types.Int64
		wantErr string // "" when the call can go ahead
	}{
		{"max_retries and request_timeout take their defaults", []string{"request_timeout", "max_retries"}, types.Int64Null(), ""},
		{"api_url is needed by every call", []string{"api_url"}, types.Int64Value(fleet), "The provider's api_url depends on values that are only known after apply, and calling GreenWaba instance 1101000002 needs it"},
		{"id_instance is needed to default the account", []string{"id_instance"}, types.Int64Null(), "The provider's id_instance depends on values"},
		{"id_instance is not needed by a fleet account", []string{"id_instance"}, types.Int64Value(fleet), ""},
		{"id_instance may name an account outside instance_tokens", []string{"id_instance"}, types.Int64Value(1101000003), "The provider's id_instance depends on values"},
		{"api_token_instance is not needed by a fleet account", []string{"api_token_instance"}, types.Int64Value(fleet), ""},
		{"api_token_instance is needed by the provider's account", []string{"api_token_instance"}, types.Int64Null(), "The provider's api_token_instance depends on values"},
		{"both", []string{"id_instance", "api_token_instance"}, types.Int64Value(1101000003), "The provider's id_instance and api_token_instance depend on values"},
		{"instance_tokens may hold any account's token", []string{"instance_tokens"}, types.Int64Null(), "The provider's instance_tokens depends on values"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := known(tc.unknown...)
			_, diags := d.resolve(tc.id)
			if got := diagsText(diags); (tc.wantErr == "") != !diags.HasError() || !strings.Contains(got, tc.wantErr) {
				t.Errorf("resolve: %q, want an error containing %q", got, tc.wantErr)
			}
		})
	}
}

// TestClientFor_unknownRequestSettingsUseDefaultsAndSaySoOnce proves a plan-time call goes ahead with the
// client's defaults, warning once per account.
func TestClientFor_unknownRequestSettingsUseDefaultsAndSaySoOnce(t *testing.T) {
	d := &providerData{
		apiURL: "http://127.0.0.1:1", defaultID: 1101000001, defaultToken: "own-token",
		tokens: map[int64]string{}, clients: map[int64]*greenwaba.Client{}, sources: map[int64]string{}, pacer: testPacer,
		unknown: []string{"max_retries"}, requestTimeout: greenwaba.DefaultRequestTimeout,
		retry: greenwaba.RetryPolicy{MaxRetries: greenwaba.DefaultMaxRetries},
	}
	c, id, diags := d.ClientFor(types.Int64Null())
	if c == nil || id != 1101000001 || diags.HasError() {
		t.Fatalf("ClientFor = %v, %d, %q", c, id, diagsText(diags))
	}
	if diags.WarningsCount() != 1 || !strings.Contains(diagsText(diags), "The provider's max_retries is only known after apply") {
		t.Errorf("want one warning naming max_retries, got %q", diagsText(diags))
	}
	if _, _, diags := d.ClientFor(types.Int64Null()); len(diags) != 0 {
		t.Errorf("the second call for the same account says again: %q", diagsText(diags))
	}
}

func TestClientRetryMapsZeroToNoRetries(t *testing.T) {
	d := &providerData{retry: greenwaba.RetryPolicy{MaxRetries: 0}}
	if got := d.clientRetry().MaxRetries; got >= 0 {
		t.Errorf("max_retries = 0 gives the client MaxRetries %d, which it reads as its default; want a negative value", got)
	}
	d.retry.MaxRetries = 3
	if got := d.clientRetry().MaxRetries; got != 3 {
		t.Errorf("max_retries = 3 gives MaxRetries %d", got)
	}
}

func TestParseIDInstance(t *testing.T) {
	for in, want := range map[string]int64{"1101000001": 1101000001, " 7 ": 7} {
		if got, err := parseIDInstance(in); err != nil || got != want {
			t.Errorf("parseIDInstance(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "abc", "1101000001/x", "1e9"} {
		if _, err := parseIDInstance(in); err == nil {
			t.Errorf("parseIDInstance(%q) accepted it", in)
		}
	}
}

func TestClientLogsAreMasked(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	ctx = maskSecrets(ctx, "webhook-secret", "")

	clientLog("api-secret-1")(ctx, greenwaba.LogDebug, "calling with api-secret-1", map[string]any{
		"url":             "https://api.example.test/waInstance1/getSettings/api-secret-1",
		"body":            `{"webhookUrlToken":"webhook-secret"}`,
		"webhookUrlToken": "anything at all",
	})

	logged := out.String()
	if !strings.Contains(logged, "getSettings") {
		t.Fatalf("nothing was logged: %q", logged)
	}
	for _, secret := range []string{"api-secret-1", "webhook-secret", "anything at all"} {
		if strings.Contains(logged, secret) {
			t.Errorf("the log shows %q: %s", secret, logged)
		}
	}
}

func TestProviderDataFrom(t *testing.T) {
	if data, diags := providerDataFrom(nil); data != nil || diags.HasError() {
		t.Errorf("before configuration: got %v, %s; want nil and no error", data, diagsText(diags))
	}
	want := &providerData{}
	if data, diags := providerDataFrom(want); data != want || diags.HasError() {
		t.Errorf("configured: got %v, %s", data, diagsText(diags))
	}
	if _, diags := providerDataFrom("not provider data"); !strings.Contains(diagsText(diags), "Expected *providerData, got string") {
		t.Errorf("wrong type: %q", diagsText(diags))
	}
}

// TestAccProvider_settingsUnknownAtPlanBlockOnlyCallsThatNeedThem feeds provider attributes from a
// terraform_data output, which is unknown until apply. A refresh and a data source read at plan time go ahead
// when what they need is known; a read that needs the unknown id_instance says so.
func TestAccProvider_settingsUnknownAtPlanBlockOnlyCallsThatNeedThem(t *testing.T) {
	srv, baseURL := newTestMock(t)
	const id, token = int64(1101000911), "unknown0token0aa11bb22cc33dd44ee55ff66aa77bb88cc9"
	if err := srv.CreateInstance(id, token); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Enqueue(id, json.RawMessage(incomingMessageBody)); err != nil {
		t.Fatal(err)
	}
	// provider is the provider block with idInstance, requestTimeout and maxRetries as HCL expressions.
	provider := func(idInstance, requestTimeout, maxRetries string) string {
		return fmt.Sprintf(`
provider "greenwaba" {
  api_url         = %q
  id_instance     = %s
  instance_tokens = { "1101000911" = %q }
  request_timeout = %s
  max_retries     = %s
}

resource "greenwaba_webhook_settings" "this" {
  id_instance      = 1101000911
  incoming_webhook = true
}

data "greenwaba_notification" "head" {
  id_instance = 1101000911
}
`, baseURL, idInstance, token, requestTimeout, maxRetries)
	}
	// later's output, and so every provider attribute set from it, is unknown until apply whenever rev changes.
	later := func(rev int) string {
		return fmt.Sprintf(`
resource "terraform_data" "later" {
  input = { id = 1101000911, timeout = "5s", retries = 2, rev = %d }
}
`, rev)
	}
	receives := func() int { return countRequests(t, srv, id, "receiveNotification") }
	var before int
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: provider(`1101000911`, `"5s"`, `2`)},
			{
				PreConfig: func() { before = receives() },
				Config:    later(1) + provider(`1101000911`, `terraform_data.later.output.timeout`, `terraform_data.later.output.retries`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("terraform_data.later", plancheck.ResourceActionCreate),
				}},
				Check: func(*terraform.State) error {
					if receives() == before {
						return fmt.Errorf("the data source was not read")
					}
					return nil
				},
			},
			{
				// Not for the account the resource and data source name: only id_instance is unknown.
				Config: later(2) + provider(`terraform_data.later.output.id`, `"5s"`, `2`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(settingsAddr, plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("terraform_data.later", plancheck.ResourceActionUpdate),
				}},
			},
			{
				// A data source that leaves its account to the provider needs id_instance.
				Config: later(3) + provider(`terraform_data.later.output.id`, `"5s"`, `2`) + `
data "greenwaba_notification" "default_account" {}
`,
				ExpectError: phrase("The provider's id_instance depends on values that are only known after apply"),
			},
		},
	})
}
