package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
)

// rawPostEnv set to 1 makes this binary (or the package's test binary,
// see TestMain) the webhook scenarios' baseline client, in a process of
// its own: wabridge posts from its own process
// to the bench's receiver, so the raw loop does too. In the bench's process
// the client and the receiver would share one Go runtime and hand requests
// over without a process switch, a third of the cost on a 2-core machine
// (measured: 21,000 vs 6,400 POST/s, one client).
const rawPostEnv = "WABRIDGE_BENCH_RAWPOST"

// rawPostResult is what the child prints: its measured loop.
type rawPostResult struct {
	Count   int           `json:"count"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// rawPostsInChild POSTs every body to url with c clients from a child
// process (this binary with rawPostEnv set) and answers its measured loop.
func rawPostsInChild(ctx context.Context, dir, url string, msgs []*nats.Msg, c int, d time.Duration) (Sample, error) {
	path := filepath.Join(dir, "rawpost-bodies")
	if err := writeBodies(path, msgs); err != nil {
		return Sample{}, err
	}
	defer os.Remove(path)
	self, err := os.Executable()
	if err != nil {
		return Sample{}, fmt.Errorf("finding the bench binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, self, "-url", url, "-bodies", path,
		"-c", fmt.Sprint(c), "-duration", d.String())
	cmd.Env = append(os.Environ(), rawPostEnv+"=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return Sample{}, fmt.Errorf("the raw POST process: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var res rawPostResult
	if err := json.Unmarshal(out, &res); err != nil {
		return Sample{}, fmt.Errorf("reading the raw POST process's result %q: %w", out, err)
	}
	return Sample{Count: res.Count, Elapsed: res.Elapsed}, nil
}

// writeBodies writes each message's data, length-prefixed.
func writeBodies(path string, msgs []*nats.Msg) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("writing the bodies for the raw POST process: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, m := range msgs {
		_ = binary.Write(w, binary.BigEndian, uint32(len(m.Data)))
		_, _ = w.Write(m.Data)
	}
	return errors.Join(w.Flush(), f.Close())
}

func readBodies(path string) ([][]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for len(raw) > 0 {
		if len(raw) < 4 {
			return nil, errors.New("truncated bodies file")
		}
		n := binary.BigEndian.Uint32(raw)
		if uint64(len(raw)-4) < uint64(n) {
			return nil, errors.New("truncated bodies file")
		}
		out, raw = append(out, raw[4:4+n]), raw[4+n:]
	}
	return out, nil
}

// runRawPost is the child: the POST loop the bench ran in-process before,
// unchanged but for the process it runs in.
func runRawPost(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rawpost", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "receiver URL")
	path := fs.String("bodies", "", "file of length-prefixed bodies")
	c := fs.Int("c", 1, "clients")
	d := fs.Duration("duration", 10*time.Second, "longest time the loop keeps starting POSTs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	bodies, err := readBodies(*path)
	if err != nil {
		fmt.Fprintln(stderr, "rawpost:", err)
		return 1
	}
	s, err := postLoop(context.Background(), *url, bodies, *c, *d)
	if err != nil {
		fmt.Fprintln(stderr, "rawpost:", err)
		return 1
	}
	_ = json.NewEncoder(stdout).Encode(rawPostResult{Count: s.Count, Elapsed: s.Elapsed})
	return 0
}

// postLoop POSTs each body once, c at a time, keep-alive.
func postLoop(ctx context.Context, url string, bodies [][]byte, c int, d time.Duration) (Sample, error) {
	client := httpClient(c)
	defer client.CloseIdleConnections()
	return loop(ctx, c, 0, len(bodies), d, func(ctx context.Context, _, i int) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(bodies[i]))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("receiver answered %d", resp.StatusCode)
		}
		return nil
	})
}
