package bridge_test

import (
	"context"
	"testing"
	"time"

	"github.com/wabridge/wabridge/bridge"
)

// TestActionResultsSayWhatWasPut: a reaction's result carries its emoji
// and an edit's its new text, which the chat store applies (WhatsApp
// echoes neither back to this device).
func TestActionResultsSayWhatWasPut(t *testing.T) {
	sc := newActionScene(t)
	ctx := context.Background()
	r, err := sc.s.React(ctx, bridge.MessageActionRequest{MessageID: sc.aliceDirect, Emoji: "👍", Key: "react-result"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Emoji != "👍" || r.MessageID != sc.aliceDirect {
		t.Errorf("reaction result %+v, want the emoji on %s", r, sc.aliceDirect)
	}
	sc.c.setNow(fixedTime.Add(time.Minute))
	u, err := sc.s.EditMessage(ctx, bridge.MessageActionRequest{MessageID: sc.ownDirect.MessageID, Text: "fixed", Key: "edit-result"})
	if err != nil {
		t.Fatal(err)
	}
	if u.Message != "fixed" || u.MessageID != sc.ownDirect.MessageID {
		t.Errorf("edit result %+v, want the new text on %s", u, sc.ownDirect.MessageID)
	}
}
