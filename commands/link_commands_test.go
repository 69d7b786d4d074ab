package commands_test

import (
	"encoding/json"
	"testing"

	"github.com/wabridge/wabridge/internal/werr"
)

// send.link's reference body reaches the session as written; the result
// says what became of the preview.
func TestSendLink(t *testing.T) {
	r := newRig(t)
	b, _ := answer(t, r, "send.link", "l1", `{"phone":"4917612345678","link":"https://github.com/x","caption":"Look"}`)
	want := `{"message_id":"true_4917612345678@s.whatsapp.net_3EB0LINK","wa_id":"3EB0LINK","chat":"4917612345678@s.whatsapp.net","timestamp":"2025-01-02T03:04:05Z","type":"text","message":"Look\nhttps://github.com/x","preview":true,"title":"T","description":"D","thumbnail":true}`
	if b.Status != 200 || string(b.Data) != want {
		t.Fatalf("send.link: %d %s\n got %s\nwant %s", b.Status, b.Code, b.Data, want)
	}
	b, _ = answer(t, r, "send.link", "l2", `{"phone":"4917612345678","link":"https://example.com/down"}`)
	want = `{"message_id":"true_4917612345678@s.whatsapp.net_3EB0LINK","wa_id":"3EB0LINK","chat":"4917612345678@s.whatsapp.net","timestamp":"2025-01-02T03:04:05Z","type":"text","message":"https://example.com/down","preview":false,"preview_reason":"fetching https://example.com/down failed","thumbnail":false}`
	if b.Status != 200 || string(b.Data) != want {
		t.Fatalf("send.link without preview: %d %s\n got %s\nwant %s", b.Status, b.Code, b.Data, want)
	}
	r.sess.mu.Lock()
	got := r.sess.links
	r.sess.mu.Unlock()
	if len(got) != 2 || got[0].Link != "https://github.com/x" || got[0].Caption != "Look" || got[0].To != "4917612345678" || got[0].Key == "" {
		t.Fatalf("requests %+v", got)
	}
}

func TestSendLinkRefusesBadInput(t *testing.T) {
	r := newRig(t)
	for _, data := range []string{`{"phone":"4917612345678"}`, `{"link":"https://x.example"}`, `{"phone":"4917612345678","link":""}`, `{"phone":"4917612345678","link":"https://x.example","extra":1}`} {
		b, _ := answer(t, r, "send.link", "bad"+data, data)
		if b.Status != 400 || b.Code != werr.CodeInvalidPayload {
			t.Errorf("%s: %d %s", data, b.Status, b.Code)
		}
	}
	if calls := r.sess.Calls(); len(calls) != 0 {
		t.Fatalf("calls %q", calls)
	}
}

// send.message previews a leading link unless link_preview is false, and
// says that view_once does not apply to text.
func TestSendMessageLinkPreviewAndViewOnce(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct {
		data string
		want bool
	}{
		{`{"phone":"4917612345678","message":"https://x.example hi"}`, true},
		{`{"phone":"4917612345678","message":"https://x.example hi","link_preview":true}`, true},
		{`{"phone":"4917612345678","message":"https://x.example hi","link_preview":false}`, false},
	} {
		b, _ := answer(t, r, "send.message", tc.data, tc.data)
		if b.Status != 200 {
			t.Fatalf("%s: %d %s", tc.data, b.Status, b.Code)
		}
		r.sess.mu.Lock()
		last := r.sess.sent[len(r.sess.sent)-1]
		r.sess.mu.Unlock()
		if last.NoLinkPreview == tc.want {
			t.Errorf("%s: NoLinkPreview %v, want preview %v", tc.data, last.NoLinkPreview, tc.want)
		}
	}
	fields := dataFields(t, r, "vo", `{"phone":"4917612345678","message":"secret","view_once":true}`)
	if got := string(fields["notes"]); got != `["view_once does not apply to text messages; sent as a normal message"]` {
		t.Fatalf("notes %s", got)
	}
	fields = dataFields(t, r, "plain", `{"phone":"4917612345678","message":"plain"}`)
	if _, ok := fields["notes"]; ok {
		t.Fatal("notes without view_once")
	}
}

func dataFields(t *testing.T, r *rig, id, data string) map[string]json.RawMessage {
	t.Helper()
	b, _ := answer(t, r, "send.message", id, data)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b.Data, &fields); err != nil {
		t.Fatalf("%d %s: %v", b.Status, b.Data, err)
	}
	return fields
}
