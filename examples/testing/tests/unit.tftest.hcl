# Unit tests: plans only, against a mock of the provider. No API, no credentials, no network: Terraform makes up
# the values the provider would compute, and override_data says what the queue holds.
#
#   terraform test -filter=tests/unit.tftest.hcl

mock_provider "greenwaba" {}

variables {
  accounts = {
    sales = {
      id_instance      = 1101000011
      webhook_url      = "https://hooks.example.com/sales"
      write_only_token = true
      outgoing_webhook = true
    }
    support = {
      id_instance = 1101000012
      webhook_url = "https://hooks.example.com/support"
    }
    inbox = {
      id_instance = 1101000013
    }
  }
  webhook_token = "unit-test-token"
}

run "plans_each_account_as_configured" {
  command = plan

  assert {
    condition     = greenwaba_webhook_settings.account["sales"].webhook_url == "https://hooks.example.com/sales"
    error_message = "sales should push to its own URL."
  }

  assert {
    condition     = greenwaba_webhook_settings.account["sales"].outgoing_webhook && !greenwaba_webhook_settings.account["support"].outgoing_webhook
    error_message = "Only sales asked for outgoing_webhook."
  }

  assert {
    condition     = alltrue([for account in greenwaba_webhook_settings.account : account.incoming_webhook])
    error_message = "incoming_webhook should default to true."
  }

  assert {
    condition     = greenwaba_webhook_settings.account["inbox"].webhook_url == ""
    error_message = "inbox should stay in queue mode."
  }

  # A write-only argument is null in every plan, whatever the configuration sends.
  assert {
    condition     = greenwaba_webhook_settings.account["sales"].webhook_url_token_wo == null
    error_message = "The webhook token must not be in the plan."
  }

  # Only the account in queue mode has its queue read.
  assert {
    condition     = keys(data.greenwaba_notification.queue_head) == ["inbox"]
    error_message = "Only the queue of inbox should be read, not the queues of accounts in push mode."
  }
}

run "refuses_a_plain_http_webhook" {
  command = plan

  variables {
    accounts = {
      legacy = {
        id_instance = 1101000021
        webhook_url = "http://hooks.example.com/legacy"
      }
    }
  }

  expect_failures = [var.accounts]
}

run "refuses_one_account_twice" {
  command = plan

  variables {
    accounts = {
      sales = { id_instance = 1101000011 }
      again = { id_instance = 1101000011 }
    }
  }

  expect_failures = [var.accounts]
}

run "warns_when_a_queue_is_not_read" {
  command = plan

  # Every instance of the data source; inbox is its only one. (OpenTofu accepts no instance key in a target.)
  override_data {
    target = data.greenwaba_notification.queue_head
    values = {
      found        = true
      receipt_id   = 7
      type_webhook = "incomingMessageReceived"
      timestamp    = 1767225600 # 2026-01-01: long before any run of this test
    }
  }

  assert {
    condition     = output.queue_heads["inbox"] == { receipt_id = 7, type_webhook = "incomingMessageReceived" }
    error_message = "queue_heads should show the head of the inbox queue."
  }

  expect_failures = [check.queues_are_read]
}

run "stays_quiet_while_the_queue_is_empty" {
  command = plan

  override_data {
    target = data.greenwaba_notification.queue_head
    values = {
      found = false
    }
  }

  assert {
    condition     = output.queue_heads["inbox"] == null
    error_message = "queue_heads should show an empty queue as null."
  }
}
