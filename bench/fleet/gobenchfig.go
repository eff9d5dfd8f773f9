package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
)

// goBench is item 7: the package benchmarks, every metric recorded (median over -count runs), with targets on the
// mock's queue: flat from 1k to 100k items, and a queued 1 KiB notification costing less than its own size again.
func (b *bench) goBench(ctx context.Context) error {
	metrics, err := goBenchmarks(ctx, b.root, b.o.quick, os.Stdout)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(metrics))
	for name := range metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	med := func(name, unit string) (float64, bool) {
		vs, ok := metrics[name][unit]
		if !ok {
			return 0, false
		}
		return median(slices.Clone(vs)), true
	}
	for _, name := range names {
		units := make([]string, 0, len(metrics[name]))
		for u := range metrics[name] {
			units = append(units, u)
		}
		sort.Strings(units)
		for _, u := range units {
			v, _ := med(name, u)
			f := figure{ID: "gobench." + name + "." + u, Item: 7, Unit: u, Value: ptr(v), Samples: metrics[name][u], Title: name + " " + u}
			if name == "BenchmarkQueuedNotificationHeap" && u == "B/notification-overhead" {
				f.Target, f.Max = "<= 1024", ptr(1024)
			}
			b.res.add(f)
		}
	}
	f := figure{ID: "gobench.queue_depth.flatness", Item: 7, Unit: "×", Target: "<= 1.25", Max: ptr(1.25),
		Title: "mock queue: enqueue+receive+delete at 100k items / at 1k"}
	if v, ok := med("BenchmarkQueueDepth", "100k/1k-ratio"); ok {
		f.Value = ptr(v)
	} else {
		f.Status, f.Note = statusError, "BenchmarkQueueDepth did not report its ratio"
	}
	b.res.add(f)
	fmt.Println()
	return nil
}
