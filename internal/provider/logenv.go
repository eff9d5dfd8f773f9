package provider

import (
	"os"
	"strings"
)

// Logs nobody reads. terraform-plugin-log gives every logger of a provider process (the SDK's root logger, the
// protocol and framework subsystems, the provider's own) the level of its environment variable, and TRACE when
// that is unset, so with no TF_LOG at all a provider formats every trace line of the framework as JSON and writes it
// to Terraform, which discards it. DESIGN.md ("Logs nobody reads") says why turning them off is safe.

// logRequestPrefix starts the name of every variable by which a user asks Terraform or a provider for logs:
// Terraform's TF_LOG, TF_LOG_CORE, TF_LOG_PROVIDER, TF_LOG_PATH, terraform-plugin-log's TF_LOG_SDK,
// TF_LOG_SDK_PROTO, TF_LOG_SDK_FRAMEWORK, TF_LOG_PROVIDER_GREENWABA, TF_LOG_PATH_MASK and
// TF_LOG_SDK_PROTO_DATA_DIR.
const logRequestPrefix = "TF_LOG"

// unrequestedLogLevels are the level variables of the provider process's loggers, set to OFF when no log is asked
// for: the root SDK logger (terraform-plugin-go), its protocol subsystem, the framework's subsystem, and the
// provider's own logger, named after the last part of the provider address main.go serves.
var unrequestedLogLevels = []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", providerLogLevelVar}

// logsRequested reports whether environ (as os.Environ) sets any TF_LOG variable to a non-empty value: Terraform
// treats an empty one as unset.
func logsRequested(environ []string) bool {
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, logRequestPrefix) && value != "" {
			return true
		}
	}
	return false
}

// SilenceUnrequestedLogs turns the provider process's loggers off when its environment asks for no log, and
// leaves everything as it is when it asks for any. Call it before serving, in a provider process Terraform
// starts (not in debug mode, where the developer reads the output directly).
func SilenceUnrequestedLogs() error {
	if logsRequested(os.Environ()) {
		return nil
	}
	for _, name := range unrequestedLogLevels {
		if err := os.Setenv(name, "OFF"); err != nil {
			return err
		}
	}
	return nil
}
