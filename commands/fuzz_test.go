package commands_test

import (
	"context"
	"encoding/json"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/wabridge/wabridge/commands"
)

// FuzzDispatch feeds arbitrary data to send.message: whatever arrives, the
// dispatcher answers with a valid result CloudEvent carrying a status, and
// only data valid against the schema reaches the session.
func FuzzDispatch(f *testing.F) {
	for _, seed := range []string{
		okText,
		`{"phone":"120363000000000000@g.us","message":"x","mentions":["1","2"],"reply_message_id":"3EB0"}`,
		`{"phone":1}`, `[]`, `null`, `"str"`, `{`, "\x00\xff", `{"message":"` + "\u00e9" + `"}`,
	} {
		f.Add([]byte(seed))
	}
	r := newRig(f)
	r.db.NoSync = true // only fsync would be measured otherwise; durability is tested elsewhere
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, data []byte) {
		before := len(r.sess.Calls())
		cmd := command(t, "send.message", strconv.FormatInt(seq.Add(1), 10), "")
		if err := cmd.SetData("application/json", data); err != nil {
			t.Fatal(err)
		}
		res := execute(r.d, context.Background(), "default", "send.message", cmd)
		if err := res.Event.Validate(); err != nil {
			t.Fatalf("invalid result event: %v", err)
		}
		if res.Event.Type() != commands.ResultTypeOf("send.message") {
			t.Fatalf("result type %q", res.Event.Type())
		}
		var b commands.ResultData
		if err := json.Unmarshal(res.Event.Data(), &b); err != nil {
			t.Fatalf("result data %q: %v", res.Event.Data(), err)
		}
		if b.Status < 200 || b.Status > 599 || b.Message == "" {
			t.Fatalf("result %+v has no status or message", b)
		}
		ran := len(r.sess.Calls()) > before
		if ran != (b.Status == 200) {
			t.Fatalf("session called=%v but status %d (%s)", ran, b.Status, b.Message)
		}
		if b.Status != 200 && b.Code == "" {
			t.Fatalf("error result without code: %+v", b)
		}
	})
}
