package commands_test

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// The message actions record "<Method> <message_id> <phone> <emoji or
// text> <key>" in fakeSession.calls and answer for a message in Alice's
// chat.
func (f *fakeSession) action(method string, req bridge.MessageActionRequest, what string) (bridge.ActionResult, error) {
	if err := f.record(fmt.Sprintf("%s %s %s %q %s", method, req.MessageID, req.Phone, what, req.Key)); err != nil {
		return bridge.ActionResult{}, err
	}
	return bridge.ActionResult{MessageID: req.MessageID, Chat: "4917612345678@s.whatsapp.net", WAID: "3EB0ACT", Timestamp: fixedNow}, nil
}

func (f *fakeSession) React(_ context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error) {
	return f.action("React", req, req.Emoji)
}

func (f *fakeSession) EditMessage(_ context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error) {
	return f.action("EditMessage", req, req.Text)
}

func (f *fakeSession) RevokeMessage(_ context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error) {
	return f.action("RevokeMessage", req, "")
}

func (f *fakeSession) DeleteForMe(_ context.Context, req bridge.MessageActionRequest) (bridge.ActionResult, error) {
	return f.action("DeleteForMe", req, "")
}
