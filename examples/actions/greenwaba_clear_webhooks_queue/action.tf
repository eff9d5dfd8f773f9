# Terraform 1.14 and later. Run it on its own, outside any plan of resources:
#   terraform apply -invoke=action.greenwaba_clear_webhooks_queue.support
action "greenwaba_clear_webhooks_queue" "support" {
  config {
    id_instance = 1101000002
  }
}
