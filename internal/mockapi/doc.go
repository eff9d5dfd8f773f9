// Package mockapi is an in-process twin of the GreenWaba HTTP API for tests,
// demos and users' CI pipelines, served over real HTTP.
//
// It follows the API decisions D1–D17 listed in DESIGN.md: accounts are
// reached at /waInstance{idInstance}/{method}/{apiTokenInstance}[/{receiptId}]
// and answer getSettings, setSettings, receiveNotification,
// deleteNotification, getStateInstance and clearWebhooksQueue. Errors are
// one line of plain text.
//
// Tests drive it through the Go API (CreateInstance, Enqueue, EditSettings,
// SetApplyDelay, Instance, Requests, AddFault) or the same operations over
// HTTP under /mock/v1/:
//
//	GET    /mock/v1/healthz                        200 "ok"
//	POST   /mock/v1/instances                      {"idInstance":N,"apiTokenInstance":"…"} → 201 {"idInstance":N}; 409 if it exists
//	GET    /mock/v1/instances/{id}                 200 {"settings":{…},"pendingSettings":{…}|null,"queueLength":N,"settingsWrites":N}
//	POST   /mock/v1/instances/{id}/notifications   one webhook object with a string typeWebhook → 201 {"receiptId":N}
//	PATCH  /mock/v1/instances/{id}/settings        settings fields (a Console edit) → 200 with the instance object
//	PUT    /mock/v1/instances/{id}/apply-delay     {"applyDelayMs":N} → 200 {"applyDelayMs":N}
//	GET    /mock/v1/instances/{id}/requests        200 [{"time":…,"verb":"GET","method":"getSettings","path":"/waInstance1/getSettings/***","status":200}, …]
//	POST   /mock/v1/faults                         {"idInstance":N,"method":"getSettings","status":429,"retryAfter":1,"count":3,"delayMs":0,"drop":false} → 201
//
// Control errors are one line of plain text: 400 bad input, 404 unknown
// instance, 409 instance exists. Neither the API token nor the webhook token
// is ever logged or echoed in an error.
package mockapi
