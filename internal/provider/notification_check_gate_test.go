package provider

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// exitCode runs terraform with args and returns its exit status and output; it fails the test when terraform
// cannot be run at all.
func (c *terraformCLI) exitCode(args ...string) (int, string) {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	c.t.Fatalf("terraform %s: %v", strings.Join(args, " "), err)
	return 0, ""
}

// TestAccNotificationEphemeralResource_checkGateKeepsDetailedExitCodeAtZero proves the documented gate: the
// ephemeral resource's check example warns while notifications are queued and keeps `plan -detailed-exitcode`
// at 0 (no changes) whether the queue is empty or not, where the data source's check example makes it 2.
func TestAccNotificationEphemeralResource_checkGateKeepsDetailedExitCodeAtZero(t *testing.T) {
	if v, err := cliVersion(); err != nil || strings.HasPrefix(v, "OpenTofu v1.11") || strings.HasPrefix(v, "OpenTofu v1.10") {
		t.Skip("OpenTofu before 1.12 lists ephemeral resources as planned changes")
	}
	m := newNotificationMock(t, mockapi.Options{LongPollCap: 50 * time.Millisecond})
	settings := `
resource "greenwaba_webhook_settings" "this" {
  incoming_webhook = true
}
`
	tf := newTerraformCLI(t, m.config(settings+readExample(t, "ephemeral-resources/greenwaba_notification/check.tf")))
	tf.run("apply", "-auto-approve", "-no-color")

	const warning = "The notification queue is not empty: drain it before switching to push delivery."
	code, out := tf.exitCode("plan", "-detailed-exitcode", "-no-color")
	if code != 0 || strings.Contains(out, "Warning: Check block assertion failed") {
		t.Errorf("empty queue: plan -detailed-exitcode exited %d, want 0 without a warning:\n%s", code, out)
	}
	m.enqueue(t, outgoingStatusBody)
	code, out = tf.exitCode("plan", "-detailed-exitcode", "-no-color")
	if code != 0 || !phrase(warning).MatchString(out) {
		t.Errorf("queued notification: plan -detailed-exitcode exited %d, want 0 with the check's warning:\n%s", code, out)
	}

	// The data source in a check block, by contrast, is planned to be read again on every run.
	tf.writeConfig(m.config(settings + readExample(t, "data-sources/greenwaba_notification/check.tf")))
	if code, out := tf.exitCode("plan", "-detailed-exitcode", "-no-color"); code != 2 {
		t.Errorf("data source check: plan -detailed-exitcode exited %d, want 2:\n%s", code, out)
	}
}
