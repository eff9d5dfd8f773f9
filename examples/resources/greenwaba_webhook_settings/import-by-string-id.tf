# Take over an account that was set up in the console. The plan after the import is empty when the
# configuration matches the account.
import {
  to = greenwaba_webhook_settings.console
  id = "1101000002"
}

# The main resource of the example usage uses webhook_url_token_wo: the ":write-only" suffix keeps the
# account's webhook token out of the state and the plan, which is empty when the token matches.
import {
  to = greenwaba_webhook_settings.main
  id = "1101000001:write-only"
}
