package provider

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

var (
	_ resource.ResourceWithConfigure   = (*webhookSettingsResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*webhookSettingsResource)(nil)
	_ resource.ResourceWithImportState = (*webhookSettingsResource)(nil)
)

const (
	// defaultApplyTimeout covers a write and the wait for it to show: GreenWaba may take up to 5 minutes.
	defaultApplyTimeout = 6 * time.Minute
	defaultReadTimeout  = 5 * time.Minute

	// maxWebhookURLTokenLength is the longest token GreenWaba accepts, in bytes (D6).
	maxWebhookURLTokenLength = 1024
	// maxWebhookURLLength is the longest webhook_url, in bytes, chosen so that a setSettings body always fits
	// GreenWaba's 64 KiB limit (D6): JSON may escape a byte as 6 (\u003c), so the URL takes at most 48 KiB,
	// the longest token 6 KiB and the rest well under 1 KiB. It is also the request-line limit of common web
	// servers, beyond which deliveries would fail anyway.
	maxWebhookURLLength = 8192

	// importWriteOnlySuffix ends the import ID of an account whose configuration uses webhook_url_token_wo.
	importWriteOnlySuffix = ":write-only"
	// importedRevision is webhook_url_token_wo_revision after such an import: the provider has not sent the
	// token yet.
	importedRevision = 0
)

// emptyWriteOnlyToken says why webhook_url_token_wo = "" is refused rather than taken as "no token": an empty
// write-only value is most often a secret that did not arrive, and nothing of it shows in the plan.
const emptyWriteOnlyToken = "an empty token is most often a secret that did not arrive (a CI secret that is not set " +
	"expands to an empty string), and the plan cannot show it, so it is not taken as \"no token\". For no token, " +
	"remove webhook_url_token_wo from the configuration."

// NewWebhookSettingsResource returns the greenwaba_webhook_settings resource.
func NewWebhookSettingsResource() resource.Resource { return &webhookSettingsResource{} }

type webhookSettingsResource struct {
	data *providerData
}

type webhookSettingsModel struct {
	ID                        types.String   `tfsdk:"id"`
	IDInstance                types.Number   `tfsdk:"id_instance"`
	WebhookURL                types.String   `tfsdk:"webhook_url"`
	WebhookURLToken           types.String   `tfsdk:"webhook_url_token"`
	WebhookURLTokenWO         types.String   `tfsdk:"webhook_url_token_wo"`
	WebhookURLTokenWOVersion  types.String   `tfsdk:"webhook_url_token_wo_version"`
	WebhookURLTokenWORevision types.Int64    `tfsdk:"webhook_url_token_wo_revision"`
	IncomingWebhook           types.Bool     `tfsdk:"incoming_webhook"`
	OutgoingWebhook           types.Bool     `tfsdk:"outgoing_webhook"`
	OutgoingAPIMessageWebhook types.Bool     `tfsdk:"outgoing_api_message_webhook"`
	Timeouts                  timeouts.Value `tfsdk:"timeouts"`
}

// writeOnly reports whether the state m describes is in write-only mode, written so or imported with
// importWriteOnlySuffix: only then is the revision set.
func (m *webhookSettingsModel) writeOnly() bool { return !m.WebhookURLTokenWORevision.IsNull() }

// settingsUpdate is every managed setting with the values of m and the given token.
func (m *webhookSettingsModel) settingsUpdate(token string) greenwaba.SettingsUpdate {
	return greenwaba.SettingsUpdate{
		WebhookURL:                m.WebhookURL.ValueStringPointer(),
		WebhookURLToken:           &token,
		IncomingWebhook:           m.IncomingWebhook.ValueBoolPointer(),
		OutgoingWebhook:           m.OutgoingWebhook.ValueBoolPointer(),
		OutgoingAPIMessageWebhook: m.OutgoingAPIMessageWebhook.ValueBoolPointer(),
	}
}

// defaultSettings is a new account's settings (D8), which destroy writes back.
func defaultSettings() greenwaba.SettingsUpdate {
	empty, off := "", false
	return greenwaba.SettingsUpdate{
		WebhookURL:                &empty,
		WebhookURLToken:           &empty,
		IncomingWebhook:           &off,
		OutgoingWebhook:           &off,
		OutgoingAPIMessageWebhook: &off,
	}
}

func (r *webhookSettingsResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_settings"
}

func (r *webhookSettingsResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "How one GreenWaba account delivers its notifications: to a webhook URL (push) or to the " +
			"HTTP API queue, with which kinds of notification switched on.\n\n" +
			"There is one such resource per account. Every argument has the default of a new account, so an empty " +
			"block describes a fresh account and removing a line from the configuration returns that setting to its " +
			"default. Every refresh reads all managed settings, so a change made in the GreenWaba console shows as a " +
			"planned in-place update.\n\n" +
			"Writes reboot the account, so an apply writes only when something differs, then waits (within " +
			"`timeouts`) until GreenWaba shows the new values. Destroy does not delete the account: it writes a new " +
			"account's settings back. Import by `idInstance`, or by `<idInstance>" + importWriteOnlySuffix +
			"` when the configuration uses `webhook_url_token_wo`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The account's `idInstance`, as a string.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"id_instance": schema.NumberAttribute{
				MarkdownDescription: "The account (`idInstance`) whose settings this resource manages. Defaults to " +
					"the provider's `id_instance`; set it to manage several accounts from one provider " +
					"configuration, whose `instance_tokens` must then hold the account's token. Changing it " +
					"replaces the resource: the old account gets the defaults back.",
				Optional:   true,
				Computed:   true,
				Validators: []validator.Number{validators.WholeNumber(1, math.MaxInt64)},
			},
			"webhook_url": schema.StringAttribute{
				MarkdownDescription: "Where GreenWaba POSTs notifications: an absolute `http://` or `https://` " +
					"URL of at most " + strconv.Itoa(maxWebhookURLLength) + " bytes, a length with which GreenWaba's " +
					"request size limit always fits the URL and the longest token. `\"\"` (the default) switches push " +
					"delivery off; notifications then wait in the HTTP API queue (see the `greenwaba_notification` " +
					"data source). Credentials in the URL (`https://user:password@host/`) get a warning: the URL is " +
					"shown in plans and stored in the state, so put a secret in `webhook_url_token` or " +
					"`webhook_url_token_wo` instead.",
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(""),
				Validators: []validator.String{
					validators.HTTPURLOrEmpty(),
					stringvalidator.LengthAtMost(maxWebhookURLLength),
					validators.NoURLCredentials("webhook_url_token or webhook_url_token_wo"),
				},
			},
			"webhook_url_token": schema.StringAttribute{
				MarkdownDescription: "The token GreenWaba sends with each webhook call (`Authorization: Bearer " +
					"<token>`). Omit it (null, the default) for no token: the provider then sends GreenWaba an empty " +
					"token, and removing the line takes the token away. GreenWaba returns the token on every read, " +
					"so a change made in the console shows as a planned update. The value is stored in the Terraform " +
					"state; use `webhook_url_token_wo` to keep it out. Conflicts with `webhook_url_token_wo`, and is " +
					"null while `webhook_url_token_wo` is in use.",
				Optional:  true,
				Sensitive: true,
				Validators: []validator.String{
					stringvalidator.LengthAtMost(maxWebhookURLTokenLength),
					validators.NoControlCharacters(),
					stringvalidator.ConflictsWith(path.MatchRoot("webhook_url_token_wo")),
				},
			},
			"webhook_url_token_wo": schema.StringAttribute{
				MarkdownDescription: "Write-only form of `webhook_url_token` (Terraform 1.11 and later): the token is " +
					"sent to GreenWaba but never stored in the plan or the state, and it may come from an ephemeral " +
					"value. The provider keeps a fingerprint of the account's token (Argon2id with a random salt made for " +
					"this resource; see Secrets and state) in the resource's private state, so a new value here, or a " +
					"change of the token in the console, is planned as an update (`webhook_url_token_wo_revision` " +
					"goes up) without bumping anything. Once in use, moving back to `webhook_url_token` is refused, " +
					"because it would put the token in the state. Import with the ID `<idInstance>" +
					importWriteOnlySuffix + "` so that the import does not read the token into the state either. " +
					"`\"\"` is refused: " + emptyWriteOnlyToken,
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				Validators: []validator.String{
					validators.NotEmpty(emptyWriteOnlyToken),
					stringvalidator.LengthAtMost(maxWebhookURLTokenLength),
					validators.NoControlCharacters(),
					stringvalidator.ConflictsWith(path.MatchRoot("webhook_url_token")),
				},
			},
			"webhook_url_token_wo_version": schema.StringAttribute{
				MarkdownDescription: "Optional trigger for `webhook_url_token_wo`: any change of this value sends the " +
					"token again, even when the account already has it. Any string works: a counter (`1`, `2`), a " +
					"date, or the version id of the secret the token comes from. Not needed to roll a token: a " +
					"changed value is detected on its own. Requires `webhook_url_token_wo`.",
				Optional: true,
				Validators: []validator.String{
					stringvalidator.AlsoRequires(path.MatchRoot("webhook_url_token_wo")),
				},
			},
			"webhook_url_token_wo_revision": schema.Int64Attribute{
				MarkdownDescription: "Set only while `webhook_url_token_wo` is in use: a counter that goes up by one " +
					"in every plan that will apply the write-only token, because it differs from the account's token at " +
					"the last refresh (a new value, or a change made in the console), because " +
					"`webhook_url_token_wo_version` changed (setting it for the first time after an import counts), " +
					"or because the token could not be checked. `0` after an import with `<idInstance>" +
					importWriteOnlySuffix + "`, until the token is first sent. It shows in a plan that the token will " +
					"be sent, without showing the token.",
				Computed: true,
			},
			"incoming_webhook": switchAttribute("Notify incoming messages and files (`incomingWebhook`)."),
			"outgoing_webhook": switchAttribute("Notify the status of sent messages (`outgoingWebhook`). GreenWaba " +
				"always sends some statuses, such as `failed`."),
			"outgoing_api_message_webhook": switchAttribute("Notify messages sent through the API " +
				"(`outgoingAPIMessageWebhook`)."),
			"timeouts": positiveTimeouts(ctx, timeouts.Opts{
				Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "How long create may take, writing and waiting for GreenWaba to apply the " +
					"settings, as a duration such as `\"10m\"`. Defaults to `\"6m\"`.",
				UpdateDescription: "As `create`, for updates. Defaults to `\"6m\"`.",
				DeleteDescription: "As `create`, for writing the defaults back on destroy. Defaults to `\"6m\"`.",
				ReadDescription:   "How long a refresh may take, retries included. Defaults to `\"5m\"`.",
			}),
		},
	}
}

// operationTimeout is the timeout of one operation (get is such as timeouts.Value.Read), def when unset. A
// value that is not positive, stored before plans rejected it, also gives def: failing every refresh for it
// would leave no way to repair it by changing the configuration.
func operationTimeout(ctx context.Context, v timeouts.Value, get timeoutFunc, def time.Duration) (time.Duration, diag.Diagnostics) {
	d, diags := get(v, ctx, def)
	if d <= 0 {
		d = def
	}
	return d, diags
}

// switchAttribute is a notification switch: a bool that is off on a new account, and so by default.
func switchAttribute(description string) schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: description + " Defaults to `false`.",
		Optional:            true,
		Computed:            true,
		Default:             booldefault.StaticBool(false),
	}
}

func (r *webhookSettingsResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data, resp.Diagnostics = providerDataFrom(req.ProviderData)
}

// ModifyPlan resolves the account and whether the write-only token must be sent again.
func (r *webhookSettingsResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return // destroy, or the provider is not configured
	}
	// Only the attributes used here are read, and only those changed are set (webhook_settings_attributes.go).
	plan, config, state, diags := modifyPlanInputs(ctx, req)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned := plan

	if config.IDInstance.IsNull() {
		plan.IDInstance = numberOf(r.data.DefaultIDInstance())
		if plan.IDInstance.IsUnknown() && state != nil {
			// The provider's id_instance is not known yet; keep the account rather than plan a replacement.
			plan.IDInstance = state.IDInstance
		}
		if plan.IDInstance.IsNull() {
			resp.Diagnostics.AddAttributeError(path.Root("id_instance"), "No GreenWaba account",
				fmt.Sprintf("No account to manage: set id_instance on this resource, or on the provider (or the %s "+
					"environment variable).", envIDInstance))
			return
		}
	}
	// A missing token is checked last (checkTokenAtPlan), only where both the account and the tokens are known.
	if !plan.IDInstance.IsUnknown() {
		plan.ID = types.StringValue(strconv.FormatInt(int64Of(plan.IDInstance).ValueInt64(), 10))
	}
	if state != nil && !plan.IDInstance.Equal(state.IDInstance) {
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("id_instance"))
		state = nil // what follows plans the new account's create
	}
	resp.Diagnostics.Append(r.data.claims.claim(req, plan.IDInstance, len(resp.RequiresReplace) > 0)...)

	undecided := tokenUndecided(ctx, req.Private, state)
	if state != nil && state.writeOnly() && !config.WebhookURLToken.IsNull() && !undecided {
		resp.Diagnostics.AddAttributeError(path.Root("webhook_url_token"), "Cannot move the token back into state",
			"This account's token is managed with webhook_url_token_wo, which keeps it out of the Terraform state. "+
				"Setting webhook_url_token would store it in the state again, so the provider refuses. Keep "+
				"webhook_url_token_wo; or, if the token really should be in the state, remove the resource from the "+
				"state (terraform state rm, or a removed block) and import it again by its idInstance alone "+
				"(without "+importWriteOnlySuffix+") with webhook_url_token in the configuration.")
		return
	}

	// webhook_url_token is not computed, so its plan is the configuration; only the revision is the provider's.
	plan.WebhookURLTokenWORevision = types.Int64Null()
	if !config.WebhookURLTokenWO.IsNull() {
		revision, diags := planRevision(ctx, req.Private, state, &plan, &config)
		resp.Diagnostics.Append(diags...)
		plan.WebhookURLTokenWORevision = revision
	}
	if tokenUnmanaged(undecided, &config) {
		plan.WebhookURLTokenWORevision = state.WebhookURLTokenWORevision
	}
	resp.Diagnostics.Append(setModifiedPlan(ctx, &resp.Plan, planned, plan)...)
	resp.Diagnostics.Append(r.checkTokenAtPlan(ctx, req.State, resp.Plan)...)
	resp.Diagnostics.Append(checkImportedAccount(ctx, req.Private, resp.Plan)...)
}

// planRevision returns the revision to plan in write-only mode: the prior one when the configured token is
// the one the account had at the last refresh and the version did not change, else the next one.
func planRevision(ctx context.Context, private privateGetter, state, plan, config *webhookSettingsModel) (types.Int64, diag.Diagnostics) {
	if state == nil || !state.writeOnly() {
		return types.Int64Value(1), nil
	}
	next := types.Int64Value(state.WebhookURLTokenWORevision.ValueInt64() + 1)
	if config.WebhookURLTokenWO.IsUnknown() || plan.IDInstance.IsUnknown() ||
		!config.WebhookURLTokenWOVersion.Equal(state.WebhookURLTokenWOVersion) {
		return next, nil
	}
	known, diags := readFingerprint(ctx, private)
	if diags.HasError() || !known.matches(config.WebhookURLTokenWO.ValueString()) {
		return next, diags
	}
	return state.WebhookURLTokenWORevision, diags
}

// desiredToken is the token to send: the write-only value when in use, else the planned plain one, with
// null (no token) sent as "".
func desiredToken(plan, config *webhookSettingsModel) string {
	if !config.WebhookURLTokenWO.IsNull() {
		return config.WebhookURLTokenWO.ValueString()
	}
	return plan.WebhookURLToken.ValueString()
}

// plainTokenState is webhook_url_token for the account's live token in plain mode. No token reads as null,
// which is what an unconfigured webhook_url_token plans, except that a prior "" (spelt out in the
// configuration) stays "" so that it never shows as a diff. A sensitive "" in the plan would make Terraform
// print a spurious "will be marked as sensitive" warning in every create and destroy plan.
func plainTokenState(live string, prior types.String) types.String {
	if live == "" && !prior.Equal(types.StringValue("")) {
		return types.StringNull()
	}
	return types.StringValue(live)
}

func (r *webhookSettingsResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	// Nothing is saved on failure: the next apply creates again, and writes only what still differs.
	resp.Diagnostics.Append(r.apply(ctx, "create", req.Plan, req.Config, nil, resp.Private, &resp.State)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, resp.State)...)
}

func (r *webhookSettingsResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var state webhookSettingsModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// On failure the prior state stays; the next refresh shows what the account has.
	resp.Diagnostics.Append(r.apply(ctx, "update", req.Plan, req.Config, &state, resp.Private, &resp.State)...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, resp.State)...)
}

// apply brings the account to the plan for op, "create" (prior is nil) or "update" (prior is the state),
// within that operation's timeout; then it records the token's fingerprint and sets newState.
func (r *webhookSettingsResource) apply(ctx context.Context, op string, planned tfsdk.Plan, cfg tfsdk.Config, prior *webhookSettingsModel, private privateState, newState *tfsdk.State) diag.Diagnostics {
	var plan, config webhookSettingsModel
	diags := planned.Get(ctx, &plan)
	diags.Append(cfg.Get(ctx, &config)...)
	if diags.HasError() {
		return diags
	}
	timeoutOf, resend := timeouts.Value.Create, false
	if prior != nil {
		timeoutOf = timeouts.Value.Update
		// A new webhook_url_token_wo_version asks for the token to be sent even if the account has it.
		resend = plan.writeOnly() && prior.writeOnly() && !plan.WebhookURLTokenWOVersion.Equal(prior.WebhookURLTokenWOVersion)
	}
	timeout, d := operationTimeout(ctx, plan.Timeouts, timeoutOf, defaultApplyTimeout)
	diags.Append(d...)
	client, id, d := r.client(int64Of(plan.IDInstance))
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	token := desiredToken(&plan, &config)
	ctx = maskSecrets(ctx, token)
	update := plan.settingsUpdate(token)
	// Not sent since the import, nor now: the account keeps its token, whose fingerprint the last read kept.
	unsent := plan.writeOnly() && plan.WebhookURLTokenWORevision.ValueInt64() == importedRevision
	if unsent {
		update.WebhookURLToken = nil
	}
	if err := client.Converge(ctx, update, resend); err != nil {
		diags.Append(r.data.applyErrorDiag(err, op, id, timeout))
		return diags
	}
	plan.IDInstance = numberOf(types.Int64Value(id))
	plan.ID = types.StringValue(strconv.FormatInt(id, 10))
	if !unsent {
		diags.Append(storeFingerprint(ctx, private, plan.writeOnly(), token)...)
	}
	diags.Append(newState.Set(ctx, &plan)...)
	return diags
}

func (r *webhookSettingsResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state webhookSettingsModel
	resp.Diagnostics.Append(r.withAccount(ctx, req.State, &state, timeouts.Value.Read, defaultReadTimeout,
		func(ctx context.Context, client *greenwaba.Client, id int64, _ time.Duration) diag.Diagnostics {
			var diags diag.Diagnostics
			prior := state
			live, err := client.GetSettings(ctx)
			if greenwaba.IsAccountGone(err) {
				diags.AddWarning("GreenWaba account not found",
					fmt.Sprintf("GreenWaba no longer knows instance %d (HTTP 403), so its webhook settings were "+
						"removed from the state. If the account was deleted, remove the resource from the "+
						"configuration; if it still exists, check the provider's credentials for it. Otherwise the "+
						"next apply creates the settings again.", id))
				resp.State.RemoveResource(ctx)
				return diags
			}
			if err != nil {
				diags.AddError("Cannot read the webhook settings", r.data.explain(err, id))
				return diags
			}

			state.ID = types.StringValue(strconv.FormatInt(id, 10))
			state.IDInstance = numberOf(types.Int64Value(id))
			state.WebhookURL = types.StringValue(live.WebhookURL)
			state.IncomingWebhook = types.BoolValue(live.IncomingWebhook)
			state.OutgoingWebhook = types.BoolValue(live.OutgoingWebhook)
			state.OutgoingAPIMessageWebhook = types.BoolValue(live.OutgoingAPIMessageWebhook)
			if !state.writeOnly() {
				// GreenWaba echoes the token (D9); in plain mode the state holds it, so console edits show as
				// drift. In write-only mode (a write-only import included) only its fingerprint is kept.
				state.WebhookURLToken = plainTokenState(live.WebhookURLToken, state.WebhookURLToken)
			}
			diags.Append(storeFingerprint(ctx, resp.Private, state.writeOnly(), live.WebhookURLToken)...)
			diags.Append(countImportRead(ctx, resp.Private)...)
			diags.Append(setRefreshedState(ctx, &resp.State, prior, state)...)
			return diags
		})...)
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, resp.State, req.State)...)
}

func (r *webhookSettingsResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state webhookSettingsModel
	resp.Diagnostics.Append(r.withAccount(ctx, req.State, &state, timeouts.Value.Delete, defaultApplyTimeout,
		func(ctx context.Context, client *greenwaba.Client, id int64, timeout time.Duration) diag.Diagnostics {
			var diags diag.Diagnostics
			err := client.Converge(ctx, defaultSettings(), false)
			switch {
			case greenwaba.IsAccountGone(err):
				diags.AddWarning("GreenWaba account not found",
					fmt.Sprintf("GreenWaba no longer knows instance %d (HTTP 403): there were no settings to reset.", id))
			case err != nil:
				diags.Append(r.data.applyErrorDiag(err, "delete", id, timeout))
			}
			return diags
		})...)
}

// timeoutFunc reads one operation's timeout, such as timeouts.Value.Read.
type timeoutFunc func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// withAccount is how Read and Delete start: it reads the prior state into state (the attributes they use), the operation's timeout
// (opTimeout, def when unset) and the account's client, then runs do with a context bounded by the timeout.
func (r *webhookSettingsResource) withAccount(ctx context.Context, prior tfsdk.State, state *webhookSettingsModel, opTimeout timeoutFunc, def time.Duration,
	do func(ctx context.Context, client *greenwaba.Client, id int64, timeout time.Duration) diag.Diagnostics) diag.Diagnostics {
	diags := readPriorState(ctx, prior, state)
	if diags.HasError() {
		return diags
	}
	timeout, d := operationTimeout(ctx, state.Timeouts, opTimeout, def)
	diags.Append(d...)
	client, id, d := r.client(int64Of(state.IDInstance))
	diags.Append(d...)
	if diags.HasError() {
		return diags
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	diags.Append(do(ctx, client, id, timeout)...)
	return diags
}

func (r *webhookSettingsResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" {
		importByIdentity(ctx, req, resp)
		return
	}
	id, writeOnly, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Import greenwaba_webhook_settings by the account's idInstance, a number such as "+
				"1101000001, or, when the configuration uses webhook_url_token_wo, by the idInstance followed by "+
				"%q, such as 1101000001%s, which keeps the account's token out of the state: %s.",
				importWriteOnlySuffix, importWriteOnlySuffix, err))
		return
	}
	// Read fills in the rest. With a revision in the state it reads in write-only mode: only the token's
	// fingerprint is kept, in private state. Without, it stores the token in webhook_url_token (plain mode).
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id_instance"), id)...)
	if writeOnly {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("webhook_url_token_wo_revision"), int64(importedRevision))...)
	}
	resp.Diagnostics.Append(markImport(ctx, resp.Private, id)...)
}

// parseImportID parses an import ID: "<idInstance>", or "<idInstance>:write-only" for a configuration that
// uses webhook_url_token_wo.
func parseImportID(s string) (id int64, writeOnly bool, err error) {
	idPart, writeOnly := strings.CutSuffix(strings.TrimSpace(s), importWriteOnlySuffix)
	id, err = parseIDInstance(idPart)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not of either form", s)
	}
	return id, writeOnly, nil
}

// client returns the API client for the account, or why there is none.
func (r *webhookSettingsResource) client(id types.Int64) (*greenwaba.Client, int64, diag.Diagnostics) {
	if r.data == nil {
		return nil, 0, diag.Diagnostics{notConfigured("greenwaba_webhook_settings")}
	}
	return r.data.ClientFor(id)
}
