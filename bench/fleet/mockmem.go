package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// mockMemory is the mock half of item 6: greenwaba-mock's peak RSS (VmHWM) once b.o.queued notifications of exactly
// 1 KiB are queued on one account through the control API, against the payload's size. Target: at most twice the
// payload, everything included (the Go runtime, the HTTP server, the garbage of 100k requests).
func (b *bench) mockMemory(ctx context.Context) error {
	mock, err := startMock(ctx, b.h, "mockmem")
	if err != nil {
		return err
	}
	defer mock.stop()
	if err := mock.createAccounts(ctx, 0, 1); err != nil {
		return err
	}
	pid := mock.cmd.Process.Pid
	idle := statusKB(pid, "VmRSS:") * 1024
	prefix := `{"typeWebhook":"incomingMessageReceived","pad":"`
	body := json.RawMessage(prefix + strings.Repeat("x", 1024-len(prefix)-2) + `"}`)
	path := fmt.Sprintf("/mock/v1/instances/%d/notifications", firstID)
	if err := parallel(ctx, 0, b.o.queued, func(int) error {
		return mock.control(ctx, http.MethodPost, path, body, nil)
	}); err != nil {
		return err
	}
	var in instance
	if err := mock.control(ctx, http.MethodGet, fmt.Sprintf("/mock/v1/instances/%d", firstID), nil, &in); err != nil {
		return err
	}
	if in.QueueLength != b.o.queued {
		return fmt.Errorf("the mock holds %d notifications, want %d", in.QueueLength, b.o.queued)
	}
	hwm, rss := statusKB(pid, "VmHWM:")*1024, statusKB(pid, "VmRSS:")*1024
	payload := float64(b.o.queued * len(body))
	mib := func(v int64) float64 { return float64(v) / (1 << 20) }
	b.res.add(figure{ID: "memory.mock.peak_over_payload", Item: 6, Unit: "×", Value: ptr(float64(hwm) / payload), Target: "<= 2", Max: ptr(2),
		Title: fmt.Sprintf("greenwaba-mock peak RSS / payload, %d × 1 KiB queued", b.o.queued),
		Note:  fmt.Sprintf("peak %.0f MiB, now %.0f MiB, idle %.0f MiB, payload %.0f MiB", mib(hwm), mib(rss), mib(idle), payload/(1<<20))})
	b.res.add(figure{ID: "memory.mock.growth_over_payload", Item: 6, Unit: "×", Value: ptr(float64(rss-idle) / payload),
		Title: "greenwaba-mock RSS growth / payload, same queue"})
	return nil
}
