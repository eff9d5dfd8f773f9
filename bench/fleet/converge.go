package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// applyDelay is how long the mock takes to show a settings write in the convergence benchmark: a realistic reboot.
const applyDelay = 10 * time.Second

// faultsApplyDelay is the mock's apply delay in the fault benchmark, which counts errors, not time.
const faultsApplyDelay = 2 * time.Second

// convergence is item 3: an apply that creates b.o.accounts resources on fresh accounts whose writes show after
// applyDelay, at each -parallelism of b.o.parallelism. Terraform runs `parallelism` creates at a time, so the least
// a provider can add to Terraform's own apply (the floor provider's apply of the same configuration, which makes no
// call and does not wait) is ceil(accounts/parallelism) waves of applyDelay; the figure is the apply's time over
// the floor provider's apply plus those waves. The kinds alternate in each round, the first rotating.
func (b *bench) convergence(ctx context.Context) error {
	mock, err := startMock(ctx, b.h, "converge", "-apply-delay", applyDelay.String())
	if err != nil {
		return err
	}
	defer mock.stop()
	n := b.o.accounts
	next := 0 // accounts are used once: each apply starts from new-account settings
	kinds := append(b.providerKinds(), kindFloor)
	for _, p := range b.o.parallelism {
		waves := time.Duration((n+p-1)/p) * applyDelay
		took := map[kind][]time.Duration{}
		example := "" // the request log of one account of the last round
		for r := range b.o.rounds {
			for i := range kinds {
				k := kinds[(i+r)%len(kinds)]
				if err := mock.createAccounts(ctx, next, next+n); err != nil {
					return err
				}
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
				took[k] = append(took[k], run.took)
				if k != kindFloor {
					if err := checkOneWrite(ctx, mock, next, n); err != nil {
						return err
					}
					if k == kindGreenwaba {
						logs, err := mock.requests(ctx, next, next+1)
						if err != nil {
							return err
						}
						example = describeLog(firstID+next, logs[0])
					}
				}
				next += n
			}
		}
		for _, k := range kinds {
			b.res.timing(fmt.Sprintf("converge.%s.p%d", k, p), medianDuration(took[k]))
		}
		for _, k := range b.providerKinds() {
			ratios := make([]float64, len(took[k]))
			for i := range ratios {
				ratios[i] = took[k][i].Seconds() / (took[kindFloor][i] + waves).Seconds()
			}
			f := figure{ID: fmt.Sprintf("converge.%s.p%d", k, p), Item: 3, Unit: "×", Value: ptr(median(slices.Clone(ratios))), Samples: ratios,
				Title: fmt.Sprintf("apply of %d, %s delay, -parallelism=%d: %s / (floor's apply + %ds)", n, applyDelay, p, k, int(waves.Seconds())),
				Note: fmt.Sprintf("median %.1fs; the floor provider's apply of the same configuration took %.1fs\n%s",
					medianDuration(took[k]).Seconds(), medianDuration(took[kindFloor]).Seconds(), example)}
			if k == kindGreenwaba {
				f.Target, f.Max = "<= 1.10", ptr(1.1)
			}
			b.res.add(f)
		}
	}
	return nil
}

// checkOneWrite fails unless each of the n accounts from `from` has exactly one saved settings write.
func checkOneWrite(ctx context.Context, mock *mockProc, from, n int) error {
	writes, err := mock.writes(ctx, from, from+n)
	if err != nil {
		return err
	}
	for i, w := range writes {
		if w != 1 {
			return fmt.Errorf("account %d: %d settings writes after one create, want 1", firstID+from+i, w)
		}
	}
	return nil
}
