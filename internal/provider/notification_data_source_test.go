package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// The account the notification tests read, created in each test's own mock.
const (
	notificationTestID    int64 = 1101000501
	notificationTestToken       = "notif0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99"
)

const headAddress = "data.greenwaba_notification.head"

func TestAccNotificationDataSource_emptyQueueIsNotFoundAfterReceiveTimeout(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{}) // no LongPollCap: each read really waits receiveTimeout

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: m.config(`
data "greenwaba_notification" "head" {}
`),
			ConfigStateChecks: append(emptyHeadChecks(expectHead),
				expectHead("receive_timeout", knownvalue.Int64Exact(receiveTimeoutDefault)),
				expectHead("id_instance", knownvalue.Int64Exact(notificationTestID))),
			// The mock answers null only after waiting the receiveTimeout it was asked for.
			Check: m.receivedWithTimeout(receiveTimeoutDefault),
		}},
	})
}

func TestAccNotificationDataSource_readsEveryFieldOfEachWABAType(t *testing.T) {
	cases := []struct {
		body                                   string
		typeWebhook, idMessage, chatID, status string
		timestamp                              int64
	}{
		{incomingMessageBody, "incomingMessageReceived", "XYZ9", "79990000000@c.us", "", 1700000200},
		{outgoingStatusBody, "outgoingMessageStatus", "ABC123", "79990000001@c.us", "failed", 1700000100},
		{outgoingAPIMessageBody, "outgoingAPIMessageReceived", "API777", "79990000002@c.us", "", 1700000050},
	}
	for _, tc := range cases {
		t.Run(tc.typeWebhook, func(t *testing.T) {
			m := newNotificationMock(t, mockapi.Options{})
			receipt := m.enqueue(t, tc.body)

			var status knownvalue.Check = knownvalue.Null()
			if tc.status != "" {
				status = knownvalue.StringExact(tc.status)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: m.config(`
data "greenwaba_notification" "head" {
  receive_timeout = 60
}
`),
					ConfigStateChecks: []statecheck.StateCheck{
						expectHead("found", knownvalue.Bool(true)),
						expectHead("receipt_id", knownvalue.Int64Exact(receipt)),
						expectHead("type_webhook", knownvalue.StringExact(tc.typeWebhook)),
						expectHead("timestamp", knownvalue.Int64Exact(tc.timestamp)),
						expectHead("id_message", knownvalue.StringExact(tc.idMessage)),
						expectHead("chat_id", knownvalue.StringExact(tc.chatID)),
						expectHead("status", status),
						expectHead("body", jsonEquals(tc.body)),
						expectHead("id_instance", knownvalue.Int64Exact(notificationTestID)),
						expectHead("receive_timeout", knownvalue.Int64Exact(60)),
						noSecretInState{notificationTestToken},
					},
					Check: m.receivedWithTimeout(60),
				}},
			})
		})
	}
}

func TestAccNotificationDataSource_readsAnyAccountOfTheFleet(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	m.enqueue(t, incomingMessageBody)
	const otherID, otherToken = 1101000502, "fleet0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99"
	if err := m.CreateInstance(otherID, otherToken); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Enqueue(otherID, json.RawMessage(outgoingStatusBody)); err != nil {
		t.Fatal(err)
	}

	fleet := func(dataSources string) string {
		return fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  instance_tokens    = { "%d" = %q }
  request_timeout    = "5s"
}
`, m.baseURL, notificationTestID, notificationTestToken, otherID, otherToken) + dataSources
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fleet(fmt.Sprintf(`
data "greenwaba_notification" "head" {}

data "greenwaba_notification" "other" {
  id_instance = %d
}
`, otherID)),
				ConfigStateChecks: []statecheck.StateCheck{
					expectHead("id_instance", knownvalue.Int64Exact(notificationTestID)),
					expectHead("type_webhook", knownvalue.StringExact("incomingMessageReceived")),
					statecheck.ExpectKnownValue("data.greenwaba_notification.other", tfjsonpath.New("id_instance"),
						knownvalue.Int64Exact(otherID)),
					statecheck.ExpectKnownValue("data.greenwaba_notification.other", tfjsonpath.New("type_webhook"),
						knownvalue.StringExact("outgoingMessageStatus")),
					noSecretInState{notificationTestToken, otherToken},
				},
			},
			{
				Config: fleet(`
data "greenwaba_notification" "head" {
  id_instance = 1101000599
}
`),
				PlanOnly:    true,
				ExpectError: phrase(`No API token for GreenWaba instance 1101000599: add "1101000599" to the provider's instance_tokens`),
			},
		},
	})
}

func TestAccNotificationDataSource_readingTwiceReturnsTheSameHead(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	first := m.enqueue(t, incomingMessageBody)
	m.enqueue(t, outgoingStatusBody)

	config := m.config(`
data "greenwaba_notification" "head" {}

data "greenwaba_notification" "again" {
  depends_on = [data.greenwaba_notification.head]
}
`)
	sameAcrossSteps := statecheck.CompareValue(compare.ValuesSame())
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectHead("receipt_id", knownvalue.Int64Exact(first)),
					expectHead("id_message", knownvalue.StringExact("XYZ9")),
					statecheck.CompareValuePairs(headAddress, tfjsonpath.New("receipt_id"),
						"data.greenwaba_notification.again", tfjsonpath.New("receipt_id"), compare.ValuesSame()),
					statecheck.CompareValuePairs(headAddress, tfjsonpath.New("body"),
						"data.greenwaba_notification.again", tfjsonpath.New("body"), compare.ValuesSame()),
					sameAcrossSteps.AddStateValue(headAddress, tfjsonpath.New("receipt_id")),
				},
			},
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					sameAcrossSteps.AddStateValue(headAddress, tfjsonpath.New("receipt_id")),
					expectHead("id_message", knownvalue.StringExact("XYZ9")),
				},
			},
		},
	})
}

func TestAccNotificationDataSource_planApplyAndRefreshNeverDelete(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	m.enqueue(t, incomingMessageBody)
	m.enqueue(t, outgoingStatusBody)

	config := m.config(`
data "greenwaba_notification" "head" {}
`)
	untouched := func(*terraform.State) error { return m.untouched(2) }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, PlanOnly: true},
			{
				PreConfig: func() {
					if err := m.untouched(2); err != nil {
						t.Errorf("after plan: %v", err)
					}
				},
				Config: config,
				Check:  untouched, // after apply
			},
			{RefreshState: true, Check: untouched},
		},
	})
	// And after destroy: the queue is as it was, and nothing ever asked to delete from it.
	if err := m.untouched(2); err != nil {
		t.Error(err)
	}
}

// TestAccNotificationDataSource_readsOncePerPlanApplyAndRefresh runs each Terraform command on its own and
// counts, in the mock's request log, the reads of each data source's account (one account each).
func TestAccNotificationDataSource_readsOncePerPlanApplyAndRefresh(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	m.enqueue(t, incomingMessageBody)
	const otherID, otherToken = 1101000503, "other0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99"
	if err := m.CreateInstance(otherID, otherToken); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Enqueue(otherID, json.RawMessage(outgoingStatusBody)); err != nil {
		t.Fatal(err)
	}
	tf := newTerraformCLI(t, fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  instance_tokens    = { "%d" = %q }
}

data "greenwaba_notification" "head" {}

data "greenwaba_notification" "other" {
  id_instance = %d
}

output "heads" {
  value = [data.greenwaba_notification.head.receipt_id, data.greenwaba_notification.other.receipt_id]
}
`, m.baseURL, notificationTestID, notificationTestToken, otherID, otherToken, otherID))

	accounts := []int64{notificationTestID, otherID}
	reads := func() []int {
		n := make([]int, len(accounts))
		for i, id := range accounts {
			n[i] = countRequests(t, m.Server, id, "receiveNotification")
		}
		return n
	}
	for _, args := range []string{"plan", "apply -auto-approve", "plan", "apply -refresh-only -auto-approve", "refresh"} {
		before := reads()
		tf.run(append(strings.Fields(args), "-no-color")...)
		after := reads()
		for i, id := range accounts {
			if got := after[i] - before[i]; got != 1 {
				t.Errorf("terraform %s read the queue of instance %d %d times, want once", args, id, got)
			}
		}
	}
	if err := m.untouched(1); err != nil {
		t.Error(err)
	}
}

func TestAccNotificationDataSource_invalidNumbersFailAtPlanNamingAttributeAndValue(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	m.enqueue(t, incomingMessageBody)

	var steps []resource.TestStep
	for arg, want := range map[string]string{
		"receive_timeout = 4":            "Attribute receive_timeout value must be a whole number from 5 to 60, got 4.",
		"receive_timeout = 61":           "Attribute receive_timeout value must be a whole number from 5 to 60, got 61.",
		"receive_timeout = 5.5":          "Attribute receive_timeout value must be a whole number from 5 to 60, got 5.5.",
		"id_instance     = 1101000001.5": "Attribute id_instance value must be a whole number of at least 1, got 1101000001.5.",
	} {
		steps = append(steps, resource.TestStep{
			Config:      m.config(fmt.Sprintf("data \"greenwaba_notification\" \"head\" {\n  %s\n}\n", arg)),
			PlanOnly:    true,
			ExpectError: phrase(want),
		})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps:                    steps,
	})
	// Validation refused it, not the API: the queue was never read.
	if n := m.reads(t); n != 0 {
		t.Errorf("the mock received %d receiveNotification requests, want 0", n)
	}
}

func TestAccNotificationDataSource_preconditionExampleRefusesWebhookWhileQueued(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{LongPollCap: 50 * time.Millisecond, WebhookRetry: time.Hour})
	m.switchExampleRuns(t, "data-sources/greenwaba_notification/precondition.tf",
		"Notifications are still queued: drain the queue before setting webhook_url.")
}

func TestAccNotificationDataSource_postconditionExampleFailsOnFailedDelivery(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{})
	failed := m.enqueue(t, outgoingStatusBody) // status "failed"
	m.enqueue(t, strings.Replace(outgoingStatusBody, `"failed"`, `"delivered"`, 1))

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: m.gateSteps(t, "data-sources/greenwaba_notification/postcondition.tf", failed, 2,
			"The head of the queue is a failed delivery status.",
			statecheck.ExpectKnownValue("data.greenwaba_notification.delivery", tfjsonpath.New("status"),
				knownvalue.StringExact("delivered")),
		),
	})
}

func TestAccNotificationDataSource_checkExampleNeverFailsTheRun(t *testing.T) {
	// Reads of the empty queue answer at once under the cap.
	m := newNotificationMock(t, mockapi.Options{LongPollCap: 50 * time.Millisecond})
	config := m.config(readExample(t, "data-sources/greenwaba_notification/check.tf"))
	const scoped = "data.greenwaba_notification.queued"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		// A data source scoped to a check block is always planned to be read again during apply.
		Steps: []resource.TestStep{
			{
				// Empty queue: the assertion holds, and its message must still render with null results.
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scoped, tfjsonpath.New("found"), knownvalue.Bool(false)),
				},
			},
			{
				// A queued notification: the assertion fails, as a warning only.
				PreConfig:          func() { m.enqueue(t, outgoingStatusBody) },
				Config:             config,
				ExpectNonEmptyPlan: true,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(scoped, tfjsonpath.New("found"), knownvalue.Bool(true)),
				},
			},
		},
	})
}

// notificationMock is a mock GreenWaba API holding the account the notification tests read. It also notes the
// receiveTimeout of every receiveNotification call, which the mock's request log does not show.
type notificationMock struct {
	*mockapi.Server
	baseURL string

	mu              sync.Mutex
	receiveTimeouts []string
}

// newNotificationMock starts a mock for one test. opts.LongPollCap shortens the wait on an empty queue.
func newNotificationMock(t *testing.T, opts mockapi.Options) *notificationMock {
	t.Helper()
	m := &notificationMock{Server: mockapi.New(opts)}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(strings.ToLower(r.URL.Path), "/receivenotification/") {
			m.mu.Lock()
			m.receiveTimeouts = append(m.receiveTimeouts, r.URL.Query().Get("receiveTimeout"))
			m.mu.Unlock()
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		m.Close() // releases parked long polls before the listener waits for them
		ts.Close()
	})
	m.baseURL = ts.URL
	if err := m.CreateInstance(notificationTestID, notificationTestToken); err != nil {
		t.Fatalf("creating the test account: %v", err)
	}
	return m
}

func (m *notificationMock) config(hcl string) string {
	return providerConfig(m.baseURL, notificationTestID, notificationTestToken) + hcl
}

// receivedWithTimeout fails unless the queue was read and every read asked the API to wait seconds.
func (m *notificationMock) receivedWithTimeout(seconds int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		m.mu.Lock()
		defer m.mu.Unlock()
		if len(m.receiveTimeouts) == 0 {
			return fmt.Errorf("the queue was never read")
		}
		want := strconv.FormatInt(seconds, 10)
		for _, got := range m.receiveTimeouts {
			if got != want {
				return fmt.Errorf("receiveNotification was asked to wait %q seconds, want %s", got, want)
			}
		}
		return nil
	}
}

// gateSteps test an example that refuses the run while head is at the head of the queue: the first step
// fails with refusal and leaves the queue (queued notifications) as it was; once head is acknowledged, the
// second step applies the example and runs checks.
func (m *notificationMock) gateSteps(t *testing.T, example string, head int64, queued int, refusal string, checks ...statecheck.StateCheck) []resource.TestStep {
	t.Helper()
	config := m.config(readExample(t, example))
	return []resource.TestStep{
		{Config: config, ExpectError: phrase(refusal)},
		{
			PreConfig: func() {
				if err := m.untouched(queued); err != nil {
					t.Fatalf("after the refused run: %v", err)
				}
				m.acknowledge(t, head)
			},
			Config:            config,
			ConfigStateChecks: checks,
		},
	}
}

func (m *notificationMock) enqueue(t *testing.T, body string) int64 {
	t.Helper()
	receipt, err := m.Enqueue(notificationTestID, json.RawMessage(body))
	if err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	return receipt
}

// acknowledge deletes a notification the way a consumer would, through the GreenWaba API.
func (m *notificationMock) acknowledge(t *testing.T, receipt int64) {
	t.Helper()
	url := fmt.Sprintf("%s/waInstance%d/deleteNotification/%s/%d", m.baseURL, notificationTestID, notificationTestToken, receipt)
	req, err := http.NewRequest(http.MethodDelete, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("deleteNotification: %v", err)
	}
	defer resp.Body.Close()
	var result struct {
		Result bool `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&result); err != nil || !result.Result {
		t.Fatalf("deleteNotification %d: HTTP %d, result %v, err %v", receipt, resp.StatusCode, result.Result, err)
	}
}

func readExample(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// emptyHeadChecks are the checks of an empty queue's results, each made with check: found is false and every
// other result null.
func emptyHeadChecks(check func(attr string, want knownvalue.Check) statecheck.StateCheck) []statecheck.StateCheck {
	checks := []statecheck.StateCheck{check("found", knownvalue.Bool(false))}
	for _, attr := range []string{"receipt_id", "type_webhook", "timestamp", "id_message", "chat_id", "status", "body"} {
		checks = append(checks, check(attr, knownvalue.Null()))
	}
	return checks
}

func expectHead(attr string, check knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(headAddress, tfjsonpath.New(attr), check)
}

// untouched fails unless the queue was read, was never sent a deleteNotification, and still holds n items.
func (m *notificationMock) untouched(n int) error {
	reqs, err := m.Requests(notificationTestID)
	if err != nil {
		return err
	}
	receives := 0
	for _, r := range reqs {
		switch {
		case strings.EqualFold(r.Method, "deleteNotification"):
			return fmt.Errorf("the mock received %s %s", r.Verb, r.Path)
		case strings.EqualFold(r.Method, "receiveNotification"):
			receives++
		}
	}
	if receives == 0 {
		return fmt.Errorf("the queue was never read")
	}
	info, err := m.Instance(notificationTestID)
	if err != nil {
		return err
	}
	if info.QueueLength != n {
		return fmt.Errorf("queue length = %d, want %d", info.QueueLength, n)
	}
	return nil
}

// requests counts the calls of a GreenWaba method the account received.
// reads counts the receiveNotification calls the test account received.
func (m *notificationMock) reads(t *testing.T) int {
	t.Helper()
	return countRequests(t, m.Server, notificationTestID, "receiveNotification")
}

// countRequests counts the calls of a GreenWaba method that account id of srv received.
func countRequests(t *testing.T, srv *mockapi.Server, id int64, method string) int {
	t.Helper()
	reqs, err := srv.Requests(id)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range reqs {
		if strings.EqualFold(r.Method, method) {
			n++
		}
	}
	return n
}

// jsonEquals passes when the value is a JSON document equal to want, whatever its formatting.
func jsonEquals(want string) knownvalue.Check { return jsonCheck{want} }

type jsonCheck struct{ want string }

func (c jsonCheck) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("expected a JSON string, got %T", v)
	}
	var got, want any
	if err := json.Unmarshal([]byte(s), &got); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if err := json.Unmarshal([]byte(c.want), &want); err != nil {
		return err
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("JSON %s differs from %s", s, c.want)
	}
	return nil
}

func (c jsonCheck) String() string { return c.want }

// TestAccNotificationDataSource_timeoutsBoundTheRead: timeouts.read must be longer than receive_timeout, which is
// refused at plan time before the queue is read; and it bounds a read that meets the account's reboot (D18): the
// read keeps retrying the reboot's 400s past max_retries until then, and ends saying the account was restarting.
func TestAccNotificationDataSource_timeoutsBoundTheRead(t *testing.T) {
	m := newNotificationMock(t, mockapi.Options{RebootErrors: true})
	var rebootStart time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: m.config(`
data "greenwaba_notification" "head" {
  receive_timeout = 10
  timeouts = {
    read = "10s"
  }
}
`),
				PlanOnly: true,
				ExpectError: phrase(`timeouts.read is 10s, but a read of an empty queue waits receive_timeout (10s) for a ` +
					`notification: make timeouts.read longer than receive_timeout, such as "1m10s".`),
			},
			{
				PreConfig: func() {
					if n := m.reads(t); n != 0 {
						t.Errorf("the refused timeout still read the queue %d times", n)
					}
					// A settings write that takes an hour to apply: the account restarts meanwhile.
					if err := m.SetApplyDelay(notificationTestID, time.Hour); err != nil {
						t.Fatal(err)
					}
					resp, err := http.Post(fmt.Sprintf("%s/waInstance%d/setSettings/%s", m.baseURL, notificationTestID,
						notificationTestToken), "application/json", strings.NewReader(`{"incomingWebhook":"yes"}`))
					if err != nil {
						t.Fatal(err)
					}
					_ = resp.Body.Close()
					rebootStart = time.Now()
				},
				Config: m.config(`
data "greenwaba_notification" "head" {
  timeouts = {
    read = "8s"
  }
}
`),
				PlanOnly:    true,
				ExpectError: phrase("The account was still restarting after a settings write when the provider stopped waiting"),
			},
		},
	})
	// Bounded by the 8 s, not by the 5-minute default or the 6-minute reboot allowance: the plan's own start and
	// the harness are the rest of this generous bound.
	if took := time.Since(rebootStart); took > 2*time.Minute {
		t.Errorf("the read during the reboot ended %v after it began, want about 8 s", took)
	}
	// providerConfig allows 2 retries: the reboot's 400s must not have used them up.
	if n := m.reads(t); n <= 3 {
		t.Errorf("the read met the reboot %d times, want more than max_retries + 1 = 3", n)
	}
}
