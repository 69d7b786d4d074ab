package chatstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/cenats"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/natsbus/natstest"
)

const session = "default"

// env is an embedded JetStream (in-process, no listener) with the streams.
type env struct {
	js   jetstream.JetStream
	subj natsbus.Subjects
}

func newEnv(t testing.TB) *env {
	t.Helper()
	js := natstest.JetStream(t)
	return &env{js: js}
}

// publish puts e on WA_EVENTS as the outbox does, without Nats-Msg-Id: a
// second publish of the same event is stored again, like a WhatsApp
// redelivery after the dedup window.
func (v *env) publish(t testing.TB, e events.Event) {
	t.Helper()
	if e.Session == "" {
		e.Session = session
	}
	ce, err := events.NewCloudEvent(e)
	if err != nil {
		t.Fatal(err)
	}
	subject := v.subj.Event(e.Session, e.Subject, strings.TrimPrefix(e.Type, events.TypePrefix))
	msg, err := cenats.NewMsg(subject, ce, cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.js.PublishMsg(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
}

func openStore(t testing.TB, dir string) *chatstore.Store {
	t.Helper()
	s, err := chatstore.Open(context.Background(), chatstore.Config{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// catchUp projects everything the stream holds for the default session.
func catchUp(t testing.TB, s *chatstore.Store, v *env, durable string) {
	t.Helper()
	p, err := s.NewProjector(v.js, chatstore.ProjectConfig{Sessions: []string{session}, Durable: durable})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// msg is a message event of chat from sender at t0+sec seconds.
func msg(typ, chat, sender, waID string, sec int, text string) events.Event {
	fromMe := typ == events.TypeMessageSent
	ts := t0.Add(time.Duration(sec) * time.Second)
	return events.Event{
		Type: typ, Subject: chat, Time: ts, Key: chat + "|" + sender + "|" + waID,
		Data: events.MessageReceived{
			ID: fmt.Sprintf("%t_%s_%s", fromMe, chat, waID), WAID: waID,
			Chat: events.JID{JID: chat}, Sender: events.JID{JID: sender}, FromMe: fromMe,
			IsGroup: strings.HasSuffix(chat, "@g.us"), Timestamp: ts, Type: "text", Text: text,
			PushName: "Push " + sender[:4],
		},
	}
}

func chatUpdate(chat, key string, u events.ChatUpdated) events.Event {
	u.Chat, u.Origin = events.JID{JID: chat}, events.OriginAppState
	if u.Timestamp.IsZero() {
		u.Timestamp = t0
	}
	return events.Event{Type: events.TypeChatUpdated, Subject: chat, Time: u.Timestamp, Key: chat + "|" + key, Data: u}
}

func ptr[T any](v T) *T { return &v }

// answers is everything the store says about the default session, for
// comparing stores.
func answers(t testing.TB, s *chatstore.Store) string {
	t.Helper()
	ctx := context.Background()
	page, err := s.ListChats(ctx, session, chatview.ChatQuery{Limit: chatview.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range page.Chats {
		j, _ := json.Marshal(c)
		fmt.Fprintf(&b, "%s\n", j)
		mp, err := s.Messages(ctx, session, c.JID, chatview.MessageQuery{Limit: chatview.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		j, _ = json.Marshal(mp.Messages)
		fmt.Fprintf(&b, "  %s\n", j)
	}
	return b.String()
}
