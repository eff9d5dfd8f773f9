# Integration tests: real applies through the provider, against greenwaba-mock. Run them through the script that
# starts the mock, seeds the inbox queue and sets the provider's environment:
#
#   ./with-greenwaba-mock.sh terraform test -filter=tests/integration.tftest.hcl
#
# Each run applies; at the end, terraform test destroys what the runs created, which puts the new-account settings
# back on the mock's accounts.

# Credentials from the environment: GREENWABA_API_URL and GREENWABA_INSTANCE_TOKENS.
provider "greenwaba" {}

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
  webhook_token = "integration-token-1"
}

run "applies_the_fleet" {
  assert {
    condition     = output.settings["sales"] == { id_instance = 1101000011, webhook_url = "https://hooks.example.com/sales", incoming_webhook = true, outgoing_webhook = true, outgoing_api_message_webhook = false }
    error_message = "sales does not have the settings it was given: ${jsonencode(output.settings["sales"])}"
  }

  assert {
    condition     = output.settings["inbox"].webhook_url == "" && output.settings["inbox"].incoming_webhook
    error_message = "inbox should be in queue mode with incoming_webhook on."
  }

  # The write-only token was sent (its revision counts the sends) and is not in the state.
  assert {
    condition     = greenwaba_webhook_settings.account["sales"].webhook_url_token_wo_revision == 1 && greenwaba_webhook_settings.account["sales"].webhook_url_token == null
    error_message = "sales should have had its write-only token sent once, and kept out of the state."
  }

  # The notification the script queued, read from the only queue open: inbox's.
  assert {
    condition     = keys(data.greenwaba_notification.queue_head) == ["inbox"]
    error_message = "Only the queue of inbox should be read."
  }

  assert {
    condition     = data.greenwaba_notification.queue_head["inbox"].type_webhook == "incomingMessageReceived"
    error_message = "The head of inbox's queue should be the incoming message the script queued."
  }

  assert {
    condition     = jsondecode(data.greenwaba_notification.queue_head["inbox"].body).messageData.textMessageData.textMessage == "Is my order on its way?"
    error_message = "The head of inbox's queue should carry the text the script queued."
  }
}

run "updates_a_setting_and_rotates_the_token" {
  variables {
    accounts = {
      sales = {
        id_instance      = 1101000011
        webhook_url      = "https://hooks.example.com/sales"
        write_only_token = true
        outgoing_webhook = true
      }
      support = {
        id_instance      = 1101000012
        webhook_url      = "https://hooks.example.com/support"
        outgoing_webhook = true
      }
      inbox = {
        id_instance = 1101000013
      }
    }
    webhook_token = "integration-token-2"
  }

  assert {
    condition     = greenwaba_webhook_settings.account["support"].outgoing_webhook
    error_message = "support should now send outgoing_webhook notifications."
  }

  assert {
    condition     = greenwaba_webhook_settings.account["sales"].webhook_url_token_wo_revision == 2
    error_message = "The new token should have been sent to sales (revision 2)."
  }

  # Reading the queue acknowledged nothing: the notification the script queued is still at its head. (OpenTofu
  # refuses run.applies_the_fleet.* in an assert, so this compares with the idMessage the script queued.)
  assert {
    condition     = data.greenwaba_notification.queue_head["inbox"].id_message == "TEST0001"
    error_message = "inbox's queue should still start with the notification the first run read."
  }
}
