package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

// The greenwaba_notification data source and ephemeral resource share this file: the model, the attribute
// descriptions, and the one read of the queue head. Only their schema types and lifecycles differ.

// receive_timeout bounds and default, in whole seconds, as the client (and the API, D10) accepts them.
const (
	receiveTimeoutMin     = int64(greenwaba.MinReceiveTimeout / time.Second)
	receiveTimeoutMax     = int64(greenwaba.MaxReceiveTimeout / time.Second)
	receiveTimeoutDefault = int64(greenwaba.DefaultReceiveTimeout / time.Second)
)

// notificationModel is the configuration and result of both greenwaba_notification objects.
type notificationModel struct {
	IDInstance     types.Number `tfsdk:"id_instance"`
	ReceiveTimeout types.Number `tfsdk:"receive_timeout"`
	notificationHead
}

// notificationHead is what the head of the queue says, decoded from the webhook body (the WABA webhook types of DESIGN.md, D17).
type notificationHead struct {
	Found       types.Bool           `tfsdk:"found"`
	ReceiptID   types.Int64          `tfsdk:"receipt_id"`
	TypeWebhook types.String         `tfsdk:"type_webhook"`
	Timestamp   types.Int64          `tfsdk:"timestamp"`
	IDMessage   types.String         `tfsdk:"id_message"`
	ChatID      types.String         `tfsdk:"chat_id"`
	Status      types.String         `tfsdk:"status"`
	Body        jsontypes.Normalized `tfsdk:"body"`
}

// emptyHead is the result for an empty queue: found is false and every other result is null.
func emptyHead() notificationHead {
	return notificationHead{
		Found:       types.BoolValue(false),
		ReceiptID:   types.Int64Null(),
		TypeWebhook: types.StringNull(),
		Timestamp:   types.Int64Null(),
		IDMessage:   types.StringNull(),
		ChatID:      types.StringNull(),
		Status:      types.StringNull(),
		Body:        jsontypes.NewNormalizedNull(),
	}
}

// decodeNotification turns a queue item into results. A field the body lacks is null, and so is a field of an
// unexpected type, which is also named in skipped so the caller can warn: the whole body stays available in Body
// either way. Only a body that is not a JSON object is an error.
func decodeNotification(receiptID int64, body []byte) (head notificationHead, skipped []string, err error) {
	var wire map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&wire); err != nil || wire == nil || dec.More() {
		return notificationHead{}, nil, errors.New("the notification body is not a JSON object")
	}

	head = emptyHead()
	head.Found = types.BoolValue(true)
	head.ReceiptID = types.Int64Value(receiptID)
	head.Body = jsontypes.NewNormalizedValue(string(body))

	str := func(raw json.RawMessage, name string) types.String {
		var s string
		if raw == nil || isJSONNull(raw) {
			return types.StringNull()
		}
		if json.Unmarshal(raw, &s) != nil {
			skipped = append(skipped, name)
			return types.StringNull()
		}
		return types.StringValue(s)
	}

	head.TypeWebhook = str(wire["typeWebhook"], "typeWebhook")
	head.IDMessage = str(wire["idMessage"], "idMessage")
	head.Status = str(wire["status"], "status")

	// Messages carry the chat in senderData; a status (outgoingMessageStatus) carries it at the top level.
	if raw, ok := wire["senderData"]; ok && !isJSONNull(raw) {
		var sender map[string]json.RawMessage
		if json.Unmarshal(raw, &sender) != nil {
			skipped = append(skipped, "senderData")
		} else {
			head.ChatID = str(sender["chatId"], "senderData.chatId")
		}
	}
	if head.ChatID.IsNull() {
		head.ChatID = str(wire["chatId"], "chatId")
	}

	if raw, ok := wire["timestamp"]; ok && !isJSONNull(raw) {
		// Decoded as an integer, never through float64, so the value is exactly what was sent.
		var ts int64
		if json.Unmarshal(raw, &ts) != nil {
			skipped = append(skipped, "timestamp")
		} else {
			head.Timestamp = types.Int64Value(ts)
		}
	}
	return head, skipped, nil
}

func isJSONNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// notificationAttributes are the arguments and results of both objects, written once in the data source's schema
// types; the ephemeral resource converts them (toEphemeralAttributes), so the two cannot drift apart.
func notificationAttributes() map[string]dsschema.Attribute {
	return map[string]dsschema.Attribute{
		"id_instance": dsschema.NumberAttribute{
			MarkdownDescription: "The account (`idInstance`) whose queue is read. Defaults to the provider's " +
				"`id_instance`. Its token comes from the provider's `instance_tokens` map, or from " +
				"`api_token_instance` when it is the provider's own account.",
			Optional:   true,
			Computed:   true,
			Validators: []validator.Number{validators.WholeNumber(1, math.MaxInt64)},
		},
		"receive_timeout": dsschema.NumberAttribute{
			MarkdownDescription: fmt.Sprintf("How long, in seconds, a read waits on an empty queue before it reports "+
				"`found = false`: from %d to %d, %d when not set.", receiveTimeoutMin, receiveTimeoutMax, receiveTimeoutDefault),
			Optional:   true,
			Computed:   true,
			Validators: []validator.Number{validators.WholeNumber(receiveTimeoutMin, receiveTimeoutMax)},
		},
		"found": dsschema.BoolAttribute{
			MarkdownDescription: "Whether the queue held a notification. When false, every other result is null.",
			Computed:            true,
		},
		"receipt_id": dsschema.Int64Attribute{
			MarkdownDescription: "The `receiptId` of the head of the queue. It stays the same until the notification " +
				"is deleted.",
			Computed: true,
		},
		"type_webhook": dsschema.StringAttribute{
			MarkdownDescription: "The notification's `typeWebhook`: `incomingMessageReceived`, `outgoingMessageStatus` " +
				"or `outgoingAPIMessageReceived` on WABA.",
			Computed: true,
		},
		"timestamp": dsschema.Int64Attribute{
			MarkdownDescription: "The notification's `timestamp`, in Unix seconds, as sent.",
			Computed:            true,
		},
		"id_message": dsschema.StringAttribute{
			MarkdownDescription: "The `idMessage` of the message the notification is about.",
			Computed:            true,
		},
		"chat_id": dsschema.StringAttribute{
			MarkdownDescription: "The chat: `senderData.chatId` of a message, or the top-level `chatId` of an " +
				"`outgoingMessageStatus`.",
			Computed: true,
		},
		"status": dsschema.StringAttribute{
			MarkdownDescription: "The delivery `status` of an `outgoingMessageStatus` (`sent`, `delivered`, `read`, " +
				"`noActiveSession`, `failed`); null for other types.",
			Computed: true,
		},
		"body": dsschema.StringAttribute{
			MarkdownDescription: "The whole notification (the webhook body) as normalized JSON, for `jsondecode`.",
			CustomType:          jsontypes.NormalizedType{},
			Computed:            true,
		},
	}
}

// toEphemeralAttributes converts data source attributes to the ephemeral schema's identical attribute types.
// The conversions are checked by the compiler; a kind not handled here fails the schema tests.
func toEphemeralAttributes(attrs map[string]dsschema.Attribute) map[string]ephemeralschema.Attribute {
	out := make(map[string]ephemeralschema.Attribute, len(attrs))
	for name, a := range attrs {
		switch a := a.(type) {
		case dsschema.BoolAttribute:
			out[name] = ephemeralschema.BoolAttribute(a)
		case dsschema.Int64Attribute:
			out[name] = ephemeralschema.Int64Attribute(a)
		case dsschema.NumberAttribute:
			out[name] = ephemeralschema.NumberAttribute(a)
		case dsschema.StringAttribute:
			out[name] = ephemeralschema.StringAttribute(a)
		}
	}
	return out
}

// notificationReadNote is the part of both objects' descriptions that says what a read does and does not do.
const notificationReadNote = "Reading the head never acknowledges it: the provider never calls DeleteNotification, " +
	"so the same notification (with the same `receipt_id`) comes back on every read until something else deletes it. " +
	"Each read makes one ReceiveNotification call, which waits up to `receive_timeout` seconds when the queue is empty. " +
	"GreenWaba keeps a queue only for an account whose `webhook_url` is `\"\"`: the read of an account that pushes to " +
	"a URL fails."

// defaultNotificationTimeout bounds a read of the queue when `timeouts` does not: the long poll and its retries,
// and the account's reboot (D18) if it is rebooting, as the resource's refresh.
const defaultNotificationTimeout = defaultReadTimeout

// notificationTimeoutDescription describes the one entry of both objects' `timeouts`, read or open.
func notificationTimeoutDescription(op string) string {
	return fmt.Sprintf("How long a %s of the queue may take, its retries and a reboot of the account (HTTP 400 "+
		"`instance in starting process`) included, as a duration such as `\"2m\"`. It must be longer than "+
		"`receive_timeout`. Defaults to `\"%s\"`.", op, durationString(defaultNotificationTimeout))
}

// validateTimeout checks, at validate time, what readHead checks again at read time (values unknown at validate
// time are skipped): the `timeouts` entry timeoutName, limit when read with the default, must be longer than
// receive_timeout.
func (m *notificationModel) validateTimeout(limit time.Duration, timeoutName string) diag.Diagnostics {
	if m.ReceiveTimeout.IsUnknown() {
		return nil
	}
	receive := time.Duration(receiveTimeoutDefault) * time.Second
	if !m.ReceiveTimeout.IsNull() {
		n := int64Of(m.ReceiveTimeout).ValueInt64()
		if n < receiveTimeoutMin || n > receiveTimeoutMax {
			return nil // its own validator says what is wrong
		}
		receive = time.Duration(n) * time.Second
	}
	return checkNotificationTimeout(limit, receive, timeoutName)
}

// checkNotificationTimeout is the rule that a read's limit, the `timeouts` entry timeoutName, be longer than the
// receive timeout: a read of an empty queue waits that long for a notification.
func checkNotificationTimeout(limit, receive time.Duration, timeoutName string) diag.Diagnostics {
	var diags diag.Diagnostics
	if limit <= receive {
		diags.AddAttributeError(path.Root("timeouts"), "Timeout shorter than receive_timeout", // timeouts: see dataSourceTimeouts
			fmt.Sprintf("timeouts.%s is %s, but a read of an empty queue waits receive_timeout (%s) for a "+
				"notification: make timeouts.%s longer than receive_timeout, such as %q.", timeoutName,
				durationString(limit), durationString(receive), timeoutName, durationString(receive+time.Minute)))
	}
	return diags
}

// readHead makes one ReceiveNotification call for the configured account, within limit (the `timeouts` entry
// named timeoutName, or its default), and fills m's results. It never deletes.
func (m *notificationModel) readHead(ctx context.Context, data *providerData, limit time.Duration, timeoutName string) diag.Diagnostics {
	var diags diag.Diagnostics
	if data == nil {
		diags.Append(notConfigured("greenwaba_notification"))
		return diags
	}

	client, idInstance, clientDiags := data.ClientFor(int64Of(m.IDInstance))
	diags.Append(clientDiags...)
	if diags.HasError() {
		return diags
	}
	m.IDInstance = numberOf(types.Int64Value(idInstance))

	if m.ReceiveTimeout.IsNull() {
		m.ReceiveTimeout = numberOf(types.Int64Value(receiveTimeoutDefault))
	}
	timeout := time.Duration(int64Of(m.ReceiveTimeout).ValueInt64()) * time.Second
	if diags.Append(checkNotificationTimeout(limit, timeout, timeoutName)...); diags.HasError() {
		return diags
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	n, err := client.ReceiveNotification(ctx, timeout)
	if greenwaba.IsQueueClosed(err) {
		diags.Append(queueClosedDiag(err, idInstance))
		return diags
	}
	if err != nil {
		diags.AddError(
			"Could not read the notification queue",
			fmt.Sprintf("Reading the head of the notification queue of GreenWaba instance %d failed: %s", idInstance,
				data.explain(err, idInstance)),
		)
		return diags
	}
	if n == nil {
		tflog.Debug(ctx, "The notification queue is empty", map[string]any{"id_instance": logInt(idInstance)})
		m.notificationHead = emptyHead()
		return diags
	}
	// Only the receipt id: the body holds phone numbers and message text.
	tflog.Debug(ctx, "Read the head of the notification queue", map[string]any{
		"id_instance": logInt(idInstance), "receipt_id": logInt(n.ReceiptID),
	})

	head, skipped, err := decodeNotification(n.ReceiptID, n.Body)
	if err != nil {
		diags.AddError(
			"Unexpected notification from GreenWaba",
			fmt.Sprintf("Notification %d at the head of the queue of GreenWaba instance %d cannot be read: %s. "+
				"Look at it with the ReceiveNotification API, and delete it (DeleteNotification) if nothing needs it.",
				n.ReceiptID, idInstance, err),
		)
		return diags
	}
	if len(skipped) > 0 {
		diags.AddWarning(
			"Notification fields of an unexpected type",
			fmt.Sprintf("Notification %d of GreenWaba instance %d has %s of an unexpected type; the matching results "+
				"are null. The whole notification is in body.", n.ReceiptID, idInstance, strings.Join(skipped, ", ")),
		)
	}
	m.notificationHead = head
	return diags
}

// durationString is d as a user would write it: "5m" rather than "5m0s".
func durationString(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
