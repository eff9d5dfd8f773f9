# Clear the queue whenever an update leaves the account in push mode: the notifications still queued
# would never be read once GreenWaba delivers to the webhook URL. A condition cannot see the prior
# value, so an update made while already in push mode clears the queue again, which changes nothing.
variable "webhook_url" {
  type    = string
  default = "https://hooks.example.com/whatsapp"
}

action "greenwaba_clear_webhooks_queue" "main" {
  config {
    id_instance = 1101000001
  }
}

resource "greenwaba_webhook_settings" "main" {
  id_instance      = 1101000001
  webhook_url      = var.webhook_url
  incoming_webhook = true

  lifecycle {
    action_trigger {
      events    = [after_update]
      condition = greenwaba_webhook_settings.main.webhook_url != ""
      actions   = [action.greenwaba_clear_webhooks_queue.main]
    }
  }
}
