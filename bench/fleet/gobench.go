package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// benchLine matches one result line of `go test -bench`: name (without the -GOMAXPROCS suffix), iterations, metrics.
var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// goBenchmarks runs the package benchmarks (echoing Go's output) and returns every metric, by benchmark and unit,
// one value per -count run.
func goBenchmarks(ctx context.Context, root string, quick bool, out io.Writer) (map[string]map[string][]float64, error) {
	args := []string{"test", "-run", "^$", "-bench", ".", "-benchmem"}
	if quick {
		args = append(args, "-benchtime", "100ms", "-count", "1")
	} else {
		args = append(args, "-count", "3")
	}
	args = append(args, "./internal/...")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	var buf bytes.Buffer
	cmd.Stdout = io.MultiWriter(out, &buf)
	cmd.Stderr = out
	fmt.Fprintf(out, "go %s\n", strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go %s: %w", strings.Join(args, " "), err)
	}
	metrics := map[string]map[string][]float64{}
	sc := bufio.NewScanner(&buf)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		fields := strings.Fields(m[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				continue
			}
			if metrics[m[1]] == nil {
				metrics[m[1]] = map[string][]float64{}
			}
			metrics[m[1]][fields[i+1]] = append(metrics[m[1]][fields[i+1]], v)
		}
	}
	return metrics, nil
}
