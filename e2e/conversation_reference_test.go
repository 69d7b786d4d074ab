package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// refExample is one curl example of the API reference: its method, path
// and -d body, copied as the reference writes them (shell comments, the
// reference's own spelling of the emoji and its placeholders included).
type refExample struct {
	what, method, path, body string
}

// The reference's curl examples of send.location, send.contact,
// send.link, send.poll, send.presence, send.chat_presence, the message
// actions and chat.archive/mute/pin, in the reference's order (the
// "Realistic Usage Example" steps last).
var conversationExamples = []refExample{
	{"Send Location", "POST", "/send/location", `{
    "phone": "4917612345678",
    "latitude": 52.520008,
    "longitude": 13.404954,
    "name": "Brandenburg Gate",  # Optional
    "address": "Pariser Platz, 10117 Berlin",  # Optional
    "url": "https://maps.google.com/?q=52.520008,13.404954"  # Optional
  }`},
	{"Send Contact Card", "POST", "/send/contact", `{
    "phone": "4917612345678",
    "contact_name": "John Doe",
    "contact_phone": "4917698765432",
    "contact_email": "john@example.com",  # Optional
    "contact_org": "Acme Corp"  # Optional
  }`},
	{"Send Link with Preview", "POST", "/send/link", `{
    "phone": "4917612345678",
    "link": "https://github.com/aldinokemal/go-whatsapp-web-multidevice",
    "caption": "Check out this amazing WhatsApp API!"  # Optional
  }`},
	{"Send Poll", "POST", "/send/poll", `{
    "phone": "4917612345678",
    "question": "What is your favorite programming language?",
    "options": ["Python", "JavaScript", "Go", "Java", "Other"],
    "selectable_count": 1  # 0 for multiple choice, 1 for single choice
  }`},
	{"Forward Message", "POST", "/message/forward", `{
    "message_id": "false_120363xxx@g.us_3EB0xxx",
    "phone": "4917612345678"
  }`},
	{"Revoke Message", "POST", "/message/false_120363xxx@g.us_3EB0xxx/revoke", `{
    "phone": "4917612345678"
  }`},
	{"Delete Message", "POST", "/message/false_120363xxx@g.us_3EB0xxx/delete", `{
    "phone": "4917612345678"
  }`},
	{"React to Message", "POST", "/message/false_120363xxx@g.us_3EB0xxx/reaction", `{
    "phone": "4917612345678",
    "emoji": "üëç"  # Any emoji or empty string to remove
  }`},
	{"Edit Message", "POST", "/message/false_120363xxx@g.us_3EB0xxx/update", `{
    "phone": "4917612345678",
    "message": "This is the edited message text"
  }`},
	{"Mark as Read", "POST", "/message/false_120363xxx@g.us_3EB0xxx/read", `{
    "phone": "4917612345678"
  }`},
	{"Archive/Unarchive Chat", "POST", "/chat/archive", `{
    "chat_jid": "4917612345678@s.whatsapp.net",
    "is_archive": true  # true to archive, false to unarchive
  }`},
	{"Mute/Unmute Chat", "POST", "/chat/mute", `{
    "chat_jid": "4917612345678@s.whatsapp.net",
    "is_mute": true  # true to mute, false to unmute
  }`},
	{"Pin/Unpin Chat", "POST", "/chat/pin", `{
    "chat_jid": "4917612345678@s.whatsapp.net",
    "is_pin": true  # true to pin, false to unpin
  }`},
	{"Set Online/Offline Status", "POST", "/send/presence", `{
    "presence": "available"  # Options: available, unavailable
  }`},
	{"Set Typing Status", "POST", "/send/chat-presence", `{
    "phone": "4917612345678",
    "presence": "composing",  # Options: composing, paused
    "media": "text"  # Options: text, audio
  }`},
	{"Step 6: Create Poll in Group", "POST", "/send/poll", `{
    "phone": "120363028461234567@g.us",
    "question": "When should we schedule the next team meeting?",
    "options": [
      "Monday 10:00 AM",
      "Monday 2:00 PM",
      "Tuesday 10:00 AM",
      "Tuesday 2:00 PM",
      "Wednesday 10:00 AM"
    ],
    "selectable_count": 0
  }`},
	{"Step 7: Show typing indicator", "POST", "/send/chat-presence", `{
    "phone": "4917612345678",
    "presence": "composing",
    "media": "text"
  }`},
	{"Step 7: Stop typing indicator", "POST", "/send/chat-presence", `{
    "phone": "4917612345678",
    "presence": "paused",
    "media": "text"
  }`},
	{"Step 8: Forward to first recipient", "POST", "/message/forward", `{
    "message_id": "'$MESSAGE_ID'",
    "phone": "4917698765432"
  }`},
	{"Step 8: Forward to second recipient", "POST", "/message/forward", `{
    "message_id": "'$MESSAGE_ID'",
    "phone": "4917687654321"
  }`},
}

// shellComment is what the shell would not strip from the reference's -d
// bodies but a reader does: the "# Optional" notes after a value.
var shellComment = regexp.MustCompile(`(?m)[ \t]+#[^"\n]*$`)

// Every curl example of the reference for the conversation commands runs
// as written against the shared sandbox bridge — its placeholders given
// real values, its shell comments read as comments, $MESSAGE_ID as the
// shell expands it — and answers 200 in the reference's envelope.
//
// The placeholders: 120363xxx@g.us is a group this session created (so it
// may revoke a member's message) and 3EB0xxx a message of a member in it,
// a fresh one for each action; for the edit, whose id names it as another's
// message, one of this session's own (WhatsApp lets only the sender edit).
// The link's page is served on loopback: tests do not leave the machine.
// 120363028461234567@g.us and 3EB0C999 of steps 6 and 8 are the reference's
// own values, a group a contact writes in.
func TestConversationReferenceExamples(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "conv-ref")
	b.login(b.session)
	page := newPreviewPage(t)
	ok := func(method, path string, body any) json.RawMessage {
		t.Helper()
		status, env := b.do(method, path, body, nil)
		if status != http.StatusOK {
			t.Fatalf("%s %s: %d %s %s", method, path, status, env.Code, env.Message)
		}
		return env.Data
	}
	var created struct {
		GroupID string `json:"group_id"`
	}
	mustJSON(t, ok("POST", "/group", map[string]any{"name": "Reference", "participants": []string{"4917612345678", "4917698765432"}}), &created)
	group := created.GroupID
	// bareID is the WhatsApp id of a message in user form.
	bareID := func(data json.RawMessage) string {
		t.Helper()
		var d struct {
			MessageID string `json:"message_id"`
		}
		mustJSON(t, data, &d)
		return d.MessageID[strings.LastIndex(d.MessageID, "_")+1:]
	}
	fromMember := func(chat, id string) string {
		return bareID(ok("POST", "/sandbox/inbound", map[string]any{"from": "4917612345678", "chat": chat, "message": "hello from a member", "id": id}))
	}
	own := bareID(ok("POST", "/send/message", map[string]any{"phone": group, "message": "to be edited"}))
	fromMember("120363028461234567@g.us", "3EB0C999") // steps 6 and 8: the reference's group and message

	for _, ex := range conversationExamples {
		msg := ""
		if strings.Contains(ex.path+ex.body, "3EB0xxx") {
			msg = own
			if !strings.HasSuffix(ex.path, "/update") {
				msg = fromMember(group, "")
			}
		}
		body := shellComment.ReplaceAllString(ex.body, "")
		body = strings.ReplaceAll(body, `'$MESSAGE_ID'`, "false_120363028461234567@g.us_3EB0C999")
		body = strings.ReplaceAll(body, "https://github.com/aldinokemal/go-whatsapp-web-multidevice", page.url+"/article")
		path := ex.path
		for _, s := range []*string{&path, &body} {
			*s = strings.ReplaceAll(strings.ReplaceAll(*s, "120363xxx@g.us", group), "3EB0xxx", msg)
		}
		status, env := rawRequest(t, b, ex.method, path, body)
		if status != http.StatusOK || env.Status != http.StatusOK || env.Message != "Success" {
			t.Errorf("%s: %s %s %s: %d %s %s", ex.what, ex.method, path, body, status, env.Code, env.Message)
		}
	}
}

// rawRequest sends body's bytes as they are, as curl -d does.
func rawRequest(t *testing.T, b *bridgeProc, method, path, body string) (int, envelope) {
	t.Helper()
	req, err := http.NewRequest(method, b.httpURL+path, bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Session", b.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%s %s: body is not an envelope: %v: %s", method, path, err, raw)
	}
	return resp.StatusCode, env
}
