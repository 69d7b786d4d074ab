package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events/replay"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// replayOpts is what `wabridge replay` is told.
type replayOpts struct {
	q        replay.Query
	to       target
	natsURL  string
	user     string
	password string
	token    string
	prefix   string
	progress string // auto | always | never
}

// replayCmd is `wabridge replay`: the events of a stretch of WA_EVENTS to
// stdout, a file, a NATS subject or a URL (signed like a webhook), with a
// progress bar on a terminal and a summary on stderr.
func replayCmd(args []string, stdout, stderr io.Writer) int {
	o, err := parseReplay(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "wabridge replay:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	sum, err := runReplay(ctx, o, stdout, stderr)
	fmt.Fprintln(stderr, sum)
	if err != nil {
		fmt.Fprintln(stderr, "wabridge replay:", err)
		return 1
	}
	return 0
}

func parseReplay(args []string, stderr io.Writer) (replayOpts, error) {
	fs := flag.NewFlagSet("wabridge replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(name, def string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return def
	}
	var o replayOpts
	var since, until string
	var types, chats listFlag
	fs.StringVar(&since, "since", "", "first stored time (RFC 3339)")
	fs.StringVar(&until, "until", "", "last stored time (RFC 3339)")
	fs.Uint64Var(&o.q.FromSeq, "from-seq", 0, "first stream sequence")
	fs.Uint64Var(&o.q.ToSeq, "to-seq", 0, "last stream sequence")
	fs.Var(&types, "type", "event type (repeatable, comma-separated), e.g. io.wabridge.message.received")
	fs.Var(&chats, "chat", "chat JID or phone number (repeatable, comma-separated)")
	fs.StringVar(&o.q.Session, "session", ident.DefaultSession, "session whose events to replay")
	to := fs.String("to", "stdout", "stdout | file:PATH | nats:SUBJECT | http(s)://URL")
	secret := fs.String("secret", env("WABRIDGE_REPLAY_SECRET", ""), "whsec_... secret signing deliveries to an http(s) target (env WABRIDGE_REPLAY_SECRET)")
	mode := fs.String("mode", "binary", "content mode of nats: and http(s) targets: binary | structured")
	fs.StringVar(&o.natsURL, "nats-url", env("WABRIDGE_NATS_URL", "nats://127.0.0.1:4222"), "NATS to read from (env WABRIDGE_NATS_URL)")
	fs.StringVar(&o.user, "nats-user", env("WABRIDGE_NATS_USER", ""), "NATS user (env WABRIDGE_NATS_USER)")
	fs.StringVar(&o.password, "nats-password", env("WABRIDGE_NATS_PASSWORD", ""), "NATS password (env WABRIDGE_NATS_PASSWORD)")
	fs.StringVar(&o.token, "nats-token", env("WABRIDGE_NATS_TOKEN", ""), "NATS token (env WABRIDGE_NATS_TOKEN)")
	fs.StringVar(&o.prefix, "subject-prefix", env("WABRIDGE_SUBJECT_PREFIX", natsbus.DefaultPrefix), "first token of every NATS subject")
	fs.StringVar(&o.progress, "progress", "auto", "progress bar on stderr: auto (on a terminal) | always | never")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if o.q.Since, err = parseTimeFlag("since", since); err != nil {
		return o, err
	}
	if o.q.Until, err = parseTimeFlag("until", until); err != nil {
		return o, err
	}
	o.q.Types, o.q.Chats = types, chats
	if err := o.q.Validate(); err != nil {
		return o, err
	}
	if o.to, err = parseTarget(*to, *secret, *mode); err != nil {
		return o, err
	}
	switch o.progress {
	case "auto", "always", "never":
	default:
		return o, fmt.Errorf("--progress must be auto, always or never, not %q", o.progress)
	}
	return o, nil
}

func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s must be an RFC 3339 time such as 2026-12-01T10:00:00Z, not %q", name, v)
	}
	return t, nil
}

// listFlag is a repeatable, comma-separated flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	*l = append(*l, splitList(v)...)
	return nil
}

// connectReplayNATS connects with the credentials serve takes.
func connectReplayNATS(o replayOpts) (*nats.Conn, error) {
	opts := []nats.Option{nats.Name("wabridge-replay")}
	switch {
	case o.token != "":
		opts = append(opts, nats.Token(o.token))
	case o.user != "":
		opts = append(opts, nats.UserInfo(o.user, o.password))
	}
	nc, err := nats.Connect(o.natsURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to NATS at %s: %w", redactURLs(o.natsURL), err)
	}
	return nc, nil
}

// summary is what a replay did, printed at its end.
type summary struct {
	events, bytes int64
	took          time.Duration
}

func (s summary) String() string {
	rate := 0.0
	if s.took > 0 {
		rate = float64(s.events) / s.took.Seconds()
	}
	return fmt.Sprintf("replayed %d events, %s bytes in %s (%s events/s)", s.events,
		strconv.FormatInt(s.bytes, 10), s.took.Round(time.Millisecond), strconv.FormatFloat(rate, 'f', 0, 64))
}
