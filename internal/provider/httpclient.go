package provider

import (
	"net/http"

	"github.com/hashicorp/go-cleanhttp"
)

// fleetHTTPClient is the HTTP client of a provider process: go-cleanhttp's pooled client, keeping as many idle
// connections to the API host as the pool keeps in all. Terraform runs up to -parallelism operations at once (10 by
// default), all to one host, and the pooled default keeps GOMAXPROCS+1 idle connections per host: on 2 cores, 7 of
// every 10 connections were closed after their answer and dialled again for the next resource (a TLS handshake
// on GreenWaba), which a refresh of a fleet paid once per resource.
func fleetHTTPClient() *http.Client {
	c := cleanhttp.DefaultPooledClient()
	if t, ok := c.Transport.(*http.Transport); ok {
		t.MaxIdleConnsPerHost = t.MaxIdleConns
	}
	return c
}
