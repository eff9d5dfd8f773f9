// Command mockctl sends one request to greenwaba-mock's control API (/mock/v1/...) and prints the
// answer. scripts/demo.sh uses it so that the demo needs nothing but Go and Terraform; in your own
// CI, curl does the same job.
//
//	mockctl -url http://127.0.0.1:7123 PATCH /mock/v1/instances/1101000001/settings '{"outgoingWebhook":"no"}'
//	mockctl -url http://127.0.0.1:7123 -fields settings.webhookUrl,queueLength GET /mock/v1/instances/1101000001
//
// The answer's JSON is printed indented, or, with -fields, as one "path = value" line per field.
// A status outside 2xx is an error (exit code 1).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "mockctl:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("mockctl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mockctl -url BASE_URL [-fields a.b,c] METHOD /mock/v1/PATH [JSON_BODY]")
		fs.PrintDefaults()
	}
	baseURL := fs.String("url", os.Getenv("GREENWABA_API_URL"), "greenwaba-mock base URL (default $GREENWABA_API_URL)")
	fields := fs.String("fields", "", "comma-separated dotted paths to print from the JSON answer")
	timeout := fs.Duration("timeout", 10*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *baseURL == "" || fs.NArg() < 2 || fs.NArg() > 3 {
		fs.Usage()
		return errors.New("need -url, a METHOD and a PATH")
	}
	method, path := strings.ToUpper(fs.Arg(0)), fs.Arg(1)
	// Only the control API: a GreenWaba path carries a token, which must not end up in a log.
	if !strings.HasPrefix(path, "/mock/v1/") {
		return fmt.Errorf("path %q is not under /mock/v1/", path)
	}

	var body io.Reader
	if fs.NArg() == 3 {
		if !json.Valid([]byte(fs.Arg(2))) {
			return errors.New("the body is not valid JSON")
		}
		body = strings.NewReader(fs.Arg(2))
	}

	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(*baseURL, "/")+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	if *fields == "" {
		return printIndented(stdout, raw)
	}
	return printFields(stdout, raw, strings.Split(*fields, ","))
}

func printIndented(w io.Writer, raw []byte) error {
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		// Not JSON (healthz answers "ok"): print it as it came.
		_, err = fmt.Fprintln(w, strings.TrimSpace(string(raw)))
		return err
	}
	_, err := fmt.Fprintln(w, out.String())
	return err
}

// printFields prints "path = value" for each dotted path, values as compact JSON.
func printFields(w io.Writer, raw []byte, paths []string) error {
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("the answer is not JSON: %w", err)
	}
	width := 0
	for _, p := range paths {
		width = max(width, len(p))
	}
	for _, p := range paths {
		v, ok := lookup(doc, p)
		if !ok {
			return fmt.Errorf("the answer has no field %q", p)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%-*s = %s\n", width, p, b); err != nil {
			return err
		}
	}
	return nil
}

func lookup(doc any, path string) (any, bool) {
	cur := doc
	for key := range strings.SplitSeq(path, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[key]; !ok {
			return nil, false
		}
	}
	return cur, true
}
