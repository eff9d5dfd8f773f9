# The recommended gate on the queue in a pipeline: warn, without failing the run,
# while the queue still holds notifications. An ephemeral resource is opened on
# every run but never planned, so `terraform plan -detailed-exitcode` still exits
# with 0 when nothing else changes (a data source in a check block would make it 2).
ephemeral "greenwaba_notification" "queue" {}

check "notification_queue_drained" {
  assert {
    condition     = !ephemeral.greenwaba_notification.queue.found
    error_message = "The notification queue is not empty: drain it before switching to push delivery."
  }
}
