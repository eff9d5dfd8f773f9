// Package greenwaba is a client for the GreenWaba (GREEN-API WhatsApp Business)
// HTTP API: typed settings and notification calls that retry transient
// failures, fail fast with actionable errors, and never print the API token.
//
// Calls that are safe to repeat (getSettings, receiveNotification,
// getStateInstance, and deleteNotification, whose repeat answers "not
// found") are retried on 429, 500, 502, 503 and 504, on refused, reset or
// dropped connections and on timeouts. A setSettings write is not: every
// accepted write reboots the account, so it is retried only when it cannot
// have been processed, on 429 and 503 and when the connection could not be
// made. After a timeout, a dropped connection or another 5xx the write may
// have been saved; the call fails at once and says so, and the caller reads
// the settings to find out.
package greenwaba

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-cleanhttp"
)

// DefaultAPIURL is the API host used when Config.APIURL is empty.
const DefaultAPIURL = "https://api.green-api.com"

// DefaultRequestTimeout bounds one HTTP attempt when neither
// Config.RequestTimeout nor Config.HTTPClient.Timeout is set.
const DefaultRequestTimeout = 30 * time.Second

// DefaultMaxRetries is the number of retries after the first attempt when
// RetryPolicy.MaxRetries is 0.
const DefaultMaxRetries = 4

// defaultTokenSource is how the user configures the token when
// Config.TokenSource does not say otherwise.
const defaultTokenSource = "api_token_instance or GREENWABA_API_TOKEN_INSTANCE"

// RetryPolicy bounds how the client rides out 429, 5xx and network failures.
// Zero fields take the defaults.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries, a negative value disables retries.
	MaxRetries int
	// MinWait is the first backoff wait (default 500ms); later waits double,
	// with jitter, up to MaxWait (default 30s).
	MinWait time.Duration
	MaxWait time.Duration
	// MaxElapsed bounds the time of one call, attempts and waits included
	// (default 2m). A Retry-After is honoured even above MaxWait, but a wait
	// that would end after MaxElapsed or the context's deadline is not
	// started: the call fails at once with the last answer.
	MaxElapsed time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	switch {
	case p.MaxRetries == 0:
		p.MaxRetries = DefaultMaxRetries
	case p.MaxRetries < 0:
		p.MaxRetries = 0
	}
	if p.MinWait <= 0 {
		p.MinWait = 500 * time.Millisecond
	}
	if p.MaxWait <= 0 {
		p.MaxWait = 30 * time.Second
	}
	if p.MaxWait < p.MinWait {
		p.MaxWait = p.MinWait
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 2 * time.Minute
	}
	return p
}

// Config describes one GreenWaba account and how to reach it.
type Config struct {
	APIURL     string // default DefaultAPIURL
	IDInstance int64
	Token      string // apiTokenInstance
	// TokenSource says where the caller got Token, named the way the user
	// configures it, e.g. `instance_tokens["1101000002"]`; errors about the
	// token (HTTP 401) point there. Empty means "api_token_instance or
	// GREENWABA_API_TOKEN_INSTANCE".
	TokenSource string
	// HTTPClient carries the transport; nil means a pooled client. The client
	// works on a copy that never follows redirects (they would carry the
	// token to another URL) and has its Timeout set to RequestTimeout.
	HTTPClient *http.Client
	// RequestTimeout bounds one HTTP attempt. 0 means HTTPClient.Timeout when
	// set, else DefaultRequestTimeout. ReceiveNotification adds its
	// receiveTimeout on top.
	RequestTimeout time.Duration
	UserAgent      string // see UserAgent; default "terraform-provider-greenwaba"
	Retry          RetryPolicy
	Log            LogFunc // nil means no logging
}

// String masks the token so that printing a Config is safe.
func (c Config) String() string {
	return fmt.Sprintf("greenwaba.Config{APIURL:%q IDInstance:%d Token:%s}", c.APIURL, c.IDInstance, maskedIfSet(c.Token))
}

// GoString masks the token for %#v as well.
func (c Config) GoString() string { return c.String() }

func maskedIfSet(s string) string {
	if s == "" {
		return `""`
	}
	return Masked
}

// UserAgent builds the User-Agent header value from the provider's version
// and, when known, Terraform's:
// "terraform-provider-greenwaba/0.1.0 (+https://www.terraform.io) Terraform/1.11.4".
func UserAgent(providerVersion, terraformVersion string) string {
	if providerVersion == "" {
		providerVersion = "dev"
	}
	ua := "terraform-provider-greenwaba/" + providerVersion + " (+https://www.terraform.io)"
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// Client calls the GreenWaba API for one account. It is safe for concurrent
// use and reuses connections; create one per account.
type Client struct {
	id          int64
	token       string
	tokenSource string // never empty
	prefix      string // "{apiURL}/waInstance{id}/"
	tokenPath   string // token, path-escaped
	http        *http.Client
	timeout     time.Duration // per attempt
	userAgent   string
	retry       RetryPolicy
	log         LogFunc

	// WaitForSettings backoff (defaultPollMin, defaultPollMax); tests shorten it.
	pollMin, pollMax time.Duration
}

// New checks cfg and returns a client for its account.
func New(cfg Config) (*Client, error) {
	if cfg.IDInstance <= 0 {
		return nil, fmt.Errorf("GreenWaba instance id %d is not valid: set id_instance or GREENWABA_ID_INSTANCE to the idInstance shown in the console", cfg.IDInstance)
	}
	tokenSource := cfg.TokenSource
	if tokenSource == "" {
		tokenSource = defaultTokenSource
	}
	if cfg.Token == "" {
		return nil, fmt.Errorf("no GreenWaba API token for instance %d: set %s", cfg.IDInstance, tokenSource)
	}
	apiURL := cfg.APIURL
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	u, err := url.Parse(apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		// The URL is the user's own input and carries no token: safe to show.
		return nil, fmt.Errorf("GreenWaba API URL %q is not valid: set api_url or GREENWABA_API_URL to an http(s) URL such as %s", Redact(apiURL, cfg.Token), DefaultAPIURL)
	}

	base := cfg.HTTPClient
	if base == nil {
		base = cleanhttp.DefaultPooledClient()
	}
	timeout := cfg.RequestTimeout
	if timeout <= 0 {
		timeout = base.Timeout
	}
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	hc := *base
	hc.Timeout = timeout
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	ua := cfg.UserAgent
	if ua == "" {
		ua = "terraform-provider-greenwaba"
	}
	return &Client{
		id:          cfg.IDInstance,
		token:       cfg.Token,
		tokenSource: tokenSource,
		prefix:      strings.TrimRight(apiURL, "/") + "/waInstance" + strconv.FormatInt(cfg.IDInstance, 10) + "/",
		tokenPath:   url.PathEscape(cfg.Token),
		http:        &hc,
		timeout:     timeout,
		userAgent:   ua,
		retry:       cfg.Retry.withDefaults(),
		log:         cfg.Log,
		pollMin:     defaultPollMin,
		pollMax:     defaultPollMax,
	}, nil
}

// IDInstance returns the account this client calls.
func (c *Client) IDInstance() int64 { return c.id }

// String identifies the client without its token.
func (c Client) String() string { return fmt.Sprintf("greenwaba.Client(instance %d)", c.id) }

// GoString keeps %#v from printing the token.
func (c Client) GoString() string { return c.String() }

// stateResponse is the getStateInstance answer.
type stateResponse struct {
	StateInstance *string `json:"stateInstance"`
}

// GetStateInstance returns the account state, e.g. "authorized" or "starting".
func (c *Client) GetStateInstance(ctx context.Context) (string, error) {
	var out stateResponse
	if err := c.callJSON(ctx, request{verb: http.MethodGet, method: "getStateInstance"}, &out); err != nil {
		return "", err
	}
	if out.StateInstance == nil {
		return "", c.unexpected("getStateInstance", errors.New("no stateInstance in the answer"))
	}
	return *out.StateInstance, nil
}

// unexpected reports an answer the client cannot use.
func (c *Client) unexpected(method string, err error) error {
	return fmt.Errorf("GreenWaba %s for instance %d gave an unexpected answer: %w", method, c.id, scrub(err, "", c.token))
}
