package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Status of a figure.
const (
	statusPass    = "pass"
	statusFail    = "fail"
	statusInfo    = "info"    // no target: context for the others
	statusPending = "pending" // cannot be measured yet (a mock feature is missing)
	statusError   = "error"   // the scenario could not run
)

// figure is one measured number with its target.
type figure struct {
	ID      string    `json:"id"`
	Item    int       `json:"item"` // the numbered item of issue 12 / BENCHMARKS.md
	Title   string    `json:"title"`
	Value   *float64  `json:"value"` // null when pending or on error
	Unit    string    `json:"unit"`
	Target  string    `json:"target,omitempty"` // as written in BENCHMARKS.md, e.g. "<= 1.3"
	Max     *float64  `json:"max,omitempty"`    // the value passes when <= Max
	Min     *float64  `json:"min,omitempty"`    // and, when set, >= Min
	Status  string    `json:"status"`
	Note    string    `json:"note,omitempty"`
	Samples []float64 `json:"samples,omitempty"` // one per round, when the value is their median
}

// results is one run of the benchmark, written to bench/results/<time>-<commit>.json.
type results struct {
	Commit     string             `json:"commit"`
	Before     string             `json:"before_commit,omitempty"` // -before: the commit measured as "before"
	Dirty      bool               `json:"dirty"`
	Branch     string             `json:"branch"`
	Started    time.Time          `json:"started"`
	Seconds    float64            `json:"seconds"`
	Quick      bool               `json:"quick"`
	Sizes      []int              `json:"sizes"`
	Rounds     int                `json:"rounds"`
	Terraform  string             `json:"terraform"`
	Go         string             `json:"go"`
	Cores      int                `json:"cores"`
	LoadBefore string             `json:"load_before"` // /proc/loadavg: the machine is shared, figures are ratios
	LoadAfter  string             `json:"load_after"`
	Figures    []figure           `json:"figures"`
	Timings    map[string]float64 `json:"timings_s"` // medians behind the ratios, for reference only
}

func (r *results) add(f figure) {
	if f.Value != nil && (math.IsNaN(*f.Value) || math.IsInf(*f.Value, 0)) {
		// No valid sample (a median of none, a ratio over an unsampled zero): not measured, and JSON has no NaN.
		f.Value = nil
	}
	if f.Status == "" {
		switch {
		case f.Value == nil:
			f.Status = statusPending
		case f.Max == nil:
			f.Status = statusInfo
		case *f.Value <= *f.Max+1e-9 && (f.Min == nil || *f.Value >= *f.Min-1e-9):
			f.Status = statusPass
		default:
			f.Status = statusFail
		}
	}
	r.Figures = append(r.Figures, f)
}

// fail records that a benchmark could not run.
func (r *results) fail(step string, err error) {
	r.add(figure{ID: step + ".error", Title: step + " could not run", Status: statusError, Note: err.Error()})
}

func (r *results) timing(name string, d time.Duration) {
	r.Timings[name] = math.Round(d.Seconds()*1000) / 1000
}

func ptr(v float64) *float64 { return &v }

// write saves the results as JSON in dir and returns the file's path.
func (r *results) write(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	commit := r.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	name := r.Started.UTC().Format("20060102T150405Z") + "-" + commit
	if r.Quick {
		name += "-quick"
	}
	path := filepath.Join(dir, name+".json")
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return "", err
	}
	return path, os.WriteFile(path, append(b, '\n'), 0o644)
}

// summary prints one line per figure, grouped by item.
func (r *results) summary(w io.Writer) {
	fmt.Fprintf(w, "\ncommit %s%s, %s, %d cores, load %s → %s, %.0fs\n", short(r.Commit), map[bool]string{true: " (dirty)"}[r.Dirty],
		r.Terraform, r.Cores, r.LoadBefore, r.LoadAfter, r.Seconds)
	if r.Quick {
		fmt.Fprintln(w, "  BENCH_QUICK: sizes too small for the targets to mean anything; this run proves the benchmark runs")
	}
	figs := slices.Clone(r.Figures)
	slices.SortStableFunc(figs, func(a, b figure) int { return a.Item - b.Item })
	for _, f := range figs {
		val := "—"
		if f.Value != nil {
			val = fmt.Sprintf("%.3g %s", *f.Value, f.Unit)
		}
		target := f.Target
		if target == "" {
			target = "-"
		}
		fmt.Fprintf(w, "  %d %-7s %-58s %-18s target %-8s", f.Item, strings.ToUpper(f.Status), f.Title, val, target)
		if f.Note != "" {
			fmt.Fprintf(w, "  (%s)", firstLine(f.Note))
		}
		fmt.Fprintln(w)
	}
}

func short(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// median of xs (which it sorts); NaN for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	if len(xs)%2 == 1 {
		return xs[len(xs)/2]
	}
	return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
}
