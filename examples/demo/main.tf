# The configuration `make demo` applies against greenwaba-mock (scripts/demo.sh drives it).
# The provider reads its credentials from the environment, as it would in CI:
# GREENWABA_API_URL, GREENWABA_ID_INSTANCE and GREENWABA_API_TOKEN_INSTANCE.

terraform {
  required_version = ">= 1.11"

  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}

provider "greenwaba" {}

variable "read_queue" {
  description = "Read the head of the notification queue. The demo turns it on once a notification is queued."
  type        = bool
  default     = false
}

# How the account delivers its webhooks: pushed to webhook_url. Nobody listens on this loopback
# port in the demo, so each delivery fails and the notification stays queued, retried every
# minute as GreenWaba does; greenwaba_notification below reads it from the queue meanwhile.
# An empty webhook_url would keep notifications in the HTTP API queue only.
resource "greenwaba_webhook_settings" "demo" {
  webhook_url                  = "http://127.0.0.1:9/greenwaba-webhooks"
  incoming_webhook             = true
  outgoing_webhook             = true
  outgoing_api_message_webhook = true
}

# The head of the queue, read at plan time and never acknowledged.
data "greenwaba_notification" "head" {
  count = var.read_queue ? 1 : 0

  receive_timeout = 5
}

output "webhook_settings" {
  description = "The settings as Terraform manages them."
  value = {
    id_instance                  = greenwaba_webhook_settings.demo.id_instance
    webhook_url                  = greenwaba_webhook_settings.demo.webhook_url
    incoming_webhook             = greenwaba_webhook_settings.demo.incoming_webhook
    outgoing_webhook             = greenwaba_webhook_settings.demo.outgoing_webhook
    outgoing_api_message_webhook = greenwaba_webhook_settings.demo.outgoing_api_message_webhook
  }
}

output "queue_head" {
  description = "What the data source saw at the head of the queue, when read_queue is on."
  value = var.read_queue ? {
    found        = data.greenwaba_notification.head[0].found
    receipt_id   = data.greenwaba_notification.head[0].receipt_id
    type_webhook = data.greenwaba_notification.head[0].type_webhook
    chat_id      = data.greenwaba_notification.head[0].chat_id
    text         = try(jsondecode(data.greenwaba_notification.head[0].body).messageData.textMessageData.textMessage, null)
  } : null
}
