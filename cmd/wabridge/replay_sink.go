package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events/replay"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/webhooks"
)

// sink is where a replay goes.
type sink interface {
	Write(ctx context.Context, ev replay.Event) error
	Close() error
}

// target is a parsed --to: stdout, file:PATH, nats:SUBJECT or
// http(s)://URL, checked before anything is read.
type target struct {
	kind string // stdout, file, nats, http
	dest string
	mode cenats.Mode
	keys [][]byte
}

func parseTarget(to, secret, mode string) (target, error) {
	m, err := cenats.ParseMode(mode)
	if err != nil {
		return target{}, fmt.Errorf("--mode: %w", err)
	}
	switch {
	case to == "" || to == "stdout":
		return target{kind: "stdout"}, nil
	case strings.HasPrefix(to, "file:"):
		path := strings.TrimPrefix(to, "file:")
		if path == "" {
			return target{}, errors.New("--to file: needs a path (file:events.ndjson)")
		}
		return target{kind: "file", dest: path}, nil
	case strings.HasPrefix(to, "nats:"):
		subject := strings.TrimPrefix(to, "nats:")
		if !validSubject(subject) {
			return target{}, fmt.Errorf("--to nats: needs a subject without wildcards or spaces, not %q", subject)
		}
		return target{kind: "nats", dest: subject, mode: m}, nil
	case strings.HasPrefix(to, "http://"), strings.HasPrefix(to, "https://"):
		return parseHTTPTarget(to, secret, m)
	}
	return target{}, fmt.Errorf("--to must be stdout, file:PATH, nats:SUBJECT or an http(s) URL, not %q", to)
}

func parseHTTPTarget(to, secret string, m cenats.Mode) (target, error) {
	if u, err := url.Parse(to); err != nil || u.Host == "" {
		return target{}, fmt.Errorf("--to %q is not a URL with a host", to)
	}
	if secret == "" {
		return target{}, errors.New("--to http(s):// needs --secret whsec_... (deliveries are signed like a webhook's)")
	}
	key, err := webhooks.ParseSecret(secret)
	if err != nil {
		return target{}, fmt.Errorf("--secret: %w", err)
	}
	return target{kind: "http", dest: to, mode: m, keys: [][]byte{key}}, nil
}

func validSubject(s string) bool {
	if s == "" || strings.ContainsAny(s, "*> \t\r\n") {
		return false
	}
	return !slices.Contains(strings.Split(s, "."), "")
}

// open makes the sink; nc is the connection replay reads from.
func (t target) open(nc *nats.Conn, stdout io.Writer) (sink, error) {
	switch t.kind {
	case "file":
		return openFileSink(t.dest)
	case "nats":
		return &natsSink{nc: nc, subject: t.dest, mode: t.mode}, nil
	case "http":
		return &httpSink{url: t.dest, keys: t.keys, mode: t.mode, client: webhooks.NewClient(0)}, nil
	}
	return &lineSink{w: bufio.NewWriterSize(stdout, 64<<10)}, nil
}

// lineSink writes NDJSON.
type lineSink struct {
	w *bufio.Writer
	f *os.File // the file it writes, if any
}

func openFileSink(path string) (sink, error) {
	// The audit log holds message contents: readable by its owner only.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening the output file: %w", err)
	}
	if err := ownerOnly(f); err != nil {
		f.Close()
		return nil, err
	}
	return &lineSink{w: bufio.NewWriterSize(f, 64<<10), f: f}, nil
}

// ownerOnly takes group and other access away from a regular file that
// existed before (OpenFile's mode applies to a new one only). Anything
// else (a FIFO, /dev/stdout) is the caller's and left as it is.
func ownerOnly(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("reading the output file's mode: %w", err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := f.Chmod(st.Mode().Perm() &^ 0o077); err != nil {
		return fmt.Errorf("making the output file its owner's only: %w", err)
	}
	return nil
}

func (s *lineSink) Write(_ context.Context, ev replay.Event) error {
	if _, err := s.w.Write(ev.JSON); err != nil {
		return fmt.Errorf("writing event %d: %w", ev.Seq, err)
	}
	return s.w.WriteByte('\n')
}

func (s *lineSink) Close() error {
	err := s.w.Flush()
	if s.f != nil {
		err = errors.Join(err, s.f.Sync(), s.f.Close())
	}
	if err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}

// structured reads back the event replay handed over (the JSON event
// format, extension seq included).
func structured(ev replay.Event) (event.Event, error) {
	ce, err := cenats.Decode(nats.Header{"Content-Type": {cenats.ContentTypeStructured}}, ev.JSON)
	if err != nil {
		return event.Event{}, fmt.Errorf("reading event %d: %w", ev.Seq, err)
	}
	return ce, nil
}

// natsSink republishes each event to one subject in the CloudEvents NATS
// binding.
type natsSink struct {
	nc      *nats.Conn
	subject string
	mode    cenats.Mode
}

func (s *natsSink) Write(_ context.Context, ev replay.Event) error {
	ce, err := structured(ev)
	if err != nil {
		return err
	}
	msg, err := cenats.NewMsg(s.subject, ce, s.mode)
	if err != nil {
		return err
	}
	if err := s.nc.PublishMsg(msg); err != nil {
		return fmt.Errorf("publishing event %d to %s: %w", ev.Seq, s.subject, err)
	}
	return nil
}

func (s *natsSink) Close() error {
	if err := s.nc.FlushTimeout(30 * time.Second); err != nil {
		return fmt.Errorf("flushing the republished events: %w", err)
	}
	return nil
}

// httpSink POSTs each event as a webhook delivery (CloudEvents HTTP
// binding, Standard Webhooks signature), one after the other, retrying
// what a receiver may accept later.
type httpSink struct {
	url    string
	keys   [][]byte
	mode   cenats.Mode
	client *http.Client
}

// httpAttempts bounds the deliveries of one event: a replay is run by
// hand, so a receiver that keeps failing stops it rather than stalls it.
const httpAttempts = 5

func (s *httpSink) Write(ctx context.Context, ev replay.Event) error {
	ce, err := structured(ev)
	if err != nil {
		return err
	}
	wait := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		status, retryAfter, err := webhooks.Post(ctx, s.client, s.url, ce, s.mode, s.keys)
		if err == nil {
			return nil
		}
		// A 4xx other than 408/429 will not change by asking again.
		final := status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
		if final || attempt == httpAttempts {
			return fmt.Errorf("delivering event %d (%s) after %d attempts: %w", ev.Seq, ce.ID(), attempt, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(max(wait, retryAfter)):
		}
		wait *= 2
	}
}

func (s *httpSink) Close() error {
	s.client.CloseIdleConnections()
	return nil
}
