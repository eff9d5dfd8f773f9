package provider

import "testing"

// The client gets a log hook only when the provider's logger keeps some of what the client logs (INFO and below),
// so that the client builds and masks no log line that nobody reads.
func TestClientLog_onlyWhenTheProviderLoggerKeepsClientEvents(t *testing.T) {
	for _, tc := range []struct {
		level string // "" leaves the variable unset: terraform-plugin-log's default, TRACE
		want  bool
	}{
		{"", true}, {"TRACE", true}, {"debug", true}, {"INFO", true},
		{"WARN", false}, {"ERROR", false}, {"OFF", false}, {" off ", false},
	} {
		t.Run(tc.level, func(t *testing.T) {
			t.Setenv(providerLogLevelVar, tc.level)
			hook := clientLog("0123456789abcdef0123456789abcdef0123456789abcdef00")
			if got := hook != nil; got != tc.want {
				t.Fatalf("%s=%q: client log hook present = %v, want %v", providerLogLevelVar, tc.level, got, tc.want)
			}
		})
	}
}
