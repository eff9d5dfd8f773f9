# A check on the notification queue in a configuration of its own, as a pipeline would run it next
# to the one that manages the settings (`make demo` plans it). A data source scoped to a check
# block is read on every plan, and its errors are only warnings: a plan of the settings stays
# empty when nothing changes, and a queue that cannot be read fails no run.

terraform {
  required_version = ">= 1.11"

  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}

provider "greenwaba" {}

check "no_failed_delivery_at_head" {
  data "greenwaba_notification" "head" {}

  assert {
    condition     = !(data.greenwaba_notification.head.type_webhook == "outgoingMessageStatus" && data.greenwaba_notification.head.status == "failed")
    error_message = "The head of the notification queue is a failed delivery status."
  }
}
