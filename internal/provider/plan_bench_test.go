package provider

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// BenchmarkPlanResourceChange is one PlanResourceChange of greenwaba_webhook_settings through the provider server,
// as Terraform sends it for each resource of a fleet: the framework's decoding, defaults, plan modifiers and
// ModifyPlan, without gRPC and without logging (no logger in the context). "noop" plans an applied resource whose
// configuration did not change (a plan with -refresh=false of an applied fleet); "create" plans a new one.
//
//	go test -run '^$' -bench PlanResourceChange -benchmem ./internal/provider/
func BenchmarkPlanResourceChange(b *testing.B) {
	ctx := context.Background()
	server, err := testProviderServer()
	if err != nil {
		b.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	const typeName = "greenwaba_webhook_settings"
	resourceSchema := schemas.ResourceSchemas[typeName]

	providerConfig := schemaValue(b, schemas.Provider, map[string]tftypes.Value{
		"api_url":            tftypes.NewValue(tftypes.String, "http://127.0.0.1:9"),
		"id_instance":        tftypes.NewValue(tftypes.Number, big.NewFloat(1101000001)),
		"api_token_instance": tftypes.NewValue(tftypes.String, "bench0token0aa11bb22cc33dd44ee55ff66aa77bb88cc99dd"),
	})
	// Terraform configures the provider anew for every walk (a plan, an apply) and plans each resource once in it;
	// the provider's one-resource-per-account registry lives that long, so each measured plan gets a fresh one.
	configure := func() {
		configured, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{
			TerraformVersion: "1.11.4", Config: providerConfig,
		})
		if err != nil || hasError(configured.Diagnostics) {
			b.Fatalf("ConfigureProvider: %v %v", err, diagSummaries(configured.Diagnostics))
		}
	}

	id := tftypes.NewValue(tftypes.Number, big.NewFloat(1101000001))
	url := tftypes.NewValue(tftypes.String, "https://hooks.example.com/plan/1101000001")
	on, off := tftypes.NewValue(tftypes.Bool, true), tftypes.NewValue(tftypes.Bool, false)
	config := schemaValue(b, resourceSchema, map[string]tftypes.Value{"id_instance": id, "webhook_url": url, "incoming_webhook": on})
	applied := schemaValue(b, resourceSchema, map[string]tftypes.Value{
		"id": tftypes.NewValue(tftypes.String, "1101000001"), "id_instance": id, "webhook_url": url,
		"incoming_webhook": on, "outgoing_webhook": off, "outgoing_api_message_webhook": off,
	})
	// What Terraform proposes for a new resource: the configuration, with computed attributes unknown and
	// optional-computed ones left null for the framework's defaults.
	proposedCreate := schemaValue(b, resourceSchema, map[string]tftypes.Value{
		"id":          tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"id_instance": id, "webhook_url": url, "incoming_webhook": on,
		"webhook_url_token_wo_revision": tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
	})

	for _, bc := range []struct {
		name            string
		prior, proposed *tfprotov6.DynamicValue
		wantPlanned     *tfprotov6.DynamicValue
	}{
		{"noop", applied, applied, applied},
		{"create", nil, proposedCreate, applied},
	} {
		b.Run(bc.name, func(b *testing.B) {
			prior := bc.prior
			if prior == nil {
				prior = nullValue(b, resourceSchema)
			}
			req := &tfprotov6.PlanResourceChangeRequest{
				TypeName: typeName, PriorState: prior, ProposedNewState: bc.proposed, Config: config,
			}
			plan := func() *tfprotov6.PlanResourceChangeResponse {
				resp, err := server.PlanResourceChange(ctx, req)
				if err != nil || hasError(resp.Diagnostics) {
					b.Fatalf("PlanResourceChange: %v %v", err, diagSummaries(resp.Diagnostics))
				}
				return resp
			}
			// The plan is the applied resource's: the benchmark measures a correct plan.
			configure()
			if got, want := decode(b, resourceSchema, plan().PlannedState), decode(b, resourceSchema, bc.wantPlanned); !got.Equal(want) {
				b.Fatalf("planned state\n%v\nwant\n%v", got, want)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				b.StopTimer()
				configure()
				b.StartTimer()
				plan()
			}
		})
	}
}

// schemaValue is an object of schema with the attributes of set, every other attribute null.
func schemaValue(b *testing.B, schema *tfprotov6.Schema, set map[string]tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	attrs := map[string]tftypes.Value{}
	for _, a := range schema.Block.Attributes {
		attrs[a.Name] = tftypes.NewValue(a.ValueType(), nil)
		if v, ok := set[a.Name]; ok {
			attrs[a.Name] = v
		}
	}
	for _, nb := range schema.Block.BlockTypes {
		attrs[nb.TypeName] = tftypes.NewValue(nb.ValueType(), nil)
	}
	v, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), attrs))
	if err != nil {
		b.Fatal(err)
	}
	return &v
}

// nullOf is the null object of schema: no prior state.
func nullValue(b *testing.B, schema *tfprotov6.Schema) *tfprotov6.DynamicValue {
	b.Helper()
	v, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nil))
	if err != nil {
		b.Fatal(err)
	}
	return &v
}

func decode(b *testing.B, schema *tfprotov6.Schema, v *tfprotov6.DynamicValue) tftypes.Value {
	b.Helper()
	out, err := v.Unmarshal(schema.ValueType())
	if err != nil {
		b.Fatal(err)
	}
	return out
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}
