package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// checkTokenAtPlan fails a plan that creates or updates the account of planned when the provider has no token
// for it, so that a reviewed plan does not break at apply. It speaks only when the answer is certain: the
// account's id_instance and the provider settings the token comes from are known at plan time. An account or
// setting only known after apply is left to the apply, and a destroy or a resource left out of a -target plan
// never reaches ModifyPlan's check. The message is the apply's own (providerData.resolve).
func (r *webhookSettingsResource) checkTokenAtPlan(ctx context.Context, prior tfsdk.State, planned tfsdk.Plan) diag.Diagnostics {
	if r.data == nil || planned.Raw.IsNull() || planned.Raw.Equal(prior.Raw) {
		return nil // not configured yet, a destroy, or nothing to apply
	}
	var id types.Number
	if diags := planned.GetAttribute(ctx, path.Root("id_instance"), &id); diags.HasError() {
		return diags
	}
	return r.data.missingToken(int64Of(id))
}

// missingToken is the error resolve gives when the provider has no token for the known account id, on the
// id_instance attribute; nothing when it has one, or when resolve cannot tell yet (settings not known).
func (d *providerData) missingToken(id types.Int64) diag.Diagnostics {
	var diags diag.Diagnostics
	if id.IsNull() || id.IsUnknown() {
		return diags
	}
	_, resolved := d.resolve(id)
	for _, e := range resolved.Errors() {
		if e.Summary() == missingTokenSummary {
			diags.AddAttributeError(path.Root("id_instance"), e.Summary(), e.Detail())
		}
	}
	return diags
}
