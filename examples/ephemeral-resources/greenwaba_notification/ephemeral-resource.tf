# The head of the queue, read without writing it to the plan or the state
# (Terraform 1.10 and later). Ephemeral values may feed other ephemeral
# contexts: locals, provider configuration, write-only arguments.
ephemeral "greenwaba_notification" "head" {
  receive_timeout = 10
}

locals {
  head_text = ephemeral.greenwaba_notification.head.found ? try(jsondecode(ephemeral.greenwaba_notification.head.body).messageData.textMessageData.textMessage, "") : ""
}
