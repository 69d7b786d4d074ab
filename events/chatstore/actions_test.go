package chatstore_test

import (
	"context"
	"testing"
	"time"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
)

func userID(fromMe bool, chat, waID string) string {
	if fromMe {
		return "true_" + chat + "_" + waID
	}
	return "false_" + chat + "_" + waID
}

func reactionBy(chat, reactor, waID, target, emoji string, sec int) events.Event {
	ts := t0.Add(time.Duration(sec) * time.Second)
	return events.Event{Type: events.TypeMessageReaction, Subject: chat, Time: ts, Key: chat + "|" + reactor + "|" + waID,
		Data: events.MessageReaction{ID: userID(false, chat, waID), WAID: waID, MessageID: target,
			Chat: events.JID{JID: chat}, Reactor: events.JID{JID: reactor}, Emoji: emoji, Removed: emoji == "", Timestamp: ts}}
}

func editBy(chat, editor, waID, target, text string, sec int) events.Event {
	ts := t0.Add(time.Duration(sec) * time.Second)
	return events.Event{Type: events.TypeMessageEdited, Subject: chat, Time: ts, Key: chat + "|" + editor + "|" + waID,
		Data: events.MessageEdited{ID: userID(false, chat, waID), WAID: waID, MessageID: target,
			Chat: events.JID{JID: chat}, Editor: events.JID{JID: editor}, Text: text, Timestamp: ts}}
}

func revokeBy(chat, who, waID, target string, sec int) events.Event {
	ts := t0.Add(time.Duration(sec) * time.Second)
	return events.Event{Type: events.TypeMessageRevoked, Subject: chat, Time: ts, Key: chat + "|" + who + "|" + waID,
		Data: events.MessageRevoked{ID: userID(false, chat, waID), WAID: waID, MessageID: target,
			Chat: events.JID{JID: chat}, RevokedBy: events.JID{JID: who}, Timestamp: ts}}
}

// actionResult is a successful result of a message command, as the
// dispatcher publishes it.
func actionResult(t *testing.T, command, id string, data map[string]any) dispatched {
	t.Helper()
	ce := cloudevent.New()
	ce.SetID(id)
	ce.SetSource("/wabridge/" + session)
	ce.SetType("io.wabridge.command." + command + ".result")
	if err := ce.SetData("application/json", map[string]any{"status": 200, "message": "Success", "data": data}); err != nil {
		t.Fatal(err)
	}
	return dispatched{Subject: "wa." + session + ".result." + command, Event: ce}
}

func messagesOf(t *testing.T, s *chatstore.Store, chat string) map[string]chatview.Message {
	t.Helper()
	mp, err := s.Messages(context.Background(), session, chat, chatview.MessageQuery{Limit: chatview.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]chatview.Message{}
	for _, m := range mp.Messages {
		out[m.ID] = m
	}
	return out
}

// TestActionsChangeTheirMessages: reactions are kept per reactor (a new
// one replaces, an empty one removes, an older one changes nothing), an
// edit replaces the text and the chat's preview of its last message, a
// revoke clears the content; a reaction to a message not seen yet shows
// once it arrives.
func TestActionsChangeTheirMessages(t *testing.T) {
	v := newEnv(t)
	a1, a2, a3 := userID(false, alice, "A1"), userID(false, alice, "A2"), userID(false, alice, "A3")
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 1, "first"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A2", 2, "second"))
	v.publish(t, reactionBy(alice, alice, "R1", a1, "👍", 3))
	v.publish(t, reactionBy(alice, bob, "R2", a1, "😂", 4))
	v.publish(t, reactionBy(alice, alice, "R3", a1, "❤️", 5)) // replaces 👍
	v.publish(t, reactionBy(alice, bob, "R4", a1, "", 6))     // removes 😂
	v.publish(t, reactionBy(alice, alice, "R0", a1, "🙈", 2))  // older than ❤️
	v.publish(t, reactionBy(alice, bob, "R5", a3, "🎉", 7))    // before A3 arrives
	v.publish(t, editBy(alice, alice, "E1", a2, "second, edited", 8))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "actions")
	if m := messagesOf(t, s, alice)[a1]; len(m.Reactions) != 1 || m.Reactions[0].From != alice || m.Reactions[0].Emoji != "❤️" {
		t.Errorf("A1 = %+v, want alice's ❤️ only", m)
	}
	v.publish(t, revokeBy(alice, alice, "V1", a1, 9))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A3", 10, "third"))
	catchUp(t, s, v, "actions")

	ms := messagesOf(t, s, alice)
	if m := ms[a1]; !m.Revoked || m.Message != "" || len(m.Reactions) != 0 {
		t.Errorf("A1 = %+v, want revoked, no text, no reactions", m)
	}
	if m := ms[a2]; !m.Edited || m.Message != "second, edited" || m.Revoked {
		t.Errorf("A2 = %+v, want edited to the new text", m)
	}
	if m := ms[a3]; len(m.Reactions) != 1 || m.Reactions[0].Emoji != "🎉" || m.Edited {
		t.Errorf("A3 = %+v, want bob's 🎉 from before it arrived", m)
	}
	// Editing the chat's last message changes its preview.
	v.publish(t, editBy(alice, alice, "E2", a3, "third, edited", 11))
	catchUp(t, s, v, "actions")
	if c, _ := chatOf(t, s, alice); c.LastMessage != "third, edited" {
		t.Errorf("last_message %q after editing the last message", c.LastMessage)
	}
}

// TestActionResultsChangeTheirMessages: what this account did through the
// bridge (WhatsApp echoes none of it) changes the store like the events.
func TestActionResultsChangeTheirMessages(t *testing.T) {
	v := newEnv(t)
	v.publish(t, connected())
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 1, "first"))
	v.publish(t, msg(events.TypeMessageSent, alice, ownPN, "M1", 2, "mine"))
	v.publish(t, msg(events.TypeMessageSent, alice, ownPN, "M2", 3, "mine too"))
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A4", 4, "last"))
	a1, m1, m2, a4 := userID(false, alice, "A1"), userID(true, alice, "M1"), userID(true, alice, "M2"), userID(false, alice, "A4")
	at := t0.Add(time.Minute)
	v.publishResults(t, []dispatched{
		actionResult(t, "message.reaction", "r1", map[string]any{"message_id": a1, "chat": alice, "emoji": "👍", "timestamp": at}),
		actionResult(t, "message.update", "r2", map[string]any{"message_id": m1, "chat": alice, "message": "mine, edited", "timestamp": at}),
		actionResult(t, "message.revoke", "r3", map[string]any{"message_id": m2, "chat": alice, "timestamp": at}),
		actionResult(t, "message.delete", "r4", map[string]any{"message_id": a4, "chat": alice, "timestamp": at}),
	})
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "results")
	ms := messagesOf(t, s, alice)
	if m := ms[a1]; len(m.Reactions) != 1 || m.Reactions[0].Emoji != "👍" || m.Reactions[0].From != ownPN {
		t.Errorf("A1 = %+v, want our 👍", m)
	}
	if m := ms[m1]; !m.Edited || m.Message != "mine, edited" {
		t.Errorf("M1 = %+v, want edited", m)
	}
	if m := ms[m2]; !m.Revoked || m.Message != "" {
		t.Errorf("M2 = %+v, want revoked", m)
	}
	if m, ok := ms[a4]; ok {
		t.Errorf("A4 = %+v, want deleted", m)
	}
	// Removing our reaction by an empty emoji.
	v.publishResults(t, []dispatched{actionResult(t, "message.reaction", "r5",
		map[string]any{"message_id": a1, "chat": alice, "emoji": "", "timestamp": at.Add(time.Second)})})
	catchUp(t, s, v, "results")
	if m := messagesOf(t, s, alice)[a1]; len(m.Reactions) != 0 {
		t.Errorf("A1 = %+v, want our reaction removed", m)
	}
}
