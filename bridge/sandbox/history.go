package sandbox

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/proto/waHistorySync"
	"go.mau.fi/whatsmeow/proto/waWeb"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/werr"
)

// History sync as the phone pushes it after pairing: past messages spread
// over a few chats, in blobs of at most historyBlobMessages, the first
// INITIAL_BOOTSTRAP, the rest RECENT, each with its progress.
const (
	// DefaultHistoryChats is how many chats a push spreads over unless told.
	DefaultHistoryChats = 5
	historyBlobMessages = 200
	// MaxHistory bounds one push, so a request cannot make the sandbox
	// build an unbounded amount of history in memory.
	MaxHistory = 200_000
	// MaxHistoryChats bounds the chats of one push for the same reason.
	MaxHistoryChats = 100_000
)

// PushHistory makes the phone of session's account push count past
// messages over chats chats (0: DefaultHistoryChats), as WhatsApp does after
// pairing: each blob is dispatched as *events.HistorySync built from
// waHistorySync protobufs, in order, and PushHistory returns once the
// handlers have seen every blob. Messages get ids derived from the account
// and their number, so the same account's history has the same ids each
// time. Many chats (the bench's 10,000) or one chat holding everything (its
// 100,000 messages in one chat) are what the store's queries are measured on.
func (n *Network) PushHistory(ctx context.Context, session string, count, chats int) error {
	if count < 0 || count > MaxHistory {
		return werr.Invalid(werr.CodeInvalidPayload, "history must be between 0 and %d messages", MaxHistory)
	}
	if chats < 0 || chats > MaxHistoryChats {
		return werr.Invalid(werr.CodeInvalidPayload, "history chats must be between 0 and %d", MaxHistoryChats)
	}
	if chats == 0 {
		chats = DefaultHistoryChats
	}
	c, err := n.client(session)
	if err != nil {
		return err
	}
	if err := c.readyForTraffic(); err != nil {
		return err
	}
	own := c.ownID().ToNonAD()
	blobs := historyBlobs(own, n.historyPeers(own, chats), count)
	acks := make([]chan bool, len(blobs))
	for i, blob := range blobs {
		acks[i] = make(chan bool, 1)
		c.events.enqueue(delivery{evt: &events.HistorySync{Data: blob}, acked: acks[i]})
	}
	for i, ch := range acks {
		select {
		case ok := <-ch:
			if !ok {
				return fmt.Errorf("history blob %d of %d for session %q was not kept by its handlers", i+1, len(blobs), session)
			}
		case <-ctx.Done():
			return werr.Wrap(ctx.Err(), werr.KindTimeout, werr.CodeTimeout,
				"session %q: %d of %d history blobs handled in time", session, i, len(blobs))
		}
	}
	return nil
}

// historyPeers are the virtual contacts the history is with: direct chats
// with numbers next to the account's, and one group; a history of one chat
// is a single direct chat.
func (n *Network) historyPeers(own types.JID, chats int) []types.JID {
	direct := chats - 1
	if chats == 1 {
		direct = 1
	}
	peers := make([]types.JID, 0, chats)
	for i := range direct {
		phone := fmt.Sprintf("49151%08d", (int(own.UserInt()%1e8)+i+1)%1e8)
		pn := types.NewJID(phone, types.DefaultUserServer)
		if n.isUser(pn) {
			peers = append(peers, pn)
		}
	}
	if chats == 1 && len(peers) == 1 {
		return peers
	}
	return append(peers, types.NewJID(fmt.Sprintf("1203630%011d", own.UserInt()%1e11), types.GroupServer))
}

// historyBlobs splits count messages, round-robin over peers, into blobs.
// Message i is sent at base+i seconds; every third is the account's own.
func historyBlobs(own types.JID, peers []types.JID, count int) []*waHistorySync.HistorySync {
	base := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	var blobs []*waHistorySync.HistorySync
	for start := 0; start < count; start += historyBlobMessages {
		end := min(start+historyBlobMessages, count)
		convs := map[types.JID]*waHistorySync.Conversation{}
		var order []types.JID
		for i := start; i < end; i++ {
			chat := peers[i%len(peers)]
			conv := convs[chat]
			if conv == nil {
				conv = historyConversation(chat)
				convs[chat] = conv
				order = append(order, chat)
			}
			conv.Messages = append(conv.Messages, historyMessage(own, chat, peers, i, base))
			conv.ConversationTimestamp = proto.Uint64(uint64(base.Unix()) + uint64(i))
		}
		blob := &waHistorySync.HistorySync{
			SyncType:   waHistorySync.HistorySync_RECENT.Enum(),
			ChunkOrder: proto.Uint32(uint32(len(blobs) + 1)),
			Progress:   proto.Uint32(uint32(end * 100 / count)),
		}
		if start == 0 {
			blob.SyncType = waHistorySync.HistorySync_INITIAL_BOOTSTRAP.Enum()
		}
		for _, chat := range order {
			blob.Conversations = append(blob.Conversations, convs[chat])
			if chat.Server == types.DefaultUserServer {
				blob.Pushnames = append(blob.Pushnames, &waHistorySync.Pushname{
					ID: proto.String(chat.String()), Pushname: proto.String("Contact " + chat.User[len(chat.User)-4:]),
				})
			}
		}
		blobs = append(blobs, blob)
	}
	return blobs
}

func historyConversation(chat types.JID) *waHistorySync.Conversation {
	conv := &waHistorySync.Conversation{ID: proto.String(chat.String())}
	if chat.Server == types.GroupServer {
		conv.Name = proto.String("Sandbox group")
	}
	return conv
}

// historyMessage is past message i: a text in chat; in the group from one
// of the direct peers.
func historyMessage(own, chat types.JID, peers []types.JID, i int, base time.Time) *waHistorySync.HistorySyncMsg {
	fromMe := i%3 == 0
	w := &waWeb.WebMessageInfo{
		Key: &waCommon.MessageKey{
			RemoteJID: proto.String(chat.String()), FromMe: proto.Bool(fromMe),
			ID: proto.String(fmt.Sprintf("3EB0H%s%08X", own.User[max(len(own.User)-6, 0):], i)),
		},
		Message:          &waE2E.Message{Conversation: proto.String(fmt.Sprintf("past message %d", i))},
		MessageTimestamp: proto.Uint64(uint64(base.Unix()) + uint64(i)),
	}
	if chat.Server == types.GroupServer && !fromMe && len(peers) > 1 {
		w.Participant = proto.String(peers[i%(len(peers)-1)].String())
	}
	return &waHistorySync.HistorySyncMsg{Message: w, MsgOrderID: proto.Uint64(uint64(i))}
}
