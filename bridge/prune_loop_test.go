package bridge_test

import (
	"testing"
	"time"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestManagerPrunesAtStart: with MessageRetention, Start prunes the message
// index at once (the next time is an hour later), keeping what is younger.
func TestManagerPrunesAtStart(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	for id, ts := range map[string]time.Time{"OLD": now.Add(-40 * 24 * time.Hour), "NEW": now.Add(-time.Hour)} {
		if err := e.mgr.Index().Put("default", bridge.StoredMessage{Chat: group.String(), ID: id, Sender: alicePN.String(), Timestamp: ts, Text: id}); err != nil {
			t.Fatal(err)
		}
	}
	e.mgr.Close()
	e.startWith(func(c *bridgeConfig) { c.MessageRetention = 30 * 24 * time.Hour })
	waitFor(t, "the old message pruned", func() bool {
		_, err := e.mgr.Index().Lookup("default", "OLD", types.EmptyJID)
		return codeOf(err) == werr.CodeMessageNotFound
	})
	if _, err := e.mgr.Index().Lookup("default", "NEW", types.EmptyJID); err != nil {
		t.Fatalf("the message within the retention was pruned: %v", err)
	}
}

func TestManagerConfigRejectsNegativeRetention(t *testing.T) {
	e := newEnv(t)
	_, err := bridge.NewManager(bridge.ManagerConfig{
		Devices: e.devices, DB: e.db, Sink: e.sink, NewClient: e.fakes.factory(), MessageRetention: -time.Hour,
	})
	if err == nil {
		t.Fatal("a negative MessageRetention was accepted")
	}
}
