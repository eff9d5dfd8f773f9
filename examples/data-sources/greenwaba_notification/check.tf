# Warn, without failing the run, while the queue still holds notifications.
# A data source scoped to a check block turns its own errors into warnings too.
check "notification_queue_drained" {
  data "greenwaba_notification" "queued" {}

  assert {
    condition = !data.greenwaba_notification.queued.found
    # Terraform renders error_message even when the condition holds, so it must
    # not interpolate a null result: coalesce supplies a fallback.
    error_message = "The notification queue is not empty: its head has typeWebhook ${coalesce(data.greenwaba_notification.queued.type_webhook, "(none)")}."
  }
}
