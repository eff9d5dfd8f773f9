package provider

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

var _ list.ListResourceWithConfigure = (*webhookSettingsList)(nil)

// Delivery modes the list resource filters by: push to a webhook URL, or the HTTP API queue.
const (
	deliveryPush  = "push"
	deliveryQueue = "queue"
)

// listReaders is how many accounts the list resource reads at once. Each account keeps its own pace (D15);
// this only bounds the provider's connections.
const listReaders = 8

// NewWebhookSettingsList returns the greenwaba_webhook_settings list resource (terraform query).
func NewWebhookSettingsList() list.ListResource { return &webhookSettingsList{} }

type webhookSettingsList struct {
	data *providerData
}

type webhookSettingsListModel struct {
	IDInstances  types.List   `tfsdk:"id_instances"`
	DeliveryMode types.String `tfsdk:"delivery_mode"`
}

func (l *webhookSettingsList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_settings"
}

func (l *webhookSettingsList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the webhook settings of every account the provider has a token for (its " +
			"`id_instance` and each `instance_tokens` entry), for `terraform query` (Terraform 1.14 and later); " +
			"with `-generate-config-out` it writes a `greenwaba_webhook_settings` block and an import block by " +
			"identity for each. Each account's settings are read once, at the account's pace. The generated " +
			"blocks hold no token: imported so, the account keeps the token it has, unmanaged, until the " +
			"configuration sets `webhook_url_token_wo` (or `webhook_url_token`).",
		Attributes: map[string]schema.Attribute{
			"id_instances": schema.ListAttribute{
				MarkdownDescription: "List only these accounts (`idInstance`); each needs a token in the provider. " +
					"Defaults to every account the provider has a token for.",
				Optional:    true,
				ElementType: types.Int64Type,
				Validators:  []validator.List{listvalidator.ValueInt64sAre(int64validator.AtLeast(1))},
			},
			"delivery_mode": schema.StringAttribute{
				MarkdownDescription: "List only the accounts that deliver notifications this way: `\"push\"` (to a " +
					"webhook URL) or `\"queue\"` (no webhook URL; read through the HTTP API queue).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(deliveryPush, deliveryQueue)},
			},
		},
	}
}

func (l *webhookSettingsList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.data, resp.Diagnostics = providerDataFrom(req.ProviderData)
}

// listedAccount is one account's settings as read for the list, or why they could not be.
type listedAccount struct {
	id       int64
	settings *greenwaba.Settings
	diags    diag.Diagnostics
}

func (l *webhookSettingsList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg webhookSettingsListModel
	diags := req.Config.Get(ctx, &cfg)
	if l.data == nil {
		diags.Append(notConfigured("the greenwaba_webhook_settings list resource"))
	}
	var ids []int64
	if !diags.HasError() {
		ids, diags = l.accounts(ctx, cfg, diags)
	}
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		pushed := int64(0)
		for acc := range l.read(ctx, ids) {
			if acc.settings != nil && !cfg.DeliveryMode.IsNull() && deliveryMode(acc.settings) != cfg.DeliveryMode.ValueString() {
				continue
			}
			result := req.NewListResult(ctx)
			result.Diagnostics.Append(acc.diags...)
			if acc.settings != nil {
				result.DisplayName = listDisplayName(acc.id, acc.settings)
				result.Diagnostics.Append(result.Identity.Set(ctx, webhookSettingsIdentityModel{IDInstance: types.Int64Value(acc.id)})...)
				if req.IncludeResource {
					result.Diagnostics.Append(setListedResource(ctx, result.Resource, acc.id, acc.settings)...)
				}
			}
			if acc.settings == nil && !acc.diags.HasError() {
				for _, d := range acc.diags {
					tflog.Warn(ctx, d.Summary()+": "+d.Detail())
				}
				continue // a result needs an identity: the warning goes to the log
			}
			if !push(result) {
				return
			}
			if pushed++; req.Limit > 0 && pushed >= req.Limit {
				return
			}
		}
	}
}

// accounts is the accounts to list, in order: id_instances, else the provider's own and its instance_tokens.
func (l *webhookSettingsList) accounts(ctx context.Context, cfg webhookSettingsListModel, diags diag.Diagnostics) ([]int64, diag.Diagnostics) {
	var ids []int64
	if !cfg.IDInstances.IsNull() && !cfg.IDInstances.IsUnknown() {
		diags.Append(cfg.IDInstances.ElementsAs(ctx, &ids, false)...)
	} else {
		if l.data.defaultID != 0 {
			ids = append(ids, l.data.defaultID)
		}
		for id := range l.data.tokens {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids), diags
}

// read reads the settings of every account in ids, listReaders at a time, and yields them in the order of ids.
func (l *webhookSettingsList) read(ctx context.Context, ids []int64) func(yield func(listedAccount) bool) {
	return func(yield func(listedAccount) bool) {
		slots := make([]chan listedAccount, len(ids))
		sem := make(chan struct{}, listReaders)
		for i, id := range ids {
			slots[i] = make(chan listedAccount, 1)
			go func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				slots[i] <- l.readAccount(ctx, id)
			}()
		}
		for _, slot := range slots {
			if !yield(<-slot) {
				return
			}
		}
	}
}

// readAccount reads one account's settings within the refresh timeout of greenwaba_webhook_settings. An
// account GreenWaba no longer knows is left out with a warning.
func (l *webhookSettingsList) readAccount(ctx context.Context, id int64) listedAccount {
	acc := listedAccount{id: id}
	client, _, diags := l.data.ClientFor(types.Int64Value(id))
	acc.diags.Append(diags...)
	if diags.HasError() {
		return acc
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	live, err := client.GetSettings(ctx)
	switch {
	case greenwaba.IsAccountGone(err):
		acc.diags.AddWarning("GreenWaba account not found",
			fmt.Sprintf("GreenWaba no longer knows instance %d (HTTP 403), so it is not listed. If it still exists, "+
				"check the provider's token for it.", id))
	case err != nil:
		acc.diags.AddError("Cannot read the webhook settings", l.data.explain(err, id))
	default:
		acc.settings = live
	}
	return acc
}

// deliveryMode is how the account delivers notifications: push to its webhook URL, or the queue.
func deliveryMode(s *greenwaba.Settings) string {
	if s.WebhookURL != "" {
		return deliveryPush
	}
	return deliveryQueue
}

// listDisplayName names the account and how it delivers, with no secret: credentials in the webhook URL and
// its query are masked.
func listDisplayName(id int64, s *greenwaba.Settings) string {
	name := "GreenWaba instance " + strconv.FormatInt(id, 10)
	if deliveryMode(s) == deliveryQueue {
		return name + ": queue"
	}
	return name + ": push to " + maskURL(s.WebhookURL)
}

// maskURL hides the parts of a URL that may hold a secret: its user information and query.
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(a webhook URL that cannot be parsed)"
	}
	credentials := u.User != nil
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "***"
	}
	u.Fragment, u.RawFragment = "", ""
	masked := u.String()
	if credentials {
		masked = strings.Replace(masked, "//", "//***@", 1)
	}
	return masked
}

// setListedResource sets the resource of a list result as an import by identity would leave it: the live
// settings, no token, write-only revision importedRevision.
func setListedResource(ctx context.Context, r interface {
	SetAttribute(context.Context, path.Path, any) diag.Diagnostics
}, id int64, s *greenwaba.Settings) diag.Diagnostics {
	var diags diag.Diagnostics
	for name, v := range map[string]any{
		"id":                            strconv.FormatInt(id, 10),
		"id_instance":                   numberOf(types.Int64Value(id)),
		"webhook_url":                   s.WebhookURL,
		"webhook_url_token_wo_revision": int64(importedRevision),
		"incoming_webhook":              s.IncomingWebhook,
		"outgoing_webhook":              s.OutgoingWebhook,
		"outgoing_api_message_webhook":  s.OutgoingAPIMessageWebhook,
	} {
		diags.Append(r.SetAttribute(ctx, path.Root(name), v)...)
	}
	return diags
}
