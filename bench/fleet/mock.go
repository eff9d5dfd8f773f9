package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// firstID is the first benchmark account; account i of a run is firstID+i.
const firstID = 1200000000 // clear of greenwaba-mock's demo account, 1101000001

// token is the API token of account id: fixed per id, so configurations can be written before the accounts exist.
func token(id int64) string {
	sum := sha256.Sum256([]byte("greenwaba-bench/" + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(sum[:25])
}

// mockProc is a greenwaba-mock process on a free loopback port.
type mockProc struct {
	cmd  *exec.Cmd
	url  string
	http *http.Client
	log  *os.File
}

// startMock starts greenwaba-mock with the given flags; its request log goes to mock.log in the harness folder
// named name.
func startMock(ctx context.Context, h *harness, name string, args ...string) (*mockProc, error) {
	dir, err := h.dir(name)
	if err != nil {
		return nil, err
	}
	logFile, err := os.Create(filepath.Join(dir, "mock.log"))
	if err != nil {
		return nil, err
	}
	// greenwaba-mock creates a demo account when given none; the benchmark makes its own over the control API.
	cmd := exec.Command(filepath.Join(h.bin, "greenwaba-mock"), append([]string{"-listen", "127.0.0.1:0"}, args...)...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	m := &mockProc{cmd: cmd, log: logFile, http: &http.Client{
		Timeout:   time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 16},
	}}
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case m.url = <-first:
	case <-time.After(30 * time.Second):
	case <-ctx.Done():
	}
	if m.url == "" {
		m.stop()
		return nil, fmt.Errorf("greenwaba-mock printed no base URL; its log is %s", logFile.Name())
	}
	return m, nil
}

// stop ends the mock with SIGTERM and waits for it.
func (m *mockProc) stop() {
	if m.cmd.Process != nil {
		_ = m.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = m.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = m.cmd.Process.Kill()
			<-done
		}
	}
	m.http.CloseIdleConnections()
	m.log.Close()
}

// control makes one control API call and decodes a 2xx JSON answer into out (when not nil).
func (m *mockProc) control(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, m.url+path, rd)
	if err != nil {
		return err
	}
	resp, err := m.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &controlError{status: resp.StatusCode, msg: strings.TrimSpace(string(data))}
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

type controlError struct {
	status int
	msg    string
}

func (e *controlError) Error() string {
	return fmt.Sprintf("mock control call: %d %s", e.status, e.msg)
}

// createAccounts creates accounts firstID+from … firstID+to-1, a few at a time.
func (m *mockProc) createAccounts(ctx context.Context, from, to int) error {
	return parallel(ctx, from, to, func(i int) error {
		id := int64(firstID + i)
		return m.control(ctx, http.MethodPost, "/mock/v1/instances",
			map[string]any{"idInstance": id, "apiTokenInstance": token(id)}, nil)
	})
}

// instance is the part of the control API's account view the benchmark reads.
type instance struct {
	QueueLength    int `json:"queueLength"`
	SettingsWrites int `json:"settingsWrites"`
}

// writes returns the settingsWrites counter of accounts firstID+from … firstID+to-1.
func (m *mockProc) writes(ctx context.Context, from, to int) ([]int, error) {
	out := make([]int, to-from)
	err := parallel(ctx, from, to, func(i int) error {
		var in instance
		err := m.control(ctx, http.MethodGet, "/mock/v1/instances/"+strconv.Itoa(firstID+i), nil, &in)
		out[i-from] = in.SettingsWrites
		return err
	})
	return out, err
}

// request is one call in an account's request log.
type request struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Status int       `json:"status"`
}

// requests returns the request logs of accounts firstID+from … firstID+to-1, oldest call first in each.
func (m *mockProc) requests(ctx context.Context, from, to int) ([][]request, error) {
	out := make([][]request, to-from)
	err := parallel(ctx, from, to, func(i int) error {
		return m.control(ctx, http.MethodGet, "/mock/v1/instances/"+strconv.Itoa(firstID+i)+"/requests", nil, &out[i-from])
	})
	return out, err
}

// parallel runs f(i) for i in [from, to) on 8 goroutines and returns the first error.
func parallel(ctx context.Context, from, to int, f func(i int) error) error {
	next := make(chan int)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := from; i < to; i++ {
		select {
		case next <- i:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	if err == nil {
		err = <-errs
	}
	return err
}

// isControlStatus reports whether err is a control API answer with the given status.
func isControlStatus(err error, status int) bool {
	var ce *controlError
	return errors.As(err, &ce) && ce.status == status
}
