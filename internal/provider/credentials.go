package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/greenwaba"
)

// idInstancePattern matches an idInstance written in decimal.
var idInstancePattern = regexp.MustCompile(`^[1-9][0-9]{0,18}$`)

// parseIDInstance parses a decimal idInstance.
func parseIDInstance(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("%q is not a positive whole number", s)
	}
	return id, nil
}

// stringSetting resolves a string attribute: the configured value, else the environment variable, else def.
// An unknown value is recorded in unknown under name.
func stringSetting(v types.String, env, def string, unknown *[]string, name string) string {
	switch {
	case v.IsUnknown():
		*unknown = append(*unknown, name)
		return ""
	case !v.IsNull():
		return v.ValueString()
	}
	if s := os.Getenv(env); s != "" {
		return s
	}
	return def
}

// providerDataFrom is the checked type assertion of the ProviderData that Configure hands to every resource,
// data source and ephemeral resource. It returns nil without error while Terraform validates, before the
// provider is configured.
func providerDataFrom(raw any) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	if raw == nil {
		return nil, diags
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
	}
	return data, diags
}

// providerData is what Configure hands to resources, data sources and ephemeral resources: the resolved
// provider settings and one cached client per account. Its jobs live in one file each: resolving settings and
// tokens here, caching clients in clients.go, wording errors in errors.go.
type providerData struct {
	apiURL         string
	defaultID      int64            // 0 when neither id_instance nor GREENWABA_ID_INSTANCE is set
	defaultToken   string           // api_token_instance, for defaultID
	tokens         map[int64]string // instance_tokens
	tokensFromEnv  bool             // tokens came from GREENWABA_INSTANCE_TOKENS
	unknown        []string         // provider attributes not known yet (plan time)
	requestTimeout time.Duration
	retry          greenwaba.RetryPolicy
	userAgent      string
	httpClient     *http.Client
	pacer          *greenwaba.Pacer
	claims         accountClaims // the accounts greenwaba_webhook_settings plans in this walk

	mu      sync.Mutex
	clients map[int64]*greenwaba.Client
	sources map[int64]string // where each client's token came from, for its 401 message
}

func (d *providerData) readInstanceTokens(ctx context.Context, m types.Map) diag.Diagnostics {
	var diags diag.Diagnostics
	raw := map[string]string{}
	switch {
	case m.IsUnknown():
		d.unknown = append(d.unknown, "instance_tokens")
		return diags
	case !m.IsNull():
		diags.Append(m.ElementsAs(ctx, &raw, false)...)
	default:
		if s := os.Getenv(envInstanceTokens); s != "" {
			d.tokensFromEnv = true
			if err := json.Unmarshal([]byte(s), &raw); err != nil {
				// The JSON error could quote a token: say only what shape is expected.
				diags.AddAttributeError(path.Root("instance_tokens"), "Invalid "+envInstanceTokens,
					fmt.Sprintf("The %s environment variable must be a JSON object of idInstance to API token, "+
						"such as {\"1101000001\": \"...\"}.", envInstanceTokens))
				return diags
			}
		}
	}
	for k, token := range raw {
		id, err := parseIDInstance(k)
		if err != nil || token == "" {
			diags.AddAttributeError(path.Root("instance_tokens"), "Invalid instance_tokens entry",
				fmt.Sprintf("Every key of instance_tokens (or %s) must be an idInstance such as \"1101000001\" "+
					"and every value a non-empty API token; the entry %q is not.", envInstanceTokens, k))
			continue
		}
		d.tokens[id] = token
	}
	return diags
}

// tokenIDs lists the accounts of instance_tokens for the log, as logInt does.
func (d *providerData) tokenIDs() []string {
	ids := make([]int64, 0, len(d.tokens))
	for id := range d.tokens {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = logInt(id)
	}
	return out
}

// isUnknown reports whether the provider attribute name was not known when the provider was configured.
func (d *providerData) isUnknown(name string) bool { return slices.Contains(d.unknown, name) }

// DefaultIDInstance is the account used when a resource leaves id_instance unset: known, null when the provider
// has none, or unknown while the provider's id_instance is not known yet.
func (d *providerData) DefaultIDInstance() types.Int64 {
	switch {
	case d.isUnknown("id_instance"):
		return types.Int64Unknown()
	case d.defaultID == 0:
		return types.Int64Null()
	}
	return types.Int64Value(d.defaultID)
}

// missingTokenSummary is the summary of resolve's error when no token is configured for a known account.
const missingTokenSummary = "Missing GreenWaba API token"

// credential is an account and its API token, with where the token came from, in the words of the
// configuration, for the 401 message.
type credential struct {
	id     int64
	token  string
	source string
}

// resolve finds the account and its token. A provider attribute that is not known yet (plan time) fails the
// call only when the account or its token depend on it.
func (d *providerData) resolve(id types.Int64) (credential, diag.Diagnostics) {
	var diags diag.Diagnostics
	cred := credential{id: id.ValueInt64()}
	// notKnown is the answer when the call needs the provider attributes names.
	notKnown := func(names ...string) (credential, diag.Diagnostics) {
		verb, obj, subj, comes := "depends", "it", "it", "comes"
		if len(names) > 1 {
			verb, obj, subj, comes = "depend", "them", "they", "come"
		}
		diags.AddError("GreenWaba provider settings not known yet",
			fmt.Sprintf("The provider's %s %s on values that are only known after apply, and calling "+
				"GreenWaba%s needs %s, so it cannot be called yet. Set %s from values known at plan time "+
				"(variables, environment variables), or apply first (-target) the resources %s %s from.",
				joinNames(names), verb, forInstance(cred.id), obj, obj, subj, comes))
		return cred, diags
	}
	if d.isUnknown("api_url") {
		return notKnown("api_url")
	}

	if id.IsNull() {
		if d.isUnknown("id_instance") {
			return notKnown("id_instance")
		}
		if d.defaultID == 0 {
			diags.AddError("No GreenWaba account",
				fmt.Sprintf("No account to manage: set id_instance on this resource or data source, or on the "+
					"provider (or the %s environment variable).", envIDInstance))
			return cred, diags
		}
		cred.id = d.defaultID
	}

	// An entry of instance_tokens wins over api_token_instance, so while the map is not known no token is.
	if d.isUnknown("instance_tokens") {
		return notKnown("instance_tokens")
	}
	if token, ok := d.tokens[cred.id]; ok {
		cred.token = token
		cred.source = fmt.Sprintf("instance_tokens[%q]", strconv.FormatInt(cred.id, 10))
		if d.tokensFromEnv {
			cred.source = fmt.Sprintf("%s[%q]", envInstanceTokens, strconv.FormatInt(cred.id, 10))
		}
		return cred, diags
	}
	// Not in instance_tokens: api_token_instance serves the provider's own account, which may be this one.
	switch {
	case d.isUnknown("id_instance") && d.isUnknown("api_token_instance"):
		return notKnown("id_instance", "api_token_instance")
	case d.isUnknown("id_instance"):
		return notKnown("id_instance")
	case cred.id == d.defaultID && d.isUnknown("api_token_instance"):
		return notKnown("api_token_instance")
	case cred.id == d.defaultID && d.defaultToken != "":
		cred.token = d.defaultToken
		cred.source = "api_token_instance (or " + envAPIToken + ")"
		return cred, diags
	}

	var detail string
	if cred.id == d.defaultID {
		detail = fmt.Sprintf("No API token for GreenWaba instance %d: set api_token_instance on the provider "+
			"(or the %s environment variable), or add \"%d\" to instance_tokens (or %s).",
			cred.id, envAPIToken, cred.id, envInstanceTokens)
	} else {
		detail = fmt.Sprintf("No API token for GreenWaba instance %d: add \"%d\" to the provider's "+
			"instance_tokens (or the %s environment variable), or set the provider's id_instance (or %s) to %d "+
			"and api_token_instance (or %s) to its token.",
			cred.id, cred.id, envInstanceTokens, envIDInstance, cred.id, envAPIToken)
	}
	diags.AddError(missingTokenSummary, detail)
	return cred, diags
}

// unknownOf lists those of names that were not known when the provider was configured.
func (d *providerData) unknownOf(names ...string) []string {
	var out []string
	for _, n := range names {
		if d.isUnknown(n) {
			out = append(out, n)
		}
	}
	return out
}
