// Package mockapi is an in-process twin of the GreenWaba HTTP API for tests,
// demos and users' CI pipelines, served over real HTTP.
//
// It follows the API decisions D1–D20 listed in DESIGN.md: accounts are
// reached at /waInstance{idInstance}/{method}/{apiTokenInstance}[/{receiptId}]
// and answer getSettings, setSettings, receiveNotification,
// deleteNotification, getStateInstance and clearWebhooksQueue. Errors are
// one line of plain text. A setSettings write reboots the account: for its
// apply delay getStateInstance answers "starting" and, with reboot errors
// on, every other method answers 400 (D7, D18). While the visible
// webhookUrl is set, the account pushes its queue to that URL and
// receiveNotification and deleteNotification answer 400 "Message cannot be
// received because custom webhook url is set. …" (D14); a write that clears
// the URL opens the queue once it applies.
//
// Tests drive it through the Go API (CreateInstance, Enqueue, EditSettings,
// SetApplyDelay, SetRebootErrors, Instance, Requests, AddFault, Faults,
// ClearFaults), started with mocktest.Start, or the same operations over
// HTTP under /mock/v1/:
//
//	GET    /mock/v1/healthz                        200 "ok"
//	POST   /mock/v1/instances                      {"idInstance":N,"apiTokenInstance":"…"} → 201 {"idInstance":N}; 409 if it exists or the account cap is reached
//	GET    /mock/v1/instances/{id}                 200 {"settings":{…},"pendingSettings":{…}|null,"queueLength":N,"settingsWrites":N,"stateInstance":"authorized"|"starting","rebootErrors":false}
//	POST   /mock/v1/instances/{id}/notifications   one webhook object with a string typeWebhook → 201 {"receiptId":N}; 409 when the queue is at its cap
//	PATCH  /mock/v1/instances/{id}/settings        settings fields (a Console edit) → 200 with the instance object
//	PUT    /mock/v1/instances/{id}/apply-delay     {"applyDelayMs":N} → 200 {"applyDelayMs":N}
//	PUT    /mock/v1/instances/{id}/reboot-errors   {"enabled":true} → 200 {"enabled":true}
//	GET    /mock/v1/instances/{id}/requests        200 [{"time":…,"verb":"GET","method":"getSettings","path":"/waInstance1/getSettings/***","status":200}, …]
//	POST   /mock/v1/faults                         {"idInstance":N,"method":"getSettings","status":429,"body":…,"retryAfter":1,"count":3,"delayMs":0,"drop":false,"processed":false} → 201 with the fault as armed
//	GET    /mock/v1/faults                         200 [the armed faults, with the uses they have left]
//	DELETE /mock/v1/faults                         200 {"disarmed":N}
//
// Control errors are one line of plain text: 400 bad input (naming the
// field), 404 unknown instance, 409 instance exists or a cap is reached.
// Neither the API token nor the webhook token is ever logged or echoed in an
// error.
package mockapi
