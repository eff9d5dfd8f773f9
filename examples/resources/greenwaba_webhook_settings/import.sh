# The import ID is the account's idInstance. Any account the provider has a token for can be imported:
# the provider's id_instance (with api_token_instance) or any account in instance_tokens.
terraform import greenwaba_webhook_settings.console 1101000002

# When the configuration uses webhook_url_token_wo, as the main resource of the example usage does, add
# ":write-only" to the ID. The import then keeps only a salted fingerprint of the account's webhook token, in
# private state: the token is in neither the state nor the plan, and the plan after the import is empty when
# webhook_url_token_wo matches it. (A plain idInstance import reads the token into webhook_url_token; the first
# apply takes it out of the state again.) webhook_url_token_wo_version cannot be imported: when the
# configuration sets it, the first apply records it and sends the token once.
terraform import greenwaba_webhook_settings.main 1101000001:write-only

# One account of a for_each fleet.
terraform import 'greenwaba_webhook_settings.fleet["sales"]' 1101000011
