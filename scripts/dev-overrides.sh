# shellcheck shell=bash
# Sourced by demo.sh and validate-examples.sh: builds the provider from this checkout and points
# Terraform at it through a CLI configuration with dev_overrides, so that no `terraform init` and
# no registry download ever happen.

# use_local_provider DIR builds terraform-provider-greenwaba into DIR/bin, writes DIR/terraformrc
# and exports TF_CLI_CONFIG_FILE to use it. Run it from the repository root.
use_local_provider() {
	local dir=$1
	mkdir -p "$dir/bin"
	go build -trimpath -o "$dir/bin/terraform-provider-greenwaba" .
	cat >"$dir/terraformrc" <<HCL
provider_installation {
  dev_overrides {
    "greenwaba/greenwaba" = "$dir/bin"
  }
  # Any other provider would need the network; none of our configurations uses one.
  direct {}
}
HCL
	export TF_CLI_CONFIG_FILE="$dir/terraformrc"
}
