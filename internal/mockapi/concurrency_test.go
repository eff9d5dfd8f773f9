package mockapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentProducersConsumers: 8 producers and 8 consumers on two
// accounts, all over HTTP. It proves per-account FIFO, nothing lost, nothing
// returned after its delete was acknowledged, and strictly increasing ids.
func TestConcurrentProducersConsumers(t *testing.T) {
	t.Parallel()
	const (
		producers   = 8
		consumers   = 8
		perProducer = 100
		accounts    = 2
	)
	m := newMock(t, Options{})
	if err := m.srv.CreateInstance(otherID, otherTok); err != nil {
		t.Fatal(err)
	}
	ids := [accounts]int64{testID, otherID}
	tokens := [accounts]string{testToken, otherTok}
	base := func(acc int, method string) string {
		return m.base + "/waInstance" + strconv.FormatInt(ids[acc], 10) + "/" + method + "/" + tokens[acc]
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errs := make(chan error, producers+consumers)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
		cancel()
	}

	type key struct{ producer, seq int }
	var (
		mu       sync.Mutex
		enqueued [accounts]map[int64]key // receipt id -> what was sent
		deleted  [accounts]map[int64]bool
	)
	for a := range accounts {
		enqueued[a] = map[int64]key{}
		deleted[a] = map[int64]bool{}
	}
	var ackedUpTo [accounts]atomic.Int64 // highest receipt id whose delete was acknowledged
	var remaining atomic.Int64
	remaining.Store(producers * perProducer)

	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			acc := p % accounts
			var last int64
			for seq := range perProducer {
				body := fmt.Sprintf(`{"typeWebhook":"incomingMessageReceived","producer":%d,"seq":%d}`, p, seq)
				r, err := post(ctx, m.cli, m.base+"/mock/v1/instances/"+strconv.FormatInt(ids[acc], 10)+"/notifications", body)
				if err != nil {
					fail(err)
					return
				}
				var out struct{ ReceiptID int64 }
				if err := json.Unmarshal(r, &out); err != nil {
					fail(fmt.Errorf("enqueue answer %q: %v", r, err))
					return
				}
				// FIFO for one producer: its items get increasing receipt ids.
				if out.ReceiptID <= last {
					fail(fmt.Errorf("producer %d: receipt %d after %d", p, out.ReceiptID, last))
					return
				}
				last = out.ReceiptID
				mu.Lock()
				enqueued[acc][out.ReceiptID] = key{p, seq}
				mu.Unlock()
			}
		})
	}
	for c := range consumers {
		wg.Go(func() {
			acc := c % accounts
			var lastSeen int64
			for remaining.Load() > 0 && ctx.Err() == nil {
				floor := ackedUpTo[acc].Load()
				body, err := get(ctx, m.cli, base(acc, "receiveNotification")+"?receiveTimeout=5")
				if err != nil {
					if ctx.Err() == nil {
						fail(err)
					}
					return
				}
				if string(body) == "null" {
					continue
				}
				var rc receipt
				if err := json.Unmarshal(body, &rc); err != nil {
					fail(fmt.Errorf("receive answer %q: %v", body, err))
					return
				}
				if rc.ReceiptID <= floor {
					fail(fmt.Errorf("account %d: receipt %d returned after delete of %d was acknowledged", acc, rc.ReceiptID, floor))
					return
				}
				if rc.ReceiptID < lastSeen {
					fail(fmt.Errorf("account %d: head went back from %d to %d", acc, lastSeen, rc.ReceiptID))
					return
				}
				lastSeen = rc.ReceiptID
				var payload struct{ Producer, Seq int }
				if err := json.Unmarshal(rc.Body, &payload); err != nil {
					fail(err)
					return
				}
				res, err := del(ctx, m.cli, base(acc, "deleteNotification")+"/"+strconv.FormatInt(rc.ReceiptID, 10))
				if err != nil {
					if ctx.Err() == nil {
						fail(err)
					}
					return
				}
				if string(res) == `{"result":true,"reason":""}` {
					mu.Lock()
					if deleted[acc][rc.ReceiptID] {
						mu.Unlock()
						fail(fmt.Errorf("receipt %d deleted twice", rc.ReceiptID))
						return
					}
					deleted[acc][rc.ReceiptID] = true
					if want, ok := enqueued[acc][rc.ReceiptID]; ok && want != (key{payload.Producer, payload.Seq}) {
						mu.Unlock()
						fail(fmt.Errorf("receipt %d carried %+v, was sent as %+v", rc.ReceiptID, payload, want))
						return
					}
					mu.Unlock()
					for {
						cur := ackedUpTo[acc].Load()
						if rc.ReceiptID <= cur || ackedUpTo[acc].CompareAndSwap(cur, rc.ReceiptID) {
							break
						}
					}
					if remaining.Add(-1) == 0 {
						cancel() // release consumers parked on empty queues
					}
				} else if string(res) != `{"result":false,"reason":"notification not found"}` {
					fail(fmt.Errorf("delete answer %q", res))
					return
				}
			}
		})
	}
	wg.Wait()
	select {
	case err := <-errs:
		t.Fatal(err)
	default:
	}
	if n := remaining.Load(); n != 0 {
		t.Fatalf("%d notifications never consumed (deadline hit)", n)
	}
	for acc := range accounts {
		if len(deleted[acc]) != len(enqueued[acc]) {
			t.Errorf("account %d: %d enqueued, %d deleted", acc, len(enqueued[acc]), len(deleted[acc]))
		}
		for id := range enqueued[acc] {
			if !deleted[acc][id] {
				t.Errorf("account %d: receipt %d lost", acc, id)
			}
		}
		if n := m.info(ids[acc]).QueueLength; n != 0 {
			t.Errorf("account %d: %d left in queue", acc, n)
		}
	}
	// Per-account FIFO across producers: items were consumed in receipt order,
	// which for each producer is its send order (checked above), and the
	// heads each consumer saw never went back.
}

func post(ctx context.Context, c *http.Client, url, body string) ([]byte, error) {
	return call(ctx, c, "POST", url, body)
}

func get(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	return call(ctx, c, "GET", url, "")
}

func del(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	return call(ctx, c, "DELETE", url, "")
}

func call(ctx context.Context, c *http.Client, verb, url, body string) ([]byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, verb, url, rd)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return nil, errors.New(verb + " " + resp.Status + ": " + string(b))
	}
	return b, nil
}

// TestConcurrentFaults: concurrent setSettings calls share plain and
// processed faults; each use is taken once, plain ones save nothing and
// processed ones save the write (D20), while the fault list is read and
// reboot errors toggled alongside.
func TestConcurrentFaults(t *testing.T) {
	t.Parallel()
	const perKind, calls = 10, 30
	m := newMock(t, Options{})
	if err := m.srv.AddFault(Fault{Method: "setSettings", Status: 502, Count: perKind}); err != nil {
		t.Fatal(err)
	}
	if err := m.srv.AddFault(Fault{Method: "setSettings", Status: 502, Count: perKind, Processed: true}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var failed, ok atomic.Int32
	var wg sync.WaitGroup
	for range calls {
		wg.Go(func() {
			_, err := post(ctx, m.cli, m.base+api("setSettings"), `{"incomingWebhook":"yes"}`)
			switch {
			case err == nil:
				ok.Add(1)
			case strings.Contains(err.Error(), "502 Bad Gateway"):
				failed.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Go(func() {
		for range calls {
			if _, err := get(ctx, m.cli, m.base+"/mock/v1/faults"); err != nil {
				t.Error(err)
			}
			if err := m.srv.SetRebootErrors(testID, false); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	if failed.Load() != 2*perKind || ok.Load() != calls-2*perKind {
		t.Fatalf("%d answered 502, %d answered 200; want %d and %d", failed.Load(), ok.Load(), 2*perKind, calls-2*perKind)
	}
	if got := m.info(testID).SettingsWrites; got != calls-perKind {
		t.Fatalf("settingsWrites = %d, want %d (processed faults save, plain ones do not)", got, calls-perKind)
	}
	if n := len(m.srv.Faults()); n != 0 {
		t.Fatalf("%d faults left armed", n)
	}
}
