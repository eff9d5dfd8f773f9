package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure      = (*notificationEphemeralResource)(nil)
	_ ephemeral.EphemeralResourceWithValidateConfig = (*notificationEphemeralResource)(nil)
)

// NewNotificationEphemeralResource returns the greenwaba_notification ephemeral resource: the data source's
// twin whose results never reach the plan or the state.
func NewNotificationEphemeralResource() ephemeral.EphemeralResource {
	return &notificationEphemeralResource{}
}

type notificationEphemeralResource struct {
	data *providerData
}

func (e *notificationEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification"
}

func (e *notificationEphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the head of an account's notification queue (ReceiveNotification) without " +
			"writing it to the plan or the state: the twin of the `greenwaba_notification` data source, for " +
			"pipelines that must not store message contents (phone numbers, text). Requires Terraform 1.10 or " +
			"later, or OpenTofu 1.11 or later. " + notificationReadNote,
		Attributes: toEphemeralAttributes(notificationAttributes()),
	}
	resp.Schema.Attributes["timeouts"] = ephemeralTimeouts(ctx, timeouts.Opts{
		OpenDescription: notificationTimeoutDescription("read"),
	})
}

// notificationEphemeralModel is the ephemeral resource's configuration and results.
type notificationEphemeralModel struct {
	notificationModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (e *notificationEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.data, resp.Diagnostics = providerDataFrom(req.ProviderData)
}

func (e *notificationEphemeralResource) ValidateConfig(ctx context.Context, req ephemeral.ValidateConfigRequest, resp *ephemeral.ValidateConfigResponse) {
	var m notificationEphemeralModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() || m.Timeouts.IsUnknown() {
		return
	}
	// A duration that cannot be parsed is the timeouts attribute's own validator's to report.
	if limit, diags := m.Timeouts.Open(ctx, defaultNotificationTimeout); !diags.HasError() {
		resp.Diagnostics.Append(m.validateTimeout(limit, "open")...)
	}
}

func (e *notificationEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m notificationEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := m.Timeouts.Open(ctx, defaultNotificationTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.readHead(ctx, e.data, limit, "open")...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
	}
}
