package e2e_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The reference's fields ("Realistic Usage Example" of the API reference)
// and ours beside them: a client written against the reference reads every
// one of its keys, and ours are always there too.
var (
	chatKeys    = []string{"jid", "name", "last_message", "last_message_time", "unread_count", "archived", "muted_until", "pinned", "is_group"}
	messageKeys = []string{"id", "message", "from", "timestamp", "type", "from_me", "edited", "revoked"}
)

// chatItem is one entry of GET /chats.
type chatItem struct {
	JID             string    `json:"jid"`
	Name            string    `json:"name"`
	LastMessage     string    `json:"last_message"`
	LastMessageTime time.Time `json:"last_message_time"`
	UnreadCount     int       `json:"unread_count"`
	IsGroup         bool      `json:"is_group"`
}

// messageItem is one entry of GET /chat/<jid>/messages.
type messageItem struct {
	ID        string    `json:"id"`
	Message   string    `json:"message"`
	From      string    `json:"from"`
	Timestamp time.Time `json:"timestamp"`
	Type      string    `json:"type"`
	FromMe    bool      `json:"from_me"`
}

// page is a list answer with the raw items, so their keys can be checked,
// and the cursor of the next page: chat.list's rides in the envelope beside
// the array, chat.messages' inside data.
type page struct {
	status int
	code   string
	items  []map[string]json.RawMessage
	next   string
}

// getPage reads a list query of b's session over REST.
func getPage(t *testing.T, b *bridgeProc, path string) page {
	t.Helper()
	req, err := http.NewRequest("GET", b.httpURL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.session != "" {
		req.Header.Set("X-Session", b.session)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body struct {
		Code       string          `json:"code"`
		Data       json.RawMessage `json:"data"`
		NextCursor string          `json:"next_cursor"`
	}
	mustJSON(t, raw, &body)
	p := page{status: resp.StatusCode, code: body.Code, next: body.NextCursor}
	if resp.StatusCode != http.StatusOK {
		return p
	}
	if len(body.Data) > 0 && body.Data[0] == '[' {
		mustJSON(t, body.Data, &p.items)
		return p
	}
	var msgs struct {
		Messages   []map[string]json.RawMessage `json:"messages"`
		NextCursor string                       `json:"next_cursor"`
	}
	mustJSON(t, body.Data, &msgs)
	p.items, p.next = msgs.Messages, msgs.NextCursor
	return p
}

// decodeItems checks that every item has all of keys and decodes it.
func decodeItems[T any](t *testing.T, items []map[string]json.RawMessage, keys []string) []T {
	t.Helper()
	out := make([]T, 0, len(items))
	for _, it := range items {
		for _, k := range keys {
			if _, ok := it[k]; !ok {
				t.Errorf("item %v has no %q", it, k)
			}
		}
		raw, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		var v T
		mustJSON(t, raw, &v)
		out = append(out, v)
	}
	return out
}

// walkMessages reads every page of a chat's messages, limit at a time,
// following next_cursor, and returns them with the size of each page.
func walkMessages(t *testing.T, b *bridgeProc, chat string, limit int) ([]messageItem, []int) {
	t.Helper()
	var all []messageItem
	var sizes []int
	before := ""
	for range 1000 { // bounds a cursor that never ends
		path := "/chat/" + chat + "/messages" + pageQuery(limit, before)
		p := getPage(t, b, path)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, p.status, p.code)
		}
		all = append(all, decodeItems[messageItem](t, p.items, messageKeys)...)
		sizes = append(sizes, len(p.items))
		if p.next == "" {
			return all, sizes
		}
		before = p.next
	}
	t.Fatalf("paging %s did not end", chat)
	return nil, nil
}

// pageQuery is the query string of one page: limit 0 leaves the bridge's
// default, before "" asks for the first page.
func pageQuery(limit int, before string) string {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	if before != "" {
		q.Set("before", before)
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// listChats is every chat of b's session, limit at a time.
func listChats(t *testing.T, b *bridgeProc, limit int) []chatItem {
	t.Helper()
	var all []chatItem
	before := ""
	for range 1000 {
		path := "/chats" + pageQuery(limit, before)
		p := getPage(t, b, path)
		if p.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, p.status, p.code)
		}
		all = append(all, decodeItems[chatItem](t, p.items, chatKeys)...)
		if p.next == "" {
			return all
		}
		before = p.next
	}
	t.Fatal("paging /chats did not end")
	return nil
}

// waitChats polls the store (fed asynchronously by its projector) until
// done holds for the session's chats, or fails after a bounded wait.
func waitChats(t *testing.T, b *bridgeProc, done func([]chatItem) bool) []chatItem {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		chats := listChats(t, b, 0)
		if done(chats) {
			return chats
		}
		if time.Now().After(deadline) {
			t.Fatalf("the chat store did not catch up: %+v", chats)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func chatByJID(chats []chatItem, jid string) (chatItem, bool) {
	i := slices.IndexFunc(chats, func(c chatItem) bool { return c.JID == jid })
	if i < 0 {
		return chatItem{}, false
	}
	return chats[i], true
}

// Received messages land in the store: GET /chats lists both chats newest
// first with the reference's fields, their unread counts counting every
// received message; GET /chat/<jid>/messages pages 25 messages 10 at a time,
// newest first, each exactly once; reading the newest clears the chat's
// unread count and no other's; an unknown chat is NOT_FOUND and a cursor the
// bridge never made INVALID_PAYLOAD.
func TestChatStoreOverREST(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "chatpage")
	b.login(b.session)
	const (
		john, johnJID   = "4917612345678", "4917612345678@s.whatsapp.net"
		sarah, sarahJID = "4917698765432", "4917698765432@s.whatsapp.net"
		count           = 25
	)
	inbound := func(from, name, id, text string) string {
		t.Helper()
		status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": from, "push_name": name, "id": id, "message": text}, nil)
		if status != http.StatusOK {
			t.Fatalf("inbound %s: %d %s %s", id, status, env.Code, env.Message)
		}
		var in struct {
			MessageID string `json:"message_id"`
		}
		mustJSON(t, env.Data, &in)
		return in.MessageID
	}
	// Ids grow with the order of sending: timestamps have whole seconds, and
	// within one second the store orders by id.
	var sent []string
	for i := range count {
		sent = append(sent, inbound(john, "John Smith", fmt.Sprintf("3EB0C7%04d", i), fmt.Sprintf("message %02d", i)))
	}
	for i := range 3 {
		inbound(sarah, "Sarah Johnson", fmt.Sprintf("3EB0D7%04d", i), fmt.Sprintf("from sarah %d", i))
	}

	chats := waitChats(t, b, func(cs []chatItem) bool {
		j, ok1 := chatByJID(cs, johnJID)
		s, ok2 := chatByJID(cs, sarahJID)
		return ok1 && ok2 && j.UnreadCount == count && s.UnreadCount == 3
	})
	if len(chats) != 2 {
		t.Fatalf("GET /chats lists %d chats, want 2: %+v", len(chats), chats)
	}
	for i := 1; i < len(chats); i++ {
		if chats[i].LastMessageTime.After(chats[i-1].LastMessageTime) {
			t.Errorf("GET /chats is not newest first: %+v", chats)
		}
	}
	j, _ := chatByJID(chats, johnJID)
	if j.Name != "John Smith" || j.LastMessage != fmt.Sprintf("message %02d", count-1) || j.IsGroup || j.LastMessageTime.IsZero() {
		t.Errorf("John's chat: %+v", j)
	}
	// Paging /chats one at a time gives the same list.
	if paged := listChats(t, b, 1); !slices.Equal(paged, chats) {
		t.Errorf("GET /chats?limit=1 paged %+v, in one page %+v", paged, chats)
	}

	msgs, sizes := walkMessages(t, b, johnJID, 10)
	if !slices.Equal(sizes, []int{10, 10, 5}) {
		t.Errorf("pages of %v messages, want [10 10 5]", sizes)
	}
	if len(msgs) != count {
		t.Fatalf("%d messages paged, want %d", len(msgs), count)
	}
	for k, m := range msgs {
		i := count - 1 - k // newest first
		if m.ID != sent[i] || m.ID != "false_"+johnJID+fmt.Sprintf("_3EB0C7%04d", i) ||
			m.Message != fmt.Sprintf("message %02d", i) || m.From != johnJID || m.Type != "text" || m.FromMe || m.Timestamp.IsZero() {
			t.Errorf("message %d of the walk: %+v, want message %02d (%s)", k, m, i, sent[i])
		}
		if k > 0 && m.Timestamp.After(msgs[k-1].Timestamp) {
			t.Errorf("message %d is newer than the one before it", k)
		}
	}
	if m := msgs[0]; !m.Timestamp.Equal(j.LastMessageTime) {
		t.Errorf("newest message at %v, the chat's last_message_time %v", m.Timestamp, j.LastMessageTime)
	}

	for _, c := range []struct {
		path   string
		status int
		code   string
	}{
		{"/chat/4917600000099@s.whatsapp.net/messages", http.StatusNotFound, "NOT_FOUND"},
		{"/chat/" + johnJID + "/messages?before=not-a-cursor", http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"/chats?before=not-a-cursor", http.StatusBadRequest, "INVALID_PAYLOAD"},
	} {
		if p := getPage(t, b, c.path); p.status != c.status || p.code != c.code {
			t.Errorf("GET %s: %d %s, want %d %s", c.path, p.status, p.code, c.status, c.code)
		}
	}

	// Reading the newest message clears John's unread count, not Sarah's.
	if status, env := b.do("POST", "/message/"+url.PathEscape(sent[count-1])+"/read", map[string]any{}, nil); status != http.StatusOK {
		t.Fatalf("POST /message/%s/read: %d %s %s", sent[count-1], status, env.Code, env.Message)
	}
	waitChats(t, b, func(cs []chatItem) bool {
		j, _ := chatByJID(cs, johnJID)
		s, _ := chatByJID(cs, sarahJID)
		return j.UnreadCount == 0 && s.UnreadCount == 3
	})
}

// ownNumberJID is the account of b's session as a user JID without its
// device ("15550001111@s.whatsapp.net"), read from GET /app/devices.
func ownNumberJID(t *testing.T, b *bridgeProc) string {
	t.Helper()
	status, env := b.do("GET", "/app/devices", nil, nil)
	var devs []struct {
		JID string `json:"jid"`
	}
	mustJSON(t, env.Data, &devs)
	if status != http.StatusOK || len(devs) != 1 {
		t.Fatalf("GET /app/devices: %d %s", status, env.Data)
	}
	user, server, _ := strings.Cut(devs[0].JID, "@")
	user, _, _ = strings.Cut(user, ":")
	return user + "@" + server
}

// Messages sent over REST land in the store beside received ones: the chat
// shows the newest; sent messages are from_me, from the account's number,
// with the id POST /send/message answered; only the received one is unread.
func TestSentMessagesInChatStore(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "chatsent")
	b.login(b.session)
	const peer, peerJID = "4917611122233", "4917611122233@s.whatsapp.net"
	var ids []string
	for i := range 2 {
		status, env := b.do("POST", "/send/message", map[string]any{"phone": peer, "message": fmt.Sprintf("sent %d", i)}, nil)
		if status != http.StatusOK {
			t.Fatalf("POST /send/message: %d %s %s", status, env.Code, env.Message)
		}
		var res struct {
			MessageID string `json:"message_id"`
		}
		mustJSON(t, env.Data, &res)
		ids = append(ids, res.MessageID)
	}
	status, env := b.do("POST", "/sandbox/inbound", map[string]any{"from": peer, "message": "got them"}, nil)
	if status != http.StatusOK {
		t.Fatalf("inbound: %d %s", status, env.Code)
	}
	var in struct {
		MessageID string `json:"message_id"`
	}
	mustJSON(t, env.Data, &in)

	chats := waitChats(t, b, func(cs []chatItem) bool {
		c, ok := chatByJID(cs, peerJID)
		return ok && c.LastMessage == "got them"
	})
	deadline := time.Now().Add(15 * time.Second)
	var msgs []messageItem
	for {
		msgs, _ = walkMessages(t, b, peerJID, 0)
		if len(msgs) >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	byID := map[string]messageItem{}
	for _, m := range msgs {
		byID[m.ID] = m
	}
	if len(msgs) != 3 || len(byID) != 3 {
		t.Fatalf("GET /chat/%s/messages: %+v, want the 2 sent and the 1 received, each once", peerJID, msgs)
	}
	for k := 1; k < len(msgs); k++ {
		if msgs[k].Timestamp.After(msgs[k-1].Timestamp) {
			t.Errorf("messages are not newest first: %+v", msgs)
		}
	}
	if m := byID[in.MessageID]; m.FromMe || m.From != peerJID || m.Message != "got them" {
		t.Errorf("received message: %+v", m)
	}
	own := ownNumberJID(t, b)
	for i, id := range ids {
		m, ok := byID[id]
		if !ok || !m.FromMe || m.Message != fmt.Sprintf("sent %d", i) || m.Type != "text" || m.From != own {
			t.Errorf("sent message %s: %+v (found %v)", id, m, ok)
		}
	}
	if c, _ := chatByJID(chats, peerJID); c.UnreadCount != 1 {
		t.Errorf("unread count %d, want 1 (sent messages are read)", c.UnreadCount)
	}
}
