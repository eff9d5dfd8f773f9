package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// mockClock is the mock's time, moved by the test's sleeps.
type mockClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *mockClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *mockClock) sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return nil
}

// queueClient is a client for a fresh account of a mock on clock, with n notifications queued.
func queueClient(t *testing.T, clock *mockClock, n int) (*greenwaba.Client, *mockapi.Server) {
	t.Helper()
	acc := newTestAccount(t, mockapi.Options{Clock: clock})
	for range n {
		if _, err := acc.srv.Enqueue(acc.id, json.RawMessage(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
			t.Fatal(err)
		}
	}
	data := &providerData{apiURL: acc.baseURL, defaultID: acc.id, defaultToken: acc.token, tokens: map[int64]string{},
		clients: map[int64]*greenwaba.Client{}, sources: map[int64]string{}, retry: testRetry,
		requestTimeout: 5 * time.Second, pacer: greenwaba.NewPacer()}
	client, _, diags := data.ClientFor(types.Int64Null())
	if diags.HasError() {
		t.Fatal(diagsText(diags))
	}
	return client, acc.srv
}

func queueLength(t *testing.T, srv *mockapi.Server) int {
	t.Helper()
	info, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	return info.QueueLength
}

func TestClearQueue_waitsTheTimeLeftThenClears(t *testing.T) {
	clock := &mockClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	client, srv := queueClient(t, clock, 0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if left, err := clearQueue(ctx, client, clock.sleep, func(time.Duration) { t.Error("waited on a first clear") }); err != nil || left != 0 {
		t.Fatalf("first clear: left %s, %v", left, err)
	}
	// Someone clears it again 15 s later, with notifications queued since: the action waits 45 s and clears.
	if err := clock.sleep(ctx, 15*time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Enqueue(testID, json.RawMessage(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	left, err := clearQueue(ctx, client, clock.sleep, func(d time.Duration) { waits = append(waits, d) })
	if err != nil || left != 0 {
		t.Fatalf("clear 15 s later: left %s, %v", left, err)
	}
	if len(waits) != 1 || waits[0] != 45*time.Second {
		t.Fatalf("waited %v, want once for 45 s", waits)
	}
	if n := queueLength(t, srv); n != 0 {
		t.Fatalf("%d notifications left in the queue", n)
	}
}

func TestClearQueue_failsWithTheTimeLeftWhenTheTimeoutIsShorter(t *testing.T) {
	clock := &mockClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	client, srv := queueClient(t, clock, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := clearQueue(ctx, client, clock.sleep, func(time.Duration) {}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Enqueue(testID, json.RawMessage(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
		t.Fatal(err)
	}
	left, err := clearQueue(ctx, client, clock.sleep, func(time.Duration) { t.Error("waited beyond the deadline") })
	if err != nil || left != time.Minute {
		t.Fatalf("left %s, %v; want a minute left", left, err)
	}
	if n := queueLength(t, srv); n != 1 {
		t.Fatalf("%d notifications in the queue, want the 1 not cleared", n)
	}
}

// enqueue puts n notifications in the account's queue.
func enqueue(t *testing.T, acc *testAccount, n int) {
	t.Helper()
	for range n {
		if _, err := acc.srv.Enqueue(acc.id, json.RawMessage(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAccClearWebhooksQueueAction_invoke(t *testing.T) {
	requireQueryCLI(t)
	acc := newTestAccount(t, mockapi.Options{})
	enqueue(t, acc, 3)
	tf := newTerraformCLI(t, acc.config(`
action "greenwaba_clear_webhooks_queue" "this" {
  config {
    id_instance = 1101000001
  }
}
`))
	out := tf.run("apply", "-invoke=action.greenwaba_clear_webhooks_queue.this", "-auto-approve", "-no-color")
	if n := queueLength(t, acc.srv); n != 0 {
		t.Fatalf("%d notifications left after the action:\n%s", n, out)
	}
	if !strings.Contains(out, "Cleared the notification queue of GreenWaba instance 1101000001") {
		t.Fatalf("the action reported no progress:\n%s", out)
	}
	// Again at once: GreenWaba refuses for a minute, and a timeout shorter than that fails saying how long is left.
	enqueue(t, acc, 1)
	tf.writeConfig(acc.config(`
action "greenwaba_clear_webhooks_queue" "this" {
  config {
    timeouts = { invoke = "2s" }
  }
}
`))
	out = tf.fail("apply", "-invoke=action.greenwaba_clear_webhooks_queue.this", "-auto-approve", "-no-color")
	if !phrase("it can be cleared again in").MatchString(out) || !phrase("after this action's timeout of 2s").MatchString(out) {
		t.Fatalf("the refused action did not say the time left:\n%s", out)
	}
	if n := queueLength(t, acc.srv); n != 1 {
		t.Fatalf("%d notifications in the queue, want the 1 the refused action left", n)
	}
}

// TestAccClearWebhooksQueueAction_triggeredBySwitchToPush clears the queue from the resource's lifecycle when an
// update leaves the account in push mode, as examples/actions/greenwaba_clear_webhooks_queue/trigger.tf does.
func TestAccClearWebhooksQueueAction_triggeredBySwitchToPush(t *testing.T) {
	requireQueryCLI(t)
	acc := newTestAccount(t, mockapi.Options{})
	config := func(url string) string {
		return acc.config(fmt.Sprintf(`
action "greenwaba_clear_webhooks_queue" "after_push" {
  config {
    id_instance = 1101000001
  }
}

resource "greenwaba_webhook_settings" "this" {
  webhook_url      = %q
  incoming_webhook = true

  lifecycle {
    action_trigger {
      events    = [after_update]
      condition = greenwaba_webhook_settings.this.webhook_url != ""
      actions   = [action.greenwaba_clear_webhooks_queue.after_push]
    }
  }
}
`, url))
	}
	tf := newTerraformCLI(t, config(""))
	tf.run("apply", "-auto-approve", "-no-color")
	enqueue(t, acc, 2)
	// An update that stays in queue mode does not trigger it.
	tf.writeConfig(strings.Replace(config(""), "incoming_webhook = true", "incoming_webhook = false", 1))
	tf.run("apply", "-auto-approve", "-no-color")
	if n := queueLength(t, acc.srv); n != 2 {
		t.Fatalf("%d notifications in the queue after an update in queue mode, want 2", n)
	}
	tf.writeConfig(config("https://hooks.example.test/wa"))
	out := tf.run("apply", "-auto-approve", "-no-color")
	if n := queueLength(t, acc.srv); n != 0 {
		t.Fatalf("%d notifications left after the switch to push mode:\n%s", n, out)
	}
}
