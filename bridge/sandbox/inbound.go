package sandbox

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/werr"
)

// Inbound is a message a virtual contact sends to a session.
type Inbound struct {
	From     string `json:"from"`           // phone or user JID of the sender
	Chat     string `json:"chat,omitempty"` // a group JID; default the sender's 1:1 chat
	Message  string `json:"message"`        // the text
	Type     string `json:"type,omitempty"` // "" or "text", or a kind of inboundMessage's switch
	PushName string `json:"push_name,omitempty"`
	ReplyTo  string `json:"reply_to,omitempty"` // quoted message: user form or bare WhatsApp id
	ID       string `json:"id,omitempty"`       // WhatsApp message id; default a new one
	// Fields are the other kinds' fields, named as the matching send.* or
	// message.* command names them (CONTRACT §8): the whole REST body.
	Fields map[string]any `json:"-"`
}

// Inbound makes a virtual contact send a message to session: the client's
// handlers get a *events.Message like whatsmeow's. Until every handler
// acknowledges it (returns true), the same event — same id — is delivered
// again with backoff, up to Config.RedeliveryAttempts or ctx's end. It
// returns the message id once acknowledged.
func (n *Network) Inbound(ctx context.Context, session string, in Inbound) (types.MessageID, error) {
	c, err := n.client(session)
	if err != nil {
		return "", err
	}
	if isSignal(in.Type) {
		return "", n.inboundSignal(ctx, c, in) // inbound_signal.go: no message, no id
	}
	evt, err := n.inboundEvent(c, in)
	if err != nil {
		return "", err
	}
	n.adoptGroup(c, evt)                                                        // groups.go: a group a contact writes in exists
	c.keepSecret(ctx, evt.Info.Chat, evt.Info.Sender, evt.Info.ID, evt.Message) // poll.go: as whatsmeow does on receipt
	c.keepContact(ctx, evt.Info.Sender, evt.Info.PushName)                      // users.go: as whatsmeow keeps push names
	if err := c.readyForTraffic(); err != nil {
		return "", err
	}
	acked := make(chan bool, 1)
	c.events.enqueue(delivery{
		evt:      evt,
		attempts: n.cfg.RedeliveryAttempts,
		backoff:  n.cfg.RedeliveryBackoff,
		ctx:      ctx,
		acked:    acked,
	})
	select {
	case ok := <-acked:
		if !ok {
			return evt.Info.ID, werr.New(werr.KindTimeout, werr.CodeTimeout,
				"message %s was not acknowledged by session %q", evt.Info.ID, session)
		}
		n.inbox.keep(session, evt) // inbound_actions.go
		return evt.Info.ID, nil
	case <-ctx.Done():
		return evt.Info.ID, werr.Wrap(ctx.Err(), werr.KindTimeout, werr.CodeTimeout,
			"message %s was not acknowledged by session %q in time", evt.Info.ID, session)
	}
}

// readyForTraffic reports why the client cannot receive messages, if so.
func (c *Client) readyForTraffic() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dev.ID == nil || !c.loggedIn {
		return werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn, "session %q is not logged in", c.session)
	}
	if !c.connected {
		return werr.New(werr.KindNotConnected, werr.CodeNotConnected, "session %q is not connected", c.session)
	}
	return nil
}

// inboundEvent validates in and builds the event whatsmeow would emit.
func (n *Network) inboundEvent(c *Client, in Inbound) (*events.Message, error) {
	sender, err := parseUser(in.From)
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidRecipient, "from: %v", err)
	}
	if !n.isUser(sender) {
		return nil, werr.Invalid(werr.CodeInvalidRecipient, "from: %s is not a WhatsApp user on this network", sender.User)
	}
	chat := sender
	if in.Chat != "" {
		if chat, err = parseChat(in.Chat); err != nil {
			return nil, werr.Invalid(werr.CodeInvalidRecipient, "chat: %v", err)
		}
		if chat.Server != types.GroupServer && chat != sender {
			return nil, werr.Invalid(werr.CodeInvalidRecipient,
				"chat %s: a contact writes in a group or in its own chat with the session", chat)
		}
	}
	msg, err := n.inboundMessage(c, in)
	if err != nil {
		return nil, err
	}
	src := types.MessageSource{Chat: chat, Sender: sender, IsGroup: chat.Server == types.GroupServer}
	if sender.Server == types.DefaultUserServer {
		src.AddressingMode, src.SenderAlt = types.AddressingModePN, n.lidFor(sender.User)
	} else {
		src.AddressingMode, src.SenderAlt = types.AddressingModeLID, n.pnFor(sender)
	}
	id := types.MessageID(in.ID)
	if id == "" {
		id = whatsmeow.GenerateMessageID()
	}
	// Unwrapped as whatsmeow does (an edit's EditedMessage wrapper).
	return (&events.Message{
		Info: types.MessageInfo{
			MessageSource: src,
			ID:            id,
			Type:          stanzaType(msg),
			PushName:      in.PushName,
			Timestamp:     n.clock.now().Truncate(time.Second),
		},
		Message:    msg,
		RawMessage: proto.Clone(msg).(*waE2E.Message),
	}).UnwrapRaw(), nil
}

// inboundMessage builds the message proto of in's kind: one line per kind.
func (n *Network) inboundMessage(c *Client, in Inbound) (*waE2E.Message, error) {
	switch in.Type {
	case "", "text":
		return n.inboundText(c, in)
	case "location":
		return inboundLocation(in)
	case "contact":
		return inboundContact(in)
	case "poll":
		return inboundPoll(in)
	case "vote":
		return n.inboundVote(c, in) // poll.go
	case "reaction":
		return n.inboundReaction(c, in) // inbound_actions.go
	case "edit":
		return n.inboundEdit(c, in) // inbound_actions.go
	case "revoke":
		return n.inboundRevoke(c, in) // inbound_actions.go
	case "image", "video", "audio", "document", "sticker":
		return n.inboundMediaMessage(in) // inbound_media.go
	default:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "unsupported type %q", in.Type)
	}
}

// inboundText is the message proto: a plain Conversation, or an extended
// text quoting the replied-to message, as WhatsApp clients send them.
func (n *Network) inboundText(c *Client, in Inbound) (*waE2E.Message, error) {
	if in.Message == "" {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "message is empty")
	}
	if in.ReplyTo == "" {
		return &waE2E.Message{Conversation: proto.String(in.Message)}, nil
	}
	q, err := parseQuoted(in.ReplyTo)
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "%v", err)
	}
	info := &waE2E.ContextInfo{StanzaID: proto.String(q.ID)}
	switch {
	case q.FromMe:
		info.Participant = proto.String(c.ownID().ToNonAD().String())
	case !q.Chat.IsEmpty() && q.Chat.Server != types.GroupServer:
		info.Participant = proto.String(q.Chat.String())
	}
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text:        proto.String(in.Message),
		ContextInfo: info,
	}}, nil
}
