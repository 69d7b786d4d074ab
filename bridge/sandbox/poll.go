package sandbox

import (
	"context"
	"fmt"
	"slices"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// BuildPollCreation is whatsmeow's own: it uses nothing of the client but
// a fresh random secret.
func (c *Client) BuildPollCreation(name string, optionNames []string, selectableOptionCount int) *waE2E.Message {
	return (*whatsmeow.Client)(nil).BuildPollCreation(name, optionNames, selectableOptionCount)
}

// DecryptPollVote is whatsmeow's own decryption over the session's device
// store, where keepSecret put the poll's secret as whatsmeow does.
func (c *Client) DecryptPollVote(ctx context.Context, vote *events.Message) (*waE2E.PollVoteMessage, error) {
	c.mu.Lock()
	dev := c.dev
	c.mu.Unlock()
	return whatsmeow.NewClient(dev, nil).DecryptPollVote(ctx, vote)
}

// keepSecret stores a message's secret (a poll's) in the device store, as
// whatsmeow does for what it sends and receives (send.go, message.go), so
// DecryptPollVote finds it.
func (c *Client) keepSecret(ctx context.Context, chat, sender types.JID, id types.MessageID, msg *waE2E.Message) {
	secret := msg.GetMessageContextInfo().GetMessageSecret()
	if len(secret) == 0 {
		return
	}
	c.mu.Lock()
	dev := c.dev
	c.mu.Unlock()
	if dev.MsgSecrets == nil {
		return // an unpaired device has no stores yet
	}
	if err := dev.MsgSecrets.PutMessageSecret(ctx, chat, sender, id, secret); err != nil {
		c.log.Warnf("Failed to store message secret key for %s: %v", id, err)
	}
}

// inboundVoteFields are the fields of a {"type": "vote"} inbound.
type inboundVoteFields struct {
	MessageID string   `json:"message_id"` // the poll: user form or bare id
	Options   []string `json:"options"`    // names; none withdraws the vote
}

// inboundVote is the vote a virtual contact's phone sends on a poll the
// session sent it: encrypted by whatsmeow's own BuildPollVote from the
// voter's side with the poll's secret, so the session's real decryption
// runs on it.
func (n *Network) inboundVote(c *Client, in Inbound) (*waE2E.Message, error) {
	var f inboundVoteFields
	if err := kindFields(in, &f); err != nil {
		return nil, err
	}
	voter, err := parseUser(in.From)
	if err != nil {
		return nil, werr.Invalid(werr.CodeInvalidRecipient, "from: %v", err)
	}
	poll, err := n.sentPoll(c.session, f.MessageID)
	if err != nil {
		return nil, err
	}
	if err := checkVote(poll, voter, in.Chat, f.Options); err != nil {
		return nil, err
	}
	own := c.ownID()
	chat, _ := types.ParseJID(poll.To)
	info := types.MessageInfo{ID: poll.WAID, MessageSource: types.MessageSource{Chat: own.ToNonAD(), Sender: own.ToNonAD()}}
	if chat.Server == types.GroupServer {
		info.Chat, info.IsGroup = chat, true
	}
	c.mu.Lock()
	dev := c.dev
	c.mu.Unlock()
	secret, _, err := dev.MsgSecrets.GetMessageSecret(context.Background(), chat, own, poll.WAID)
	if err != nil || secret == nil {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "poll %s: its secret is not known (%v)", poll.MessageID, err)
	}
	phone := &store.Device{ID: &voter, MsgSecrets: &oneSecret{chat: info.Chat, sender: info.Sender, id: poll.WAID, secret: secret}}
	msg, err := whatsmeow.NewClient(phone, nil).BuildPollVote(context.Background(), &info, f.Options)
	if err != nil {
		return nil, fmt.Errorf("encrypting the vote: %w", err)
	}
	return msg, nil
}

// sentPoll is the poll the session sent under ref (user form or bare id),
// as the network delivered it.
func (n *Network) sentPoll(session, ref string) (Delivery, error) {
	_, _, id, err := msgid.Parse(ref)
	if err != nil || ref == "" {
		return Delivery{}, werr.Invalid(werr.CodeInvalidPayload, "message_id %q: not a message id", ref)
	}
	for _, d := range slices.Backward(n.Outbox()) {
		if d.Session == session && d.WAID == id && d.Poll != nil {
			return d, nil
		}
	}
	return Delivery{}, werr.New(werr.KindNotFound, werr.CodeMessageNotFound,
		"message_id %q: no poll the session sent (the sandbox simulates votes on the session's polls)", ref)
}

// checkVote keeps what a phone allows: only the poll's recipients vote,
// only on its options, at most selectable_count of them.
func checkVote(poll Delivery, voter types.JID, chat string, options []string) error {
	if poll.To != voter.String() && chat != poll.To {
		return werr.Invalid(werr.CodeInvalidPayload, "%s did not receive poll %s", voter.User, poll.MessageID)
	}
	seen := map[string]bool{}
	for _, o := range options {
		if !slices.Contains(poll.Poll.Options, o) || seen[o] {
			return werr.Invalid(werr.CodeInvalidPayload, "option %q is not an option of poll %s, or is given twice", o, poll.MessageID)
		}
		seen[o] = true
	}
	if max := poll.Poll.SelectableCount; max > 0 && len(options) > max {
		return werr.Invalid(werr.CodeInvalidPayload, "poll %s allows %d choices, not %d", poll.MessageID, max, len(options))
	}
	return nil
}

// oneSecret is the voter phone's message secret store: it knows the one
// poll being voted on.
type oneSecret struct {
	chat, sender types.JID
	id           types.MessageID
	secret       []byte
}

var _ store.MsgSecretStore = (*oneSecret)(nil)

func (s *oneSecret) PutMessageSecrets(context.Context, []store.MessageSecretInsert) error { return nil }

func (s *oneSecret) PutMessageSecret(context.Context, types.JID, types.JID, types.MessageID, []byte) error {
	return nil
}

func (s *oneSecret) GetMessageSecret(_ context.Context, chat, sender types.JID, id types.MessageID) ([]byte, types.JID, error) {
	if chat.ToNonAD() != s.chat.ToNonAD() || sender.ToNonAD() != s.sender.ToNonAD() || id != s.id {
		return nil, types.EmptyJID, nil
	}
	return s.secret, s.sender.ToNonAD(), nil
}
