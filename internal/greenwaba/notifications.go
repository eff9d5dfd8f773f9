package greenwaba

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

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
	body, err := c.do(ctx, request{
		verb:   http.MethodGet,
		method: "receiveNotification",
		query:  "?receiveTimeout=" + strconv.FormatInt(int64(whole/time.Second), 10),
		http:   &hc,
	})
	if err != nil {
		return nil, err
	}
	if b := bytes.TrimSpace(body); len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return nil, nil
	}
	var n Notification
	if err := json.Unmarshal(body, &n); err != nil {
		return nil, c.unexpected("receiveNotification", err)
	}
	if n.ReceiptID <= 0 || len(n.Body) == 0 || bytes.Equal(n.Body, []byte("null")) {
		return nil, c.unexpected("receiveNotification", errors.New("no receiptId or body"))
	}
	return &n, nil
}

// DeleteResult is the answer of deleteNotification.
type DeleteResult struct {
	Result bool   `json:"result"` // false: unknown or already deleted
	Reason string `json:"reason"` // why Result is false, e.g. "notification not found"
}

// DeleteNotification removes the notification with receiptID from the queue.
// An unknown or already deleted receipt is not an error: Result is false.
func (c *Client) DeleteNotification(ctx context.Context, receiptID int64) (DeleteResult, error) {
	if receiptID <= 0 {
		return DeleteResult{}, fmt.Errorf("receipt id %d is not valid: GreenWaba receipt ids are positive", receiptID)
	}
	var out DeleteResult
	err := c.callJSON(ctx, request{
		verb:   http.MethodDelete,
		method: "deleteNotification",
		suffix: "/" + strconv.FormatInt(receiptID, 10),
	}, &out)
	return out, err
}
