# Warn, without failing the run, while the queue still holds notifications.
# A data source scoped to a check block turns its own errors into warnings as well.
check "notification_queue_drained" {
  data "greenwaba_notification" "queued" {}

  assert {
    condition     = !data.greenwaba_notification.queued.found
    error_message = "The notification queue is not empty: the head is a ${coalesce(data.greenwaba_notification.queued.type_webhook, "notification")} with receipt ${coalesce(data.greenwaba_notification.queued.receipt_id, 0)}."
  }
}
