package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// An import names its account in the import ID, and the provider never sees the configuration then, so a
// `terraform import` or an import block of another account than the configuration's id_instance would pass, and
// the next apply would replace the resource: reset the imported account and take over the configured one.
// ImportState therefore leaves a marker in private state, and the first plan after the import fails when it
// plans another account than the imported one.
//
// The rule: the marker lasts until a refresh is saved after the import's first plan. ImportState sets reads to 0
// and each refresh (Read) adds one; the refresh that finds 2 drops the marker. `terraform import` saves 1 and
// its next plan refreshes to 2 (a plan saves nothing, so every plan until an apply checks again); an import block
// plans at 1 in the same command. Once an apply (or `apply -refresh-only`) has saved a refresh after that, the
// marker is gone and changing id_instance replaces the resource as it always does.

// privateImportKey is the private-state key of the import marker.
const privateImportKey = "imported"

// importMarker is the private-state value under privateImportKey.
type importMarker struct {
	IDInstance int64 `json:"id_instance,string"`
	Reads      int   `json:"reads"`
}

// markImport records that the resource was just imported from the account id.
func markImport(ctx context.Context, private privateState, id int64) diag.Diagnostics {
	raw, err := json.Marshal(importMarker{IDInstance: id})
	if err != nil {
		var diags diag.Diagnostics
		diags.AddError("Cannot record the import", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateImportKey, raw)
}

// readImportMarker returns the marker, or nil when there is none.
func readImportMarker(ctx context.Context, private privateGetter) (*importMarker, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateImportKey)
	if diags.HasError() || len(raw) == 0 {
		return nil, diags
	}
	var m importMarker
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, diags // unreadable: as if there were none, rather than block every plan
	}
	return &m, diags
}

// countImportRead is Read's part: it counts the refresh in the marker, or drops the marker at its third refresh.
func countImportRead(ctx context.Context, private privateState) diag.Diagnostics {
	m, diags := readImportMarker(ctx, private)
	if m == nil || diags.HasError() {
		return diags
	}
	if m.Reads >= 2 {
		return private.SetKey(ctx, privateImportKey, nil)
	}
	m.Reads++
	raw, err := json.Marshal(m)
	if err != nil {
		diags.AddError("Cannot record the import", err.Error())
		return diags
	}
	return private.SetKey(ctx, privateImportKey, raw)
}

// checkImportedAccount is ModifyPlan's part: an error naming both accounts when the plan's id_instance is known
// and is not the account the resource was imported from.
func checkImportedAccount(ctx context.Context, private privateGetter, planned tfsdk.Plan) diag.Diagnostics {
	if planned.Raw.IsNull() {
		return nil
	}
	m, diags := readImportMarker(ctx, private)
	if m == nil || diags.HasError() {
		return diags
	}
	var n types.Number
	if diags.Append(planned.GetAttribute(ctx, path.Root("id_instance"), &n)...); diags.HasError() {
		return diags
	}
	id := int64Of(n)
	if id.IsNull() || id.IsUnknown() || id.ValueInt64() == m.IDInstance {
		return diags
	}
	diags.AddAttributeError(path.Root("id_instance"), "Imported account differs from the configuration",
		fmt.Sprintf("This resource was imported from GreenWaba instance %[1]d, but the configuration names instance "+
			"%[2]d, so the plan would replace it: reset instance %[1]d to a new account's settings and manage %[2]d "+
			"instead. If the import ID was wrong, import %[2]d instead (fix the import block's id, or run terraform "+
			"state rm and terraform import again). If the configuration is wrong, set id_instance to %[1]d. To move "+
			"the resource to %[2]d on purpose, save a refresh first (terraform apply -refresh-only), then plan again.",
			m.IDInstance, id.ValueInt64()))
	return diags
}
