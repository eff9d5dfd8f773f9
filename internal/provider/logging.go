package provider

import (
	"context"
	"os"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

// providerLogLevelVar is the level variable of the provider's own logger (terraform-plugin-log reads
// TF_LOG_PROVIDER_ and the provider's name); SilenceUnrequestedLogs sets it to OFF when no log is asked for.
const providerLogLevelVar = "TF_LOG_PROVIDER_GREENWABA"

// clientLog is the log hook of the client for the account whose API token is token: it routes the client's
// events into tflog. The client never logs tokens; masking this one here as well means a slip there still cannot
// reach TF_LOG output. Only the account's own token is masked, so a line costs the same in a fleet of any size;
// the operation's other secrets (a webhook token being written) are in ctx already (see maskSecrets).
//
// It is nil, no logging, when the provider's logger drops everything the client logs (INFO and below): its level
// is WARN, ERROR or OFF, as when no TF_LOG variable is set. tflog would drop those lines only after the client
// had built and masked them, and tflog had masked them again.
func clientLog(token string) greenwaba.LogFunc {
	if hclog.LevelFromString(os.Getenv(providerLogLevelVar)) > hclog.Info {
		return nil
	}
	return func(ctx context.Context, level greenwaba.LogLevel, msg string, fields map[string]any) {
		logAt(maskSecrets(ctx, token), level, msg, fields)
	}
}

// logAt writes one event at the tflog level matching level.
func logAt(ctx context.Context, level greenwaba.LogLevel, msg string, fields map[string]any) {
	switch level {
	case greenwaba.LogTrace:
		tflog.Trace(ctx, msg, fields)
	case greenwaba.LogDebug:
		tflog.Debug(ctx, msg, fields)
	default:
		tflog.Info(ctx, msg, fields)
	}
}

// sensitiveLogKeys are field names whose values are secrets whatever they contain.
var sensitiveLogKeys = []string{"webhookUrlToken", "webhook_url_token", "apiTokenInstance", "api_token_instance", "token"}

// maskSecrets makes tflog mask every non-empty secret in messages and field values, and every value of a
// sensitive field, for logs written with the returned context.
func maskSecrets(ctx context.Context, secrets ...string) context.Context {
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, sensitiveLogKeys...)
	var nonEmpty []string
	for _, s := range secrets {
		// An empty string would match between every character.
		if s != "" {
			nonEmpty = append(nonEmpty, s)
		}
	}
	if len(nonEmpty) == 0 {
		return ctx
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, nonEmpty...)
	return tflog.MaskMessageStrings(ctx, nonEmpty...)
}
