package bridge

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	wastore "go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/store"
)

// historyBatch is what one history sync blob becomes: its events, in the
// order they are emitted, and the raw messages for the index.
type historyBatch struct {
	events   []events.Event
	writes   []store.Write
	messages int
}

// handleHistorySync keeps everything of one blob in one outbox transaction.
// whatsmeow runs this on its history goroutine, whose notification queue
// blocks message handling when full, so the blob is kept at once (one
// fsync) instead of one transaction per message. whatsmeow has acked the
// notification already: there is no redelivery to fall back on, hence the
// retries; a blob that could not be kept within them is logged, and its
// messages arrive again only if WhatsApp syncs again.
func (s *Session) handleHistorySync(ctx context.Context, l *link, evt *waEvents.HistorySync) bool {
	b := s.translateHistory(l, evt.Data)
	err := s.retrying(ctx, func() error { return s.d.cfg.Sink.EmitAll(ctx, b.events, b.writes...) })
	if err != nil {
		s.log.Error("keeping a history sync blob failed; its messages are lost until WhatsApp syncs again",
			"sync_type", evt.Data.GetSyncType().String(), "chunk_order", evt.Data.GetChunkOrder(),
			"messages", b.messages, "error", err)
		return false
	}
	s.log.Info("history sync blob kept", "sync_type", evt.Data.GetSyncType().String(),
		"chunk_order", evt.Data.GetChunkOrder(), "progress", evt.Data.GetProgress(),
		"conversations", len(evt.Data.GetConversations()), "messages", b.messages)
	return true
}

// translateHistory turns a blob into its events: per conversation its
// chat.updated and its past messages, then a contact.updated per push
// name, then the blob's history.sync, which thus follows what it counts.
func (s *Session) translateHistory(l *link, data *waHistorySync.HistorySync) historyBatch {
	own := s.selfOf(l).identity()
	parser := webMessageParser(own)
	var b historyBatch
	for _, conv := range data.GetConversations() {
		chat, err := types.ParseJID(conv.GetID())
		if err != nil || chat.User == "" {
			s.log.Debug("history sync: skipping a conversation with a bad id", "id", conv.GetID(), "error", err)
			continue
		}
		chat = chat.ToNonAD()
		if e, ok := chatFromHistory(s.name, chat, conv); ok {
			b.events = append(b.events, e)
		}
		for _, hm := range conv.GetMessages() {
			msg, err := parser.ParseWebMessage(chat, hm.GetMessage())
			if err != nil {
				s.log.Debug("history sync: skipping a message", "chat", chat.String(), "error", err)
				continue
			}
			b.writes = append(b.writes, s.d.index.PutWrite(s.name, storedFrom(msg)))
			if e, ok := historyMessage(s.name, own, msg); ok {
				b.events = append(b.events, e)
				b.messages++
			}
		}
	}
	for _, pn := range data.GetPushnames() {
		if e, ok := contactFromPushname(s.name, pn); ok {
			b.events = append(b.events, e)
		}
	}
	b.events = append(b.events, historyProgress(s.name, data, b.messages))
	return b
}

// webMessageParser is a client that does nothing but whatsmeow's own
// ParseWebMessage, which of its client reads only the account's JID: the
// history of the sandbox and of WhatsApp is parsed by the same code,
// without the session's client having to offer it.
func webMessageParser(own identity) *whatsmeow.Client {
	pn := own.pn
	return &whatsmeow.Client{Store: &wastore.Device{ID: &pn}}
}

// historyMessage is message.received's translation under the history
// type: the same data, and the same key, so a message synced twice (or
// received live and synced) has one id per type.
func historyMessage(session string, own identity, msg *waEvents.Message) (events.Event, bool) {
	e, ok := translateMessage(session, own, msg)
	if !ok {
		return events.Event{}, false
	}
	e.Type = events.TypeMessageHistory
	return e, true
}

// chatFromHistory is the state of a conversation the sync reports. The key
// holds every reported value, so a repeated sync of an unchanged chat adds
// nothing and a changed one is a new event.
func chatFromHistory(session string, chat types.JID, conv *waHistorySync.Conversation) (events.Event, bool) {
	archived, pinned := conv.GetArchived(), conv.GetPinned() > 0
	unread := int(conv.GetUnreadCount())
	d := events.ChatUpdated{
		Chat:     jidForms(chat, parseJIDOrEmpty(conv.GetPnJID()), parseJIDOrEmpty(conv.GetLidJID())),
		Name:     conv.GetName(),
		Archived: &archived, Pinned: &pinned, UnreadCount: &unread,
		Timestamp: historyChatTime(conv),
		Origin:    events.OriginHistorySync,
	}
	if end := conv.GetMuteEndTime(); end > 0 {
		muted, until := true, time.Unix(int64(end), 0).UTC()
		d.Muted, d.MutedUntil = &muted, &until
	}
	if conv.GetMarkedAsUnread() {
		read := false
		d.Read = &read
	}
	key := strings.Join([]string{chat.String(), events.OriginHistorySync, d.Name,
		strconv.FormatBool(archived), strconv.FormatBool(pinned), strconv.Itoa(unread),
		strconv.FormatUint(conv.GetMuteEndTime(), 10), strconv.FormatBool(conv.GetMarkedAsUnread()),
		strconv.FormatInt(d.Timestamp.Unix(), 10)}, "|")
	return events.Event{
		Type: events.TypeChatUpdated, Session: session, Subject: chat.String(),
		Time: d.Timestamp, Key: key, Data: d,
	}, true
}

// historyChatTime is when WhatsApp last saw the conversation change.
func historyChatTime(conv *waHistorySync.Conversation) time.Time {
	ts := conv.GetConversationTimestamp()
	if ts == 0 {
		ts = conv.GetLastMsgTimestamp()
	}
	return time.Unix(int64(ts), 0).UTC()
}

func contactFromPushname(session string, pn *waHistorySync.Pushname) (events.Event, bool) {
	jid, err := types.ParseJID(pn.GetID())
	if err != nil || !isUserJID(jid) || pn.GetPushname() == "" {
		return events.Event{}, false
	}
	return contactEvent(session, events.ContactUpdated{Contact: jidForms(jid), PushName: pn.GetPushname()}, time.Time{}), true
}

// historyProgress is the blob's history.sync. WhatsApp's chunk and
// progress with the counts identify the blob, so a blob synced again has
// the same id.
func historyProgress(session string, data *waHistorySync.HistorySync, messages int) events.Event {
	d := events.HistorySync{
		Type: data.GetSyncType().String(), Chunk: int(data.GetChunkOrder()),
		Progress: min(int(data.GetProgress()), 100), Conversations: len(data.GetConversations()), Messages: messages,
	}
	return events.Event{
		Type: events.TypeHistorySync, Session: session, Time: time.Now().UTC(),
		Key:  fmt.Sprintf("%s|%d|%d|%d|%d", d.Type, d.Chunk, d.Progress, d.Conversations, d.Messages),
		Data: d,
	}
}

func parseJIDOrEmpty(s string) types.JID {
	if s == "" {
		return types.EmptyJID
	}
	j, err := types.ParseJID(s)
	if err != nil {
		return types.EmptyJID
	}
	return j
}

// isUserJID reports whether jid names a person (phone number or LID).
func isUserJID(jid types.JID) bool {
	return jid.User != "" && (jid.Server == types.DefaultUserServer || jid.Server == types.HiddenUserServer)
}
