package provider

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

// The client cache of providerData: one client per account, built on first use from the resolved settings.

// ClientFor returns the client for the account id (null means the provider's id_instance), and the account's
// idInstance. Clients are cached per account. Missing credentials give an error naming the attribute and the
// environment variable to set; provider attributes not known yet fail the call only when it needs them.
func (d *providerData) ClientFor(id types.Int64) (*greenwaba.Client, int64, diag.Diagnostics) {
	cred, diags := d.resolve(id)
	if diags.HasError() {
		return nil, cred.id, diags
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[cred.id]; ok {
		return c, cred.id, diags
	}
	c, err := greenwaba.New(greenwaba.Config{
		APIURL:         d.apiURL,
		IDInstance:     cred.id,
		Token:          cred.token,
		HTTPClient:     d.httpClient,
		RequestTimeout: d.requestTimeout,
		UserAgent:      d.userAgent,
		Retry:          d.clientRetry(),
		Pacer:          d.pacer,
		Log:            clientLog(cred.token),
	})
	if err != nil {
		diags.AddError("Cannot reach GreenWaba instance "+strconv.FormatInt(cred.id, 10), err.Error())
		return nil, cred.id, diags
	}
	d.clients[cred.id] = c
	d.sources[cred.id] = cred.source
	// Said once per account: every later call reuses this client and its settings.
	if defaulted := d.unknownOf("request_timeout", "max_retries"); len(defaulted) > 0 {
		diags.AddWarning("GreenWaba provider settings not known yet",
			fmt.Sprintf("The provider's %s %s only known after apply, so the calls to GreenWaba instance %d made "+
				"during this plan use the default (request_timeout %s, max_retries %d). The apply uses the "+
				"configured values.", joinNames(defaulted), isOrAre(defaulted), cred.id,
				greenwaba.DefaultRequestTimeout, greenwaba.DefaultMaxRetries))
	}
	return c, cred.id, diags
}

// clientRetry maps max_retries onto the client's policy, where 0 means "the default" and a negative value none.
func (d *providerData) clientRetry() greenwaba.RetryPolicy {
	r := d.retry
	if r.MaxRetries == 0 {
		r.MaxRetries = -1
	}
	return r
}
