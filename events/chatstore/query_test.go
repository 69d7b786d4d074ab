package chatstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatview"
)

// Paging with a small limit walks every message exactly once, newest
// first, also where messages share a timestamp.
func TestMessagesPagingWalksAllOnce(t *testing.T) {
	v := newEnv(t)
	const n = 53
	for i := range n {
		v.publish(t, msg(events.TypeMessageReceived, alice, alice, fmt.Sprintf("M%03d", i), i/3, "m"))
	}
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	seen := map[string]int{}
	var prev *chatview.Message
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > n {
			t.Fatal("paging does not end")
		}
		p, err := s.Messages(context.Background(), session, alice, chatview.MessageQuery{Limit: 5, Before: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for i := range p.Messages {
			m := p.Messages[i]
			seen[m.ID]++
			if prev != nil && m.Timestamp.After(prev.Timestamp) {
				t.Errorf("%s after %s is newer", m.ID, prev.ID)
			}
			prev = &m
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if len(seen) != n {
		t.Errorf("saw %d messages, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("%s seen %d times", id, c)
		}
	}
}

func TestMessagesSince(t *testing.T) {
	v := newEnv(t)
	for i := range 10 {
		v.publish(t, msg(events.TypeMessageReceived, alice, alice, fmt.Sprintf("M%d", i), i*10, "m"))
	}
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	since := t0.Add(70 * 1e9)
	p, err := s.Messages(context.Background(), session, alice, chatview.MessageQuery{Since: &since})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Messages) != 3 || p.Messages[2].Timestamp != since {
		t.Errorf("since 70s: %+v", p.Messages)
	}
}

func TestChatsPagingAndFilters(t *testing.T) {
	v := newEnv(t)
	const n = 23
	for i := range n {
		chat := fmt.Sprintf("49170000%04d@s.whatsapp.net", i)
		if i%4 == 0 {
			chat = fmt.Sprintf("1203630000%04d@g.us", i)
		}
		v.publish(t, msg(events.TypeMessageReceived, chat, "4917699999999@s.whatsapp.net", "X", i%5, "m"))
		if i%3 == 0 {
			v.publish(t, chatUpdate(chat, "pin", events.ChatUpdated{Pinned: ptr(true), Archived: ptr(i%2 == 0)}))
		}
		v.publish(t, chatUpdate(chat, "name", events.ChatUpdated{Name: fmt.Sprintf("Chat_%d 50%%", i)}))
	}
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	ctx := context.Background()

	seen, cursor, pinnedDone := map[string]bool{}, "", false
	for cursor != "" || len(seen) == 0 {
		p, err := s.ListChats(ctx, session, chatview.ChatQuery{Limit: 4, Before: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Chats {
			if seen[c.JID] {
				t.Errorf("%s listed twice", c.JID)
			}
			seen[c.JID] = true
			if c.Pinned && pinnedDone {
				t.Errorf("pinned %s after an unpinned chat", c.JID)
			}
			pinnedDone = pinnedDone || !c.Pinned
		}
		cursor = p.NextCursor
	}
	if len(seen) != n {
		t.Errorf("listed %d chats, want %d", len(seen), n)
	}

	count := func(q chatview.ChatQuery) int {
		t.Helper()
		q.Limit = chatview.MaxLimit
		p, err := s.ListChats(ctx, session, q)
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Chats)
	}
	// i%3==0 and even: 0, 6, 12, 18 archived.
	for name, c := range map[string]struct {
		q    chatview.ChatQuery
		want int
	}{
		"archived":        {chatview.ChatQuery{Archived: ptr(true)}, 4},
		"not archived":    {chatview.ChatQuery{Archived: ptr(false)}, n - 4},
		"groups":          {chatview.ChatQuery{IsGroup: ptr(true)}, 6},
		"not groups":      {chatview.ChatQuery{IsGroup: ptr(false)}, n - 6},
		"name, any case":  {chatview.ChatQuery{Q: "CHAT_1"}, 11}, // 1, 10..19
		"like characters": {chatview.ChatQuery{Q: "t_2 5"}, 1},   // Chat_2 only: _ is no wildcard
		"percent sign":    {chatview.ChatQuery{Q: "%"}, n},
		"no match":        {chatview.ChatQuery{Q: "t%2"}, 0},
		"combined":        {chatview.ChatQuery{Q: "chat_1", IsGroup: ptr(true), Archived: ptr(true)}, 1}, // 12
	} {
		if got := count(c.q); got != c.want {
			t.Errorf("%s: %d chats, want %d", name, got, c.want)
		}
	}
}

func TestBadCursorAndUnknownChat(t *testing.T) {
	v := newEnv(t)
	v.publish(t, msg(events.TypeMessageReceived, alice, alice, "A1", 1, "m"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	ctx := context.Background()
	if _, err := s.ListChats(ctx, session, chatview.ChatQuery{Before: "nope!"}); !errors.Is(err, chatview.ErrBadCursor) {
		t.Errorf("ListChats with a bad cursor: %v", err)
	}
	if _, err := s.Messages(ctx, session, alice, chatview.MessageQuery{Before: "nope!"}); !errors.Is(err, chatview.ErrBadCursor) {
		t.Errorf("Messages with a bad cursor: %v", err)
	}
	if _, err := s.Messages(ctx, session, bob, chatview.MessageQuery{}); !errors.Is(err, chatview.ErrChatNotFound) {
		t.Errorf("Messages of an unknown chat: %v", err)
	}
	if _, err := s.Messages(ctx, "other", alice, chatview.MessageQuery{}); !errors.Is(err, chatview.ErrChatNotFound) {
		t.Errorf("Messages of another session's chat: %v", err)
	}
}
