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

// procSampler polls the children of one process every sampleInterval and keeps, for each child whose executable
// lives in binDir, the highest VmHWM (peak resident set) and the CPU time used. The kernel keeps both as they grow,
// so the last sample before a process ends misses at most its last sampleInterval. CPU time is much less disturbed
// by a busy machine than wall time: it is what the process did, not how long it waited for a core.
type procSampler struct {
	parent int
	binDir string
	mu     sync.Mutex
	peak   map[string]int64  // bytes, highest of the processes, by executable name
	cpu    map[int]cpuSample // by pid
	done   chan struct{}
	wg     sync.WaitGroup
}

type cpuSample struct {
	exe   string
	ticks int64 // utime + stime, in clock ticks
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat's CPU times: 100 on every Linux architecture Go supports.
const clockTicks = 100

const sampleInterval = 50 * time.Millisecond

func startProcSampler(parent int, binDir string) *procSampler {
	s := &procSampler{parent: parent, binDir: binDir, peak: map[string]int64{}, cpu: map[int]cpuSample{}, done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(sampleInterval)
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

// stop ends the sampling and returns the peak RSS in bytes and the CPU time, summed over its processes, by
// executable name.
func (s *procSampler) stop() (peak map[string]int64, cpu map[string]time.Duration) {
	close(s.done)
	s.wg.Wait()
	cpu = map[string]time.Duration{}
	for _, c := range s.cpu {
		cpu[c.exe] += time.Duration(c.ticks) * time.Second / clockTicks
	}
	return s.peak, cpu
}

func (s *procSampler) sample() {
	for _, pid := range childPIDs(s.parent) {
		exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
		if err != nil || filepath.Dir(exe) != s.binDir {
			continue
		}
		name := filepath.Base(exe)
		hwm := statusKB(pid, "VmHWM:") * 1024
		ticks, ok := cpuTicks(pid)
		s.mu.Lock()
		s.peak[name] = max(s.peak[name], hwm)
		if ok {
			s.cpu[pid] = cpuSample{exe: name, ticks: ticks}
		}
		s.mu.Unlock()
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

// cpuTicks reads utime + stime from /proc/pid/stat.
func cpuTicks(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, false
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	return u + st, err1 == nil && err2 == nil
}
