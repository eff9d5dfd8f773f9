# Refuse to switch the account to push delivery while notifications are still queued:
# they would be pushed to the new URL at once, or be lost to whoever polls the queue.
variable "webhook_url" {
  type    = string
  default = "https://hooks.example.com/greenwaba"
}

data "greenwaba_notification" "before_push" {}

resource "greenwaba_webhook_settings" "push" {
  webhook_url      = var.webhook_url
  incoming_webhook = true

  lifecycle {
    precondition {
      condition     = var.webhook_url == "" || !data.greenwaba_notification.before_push.found
      error_message = "Notifications are still queued: drain the queue before setting webhook_url."
    }
  }
}
