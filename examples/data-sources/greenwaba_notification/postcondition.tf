# Fail the plan when the head of the queue reports a failed delivery.
data "greenwaba_notification" "delivery" {
  lifecycle {
    postcondition {
      condition     = !(self.type_webhook == "outgoingMessageStatus" && self.status == "failed")
      error_message = "The head of the queue is a failed delivery status."
    }
  }
}
