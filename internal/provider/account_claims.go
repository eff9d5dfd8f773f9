package provider

import (
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// accountClaims keeps one account to one greenwaba_webhook_settings resource. Two resources on one account
// overwrite each other's settings on every apply, and each apply "succeeds". A provider sees one resource at a
// time, so each non-destroy plan claims its account here, and a second claim of the account fails the plan.
//
// It lives in providerData, which Configure makes anew for every Terraform walk (a plan, an apply): Terraform plans
// each resource instance once per walk, and an apply plans again the instances it changes, so an account that was
// unknown at plan time is claimed, and checked, before its write. What it cannot see: two provider configurations
// (aliases) on one account, and, at apply time, a resource that has no change and is therefore not planned again.
type accountClaims struct {
	mu     sync.Mutex
	claims map[int64]accountClaim
}

// accountClaim is the plan that claimed an account. A fleet's walk keeps one per account until it ends, so it holds
// a digest of the configuration, not the decoded configuration (kilobytes each).
type accountClaim struct {
	config [sha256.Size]byte // configDigest of the resource's configuration
	create bool              // planned without a prior state
}

// configDigest identifies a configuration: SHA-256 of its msgpack encoding, which writes object attributes in
// name order, so equal values give equal digests.
func configDigest(v tftypes.Value) [sha256.Size]byte {
	encoded, err := tfprotov6.NewDynamicValue(v.Type(), v)
	if err != nil {
		// Not for a configuration the framework decoded against its own type; the text form identifies it too.
		return sha256.Sum256([]byte(v.String()))
	}
	return sha256.Sum256(encoded.MsgPack)
}

// claim records that the plan req (of a resource whose account is id) manages id, or fails on id_instance when
// another resource claimed it in this walk. An account not known yet is claimed when the apply plans it again.
// replacing is set when the plan asks to replace the resource: Terraform then plans it again as a create, and
// that plan claims. So does the create Terraform plans after `-replace` or a taint: the same configuration,
// planned again without its prior state, is the same resource.
func (c *accountClaims) claim(req resource.ModifyPlanRequest, id types.Number, replacing bool) diag.Diagnostics {
	if id.IsUnknown() || id.IsNull() || replacing {
		return nil
	}
	account := int64Of(id).ValueInt64()
	this := accountClaim{config: configDigest(req.Config.Raw), create: req.State.Raw.IsNull()}
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, taken := c.claims[account]
	switch {
	case !taken:
	case !prev.create && this.create && prev.config == this.config:
		// The create of a resource Terraform replaces, planned after its update.
	default:
		var diags diag.Diagnostics
		diags.AddAttributeError(path.Root("id_instance"), "GreenWaba account managed twice",
			fmt.Sprintf("Another greenwaba_webhook_settings of this provider configuration manages GreenWaba instance "+
				"%d too. Two resources on one account overwrite each other's settings on every apply, and the next "+
				"plan shows a change again. Keep one greenwaba_webhook_settings for the account: remove the other "+
				"one (a removed block with destroy = false leaves the account's settings as they are), or give each resource its own "+
				"id_instance.", account))
		return diags
	}
	if c.claims == nil {
		c.claims = map[int64]accountClaim{}
	}
	c.claims[account] = this
	return nil
}
