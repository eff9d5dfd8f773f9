package provider

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// The acceptance tests run on Terraform or OpenTofu: the CLI is TF_ACC_TERRAFORM_PATH (else terraform on PATH),
// and TF_ACC_PROVIDER_HOST names the registry that CLI resolves unqualified sources against, as the test
// harness reads it (registry.opentofu.org for OpenTofu; `make testacc-tofu` sets both).

// providerAddress is the address the CLI gives source = "greenwaba/greenwaba": main.go serves
// registry.terraform.io/greenwaba/greenwaba, OpenTofu installs registry.opentofu.org/greenwaba/greenwaba.
var providerAddress = testRegistryHost() + "/greenwaba/greenwaba"

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
	if bin := os.Getenv("TF_ACC_TERRAFORM_PATH"); bin != "" {
		return bin
	}
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Fatal("no terraform binary: put one on PATH or set TF_ACC_TERRAFORM_PATH")
	}
	return bin
}
