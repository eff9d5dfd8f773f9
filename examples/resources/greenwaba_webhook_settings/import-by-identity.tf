# Terraform 1.12 and later (OpenTofu 1.12 too): import by the account's identity. The configuration
# decides how the webhook token is managed: with webhook_url_token_wo it stays out of the state, with
# webhook_url_token it moves into the state, and with neither the account keeps the token it has.
import {
  to       = greenwaba_webhook_settings.console
  identity = { id_instance = 1101000002 }
}
