package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// profileEnv is read by bench/profiled, the provider with a CPU profile.
const profileEnv = "GREENWABA_BENCH_CPUPROFILE"

const (
	exeGreenwaba = "terraform-provider-greenwaba"
	exeFloor     = "terraform-provider-floor"
)

var kinds = []kind{kindGreenwaba, kindFloor, kindData}

// planAtScale is items 1, 2 and the provider half of 6: for each size N, N resources of each kind on N mock accounts
// are applied once, then planned with and without refresh, the kinds alternating in each round (the first kind
// rotates from round to round); then a no-op apply of the largest size, greenwaba and floor alternating.
func (b *bench) planAtScale(ctx context.Context) error {
	mock, err := startMock(ctx, b.h, "plan")
	if err != nil {
		return err
	}
	defer mock.stop()
	maxN, minN := slices.Max(b.o.sizes), slices.Min(b.o.sizes)
	if err := mock.createAccounts(ctx, 0, maxN); err != nil {
		return err
	}

	dirs := map[kind]map[int]string{}
	for _, k := range kinds {
		dirs[k] = map[int]string{}
		for _, n := range b.o.sizes {
			d, err := b.h.dir(fmt.Sprintf("plan-%s-%d", k, n))
			if err != nil {
				return err
			}
			f := fleet{kind: k, n: n, apiURL: mock.url, hookPath: "plan"}
			if err := f.write(d); err != nil {
				return err
			}
			// Set-up, not measured: wider parallelism to save time.
			if _, err := b.h.mustTerraform(ctx, d, "apply", "-auto-approve", "-parallelism=50"); err != nil {
				return err
			}
			dirs[k][n] = d
		}
	}

	type key struct {
		k       kind
		n       int
		refresh bool
	}
	times := map[key][]time.Duration{}
	cpu := map[key][]time.Duration{} // provider CPU time, greenwaba and floor only
	var peakRSS = map[kind]int64{}
	for r := range b.o.rounds {
		for _, n := range b.o.sizes {
			for _, refresh := range []bool{true, false} {
				for i := range kinds {
					k := kinds[(i+r)%len(kinds)]
					args := []string{"plan", "-detailed-exitcode"}
					if !refresh {
						args = append(args, "-refresh=false")
					}
					run, err := b.h.mustTerraform(ctx, dirs[k][n], args...)
					if err != nil {
						return fmt.Errorf("a plan of an applied configuration must show no changes: %w", err)
					}
					times[key{k, n, refresh}] = append(times[key{k, n, refresh}], run.took)
					switch k {
					case kindGreenwaba:
						cpu[key{k, n, refresh}] = append(cpu[key{k, n, refresh}], run.cpu[exeGreenwaba])
					case kindFloor:
						cpu[key{k, n, refresh}] = append(cpu[key{k, n, refresh}], run.cpu[exeFloor])
					}
					if n == maxN && refresh {
						peakRSS[kindGreenwaba] = max(peakRSS[kindGreenwaba], run.rss[exeGreenwaba])
						peakRSS[kindFloor] = max(peakRSS[kindFloor], run.rss[exeFloor])
					}
				}
			}
		}
		fmt.Printf("  round %d of %d done\n", r+1, b.o.rounds)
	}

	ratioOf := func(m map[key][]time.Duration, n int, refresh bool, base kind) (float64, []float64) {
		gw, other := m[key{kindGreenwaba, n, refresh}], m[key{base, n, refresh}]
		rs := make([]float64, len(gw))
		for i := range gw {
			rs[i] = gw[i].Seconds() / other[i].Seconds()
		}
		return median(slices.Clone(rs)), rs
	}
	ratio := func(n int, refresh bool, base kind) (float64, []float64) { return ratioOf(times, n, refresh, base) }
	for _, refresh := range []bool{true, false} {
		mode, id, limit := "with refresh", "refresh", 1.3
		if !refresh {
			mode, id, limit = "-refresh=false", "norefresh", 1.15
		}
		for _, n := range b.o.sizes {
			for _, k := range []kind{kindGreenwaba, kindFloor, kindData} {
				b.res.timing(fmt.Sprintf("plan.%s.%s.n%d", id, k, n), medianDuration(times[key{k, n, refresh}]))
			}
			v, samples := ratio(n, refresh, kindFloor)
			f := figure{ID: fmt.Sprintf("plan.%s.greenwaba_floor.n%d", id, n), Item: 1, Unit: "×", Value: ptr(v), Samples: samples,
				Title: fmt.Sprintf("plan %s, N=%d: greenwaba / floor", mode, n)}
			if n == maxN {
				f.Target, f.Max = fmt.Sprintf("<= %.2f", limit), ptr(limit)
			}
			b.res.add(f)
			v, samples = ratioOf(cpu, n, refresh, kindFloor)
			b.res.add(figure{ID: fmt.Sprintf("plan.%s.cpu_greenwaba_floor.n%d", id, n), Item: 1, Unit: "×", Value: ptr(v), Samples: samples,
				Title: fmt.Sprintf("plan %s, N=%d: provider CPU time greenwaba / floor", mode, n),
				Note: fmt.Sprintf("median CPU %.2fs / %.2fs", medianDuration(cpu[key{kindGreenwaba, n, refresh}]).Seconds(),
					medianDuration(cpu[key{kindFloor, n, refresh}]).Seconds())})
			v, samples = ratio(n, refresh, kindData)
			b.res.add(figure{ID: fmt.Sprintf("plan.%s.greenwaba_tfdata.n%d", id, n), Item: 1, Unit: "×", Value: ptr(v), Samples: samples,
				Title: fmt.Sprintf("plan %s, N=%d: greenwaba / terraform_data", mode, n)})
		}
		if maxN != minN {
			hi, _ := ratio(maxN, refresh, kindFloor)
			lo, _ := ratio(minN, refresh, kindFloor)
			hiCPU, _ := ratioOf(cpu, maxN, refresh, kindFloor)
			loCPU, _ := ratioOf(cpu, minN, refresh, kindFloor)
			b.res.add(figure{ID: "plan." + id + ".cpu_flatness", Item: 1, Unit: "×", Value: ptr(hiCPU / loCPU),
				Title: fmt.Sprintf("plan %s: provider CPU ratio at N=%d / at N=%d", mode, maxN, minN)})
			b.res.add(figure{ID: "plan." + id + ".flatness", Item: 1, Unit: "×", Value: ptr(hi / lo), Target: "<= 1.10", Max: ptr(1.10),
				Title: fmt.Sprintf("plan %s: ratio at N=%d / ratio at N=%d", mode, maxN, minN)})
		}
	}
	mib := func(v int64) *float64 {
		if v == 0 {
			return nil // not sampled: the process ended between two samples
		}
		return ptr(float64(v) / (1 << 20))
	}
	b.res.add(figure{ID: fmt.Sprintf("memory.provider.greenwaba.n%d", maxN), Item: 6, Unit: "MiB", Value: mib(peakRSS[kindGreenwaba]),
		Title: fmt.Sprintf("provider peak RSS, plan with refresh of N=%d", maxN), Status: statusInfo})
	b.res.add(figure{ID: fmt.Sprintf("memory.provider.floor.n%d", maxN), Item: 6, Unit: "MiB", Value: mib(peakRSS[kindFloor]),
		Title: fmt.Sprintf("floor provider peak RSS, same plan, N=%d", maxN), Status: statusInfo})

	return b.noopApply(ctx, mock, dirs[kindGreenwaba][maxN], dirs[kindFloor][maxN], maxN)
}

// noopApply is item 2: `apply` of an unchanged configuration of n accounts, greenwaba and floor alternating, and the
// setSettings calls the mock counted meanwhile.
func (b *bench) noopApply(ctx context.Context, mock *mockProc, gwDir, floorDir string, n int) error {
	before, err := mock.writes(ctx, 0, n)
	if err != nil {
		return err
	}
	var ratios []float64
	var gwTimes, floorTimes []time.Duration
	for r := range b.o.rounds {
		order := []string{gwDir, floorDir}
		if r%2 == 1 {
			order = []string{floorDir, gwDir}
		}
		took := map[string]time.Duration{}
		for _, d := range order {
			run, err := b.h.mustTerraform(ctx, d, "apply", "-auto-approve")
			if err != nil {
				return err
			}
			took[d] = run.took
		}
		gwTimes, floorTimes = append(gwTimes, took[gwDir]), append(floorTimes, took[floorDir])
		ratios = append(ratios, took[gwDir].Seconds()/took[floorDir].Seconds())
	}
	after, err := mock.writes(ctx, 0, n)
	if err != nil {
		return err
	}
	written := 0
	for i := range after {
		written += after[i] - before[i]
	}
	b.res.timing(fmt.Sprintf("noop_apply.greenwaba.n%d", n), medianDuration(gwTimes))
	b.res.timing(fmt.Sprintf("noop_apply.floor.n%d", n), medianDuration(floorTimes))
	b.res.add(figure{ID: fmt.Sprintf("noop_apply.setsettings.n%d", n), Item: 2, Unit: "calls", Value: ptr(float64(written)),
		Target: "0", Max: ptr(0), Title: fmt.Sprintf("no-op apply of N=%d, %d rounds: setSettings calls", n, b.o.rounds)})
	b.res.add(figure{ID: fmt.Sprintf("noop_apply.greenwaba_floor.n%d", n), Item: 2, Unit: "×", Value: ptr(median(slices.Clone(ratios))),
		Samples: ratios, Target: "<= 1.30", Max: ptr(1.3), Title: fmt.Sprintf("no-op apply of N=%d: greenwaba / floor", n)})
	return nil
}

func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}
