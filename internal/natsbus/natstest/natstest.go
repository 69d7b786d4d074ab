// Package natstest starts what the packages' tests need of NATS: an
// embedded JetStream server in a temporary directory, reached in process
// (no listener), with wabridge's streams. Tests only; it imports testing.
package natstest

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/natsbus"
)

// Conn starts a server for t, stopped when t ends, and connects to it in
// process, with WA_COMMANDS and WA_EVENTS created.
func Conn(t testing.TB) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	srv, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: t.TempDir()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := natsbus.ConnectInProcess(srv)
	if err != nil {
		srv.Shutdown()
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close(); srv.Shutdown(); srv.WaitForShutdown() })
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := natsbus.EnsureStreams(context.Background(), js, natsbus.StreamsConfig{}); err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// JetStream is Conn for tests that need only the JetStream handle.
func JetStream(t testing.TB) jetstream.JetStream {
	t.Helper()
	_, js := Conn(t)
	return js
}
