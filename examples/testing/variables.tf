variable "accounts" {
  description = "The fleet, by name. webhook_url \"\" (the default) keeps the account in queue mode; write_only_token sends var.webhook_token with its webhooks."
  type = map(object({
    id_instance                  = number
    webhook_url                  = optional(string, "")
    write_only_token             = optional(bool, false)
    incoming_webhook             = optional(bool, true)
    outgoing_webhook             = optional(bool, false)
    outgoing_api_message_webhook = optional(bool, false)
  }))

  validation {
    condition     = alltrue([for account in values(var.accounts) : account.webhook_url == "" || startswith(account.webhook_url, "https://")])
    error_message = "Every webhook_url must be \"\" (queue mode) or an https:// URL: notifications carry phone numbers and message text."
  }

  validation {
    condition     = length(distinct([for account in values(var.accounts) : account.id_instance])) == length(var.accounts)
    error_message = "Each id_instance may appear once: two entries for one account would overwrite each other's settings."
  }
}

variable "webhook_token" {
  description = "The token GreenWaba sends with the webhooks of the accounts with write_only_token. Ephemeral: it never reaches the plan or the state."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "max_queue_age_minutes" {
  description = "How long a notification may wait in a queue before the check queues_are_read warns."
  type        = number
  default     = 60

  validation {
    condition     = var.max_queue_age_minutes > 0
    error_message = "max_queue_age_minutes must be greater than 0."
  }
}
