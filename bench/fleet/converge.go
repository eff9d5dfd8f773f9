package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// applyDelay is how long the mock takes to show a settings write in the convergence and fault benchmarks.
const applyDelay = 2 * time.Second

// convergence is item 3: an apply that creates b.o.accounts resources on fresh accounts whose writes show after
// applyDelay, at -parallelism 10 and 50. Terraform runs `parallelism` creates at a time, so the least it can take is
// ceil(accounts/parallelism) waves of applyDelay; the figure is the apply's time over that floor. The floor
// provider's apply of the same configuration (no wait) is recorded too: Terraform's own share of the time.
func (b *bench) convergence(ctx context.Context) error {
	mock, err := startMock(ctx, b.h, "converge", "-apply-delay", applyDelay.String())
	if err != nil {
		return err
	}
	defer mock.stop()
	n := b.o.accounts
	next := 0 // accounts are used once: each apply starts from new-account settings
	for _, p := range []int{10, 50} {
		wall := time.Duration((n+p-1)/p) * applyDelay
		var ratios, net []float64
		var gwTimes, floorTimes []time.Duration
		example := "" // the request log of one account of the last round
		for r := range b.o.rounds {
			if err := mock.createAccounts(ctx, next, next+n); err != nil {
				return err
			}
			took := map[kind]time.Duration{}
			for _, k := range []kind{kindGreenwaba, kindFloor} {
				d, err := b.h.dir(fmt.Sprintf("converge-%s-p%d-r%d", k, p, r))
				if err != nil {
					return err
				}
				if err := (fleet{kind: k, from: next, n: n, apiURL: mock.url, hookPath: "converge"}).write(d); err != nil {
					return err
				}
				run, err := b.h.mustTerraform(ctx, d, "apply", "-auto-approve", fmt.Sprintf("-parallelism=%d", p))
				if err != nil {
					return err
				}
				took[k] = run.took
			}
			logs, err := mock.requests(ctx, next, next+1)
			if err != nil {
				return err
			}
			example = describeLog(firstID+next, logs[0])
			writes, err := mock.writes(ctx, next, next+n)
			if err != nil {
				return err
			}
			for i, w := range writes {
				if w != 1 {
					return fmt.Errorf("account %d: %d settings writes after one create, want 1", firstID+next+i, w)
				}
			}
			next += n
			gwTimes, floorTimes = append(gwTimes, took[kindGreenwaba]), append(floorTimes, took[kindFloor])
			ratios = append(ratios, took[kindGreenwaba].Seconds()/wall.Seconds())
			net = append(net, (took[kindGreenwaba]-took[kindFloor]).Seconds()/wall.Seconds())
		}
		b.res.timing(fmt.Sprintf("converge.greenwaba.p%d", p), medianDuration(gwTimes))
		b.res.timing(fmt.Sprintf("converge.floor.p%d", p), medianDuration(floorTimes))
		b.res.add(figure{ID: fmt.Sprintf("converge.p%d", p), Item: 3, Unit: "×", Value: ptr(median(slices.Clone(ratios))), Samples: ratios,
			Target: "<= 1.30", Max: ptr(1.3),
			Title: fmt.Sprintf("apply of %d, %s delay, -parallelism=%d: time / %ds floor", n, applyDelay, p, int(wall.Seconds())),
			Note: fmt.Sprintf("median %.1fs; the floor provider's apply of the same configuration took %.1fs\n%s",
				medianDuration(gwTimes).Seconds(), medianDuration(floorTimes).Seconds(), example)})
		b.res.add(figure{ID: fmt.Sprintf("converge.p%d.net", p), Item: 3, Unit: "×", Value: ptr(median(slices.Clone(net))), Samples: net,
			Title: fmt.Sprintf("same, less the floor provider's apply (Terraform's share) / %ds", int(wall.Seconds()))})
	}
	return nil
}
