# The head of the queue, read without writing it to the plan or the state
# (Terraform 1.10 and later, OpenTofu 1.11 and later). Reading it never
# deletes it.
ephemeral "greenwaba_notification" "head" {}

# Gate on the queue without storing what it holds: switch the account to push
# delivery only once nothing is queued.
resource "greenwaba_webhook_settings" "push_when_drained" {
  webhook_url = "https://hooks.example.com/greenwaba"

  lifecycle {
    precondition {
      condition     = !ephemeral.greenwaba_notification.head.found
      error_message = "Notifications are still queued: drain the queue before switching to push delivery."
    }
  }
}

# Warn, without failing the run, while the head is a failed delivery status.
check "no_failed_delivery_at_head" {
  assert {
    condition     = !(ephemeral.greenwaba_notification.head.type_webhook == "outgoingMessageStatus" && ephemeral.greenwaba_notification.head.status == "failed")
    error_message = "The head of the notification queue is a failed delivery status."
  }
}
