package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// TestExplain_saysWhatHappenedAndWhatToDo pins the advice explain adds to the client's errors: what became of
// a failed write, and what to raise after a timeout.
func TestExplain_saysWhatHappenedAndWhatToDo(t *testing.T) {
	const id = int64(1101000001)
	clientTimeout := fmt.Errorf(`Get "https://api.greenwaba.example/waInstance1101000001/getSettings/***": %w `+
		"(Client.Timeout exceeded while awaiting headers)", context.DeadlineExceeded)
	writeTimeout := fmt.Errorf(`Post "https://api.greenwaba.example/waInstance1101000001/setSettings/***": %w `+
		"(Client.Timeout exceeded while awaiting headers)", context.DeadlineExceeded)
	e500 := func(attempts, writes int, mayBeSaved, notSaved bool) *greenwaba.WriteError {
		return &greenwaba.WriteError{Err: &greenwaba.APIError{Method: "setSettings", IDInstance: id, StatusCode: 500,
			Body: "Internal Server Error", Attempts: attempts},
			Writes: writes, Attempts: attempts, MayBeSaved: mayBeSaved, NotSaved: notSaved}
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"every write checked, none saved", e500(3, 3, false, true),
			"GreenWaba setSettings for instance 1101000001 answered HTTP 500 Internal Server Error after 3 attempts: " +
				"Internal Server Error. GreenWaba is having trouble; retry later. The write was sent 3 times and none " +
				"was saved: after each, the provider asked GreenWaba and found the account's previous settings."},
		{"the attempts of every write count", e500(5, 3, false, true),
			"after 5 attempts: Internal Server Error. GreenWaba is having trouble; retry later. The write was sent 3 " +
				"times (the other 2 of the 5 attempts were refused before GreenWaba took them) and none was saved"},
		{"one write, not checked", e500(1, 1, true, false),
			"after 1 attempt: Internal Server Error. GreenWaba is having trouble; retry later. The write may have been " +
				"saved (each saved write reboots the account); the next plan shows what the account has."},
		{"the check of the second write failed", fmt.Errorf("%w; finding out whether it was saved failed: %w",
			e500(2, 2, true, false), errors.New("getStateInstance: HTTP 401")),
			"GreenWaba is having trouble; retry later. The last of the 2 writes may have been saved (the account " +
				"showed that the ones before it were not; each saved write reboots the account); the next plan shows " +
				"what the account has."},
		{"a read slower than request_timeout", &greenwaba.APIError{Method: "getSettings", IDInstance: id, Attempts: 2,
			TimedOut: true, Err: clientTimeout},
			"getSettings/***\": context deadline exceeded (Client.Timeout exceeded while awaiting headers). GreenWaba " +
				"did not answer within request_timeout (2s): raise request_timeout in the provider configuration, and " +
				"the timeouts argument with it (it bounds all the attempts together), or retry later."},
		{"a write slower than request_timeout, every write checked", &greenwaba.WriteError{Err: &greenwaba.APIError{
			Method: "setSettings", IDInstance: id, Attempts: 3, TimedOut: true, Err: writeTimeout},
			Writes: 3, Attempts: 3, NotSaved: true},
			"or retry later. The write was sent 3 times and none was saved"},
		{"the operation's deadline", &greenwaba.APIError{Method: "getSettings", IDInstance: id, Attempts: 3,
			Err: context.DeadlineExceeded},
			"stopped after 3 attempts: context deadline exceeded. The operation ran out of time: raise its timeouts " +
				"argument, or retry later."},
		{"the deadline during a reboot", &greenwaba.APIError{Method: "getSettings", IDInstance: id, Attempts: 5,
			StatusCode: 400, Body: "instance in starting process try later", Err: context.DeadlineExceeded},
			"The account was still restarting after a settings write when the provider stopped waiting"},
		{"a slow long poll", &greenwaba.APIError{Method: greenwaba.MethodReceiveNotification, IDInstance: id,
			Attempts: 2, TimedOut: true, Err: clientTimeout},
			"GreenWaba did not answer within receive_timeout plus request_timeout (2s): raise request_timeout"},
		{"a reboot outlasting the operation", &greenwaba.APIError{Method: "receiveNotification", IDInstance: id,
			Attempts: 4, StatusCode: 400, Body: "instance in starting process try later"},
			"answered HTTP 400 Bad Request after 4 attempts: instance in starting process try later. The account was " +
				"still restarting after a settings write when the provider stopped waiting (GreenWaba can take up to 5 " +
				"minutes): retry later, or raise the timeouts argument to wait longer."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := (&providerData{requestTimeout: 2 * time.Second}).explain(tc.err, id)
			if !strings.Contains(got, tc.want) {
				t.Errorf("explain =\n%q\nwant it to contain\n%q", got, tc.want)
			}
			// "May have been saved" only where the provider could not find out.
			var we *greenwaba.WriteError
			if (!errors.As(tc.err, &we) || !we.MayBeSaved) && strings.Contains(got, "may have been saved") {
				t.Errorf("explain says the write may have been saved although every write was checked: %q", got)
			}
		})
	}

	// An interruption needs no advice: the user asked for it.
	interrupted := &greenwaba.APIError{Method: "getSettings", IDInstance: id, Attempts: 1, Err: context.Canceled}
	if got := (&providerData{}).explain(interrupted, id); got != interrupted.Error() {
		t.Errorf("explain(interrupted) = %q, want the error alone", got)
	}
}

// TestExplain_writeGivenUpAfterEveryCheck: through the client against the mock, a write answered 500 each time
// (never saved) is sent 3 times, checked after each, and the error says so instead of "may have been saved".
func TestExplain_writeGivenUpAfterEveryCheck(t *testing.T) {
	acc := newTestAccount(t, mockapi.Options{})
	addFault(t, acc.srv, mockapi.Fault{IDInstance: acc.id, Method: "setSettings", Status: 500, Count: 10})
	d := &providerData{
		apiURL: acc.baseURL, defaultID: acc.id, defaultToken: acc.token, tokens: map[int64]string{},
		clients: map[int64]*greenwaba.Client{}, sources: map[int64]string{}, pacer: testPacer,
		requestTimeout: time.Second, retry: testRetry, // each check after a 500 lasts a request timeout
	}
	client, id, diags := d.ClientFor(types.Int64Null())
	if diags.HasError() {
		t.Fatal(diagsText(diags))
	}
	on := true
	err := client.SetSettings(t.Context(), greenwaba.SettingsUpdate{IncomingWebhook: &on})
	if err == nil {
		t.Fatal("SetSettings succeeded against a 500 on every write")
	}
	got := d.applyErrorDiag(err, "update", id, time.Minute).Detail()
	want := "GreenWaba setSettings for instance 1101000001 answered HTTP 500 Internal Server Error after 3 attempts: " +
		"Internal Server Error. GreenWaba is having trouble; retry later. The write was sent 3 times and none was " +
		"saved: after each, the provider asked GreenWaba and found the account's previous settings."
	if got != want {
		t.Errorf("detail =\n%q\nwant\n%q", got, want)
	}
	info, err := acc.srv.Instance(acc.id)
	if err != nil {
		t.Fatal(err)
	}
	if info.SettingsWrites != 0 {
		t.Errorf("the mock saved %d writes, want none", info.SettingsWrites)
	}
}
