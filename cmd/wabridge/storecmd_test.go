package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
)

// seedStream writes one received message into the data directory's
// embedded JetStream, as a stopped bridge would have left it.
func seedStream(t *testing.T, dataDir string) {
	t.Helper()
	ns, err := natsbus.StartServer(natsbus.ServerConfig{StoreDir: filepath.Join(dataDir, "jetstream")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { ns.Shutdown(); ns.WaitForShutdown() }()
	nc, err := natsbus.ConnectInProcess(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	if err := natsbus.EnsureStreams(ctx, js, natsbus.StreamsConfig{}); err != nil {
		t.Fatal(err)
	}
	const chat = "4917611111111@s.whatsapp.net"
	ts := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ce, err := events.NewCloudEvent(events.Event{Type: events.TypeMessageReceived, Session: "default", Subject: chat,
		Time: ts, Key: chat + "|" + chat + "|A1", Data: events.MessageReceived{
			ID: "false_" + chat + "_A1", WAID: "A1", Chat: events.JID{JID: chat}, Sender: events.JID{JID: chat},
			Timestamp: ts, Type: "text", Text: "hi"}})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := cenats.NewMsg(natsbus.Subjects{}.Event("default", chat, "message.received"), ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
}

func TestStoreRebuildCommand(t *testing.T) {
	dir := t.TempDir()
	seedStream(t, dir)
	var out, errOut bytes.Buffer
	if code := storeRebuild([]string{"rebuild", "--data-dir", dir}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "up to stream sequence 1") {
		t.Errorf("output %q", out.String())
	}
	s, err := chatstore.Open(context.Background(), chatstore.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.ListChats(context.Background(), "default", chatview.ChatQuery{})
	if err != nil || len(p.Chats) != 1 || p.Chats[0].LastMessage != "hi" {
		t.Errorf("after rebuild: %+v, %v", p, err)
	}
}

func TestStoreRebuildCommandRefuses(t *testing.T) {
	for name, args := range map[string][]string{
		"no subcommand":   {},
		"unknown":         {"compact"},
		"bad flag":        {"rebuild", "--nope"},
		"no stream there": {"rebuild", "--data-dir", t.TempDir()},
		"bad session":     {"rebuild", "--data-dir", t.TempDir(), "--sessions", "Not Valid"},
	} {
		var out, errOut bytes.Buffer
		if code := storeRebuild(args, &out, &errOut); code == 0 {
			t.Errorf("%s: exit 0, output %q", name, out.String())
		}
	}
}
