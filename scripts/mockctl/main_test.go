package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi/mocktest"
)

const testID = 1101000001

func newMock(t *testing.T) (*mockapi.Server, string) {
	t.Helper()
	srv, base := mocktest.Start(t, mockapi.Options{})
	if err := srv.CreateInstance(testID, "demo-token-0123456789"); err != nil {
		t.Fatal(err)
	}
	return srv, base
}

func TestRun_consoleEditReachesTheMock(t *testing.T) {
	srv, base := newMock(t)
	var out bytes.Buffer
	err := run(context.Background(), []string{"-url", base, "PATCH", "/mock/v1/instances/1101000001/settings",
		`{"outgoingWebhook":"no","webhookUrl":"https://console.example.com/hook"}`}, &out, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	info, err := srv.Instance(testID)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Settings["webhookUrl"]; got != "https://console.example.com/hook" {
		t.Errorf("webhookUrl = %v, want the Console edit", got)
	}
}

func TestRun_fieldsPrintsOneLinePerPath(t *testing.T) {
	srv, base := newMock(t)
	if _, err := srv.Enqueue(testID, []byte(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"-url", base, "-fields", "settings.incomingWebhook,queueLength",
		"GET", "/mock/v1/instances/1101000001"}, &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	want := "settings.incomingWebhook = \"no\"\nqueueLength              = 1\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRun_errors(t *testing.T) {
	_, base := newMock(t)
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"HTTP status outside 2xx": {[]string{"-url", base, "GET", "/mock/v1/instances/42"}, "HTTP 404"},
		"unknown field":           {[]string{"-url", base, "-fields", "nope", "GET", "/mock/v1/instances/1101000001"}, `no field "nope"`},
		"GreenWaba path refused":  {[]string{"-url", base, "GET", "/waInstance1101000001/getSettings/x"}, "not under /mock/v1/"},
		"body not JSON":           {[]string{"-url", base, "PATCH", "/mock/v1/instances/1101000001/settings", "{"}, "not valid JSON"},
		"no base URL":             {[]string{"-url", "", "GET", "/mock/v1/healthz"}, "need -url"},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tc.args, &out, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
