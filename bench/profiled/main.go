// Command profiled is the greenwaba provider (the same provider.New as the repository's main.go) with a CPU profile
// around its whole life, for `go run ./bench/fleet -cpuprofile PREFIX`: each provider process Terraform starts writes
// PREFIX-<pid>.pprof when Terraform stops it. Kept out of main.go so that the released binary has no profiling code.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/provider"
)

// profileEnv holds the path prefix of the profiles; bench/fleet sets it.
const profileEnv = "GREENWABA_BENCH_CPUPROFILE"

func main() {
	if prefix := os.Getenv(profileEnv); prefix != "" {
		f, err := os.Create(fmt.Sprintf("%s-%d.pprof", prefix, os.Getpid()))
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer func() {
			pprof.StopCPUProfile()
			_ = f.Close()
		}()
	}
	// As main.go, so that the profile is the released binary's.
	if err := provider.SilenceUnrequestedLogs(); err != nil {
		log.Fatal(err)
	}
	err := providerserver.Serve(context.Background(), provider.New("bench"), providerserver.ServeOpts{
		Address:         "registry.terraform.io/greenwaba/greenwaba",
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Print(err)
	}
}
