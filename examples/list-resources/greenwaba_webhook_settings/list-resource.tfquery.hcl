# terraform query -generate-config-out=generated.tf   (Terraform 1.14 and later)
# Every account the provider has a token for: its id_instance and each instance_tokens entry.
# Terraform stops at 100 results per list block unless limit says otherwise.
list "greenwaba_webhook_settings" "fleet" {
  provider         = greenwaba
  include_resource = true
  limit            = 1000
}

# Only some accounts, and only those that deliver to a webhook URL.
list "greenwaba_webhook_settings" "push" {
  provider = greenwaba

  config {
    id_instances  = [1101000001, 1101000002]
    delivery_mode = "push"
  }
}
