# The head of the queue, read without writing it to the plan or the state
# (Terraform 1.10 and later, OpenTofu 1.11 and later). Reading it never
# deletes it. GreenWaba keeps a readable queue only while the account's
# webhook_url is "", so it is read only until the switch below has applied.
variable "push_applied" {
  description = "Whether the account already pushes to its webhook_url: it then has no queue to read."
  type        = bool
  default     = false
}

ephemeral "greenwaba_notification" "head" {
  count = var.push_applied ? 0 : 1
}

# Gate on the queue without storing what it holds: switch the account to push
# delivery only once nothing is queued.
resource "greenwaba_webhook_settings" "push_when_drained" {
  webhook_url = "https://hooks.example.com/greenwaba"

  lifecycle {
    precondition {
      condition     = alltrue([for head in ephemeral.greenwaba_notification.head : !head.found])
      error_message = "Notifications are still queued: drain the queue before switching to push delivery."
    }
  }
}

# Warn, without failing the run, while the head is a failed delivery status.
check "no_failed_delivery_at_head" {
  assert {
    condition     = alltrue([for head in ephemeral.greenwaba_notification.head : !(head.type_webhook == "outgoingMessageStatus" && head.status == "failed")])
    error_message = "The head of the notification queue is a failed delivery status."
  }
}
