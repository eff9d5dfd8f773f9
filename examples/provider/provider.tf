terraform {
  required_version = ">= 1.11"

  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}

variable "greenwaba_api_token" {
  description = "apiTokenInstance of the account, from the GreenWaba console."
  type        = string
  sensitive   = true
}

# Every argument can come from the environment instead (GREENWABA_API_URL, GREENWABA_ID_INSTANCE,
# GREENWABA_API_TOKEN_INSTANCE, GREENWABA_INSTANCE_TOKENS), which is the usual way in CI.
provider "greenwaba" {
  api_url            = "https://1101.api.greenapi.com"
  id_instance        = 1101000001
  api_token_instance = var.greenwaba_api_token
}
