package natsbus_test

import (
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/safebuf"
)

func startServer(t *testing.T, cfg natsbus.ServerConfig, log *slog.Logger) *server.Server {
	t.Helper()
	if cfg.StoreDir == "" {
		cfg.StoreDir = t.TempDir()
	}
	s, err := natsbus.StartServer(cfg, log)
	if err != nil {
		t.Fatalf("StartServer: %v", err)
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

func TestStartServerConnections(t *testing.T) {
	tests := []struct {
		name string
		cfg  natsbus.ServerConfig
	}{
		{"no auth", natsbus.ServerConfig{Listen: "127.0.0.1:-1"}},
		{"user and password", natsbus.ServerConfig{Listen: "127.0.0.1:-1", User: "bridge", Password: "s3cret-pw"}},
		{"token", natsbus.ServerConfig{Listen: "127.0.0.1:-1", Token: "t0ken-value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &safebuf.Buffer{}
			log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			s := startServer(t, tt.cfg, log)

			inproc, err := natsbus.ConnectInProcess(s, tt.cfg.ClientOptions()...)
			if err != nil {
				t.Fatalf("in-process connect: %v", err)
			}
			defer inproc.Close()
			tcp, err := nats.Connect(s.ClientURL(), tt.cfg.ClientOptions()...)
			if err != nil {
				t.Fatalf("tcp connect to %s: %v", s.ClientURL(), err)
			}
			defer tcp.Close()
			roundTrip(t, inproc, tcp)

			if tt.cfg.HasAuth() {
				if nc, err := nats.Connect(s.ClientURL(), nats.UserInfo("bridge", "wrong")); err == nil {
					nc.Close()
					t.Fatal("connect with wrong credentials succeeded")
				}
			}
			out := logs.String()
			if !strings.Contains(out, "component=nats-server") {
				t.Errorf("server logs did not reach slog:\n%s", out)
			}
			for _, secret := range []string{tt.cfg.Password, tt.cfg.Token} {
				if secret != "" && strings.Contains(out, secret) {
					t.Errorf("logs contain the secret %q", secret)
				}
			}
		})
	}
}

// roundTrip proves both connections reach the same server.
func roundTrip(t *testing.T, a, b *nats.Conn) {
	t.Helper()
	sub, err := b.SubscribeSync("probe.subject")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := a.Publish("probe.subject", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	msg, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		t.Fatalf("receiving probe: %v", err)
	}
	if string(msg.Data) != "hello" {
		t.Fatalf("got %q", msg.Data)
	}
}

func TestStartServerInProcessOnly(t *testing.T) {
	s := startServer(t, natsbus.ServerConfig{}, nil)
	if s.Addr() != nil {
		t.Fatalf("server listens on %v, want no TCP listener", s.Addr())
	}
	nc, err := natsbus.ConnectInProcess(s)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	roundTrip(t, nc, nc)
}

func TestServerConfigValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     natsbus.ServerConfig
		wantErr string
	}{
		{"minimal", natsbus.ServerConfig{StoreDir: "x"}, ""},
		{"listen", natsbus.ServerConfig{StoreDir: "x", Listen: "127.0.0.1:4222"}, ""},
		{"no store", natsbus.ServerConfig{}, "store directory"},
		{"bad listen", natsbus.ServerConfig{StoreDir: "x", Listen: "localhost"}, "listen address"},
		{"bad port", natsbus.ServerConfig{StoreDir: "x", Listen: "127.0.0.1:99999"}, "invalid port"},
		{"user without password", natsbus.ServerConfig{StoreDir: "x", User: "u"}, "together"},
		{"user and token", natsbus.ServerConfig{StoreDir: "x", User: "u", Password: "p", Token: "t"}, "not both"},
		{"payload", natsbus.ServerConfig{StoreDir: "x", MaxPayload: -1}, "max payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantErr(t, tt.cfg.Validate(), tt.wantErr)
		})
	}
}

func TestStartServerRejectsInvalidConfig(t *testing.T) {
	_, err := natsbus.StartServer(natsbus.ServerConfig{Listen: "nonsense"}, nil)
	if err == nil {
		t.Fatal("StartServer accepted a config without store dir")
	}
	if errors.Is(err, nats.ErrNoServers) {
		t.Fatalf("unexpected error kind: %v", err)
	}
}
