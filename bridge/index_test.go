package bridge_test

import (
	"os"
	"path/filepath"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// newIndex is a message index in a fresh bbolt file.
func newIndex(t *testing.T) *bridge.MessageIndex {
	t.Helper()
	x, _ := newIndexDB(t)
	return x
}

// newIndexDB is newIndex with its bbolt file.
func newIndexDB(t *testing.T) (*bridge.MessageIndex, *store.DB) {
	t.Helper()
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	x, err := bridge.NewMessageIndex(db)
	if err != nil {
		t.Fatal(err)
	}
	return x, db
}

func TestMessageIndex(t *testing.T) {
	x := newIndex(t)
	put := func(session string, m bridge.StoredMessage) {
		t.Helper()
		if err := x.Put(session, m); err != nil {
			t.Fatal(err)
		}
	}
	msg := &waE2E.Message{Conversation: proto.String("hello")}
	put("default", bridge.StoredMessage{Chat: group.String(), ID: "3EB0AAA", Sender: alicePN.String(), Timestamp: fixedTime, Text: "hello", Message: msg})
	put("default", bridge.StoredMessage{Chat: alicePN.String(), ID: "3EB0BBB", Sender: ownPN.String(), FromMe: true, Timestamp: fixedTime, Text: "mine"})
	put("other", bridge.StoredMessage{Chat: group.String(), ID: "3EB0CCC", Sender: alicePN.String(), Timestamp: fixedTime})
	// A one-to-one chat indexed under the peer's LID, which replies may name
	// by phone number.
	put("default", bridge.StoredMessage{Chat: "200000000000001@lid", ChatAlt: alicePN.String(), ID: "3EB0DDD", Sender: "200000000000001@lid", Timestamp: fixedTime, Text: "via lid"})

	tests := []struct {
		name     string
		session  string
		ref      string
		chat     types.JID
		wantText string
		code     string
	}{
		{"user form", "default", "false_" + group.String() + "_3EB0AAA", types.EmptyJID, "hello", ""},
		{"bare id in given chat", "default", "3EB0AAA", group, "hello", ""},
		{"bare id without chat", "default", "3EB0BBB", types.EmptyJID, "mine", ""},
		{"bare id in the wrong chat", "default", "3EB0AAA", alicePN, "", werr.CodeMessageNotFound},
		{"user form beats the default chat", "default", "true_" + alicePN.String() + "_3EB0BBB", group, "mine", ""},
		{"other session's message", "default", "3EB0CCC", group, "", werr.CodeMessageNotFound},
		{"bare id under the peer's other JID", "default", "3EB0DDD", alicePN, "via lid", ""},
		{"bare id of another peer's chat", "default", "3EB0DDD", ownPN, "", werr.CodeMessageNotFound},
		{"unknown session", "nobody", "3EB0AAA", group, "", werr.CodeMessageNotFound},
		{"malformed", "default", "false_x_", group, "", werr.CodeInvalidPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := x.Lookup(tt.session, tt.ref, tt.chat)
			if tt.code != "" {
				wantCode(t, err, tt.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Text != tt.wantText || !got.Timestamp.Equal(fixedTime) {
				t.Fatalf("got %+v", got)
			}
		})
	}
	got, err := x.Lookup("default", "3EB0AAA", group)
	if err != nil || !proto.Equal(got.Message, msg) || got.Sender != alicePN.String() || got.FromMe {
		t.Fatalf("stored protobuf or sender not kept: %+v, %v", got, err)
	}
}

func TestOpenDeviceStoreOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data dir #1?")
	c, err := bridge.OpenDeviceStore(t.Context(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dev := c.NewDevice()
	if dev == nil {
		t.Fatal("no device")
	}
	devs, err := c.GetAllDevices(t.Context())
	if err != nil || len(devs) != 0 {
		t.Fatalf("fresh store has devices %v, %v", devs, err)
	}
	if _, err := os.Stat(filepath.Join(dir, bridge.DeviceDBFile)); err != nil {
		t.Fatal(err)
	}
}
