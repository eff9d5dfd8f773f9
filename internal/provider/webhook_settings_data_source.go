package provider

import (
	"context"
	"math"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

var _ datasource.DataSourceWithConfigure = (*webhookSettingsDataSource)(nil)

// NewWebhookSettingsDataSource returns the greenwaba_webhook_settings data source.
func NewWebhookSettingsDataSource() datasource.DataSource { return &webhookSettingsDataSource{} }

type webhookSettingsDataSource struct {
	data *providerData
}

type webhookSettingsDataModel struct {
	ID                        types.String   `tfsdk:"id"`
	IDInstance                types.Number   `tfsdk:"id_instance"`
	WebhookURL                types.String   `tfsdk:"webhook_url"`
	WebhookURLTokenSet        types.Bool     `tfsdk:"webhook_url_token_set"`
	DeliveryMode              types.String   `tfsdk:"delivery_mode"`
	IncomingWebhook           types.Bool     `tfsdk:"incoming_webhook"`
	OutgoingWebhook           types.Bool     `tfsdk:"outgoing_webhook"`
	OutgoingAPIMessageWebhook types.Bool     `tfsdk:"outgoing_api_message_webhook"`
	Timeouts                  timeouts.Value `tfsdk:"timeouts"`
}

func (d *webhookSettingsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_settings"
}

func (d *webhookSettingsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(description string) schema.BoolAttribute {
		return schema.BoolAttribute{MarkdownDescription: description, Computed: true}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads how an account delivers its notifications, as GreenWaba has it now (getSettings), " +
			"for instance an account another team manages in another workspace. It never writes.\n\n" +
			"The webhook token is not read into the state: `webhook_url_token_set` says only whether the account " +
			"has one.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The account's `idInstance`, as a string.",
				Computed:            true,
			},
			"id_instance": schema.NumberAttribute{
				MarkdownDescription: "The account (`idInstance`) to read. Defaults to the provider's `id_instance`; " +
					"any other account needs its token in the provider's `instance_tokens`.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Number{validators.WholeNumber(1, math.MaxInt64)},
			},
			"webhook_url": schema.StringAttribute{
				MarkdownDescription: "Where GreenWaba POSTs notifications; `\"\"` when push delivery is off.",
				Computed:            true,
			},
			"webhook_url_token_set": computed("Whether the account sends a token with each webhook call. The token " +
				"itself is left out of the state."),
			"delivery_mode": schema.StringAttribute{
				MarkdownDescription: "`\"push\"` when the account has a webhook URL, else `\"queue\"`.",
				Computed:            true,
			},
			"incoming_webhook":             computed("Whether incoming messages and files are notified (`incomingWebhook`)."),
			"outgoing_webhook":             computed("Whether the status of sent messages is notified (`outgoingWebhook`)."),
			"outgoing_api_message_webhook": computed("Whether messages sent through the API are notified (`outgoingAPIMessageWebhook`)."),
			"timeouts": dataSourceTimeouts(ctx, timeouts.Opts{
				ReadDescription: "How long the read may take, retries included, as a duration such as `\"1m\"`. " +
					"Defaults to `\"" + durationString(defaultReadTimeout) + "\"`.",
			}),
		},
	}
}

func (d *webhookSettingsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data, resp.Diagnostics = providerDataFrom(req.ProviderData)
}

func (d *webhookSettingsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m webhookSettingsDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if d.data == nil {
		resp.Diagnostics.Append(notConfigured("the greenwaba_webhook_settings data source"))
		return
	}
	timeout, diags := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	client, id, diags := d.data.ClientFor(int64Of(m.IDInstance))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	live, err := client.GetSettings(ctx)
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the webhook settings", d.data.explain(err, id))
		return
	}
	m.ID = types.StringValue(strconv.FormatInt(id, 10))
	m.IDInstance = numberOf(types.Int64Value(id))
	m.WebhookURL = types.StringValue(live.WebhookURL)
	m.WebhookURLTokenSet = types.BoolValue(live.WebhookURLToken != "")
	m.DeliveryMode = types.StringValue(deliveryMode(live))
	m.IncomingWebhook = types.BoolValue(live.IncomingWebhook)
	m.OutgoingWebhook = types.BoolValue(live.OutgoingWebhook)
	m.OutgoingAPIMessageWebhook = types.BoolValue(live.OutgoingAPIMessageWebhook)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
