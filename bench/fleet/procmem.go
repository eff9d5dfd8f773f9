package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler polls the children of one process every rssInterval and keeps the highest VmHWM (peak resident set) of
// each child whose executable lives in binDir. Peak RSS is a high-water mark kept by the kernel, so a sample taken
// shortly before the process ends loses at most what it grew in its last rssInterval.
type rssSampler struct {
	parent int
	binDir string
	mu     sync.Mutex
	peak   map[string]int64
	done   chan struct{}
	wg     sync.WaitGroup
}

const rssInterval = 50 * time.Millisecond

func startRSSSampler(parent int, binDir string) *rssSampler {
	s := &rssSampler{parent: parent, binDir: binDir, peak: map[string]int64{}, done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(rssInterval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop ends the sampling and returns the peaks, in bytes, by executable name.
func (s *rssSampler) stop() map[string]int64 {
	close(s.done)
	s.wg.Wait()
	return s.peak
}

func (s *rssSampler) sample() {
	for _, pid := range childPIDs(s.parent) {
		exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
		if err != nil || filepath.Dir(exe) != s.binDir {
			continue
		}
		if hwm := statusKB(pid, "VmHWM:") * 1024; hwm > 0 {
			s.mu.Lock()
			name := filepath.Base(exe)
			s.peak[name] = max(s.peak[name], hwm)
			s.mu.Unlock()
		}
	}
}

// childPIDs lists the children of pid, from every thread's /proc children file (Linux).
func childPIDs(pid int) []int {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	var out []int
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// statusKB reads a "Field:   123 kB" line of /proc/pid/status; 0 when it cannot.
func statusKB(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
