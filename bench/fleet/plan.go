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
	exeMinimal   = "terraform-provider-minimal"
	exeBefore    = "terraform-provider-before"
)

// exeOf is the provider executable of a kind's configurations ("" for terraform_data: no provider process).
var exeOf = map[kind]string{kindGreenwaba: exeGreenwaba, kindFloor: exeFloor, kindMinimal: exeMinimal, kindBefore: exeBefore}

// providerKinds are the configurations measured against the baselines: ours, and with -before the other checkout's.
func (b *bench) providerKinds() []kind {
	if b.o.before != "" {
		return []kind{kindGreenwaba, kindBefore}
	}
	return []kind{kindGreenwaba}
}

// baseKinds are the baselines: the same-schema floor (what our code adds), the minimal floor (what a user pays over
// the leanest framework provider) and terraform_data (no provider process at all).
var baseKinds = []kind{kindFloor, kindMinimal, kindData}

// planTargets are the targets at the largest N of greenwaba / a baseline, with and without refresh.
var planTargets = map[kind]map[bool]float64{
	kindFloor:   {true: 1.30, false: 1.05},
	kindMinimal: {true: 1.15, false: 1.00},
}

// planAtScale is items 1, 2 and the provider half of 6: for each size N, N resources of each kind on N mock accounts
// are applied once, then planned with and without refresh, the kinds alternating in each round (the first kind
// rotates from round to round); then a no-op apply of the largest size, the providers and the floor alternating.
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
	kinds := append(b.providerKinds(), baseKinds...)

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
	cpu := map[key][]time.Duration{} // provider CPU time, kinds with a provider process only
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
					if exe := exeOf[k]; exe != "" {
						cpu[key{k, n, refresh}] = append(cpu[key{k, n, refresh}], run.cpu[exe])
						if n == maxN && refresh {
							peakRSS[k] = max(peakRSS[k], run.rss[exe])
						}
					}
				}
			}
		}
		fmt.Printf("  round %d of %d done\n", r+1, b.o.rounds)
	}

	// ratioOf is the median over the rounds of p's time (or CPU) over base's in the same round. A round where either
	// is zero is left out: a provider process of a small plan can end before its CPU time is first sampled.
	ratioOf := func(m map[key][]time.Duration, p kind, n int, refresh bool, base kind) (float64, []float64) {
		gw, other := m[key{p, n, refresh}], m[key{base, n, refresh}]
		var rs []float64
		for i := range min(len(gw), len(other)) {
			if gw[i] > 0 && other[i] > 0 {
				rs = append(rs, gw[i].Seconds()/other[i].Seconds())
			}
		}
		return median(slices.Clone(rs)), rs
	}
	for _, refresh := range []bool{true, false} {
		mode, id := "with refresh", "refresh"
		if !refresh {
			mode, id = "-refresh=false", "norefresh"
		}
		for _, n := range b.o.sizes {
			for _, k := range kinds {
				b.res.timing(fmt.Sprintf("plan.%s.%s.n%d", id, k, n), medianDuration(times[key{k, n, refresh}]))
				if exeOf[k] != "" {
					b.res.timing(fmt.Sprintf("plan.%s.%s.cpu.n%d", id, k, n), medianDuration(cpu[key{k, n, refresh}]))
				}
			}
			// The floor runs the framework on our schema and nothing else, so floor / minimal is what the schema
			// alone costs over the minimal floor: the least greenwaba / minimal can be.
			v, samples := ratioOf(times, kindFloor, n, refresh, kindMinimal)
			b.res.add(figure{ID: fmt.Sprintf("plan.%s.floor_minimal.n%d", id, n), Item: 1, Unit: "×", Value: ptr(v), Samples: samples,
				Title: fmt.Sprintf("plan %s, N=%d: floor / minimal (our schema, none of our code)", mode, n)})
			for _, p := range b.providerKinds() {
				for _, base := range baseKinds {
					v, samples := ratioOf(times, p, n, refresh, base)
					f := figure{ID: fmt.Sprintf("plan.%s.%s_%s.n%d", id, p, base, n), Item: 1, Unit: "×", Value: ptr(v), Samples: samples,
						Title: fmt.Sprintf("plan %s, N=%d: %s / %s", mode, n, p, base)}
					if limit, ok := planTargets[base][refresh]; ok && p == kindGreenwaba && n == maxN {
						f.Target, f.Max = fmt.Sprintf("<= %.2f", limit), ptr(limit)
					}
					b.res.add(f)
					if base == kindData {
						continue
					}
					v, samples = ratioOf(cpu, p, n, refresh, base)
					b.res.add(figure{ID: fmt.Sprintf("plan.%s.cpu_%s_%s.n%d", id, p, base, n), Item: 1, Unit: "×", Value: ptr(v), Samples: samples,
						Title: fmt.Sprintf("plan %s, N=%d: provider CPU time %s / %s", mode, n, p, base),
						Note: fmt.Sprintf("median CPU %.2fs / %.2fs", medianDuration(cpu[key{p, n, refresh}]).Seconds(),
							medianDuration(cpu[key{base, n, refresh}]).Seconds())})
				}
			}
		}
		if maxN == minN {
			continue
		}
		for _, p := range b.providerKinds() {
			for _, base := range []kind{kindFloor, kindMinimal} {
				hi, _ := ratioOf(times, p, maxN, refresh, base)
				lo, _ := ratioOf(times, p, minN, refresh, base)
				hiCPU, _ := ratioOf(cpu, p, maxN, refresh, base)
				loCPU, _ := ratioOf(cpu, p, minN, refresh, base)
				b.res.add(figure{ID: fmt.Sprintf("plan.%s.cpu_flatness_%s_%s", id, p, base), Item: 1, Unit: "×", Value: ptr(hiCPU / loCPU),
					Title: fmt.Sprintf("plan %s: provider CPU ratio %s / %s at N=%d / at N=%d", mode, p, base, maxN, minN)})
				f := figure{ID: fmt.Sprintf("plan.%s.flatness_%s_%s", id, p, base), Item: 1, Unit: "×", Value: ptr(hi / lo),
					Title: fmt.Sprintf("plan %s: ratio %s / %s at N=%d / at N=%d", mode, p, base, maxN, minN)}
				if p == kindGreenwaba {
					// Within 10 % read both ways against the minimal floor; no growth against our own schema.
					f.Target, f.Max = "<= 1.10", ptr(1.10)
					if base == kindMinimal {
						f.Target, f.Min = "0.90 to 1.10", ptr(0.90)
					}
				}
				b.res.add(f)
			}
		}
	}
	mib := func(v int64) *float64 {
		if v == 0 {
			return nil // not sampled: the process ended between two samples
		}
		return ptr(float64(v) / (1 << 20))
	}
	for _, k := range kinds {
		if exeOf[k] == "" {
			continue
		}
		b.res.add(figure{ID: fmt.Sprintf("memory.provider.%s.n%d", k, maxN), Item: 6, Unit: "MiB", Value: mib(peakRSS[k]),
			Title: fmt.Sprintf("%s provider peak RSS, plan with refresh of N=%d", k, maxN), Status: statusInfo})
	}
	for _, p := range b.providerKinds() {
		f := figure{ID: fmt.Sprintf("memory.provider.%s_floor.n%d", p, maxN), Item: 6, Unit: "×",
			Title: fmt.Sprintf("provider peak RSS, plan with refresh of N=%d: %s / floor", maxN, p)}
		if peakRSS[p] > 0 && peakRSS[kindFloor] > 0 {
			f.Value = ptr(float64(peakRSS[p]) / float64(peakRSS[kindFloor]))
		}
		if p == kindGreenwaba {
			f.Target, f.Max = "<= 1.10", ptr(1.10)
		}
		b.res.add(f)
	}

	return b.noopApply(ctx, mock, dirs, maxN)
}

// noopApply is item 2: `apply` of an unchanged configuration of n accounts, the providers and the floor alternating,
// and the setSettings calls the mock counted meanwhile.
func (b *bench) noopApply(ctx context.Context, mock *mockProc, dirs map[kind]map[int]string, n int) error {
	before, err := mock.writes(ctx, 0, n)
	if err != nil {
		return err
	}
	kinds := append(b.providerKinds(), kindFloor)
	took := map[kind][]time.Duration{}
	for r := range b.o.rounds {
		for i := range kinds {
			k := kinds[(i+r)%len(kinds)]
			run, err := b.h.mustTerraform(ctx, dirs[k][n], "apply", "-auto-approve")
			if err != nil {
				return err
			}
			took[k] = append(took[k], run.took)
		}
	}
	after, err := mock.writes(ctx, 0, n)
	if err != nil {
		return err
	}
	written := 0
	for i := range after {
		written += after[i] - before[i]
	}
	for _, k := range kinds {
		b.res.timing(fmt.Sprintf("noop_apply.%s.n%d", k, n), medianDuration(took[k]))
	}
	b.res.add(figure{ID: fmt.Sprintf("noop_apply.setsettings.n%d", n), Item: 2, Unit: "calls", Value: ptr(float64(written)),
		Target: "0", Max: ptr(0), Title: fmt.Sprintf("no-op apply of N=%d, %d rounds: setSettings calls", n, b.o.rounds)})
	for _, p := range b.providerKinds() {
		ratios := make([]float64, len(took[p]))
		for i := range ratios {
			ratios[i] = took[p][i].Seconds() / took[kindFloor][i].Seconds()
		}
		f := figure{ID: fmt.Sprintf("noop_apply.%s_floor.n%d", p, n), Item: 2, Unit: "×", Value: ptr(median(slices.Clone(ratios))),
			Samples: ratios, Title: fmt.Sprintf("no-op apply of N=%d: %s / floor", n, p)}
		if p == kindGreenwaba {
			f.Target, f.Max = "<= 1.30", ptr(1.3)
		}
		b.res.add(f)
	}
	return nil
}

func medianDuration(ds []time.Duration) time.Duration {
	xs := make([]float64, len(ds))
	for i, d := range ds {
		xs[i] = float64(d)
	}
	return time.Duration(median(xs))
}
