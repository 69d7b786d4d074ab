package sandbox_test

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

func TestClockAdvanceMovesTheNetworksTime(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	c := f.cli
	before := c.Now()
	if _, err := f.net.Advance(-time.Minute); err == nil {
		t.Fatal("the clock went back")
	}
	at, err := f.net.Advance(16 * time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Now(); got.Sub(before) < 16*time.Minute || got.Before(at) {
		t.Errorf("client time %s after advancing 16m from %s", got, before)
	}
	contact := types.NewJID("4917612345678", types.DefaultUserServer)
	resp, err := c.SendMessage(testCtx(t), contact, &waE2E.Message{Conversation: proto.String("later")}, whatsmeow.SendRequestExtra{})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Timestamp.Sub(before) < 16*time.Minute-time.Second {
		t.Errorf("send timestamp %s is not the network's (advanced from %s)", resp.Timestamp, before)
	}
}
