# OpenTofu only (Terraform rejects for_each in a provider block): one provider configuration per account,
# each with its own token, and each resource instance bound to its account's configuration.

terraform {
  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}

variable "fleet_tokens" {
  description = "apiTokenInstance of each account, keyed like local.accounts, e.g. { sales = \"...\" }."
  type        = map(string)
  sensitive   = true
}

locals {
  # Every account, by name. An account leaves this map only once it has no resources left: OpenTofu needs
  # its provider instance to destroy them.
  accounts = {
    sales   = 1101000011
    support = 1101000012
  }
  # The webhook of each managed account. Removing an entry resets that account on the next apply.
  webhooks = {
    sales   = "https://hooks.example.com/sales"
    support = "https://hooks.example.com/support"
  }
}

provider "greenwaba" {
  alias    = "account"
  for_each = local.accounts

  id_instance        = each.value
  api_token_instance = var.fleet_tokens[each.key]
}

resource "greenwaba_webhook_settings" "fleet" {
  for_each = local.webhooks
  provider = greenwaba.account[each.key]

  webhook_url      = each.value
  incoming_webhook = true
}
