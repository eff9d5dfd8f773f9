// Package provider is the Terraform glue of terraform-provider-greenwaba: the provider, its resources, data
// sources and ephemeral resources. API calls go through internal/greenwaba.
package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timetypes/timetypes"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

var (
	_ provider.Provider                       = (*greenwabaProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*greenwabaProvider)(nil)
	_ provider.ProviderWithListResources      = (*greenwabaProvider)(nil)
	_ provider.ProviderWithActions            = (*greenwabaProvider)(nil)
)

// Environment variables read when the matching provider attribute is not set.
const (
	envAPIURL         = "GREENWABA_API_URL"
	envIDInstance     = "GREENWABA_ID_INSTANCE"
	envAPIToken       = "GREENWABA_API_TOKEN_INSTANCE"
	envInstanceTokens = "GREENWABA_INSTANCE_TOKENS"
)

// New returns the provider constructor providerserver.Serve expects; version is the release, "dev" or "test".
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &greenwabaProvider{version: version} }
}

type greenwabaProvider struct {
	version string
	// retry overrides the client's backoff timings; tests shorten them. MaxRetries always comes from max_retries.
	retry greenwaba.RetryPolicy
	// pacer keeps every call of this provider process within each account's rate limits (D15); made on first
	// Configure, or given by tests.
	pacer *greenwaba.Pacer
}

type providerModel struct {
	APIURL           types.String         `tfsdk:"api_url"`
	IDInstance       types.Number         `tfsdk:"id_instance"`
	APITokenInstance types.String         `tfsdk:"api_token_instance"`
	InstanceTokens   types.Map            `tfsdk:"instance_tokens"`
	RequestTimeout   timetypes.GoDuration `tfsdk:"request_timeout"`
	MaxRetries       types.Int64          `tfsdk:"max_retries"`
}

func (p *greenwabaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "greenwaba"
	resp.Version = p.version
}

func (p *greenwabaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages GreenWaba (GREEN-API WhatsApp Business) accounts: how each account delivers " +
			"its webhooks, and reads of its notification queue.\n\n" +
			"One provider configuration can serve a whole fleet: put every account's token in `instance_tokens` and " +
			"give each resource its own `id_instance`. Credentials are only needed when Terraform talks to the API, " +
			"so `terraform validate` works without them.",
		Attributes: map[string]schema.Attribute{
			"api_url": schema.StringAttribute{
				MarkdownDescription: "Base URL of the GreenWaba API, such as a dedicated host " +
					"`https://1101.api.greenapi.com`. Defaults to the `" + envAPIURL + "` environment variable, " +
					"else `" + greenwaba.DefaultAPIURL + "`. A plain `http://` URL to a host other than this machine " +
					"(loopback) works but gets a warning: the API token is part of every request's path, and would " +
					"cross the network unencrypted.",
				Optional:   true,
				Validators: []validator.String{validators.APIURL()},
			},
			"id_instance": schema.NumberAttribute{
				MarkdownDescription: "The default account (`idInstance`), used by every resource and data source " +
					"that does not set its own `id_instance`. Defaults to the `" + envIDInstance + "` environment variable.",
				Optional:   true,
				Validators: []validator.Number{validators.WholeNumber(1, math.MaxInt64)},
			},
			"api_token_instance": schema.StringAttribute{
				MarkdownDescription: "API token (`apiTokenInstance`) of the account in `id_instance`. Defaults to " +
					"the `" + envAPIToken + "` environment variable.",
				Optional:   true,
				Sensitive:  true,
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"instance_tokens": schema.MapAttribute{
				MarkdownDescription: "API tokens of further accounts, keyed by `idInstance` written in decimal " +
					"(`{ \"1101000001\" = \"...\" }`), so that one provider configuration can manage many accounts " +
					"through the `id_instance` argument of each resource. An entry here wins over `api_token_instance` " +
					"for the same account. Defaults to the `" + envInstanceTokens + "` environment variable, a JSON " +
					"object of the same shape.",
				Optional:    true,
				Sensitive:   true,
				ElementType: types.StringType,
				Validators: []validator.Map{
					mapvalidator.KeysAre(stringvalidator.RegexMatches(idInstancePattern,
						"must be an idInstance written in decimal, such as \"1101000001\"")),
					mapvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1)),
				},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: "How long one HTTP request may take, as a duration such as `\"30s\"`. Retries " +
					"and the wait for settings to apply are bounded separately (the resources' `timeouts`). " +
					"Defaults to `\"" + greenwaba.DefaultRequestTimeout.String() + "\"`, which is also what API calls " +
					"made during a plan use while the value is not known yet.",
				Optional:   true,
				CustomType: timetypes.GoDurationType{}, // checks the format
				Validators: []validator.String{validators.AtLeast(time.Second)},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: "How many times one request is retried after an answer that means it was not " +
					"processed: a rate limit (HTTP 429), HTTP 503, or a refused connection; reads are also retried " +
					"after other server errors (500, 502, 504), dropped connections and timeouts. Waits double from " +
					"0.5 s up to 30 s, or follow `Retry-After`, always within the operation's `timeouts`. The reboot's " +
					"HTTP 400 `instance in starting process` does not count: it is retried every few seconds for up " +
					"to " + durationString(greenwaba.MaxReboot) + " (a reboot takes up to 5 minutes), within the `timeouts` too. A settings write that fails after it may " +
					"have been saved is not retried blindly: the provider asks the account whether it was saved and " +
					"writes again only if not (at most 3 writes). `0` disables retries, never that check. The provider " +
					"keeps its own calls within GreenWaba's rate limits, so a 429 only comes from other clients of " +
					"the account. Defaults to `" + strconv.Itoa(greenwaba.DefaultMaxRetries) + "`, which is also what " +
					"API calls made during a plan use while the value is not known yet.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(0)},
			},
		},
	}
}

func (p *greenwabaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}

	data := &providerData{
		userAgent: greenwaba.UserAgent(p.version, req.TerraformVersion),
		clients:   map[int64]*greenwaba.Client{},
		sources:   map[int64]string{},
		tokens:    map[int64]string{},
		retry:     p.retry,
	}
	data.retry.MaxRetries = greenwaba.DefaultMaxRetries

	// Values unknown at plan time (computed from other resources) are recorded, not rejected: they only matter
	// once something needs the API, and ClientFor says then which attribute was not known yet.
	data.apiURL = stringSetting(cfg.APIURL, envAPIURL, greenwaba.DefaultAPIURL, &data.unknown, "api_url")
	if _, err := greenwaba.ParseAPIURL(data.apiURL); err != nil && !cfg.APIURL.IsUnknown() {
		resp.Diagnostics.AddAttributeError(path.Root("api_url"), "Invalid GreenWaba API URL",
			fmt.Sprintf("The API URL from api_url or %s must be an absolute http:// or https:// URL with nothing "+
				"after the path, such as %s: %s.", envAPIURL, greenwaba.DefaultAPIURL, err))
	}
	if summary, detail, warn := validators.PlainHTTPWarning(data.apiURL, "The "+envAPIURL+" environment variable"); warn && cfg.APIURL.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("api_url"), summary, detail) // api_url itself: its validator warns
	}

	switch {
	case cfg.IDInstance.IsUnknown():
		data.unknown = append(data.unknown, "id_instance")
	case !cfg.IDInstance.IsNull():
		data.defaultID = int64Of(cfg.IDInstance).ValueInt64()
	default:
		if s := os.Getenv(envIDInstance); s != "" {
			id, err := parseIDInstance(s)
			if err != nil {
				resp.Diagnostics.AddAttributeError(path.Root("id_instance"), "Invalid "+envIDInstance,
					fmt.Sprintf("The %s environment variable must be an idInstance such as 1101000001: %s.", envIDInstance, err))
			}
			data.defaultID = id
		}
	}

	data.defaultToken = stringSetting(cfg.APITokenInstance, envAPIToken, "", &data.unknown, "api_token_instance")
	resp.Diagnostics.Append(data.readInstanceTokens(ctx, cfg.InstanceTokens)...)

	timeout := greenwaba.DefaultRequestTimeout
	switch {
	case cfg.RequestTimeout.IsUnknown():
		data.unknown = append(data.unknown, "request_timeout")
	case !cfg.RequestTimeout.IsNull():
		// The type has checked the format.
		if d, diags := cfg.RequestTimeout.ValueGoDuration(); !diags.HasError() {
			timeout = d
		}
	}
	data.requestTimeout = timeout

	switch {
	case cfg.MaxRetries.IsUnknown():
		data.unknown = append(data.unknown, "max_retries")
	case !cfg.MaxRetries.IsNull():
		data.retry.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if p.pacer == nil {
		p.pacer = greenwaba.NewPacer()
	}
	data.pacer = p.pacer
	data.httpClient = fleetHTTPClient()
	tflog.Debug(ctx, "Configured the GreenWaba provider", map[string]any{
		"api_url":             data.apiURL,
		"id_instance":         logInt(data.defaultID),
		"instance_tokens_for": data.tokenIDs(),
		"request_timeout":     data.requestTimeout.String(),
		"max_retries":         data.retry.MaxRetries,
		"unknown_at_plan":     data.unknown,
	})

	resp.ResourceData = data
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ListResourceData = data
	resp.ActionData = data
}

func (p *greenwabaProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewWebhookSettingsResource}
}

func (p *greenwabaProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewNotificationDataSource, NewWebhookSettingsDataSource}
}

func (p *greenwabaProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewWebhookSettingsList}
}

func (p *greenwabaProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewClearWebhooksQueueAction}
}

func (p *greenwabaProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{NewNotificationEphemeralResource}
}
