package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// The fault matrix (issue 13): every fault the mock can produce, met by every operation, through real Terraform.
// Each case arms the fault, runs the operation, and then, with the fault cleared, runs the configuration again.
// Each run either converges (plugin-testing's own post-apply plan must be empty) or fails with the exact error
// of errors.go; the state always equals what GetSettings shows; the run after the fault plans nothing more than
// what is left to do; and the mock counts no write beyond one per intended change.

// matrixOp is one operation of the matrix, and the mock method its faults hit.
type matrixOp struct {
	name    string
	method  string
	timeout string // its timeouts entry; "" for reads, which cannot meet a write that never shows
}

var matrixOps = []matrixOp{
	{"create", "setSettings", "create"},
	{"update", "setSettings", "update"},
	{"destroy", "setSettings", "delete"},
	{"refresh", "getSettings", ""},
	{"import", "getSettings", ""},
	{"data source", "receiveNotification", ""},
}

// writes says whether the operation writes.
func (o matrixOp) writes() bool { return o.timeout != "" }

// matrixFault is one fault; faults are the mock faults to arm on the operation's method. failsWith, when set,
// is the error each operation ends with: every other fault must be ridden out.
type matrixFault struct {
	name      string
	writeOnly bool // needs a write of the operation's own: a write never visible
	reboot    bool // a write reboots the account first: the operation's own, or, for reads, another client's
	// savedWhenFailed: the operation failed with its write saved, so the next run has no write left to make.
	savedWhenFailed bool
	opts            mockapi.Options
	faults          func(id int64, method string) []mockapi.Fault
	failsWith       func(op matrixOp) *regexp.Regexp
}

func oneFault(f mockapi.Fault) func(int64, string) []mockapi.Fault {
	return func(id int64, method string) []mockapi.Fault {
		f.IDInstance, f.Method = id, method
		return []mockapi.Fault{f}
	}
}

func burst(processed bool, statuses ...int) func(int64, string) []mockapi.Fault {
	return func(id int64, method string) []mockapi.Fault {
		var out []mockapi.Fault
		for _, s := range statuses {
			out = append(out, mockapi.Fault{IDInstance: id, Method: method, Status: s, Processed: processed})
		}
		return out
	}
}

var matrixFaults = []matrixFault{
	{name: "429 with Retry-After", faults: oneFault(mockapi.Fault{Status: 429, RetryAfter: 1, Count: 2})},
	{name: "429 without Retry-After", faults: oneFault(mockapi.Fault{Status: 429, Count: 2})},
	{name: "500 502 503 burst", faults: burst(false, 500, 502, 503)},
	{name: "dropped connection", faults: oneFault(mockapi.Fault{Drop: true})},
	{name: "processed 500", faults: burst(true, 500)},
	{name: "processed 502", faults: burst(true, 502)},
	{name: "processed drop", faults: oneFault(mockapi.Fault{Drop: true, Processed: true})},
	// A gateway answered 504 at once; GreenWaba takes the call 1 s later, after the provider's first check
	// found nothing. The check keeps asking for request_timeout (2 s, at the account's pace of one call a
	// second), so the write is not sent twice (issue 18).
	{name: "504, processed later", faults: oneFault(mockapi.Fault{Status: 504, ProcessAfterMs: 1000})},
	// GreenWaba slow to take the call: the mock takes it after the client gave up. The provider's check (D20)
	// keeps asking for another request_timeout, so it sees the late write and does not write again.
	{name: "slower than request_timeout", faults: oneFault(mockapi.Fault{DelayMs: 3000})},
	// GreenWaba took the call at once and answered too late.
	{name: "processed, answered after request_timeout", faults: oneFault(mockapi.Fault{DelayMs: 3000, Processed: true})},
	// The reboot's 400s do not use up max_retries (D18): the reboot case runs with max_retries = 0. The reboot
	// would last an hour; it ends when the operation has met a 400.
	{name: "reboot 400s", reboot: true, opts: mockapi.Options{RebootErrors: true, ApplyDelay: time.Hour}},
	{name: "200 carrying an error", faults: oneFault(mockapi.Fault{Status: 200, Body: json.RawMessage(`{"code":500,"description":"Internal Server Error"}`)}),
		failsWith: func(op matrixOp) *regexp.Regexp {
			return phrase("GreenWaba " + op.method + " for instance 1101000001 answered HTTP 200 carrying error 500 " +
				`Internal Server Error: {"code":500,"description":"Internal Server Error"}. GreenWaba is having trouble; retry later.`)
		}},
	{name: "write never visible", writeOnly: true, savedWhenFailed: true, opts: mockapi.Options{ApplyDelay: time.Hour},
		failsWith: func(op matrixOp) *regexp.Regexp {
			return phrase("The " + op.timeout + " timeout is 4s: raise timeouts." + op.timeout)
		}},
}

// offsetClock is real time plus an offset the test can move forward, to make a pending write visible at once.
type offsetClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *offsetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *offsetClock) skip(d time.Duration) {
	c.mu.Lock()
	c.offset += d
	c.mu.Unlock()
}

// matrixConfig is the account's provider with short request timeouts and f's max_retries, and hcl: retries
// enough for a three-fault burst, or none for the reboot, whose 400s must not need them.
func matrixConfig(acc *testAccount, f matrixFault, hcl string) string {
	retries := 4
	if f.reboot {
		retries = 0
	}
	return fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  request_timeout    = "2s"
  max_retries        = %d
}
`, acc.baseURL, acc.id, acc.token, retries) + hcl
}

// matrixResource is the resource with url; short sets 4 s timeouts (the write that never becomes visible).
func matrixResource(url string, short bool) string {
	timeouts := ""
	if short {
		timeouts = `
  timeouts = {
    create = "4s"
    update = "4s"
    delete = "4s"
  }`
	}
	return fmt.Sprintf(`
resource "greenwaba_webhook_settings" "this" {
  webhook_url      = %q
  incoming_webhook = true%s
}
`, url, timeouts)
}

func TestAccReliability_faultMatrix(t *testing.T) {
	terraformOnly(t)
	for _, op := range matrixOps {
		for _, f := range matrixFaults {
			if f.writeOnly && !op.writes() {
				continue
			}
			t.Run(op.name+"/"+f.name, func(t *testing.T) {
				runMatrixCase(t, op, f)
			})
		}
	}
}

func runMatrixCase(t *testing.T, op matrixOp, f matrixFault) {
	clock := &offsetClock{}
	opts := f.opts
	opts.Clock = clock
	opts.LongPollCap = 50 * time.Millisecond
	if f.reboot {
		// The reboot ends once the operation has met its 400, however long the CLI took to make the call.
		opts.OnRequest = func(_ int64, r mockapi.RequestRecord) {
			if r.Status == http.StatusBadRequest {
				clock.skip(2 * time.Hour)
			}
		}
	}
	acc := newTestAccount(t, opts)
	short := f.name == "write never visible"
	cfgA := matrixConfig(acc, f, matrixResource(hookURL, short))
	cfgB := matrixConfig(acc, f, matrixResource(hookURL+"/v2", short))
	// A read meets the reboot after another client's write of the values it already has.
	extra := 0
	if f.reboot && !op.writes() {
		extra = 1
	}
	rebootErrorsBefore := 0
	arm := func() {
		if f.reboot && !op.writes() {
			body := `{"webhookUrl":"` + hookURL + `","incomingWebhook":"yes"}`
			if op.name == "data source" {
				body = `{"incomingWebhook":"no"}`
			}
			// The reboot lasts until the read meets it.
			if err := acc.srv.SetApplyDelay(acc.id, time.Hour); err != nil {
				t.Fatal(err)
			}
			rawWrite(t, acc, body)
		}
		if f.reboot {
			n, err := acc.statusCount(http.StatusBadRequest)
			if err != nil {
				t.Fatal(err)
			}
			rebootErrorsBefore = n
		}
		if f.faults == nil {
			return
		}
		for _, fault := range f.faults(acc.id, op.method) {
			addFault(t, acc.srv, fault)
		}
	}
	// clear disarms what is left of the fault and lets a pending write become visible.
	heal := func() {
		if f.reboot {
			// The operation itself met the reboot's 400s.
			if n, err := acc.statusCount(http.StatusBadRequest); err != nil || n == rebootErrorsBefore {
				t.Errorf("the %s met no reboot error (%v)", op.name, err)
			}
		}
		acc.srv.ClearFaults()
		clock.skip(2 * time.Hour)
		if err := acc.srv.SetApplyDelay(acc.id, 0); err != nil {
			t.Fatal(err)
		}
	}
	var expectErr *regexp.Regexp
	if f.failsWith != nil {
		expectErr = f.failsWith(op)
	}
	converged := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	// After a failed update or destroy, the next plan shows exactly what is left: the update unless its write was
	// saved, and the destroy, which Terraform only forgets once it succeeds.
	remaining := func(action plancheck.ResourceActionType) resource.ConfigPlanChecks {
		if expectErr == nil || (action == plancheck.ResourceActionUpdate && f.savedWhenFailed) {
			return converged
		}
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(settingsAddr, action)}}
	}
	// The default write-never-visible apply delay of an hour must not hold the setup apply.
	setupDelay := func() {
		if f.opts.ApplyDelay > 0 {
			if err := acc.srv.SetApplyDelay(acc.id, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	restoreDelay := func() {
		if f.opts.ApplyDelay > 0 {
			if err := acc.srv.SetApplyDelay(acc.id, f.opts.ApplyDelay); err != nil {
				t.Fatal(err)
			}
		}
	}

	var steps []resource.TestStep
	var destroyCheck resource.TestCheckFunc
	switch op.name {
	case "create":
		steps = []resource.TestStep{
			{PreConfig: arm, Config: cfgA, ExpectError: expectErr, Check: acc.truthful(1)},
			{PreConfig: heal, Config: cfgA, Check: acc.truthful(1)},
		}
	case "update":
		steps = []resource.TestStep{
			{PreConfig: setupDelay, Config: cfgA},
			{PreConfig: func() { restoreDelay(); arm() }, Config: cfgB, ExpectError: expectErr, Check: acc.truthful(2)},
			{PreConfig: heal, Config: cfgB, ConfigPlanChecks: remaining(plancheck.ResourceActionUpdate), Check: acc.truthful(2)},
		}
	case "destroy":
		empty := matrixConfig(acc, f, "")
		steps = []resource.TestStep{
			{PreConfig: setupDelay, Config: cfgA},
			{PreConfig: func() { restoreDelay(); arm() }, Config: empty, ExpectError: expectErr, Check: acc.writesWithTrail(2)},
			{PreConfig: heal, Config: empty, ConfigPlanChecks: remaining(plancheck.ResourceActionDestroy), Check: acc.writesWithTrail(2)},
		}
		destroyCheck = acc.live(freshSettings)
	case "refresh":
		steps = []resource.TestStep{
			{Config: cfgA},
			{PreConfig: arm, RefreshState: true, ExpectError: expectErr},
			{PreConfig: heal, Config: cfgA, ConfigPlanChecks: converged, Check: acc.truthful(1 + extra)},
		}
	case "import":
		steps = []resource.TestStep{
			{Config: cfgA},
			{PreConfig: arm, Config: cfgA, ResourceName: settingsAddr, ImportState: true, ImportStateId: "1101000001",
				ImportStateVerify: true, ExpectError: expectErr},
			{PreConfig: heal, Config: cfgA, ConfigPlanChecks: converged, Check: acc.truthful(1 + extra)},
		}
	case "data source":
		if _, err := acc.srv.Enqueue(acc.id, json.RawMessage(incomingMessageBody)); err != nil {
			t.Fatal(err)
		}
		ds := matrixConfig(acc, f, `
data "greenwaba_notification" "head" {}
`)
		found := resource.TestCheckResourceAttr("data.greenwaba_notification.head", "found", "true")
		steps = []resource.TestStep{
			{PreConfig: arm, Config: ds, ExpectError: expectErr, Check: resource.ComposeAggregateTestCheckFunc(found, acc.writesWithTrail(extra))},
			{PreConfig: heal, Config: ds, Check: resource.ComposeAggregateTestCheckFunc(found, acc.writesWithTrail(extra))},
		}
	}
	if destroyCheck == nil {
		destroyCheck = acc.live(freshSettings)
	}
	if op.name == "data source" {
		destroyCheck = acc.writesWithTrail(extra)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		CheckDestroy:             destroyCheck,
		Steps:                    steps,
	})
}

// truthful checks that the state holds what GetSettings shows for the account and that the account saw
// exactly writes setSettings writes.
func (a *testAccount) truthful(writes int) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(a.writesWithTrail(writes), func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[settingsAddr]
		if !ok {
			return fmt.Errorf("%s is not in the state", settingsAddr)
		}
		info, err := a.srv.Instance(a.id)
		if err != nil {
			return err
		}
		yes := map[string]string{"true": "yes", "false": "no"}
		for attr, field := range map[string]string{"webhook_url": "webhookUrl", "incoming_webhook": "incomingWebhook",
			"outgoing_webhook": "outgoingWebhook", "outgoing_api_message_webhook": "outgoingAPIMessageWebhook"} {
			got := rs.Primary.Attributes[attr]
			if w, ok := yes[got]; ok {
				got = w
			}
			if live := fmt.Sprint(info.Settings[field]); got != live {
				return fmt.Errorf("state has %s = %q, GetSettings shows %q", attr, got, live)
			}
		}
		return nil
	})
}

// rawWrite makes a setSettings call straight to the mock, as another client would.
func rawWrite(t *testing.T, acc *testAccount, body string) {
	t.Helper()
	url := fmt.Sprintf("%s/waInstance%d/setSettings/%s", acc.baseURL, acc.id, acc.token)
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setSettings: HTTP %d", resp.StatusCode)
	}
}

// writesWithTrail checks that the account saw exactly n setSettings writes, and on failure shows the calls
// it received (methods and statuses only).
func (a *testAccount) writesWithTrail(n int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		info, err := a.srv.Instance(a.id)
		if err != nil {
			return err
		}
		if info.SettingsWrites == n {
			return nil
		}
		err = fmt.Errorf("instance %d had %d setSettings writes, want %d", a.id, info.SettingsWrites, n)
		reqs, rerr := a.srv.Requests(a.id)
		if rerr != nil {
			return err
		}
		var b bytes.Buffer
		for _, r := range reqs {
			fmt.Fprintf(&b, "\n  %s %s %d", r.Time.Format("15:04:05.000"), r.Method, r.Status)
		}
		return fmt.Errorf("%w; calls:%s", err, b.String())
	}
}

// TestAccReliability_faultsOutlastingRetriesSayWhatHappened: a fault that lasts longer than max_retries ends the
// run with an error that names the call, the account, the answer and what to do; the texts are the ones the
// failure-behaviour guide quotes.
func TestAccReliability_faultsOutlastingRetriesSayWhatHappened(t *testing.T) {
	terraformOnly(t)
	for _, c := range []struct {
		name   string
		method string
		fault  mockapi.Fault
		check  *mockapi.Fault // a fault on getStateInstance too, the first call of the check after a failed write
		want   string
	}{
		// The first 429 of the process's first setSettings is taken for the previous process's pace and retried
		// without using up max_retries (1 here): 3 attempts.
		{"429", "setSettings", mockapi.Fault{Status: 429, RetryAfter: 1}, nil,
			"GreenWaba setSettings for instance 1101000001 answered HTTP 429 Too Many Requests after 3 attempts: Too Many " +
				"Requests. The provider keeps its own calls within GreenWaba's rate limits, so another client is calling " +
				"this account too: make fewer concurrent calls to it, or retry later."},
		{"503", "getSettings", mockapi.Fault{Status: 503}, nil,
			"GreenWaba getSettings for instance 1101000001 answered HTTP 503 Service Unavailable after 2 attempts: " +
				"Service Unavailable. GreenWaba is having trouble; retry later."},
		// A write that may have been saved is checked, found not saved and sent again, 3 writes in all.
		{"500 on a write", "setSettings", mockapi.Fault{Status: 500}, nil,
			"GreenWaba setSettings for instance 1101000001 answered HTTP 500 Internal Server Error after 3 attempts: " +
				"Internal Server Error. GreenWaba is having trouble; retry later. The write was sent 3 times and none " +
				"was saved: after each, the provider asked GreenWaba and found the account's previous settings."},
		{"drop on a write", "setSettings", mockapi.Fault{Drop: true}, nil,
			`GreenWaba setSettings for instance 1101000001 failed after 3 attempts: Post "{api_url}/waInstance1101000001/setSettings/***": EOF. ` +
				"Check api_url (or GREENWABA_API_URL) and the network. The write was sent 3 times and none was saved: " +
				"after each, the provider asked GreenWaba and found the account's previous settings."},
		// The check fails: the provider cannot tell whether the write was saved, and says so.
		{"500 on a write, and on the check", "setSettings", mockapi.Fault{Status: 500}, &mockapi.Fault{Status: 500},
			"GreenWaba setSettings for instance 1101000001 answered HTTP 500 Internal Server Error after 1 attempt: " +
				"Internal Server Error; finding out whether it was saved failed: GreenWaba getStateInstance for instance " +
				"1101000001 answered HTTP 500 Internal Server Error after 2 attempts: Internal Server Error. GreenWaba is " +
				"having trouble; retry later. The write may have been saved (each saved write reboots the account); the " +
				"next plan shows what the account has."},
		{"slow read", "getSettings", mockapi.Fault{DelayMs: 3000}, nil,
			`GreenWaba getSettings for instance 1101000001 failed after 2 attempts: Get "{api_url}/waInstance1101000001/getSettings/***": ` +
				"context deadline exceeded (Client.Timeout exceeded while awaiting headers). GreenWaba did not answer " +
				"within request_timeout (2s): raise request_timeout in the provider configuration, and the timeouts " +
				"argument with it (it bounds all the attempts together), or retry later."},
		{"400", "getSettings", mockapi.Fault{Status: 400}, nil,
			"GreenWaba getSettings for instance 1101000001 answered HTTP 400 Bad Request: Bad Request"},
	} {
		t.Run(c.name, func(t *testing.T) {
			acc := newTestAccount(t, mockapi.Options{})
			cfg := fmt.Sprintf(`
provider "greenwaba" {
  api_url            = %q
  id_instance        = %d
  api_token_instance = %q
  request_timeout    = "2s"
  max_retries        = 1
}
`, acc.baseURL, acc.id, acc.token) + matrixResource(hookURL, false)
			f := c.fault
			f.IDInstance, f.Method, f.Count = acc.id, c.method, 10
			arm := func() {
				addFault(t, acc.srv, f)
				if c.check != nil {
					// Converge asks getStateInstance once before it writes: that call goes through (a 1 ms delay
					// is a fault that answers normally), the checks after the write meet c.check.
					addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "getStateInstance", DelayMs: 1})
					check := *c.check
					check.IDInstance, check.Method, check.Count = acc.id, "getStateInstance", 10
					addFault(t, acc.srv, check)
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{PreConfig: arm, Config: cfg,
						ExpectError: regexp.MustCompile(`Cannot create the webhook settings(.|\n)*` + withAPIURL(phrase(c.want)))},
					// With the fault gone, the next run converges with one saved write: the failed ones saved nothing.
					{PreConfig: func() { acc.srv.ClearFaults() }, Config: cfg, Check: acc.truthful(1)},
				},
			})
		})
	}
}

// withAPIURL is re's pattern with {api_url} standing for the mock's URL, which changes from run to run.
func withAPIURL(re *regexp.Regexp) string {
	return strings.ReplaceAll(re.String(), regexp.QuoteMeta("{api_url}"), `http://\S+`)
}

// terraformOnly skips a reliability test under OpenTofu (make testacc-tofu): what it proves is the provider's and
// the mock's behaviour, the same under either CLI, and running it twice would double its CI time.
func terraformOnly(t *testing.T) {
	t.Helper()
	if tofu, err := cliIsOpenTofu(); err == nil && tofu {
		t.Skip("reliability suite: runs once, on Terraform (make testacc)")
	}
}
