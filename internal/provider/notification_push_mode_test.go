package provider

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// In push mode GreenWaba keeps no readable queue (D14): greenwaba_notification fails with an error that names the
// account and the cause, a warning inside a check block, and reads again once a cleared webhook_url has applied.

// pushHook is a webhook_url nobody answers (TCP port 1 on loopback refuses): every push fails and the
// notification stays queued.
const pushHook = "http://127.0.0.1:1/hook"

// queueClosedText is the provider's whole explanation for account notificationTestID, as the failure behaviour
// guide quotes it.
const queueClosedText = "No notification queue: the account pushes to its webhook_url. " +
	"GreenWaba instance 1101000501 delivers its notifications to its webhook_url, so GreenWaba keeps no readable " +
	`queue for it. greenwaba_notification reads the queue only of an account whose webhook_url is "". If ` +
	`webhook_url was just set to "", the queue opens once GreenWaba has applied the settings (up to 5 minutes): ` +
	"read it after the greenwaba_webhook_settings resource that clears it (depends_on), which waits for that. " +
	"GreenWaba answered HTTP 400 to receiveNotification: Message cannot be received because custom webhook url " +
	"is set. Please clear webhook url and wait for about 1 minute"

// pushModeMock is a notification mock whose account has a notification queued and pushes to pushHook.
func pushModeMock(t *testing.T) *notificationMock {
	t.Helper()
	m := newNotificationMock(t, mockapi.Options{WebhookRetry: time.Hour})
	m.enqueue(t, incomingMessageBody)
	if err := m.EditSettings(notificationTestID, map[string]any{"webhookUrl": pushHook}); err != nil {
		t.Fatal(err)
	}
	return m
}

// inTerraformOutput matches text as Terraform prints a diagnostic: summary and detail, words wrapped anywhere.
func inTerraformOutput(text string) *regexp.Regexp {
	summary, detail, _ := strings.Cut(text, ". ")
	return regexp.MustCompile(phrase(summary).String() + `[\s\S]*` + phrase(detail).String())
}

// runFails runs terraform, which must fail, and returns what it printed.
func (c *terraformCLI) runFails(args ...string) string {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	if err == nil {
		c.t.Fatalf("terraform %s succeeded, want it to fail:\n%s", strings.Join(args, " "), out)
	}
	return string(out)
}

// receives is the statuses of the receiveNotification calls account notificationTestID received.
func (m *notificationMock) receives(t *testing.T) []int {
	t.Helper()
	reqs, err := m.Requests(notificationTestID)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, r := range reqs {
		if r.Method == "receiveNotification" {
			out = append(out, r.Status)
		}
	}
	return out
}

func TestAccNotificationDataSource_pushModeAccountIsAnErrorNamingTheCause(t *testing.T) {
	m := pushModeMock(t)
	tf := newTerraformCLI(t, m.config(`
data "greenwaba_notification" "head" {}
`))
	out := tf.runFails("plan", "-no-color")
	if !inTerraformOutput(queueClosedText).MatchString(out) {
		t.Fatalf("the plan did not fail with the closed-queue error %q:\n%s", queueClosedText, out)
	}
	// One read, refused once: the 400 is permanent, never retried.
	if got := m.receives(t); len(got) != 1 || got[0] != 400 {
		t.Errorf("receiveNotification answers = %v, want one 400", got)
	}
	if n, _ := m.Instance(notificationTestID); n.QueueLength != 1 {
		t.Errorf("queueLength = %d, want 1: GreenWaba keeps the notification for the webhook", n.QueueLength)
	}
}

func TestAccNotificationEphemeralResource_pushModeAccountIsAnErrorNamingTheCause(t *testing.T) {
	m := pushModeMock(t)
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowEphemeral,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWithEcho,
		Steps: []resource.TestStep{{
			Config:      m.config(echoHeadConfig("")),
			ExpectError: inTerraformOutput(queueClosedText),
		}},
	})
	for _, status := range m.receives(t) {
		if status != 400 {
			t.Errorf("receiveNotification answered %d, want 400", status)
		}
	}
}

// TestAccNotificationDataSource_pushModeInCheckBlockIsAWarning: a data source scoped to a check block turns the
// error into a warning, and plan and apply succeed (the check example, on an account in push mode).
func TestAccNotificationDataSource_pushModeInCheckBlockIsAWarning(t *testing.T) {
	m := pushModeMock(t)
	tf := newTerraformCLI(t, m.config(readExample(t, "data-sources/greenwaba_notification/check.tf")))
	for _, args := range [][]string{{"plan", "-no-color"}, {"apply", "-auto-approve", "-no-color"}} {
		out := tf.run(args...)
		warning := regexp.MustCompile(`Warning: ` + inTerraformOutput(queueClosedText).String())
		if !warning.MatchString(out) || strings.Contains(out, "Error:") {
			t.Fatalf("terraform %s: want the closed-queue error as a warning only:\n%s", args[0], out)
		}
	}
}

// TestAccNotificationDataSource_readsOnceClearedWebhookURLApplied: after webhook_url is set back to "" with an
// apply delay, a data source that depends on the resource reads the queue: the resource waits until GreenWaba
// shows "", and only then is the queue read, once.
func TestAccNotificationDataSource_readsOnceClearedWebhookURLApplied(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{WebhookRetry: time.Hour})
	if err := m.SetApplyDelay(notificationTestID, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	settings := func(url string) string {
		return m.config(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url = "` + url + `"
}
`)
	}
	tf := newTerraformCLI(t, settings(pushHook))
	tf.run("apply", "-auto-approve", "-no-color")
	receipt := m.enqueue(t, incomingMessageBody)

	tf.writeConfig(settings("") + `
data "greenwaba_notification" "head" {
  depends_on = [greenwaba_webhook_settings.this]
}

output "head" {
  value = data.greenwaba_notification.head.receipt_id
}
`)
	tf.run("apply", "-auto-approve", "-no-color")
	if got := strings.TrimSpace(tf.run("output", "-no-color", "head")); got != strconv.FormatInt(receipt, 10) {
		t.Fatalf("output head = %s, want receipt %d", got, receipt)
	}
	if got := m.receives(t); len(got) != 1 || got[0] != 200 {
		t.Errorf("receiveNotification answers = %v, want one 200: the queue is read only once it is open", got)
	}
}

// switchExampleRuns runs an example that switches the account to push delivery once its queue is drained, as a
// user would: with privateMessage queued the apply is refused with refusal (the queue read while webhook_url is
// still ""), and nothing is deleted; once the message is acknowledged the switch applies. Then the account has no
// readable queue: a plan that still reads it fails with the closed-queue error, and with push_applied = true the
// plan reads nothing and shows no change.
func (m *notificationMock) switchExampleRuns(t *testing.T, example, refusal string) *terraformCLI {
	t.Helper()
	receipt := m.enqueue(t, privateMessage)
	tf := newTerraformCLI(t, m.config(readExample(t, example)))

	if out := tf.runFails("apply", "-auto-approve", "-no-color"); !phrase(refusal).MatchString(out) {
		t.Fatalf("the apply was not refused with %q:\n%s", refusal, out)
	}
	if err := m.untouched(1); err != nil {
		t.Fatalf("after the refused run: %v", err)
	}
	if got := m.settingsOf(t)["webhookUrl"]; got != "" {
		t.Fatalf("the refused run set webhookUrl to %v", got)
	}

	m.acknowledge(t, receipt)
	tf.run("apply", "-auto-approve", "-no-color")
	if got := m.settingsOf(t)["webhookUrl"]; got != "https://hooks.example.com/greenwaba" {
		t.Fatalf("after the switch webhookUrl = %v", got)
	}

	if out := tf.runFails("plan", "-no-color"); !inTerraformOutput(queueClosedText).MatchString(out) {
		t.Fatalf("a plan reading the queue after the switch did not fail with the closed-queue error:\n%s", out)
	}
	reads := m.reads(t)
	tf.run("plan", "-no-color", "-detailed-exitcode", "-var", "push_applied=true")
	if n := m.reads(t); n != reads {
		t.Errorf("with push_applied = true the plan read the queue %d times, want 0", n-reads)
	}
	return tf
}

// settingsOf is the account's visible settings.
func (m *notificationMock) settingsOf(t *testing.T) map[string]any {
	t.Helper()
	info, err := m.Instance(notificationTestID)
	if err != nil {
		t.Fatal(err)
	}
	return info.Settings
}
