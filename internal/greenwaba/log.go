package greenwaba

import (
	"context"
)

// LogLevel is the severity of a log event; it maps one to one onto tflog's
// Trace, Debug and Info, the only levels the client logs at.
type LogLevel int

// Log levels, from most to least verbose.
const (
	LogTrace LogLevel = iota
	LogDebug
	LogInfo
)

// LogFunc receives request and response summaries. Fields never contain the
// API token or a webhookUrlToken value: URLs are masked
// (/waInstance1101000001/getSettings/***) and bodies have webhookUrlToken
// replaced by "***". Bodies are logged at LogTrace only.
//
// Events: "GreenWaba request" (Debug, each attempt), "GreenWaba response"
// (Debug), "GreenWaba request will be retried" (Info), "GreenWaba request
// failed" (Debug, the final error), "GreenWaba write failed after it may
// have been saved" (Info, SetSettings), "GreenWaba account still applying an
// earlier write" (Debug, Converge), "GreenWaba settings already as wanted;
// nothing written" (Debug, Converge), "Writing GreenWaba settings" (Info,
// Converge), "GreenWaba settings not applied yet" (Debug, WaitForSettings),
// and at Trace "GreenWaba request body" and "GreenWaba response body".
// Field keys: greenwaba_method, http_method, url, attempt, attempts, status,
// duration, wait, retry_after, error, body, fields, saved, evidence, writes,
// id_instance, resend.
type LogFunc func(ctx context.Context, level LogLevel, msg string, fields map[string]any)
