package validators

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

var _ validator.String = apiURLValidator{}

// APIURL accepts what greenwaba.ParseAPIURL accepts: the client's one rule for the API's base URL.
func APIURL() validator.String { return apiURLValidator{} }

type apiURLValidator struct{}

func (apiURLValidator) Description(context.Context) string {
	return "value must be an absolute http:// or https:// URL with nothing after the path, such as " + greenwaba.DefaultAPIURL
}

func (v apiURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v apiURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := greenwaba.ParseAPIURL(req.ConfigValue.ValueString()); err != nil || req.ConfigValue.ValueString() == "" {
		problem := "it is empty"
		if err != nil {
			problem = err.Error()
		}
		// The value itself is left out: it could carry credentials.
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid GreenWaba API URL",
			fmt.Sprintf("Attribute %s %s: %s.", req.Path, v.Description(ctx), problem))
	}
}
