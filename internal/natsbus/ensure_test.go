package natsbus_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/safebuf"
)

// An existing stream is not silently overwritten: what an operator set
// beyond wabridge's own settings stays, wabridge's settings are applied
// with a warning naming the old and new value.
func TestEnsureStreamsKeepsOperatorSettings(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, js := jetStream(t)
	cfg := natsbus.StreamsConfig{}
	if err := natsbus.EnsureStreams(ctx, js, cfg); err != nil {
		t.Fatal(err)
	}
	// The operator tunes the audit stream by hand.
	sc := streamInfo(ctx, t, js, natsbus.StreamEvents).Config
	sc.MaxMsgSize = 256 << 10
	sc.MaxMsgs = 1_000_000
	sc.Description = "audit log, tuned by ops"
	if _, err := js.UpdateStream(ctx, sc); err != nil {
		t.Fatal(err)
	}

	logs := &safebuf.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	cfg.EventsMaxAge = 90 * 24 * time.Hour
	if err := natsbus.EnsureStreams(ctx, js, cfg, natsbus.WithStreamLog(log)); err != nil {
		t.Fatal(err)
	}
	got := streamInfo(ctx, t, js, natsbus.StreamEvents).Config
	if got.MaxMsgSize != 256<<10 || got.MaxMsgs != 1_000_000 || got.Description != "audit log, tuned by ops" {
		t.Errorf("operator settings overwritten: max msg size %d, max msgs %d, description %q", got.MaxMsgSize, got.MaxMsgs, got.Description)
	}
	if got.MaxAge != 90*24*time.Hour {
		t.Errorf("max age %s, want the configured 2160h", got.MaxAge)
	}
	if out := logs.String(); !strings.Contains(out, "setting=max_age from=720h0m0s to=2160h0m0s") {
		t.Errorf("the max age change was not logged:\n%s", out)
	}
}

// Subjects that are not ours are refused with an error naming the stream,
// what it has and what wabridge needs; the stream is left as it is.
func TestEnsureStreamsRefusesForeignSubjects(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, js := jetStream(t)
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		t.Fatal(err)
	}
	sc := streamInfo(ctx, t, js, natsbus.StreamEvents).Config
	sc.Subjects = []string{"wa.*.evt.>"} // results taken out of the stream
	if _, err := js.UpdateStream(ctx, sc); err != nil {
		t.Fatal(err)
	}
	err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{EventsMaxAge: time.Hour})
	if !errors.Is(err, natsbus.ErrForeignStream) {
		t.Fatal("EnsureStreams accepted a stream with other subjects")
	}
	for _, want := range []string{"WA_EVENTS", `["wa.*.evt.>"]`, `["wa.*.evt.>" "wa.*.result.>"]`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	got := streamInfo(ctx, t, js, natsbus.StreamEvents).Config
	if !slices.Equal(got.Subjects, []string{"wa.*.evt.>"}) || got.MaxAge != natsbus.DefaultEventsMaxAge {
		t.Errorf("refused stream was changed: subjects %v max age %s", got.Subjects, got.MaxAge)
	}
}

// The audit stream's bound can be lifted.
func TestEnsureStreamsUnlimitedEvents(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, js := jetStream(t)
	cfg := natsbus.StreamsConfig{EventsMaxAge: natsbus.Unlimited, EventsMaxBytes: natsbus.Unlimited}
	if err := natsbus.EnsureStreams(ctx, js, cfg); err != nil {
		t.Fatal(err)
	}
	got := streamInfo(ctx, t, js, natsbus.StreamEvents).Config
	if got.MaxAge != 0 || got.MaxBytes != -1 {
		t.Fatalf("max age %s max bytes %d, want unlimited (0, -1)", got.MaxAge, got.MaxBytes)
	}
}
