package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
)

func main() {
	if os.Getenv(rawPostEnv) == "1" {
		os.Exit(runRawPost(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command line.
type options struct {
	load   Load
	store  StoreLoad
	out    string
	binary string
	only   string
	settle time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.load.N, "n", 2000, "operations per measured loop (at most)")
	fs.IntVar(&o.load.C, "c", 16, "concurrency of the concurrent scenarios")
	fs.DurationVar(&o.load.Duration, "duration", 10*time.Second, "longest time a measured loop keeps starting operations")
	fs.IntVar(&o.load.Warmup, "warmup", 100, "unmeasured operations before each latency loop")
	fs.StringVar(&o.out, "out", "", "also write the report as JSON to this file")
	fs.DurationVar(&o.settle, "settle", time.Second, "before each scenario, wait until wabridge's WA_EVENTS has been quiet this long (0: do not wait)")
	fs.StringVar(&o.only, "only", "", "run only the scenarios whose name contains this text")
	fs.IntVar(&o.store.History, "history", 50_000, "messages of the store history sync scenario")
	fs.IntVar(&o.store.Chats, "chats", 10_000, "chats of the store chat.list scenario")
	fs.IntVar(&o.store.ChatMessages, "chat-messages", 100_000, "messages in the one chat of the store chat.messages scenario")
	fs.IntVar(&o.store.ReplayEvents, "replay-events", 1_000_000, "events GET /events reads in the replay scenario")
	fs.Int64Var(&o.store.DocumentBytes, "document-bytes", 50<<20, "size of the media document scenario's file")
	fs.Int64Var(&o.store.ImageBytes, "image-bytes", 5<<20, "size of the media image scenarios' JPEG")
	fs.StringVar(&o.binary, "binary", "", "a built wabridge binary to run (default: build ./cmd/wabridge)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.load.N < 1 || o.load.C < 1 || o.load.Duration <= 0 || o.load.Warmup < 0 || o.settle < 0 {
		return o, errors.New("bench: -n and -c must be at least 1, -duration positive, -warmup and -settle not negative")
	}
	if o.store.History < 1 || o.store.Chats < 1 || o.store.ChatMessages < 1 || o.store.ReplayEvents < 1 {
		return o, errors.New("bench: -history, -chats, -chat-messages and -replay-events must be at least 1")
	}
	if o.store.DocumentBytes < 1<<10 || o.store.ImageBytes < 1<<10 {
		return o, errors.New("bench: -document-bytes and -image-bytes must be at least 1 KiB")
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// A signal cancels the loops; the deferred cleanups then stop wabridge.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := execute(ctx, o, log, stderr)
	if len(rep.Rows) > 0 || len(rep.Errors) > 0 {
		if perr := printTable(stdout, rep); perr != nil {
			err = errors.Join(err, perr)
		}
		if o.out != "" {
			err = errors.Join(err, writeJSON(o.out, rep))
		}
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	return 0
}

// execute sets up both systems, runs every scenario and tears everything
// down. A failing scenario is reported and the others still run.
func execute(ctx context.Context, o options, log *slog.Logger, progress io.Writer) (Report, error) {
	sc := selectScenarios(scenarios(o.load.C, o.store), o.only)
	if len(sc) == 0 {
		return newReport(o.load, nil), fmt.Errorf("no scenario matches -only %q", o.only)
	}
	rep := newReport(o.load, sc)
	dir, err := os.MkdirTemp("", "wabridge-bench")
	if err != nil {
		return rep, fmt.Errorf("creating a temp dir: %w", err)
	}
	defer os.RemoveAll(dir)

	base, err := startBaseline(ctx, filepath.Join(dir, "baseline"), o.load.C, log)
	if err != nil {
		return rep, fmt.Errorf("starting the baseline: %w", err)
	}
	defer base.Close()
	binary := o.binary
	if binary == "" {
		fmt.Fprintln(progress, "building wabridge ...")
		if binary, err = buildWabridge(ctx, dir); err != nil {
			return rep, err
		}
	}
	wab, err := startWabridge(ctx, binary, filepath.Join(dir, "wabridge"), o.load.C, sessionsFor(sc))
	if err != nil {
		return rep, err
	}
	defer func() {
		if err := wab.stop(); err != nil {
			log.Warn("stopping wabridge", "err", err)
		}
	}()
	fmt.Fprintf(progress, "wabridge is running as pid %d\n", wab.cmd.Process.Pid)
	if err := wab.login(ctx); err != nil {
		return rep, err
	}

	b := &bench{load: o.load, store: o.store, base: base, wab: wab, run: uuid.NewString()[:8], dir: dir}
	var errs []error
	for _, s := range sc {
		fmt.Fprintf(progress, "running %s ...\n", s.Name)
		err := wab.settle(ctx, o.settle)
		var rows []Row
		if err == nil {
			rows, err = s.run(b, ctx)
		}
		if err != nil {
			rep.Errors = append(rep.Errors, fmt.Sprintf("%s: %v", s.Name, err))
			errs = append(errs, fmt.Errorf("%s: %w", s.Name, err))
			if ctx.Err() != nil {
				break
			}
			continue
		}
		rep.Rows = append(rep.Rows, rows...)
	}
	return rep, errors.Join(errs...)
}

// sessionsFor is the default session and those the scenarios need.
func sessionsFor(sc []scenario) []string {
	out := []string{session}
	for _, s := range sc {
		if s.session != "" {
			out = append(out, s.session)
		}
	}
	return out
}

// selectScenarios keeps those whose name contains only (all when empty).
func selectScenarios(all []scenario, only string) []scenario {
	var out []scenario
	for _, s := range all {
		if strings.Contains(s.Name, only) {
			out = append(out, s)
		}
	}
	return out
}
