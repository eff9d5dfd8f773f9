// Command floor is the benchmarks' floor provider: a terraform-plugin-framework provider whose provider block and
// floor_webhook_settings resource have exactly the schema of the greenwaba provider and its
// greenwaba_webhook_settings, and which makes no call. It is served as main.go serves the greenwaba provider (the
// same log decision). A plan or apply of N of its resources costs what Terraform, gRPC and the framework cost for N
// such resources, so greenwaba / floor is what our own code adds.
package main

import (
	"context"
	"log"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	greenwaba "github.com/greenwaba/terraform-provider-greenwaba/internal/provider"
)

func main() {
	// Served as main.go serves ours (no logs unless a TF_LOG variable asks), so that greenwaba / floor is what our
	// resource code adds; bench/minimal keeps the framework's defaults.
	if err := greenwaba.SilenceUnrequestedLogs(); err != nil {
		log.Fatal(err)
	}
	err := providerserver.Serve(context.Background(), func() provider.Provider { return floorProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/bench/floor", ProtocolVersion: 6})
	if err != nil {
		log.Fatal(err)
	}
}

type floorProvider struct{}

func (floorProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "floor"
}

// Schema is the greenwaba provider's, so the same provider block (fleet instance_tokens included) configures it.
func (floorProvider) Schema(ctx context.Context, req provider.SchemaRequest, resp *provider.SchemaResponse) {
	greenwaba.New("floor")().Schema(ctx, req, resp)
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{func() resource.Resource { return floorResource{} }}
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type floorResource struct{}

func (floorResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_settings"
}

// Schema is greenwaba_webhook_settings': same attributes, defaults, plan modifiers and validators.
func (floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	greenwaba.NewWebhookSettingsResource().Schema(ctx, req, resp)
}

// Create stores the plan with the computed values a real create sets (every benchmark resource sets id_instance).
func (floorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(settleComputed(ctx, &resp.State)...)
}

// Read keeps the state as it is: the account never drifts.
func (floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

func (floorResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	resp.State.Raw = req.Plan.Raw
	resp.Diagnostics.Append(settleComputed(ctx, &resp.State)...)
}

func (floorResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// settleComputed sets the attributes only the provider knows: id from id_instance, and no write-only revision.
func settleComputed(ctx context.Context, state *tfsdk.State) diag.Diagnostics {
	var id types.Number // a whole number: the schema's validator has checked it
	diags := state.GetAttribute(ctx, path.Root("id_instance"), &id)
	n, _ := id.ValueBigFloat().Int64()
	diags.Append(state.SetAttribute(ctx, path.Root("id"), strconv.FormatInt(n, 10))...)
	diags.Append(state.SetAttribute(ctx, path.Root("webhook_url_token_wo_revision"), types.Int64Null())...)
	return diags
}
