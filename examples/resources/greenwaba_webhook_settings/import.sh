# The import ID is the account's idInstance. Any account the provider has a token for can be imported:
# the provider's id_instance (with api_token_instance) or any account in instance_tokens.
terraform import greenwaba_webhook_settings.main 1101000001

# One account of a for_each fleet.
terraform import 'greenwaba_webhook_settings.fleet["sales"]' 1101000011

# Importing reads the account's token into webhook_url_token: an ID cannot say which form the configuration
# uses. If it uses webhook_url_token_wo, the first apply takes the token out of the state again, and writes
# nothing to the account when it already has that token. With an import block, both happen in one apply.
