# A fleet module with tests of its own (tests/): the webhook settings of each account in var.accounts, and a
# check that warns when a queue is not being read. It configures no provider: the caller does, and in the tests
# the provider reads its credentials from the environment (GREENWABA_API_URL, GREENWABA_INSTANCE_TOKENS).

terraform {
  required_version = ">= 1.11"

  required_providers {
    greenwaba = {
      source = "greenwaba/greenwaba"
    }
  }
}

resource "greenwaba_webhook_settings" "account" {
  for_each = var.accounts

  id_instance = each.value.id_instance
  webhook_url = each.value.webhook_url
  # Sent to GreenWaba, never stored in the plan or the state.
  webhook_url_token_wo         = each.value.write_only_token ? var.webhook_token : null
  incoming_webhook             = each.value.incoming_webhook
  outgoing_webhook             = each.value.outgoing_webhook
  outgoing_api_message_webhook = each.value.outgoing_api_message_webhook
}

locals {
  # GreenWaba closes an account's HTTP API queue while it has a webhook_url (reads answer HTTP 400), so only the
  # accounts in queue mode have a queue to read.
  queue_mode = { for name, account in var.accounts : name => account.id_instance if account.webhook_url == "" }
}

# The head of each open queue, read at plan time; reading it never acknowledges it. An account that a run moves
# from push back to queue mode still has its queue closed at that plan, so the read fails: apply that move alone
# first, with -target='greenwaba_webhook_settings.account["<name>"]'.
data "greenwaba_notification" "queue_head" {
  for_each = local.queue_mode

  id_instance = each.value
}

locals {
  # Accounts whose oldest queued notification is older than max_queue_age_minutes.
  stale_queues = [
    for name, head in data.greenwaba_notification.queue_head : name
    if head.found && head.timestamp != null ? timecmp(
      timeadd("1970-01-01T00:00:00Z", format("%ds", head.timestamp + var.max_queue_age_minutes * 60)),
      plantimestamp(),
    ) < 0 : false
  ]
}

# A warning, not an error: a stalled consumer is worth knowing about, not a reason to stop a settings change.
check "queues_are_read" {
  assert {
    condition     = length(local.stale_queues) == 0
    error_message = "A notification has waited more than ${var.max_queue_age_minutes} minutes in the queue of: ${join(", ", local.stale_queues)}. Is the application that reads the queue running?"
  }
}
