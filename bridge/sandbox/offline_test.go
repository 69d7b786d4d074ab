package sandbox_test

import (
	"fmt"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"
)

// What a group says to a member session while it is disconnected reaches
// it when it connects again, right after Connected and in the order it
// happened, as WhatsApp's offline queue delivers it; nothing is lost.
func TestOfflineMemberGetsGroupChangesOnReconnect(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	s.b.cli.Disconnect()
	for _, name := range []string{"One", "Two"} {
		if err := s.a.cli.SetGroupName(ctx, s.group, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.a.cli.SendMessage(ctx, s.group, &waE2E.Message{Conversation: proto.String("while you were away")}); err != nil {
		t.Fatal(err)
	}
	if err := s.a.cli.SetGroupLocked(ctx, s.group, true); err != nil {
		t.Fatal(err)
	}
	// A sees its own changes at once: only B's were held.
	for _, want := range []string{"One", "Two"} {
		if e := next[*events.GroupInfo](t, s.a.rec); e.Name == nil || e.Name.Name != want {
			t.Fatalf("A's notification %+v, want the name %s", e, want)
		}
	}

	if err := s.b.cli.Connect(); err != nil {
		t.Fatal(err)
	}
	if err := s.a.cli.SetGroupName(ctx, s.group, "Three"); err != nil { // live again
		t.Fatal(err)
	}
	want := []string{"connected", "name One", "name Two", "message while you were away", "locked", "name Three"}
	got := describeNext(t, s.b.rec, len(want))
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("B got, after reconnecting:\n%q\nwant\n%q", got, want)
	}
}

// A session that is not running (its client made anew, as after a
// restart, on the same device) gets what was queued for its device.
func TestRestartedMemberGetsGroupChanges(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	s.b.cli.Disconnect()
	if err := s.a.cli.SetGroupName(ctx, s.group, "While down"); err != nil {
		t.Fatal(err)
	}
	devs, err := s.f.container.GetAllDevices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var dev *store.Device
	for _, d := range devs {
		if d.ID != nil && d.ID.User == s.b.jid.User {
			dev = d // loaded anew, as a restarted process does
		}
	}
	if dev == nil {
		t.Fatal("B's device is not in the store")
	}
	rec := newRecorder()
	cli := s.f.net.NewClient("b", dev, nil)
	cli.AddEventHandlerWithSuccessStatus(rec.handle)
	if err := cli.Connect(); err != nil {
		t.Fatal(err)
	}
	if got := describeNext(t, rec, 2); fmt.Sprint(got) != fmt.Sprint([]string{"connected", "name While down"}) {
		t.Fatalf("the restarted session got %q", got)
	}
}

// describeNext waits for n events of rec and names each.
func describeNext(t *testing.T, rec *recorder, n int) []string {
	t.Helper()
	out := make([]string, 0, n)
	for len(out) < n {
		switch e := next[any](t, rec).(type) {
		case *events.Connected:
			out = append(out, "connected")
		case *events.GroupInfo:
			switch {
			case e.Name != nil:
				out = append(out, "name "+e.Name.Name)
			case e.Locked != nil:
				out = append(out, "locked")
			default:
				out = append(out, fmt.Sprintf("group info %+v", e))
			}
		case *events.Message:
			out = append(out, "message "+e.Message.GetConversation())
		default:
			out = append(out, fmt.Sprintf("%T", e))
		}
	}
	return out
}
