package greenwaba

import (
	"context"
	"net/http"
	"time"
)

// ClearInterval is how often GreenWaba empties an account's notification
// queue at most (D16).
const ClearInterval = time.Minute

// ClearResult is clearWebhooksQueue's answer.
type ClearResult struct {
	// Cleared is false when GreenWaba refused because the queue was cleared
	// less than ClearInterval ago.
	Cleared bool
	// Left is, when not Cleared, how long until the queue may be cleared
	// again (leftTime, whole seconds).
	Left time.Duration
}

// ClearWebhooksQueue empties the account's notification queue
// (clearWebhooksQueue, D16). A refusal because of the once-a-minute limit is
// an answer, not an error: the result says how long to wait.
func (c *Client) ClearWebhooksQueue(ctx context.Context) (ClearResult, error) {
	var out struct {
		IsCleared *bool  `json:"isCleared"`
		LeftTime  *int64 `json:"leftTime"`
	}
	r := request{verb: http.MethodDelete, method: "clearWebhooksQueue"}
	err := c.callJSON(ctx, r, &out, func() bool {
		return out.IsCleared != nil && (*out.IsCleared || (out.LeftTime != nil && *out.LeftTime >= 0))
	})
	if err != nil {
		return ClearResult{}, err
	}
	if *out.IsCleared {
		return ClearResult{Cleared: true}, nil
	}
	return ClearResult{Left: time.Duration(*out.LeftTime) * time.Second}, nil
}
