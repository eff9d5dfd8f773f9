// Command terraform-provider-greenwaba is the Terraform provider for GreenWaba (GREEN-API WhatsApp Business).
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/provider"
)

// version is set by goreleaser through ldflags (-X main.version=...).
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	if !debug {
		if err := provider.SilenceUnrequestedLogs(); err != nil {
			log.Fatal(err)
		}
	}
	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/greenwaba/greenwaba",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}
