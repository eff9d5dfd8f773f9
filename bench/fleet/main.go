// Command fleet is `make bench`: the package benchmarks, then the provider at fleet scale through real Terraform
// against greenwaba-mock, each figure a ratio to a baseline run alternately in the same process tree (the floor
// provider, Terraform's terraform_data, or the wait GreenWaba imposes), median of the rounds. It writes one JSON file
// per run to bench/results/ and a summary to standard output; BENCHMARKS.md explains every figure.
//
//	go run ./bench/fleet                 # the full run (make bench)
//	BENCH_QUICK=1 go run ./bench/fleet   # small sizes, one round: proves the benchmark runs (CI smoke step)
//	go run ./bench/fleet -only plan -sizes 1000 -rounds 1 -cpuprofile /tmp/provider.pprof
//	go run ./bench/fleet -only 'plan|converge' -before /tmp/main-checkout   # main's provider beside ours
//
// It exits non-zero only when the benchmark cannot run, never because a figure misses its target.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the run's sizes; BENCH_QUICK=1 picks the small ones.
type options struct {
	quick      bool
	sizes      []int // fleet sizes of the plan benchmark; targets are judged at the largest
	rounds     int
	accounts   int // convergence and fault benchmarks
	dataN      int // data sources in one plan
	queued     int // notifications in the mock memory benchmark
	only       *regexp.Regexp
	cpuProfile string
	out        string
	verbose    bool
	// before is another checkout (e.g. a git worktree of main) whose provider is measured beside ours, as "before".
	before      string
	parallelism []int // -parallelism of the convergence benchmark's applies
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "bench/fleet:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	quick := os.Getenv("BENCH_QUICK") != "" && os.Getenv("BENCH_QUICK") != "0"
	o := options{quick: quick, sizes: []int{100, 300, 1000}, rounds: 3, accounts: 50, dataN: 20, queued: 100_000, parallelism: []int{10, 50}}
	if quick {
		o = options{quick: true, sizes: []int{10, 40}, rounds: 1, accounts: 20, dataN: 10, queued: 10_000, parallelism: []int{20}}
	}
	sizes := flag.String("sizes", joinInts(o.sizes), "comma-separated fleet sizes of the plan benchmark")
	parallelism := flag.String("parallelism", joinInts(o.parallelism), "comma-separated -parallelism values of the convergence benchmark")
	flag.StringVar(&o.before, "before", "", "also build the provider of this checkout (e.g. a git worktree of main) and measure it beside ours, as \"before\"")
	flag.IntVar(&o.rounds, "rounds", o.rounds, "rounds of every timed comparison (the median is kept)")
	flag.IntVar(&o.accounts, "accounts", o.accounts, "accounts of the convergence and fault benchmarks")
	flag.IntVar(&o.dataN, "data-sources", o.dataN, "greenwaba_notification data sources read in one plan")
	flag.IntVar(&o.queued, "queued", o.queued, "1 KiB notifications queued in the mock memory benchmark")
	only := flag.String("only", "", "run only the benchmarks whose name matches this regexp: gobench plan converge faults data mockmem")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of every greenwaba provider process to PREFIX-<seq>-<folder>-<command>-<pid>.pprof")
	flag.StringVar(&o.out, "out", "bench/results", "folder for the JSON results, relative to the repository root")
	flag.BoolVar(&o.verbose, "v", false, "print every terraform command and its time")
	flag.Parse()
	var err error
	if o.sizes, err = parseInts(*sizes); err != nil || len(o.sizes) == 0 {
		return fmt.Errorf("-sizes: want comma-separated positive integers, got %q", *sizes)
	}
	if o.parallelism, err = parseInts(*parallelism); err != nil || len(o.parallelism) == 0 {
		return fmt.Errorf("-parallelism: want comma-separated positive integers, got %q", *parallelism)
	}
	if o.before != "" {
		if o.before, err = filepath.Abs(o.before); err != nil {
			return err
		}
	}
	if o.only, err = regexp.Compile(*only); err != nil {
		return fmt.Errorf("-only: %w", err)
	}
	if o.rounds < 1 || o.accounts < 1 || o.dataN < 1 || o.queued < 1 {
		return errors.New("-rounds, -accounts, -data-sources and -queued must be positive")
	}

	root, err := gitOutput("rev-parse", "--show-toplevel")
	if err != nil {
		return fmt.Errorf("run from inside the repository: %w", err)
	}
	res := &results{
		Started: time.Now(), Quick: o.quick, Sizes: o.sizes, Rounds: o.rounds, Cores: runtime.NumCPU(),
		Go: runtime.Version(), LoadBefore: loadavg(), Timings: map[string]float64{},
	}
	res.Commit, _ = gitOutput("rev-parse", "HEAD")
	res.Branch, _ = gitOutput("rev-parse", "--abbrev-ref", "HEAD")
	status, _ := gitOutput("status", "--porcelain", "--untracked-files=no")
	res.Dirty = status != ""
	if o.before != "" {
		res.Before, _ = gitOutputIn(o.before, "rev-parse", "HEAD")
	}
	tfv, err := exec.CommandContext(ctx, "terraform", "version").Output()
	if err != nil {
		return fmt.Errorf("terraform version: %w (Terraform must be on PATH)", err)
	}
	res.Terraform = strings.TrimSpace(strings.SplitN(string(tfv), "\n", 2)[0])

	if o.cpuProfile != "" {
		if o.cpuProfile, err = filepath.Abs(o.cpuProfile); err != nil {
			return err
		}
	}
	fmt.Printf("==> building the provider, the floor provider and greenwaba-mock (%s, %d cores, load %s)\n", res.Terraform, res.Cores, res.LoadBefore)
	h, err := newHarness(ctx, root, o.cpuProfile != "", o.verbose, o.before)
	if err != nil {
		return err
	}
	defer h.close()
	h.profile = o.cpuProfile

	b := &bench{o: o, h: h, res: res, root: root}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"gobench", b.goBench},
		{"plan", b.planAtScale},
		{"converge", b.convergence},
		{"faults", b.rateLimitsAndFaults},
		{"data", b.dataSource},
		{"mockmem", b.mockMemory},
	}
	ran := 0
	var failed []string
	for _, s := range steps {
		if !o.only.MatchString(s.name) {
			continue
		}
		ran++
		start := time.Now()
		fmt.Printf("\n==> %s\n", s.name)
		if err := s.run(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			// This benchmark could not run: recorded, and the run fails at the end (a missed target never does).
			fmt.Fprintf(os.Stderr, "bench/fleet: %s: %v\n", s.name, err)
			res.fail(s.name, err)
			failed = append(failed, s.name)
		}
		res.timing("step."+s.name, time.Since(start))
	}
	if ran == 0 {
		return fmt.Errorf("-only %q matches no benchmark", *only)
	}
	res.LoadAfter = loadavg()
	res.Seconds = time.Since(res.Started).Round(time.Second).Seconds()
	out := o.out
	if !filepath.IsAbs(out) {
		out = filepath.Join(root, out)
	}
	path, err := res.write(out)
	if err != nil {
		return err
	}
	res.summary(os.Stdout)
	fmt.Printf("\nresults: %s\n", path)
	if len(failed) > 0 {
		return fmt.Errorf("could not run: %s", strings.Join(failed, ", "))
	}
	return nil
}

// bench is one run: its options, the built binaries and the figures so far.
type bench struct {
	o    options
	h    *harness
	res  *results
	root string
}

func gitOutput(args ...string) (string, error) { return gitOutputIn("", args...) }

// gitOutputIn is git's output in the checkout dir ("" for the current one).
func gitOutputIn(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// loadavg is the first three fields of /proc/loadavg ("" elsewhere).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, errors.New("bad size")
		}
		out = append(out, n)
	}
	return out, nil
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}
