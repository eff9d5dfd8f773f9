output "settings" {
  description = "The webhook settings of each account, by name (the token aside)."
  value = {
    for name, account in greenwaba_webhook_settings.account : name => {
      id_instance                  = account.id_instance
      webhook_url                  = account.webhook_url
      incoming_webhook             = account.incoming_webhook
      outgoing_webhook             = account.outgoing_webhook
      outgoing_api_message_webhook = account.outgoing_api_message_webhook
    }
  }
}

output "queue_heads" {
  description = "The head of each queue-mode account's queue (receipt_id, type_webhook), or null when it is empty."
  value = {
    for name, head in data.greenwaba_notification.queue_head : name => head.found ? {
      receipt_id   = head.receipt_id
      type_webhook = head.type_webhook
    } : null
  }
}
