package sandbox

import (
	"context"
	"encoding/json"
	"time"

	"go.mau.fi/whatsmeow"
	waBinary "go.mau.fi/whatsmeow/binary"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/internal/werr"
)

// Signals are what a virtual contact does besides sending messages:
// typing (the fields of send.chat_presence), going on- or offline (those
// of send.presence, with last_seen) and calling (video, call_id).
type signalFields struct {
	Presence string     `json:"presence"`
	Media    string     `json:"media"`
	LastSeen *time.Time `json:"last_seen"`
	Video    bool       `json:"video"`
	CallID   string     `json:"call_id"`
}

// isSignal reports whether kind is a signal rather than a message.
func isSignal(kind string) bool {
	return kind == "typing" || kind == "presence" || kind == "call"
}

// inboundSignal makes a virtual contact type, change presence or call:
// the session's handlers get whatsmeow's event for it, once (WhatsApp
// does not redeliver these), and it returns once they handled it. A
// presence reaches them only when the session subscribed to the contact
// and is available, as on WhatsApp (presence_subscribe.go).
func (n *Network) inboundSignal(ctx context.Context, c *Client, in Inbound) error {
	evt, err := n.signalEvent(in)
	if err != nil {
		return err
	}
	if err := c.readyForTraffic(); err != nil {
		return err
	}
	if p, ok := evt.(*events.Presence); ok && !n.contactPresence(c, p) {
		return nil // presence_subscribe.go: kept, sent only to subscribers
	}
	acked := make(chan bool, 1)
	c.events.enqueue(delivery{evt: evt, ctx: ctx, acked: acked})
	select {
	case ok := <-acked:
		if !ok {
			return werr.New(werr.KindTimeout, werr.CodeTimeout, "%s was not handled by session %q", in.Type, c.session)
		}
		return nil
	case <-ctx.Done():
		return werr.Wrap(ctx.Err(), werr.KindTimeout, werr.CodeTimeout, "%s was not handled by session %q in time", in.Type, c.session)
	}
}

// signalEvent is the whatsmeow event of in.
func (n *Network) signalEvent(in Inbound) (any, error) {
	var f signalFields
	if raw, err := json.Marshal(in.Fields); err != nil || json.Unmarshal(raw, &f) != nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "%s: fields do not decode", in.Type)
	}
	sender, chat, err := n.signalParties(in)
	if err != nil {
		return nil, err
	}
	switch in.Type {
	case "typing":
		return typingEvent(n.sourceOf(sender, chat), f)
	case "presence":
		return presenceEvent(sender, f)
	default:
		return n.callEvent(sender, chat, f), nil
	}
}

// signalParties checks the sender and the chat as a message's.
func (n *Network) signalParties(in Inbound) (sender, chat types.JID, err error) {
	if sender, err = parseUser(in.From); err != nil {
		return sender, chat, werr.Invalid(werr.CodeInvalidRecipient, "from: %v", err)
	}
	if !n.isUser(sender) {
		return sender, chat, werr.Invalid(werr.CodeInvalidRecipient, "from: %s is not a WhatsApp user on this network", sender.User)
	}
	chat = sender
	if in.Chat != "" {
		if chat, err = parseChat(in.Chat); err != nil {
			return sender, chat, werr.Invalid(werr.CodeInvalidRecipient, "chat: %v", err)
		}
		if chat.Server != types.GroupServer && chat != sender {
			return sender, chat, werr.Invalid(werr.CodeInvalidRecipient, "chat %s: a contact acts in a group or in its own chat", chat)
		}
	}
	return sender, chat, nil
}

// sourceOf addresses sender in chat as WhatsApp does: a PN sender with
// its LID beside, or the other way round.
func (n *Network) sourceOf(sender, chat types.JID) types.MessageSource {
	src := types.MessageSource{Chat: chat, Sender: sender, IsGroup: chat.Server == types.GroupServer}
	if sender.Server == types.DefaultUserServer {
		src.AddressingMode, src.SenderAlt = types.AddressingModePN, n.lidFor(sender.User)
	} else {
		src.AddressingMode, src.SenderAlt = types.AddressingModeLID, n.pnFor(sender)
	}
	return src
}

func typingEvent(src types.MessageSource, f signalFields) (*events.ChatPresence, error) {
	evt := &events.ChatPresence{MessageSource: src, State: types.ChatPresenceComposing}
	switch f.Presence {
	case "", "composing":
	case "paused":
		evt.State = types.ChatPresencePaused
	default:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "typing: presence must be composing or paused, not %q", f.Presence)
	}
	switch f.Media {
	case "", "text":
	case "audio":
		evt.Media = types.ChatPresenceMediaAudio
	default:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "typing: media must be text or audio, not %q", f.Media)
	}
	return evt, nil
}

func presenceEvent(sender types.JID, f signalFields) (*events.Presence, error) {
	evt := &events.Presence{From: sender}
	switch f.Presence {
	case "", "available":
	case "unavailable":
		evt.Unavailable = true
		if f.LastSeen != nil {
			evt.LastSeen = f.LastSeen.Truncate(time.Second)
		} else {
			evt.LastSeen = time.Now().Truncate(time.Second)
		}
	default:
		return nil, werr.Invalid(werr.CodeInvalidPayload, "presence must be available or unavailable, not %q", f.Presence)
	}
	return evt, nil
}

// callEvent is the offer of a call, as whatsmeow parses it: a video
// call's offer carries a <video> element.
func (n *Network) callEvent(sender, chat types.JID, f signalFields) *events.CallOffer {
	id := f.CallID
	if id == "" {
		id = string(whatsmeow.GenerateMessageID())
	}
	offer := &waBinary.Node{Tag: "offer", Content: []waBinary.Node{{Tag: "audio"}}}
	if f.Video {
		offer.Content = append(offer.Content.([]waBinary.Node), waBinary.Node{Tag: "video"})
	}
	src := n.sourceOf(sender, chat)
	evt := &events.CallOffer{
		BasicCallMeta: types.BasicCallMeta{
			From: sender, Timestamp: time.Now().Truncate(time.Second),
			CallCreator: sender, CallCreatorAlt: src.SenderAlt, CallID: id,
		},
		CallRemoteMeta: types.CallRemoteMeta{RemotePlatform: "android", RemoteVersion: "2.25.1"},
		Data:           offer,
	}
	if chat.Server == types.GroupServer {
		evt.GroupJID = chat
	}
	return evt
}
