package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// harness holds the binaries and the Terraform environment every scenario shares.
type harness struct {
	root    string // repository root
	work    string // temporary directory: binaries, CLI configuration, one folder per configuration
	bin     string // work/bin: the provider, the floor provider and greenwaba-mock
	env     []string
	verbose bool
	// profile, when set, is the CPU profile path prefix handed to bench/profiled; each terraform command adds its
	// folder, subcommand and sequence number, so every profile says which command it covers.
	profile string
	seq     int
}

// newHarness builds the provider (or, with a CPU profile wanted, its profiling twin), the two floor providers and
// greenwaba-mock into a temporary directory and writes a CLI configuration whose dev_overrides point Terraform at
// them, so no `terraform init` and no registry are needed. With before set (another checkout of the repository), its
// provider is built too, as bench/before (kindBefore), to be measured beside ours in the same run.
func newHarness(ctx context.Context, root string, cpuProfile bool, verbose bool, before string) (*harness, error) {
	work, err := os.MkdirTemp("", "greenwaba-bench-")
	if err != nil {
		return nil, err
	}
	h := &harness{root: root, work: work, bin: filepath.Join(work, "bin"), verbose: verbose}
	provider := "."
	if cpuProfile {
		provider = "./bench/profiled"
	}
	builds := [][]string{
		{root, "-o", filepath.Join(h.bin, exeGreenwaba), provider},
		{root, "-o", filepath.Join(h.bin, exeFloor), "./bench/floor"},
		{root, "-o", filepath.Join(h.bin, exeMinimal), "./bench/minimal"},
		{root, "-o", filepath.Join(h.bin, "greenwaba-mock"), "./cmd/greenwaba-mock"},
	}
	if before != "" {
		builds = append(builds, []string{before, "-o", filepath.Join(h.bin, exeBefore), provider})
	}
	for _, b := range builds {
		cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-trimpath"}, b[1:]...)...)
		cmd.Dir = b[0]
		if out, err := cmd.CombinedOutput(); err != nil {
			h.close()
			return nil, fmt.Errorf("go build %s: %v\n%s", b[len(b)-1], err, out)
		}
	}
	rc := filepath.Join(work, "terraformrc")
	cliConfig := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "greenwaba/greenwaba" = %q
    "bench/floor"         = %q
    "bench/minimal"       = %q
    "bench/before"        = %q
  }
  direct {}
}
`, h.bin, h.bin, h.bin, h.bin)
	if err := os.WriteFile(rc, []byte(cliConfig), 0o600); err != nil {
		h.close()
		return nil, err
	}
	h.env = append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+rc,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_LOG=", // a caller's TF_LOG would measure logging, not the provider
	)
	return h, nil
}

func (h *harness) close() { _ = os.RemoveAll(h.work) }

// dir returns a fresh folder for one configuration.
func (h *harness) dir(name string) (string, error) {
	d := filepath.Join(h.work, name)
	if err := os.RemoveAll(d); err != nil {
		return "", err
	}
	return d, os.MkdirAll(d, 0o755)
}

// commandTimeout bounds one terraform command: the largest takes about a minute on a busy machine.
const commandTimeout = 15 * time.Minute

// tfRun is one finished terraform command.
type tfRun struct {
	took   time.Duration
	exit   int
	output string
	rss    map[string]int64         // peak RSS (VmHWM, bytes) of the provider processes, by executable name
	cpu    map[string]time.Duration // CPU time of the provider processes, summed, by executable name
}

// errors counts the error diagnostics Terraform printed.
func (r tfRun) errors() int { return strings.Count(r.output, "Error: ") }

// terraform runs `terraform -chdir=dir args...` with -no-color and -input=false, timing it and sampling the peak
// RSS of the provider processes Terraform starts. A non-zero exit is returned in the run, not as an error.
func (h *harness) terraform(ctx context.Context, dir string, extraEnv []string, args ...string) (tfRun, error) {
	full := append([]string{"-chdir=" + dir}, args...)
	full = append(full, "-no-color", "-input=false")
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "terraform", full...)
	// On timeout or Ctrl-C, Terraform gets an interrupt and stops gracefully, its providers with it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	cmd.Env = append(append([]string{}, h.env...), extraEnv...)
	if h.profile != "" {
		h.seq++
		cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%s-%03d-%s-%s", profileEnv, h.profile, h.seq, filepath.Base(dir), args[0]))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return tfRun{}, err
	}
	sampler := startProcSampler(cmd.Process.Pid, h.bin)
	err := cmd.Wait()
	run := tfRun{took: time.Since(start), output: out.String()}
	run.rss, run.cpu = sampler.stop()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		run.exit = exit.ExitCode()
	case err != nil:
		return run, err
	}
	if h.verbose {
		fmt.Fprintf(os.Stderr, "    terraform %s in %s: exit %d, %.1fs\n", strings.Join(args, " "), filepath.Base(dir), run.exit, run.took.Seconds())
	}
	return run, nil
}

// mustTerraform is terraform that also fails on a non-zero exit, quoting the end of Terraform's output.
func (h *harness) mustTerraform(ctx context.Context, dir string, args ...string) (tfRun, error) {
	run, err := h.terraform(ctx, dir, nil, args...)
	if err == nil && run.exit != 0 {
		err = fmt.Errorf("terraform %s in %s: exit %d\n%s", strings.Join(args, " "), filepath.Base(dir), run.exit, tail(run.output, 30))
	}
	return run, err
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
