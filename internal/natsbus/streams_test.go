package natsbus_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

func jetStream(t *testing.T) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	s := startServer(t, natsbus.ServerConfig{Listen: "127.0.0.1:-1"}, nil)
	nc, err := natsbus.ConnectInProcess(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

func TestEnsureStreamsCreatesAndUpdates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, js := jetStream(t)

	cfg := natsbus.StreamsConfig{Prefix: "wax"}
	for range 2 { // the second call must be a no-op, not an error
		if err := natsbus.EnsureStreams(ctx, js, cfg); err != nil {
			t.Fatalf("EnsureStreams: %v", err)
		}
	}
	want := map[string][]string{
		"WAX_COMMANDS": {"wax.*.cmd.>", "wax._poison.cmd"},
		"WAX_EVENTS":   {"wax.*.evt.>", "wax.*.result.>"},
	}
	for name, subjects := range want {
		info := streamInfo(ctx, t, js, name)
		if !slices.Equal(info.Config.Subjects, subjects) {
			t.Errorf("%s subjects %v, want %v", name, info.Config.Subjects, subjects)
		}
		if info.Config.Duplicates != time.Hour {
			t.Errorf("%s duplicates %s, want the 1h default", name, info.Config.Duplicates)
		}
		if info.Config.Retention != jetstream.LimitsPolicy || info.Config.Storage != jetstream.FileStorage {
			t.Errorf("%s retention %v storage %v", name, info.Config.Retention, info.Config.Storage)
		}
	}
	if got := streamInfo(ctx, t, js, "WAX_EVENTS").Config; got.MaxAge != natsbus.DefaultEventsMaxAge || got.MaxBytes != natsbus.DefaultEventsMaxBytes || got.Discard != jetstream.DiscardOld {
		t.Errorf("events max age %s max bytes %d discard %v, want the 30 days, 10 GiB, discard old bound", got.MaxAge, got.MaxBytes, got.Discard)
	}

	cfg.EventsMaxAge = time.Hour
	cfg.Duplicates = 5 * time.Minute
	if err := natsbus.EnsureStreams(ctx, js, cfg); err != nil {
		t.Fatalf("EnsureStreams with new config: %v", err)
	}
	info := streamInfo(ctx, t, js, "WAX_EVENTS")
	if info.Config.MaxAge != time.Hour || info.Config.Duplicates != 5*time.Minute {
		t.Errorf("update not applied: max age %s duplicates %s", info.Config.MaxAge, info.Config.Duplicates)
	}
}

func streamInfo(ctx context.Context, t *testing.T, js jetstream.JetStream, name string) *jetstream.StreamInfo {
	t.Helper()
	st, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatalf("stream %s: %v", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatalf("stream %s info: %v", name, err)
	}
	return info
}

func TestEnsureStreamsRoutesSubjects(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, js := jetStream(t)
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		t.Fatal(err)
	}
	subj := natsbus.Subjects{}
	tests := []struct {
		subject, stream string
	}{
		{subj.Cmd("default", "send.message"), natsbus.StreamCommands},
		{subj.Poison(), natsbus.StreamCommands},
		{subj.Event("default", "4917612345678@s.whatsapp.net", "message.received"), natsbus.StreamEvents},
		{subj.Result("shop-2", "send.message"), natsbus.StreamEvents},
	}
	for _, tt := range tests {
		ack, err := js.Publish(ctx, tt.subject, []byte("{}"))
		if err != nil {
			t.Fatalf("publish %s: %v", tt.subject, err)
		}
		if ack.Stream != tt.stream {
			t.Errorf("%s stored in %s, want %s", tt.subject, ack.Stream, tt.stream)
		}
	}

	// A core request on an rpc subject must reach responders only; with none
	// it fails, instead of being answered by a stream's PubAck.
	_, err := nc.Request(subj.RPC("default", "send.message"), []byte("{}"), 5*time.Second)
	if !errors.Is(err, nats.ErrNoResponders) {
		t.Fatalf("rpc request without responder: err %v, want no responders", err)
	}
	sub, err := nc.Subscribe(subj.RPC("default", "app.devices"), func(m *nats.Msg) { _ = m.Respond([]byte("pong")) })
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	reply, err := nc.Request(subj.RPC("default", "app.devices"), []byte("ping"), 5*time.Second)
	if err != nil || string(reply.Data) != "pong" {
		t.Fatalf("rpc reply %v, %v; want the responder's pong", reply, err)
	}
}

func TestStreamsConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     natsbus.StreamsConfig
		wantErr string
	}{
		{"defaults", natsbus.StreamsConfig{}, ""},
		{"duplicates above max age", natsbus.StreamsConfig{EventsMaxAge: time.Minute, Duplicates: 5 * time.Minute}, "exceeds events max age"},
		{"default window fits short max age", natsbus.StreamsConfig{EventsMaxAge: 30 * time.Second}, ""},
		{"commands window", natsbus.StreamsConfig{CommandsMaxAge: time.Minute, Duplicates: 90 * time.Second}, "exceeds commands max age"},
		{"explicit short window", natsbus.StreamsConfig{EventsMaxAge: time.Minute, Duplicates: 30 * time.Second}, ""},
		{"replicas", natsbus.StreamsConfig{Replicas: 7}, "replicas"},
		{"negative", natsbus.StreamsConfig{CommandsMaxAge: -time.Second}, "negative"},
		{"unlimited events", natsbus.StreamsConfig{EventsMaxAge: natsbus.Unlimited, EventsMaxBytes: natsbus.Unlimited}, ""},
		{"storage", natsbus.StreamsConfig{Storage: 9}, "storage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.cfg.Validate(), tt.wantErr)
		})
	}
}

// The dedup window outlasts a bridge restart (an hour) unless a stream keeps
// its messages for less; an explicit window is taken as given.
func TestStreamsConfigDuplicatesWindow(t *testing.T) {
	tests := []struct {
		name         string
		cfg          natsbus.StreamsConfig
		wantCommands time.Duration
		wantEvents   time.Duration
	}{
		{"default", natsbus.StreamsConfig{}, time.Hour, time.Hour},
		{"unlimited events", natsbus.StreamsConfig{EventsMaxAge: natsbus.Unlimited}, time.Hour, time.Hour},
		{"long events max age", natsbus.StreamsConfig{EventsMaxAge: 30 * 24 * time.Hour}, time.Hour, time.Hour},
		{"shrinks to events max age", natsbus.StreamsConfig{EventsMaxAge: 20 * time.Minute}, 20 * time.Minute, 20 * time.Minute},
		{"shrinks to commands max age", natsbus.StreamsConfig{CommandsMaxAge: 10 * time.Minute}, 10 * time.Minute, 10 * time.Minute},
		{"explicit", natsbus.StreamsConfig{Duplicates: 6 * time.Hour}, 6 * time.Hour, 6 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got := map[string]time.Duration{}
			for _, sc := range tt.cfg.StreamConfigs() {
				got[sc.Name] = sc.Duplicates
			}
			if got[natsbus.StreamCommands] != tt.wantCommands || got[natsbus.StreamEvents] != tt.wantEvents {
				t.Fatalf("duplicates: commands %s events %s, want %s and %s",
					got[natsbus.StreamCommands], got[natsbus.StreamEvents], tt.wantCommands, tt.wantEvents)
			}
		})
	}
}

// wantErr fails t unless err is nil when want is empty, or mentions want.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("error %v, want one containing %q", err, want)
	}
}
