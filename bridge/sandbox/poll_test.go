package sandbox_test

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

// TestVoteOnSessionPollDecrypts: the session sends a poll, a virtual
// contact votes; the vote arrives encrypted, as from WhatsApp, and the
// client's (whatsmeow's) DecryptPollVote opens it to the options' hashes.
func TestVoteOnSessionPollDecrypts(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	poll := f.cli.BuildPollCreation("Lunch?", []string{"Pizza", "Sushi", "Salad"}, 0)
	resp, err := f.cli.SendMessage(testCtx(t), alice, poll, whatsmeow.SendRequestExtra{ID: "3EB0POLL01"})
	if err != nil {
		t.Fatal(err)
	}
	out := f.net.Outbox()
	if len(out) != 1 || out[0].Type != "poll" || out[0].Poll == nil || out[0].Poll.Question != "Lunch?" || len(out[0].Poll.Options) != 3 {
		t.Fatalf("outbox %+v, want the poll with its options", out)
	}
	_, err = f.net.Inbound(testCtx(t), "default", sandbox.Inbound{
		From: alice.User, Type: "vote",
		Fields: map[string]any{"message_id": "true_" + alice.String() + "_" + string(resp.ID), "options": []string{"Salad", "Pizza"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	vote := next[*events.Message](t, f.rec)
	if vote.Message.GetPollUpdateMessage().GetVote() == nil || vote.Info.Sender != alice {
		t.Fatalf("vote %v from %s, want an encrypted poll update from Alice", vote.Message, vote.Info.Sender)
	}
	dec, err := f.cli.DecryptPollVote(testCtx(t), vote)
	if err != nil {
		t.Fatalf("DecryptPollVote: %v", err)
	}
	want := [][]byte{hash("Salad"), hash("Pizza")}
	got := dec.GetSelectedOptions()
	if len(got) != 2 || !bytes.Equal(got[0], want[0]) || !bytes.Equal(got[1], want[1]) {
		t.Fatalf("selected %x, want %x", got, want)
	}
}

func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// A vote a phone would not let through is refused, and nothing arrives.
func TestVoteRefusals(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	poll := f.cli.BuildPollCreation("One?", []string{"A", "B"}, 1)
	if _, err := f.cli.SendMessage(testCtx(t), alice, poll, whatsmeow.SendRequestExtra{ID: "3EB0POLL02"}); err != nil {
		t.Fatal(err)
	}
	vote := func(from, id string, options ...string) error {
		_, err := f.net.Inbound(testCtx(t), "default", sandbox.Inbound{From: from, Type: "vote", Fields: map[string]any{"message_id": id, "options": options}})
		return err
	}
	for name, tc := range map[string]struct {
		err  error
		kind werr.Kind
	}{
		"unknown poll":         {vote(alice.User, "3EB0NOPOLL", "A"), werr.KindNotFound},
		"not an option":        {vote(alice.User, "3EB0POLL02", "C"), werr.KindInvalid},
		"more than selectable": {vote(alice.User, "3EB0POLL02", "A", "B"), werr.KindInvalid},
		"not a recipient":      {vote("4917699999990", "3EB0POLL02", "A"), werr.KindInvalid},
	} {
		if werr.KindOf(tc.err) != tc.kind {
			t.Errorf("%s: %v, want kind %v", name, tc.err, tc.kind)
		}
	}
	for _, evt := range f.rec.seen() {
		if m, ok := evt.(*events.Message); ok {
			t.Fatalf("message %v arrived for a refused vote", m.Message)
		}
	}
}

// The outbox shows a location's fields and a contact's vCard text.
func TestOutboxShowsLocationAndContact(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4917600000001")
	alice := types.NewJID("4917612345678", types.DefaultUserServer)
	loc := &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(52.52), DegreesLongitude: proto.Float64(13.40), Name: proto.String("Gate")}}
	card := &waE2E.Message{ContactMessage: &waE2E.ContactMessage{DisplayName: proto.String("John"), Vcard: proto.String("BEGIN:VCARD\r\nEND:VCARD\r\n")}}
	for _, m := range []*waE2E.Message{loc, card} {
		if _, err := f.cli.SendMessage(testCtx(t), alice, m, whatsmeow.SendRequestExtra{}); err != nil {
			t.Fatal(err)
		}
	}
	out := f.net.Outbox()
	if len(out) != 2 {
		t.Fatalf("%d deliveries, want 2", len(out))
	}
	if l := out[0].Location; out[0].Type != "location" || l == nil || l.Latitude != 52.52 || l.Longitude != 13.40 || l.Name != "Gate" {
		t.Errorf("location delivery %+v", out[0])
	}
	if out[1].Type != "contact" || out[1].Message != "John" || out[1].VCard != "BEGIN:VCARD\r\nEND:VCARD\r\n" {
		t.Errorf("contact delivery %+v", out[1])
	}
}
