package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

// This file words the GreenWaba client's errors for Terraform users: the client says what happened in the API's
// terms, and only here is that tied to the provider's attributes and environment variables.

// explain is err, from a call to account id, followed by what the user can do about it.
func (d *providerData) explain(err error, id int64) string {
	msg := err.Error()
	var ue *greenwaba.UnexpectedAnswerError
	if errors.As(err, &ue) {
		return msg + ". Check that api_url (or " + envAPIURL + ") points at the GreenWaba API."
	}
	var ae *greenwaba.APIError
	if !errors.As(err, &ae) {
		return msg
	}
	var advice string
	switch code := ae.StatusCode; {
	case ae.TimedOut && ae.Method == greenwaba.MethodReceiveNotification:
		advice = "GreenWaba did not answer within receive_timeout plus request_timeout" + d.requestTimeoutValue() +
			": raise request_timeout in the provider configuration, and the timeouts argument with it (it bounds " +
			"all the attempts together), or retry later."
	case ae.TimedOut: // before the context's errors: an attempt's timeout also reads as DeadlineExceeded
		advice = "GreenWaba did not answer within request_timeout" + d.requestTimeoutValue() + ": raise " +
			"request_timeout in the provider configuration, and the timeouts argument with it (it bounds all " +
			"the attempts together), or retry later."
	case ae.Rebooting(): // before the deadline: that the account was restarting is what the user can act on
		advice = "The account was still restarting after a settings write when the provider stopped waiting " +
			"(GreenWaba can take up to 5 minutes): retry later, or raise the timeouts argument to wait longer."
	case ae.Err != nil && errors.Is(ae.Err, context.DeadlineExceeded):
		advice = "The operation ran out of time: raise its timeouts argument, or retry later."
	case ae.Err != nil && errors.Is(ae.Err, context.Canceled):
	case ae.Err != nil:
		advice = "Check api_url (or " + envAPIURL + ") and the network."
	case code == http.StatusUnauthorized:
		return fmt.Sprintf("GreenWaba rejected the API token for instance %d (%s): check %s.", id, statusOf(ae), d.tokenSource(id))
	case code == http.StatusForbidden:
		return fmt.Sprintf("GreenWaba does not know instance %d (%s): check id_instance (or %s), or the instance "+
			"was deleted.", id, statusOf(ae), envIDInstance)
	case code == http.StatusNotFound:
		advice = "Check that api_url (or " + envAPIURL + ") points at the GreenWaba API."
	case code == http.StatusTooManyRequests:
		advice = "The provider keeps its own calls within GreenWaba's rate limits, so another client is calling " +
			"this account too: make fewer concurrent calls to it, or retry later."
	case code >= 300 && code < 400:
		advice = "The provider does not follow redirects, which would send the token elsewhere: check api_url " +
			"(or " + envAPIURL + ")."
	case code >= 500:
		advice = "GreenWaba is having trouble; retry later."
	}
	advice = strings.TrimSpace(advice + " " + writeOutcome(err))
	if advice == "" {
		return msg
	}
	return msg + ". " + advice
}

// queueClosedDiag explains GreenWaba's refusal to read the queue of account id, err (greenwaba.IsQueueClosed), to
// users of greenwaba_notification, the data source and the ephemeral resource alike.
func queueClosedDiag(err error, id int64) diag.Diagnostic {
	answer := err.Error()
	var ae *greenwaba.APIError
	if errors.As(err, &ae) {
		answer = statusOf(ae) + ": " + ae.Body
	}
	return diag.NewErrorDiagnostic("No notification queue: the account pushes to its webhook_url",
		fmt.Sprintf("GreenWaba instance %d delivers its notifications to its webhook_url, so GreenWaba keeps no "+
			"readable queue for it. greenwaba_notification reads the queue only of an account whose webhook_url "+
			"is \"\". If webhook_url was just set to \"\", the queue opens once GreenWaba has applied the settings "+
			"(up to 5 minutes): read it after the greenwaba_webhook_settings resource that clears it (depends_on), "+
			"which waits for that. GreenWaba answered %s", id, answer))
}

// requestTimeoutValue is request_timeout in parentheses, or "" where it is not known.
func (d *providerData) requestTimeoutValue() string {
	if d.requestTimeout <= 0 {
		return ""
	}
	return " (" + d.requestTimeout.String() + ")"
}

// writeOutcome says what became of the settings write that failed with err, as far as the provider knows: it may
// have been saved when the check that follows such a failure (D20) did not run or failed; none was saved when
// the provider gave up after checking every write. "" when e says nothing about it.
func writeOutcome(err error) string {
	var e *greenwaba.WriteError
	if !errors.As(err, &e) {
		return ""
	}
	switch {
	case e.MayBeSaved && e.Writes > 1:
		return fmt.Sprintf("The last of the %d writes may have been saved (the account showed that the ones "+
			"before it were not; each saved write reboots the account); the next plan shows what the account has.",
			e.Writes)
	case e.MayBeSaved:
		return "The write may have been saved (each saved write reboots the account); the next plan shows what " +
			"the account has."
	case e.NotSaved:
		// Writes is the client's maximum (3): it gives up only after that many.
		refused := ""
		if e.Attempts > e.Writes {
			refused = fmt.Sprintf(" (the other %d of the %d attempts were refused before GreenWaba took them)",
				e.Attempts-e.Writes, e.Attempts)
		}
		return fmt.Sprintf("The write was sent %d times%s and none was saved: after each, the provider asked "+
			"GreenWaba and found the account's previous settings.", e.Writes, refused)
	}
	return ""
}

// statusOf says how the API answered e: "HTTP 401 to getSettings", or, for an error inside an HTTP 200
// answer (D19), that answer.
func statusOf(e *greenwaba.APIError) string {
	if e.InBody {
		return fmt.Sprintf("HTTP 200 to %s carrying error %d: %s", e.Method, e.StatusCode, e.Body)
	}
	return fmt.Sprintf("HTTP %d to %s", e.StatusCode, e.Method)
}

// tokenSource names where the token of account id came from, as the configuration spells it.
func (d *providerData) tokenSource(id int64) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s := d.sources[id]; s != "" {
		return s
	}
	return "api_token_instance (or " + envAPIToken + ")"
}

// settingAttributes maps the wire names of GreenWaba's live settings to the resource's attributes.
var settingAttributes = map[string]string{
	greenwaba.FieldWebhookURL:                "webhook_url",
	greenwaba.FieldWebhookURLToken:           "the webhook token",
	greenwaba.FieldIncomingWebhook:           "incoming_webhook",
	greenwaba.FieldOutgoingWebhook:           "outgoing_webhook",
	greenwaba.FieldOutgoingAPIMessageWebhook: "outgoing_api_message_webhook",
}

// attributes lists fields as the resource's attributes.
func attributes(fields []string) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = settingAttributes[f]
	}
	return joinNames(names)
}

// applyErrorDiag explains a failed write of account id; op ("create", "update" or "delete") names the
// timeouts entry, whose value is timeout.
func (d *providerData) applyErrorDiag(err error, op string, id int64, timeout time.Duration) diag.Diagnostic {
	var nc *greenwaba.NotConvergedError
	var ce *greenwaba.ChangedElsewhereError
	var sa *greenwaba.StillApplyingError
	switch {
	case errors.As(err, &sa):
		return diag.NewErrorDiagnostic("An earlier webhook settings write is still being applied",
			fmt.Sprintf("GreenWaba instance %d was still applying an earlier settings write (it restarts after each "+
				"write, for up to 5 minutes) when the %s timeout of %s ended. No new write was sent, so the account "+
				"was not restarted again. Run the apply again later, or raise timeouts.%s to wait longer.",
				id, op, timeout, op))
	case errors.As(err, &ce):
		return diag.NewErrorDiagnostic("Webhook settings changed by someone else",
			fmt.Sprintf("While the %s waited for GreenWaba instance %d to apply the write, %s took a value that is "+
				"neither the previous one nor the one written: something else changed the account meanwhile (the "+
				"GreenWaba console, or another resource or configuration managing the same account). Make sure one "+
				"resource manages each account, then run the plan again: it shows what the account has now.",
				op, id, attributes(ce.Fields)))
	case errors.As(err, &nc) && errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic("Interrupted while waiting for the webhook settings",
			fmt.Sprintf("The %s was interrupted before GreenWaba showed the new settings of instance %d; the write "+
				"was sent. The next plan shows whatever still differs.", op, id))
	case errors.As(err, &nc):
		return diag.NewErrorDiagnostic("Webhook settings not applied in time",
			fmt.Sprintf("GreenWaba has not applied the settings of instance %d after %s: %s still %s. GreenWaba "+
				"can take up to 5 minutes to apply a change. The %s timeout is %s: raise timeouts.%s, or run the "+
				"apply again later (it writes nothing if GreenWaba has applied the settings by then).%s",
				id, nc.Waited.Round(time.Second), attributes(nc.Fields), differ(len(nc.Fields)), op, timeout, op, lastPoll(nc.LastErr)))
	}
	return diag.NewErrorDiagnostic("Cannot "+op+" the webhook settings", d.explain(err, id))
}

// differ agrees "differ" with n settings.
func differ(n int) string {
	if n == 1 {
		return "differs"
	}
	return "differ"
}

func lastPoll(err error) string {
	if err == nil {
		return ""
	}
	return " The last read failed: " + err.Error() + "."
}
