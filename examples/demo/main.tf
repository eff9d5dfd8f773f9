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

variable "webhook_url" {
  description = "Where the account pushes its notifications. The demo starts with \"\": the account keeps them in its HTTP API queue (queue mode). It sets a URL at the end (push mode)."
  type        = string
  default     = ""
}

variable "read_queue" {
  description = "Read the head of the notification queue. The demo turns it on once a notification is queued."
  type        = bool
  default     = false
}

# How the account delivers its webhooks. With webhook_url = "" they wait in the HTTP API queue,
# where greenwaba_notification below reads them. With a URL, GreenWaba POSTs them there and keeps
# no queue the API can read.
resource "greenwaba_webhook_settings" "demo" {
  webhook_url                  = var.webhook_url
  incoming_webhook             = true
  outgoing_webhook             = true
  outgoing_api_message_webhook = true
}

# The head of the queue, read at plan time and never acknowledged (queue mode only).
data "greenwaba_notification" "head" {
  count = var.read_queue ? 1 : 0

  receive_timeout = 5
}

# Warn, without failing the run, while the head is a failed delivery status.
check "no_failed_delivery_at_head" {
  assert {
    condition     = alltrue([for head in data.greenwaba_notification.head : !(head.type_webhook == "outgoingMessageStatus" && head.status == "failed")])
    error_message = "The head of the notification queue is a failed delivery status."
  }
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
