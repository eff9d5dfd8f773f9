# A fleet of accounts from one provider configuration (Terraform cannot for_each a provider): each account's
# token goes in instance_tokens, keyed by its idInstance, and each resource instance names its account.

terraform {
  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}

variable "fleet_tokens" {
  description = "apiTokenInstance of each account, keyed by idInstance, e.g. { \"1101000011\" = \"...\" }."
  type        = map(string)
  sensitive   = true
}

locals {
  fleet = {
    sales   = { id_instance = 1101000011, webhook_url = "https://hooks.example.com/sales" }
    support = { id_instance = 1101000012, webhook_url = "https://hooks.example.com/support" }
  }
}

provider "greenwaba" {
  instance_tokens = var.fleet_tokens
}

resource "greenwaba_webhook_settings" "fleet" {
  for_each = local.fleet

  id_instance      = each.value.id_instance
  webhook_url      = each.value.webhook_url
  incoming_webhook = true
}

# Bring accounts that already exist under management in the same apply. With webhook_url_token_wo in the
# resource, the ID would be "${each.value.id_instance}:write-only", which keeps each account's token out of the
# state and the plan.
import {
  for_each = local.fleet
  to       = greenwaba_webhook_settings.fleet[each.key]
  id       = each.value.id_instance
}
