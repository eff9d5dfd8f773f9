# The webhook token, from a secret store or a variable. As an ephemeral value it never reaches the plan or the
# state; webhook_url_token_wo accepts it because it is write-only.
variable "webhook_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

# Push incoming messages and the status of sent messages to an HTTPS endpoint.
# The account is the provider's id_instance.
resource "greenwaba_webhook_settings" "main" {
  webhook_url          = "https://hooks.example.com/greenwaba"
  webhook_url_token_wo = var.webhook_token
  incoming_webhook     = true
  outgoing_webhook     = true

  timeouts = {
    create = "10m"
    update = "10m"
  }
}
