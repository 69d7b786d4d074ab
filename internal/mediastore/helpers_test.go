package mediastore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/mediastore"
	"github.com/wabridge/wabridge/internal/werr"
)

// startJetStream runs a JetStream-enabled nats-server in process for one
// test and returns a JetStream context on it.
func startJetStream(t testing.TB) jetstream.JetStream {
	t.Helper()
	s, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true,
		StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	if err != nil {
		t.Fatalf("creating nats-server: %v", err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	nc, err := nats.Connect("", nats.InProcessServer(s))
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func openStore(t testing.TB, js jetstream.JetStream, cfg mediastore.Config) *mediastore.Store {
	t.Helper()
	st, err := mediastore.Open(context.Background(), js, cfg)
	if err != nil {
		t.Fatalf("opening store: %v", err)
	}
	return st
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	var we *werr.Error
	if !errors.As(err, &we) || we.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}
