package e2e_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/internal/cenats"
)

// keysOf are the top-level keys of a JSON object.
func keysOf(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	mustJSON(t, raw, &m)
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func wantKeys(t *testing.T, what string, raw json.RawMessage, want ...string) {
	t.Helper()
	got := keysOf(t, raw)
	for _, k := range want {
		if !slices.Contains(got, k) {
			t.Errorf("%s: data %s lacks %q", what, raw, k)
		}
	}
}

// Every user curl example of the reference answers 200 in the envelope the
// reference shows, over REST and over NATS request-reply.
func TestUserReferenceExamples(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "users")
	b.login(b.session)
	// Writing to Ana makes her a contact, as the phone's address book would.
	if status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "Hi Ana"}, nil); status != http.StatusOK {
		t.Fatalf("send: %d %s %s", status, env.Code, env.Message)
	}
	get := func(path string) envelope {
		t.Helper()
		status, env := b.do("GET", path, nil, nil)
		if status != http.StatusOK || env.Message != "Success" {
			t.Fatalf("GET %s: %d %s %s", path, status, env.Code, env.Message)
		}
		return env
	}
	info := get("/user/info?phone=4917612345678")
	wantKeys(t, "user.info", info.Data, "jid", "pn", "lid", "status", "picture_id", "devices", "is_business", "push_name")
	if byJID := get("/user/info?jid=4917612345678@s.whatsapp.net"); string(byJID.Data) != string(info.Data) {
		t.Errorf("by jid %s, by phone %s", byJID.Data, info.Data)
	}
	var avatar, preview struct {
		URL, ID, Type string
		IsPreview     bool `json:"is_preview"`
	}
	mustJSON(t, get("/user/avatar?phone=4917612345678").Data, &avatar)
	mustJSON(t, get("/user/avatar?phone=4917612345678&is_preview=true").Data, &preview)
	if avatar.URL == "" || avatar.IsPreview || !preview.IsPreview || preview.Type != "preview" || avatar.ID != preview.ID {
		t.Errorf("avatar %+v, preview %+v", avatar, preview)
	}
	var check struct {
		Phone        string `json:"phone"`
		IsOnWhatsApp bool   `json:"is_on_whatsapp"`
		JID          string `json:"jid"`
	}
	mustJSON(t, get("/user/check?phone=4917612345678").Data, &check)
	if !check.IsOnWhatsApp || check.JID != "4917612345678@s.whatsapp.net" {
		t.Errorf("check %+v", check)
	}
	wantKeys(t, "user.business_profile", get("/user/business-profile?phone=4917612345678").Data, "jid", "categories", "business_hours")
	contacts := get("/user/my/contacts")
	var list []struct{ JID, Name string }
	mustJSON(t, contacts.Data, &list)
	if !slices.ContainsFunc(list, func(c struct{ JID, Name string }) bool {
		return c.JID == "4917612345678@s.whatsapp.net" && c.Name != ""
	}) {
		t.Errorf("contacts %s lack the contact written to", contacts.Data)
	}
	var groups []json.RawMessage
	mustJSON(t, get("/user/my/groups").Data, &groups)
	wantKeys(t, "user.my.privacy", get("/user/my/privacy").Data, "group_add", "last_seen", "status", "profile", "read_receipts", "call_add", "online")

	nc := b.nats()
	_, env := request(t, nc, "wa.users.rpc.user.check",
		command(t, "user.check", "check-1", map[string]any{"phones": []string{"4917612345678", "9991234567"}}), cenats.Binary)
	var answers []struct {
		Phone        string `json:"phone"`
		IsOnWhatsApp bool   `json:"is_on_whatsapp"`
	}
	mustJSON(t, env.Data, &answers)
	if env.Status != 200 || len(answers) != 2 || !answers[0].IsOnWhatsApp || answers[1].IsOnWhatsApp {
		t.Fatalf("rpc user.check: %d %s %s", env.Status, env.Code, env.Data)
	}
	_, env = request(t, nc, "wa.users.rpc.user.info", command(t, "user.info", "info-1", map[string]any{"phone": "4917612345678"}), cenats.Structured)
	if env.Status != 200 || string(env.Data) != string(info.Data) {
		t.Fatalf("rpc user.info: %d %s, REST gave %s", env.Status, env.Data, info.Data)
	}
}

// 999… numbers are not on WhatsApp: user.check says so (200), user.info
// is NOT_ON_WHATSAPP; a user without a picture is NOT_FOUND; malformed
// numbers and 1,000 numbers at once are refused with clear codes.
func TestUserQueriesOfTheMagicAndTheMalformed(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "users2")
	b.login(b.session)
	status, env := b.do("GET", "/user/check?phone=9991234567", nil, nil)
	if status != http.StatusOK || !strings.Contains(string(env.Data), `"is_on_whatsapp":false`) {
		t.Errorf("check 999: %d %s", status, env.Data)
	}
	status, env = b.do("GET", "/user/check?phones=4917612345678,9991234567,4915112345671", nil, nil)
	var list []struct {
		Phone        string `json:"phone"`
		IsOnWhatsApp bool   `json:"is_on_whatsapp"`
		VerifiedName string `json:"verified_name"`
	}
	mustJSON(t, env.Data, &list)
	if status != http.StatusOK || len(list) != 3 || !list[0].IsOnWhatsApp || list[1].IsOnWhatsApp || list[2].VerifiedName == "" {
		t.Errorf("check list: %d %s", status, env.Data)
	}
	for _, c := range []struct {
		path, code string
		status     int
	}{
		{"/user/info?phone=9991234567", "NOT_ON_WHATSAPP", 404},
		{"/user/business-profile?phone=9991234567", "NOT_ON_WHATSAPP", 404},
		{"/user/avatar?phone=4917612345670", "NOT_FOUND", 404},
		{"/user/info?phone=%2B4917612345678", "INVALID_RECIPIENT", 400},
		{"/user/info?phone=120363028461234567@g.us", "INVALID_RECIPIENT", 400},
		{"/user/info", "INVALID_PAYLOAD", 400},
		{"/user/check?phone=12ab", "INVALID_RECIPIENT", 400},
		{"/user/check?phones=" + strings.TrimSuffix(strings.Repeat("4917612345678,", 1000), ","), "INVALID_PAYLOAD", 400},
		{"/user/my/contacts?before=garbage", "INVALID_PAYLOAD", 400},
	} {
		status, env := b.do("GET", c.path, nil, nil)
		if status != c.status || env.Code != c.code {
			t.Errorf("GET %.70s: %d %s %s, want %d %s", c.path, status, env.Code, env.Message, c.status, c.code)
		}
	}
}
