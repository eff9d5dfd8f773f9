package greenwaba

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// MethodReceiveNotification is the method name in a ReceiveNotification
// call's errors (APIError.Method): its attempts wait for the long poll's
// receiveTimeout on top of the request timeout.
const MethodReceiveNotification = "receiveNotification"

// Bounds of receiveNotification's receiveTimeout (D10).
const (
	MinReceiveTimeout     = 5 * time.Second
	MaxReceiveTimeout     = 60 * time.Second
	DefaultReceiveTimeout = MinReceiveTimeout
)

// Notification is the head of the account's notification queue.
type Notification struct {
	ReceiptID int64           `json:"receiptId"`
	Body      json.RawMessage `json:"body"` // the webhook payload, as sent
}

// ReceiveNotification long-polls the queue for up to timeout (whole seconds,
// 5s to 60s; 0 means 5s) and returns its head without removing it, or nil,
// nil when the queue stayed empty. Each HTTP attempt may last timeout plus
// the client's request timeout, so the long poll itself never times out.
func (c *Client) ReceiveNotification(ctx context.Context, timeout time.Duration) (*Notification, error) {
	if timeout == 0 {
		timeout = DefaultReceiveTimeout
	}
	// GreenWaba takes whole seconds: round up.
	whole := timeout.Truncate(time.Second)
	if whole < timeout {
		whole += time.Second
	}
	if timeout < MinReceiveTimeout || whole > MaxReceiveTimeout {
		return nil, fmt.Errorf("receive timeout %s is out of range: GreenWaba accepts %s to %s", timeout, MinReceiveTimeout, MaxReceiveTimeout)
	}
	hc := *c.http
	hc.Timeout = whole + c.timeout
	r := request{
		verb:   http.MethodGet,
		method: MethodReceiveNotification,
		query:  "?receiveTimeout=" + strconv.FormatInt(int64(whole/time.Second), 10),
		http:   &hc,
	}
	body, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	if b := bytes.TrimSpace(body); len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	var n Notification
	err = c.decode(r, body, &n, func() bool {
		b := bytes.TrimSpace(n.Body)
		return n.ReceiptID > 0 && len(b) > 0 && b[0] == '{'
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}
