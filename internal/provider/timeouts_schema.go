package provider

import (
	"context"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	ertimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	erschema "github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/validators"
)

// The timeouts attributes of the resource, the data sources and the ephemeral resource: every duration is checked by
// one validator on the timeouts attribute, whose line Terraform can show (it shows an error on timeouts.read at the
// first line of the block), instead of the module's validator on each entry. The three schema packages have
// different attribute types, hence one function each.

// positiveTimeouts is the timeouts attribute with every duration required to be positive: zero or less
// would fail every operation it bounds. TimeoutDurations also checks the format, so it replaces the module's
// validator rather than adding a second message for the same typo, and it reports on timeouts itself, whose
// line Terraform can show.
func positiveTimeouts(ctx context.Context, opts timeouts.Opts) schema.Attribute {
	attr := timeouts.Attributes(ctx, opts)
	block, ok := attr.(schema.SingleNestedAttribute)
	if !ok {
		return attr
	}
	for name, a := range block.Attributes {
		if s, ok := a.(schema.StringAttribute); ok {
			s.Validators = nil
			block.Attributes[name] = s
		}
	}
	block.Validators = append(block.Validators, validators.TimeoutDurations())
	return block
}

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
