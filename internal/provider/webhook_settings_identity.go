package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Resource identity (Terraform 1.12 and later) of greenwaba_webhook_settings: the account, which is what
// `import { identity = { id_instance = ... } }` and the list resource's results name.
//
// An import by identity does not say whether the configuration keeps the token in the state
// (webhook_url_token) or out of it (webhook_url_token_wo), and the import's read runs before Terraform looks at
// the configuration. So it imports as `<idInstance>:write-only` does (no token in the state, the account's
// token's fingerprint in private state) and marks the token undecided; the first plan's configuration decides:
//   - webhook_url_token_wo: write-only mode, and the plan is empty when the account already has that token;
//   - webhook_url_token: plain mode, the plan moves the token into the state (no write when it is the same);
//   - neither, as in the configuration `terraform query -generate-config-out` writes: the account's token is
//     left as it is and not managed, so the plan is empty and the console's token is kept, until the
//     configuration sets one of the two.

var _ resource.ResourceWithIdentity = (*webhookSettingsResource)(nil)

// privateTokenUndecidedKey marks, in private state, an import by identity whose token mode the configuration
// has not chosen yet: the token has not been sent since (the revision is still importedRevision).
const privateTokenUndecidedKey = "token_undecided"

type webhookSettingsIdentityModel struct {
	IDInstance types.Int64 `tfsdk:"id_instance"`
}

func (r *webhookSettingsResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id_instance": identityschema.Int64Attribute{
				Description:       "The account (`idInstance`) whose settings the resource manages.",
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity sets the identity of the resource from the first of states that names its account. Create, Read
// and Update call it, so that states written before identities existed gain one at the next refresh. Read also
// passes its prior state: the framework wants an identity even from a read that removes the resource.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, states ...tfsdk.State) diag.Diagnostics {
	var diags diag.Diagnostics
	if identity == nil {
		return diags
	}
	for _, state := range states {
		if state.Raw.IsNull() {
			continue
		}
		var id types.Number
		diags.Append(state.GetAttribute(ctx, path.Root("id_instance"), &id)...)
		if diags.HasError() || id.IsNull() || id.IsUnknown() {
			continue
		}
		diags.Append(identity.Set(ctx, webhookSettingsIdentityModel{IDInstance: int64Of(id)})...)
		return diags
	}
	return diags
}

// importByIdentity starts the state of an import by identity: the account, write-only mode with the token
// undecided (see the top of this file); Read fills in the rest.
func importByIdentity(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	var ident webhookSettingsIdentityModel
	resp.Diagnostics.Append(req.Identity.Get(ctx, &ident)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := ident.IDInstance.ValueInt64()
	if ident.IDInstance.IsNull() || ident.IDInstance.IsUnknown() || id <= 0 {
		resp.Diagnostics.AddAttributeError(path.Root("id_instance"), "Invalid import identity",
			fmt.Sprintf("The identity's id_instance must be the account's idInstance, a positive whole number such "+
				"as 1101000001; got %s.", ident.IDInstance))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(id, 10))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id_instance"), id)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("webhook_url_token_wo_revision"), int64(importedRevision))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTokenUndecidedKey, []byte("true"))...)
}

// tokenUndecided reports whether state comes from an import by identity whose token mode is not chosen yet.
func tokenUndecided(ctx context.Context, private privateGetter, state *webhookSettingsModel) bool {
	if state == nil || !state.writeOnly() || state.WebhookURLTokenWORevision.ValueInt64() != importedRevision {
		return false
	}
	raw, diags := private.GetKey(ctx, privateTokenUndecidedKey)
	return !diags.HasError() && string(raw) == "true"
}

// tokenUnmanaged reports whether the plan leaves the account's token alone: after an import by identity,
// while the configuration sets neither webhook_url_token nor webhook_url_token_wo.
func tokenUnmanaged(undecided bool, config *webhookSettingsModel) bool {
	return undecided && config.WebhookURLToken.IsNull() && config.WebhookURLTokenWO.IsNull()
}
