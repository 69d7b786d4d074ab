package sandbox

import (
	"sync"
	"time"

	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// A virtual contact reacts to, edits and revokes messages as its phone
// would: it reacts to any message of its chat, edits and revokes only what
// it sent itself, edits within WhatsApp's 15 minutes by the network's
// clock, and a revoked message is gone for everyone.

// EditWindow is how long after sending a message its sender may edit it.
const EditWindow = 15 * time.Minute

// inbox is what virtual contacts sent to each session: the messages their
// reactions, edits and revokes can name. The zero value is empty.
type inbox struct {
	mu   sync.Mutex
	msgs map[inboxKey]inboxMessage
}

type inboxKey struct {
	session string
	chat    types.JID
	id      types.MessageID
}

type inboxMessage struct {
	sender  types.JID
	sent    time.Time
	revoked bool
}

// keep remembers an acknowledged inbound message; actions are not targets,
// and a revoke's target is gone from then on.
func (b *inbox) keep(session string, evt *events.Message) {
	if pm := evt.Message.GetProtocolMessage(); pm.GetType() == waE2E.ProtocolMessage_REVOKE {
		b.markRevoked(inboxKey{session, evt.Info.Chat, types.MessageID(pm.GetKey().GetID())})
	}
	if isActionMessage(evt.Message) {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.msgs == nil {
		b.msgs = map[inboxKey]inboxMessage{}
	}
	b.msgs[inboxKey{session, evt.Info.Chat, evt.Info.ID}] = inboxMessage{sender: evt.Info.Sender, sent: evt.Info.Timestamp}
}

func (b *inbox) find(k inboxKey) (inboxMessage, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	m, ok := b.msgs[k]
	return m, ok
}

func (b *inbox) markRevoked(k inboxKey) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if m, ok := b.msgs[k]; ok {
		m.revoked = true
		b.msgs[k] = m
	}
}

func isActionMessage(m *waE2E.Message) bool {
	return m.GetReactionMessage() != nil || m.GetProtocolMessage() != nil || m.GetEditedMessage() != nil
}

// inboundActionFields are the fields of a reaction, edit or revoke, named
// as message.reaction and message.update name them.
type inboundActionFields struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// actionTarget is the message an action names, resolved in the actor's
// chat with the session.
type actionTarget struct {
	chat types.JID
	id   types.MessageID
	// ours: the session sent it; otherwise by is its sender, a contact.
	ours bool
	by   inboxMessage
}

// target resolves in's message_id: a message the session delivered in
// this chat, or one a contact sent there. Unknown is MESSAGE_NOT_FOUND.
func (n *Network) target(c *Client, in Inbound) (actionTarget, error) {
	var f inboundActionFields
	if err := kindFields(in, &f); err != nil {
		return actionTarget{}, err
	}
	chat, err := n.actorChat(in)
	if err != nil {
		return actionTarget{}, err
	}
	_, _, id, err := msgid.Parse(f.MessageID)
	if err != nil || f.MessageID == "" {
		return actionTarget{}, werr.Invalid(werr.CodeInvalidPayload, "message_id %q: not a message id", f.MessageID)
	}
	t := actionTarget{chat: chat, id: types.MessageID(id)}
	for _, d := range n.Outbox() {
		if d.Session == c.session && d.WAID == id && d.To == chat.String() {
			t.ours = true
			return t, nil
		}
	}
	m, ok := n.inbox.find(inboxKey{c.session, chat, t.id})
	if !ok || m.revoked {
		return actionTarget{}, werr.New(werr.KindNotFound, werr.CodeMessageNotFound,
			"message_id %q: no such message in chat %s", f.MessageID, chat)
	}
	t.by = m
	return t, nil
}

// actorChat is the chat an action happens in: the group, or the sender's
// own chat with the session.
func (n *Network) actorChat(in Inbound) (types.JID, error) {
	if in.Chat != "" {
		chat, err := parseChat(in.Chat)
		if err != nil {
			return types.JID{}, werr.Invalid(werr.CodeInvalidRecipient, "chat: %v", err)
		}
		return chat, nil
	}
	sender, err := parseUser(in.From)
	if err != nil {
		return types.JID{}, werr.Invalid(werr.CodeInvalidRecipient, "from: %v", err)
	}
	return sender, nil
}

// actorKey is the target's key as the actor's phone writes it: FromMe is
// "the actor's own message", the remote JID is the chat as the actor sees
// it (in a direct chat: the session's account), the participant the
// target's sender in a group.
func (t actionTarget) actorKey(c *Client, actor types.JID) *waCommon.MessageKey {
	own := c.ownID().ToNonAD()
	k := &waCommon.MessageKey{ID: proto.String(string(t.id)), RemoteJID: proto.String(own.String()),
		FromMe: proto.Bool(!t.ours && t.by.sender == actor)}
	if t.chat.Server == types.GroupServer {
		k.RemoteJID = proto.String(t.chat.String())
		sender := t.by.sender
		if t.ours {
			sender = own
		}
		k.Participant = proto.String(sender.String())
	}
	return k
}

// ownTarget is the target of an edit or revoke: only its sender may.
func (n *Network) ownTarget(c *Client, in Inbound, what string) (actionTarget, types.JID, error) {
	actor, err := parseUser(in.From)
	if err != nil {
		return actionTarget{}, types.JID{}, werr.Invalid(werr.CodeInvalidRecipient, "from: %v", err)
	}
	t, err := n.target(c, in)
	if err != nil {
		return actionTarget{}, types.JID{}, err
	}
	if t.ours || t.by.sender != actor {
		return actionTarget{}, types.JID{}, werr.New(werr.KindForbidden, werr.CodeForbidden,
			"message %s was sent by someone else: only its sender %s it", t.id, what)
	}
	return t, actor, nil
}

func (n *Network) inboundReaction(c *Client, in Inbound) (*waE2E.Message, error) {
	actor, err := parseUser(in.From)
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidRecipient, "from: %v", err)
	}
	var f inboundActionFields
	if err := kindFields(in, &f); err != nil {
		return nil, err
	}
	t, err := n.target(c, in)
	if err != nil {
		return nil, err
	}
	return &waE2E.Message{ReactionMessage: &waE2E.ReactionMessage{
		Key: t.actorKey(c, actor), Text: proto.String(f.Emoji),
		SenderTimestampMS: proto.Int64(n.clock.now().UnixMilli()),
	}}, nil
}

// inboundEdit is an edit as phones send it: the protocol message inside
// an EditedMessage wrapper.
func (n *Network) inboundEdit(c *Client, in Inbound) (*waE2E.Message, error) {
	if in.Message == "" {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "message is empty")
	}
	t, actor, err := n.ownTarget(c, in, "edits")
	if err != nil {
		return nil, err
	}
	now := n.clock.now()
	if now.Sub(t.by.sent) > EditWindow {
		return nil, werr.New(werr.KindConflict, werr.CodeEditWindowClosed,
			"message %s was sent more than %s ago: it can no longer be edited", t.id, EditWindow)
	}
	return &waE2E.Message{EditedMessage: &waE2E.FutureProofMessage{Message: &waE2E.Message{
		ProtocolMessage: &waE2E.ProtocolMessage{
			Type: waE2E.ProtocolMessage_MESSAGE_EDIT.Enum(), Key: t.actorKey(c, actor),
			EditedMessage: &waE2E.Message{Conversation: proto.String(in.Message)},
			TimestampMS:   proto.Int64(now.UnixMilli()),
		},
	}}}, nil
}

func (n *Network) inboundRevoke(c *Client, in Inbound) (*waE2E.Message, error) {
	t, actor, err := n.ownTarget(c, in, "revokes")
	if err != nil {
		return nil, err
	}
	return &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{
		Type: waE2E.ProtocolMessage_REVOKE.Enum(), Key: t.actorKey(c, actor),
	}}, nil
}
