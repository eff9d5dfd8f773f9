# Switch an account from its queue to push delivery only once the queue is drained.
# GreenWaba keeps a readable queue only while webhook_url is "": once the account pushes,
# reading the queue fails. So the queue is read in the run that makes the switch, while the
# account still has webhook_url = ""; once that run has applied, set push_applied = true.
variable "webhook_url" {
  type    = string
  default = "https://hooks.example.com/greenwaba"
}

variable "push_applied" {
  description = "Whether the account already pushes to webhook_url: it then has no queue to read."
  type        = bool
  default     = false
}

data "greenwaba_notification" "before_push" {
  count = var.push_applied ? 0 : 1
}

resource "greenwaba_webhook_settings" "push" {
  webhook_url      = var.webhook_url
  incoming_webhook = true

  lifecycle {
    precondition {
      condition     = var.webhook_url == "" || alltrue([for head in data.greenwaba_notification.before_push : !head.found])
      error_message = "Notifications are still queued: drain the queue before setting webhook_url."
    }
  }
}
