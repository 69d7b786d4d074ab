//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCancelledRunStopsWabridge: a run cancelled once wabridge is up (as by
// SIGINT) returns the cancellation, measures nothing, and leaves no child.
func TestCancelledRunStopsWabridge(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs wabridge")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	progress := &cancelOn{marker: "running ", cancel: cancel}
	var logs bytes.Buffer
	o := options{load: Load{N: 5, C: 1, Duration: time.Minute}, settle: 0}
	rep, err := execute(ctx, o, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})), progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
	if len(rep.Rows) != 0 {
		t.Fatalf("a cancelled run measured %d rows", len(rep.Rows))
	}
	if logs.Len() != 0 {
		t.Fatalf("stopping wabridge: %s", logs.String())
	}
	var pid int
	if _, err := fmt.Sscanf(progress.text[strings.Index(progress.text, "pid "):], "pid %d", &pid); err != nil || pid <= 0 {
		t.Fatalf("no pid in the progress output %q", progress.text)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("wabridge (pid %d) is still there: %v", pid, err)
	}
}

// cancelOn cancels when the progress output shows marker, so the test
// cancels at a known point without timing.
type cancelOn struct {
	marker string
	cancel func()
	text   string
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.text += string(p)
	if strings.Contains(c.text, c.marker) {
		c.cancel()
	}
	return len(p), nil
}
