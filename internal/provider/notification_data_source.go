package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
)

var (
	_ datasource.DataSourceWithConfigure      = (*notificationDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*notificationDataSource)(nil)
)

// NewNotificationDataSource returns the greenwaba_notification data source: the head of an account's
// notification queue, read without acknowledging it.
func NewNotificationDataSource() datasource.DataSource { return &notificationDataSource{} }

type notificationDataSource struct {
	data *providerData
}

func (d *notificationDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_notification"
}

func (d *notificationDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the head of an account's notification queue (ReceiveNotification), for plans that " +
			"gate on the queue in a `check` block, a `precondition` or a `postcondition`. " + notificationReadNote + "\n\n" +
			"**The results are stored in the Terraform state** (and shown in plans), and a notification carries phone " +
			"numbers and message text. When they must not be written anywhere, use the `greenwaba_notification` " +
			"ephemeral resource instead (Terraform 1.10 and later, OpenTofu 1.11 and later): same arguments, same " +
			"results, nothing in state.",
		Attributes: notificationAttributes(),
	}
	resp.Schema.Attributes["timeouts"] = dataSourceTimeouts(ctx, timeouts.Opts{
		ReadDescription: notificationTimeoutDescription("read"),
	})
}

// notificationDataSourceModel is the data source's configuration and results.
type notificationDataSourceModel struct {
	notificationModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *notificationDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data, resp.Diagnostics = providerDataFrom(req.ProviderData)
}

func (d *notificationDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m notificationDataSourceModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() || m.Timeouts.IsUnknown() {
		return
	}
	// A duration that cannot be parsed is the timeouts attribute's own validator's to report.
	if limit, diags := m.Timeouts.Read(ctx, defaultNotificationTimeout); !diags.HasError() {
		resp.Diagnostics.Append(m.validateTimeout(limit, "read")...)
	}
}

func (d *notificationDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m notificationDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	limit, diags := m.Timeouts.Read(ctx, defaultNotificationTimeout)
	if resp.Diagnostics.Append(diags...); resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.readHead(ctx, d.data, limit, "read")...)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}
