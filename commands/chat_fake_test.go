package commands_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events/chatview"
)

// chatFake is fakeSession's record of the chat commands and the read
// model it answers them from; fakeSession.mu guards it.
type chatFake struct {
	changes  []string // "archive <chat> true", "mute <chat> true 8h0m0s", ...
	reads    []bridge.MarkReadRequest
	forwards []bridge.ForwardRequest
	reader   fakeReader
}

// fakeReader answers with page and err, and keeps what it was asked.
type fakeReader struct {
	chats    chatview.ChatPage
	messages chatview.MessagePage
	err      error
	asked    []string // "<session> <chat or chats> <query>"
}

func (f *fakeSession) ChatReader() chatview.Reader { return readerOf{f} }

// readerOf is the fake session's chatview.Reader.
type readerOf struct{ f *fakeSession }

func (r readerOf) ListChats(_ context.Context, session string, q chatview.ChatQuery) (chatview.ChatPage, error) {
	r.f.mu.Lock()
	defer r.f.mu.Unlock()
	fr := &r.f.chats.reader
	fr.asked = append(fr.asked, fmt.Sprintf("%s chats limit=%d before=%q archived=%s is_group=%s q=%q",
		session, q.Limit, q.Before, boolText(q.Archived), boolText(q.IsGroup), q.Q))
	return fr.chats, fr.err
}

func (r readerOf) Messages(_ context.Context, session, chat string, q chatview.MessageQuery) (chatview.MessagePage, error) {
	r.f.mu.Lock()
	defer r.f.mu.Unlock()
	fr := &r.f.chats.reader
	since := "-"
	if q.Since != nil {
		since = q.Since.UTC().Format(time.RFC3339)
	}
	fr.asked = append(fr.asked, fmt.Sprintf("%s %s limit=%d before=%q since=%s", session, chat, q.Limit, q.Before, since))
	return fr.messages, fr.err
}

func boolText(b *bool) string {
	if b == nil {
		return "-"
	}
	return fmt.Sprint(*b)
}

func (f *fakeSession) change(what string, c bridge.ChatChange) (bridge.ChatChange, error) {
	if err := f.record(what); err != nil {
		return bridge.ChatChange{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chats.changes = append(f.chats.changes, what)
	return c, nil
}

func (f *fakeSession) ArchiveChat(_ context.Context, chat string, archive bool) (bridge.ChatChange, error) {
	return f.change(fmt.Sprintf("archive %s %v", chat, archive), bridge.ChatChange{Chat: chat, Archived: &archive})
}

func (f *fakeSession) PinChat(_ context.Context, chat string, pin bool) (bridge.ChatChange, error) {
	return f.change(fmt.Sprintf("pin %s %v", chat, pin), bridge.ChatChange{Chat: chat, Pinned: &pin})
}

func (f *fakeSession) MuteChat(_ context.Context, chat string, mute bool, d time.Duration) (bridge.ChatChange, error) {
	return f.change(fmt.Sprintf("mute %s %v %s", chat, mute, d), bridge.ChatChange{Chat: chat, Muted: &mute})
}

func (f *fakeSession) MarkRead(_ context.Context, req bridge.MarkReadRequest) (bridge.ReadResult, error) {
	if err := f.record("MarkRead"); err != nil {
		return bridge.ReadResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chats.reads = append(f.chats.reads, req)
	return bridge.ReadResult{MessageID: req.MessageID, Chat: "4917612345678@s.whatsapp.net", ReadAt: fixedNow}, nil
}

func (f *fakeSession) ForwardMessage(_ context.Context, req bridge.ForwardRequest) (bridge.SendResult, error) {
	if err := f.record("ForwardMessage"); err != nil {
		return bridge.SendResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.chats.forwards = append(f.chats.forwards, req)
	return bridge.SendResult{MessageID: "true_120363028461234567@g.us_3EB0FWD", WAID: "3EB0FWD", Chat: "120363028461234567@g.us", Timestamp: fixedNow}, nil
}

// auditedLast is the CloudEvent of the newest audit entry.
func auditedLast(t *testing.T, a *fakeAudit) cloudevent.Event {
	t.Helper()
	es := a.entries(t)
	if len(es) == 0 {
		t.Fatal("nothing audited")
	}
	return es[len(es)-1].event(t)
}
