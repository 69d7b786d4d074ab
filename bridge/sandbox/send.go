package sandbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/internal/msgid"
)

// ErrNotOnWhatsApp is wrapped (with whatsmeow.ErrServerReturnedError) in the
// error of a send to a number configured as not being on WhatsApp.
var ErrNotOnWhatsApp = errors.New("recipient is not on WhatsApp")

// Delivery is one message a virtual contact or group received.
type Delivery struct {
	To string `json:"to"` // JID
	// MessageID is the user form as the sending session sees it,
	// true_<to>_<wa_id> (CONTRACT §2), equal to what the send answered.
	MessageID string   `json:"message_id"`
	WAID      string   `json:"wa_id"`
	Type      string   `json:"type"` // "text", or "unknown" for kinds the sandbox does not read yet
	Message   string   `json:"message"`
	QuotedID  string   `json:"quoted_message_id,omitempty"` // user form too
	Mentions  []string `json:"mentions,omitempty"`
	// Forwarded and ForwardingScore are WhatsApp's forwarded mark, as the
	// recipient's phone shows it.
	Forwarded       bool      `json:"forwarded,omitempty"`
	ForwardingScore uint32    `json:"forwarding_score,omitempty"`
	From            string    `json:"from"` // the session's account JID (no device part)
	Session         string    `json:"session"`
	Timestamp       time.Time `json:"timestamp"`
	// LinkPreview is a link's preview as the recipient sees it (link.go).
	LinkPreview *LinkPreview `json:"link_preview,omitempty"`

	conversationContent // outbox_content.go: location, contact card, poll
}

// SendMessage delivers message to the virtual contact or group to, records
// it in the network's outbox and, for 1:1 chats, has the contact
// acknowledge it with delivered and read receipts. Its checks and errors are
// whatsmeow's.
func (c *Client) SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	var req whatsmeow.SendRequestExtra
	if len(extra) > 1 {
		return whatsmeow.SendResponse{}, errors.New("only one extra parameter may be provided to SendMessage")
	} else if len(extra) == 1 {
		req = extra[0]
	}
	if to.Device > 0 && !req.Peer {
		return whatsmeow.SendResponse{}, whatsmeow.ErrRecipientADJID
	}
	c.mu.Lock()
	ownID, ownLID, connected := c.dev.GetJID(), c.dev.GetLID(), c.connected
	c.mu.Unlock()
	if ownID.IsEmpty() {
		return whatsmeow.SendResponse{}, whatsmeow.ErrNotLoggedIn
	}
	if req.ID == "" {
		req.ID = whatsmeow.GenerateMessageID()
	}
	resp := whatsmeow.SendResponse{ID: req.ID, Sender: ownID}
	if to.Server == types.HiddenUserServer {
		resp.Sender = ownLID
	}
	if !knownServer(to.Server) {
		return resp, fmt.Errorf("%w %s", whatsmeow.ErrUnknownServer, to.Server)
	}
	if !connected {
		return resp, whatsmeow.ErrNotConnected
	}
	if err := c.mayPost(to, ownID.ToNonAD(), message); err != nil { // groups_send.go
		return resp, err
	}
	if !c.net.isUser(to) {
		return resp, serverRefusal(statusNotFound, fmt.Errorf("%w: %s", ErrNotOnWhatsApp, to.User))
	}
	if phoneWithPrefix(to, RateLimitedPrefix) {
		return resp, serverRefusal(statusRateLimited, nil)
	}
	if err := c.awaitAck(ctx, to); err != nil {
		return resp, err
	}
	// WhatsApp's server time has a resolution of seconds.
	resp.Timestamp = c.net.clock.now().Truncate(time.Second)
	d := describe(message)
	c.net.openMedia(&d) // outbox_media.go: what the contact decrypted
	d.To, d.WAID, d.From, d.Session, d.Timestamp = to.String(), string(req.ID), ownID.ToNonAD().String(), c.session, resp.Timestamp
	d.MessageID = msgid.Format(true, d.To, d.WAID)
	if d.QuotedID != "" {
		p, _ := types.ParseJID(contextInfoOf(message).GetParticipant()) // outbox_media.go
		mine := !p.IsEmpty() && (p.User == ownID.User || p.User == ownLID.User)
		d.QuotedID = msgid.Format(mine, d.To, d.QuotedID)
	}
	c.keepSecret(ctx, to, ownID, req.ID, message) // poll.go: as whatsmeow keeps a poll's secret
	c.keepContact(ctx, to, "")                    // users.go: the phone's address book keeps whom it wrote to
	c.net.record(d)
	c.postToGroup(to, ownID, req.ID, message, resp.Timestamp) // groups_send.go: member sessions get it
	c.log.Debugf("Sent %s message %s to %s", d.Type, req.ID, to)
	if isUserServer(to.Server) && !c.net.cfg.DisableReceipts {
		c.acknowledge(to, req.ID, resp.Timestamp)
	}
	return resp, nil
}

// knownServer reports whether whatsmeow can send to a JID of that server.
func knownServer(server string) bool {
	switch server {
	case types.DefaultUserServer, types.HiddenUserServer, types.GroupServer,
		types.NewsletterServer, types.BroadcastServer, types.BotServer:
		return true
	}
	return false
}

// unwrapViewOnce is the message inside WhatsApp's view-once wrappers, or
// msg when it has none.
func unwrapViewOnce(msg *waE2E.Message) *waE2E.Message {
	for _, w := range []*waE2E.FutureProofMessage{msg.GetViewOnceMessage(), msg.GetViewOnceMessageV2(),
		msg.GetViewOnceMessageV2Extension()} {
		if inner := w.GetMessage(); inner != nil {
			return inner
		}
	}
	return msg
}

func isUserServer(server string) bool {
	return server == types.DefaultUserServer || server == types.HiddenUserServer
}

// acknowledge queues the receipts a contact's phone sends for a message it
// got and then read.
func (c *Client) acknowledge(contact types.JID, id types.MessageID, sent time.Time) {
	for _, typ := range []types.ReceiptType{types.ReceiptTypeDelivered, types.ReceiptTypeRead} {
		c.events.enqueue(delivery{evt: &events.Receipt{
			MessageSource: types.MessageSource{Chat: contact, Sender: contact},
			MessageIDs:    []types.MessageID{id},
			Timestamp:     sent,
			Type:          typ,
		}})
	}
}

// describe reads what the outbox shows of a message; a view-once photo or
// video comes wrapped as phones send it (the media inside is flagged).
func describe(msg *waE2E.Message) Delivery {
	msg = unwrapViewOnce(msg)
	switch {
	case msg.GetConversation() != "":
		return Delivery{Type: "text", Message: msg.GetConversation()}
	case msg.GetExtendedTextMessage() != nil:
		ext := msg.GetExtendedTextMessage()
		ctx := ext.GetContextInfo()
		return Delivery{
			Type:            "text",
			Message:         ext.GetText(),
			QuotedID:        ctx.GetStanzaID(),
			Mentions:        append([]string(nil), ctx.GetMentionedJID()...),
			Forwarded:       ctx.GetIsForwarded(),
			ForwardingScore: ctx.GetForwardingScore(),
			LinkPreview:     linkPreview(ext),
		}
	default:
		if d, ok := describeConversation(msg); ok { // outbox_content.go
			return d
		}
		return Delivery{Type: "unknown"}
	}
}
