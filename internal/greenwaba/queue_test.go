package greenwaba

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/greenwaba/terraform-provider-greenwaba/internal/mockapi"
)

// stepClock is the mock's time, moved by the test.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stepClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestClearWebhooksQueue_clearsThenReportsTheTimeLeft(t *testing.T) {
	clock := &stepClock{t: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	srv, baseURL := startMock(t, mockapi.Options{Clock: clock})
	if _, err := srv.Enqueue(testID, json.RawMessage(`{"typeWebhook":"incomingMessageReceived"}`)); err != nil {
		t.Fatal(err)
	}
	c, _ := newTestClient(t, baseURL)
	ctx := context.Background()

	got, err := c.ClearWebhooksQueue(ctx)
	if err != nil || !got.Cleared {
		t.Fatalf("first clear = %+v, %v; want cleared", got, err)
	}
	if info, err := srv.Instance(testID); err != nil || info.QueueLength != 0 {
		t.Fatalf("queue after the clear: %+v, %v; want empty", info, err)
	}

	clock.add(20 * time.Second)
	got, err = c.ClearWebhooksQueue(ctx)
	if err != nil || got.Cleared || got.Left != 40*time.Second {
		t.Fatalf("clear 20 s later = %+v, %v; want refused with 40 s left", got, err)
	}

	clock.add(40 * time.Second)
	if got, err = c.ClearWebhooksQueue(ctx); err != nil || !got.Cleared {
		t.Fatalf("clear a minute later = %+v, %v; want cleared", got, err)
	}
}
