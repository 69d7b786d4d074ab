package sandbox_test

import (
	"errors"
	"testing"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

func TestMarkRead(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	ctx := testCtx(t)
	chat := types.NewJID("4917612345678", types.DefaultUserServer)
	ids := []types.MessageID{"3EB0READ"}
	if err := f.cli.MarkRead(ctx, ids, time.Now(), chat, chat); !errors.Is(err, whatsmeow.ErrNotLoggedIn) {
		t.Errorf("before login: %v", err)
	}
	f.login(t, "4917600000001")
	if err := f.cli.MarkRead(ctx, ids, time.Now(), chat, chat); err != nil {
		t.Errorf("MarkRead: %v", err)
	}
	if err := f.cli.MarkRead(ctx, nil, time.Now(), chat, chat); err == nil {
		t.Error("MarkRead without ids succeeded")
	}
	if err := f.cli.MarkRead(ctx, ids, time.Now(), chat, chat, types.ReceiptTypeRead, types.ReceiptTypePlayed); err == nil {
		t.Error("MarkRead with two receipt types succeeded")
	}
	f.cli.Disconnect()
	if err := f.cli.MarkRead(ctx, ids, time.Now(), chat, chat); !errors.Is(err, whatsmeow.ErrNotConnected) {
		t.Errorf("disconnected: %v, want ErrNotConnected", err)
	}
}
