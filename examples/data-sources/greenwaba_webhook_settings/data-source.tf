# Another team's account: read how it delivers, never write to it.
data "greenwaba_webhook_settings" "support" {
  id_instance = 1101000002
}

output "support_delivery" {
  value = "${data.greenwaba_webhook_settings.support.delivery_mode} (token set: ${data.greenwaba_webhook_settings.support.webhook_url_token_set})"
}
