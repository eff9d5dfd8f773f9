package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// receiveTimeout is the data sources' receive_timeout: an empty queue holds the read that long.
const receiveTimeout = 5 * time.Second

// dataSource is item 5. A plan of one greenwaba_notification on a non-empty queue against one on an empty queue
// (the read waits receive_timeout); then b.o.dataN data sources on empty queues in one plan. Terraform reads data
// sources during plan, as many at a time as -parallelism allows (default 10), so that plan's least time is
// ceil(N/parallelism) × receive_timeout; the figures are the extra time over those waits.
func (b *bench) dataSource(ctx context.Context) error {
	mock, err := startMock(ctx, b.h, "data")
	if err != nil {
		return err
	}
	defer mock.stop()
	n := b.o.dataN
	// Account 0 has a notification queued; accounts 1 … n have empty queues.
	if err := mock.createAccounts(ctx, 0, n+1); err != nil {
		return err
	}
	note := json.RawMessage(`{"typeWebhook":"incomingMessageReceived","idMessage":"BENCH1","timestamp":1700000000}`)
	if err := mock.control(ctx, http.MethodPost, fmt.Sprintf("/mock/v1/instances/%d/notifications", firstID), note, nil); err != nil {
		return err
	}

	full, err := b.dataConfig("data-full", mock.url, 0, 1)
	if err != nil {
		return err
	}
	empty, err := b.dataConfig("data-empty", mock.url, 1, 1)
	if err != nil {
		return err
	}
	many, err := b.dataConfig("data-many", mock.url, 1, n)
	if err != nil {
		return err
	}
	type plan struct {
		name string
		dir  string
		args []string
	}
	parallelisms := []int{10}
	if n > 10 {
		parallelisms = append(parallelisms, n)
	}
	plans := []plan{{"full", full, nil}, {"empty", empty, nil}}
	for _, p := range parallelisms {
		plans = append(plans, plan{fmt.Sprintf("many.p%d", p), many, []string{fmt.Sprintf("-parallelism=%d", p)}})
	}
	times := map[string][]time.Duration{}
	for range b.o.rounds {
		for _, p := range plans {
			run, err := b.h.mustTerraform(ctx, p.dir, append([]string{"plan"}, p.args...)...)
			if err != nil {
				return err
			}
			times[p.name] = append(times[p.name], run.took)
		}
	}
	med := func(name string) float64 { return medianDuration(times[name]).Seconds() }
	for _, p := range plans {
		b.res.timing("data."+p.name, medianDuration(times[p.name]))
	}
	b.res.add(figure{ID: "data.empty_minus_full", Item: 5, Unit: "s", Value: ptr(med("empty") - med("full")), Target: "<= 6", Max: ptr(6),
		Title: fmt.Sprintf("plan, 1 data source: empty queue − non-empty queue (receive_timeout %s)", receiveTimeout),
		Note:  fmt.Sprintf("non-empty %.1fs, empty %.1fs: the read waits receive_timeout and no more", med("full"), med("empty"))})
	for _, p := range parallelisms {
		waves := (n + p - 1) / p
		floor := time.Duration(waves) * receiveTimeout
		extra := med(fmt.Sprintf("many.p%d", p)) - med("full")
		b.res.add(figure{ID: fmt.Sprintf("data.many.p%d", p), Item: 5, Unit: "×", Value: ptr(extra / floor.Seconds()), Target: "<= 1.20", Max: ptr(1.2),
			Title: fmt.Sprintf("plan, %d data sources on empty queues, -parallelism=%d: wait / %ds", n, p, int(floor.Seconds())),
			Note: fmt.Sprintf("%.1fs beyond the 1-data-source plan; in series it would be %ds",
				extra, int((time.Duration(n) * receiveTimeout).Seconds()))})
	}
	return nil
}

// dataConfig writes a configuration of n greenwaba_notification data sources on accounts from … from+n-1.
func (b *bench) dataConfig(name, apiURL string, from, n int) (string, error) {
	d, err := b.h.dir(name)
	if err != nil {
		return "", err
	}
	return d, fleet{kind: kindNotification, from: from, n: n, apiURL: apiURL}.write(d)
}
