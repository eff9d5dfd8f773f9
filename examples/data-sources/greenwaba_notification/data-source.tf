# The head of the default account's queue. Reading it never deletes it.
data "greenwaba_notification" "head" {}

output "queue_head" {
  value = data.greenwaba_notification.head.found ? {
    receipt_id   = data.greenwaba_notification.head.receipt_id
    type_webhook = data.greenwaba_notification.head.type_webhook
    timestamp    = data.greenwaba_notification.head.timestamp
  } : null
}

# Another account of the fleet (its token comes from the provider's instance_tokens),
# waiting up to 20 seconds for something to arrive.
data "greenwaba_notification" "support_line" {
  id_instance     = 1101000002
  receive_timeout = 20
}

output "support_line_text" {
  value = try(jsondecode(data.greenwaba_notification.support_line.body).messageData.textMessageData.textMessage, null)
}
