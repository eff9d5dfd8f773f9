package provider

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The acceptance tests run on Terraform or OpenTofu: the CLI is TF_ACC_TERRAFORM_PATH (else terraform on PATH),
// and TF_ACC_PROVIDER_HOST names the registry that CLI resolves unqualified sources against, as the test
// harness reads it (registry.opentofu.org for OpenTofu; `make testacc-tofu` sets both).

// providerSource is the provider's source in the tests' configurations (required_providers, dev_overrides):
// unqualified, so that each CLI resolves it against its own registry.
const providerSource = "greenwaba/greenwaba"

// providerAddress is the address the CLI gives providerSource: main.go serves
// registry.terraform.io/greenwaba/greenwaba, OpenTofu installs registry.opentofu.org/greenwaba/greenwaba.
var providerAddress = testRegistryHost() + "/" + providerSource

func testRegistryHost() string {
	if host := os.Getenv(resource.EnvTfAccProviderHost); host != "" {
		return strings.TrimSuffix(host, "/")
	}
	return "registry.terraform.io"
}

// testCLIPath is the terraform (or tofu) binary that the tests running the CLI themselves use: the one
// the test harness uses.
func testCLIPath(t *testing.T) string {
	t.Helper()
	bin, err := lookupCLI()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func lookupCLI() (string, error) {
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin, nil
	}
	if bin, err := exec.LookPath("terraform"); err == nil {
		return bin, nil
	}
	return "", errors.New("no terraform binary: put one on PATH or set TF_ACC_TERRAFORM_PATH")
}

// cliVersion is the first line of `version` from the CLI under test, e.g. "OpenTofu v1.12.6".
var cliVersion = sync.OnceValues(func() (string, error) {
	bin, err := lookupCLI()
	if err != nil {
		return "", err
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		return "", errors.New(bin + " version: " + err.Error() + "\n" + string(out))
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "Terraform v") || strings.HasPrefix(line, "OpenTofu v") {
			return line, nil
		}
	}
	return "", errors.New(bin + " version printed no version:\n" + string(out))
})

func cliIsOpenTofu() (bool, error) {
	v, err := cliVersion()
	return strings.HasPrefix(v, "OpenTofu "), err
}

// skipOpenTofuBelow112 skips a test of the ephemeral resource on OpenTofu before 1.12: OpenTofu 1.10 and earlier
// have no ephemeral resources, and OpenTofu 1.11's JSON plans list every ephemeral resource with the action
// "open", which the harness takes for a planned change, failing its empty-plan check after each step, although
// `tofu plan` shows no changes and exits 0 with -detailed-exitcode. OpenTofu 1.12 leaves them out of the plan
// (opentofu/opentofu#3897).
type skipOpenTofuBelow112 struct{}

func (skipOpenTofuBelow112) CheckTerraformVersion(_ context.Context, req tfversion.CheckTerraformVersionRequest,
	resp *tfversion.CheckTerraformVersionResponse) {
	v := req.TerraformVersion.Core()
	if !v.LessThan(tfversion.Version1_12_0) {
		return
	}
	tofu, err := cliIsOpenTofu()
	switch {
	case err != nil:
		resp.Error = err
	case !tofu:
	case v.LessThan(tfversion.Version1_11_0):
		resp.Skip = "OpenTofu before 1.11 has no ephemeral resources"
	default:
		resp.Skip = "OpenTofu 1.11 lists ephemeral resources as planned changes in its JSON plan, which the test " +
			"harness reads as a non-empty plan (fixed in OpenTofu 1.12)"
	}
}

// fail runs terraform with args, expecting it to fail, and returns what it printed.
func (c *terraformCLI) fail(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	if err == nil {
		c.t.Fatalf("terraform %s succeeded, want a failure:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}
