package bridge

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/store"
	"github.com/wabridge/wabridge/internal/werr"
)

// messageSender is the sending part of a session's client.
type messageSender interface {
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
}

var _ messageSender = (*whatsmeow.Client)(nil)

// SendText sends a text message, quoting ReplyTo and mentioning Mentions
// when given. The WhatsApp id comes from req.Key, so a retry of the same
// command re-sends under the same id.
func (s *Session) SendText(ctx context.Context, req SendTextRequest) (SendResult, error) {
	l, me := s.view()
	if !l.loggedIn(me) {
		return SendResult{}, errNotLoggedIn(s.name)
	}
	if !l.client.IsConnected() {
		return SendResult{}, errNotConnected(s.name)
	}
	to, msg, err := s.buildText(req)
	if err != nil {
		return SendResult{}, err
	}
	preview := s.textPreview(ctx, req, msg)
	res, err := s.send(ctx, l, me, sendJob{to: to, msg: msg, key: req.Key, text: req.Text, what: "sending the message to %s"})
	res.Preview = preview
	return res, err
}

// sendJob is one message to send under the id its command's key gives.
type sendJob struct {
	to   types.JID
	msg  *waE2E.Message
	key  string
	text string // what the message index keeps as its text
	what string // for errors: "sending the message to %s"
}

// send sends j.msg under the id derived from j.key (a retried command
// re-sends under the same id) and answers with the write that caches it,
// for the command's transaction.
func (s *Session) send(ctx context.Context, l *link, me self, j sendJob) (SendResult, error) {
	id := MessageIDFromKey(j.key)
	resp, err := s.sendMessage(ctx, l, j.to, j.msg, id) // tracing.go
	if err != nil {
		return SendResult{}, classify(err, op(j.to, j.what, j.to))
	}
	s.touchPresence(ctx, l, j.to) // presence_subscribe.go
	ts := resp.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	return SendResult{
		MessageID: msgid.Format(true, j.to.String(), id),
		WAID:      id,
		Chat:      j.to.String(),
		Timestamp: ts.UTC(),
		Cache:     s.sentWrite(me, j.to, id, ts, j.text, j.msg),
	}, nil
}

// buildText validates req and builds its message: a plain Conversation when
// nothing is quoted or mentioned, else an ExtendedTextMessage with context.
func (s *Session) buildText(req SendTextRequest) (types.JID, *waE2E.Message, error) {
	to, err := ParseRecipient(req.To)
	if err != nil {
		return types.JID{}, nil, err
	}
	if req.Text == "" {
		return types.JID{}, nil, werr.Invalid(werr.CodeInvalidPayload, "message text must not be empty")
	}
	mentions, err := parseMentions(req.Mentions)
	if err != nil {
		return types.JID{}, nil, err
	}
	var quoted *StoredMessage
	if req.ReplyTo != "" {
		m, err := s.d.index.Lookup(s.name, req.ReplyTo, to)
		if err != nil {
			return types.JID{}, nil, err
		}
		quoted = &m
	}
	return to, textMessage(req.Text, quoted, mentions, req.Forwarded), nil
}

func parseMentions(in []string) ([]string, error) {
	var out []string
	for _, m := range in {
		jid, err := ParseRecipient(m)
		if err != nil {
			return nil, err
		}
		out = append(out, jid.String())
	}
	return out, nil
}

func textMessage(text string, quoted *StoredMessage, mentions []string, forwarded bool) *waE2E.Message {
	if quoted == nil && len(mentions) == 0 && !forwarded {
		return &waE2E.Message{Conversation: proto.String(text)}
	}
	ci := &waE2E.ContextInfo{MentionedJID: mentions}
	if forwarded {
		// What WhatsApp clients set on a message forwarded once.
		ci.IsForwarded = proto.Bool(true)
		ci.ForwardingScore = proto.Uint32(1)
	}
	if quoted != nil {
		ci.StanzaID = proto.String(quoted.ID)
		ci.Participant = proto.String(quoted.Sender)
		ci.QuotedMessage = quotable(quoted)
	}
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text:        proto.String(text),
		ContextInfo: ci,
	}}
}

// sentWrite is the write that keeps what we sent, so it can be quoted
// later. It is the caller's to commit, together with the command's result:
// one transaction per command.
func (s *Session) sentWrite(me self, to types.JID, id types.MessageID, ts time.Time, text string, msg *waE2E.Message) store.Write {
	own := me.identity()
	m := StoredMessage{Chat: to.String(), ID: id, Sender: own.pn.String(), FromMe: true, Timestamp: ts, Text: text, Message: msg}
	if own.pn.IsEmpty() {
		m.Sender = own.lid.String()
	}
	return s.d.index.PutWrite(s.name, m)
}

func errNotConnected(session string) error {
	return werr.New(werr.KindNotConnected, werr.CodeNotConnected, "session %s is not connected to WhatsApp", session)
}
