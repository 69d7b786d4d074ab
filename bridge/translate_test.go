package bridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/events"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got (as indented JSON) with testdata/golden/<name>.json.
func golden(t *testing.T, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(b, want) {
		t.Fatalf("%s differs from golden file:\n got %s\nwant %s", name, b, want)
	}
}

func TestTranslateMessages(t *testing.T) {
	ownDevice := types.NewADJID(ownPN.User, 0, 3)
	tests := []struct {
		name string
		evt  *waEvents.Message
	}{
		{
			name: "direct_text_lid_addressed",
			evt: &waEvents.Message{
				Info: types.MessageInfo{
					MessageSource: types.MessageSource{
						Chat: aliceLID, Sender: types.JID{User: aliceLID.User, Device: 5, Server: types.HiddenUserServer}, SenderAlt: alicePN,
						AddressingMode: types.AddressingModeLID,
					},
					ID: "3EB0A1B2C3D4E5F60718", PushName: "Alice", Timestamp: fixedTime,
				},
				Message: &waE2E.Message{Conversation: proto.String("Hi there")},
			},
		},
		{
			name: "group_reply_with_mentions",
			evt: &waEvents.Message{
				Info: types.MessageInfo{
					MessageSource: types.MessageSource{
						Chat: group, Sender: alicePN, SenderAlt: aliceLID, IsGroup: true, AddressingMode: types.AddressingModePN,
					},
					ID: "3EB0FFEE0011223344", PushName: "Alice", Timestamp: fixedTime,
				},
				Message: &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
					Text: proto.String("@4915100000001 see above"),
					ContextInfo: &waE2E.ContextInfo{
						StanzaID:      proto.String("3EB0ORIGINAL"),
						Participant:   proto.String(ownPN.String()),
						QuotedMessage: &waE2E.Message{Conversation: proto.String("the plan")},
						MentionedJID:  []string{ownPN.String()},
					},
				}},
				IsEphemeral: true,
			},
		},
		{
			name: "sent_from_other_device",
			evt: &waEvents.Message{
				Info: types.MessageInfo{
					MessageSource: types.MessageSource{
						Chat: alicePN, Sender: ownDevice, IsFromMe: true, RecipientAlt: aliceLID,
					},
					ID: "3A7F00AA11BB22CC33DD", Timestamp: fixedTime,
				},
				Message: &waE2E.Message{Conversation: proto.String("sent from my phone")},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.pair("default")
			e.sink.reset()
			if !e.fakes.last("default").push(tt.evt) {
				t.Fatal("handler reported failure")
			}
			if len(e.sink.events) != 1 {
				t.Fatalf("%d events emitted, want 1", len(e.sink.events))
			}
			golden(t, tt.name, e.sink.events[0])
		})
	}
}

// An image is indexed with its event (a reply quotes it); an edit is
// indexed alone (message.edited comes from the edit's protocol message).
func TestNonTextMessagesAreIndexed(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.reset()
	img := incoming(alicePN, "3EB0IMAGE0001", "")
	img.Message = &waE2E.Message{ImageMessage: &waE2E.ImageMessage{Caption: proto.String("cat"), Mimetype: proto.String("image/jpeg")}}
	edit := incoming(alicePN, "3EB0EDIT0001", "changed")
	edit.IsEdit = true
	for _, evt := range []*waEvents.Message{img, edit} {
		if !c.push(evt) {
			t.Fatal("a non-text message must be acked")
		}
	}
	if n, imgs := len(e.sink.events), e.sink.ofType(events.TypeMessageReceived); n != 1 || len(imgs) != 1 {
		t.Fatalf("%d events emitted for an image and an edit, want the image's message.received", n)
	}
	_, err := e.session("default").SendText(context.Background(), bridge.SendTextRequest{To: alicePN.User, Text: "nice", ReplyTo: "3EB0IMAGE0001"})
	if err != nil {
		t.Fatalf("replying to the indexed image: %v", err)
	}
	q := c.sentMessages()[0].Msg.GetExtendedTextMessage().GetContextInfo().GetQuotedMessage()
	if q.GetImageMessage().GetCaption() != "cat" {
		t.Fatalf("quoted message %v is not the image", q)
	}
}

func TestFailingSinkMakesWhatsAppRedeliver(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	e.sink.setFail(errors.New("outbox full"))
	msg := incoming(alicePN, "3EB0REDELIVER", "are you there?")
	if c.push(msg) {
		t.Fatal("handler acked a message the sink did not keep")
	}
	for _, evt := range []any{&waEvents.Connected{}, &waEvents.Disconnected{}} {
		if c.push(evt) {
			t.Fatalf("handler reported success for %T the sink did not keep", evt)
		}
	}
	e.sink.setFail(nil)
	if !c.push(msg) || !c.push(msg) {
		t.Fatal("redelivered message not acked once the sink works")
	}
	got := e.sink.ofType(events.TypeMessageReceived)
	if len(got) != 2 || got[0].Key != got[1].Key {
		t.Fatalf("redeliveries must carry the same key: %+v", got)
	}
}

func TestMessageOrderIsKept(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	ids := []string{"3EB0ORDER1", "3EB0ORDER2", "3EB0ORDER3", "3EB0ORDER4"}
	for _, id := range ids {
		c.push(incoming(group, id, "text "+id))
	}
	got := e.sink.ofType(events.TypeMessageReceived)
	if len(got) != len(ids) {
		t.Fatalf("%d events, want %d", len(got), len(ids))
	}
	for i, ev := range got {
		if d := ev.Data.(events.MessageReceived); d.WAID != ids[i] {
			t.Fatalf("event %d is %s, want %s", i, d.WAID, ids[i])
		}
	}
}
