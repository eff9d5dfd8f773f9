package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// ModifyPlan and Read run once per resource in every plan, so in a fleet their cost is multiplied by its size. A
// whole-model Get or Set makes the framework walk the model's struct tags by reflection, compiling a regular
// expression per field, and a Set rebuilds the whole value; single attributes cost a fraction of that
// (BenchmarkPlanResourceChange, BENCHMARKS.md). So these two read only the attributes they use into a
// webhookSettingsModel, whose other fields stay null, and set only the attributes whose value they changed.

// modifyPlanInputs reads what ModifyPlan uses: the plan's id, id_instance and write-only revision; the
// configuration's id_instance and tokens; the prior state's id_instance and write-only revision and version
// (state is nil for a create).
func modifyPlanInputs(ctx context.Context, req resource.ModifyPlanRequest) (plan, config webhookSettingsModel, state *webhookSettingsModel, diags diag.Diagnostics) {
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("id"), &plan.ID)...)
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("id_instance"), &plan.IDInstance)...)
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("webhook_url_token_wo_revision"), &plan.WebhookURLTokenWORevision)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("id_instance"), &config.IDInstance)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("webhook_url_token"), &config.WebhookURLToken)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("webhook_url_token_wo"), &config.WebhookURLTokenWO)...)
	diags.Append(req.Config.GetAttribute(ctx, path.Root("webhook_url_token_wo_version"), &config.WebhookURLTokenWOVersion)...)
	if !req.State.Raw.IsNull() {
		state = &webhookSettingsModel{}
		diags.Append(req.State.GetAttribute(ctx, path.Root("id_instance"), &state.IDInstance)...)
		diags.Append(req.State.GetAttribute(ctx, path.Root("webhook_url_token_wo_revision"), &state.WebhookURLTokenWORevision)...)
		diags.Append(req.State.GetAttribute(ctx, path.Root("webhook_url_token_wo_version"), &state.WebhookURLTokenWOVersion)...)
	}
	return plan, config, state, diags
}

// setModifiedPlan sets in the plan each attribute ModifyPlan may change (id, id_instance, the write-only
// revision) whose value in modified differs from planned, the framework's plan it started from.
func setModifiedPlan(ctx context.Context, p *tfsdk.Plan, planned, modified webhookSettingsModel) diag.Diagnostics {
	diags := setIfChanged(ctx, p.SetAttribute, "id", planned.ID, modified.ID)
	diags.Append(setIfChanged(ctx, p.SetAttribute, "id_instance", planned.IDInstance, modified.IDInstance)...)
	diags.Append(setIfChanged(ctx, p.SetAttribute, "webhook_url_token_wo_revision", planned.WebhookURLTokenWORevision, modified.WebhookURLTokenWORevision)...)
	return diags
}

// readPriorState reads what Read and Delete use of the prior state: the account, the timeouts, the write-only
// revision (the mode) and every setting Read refreshes, so that Read can tell what changed.
func readPriorState(ctx context.Context, prior tfsdk.State, state *webhookSettingsModel) diag.Diagnostics {
	var diags diag.Diagnostics
	diags.Append(prior.GetAttribute(ctx, path.Root("id"), &state.ID)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("id_instance"), &state.IDInstance)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("timeouts"), &state.Timeouts)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("webhook_url_token_wo_revision"), &state.WebhookURLTokenWORevision)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("webhook_url"), &state.WebhookURL)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("webhook_url_token"), &state.WebhookURLToken)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("incoming_webhook"), &state.IncomingWebhook)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("outgoing_webhook"), &state.OutgoingWebhook)...)
	diags.Append(prior.GetAttribute(ctx, path.Root("outgoing_api_message_webhook"), &state.OutgoingAPIMessageWebhook)...)
	return diags
}

// setRefreshedState sets in the new state each attribute Read refreshes whose value in refreshed differs from
// prior (both read by readPriorState); the framework starts the new state as a copy of the prior one.
func setRefreshedState(ctx context.Context, s *tfsdk.State, prior, refreshed webhookSettingsModel) diag.Diagnostics {
	diags := setIfChanged(ctx, s.SetAttribute, "id", prior.ID, refreshed.ID)
	diags.Append(setIfChanged(ctx, s.SetAttribute, "id_instance", prior.IDInstance, refreshed.IDInstance)...)
	diags.Append(setIfChanged(ctx, s.SetAttribute, "webhook_url", prior.WebhookURL, refreshed.WebhookURL)...)
	diags.Append(setIfChanged(ctx, s.SetAttribute, "webhook_url_token", prior.WebhookURLToken, refreshed.WebhookURLToken)...)
	diags.Append(setIfChanged(ctx, s.SetAttribute, "incoming_webhook", prior.IncomingWebhook, refreshed.IncomingWebhook)...)
	diags.Append(setIfChanged(ctx, s.SetAttribute, "outgoing_webhook", prior.OutgoingWebhook, refreshed.OutgoingWebhook)...)
	diags.Append(setIfChanged(ctx, s.SetAttribute, "outgoing_api_message_webhook", prior.OutgoingAPIMessageWebhook, refreshed.OutgoingAPIMessageWebhook)...)
	return diags
}

// setIfChanged sets the attribute name with set (a Plan's or State's SetAttribute) to v unless v equals was.
func setIfChanged[T attr.Value](ctx context.Context, set func(context.Context, path.Path, any) diag.Diagnostics, name string, was, v T) diag.Diagnostics {
	if v.Equal(was) {
		return nil
	}
	return set(ctx, path.Root(name), v)
}
