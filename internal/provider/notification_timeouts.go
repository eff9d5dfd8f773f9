package provider

import (
	"context"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	ertimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	erschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

// The notification data source's and ephemeral resource's timeouts, as positiveTimeouts is the resource's: every
// duration is checked by one validator on the timeouts attribute, whose line Terraform can show (it shows an error
// on timeouts.read at the first line of the block), instead of the module's validator on each entry.

func dataSourceTimeouts(ctx context.Context, opts dstimeouts.Opts) dsschema.Attribute {
	attr := dstimeouts.AttributesWithOpts(ctx, opts)
	block, ok := attr.(dsschema.SingleNestedAttribute)
	if !ok {
		return attr
	}
	for name, a := range block.Attributes {
		if s, ok := a.(dsschema.StringAttribute); ok {
			s.Validators = nil
			block.Attributes[name] = s
		}
	}
	block.Validators = append(block.Validators, validators.TimeoutDurations())
	return block
}

func ephemeralTimeouts(ctx context.Context, opts ertimeouts.Opts) erschema.Attribute {
	attr := ertimeouts.AttributesWithOpts(ctx, opts)
	block, ok := attr.(erschema.SingleNestedAttribute)
	if !ok {
		return attr
	}
	for name, a := range block.Attributes {
		if s, ok := a.(erschema.StringAttribute); ok {
			s.Validators = nil
			block.Attributes[name] = s
		}
	}
	block.Validators = append(block.Validators, validators.TimeoutDurations())
	return block
}
