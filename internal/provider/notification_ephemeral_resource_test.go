package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// A message whose every private part is a string found nowhere else, so that its absence from the state proves
// something.
const (
	privateIDMessage = "PRIVATE-ID-7f3a9c"
	privateChatID    = "79995550123@c.us"
	privateText      = "meet me at the usual place"
	privateMessage   = `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000501,` +
		`"wid":"11001234567@c.us","typeInstance":"whatsapp"},"timestamp":1700000300,"idMessage":"` + privateIDMessage +
		`","senderData":{"chatId":"` + privateChatID + `","sender":"` + privateChatID + `","senderName":"Bo"},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"` + privateText + `"}}}`
)

// skipBelowEphemeral skips where the ephemeral resource cannot be tested: Terraform before 1.10, OpenTofu before 1.12.
var skipBelowEphemeral = []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_10_0), skipOpenTofuBelow112{}}

// echoHeadConfig reads the head with the ephemeral resource, with args in its block, and passes every result
// to echo.head.
func echoHeadConfig(args string) string {
	return fmt.Sprintf(`
ephemeral "greenwaba_notification" "head" {
  %s
}

provider "echo" {
  data = ephemeral.greenwaba_notification.head
}

resource "echo" "head" {}
`, args)
}

// echoedHead checks one result of the ephemeral resource as echo.head holds it.
func echoedHead(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("echo.head", tfjsonpath.New("data").AtMapKey(attr), check)
}

func TestAccNotificationEphemeralResource_valuesReachAConsumer(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	receipt := m.enqueue(t, privateMessage)

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowEphemeral,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWithEcho,
		Steps: []resource.TestStep{{
			Config: m.config(echoHeadConfig("receive_timeout = 20")),
			ConfigStateChecks: []statecheck.StateCheck{
				echoedHead("found", knownvalue.Bool(true)),
				echoedHead("receipt_id", knownvalue.Int64Exact(receipt)),
				echoedHead("type_webhook", knownvalue.StringExact("incomingMessageReceived")),
				echoedHead("timestamp", knownvalue.Int64Exact(1700000300)),
				echoedHead("id_message", knownvalue.StringExact(privateIDMessage)),
				echoedHead("chat_id", knownvalue.StringExact(privateChatID)),
				echoedHead("status", knownvalue.Null()),
				echoedHead("body", jsonEquals(privateMessage)),
				echoedHead("id_instance", knownvalue.Int64Exact(notificationTestID)),
				echoedHead("receive_timeout", knownvalue.Int64Exact(20)),
			},
			Check: m.receivedWithTimeout(20),
		}},
	})
	if err := m.untouched(1); err != nil {
		t.Error(err)
	}
}

func TestAccNotificationEphemeralResource_nothingOfTheNotificationInPlanOrState(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	m.enqueue(t, privateMessage)

	private := []string{privateIDMessage, privateChatID, privateText}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowEphemeral,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWithEcho,
		Steps: []resource.TestStep{{
			// The consumer keeps only what it chooses to: whether the queue is empty, and the type of its head.
			Config: m.config(`
ephemeral "greenwaba_notification" "head" {}

provider "echo" {
  data = {
    found        = ephemeral.greenwaba_notification.head.found
    type_webhook = ephemeral.greenwaba_notification.head.type_webhook
  }
}

resource "echo" "gate" {}
`),
			// Not the token: the plan's copy of the configuration holds the provider block as written.
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{noSecretInPlan(private)},
			},
			ConfigStateChecks: []statecheck.StateCheck{
				// The notification was read...
				statecheck.ExpectKnownValue("echo.gate", tfjsonpath.New("data").AtMapKey("found"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("echo.gate", tfjsonpath.New("data").AtMapKey("type_webhook"),
					knownvalue.StringExact("incomingMessageReceived")),
				// ...and nothing else of it was written.
				noSecretInState(append(private, notificationTestToken)),
			},
		}},
	})
	if err := m.untouched(1); err != nil {
		t.Error(err)
	}
}

func TestAccNotificationEphemeralResource_exampleGatesWebhookWithoutStoringTheHead(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{LongPollCap: 50 * time.Millisecond, WebhookRetry: time.Hour})
	tf := m.switchExampleRuns(t, "ephemeral-resources/greenwaba_notification/ephemeral-resource.tf",
		"Notifications are still queued: drain the queue before switching to push delivery.")
	state, err := os.ReadFile(filepath.Join(tf.dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	for _, private := range []string{privateIDMessage, privateChatID, privateText, notificationTestToken} {
		if strings.Contains(string(state), private) {
			t.Errorf("the state holds %q", private)
		}
	}
}

func TestAccNotificationEphemeralResource_emptyQueueIsNotFound(t *testing.T) {
	// The cap makes the mock answer an empty queue at once; the data source test waits the real 5 s.
	m := newNotificationMock(t, mockapi.Options{LongPollCap: 50 * time.Millisecond})

	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowEphemeral,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWithEcho,
		Steps: []resource.TestStep{{
			Config: m.config(echoHeadConfig("")),
			ConfigStateChecks: append(emptyHeadChecks(echoedHead),
				echoedHead("receive_timeout", knownvalue.Int64Exact(receiveTimeoutDefault))),
			Check: m.receivedWithTimeout(receiveTimeoutDefault),
		}},
	})
}

func TestAccNotificationEphemeralResource_invalidNumbersFailAtPlanNamingAttributeAndValue(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	m.enqueue(t, privateMessage)

	var steps []resource.TestStep
	for arg, want := range map[string]string{
		"receive_timeout = 90":  "Attribute receive_timeout value must be a whole number from 5 to 60, got 90.",
		"receive_timeout = 5.5": "Attribute receive_timeout value must be a whole number from 5 to 60, got 5.5.",
		"id_instance = 1.5":     "Attribute id_instance value must be a whole number of at least 1, got 1.5.",
		`timeouts = { open = "0s" }`: `timeouts.open is 0s, but a read of an empty queue waits receive_timeout (5s) ` +
			`for a notification: make timeouts.open longer than receive_timeout, such as "1m5s".`,
	} {
		steps = append(steps, resource.TestStep{
			Config: m.config(fmt.Sprintf(`
ephemeral "greenwaba_notification" "head" {
  %s
}

provider "echo" {
  data = ephemeral.greenwaba_notification.head.found
}

resource "echo" "head" {}
`, arg)),
			PlanOnly:    true,
			ExpectError: phrase(want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   skipBelowEphemeral,
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactoriesWithEcho,
		Steps:                    steps,
	})
	if n := m.reads(t); n != 0 {
		t.Errorf("the mock received %d receiveNotification requests, want 0", n)
	}
}
