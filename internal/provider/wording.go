package provider

import (
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// Small helpers for the provider's messages.

// joinNames lists attribute names for a message: "a", "a and b".
func joinNames(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func isOrAre(names []string) string {
	if len(names) == 1 {
		return "is"
	}
	return "are"
}

// forInstance is " instance N" for a known account and "" before the account is known.
func forInstance(id int64) string {
	if id == 0 {
		return ""
	}
	return " instance " + strconv.FormatInt(id, 10)
}

// notConfigured is the error of an object used before the provider was configured, what naming the object
// ("the greenwaba_webhook_settings data source"). Terraform configures a provider before it plans, applies or reads
// with it, so this is a bug.
func notConfigured(what string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The greenwaba provider was not configured before "+what+" was used. This is a bug in the provider; please "+
			"report it.")
}
