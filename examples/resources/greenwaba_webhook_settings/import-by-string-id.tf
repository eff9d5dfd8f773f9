# Take over an account that was set up in the console. The plan after the import is empty when the
# configuration matches the account.
import {
  to = greenwaba_webhook_settings.main
  id = "1101000001"
}
