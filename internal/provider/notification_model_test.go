package provider

import (
	"context"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-jsontypes/jsontypes"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	ephemeralschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Webhook bodies shaped as GreenWaba sends them for the three WABA types (DESIGN.md, D17).
const (
	incomingMessageBody = `{"typeWebhook":"incomingMessageReceived","instanceData":{"idInstance":1101000001,` +
		`"wid":"11001234567@c.us","typeInstance":"whatsapp"},"timestamp":1700000200,"idMessage":"XYZ9",` +
		`"senderData":{"chatId":"79990000000@c.us","sender":"79990000000@c.us","senderName":"Ann"},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hi"}}}`
	outgoingStatusBody = `{"typeWebhook":"outgoingMessageStatus","chatId":"79990000001@c.us","instanceData":` +
		`{"idInstance":1101000001,"wid":"11001234567@c.us","typeInstance":"whatsapp"},"timestamp":1700000100,` +
		`"idMessage":"ABC123","status":"failed","description":"template limit reached"}`
	outgoingAPIMessageBody = `{"typeWebhook":"outgoingAPIMessageReceived","instanceData":{"idInstance":1101000001,` +
		`"wid":"11001234567@c.us","typeInstance":"whatsapp"},"timestamp":1700000050,"idMessage":"API777",` +
		`"senderData":{"chatId":"79990000002@c.us","sender":"11001234567@c.us","chatName":"","senderName":""},` +
		`"messageData":{"typeMessage":"textMessage","textMessageData":{"textMessage":"hello"}}}`
)

func TestDecodeNotification_readsEachWABAType(t *testing.T) {
	cases := []struct {
		name string
		body string
		want notificationHead
	}{
		{
			name: "incomingMessageReceived",
			body: incomingMessageBody,
			want: notificationHead{
				Found:       types.BoolValue(true),
				ReceiptID:   types.Int64Value(7),
				TypeWebhook: types.StringValue("incomingMessageReceived"),
				Timestamp:   types.Int64Value(1700000200),
				IDMessage:   types.StringValue("XYZ9"),
				ChatID:      types.StringValue("79990000000@c.us"),
				Status:      types.StringNull(),
				Body:        jsontypes.NewNormalizedValue(incomingMessageBody),
			},
		},
		{
			name: "outgoingMessageStatus takes the top-level chatId and the status",
			body: outgoingStatusBody,
			want: notificationHead{
				Found:       types.BoolValue(true),
				ReceiptID:   types.Int64Value(7),
				TypeWebhook: types.StringValue("outgoingMessageStatus"),
				Timestamp:   types.Int64Value(1700000100),
				IDMessage:   types.StringValue("ABC123"),
				ChatID:      types.StringValue("79990000001@c.us"),
				Status:      types.StringValue("failed"),
				Body:        jsontypes.NewNormalizedValue(outgoingStatusBody),
			},
		},
		{
			name: "outgoingAPIMessageReceived",
			body: outgoingAPIMessageBody,
			want: notificationHead{
				Found:       types.BoolValue(true),
				ReceiptID:   types.Int64Value(7),
				TypeWebhook: types.StringValue("outgoingAPIMessageReceived"),
				Timestamp:   types.Int64Value(1700000050),
				IDMessage:   types.StringValue("API777"),
				ChatID:      types.StringValue("79990000002@c.us"),
				Status:      types.StringNull(),
				Body:        jsontypes.NewNormalizedValue(outgoingAPIMessageBody),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, skipped, err := decodeNotification(7, []byte(tc.body))
			if err != nil {
				t.Fatalf("decodeNotification: %v", err)
			}
			if len(skipped) != 0 {
				t.Errorf("skipped = %v, want none", skipped)
			}
			assertHead(t, got, tc.want)
		})
	}
}

func TestDecodeNotification_missingFieldsAreNull(t *testing.T) {
	body := `{"typeWebhook":"incomingMessageReceived","senderData":{"sender":"79990000000@c.us"},"idMessage":null}`
	got, skipped, err := decodeNotification(3, []byte(body))
	if err != nil {
		t.Fatalf("decodeNotification: %v", err)
	}
	if len(skipped) != 0 {
		t.Errorf("skipped = %v, want none: missing and null fields are not of a wrong type", skipped)
	}
	assertHead(t, got, notificationHead{
		Found:       types.BoolValue(true),
		ReceiptID:   types.Int64Value(3),
		TypeWebhook: types.StringValue("incomingMessageReceived"),
		Timestamp:   types.Int64Null(),
		IDMessage:   types.StringNull(),
		ChatID:      types.StringNull(),
		Status:      types.StringNull(),
		Body:        jsontypes.NewNormalizedValue(body),
	})
}

func TestDecodeNotification_emptyObjectIsFoundWithOnlyReceiptAndBody(t *testing.T) {
	got, _, err := decodeNotification(1, []byte(`{}`))
	if err != nil {
		t.Fatalf("decodeNotification: %v", err)
	}
	want := emptyHead()
	want.Found = types.BoolValue(true)
	want.ReceiptID = types.Int64Value(1)
	want.Body = jsontypes.NewNormalizedValue(`{}`)
	assertHead(t, got, want)
}

func TestDecodeNotification_fieldsOfWrongTypeAreNullAndNamed(t *testing.T) {
	body := `{"typeWebhook":"outgoingMessageStatus","timestamp":"1700000000","idMessage":42,` +
		`"status":"read","senderData":"79990000000@c.us","chatId":["x"]}`
	got, skipped, err := decodeNotification(9, []byte(body))
	if err != nil {
		t.Fatalf("decodeNotification: %v", err)
	}
	want := []string{"idMessage", "senderData", "chatId", "timestamp"}
	if !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped = %v, want %v", skipped, want)
	}
	assertHead(t, got, notificationHead{
		Found:       types.BoolValue(true),
		ReceiptID:   types.Int64Value(9),
		TypeWebhook: types.StringValue("outgoingMessageStatus"),
		Timestamp:   types.Int64Null(),
		IDMessage:   types.StringNull(),
		ChatID:      types.StringNull(),
		Status:      types.StringValue("read"),
		Body:        jsontypes.NewNormalizedValue(body),
	})
}

func TestDecodeNotification_timestampKeepsEveryDigitAndRejectsFractions(t *testing.T) {
	// 2^53+1 does not survive a trip through float64.
	got, skipped, err := decodeNotification(1, []byte(`{"timestamp":9007199254740993}`))
	if err != nil || len(skipped) != 0 {
		t.Fatalf("decodeNotification: skipped %v, err %v", skipped, err)
	}
	if !got.Timestamp.Equal(types.Int64Value(9007199254740993)) {
		t.Errorf("timestamp = %s, want 9007199254740993", got.Timestamp)
	}

	got, skipped, err = decodeNotification(1, []byte(`{"timestamp":1700000000.5}`))
	if err != nil {
		t.Fatalf("decodeNotification: %v", err)
	}
	if !got.Timestamp.IsNull() || !reflect.DeepEqual(skipped, []string{"timestamp"}) {
		t.Errorf("fractional timestamp: got %s, skipped %v; want null and [timestamp]", got.Timestamp, skipped)
	}
}

func TestDecodeNotification_bodyThatIsNotAnObjectIsAnError(t *testing.T) {
	for _, body := range []string{``, `null`, `[]`, `[{"typeWebhook":"x"}]`, `"text"`, `42`, `{"a":1}{"b":2}`, `{"a":`, `not json`} {
		if _, _, err := decodeNotification(1, []byte(body)); err == nil {
			t.Errorf("decodeNotification(%q) succeeded, want an error", body)
		}
	}
}

func TestEmptyHead_foundFalseAndEveryOtherResultNull(t *testing.T) {
	h := emptyHead()
	if !h.Found.Equal(types.BoolValue(false)) {
		t.Errorf("found = %s, want false", h.Found)
	}
	for name, v := range map[string]interface{ IsNull() bool }{
		"receipt_id": h.ReceiptID, "type_webhook": h.TypeWebhook, "timestamp": h.Timestamp,
		"id_message": h.IDMessage, "chat_id": h.ChatID, "status": h.Status, "body": h.Body,
	} {
		if !v.IsNull() {
			t.Errorf("%s is not null", name)
		}
	}
}

// The ephemeral resource must offer exactly the data source's arguments and results.
func TestNotificationSchemas_ephemeralMatchesDataSource(t *testing.T) {
	ctx := context.Background()

	var dsResp datasource.SchemaResponse
	NewNotificationDataSource().Schema(ctx, datasource.SchemaRequest{}, &dsResp)
	if diags := dsResp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("data source schema: %v", diags)
	}
	var erResp ephemeral.SchemaResponse
	NewNotificationEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &erResp)
	if diags := erResp.Schema.ValidateImplementation(ctx); diags.HasError() {
		t.Fatalf("ephemeral schema: %v", diags)
	}

	if len(erResp.Schema.Attributes) != len(dsResp.Schema.Attributes) {
		t.Fatalf("ephemeral has %d attributes, data source %d", len(erResp.Schema.Attributes), len(dsResp.Schema.Attributes))
	}
	for name, ds := range dsResp.Schema.Attributes {
		er, ok := erResp.Schema.Attributes[name]
		if !ok {
			t.Errorf("ephemeral resource lacks %q", name)
			continue
		}
		if name == "timeouts" {
			// Each kind's own timeouts type: the data source's entry is read, the ephemeral resource's open.
			dsTimeouts, dsOK := ds.(dsschema.SingleNestedAttribute)
			erTimeouts, erOK := er.(ephemeralschema.SingleNestedAttribute)
			if !dsOK || !erOK {
				t.Fatalf("timeouts is not a nested attribute: %T, %T", ds, er)
			}
			dsRead, erOpen := dsTimeouts.Attributes["read"], erTimeouts.Attributes["open"]
			if dsRead == nil || erOpen == nil || dsRead.GetMarkdownDescription() != erOpen.GetMarkdownDescription() {
				t.Errorf("timeouts: the data source's read and the ephemeral resource's open differ")
			}
			continue
		}
		if er.GetType() != ds.GetType() || er.IsOptional() != ds.IsOptional() || er.IsComputed() != ds.IsComputed() ||
			er.GetMarkdownDescription() != ds.GetMarkdownDescription() {
			t.Errorf("%q differs between the data source and the ephemeral resource", name)
		}
	}
}

func assertHead(t *testing.T, got, want notificationHead) {
	t.Helper()
	for _, f := range []struct {
		name      string
		got, want attr.Value
	}{
		{"found", got.Found, want.Found},
		{"receipt_id", got.ReceiptID, want.ReceiptID},
		{"type_webhook", got.TypeWebhook, want.TypeWebhook},
		{"timestamp", got.Timestamp, want.Timestamp},
		{"id_message", got.IDMessage, want.IDMessage},
		{"chat_id", got.ChatID, want.ChatID},
		{"status", got.Status, want.Status},
		{"body", got.Body, want.Body},
	} {
		if !f.got.Equal(f.want) {
			t.Errorf("%s = %s, want %s", f.name, f.got, f.want)
		}
	}
}

// TestNotificationTimeouts_validatedBeforeAnyRead: `terraform validate` refuses a timeout not longer than
// receive_timeout, for the data source (read) and the ephemeral resource (open), and lets a longer one, an unknown
// receive_timeout and the defaults through.
func TestNotificationTimeouts_validatedBeforeAnyRead(t *testing.T) {
	ctx := context.Background()
	var dsResp datasource.SchemaResponse
	NewNotificationDataSource().Schema(ctx, datasource.SchemaRequest{}, &dsResp)
	var erResp ephemeral.SchemaResponse
	NewNotificationEphemeralResource().Schema(ctx, ephemeral.SchemaRequest{}, &erResp)

	// config is a configuration of schema typ with receive_timeout and timeouts.<entry> set (nil: null).
	config := func(typ tftypes.Type, entry string, receive, limit any) tftypes.Value {
		obj, ok := typ.(tftypes.Object)
		if !ok {
			t.Fatalf("schema type %T", typ)
		}
		vals := map[string]tftypes.Value{}
		for name, at := range obj.AttributeTypes {
			vals[name] = tftypes.NewValue(at, nil)
		}
		vals["receive_timeout"] = tftypes.NewValue(tftypes.Number, receive)
		if limit != nil {
			tt, ok := obj.AttributeTypes["timeouts"].(tftypes.Object)
			if !ok {
				t.Fatal("timeouts is not an object")
			}
			vals["timeouts"] = tftypes.NewValue(tt, map[string]tftypes.Value{entry: tftypes.NewValue(tftypes.String, limit)})
		}
		return tftypes.NewValue(typ, vals)
	}
	for _, tc := range []struct {
		name    string
		receive any
		limit   any
		want    string // "" when valid
	}{
		{"as long as receive_timeout", big.NewFloat(30), "30s", "is 30s, but a read of an empty queue waits receive_timeout (30s)"},
		{"shorter than the default receive_timeout", nil, "4s", "is 4s, but a read of an empty queue waits receive_timeout (5s)"},
		{"longer", big.NewFloat(30), "31s", ""},
		{"unknown receive_timeout", tftypes.UnknownValue, "1s", ""},
		{"defaults", nil, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dsOut datasource.ValidateConfigResponse
			typ := dsResp.Schema.Type().TerraformType(ctx)
			(&notificationDataSource{}).ValidateConfig(ctx, datasource.ValidateConfigRequest{Config: tfsdk.Config{
				Schema: dsResp.Schema, Raw: config(typ, "read", tc.receive, tc.limit)}}, &dsOut)
			var erOut ephemeral.ValidateConfigResponse
			typ = erResp.Schema.Type().TerraformType(ctx)
			(&notificationEphemeralResource{}).ValidateConfig(ctx, ephemeral.ValidateConfigRequest{Config: tfsdk.Config{
				Schema: erResp.Schema, Raw: config(typ, "open", tc.receive, tc.limit)}}, &erOut)
			for entry, diags := range map[string]diag.Diagnostics{"read": dsOut.Diagnostics, "open": erOut.Diagnostics} {
				got := diagsText(diags)
				if tc.want == "" && diags.HasError() {
					t.Errorf("timeouts.%s: %s", entry, got)
				}
				if tc.want != "" && !strings.Contains(got, "timeouts."+entry+" "+tc.want) {
					t.Errorf("timeouts.%s: %q, want it to contain %q", entry, got, "timeouts."+entry+" "+tc.want)
				}
			}
		})
	}
}
