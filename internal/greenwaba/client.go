// Package greenwaba is a client for the GreenWaba (GREEN-API WhatsApp Business)
// HTTP API: typed settings and notification calls that keep to the account's
// rate limits, retry what is safe to retry, and never print the API token.
//
// One request lifecycle serves every call. Before each attempt the call waits
// for its account's turn (Pacer). A call that is safe to repeat (getSettings,
// receiveNotification, getStateInstance) is retried on 429, 500, 502, 503 and
// 504, on 400 "instance in starting process" (D18), on refused, reset or
// dropped connections and on timeouts, with Retry-After honoured. A
// setSettings write is retried at once only when it cannot have been saved
// (429, 503, 400 "starting", no connection); after any other failure it may
// have been saved, so SetSettings asks the account (D20) and writes again
// only when it was not. The caller's context is the only deadline;
// Config.RequestTimeout bounds one attempt.
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

// RetryPolicy says how often and how patiently a call is retried. Zero
// fields take the defaults. No field bounds a call's time: its context does.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; 0 means
	// DefaultMaxRetries, a negative value disables retries.
	MaxRetries int
	// MinWait is the first backoff wait (default 500ms); later waits double
	// up to MaxWait (default 30s). A Retry-After is honoured instead.
	MinWait time.Duration
	MaxWait time.Duration
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
	p.MaxWait = max(p.MaxWait, p.MinWait)
	return p
}

// Config describes one GreenWaba account and how to reach it.
type Config struct {
	APIURL     string // default DefaultAPIURL; see ParseAPIURL
	IDInstance int64
	Token      string // apiTokenInstance
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
	// Pacer spaces the calls to each account; share one between every client
	// of a process. Nil means a Pacer of this client's own.
	Pacer *Pacer
	Log   LogFunc // nil means no logging
}

// String masks the token so that printing a Config is safe.
func (c Config) String() string {
	return fmt.Sprintf("greenwaba.Config{APIURL:%q IDInstance:%d Token:%s}", c.APIURL, c.IDInstance, maskedIfSet(c.Token))
}

// GoString masks the token for %#v as well.
func (c Config) GoString() string { return c.String() }

// ParseAPIURL is the rule for the API's base URL: an absolute http or https
// URL with a host and nothing after the path (the client appends
// /waInstance{id}/{method}/{token} to it). "" is DefaultAPIURL. The error
// says what is wrong without quoting the URL.
func ParseAPIURL(s string) (*url.URL, error) {
	if s == "" {
		s = DefaultAPIURL
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, errors.New("it cannot be parsed as a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("its scheme must be http or https")
	case u.Hostname() == "":
		return nil, errors.New("it has no host")
	case u.User != nil:
		return nil, errors.New("it carries a user name or password")
	case u.RawQuery != "" || u.ForceQuery:
		return nil, errors.New("it has a query (?...)")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return nil, errors.New("it has a fragment (#...)")
	}
	return u, nil
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
	id        int64
	token     string
	prefix    string // "{apiURL}/waInstance{id}/"
	tokenPath string // token, path-escaped
	http      *http.Client
	timeout   time.Duration // per attempt
	userAgent string
	retry     RetryPolicy
	pacer     *Pacer
	log       LogFunc
	clock     clock
}

// New checks cfg and returns a client for its account.
func New(cfg Config) (*Client, error) {
	if cfg.IDInstance <= 0 {
		return nil, fmt.Errorf("GreenWaba instance id %d is not valid: it must be a positive idInstance", cfg.IDInstance)
	}
	if cfg.Token == "" {
		return nil, fmt.Errorf("no GreenWaba API token for instance %d", cfg.IDInstance)
	}
	u, err := ParseAPIURL(cfg.APIURL)
	if err != nil {
		return nil, fmt.Errorf("GreenWaba API URL is not valid: %w", err)
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
	pacer := cfg.Pacer
	if pacer == nil {
		pacer = NewPacer()
	}
	return &Client{
		id:        cfg.IDInstance,
		token:     cfg.Token,
		prefix:    strings.TrimRight(u.String(), "/") + "/waInstance" + strconv.FormatInt(cfg.IDInstance, 10) + "/",
		tokenPath: url.PathEscape(cfg.Token),
		http:      &hc,
		timeout:   timeout,
		userAgent: ua,
		retry:     cfg.Retry.withDefaults(),
		pacer:     pacer,
		log:       cfg.Log,
		clock:     pacer.clock,
	}, nil
}

// IDInstance returns the account this client calls.
func (c *Client) IDInstance() int64 { return c.id }

// String identifies the client without its token.
func (c Client) String() string { return fmt.Sprintf("greenwaba.Client(instance %d)", c.id) }

// GoString keeps %#v from printing the token.
func (c Client) GoString() string { return c.String() }

// stateInstance returns the account state, e.g. "authorized" or "starting".
func (c *Client) stateInstance(ctx context.Context) (string, error) {
	var out struct {
		StateInstance *string `json:"stateInstance"`
	}
	err := c.callJSON(ctx, request{verb: http.MethodGet, method: "getStateInstance"}, &out,
		func() bool { return out.StateInstance != nil && *out.StateInstance != "" })
	if err != nil {
		return "", err
	}
	return *out.StateInstance, nil
}
