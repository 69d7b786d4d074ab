package bridge

import (
	"context"

	"go.mau.fi/whatsmeow/proto/waE2E"
)

// content is a message of a kind other than text, validated and built:
// what sendContent sends under the command key's id.
type content struct {
	to   string // phone number or JID, as the caller gave it
	key  string
	text string // what the message index keeps as its text
	what string // for errors: "sending the location to %s"
	// build makes the message once the recipient parsed; it validates the
	// request first, so bad input is refused before anything is sent.
	build func(l *link) (*waE2E.Message, error)
}

// sendContent parses the recipient, builds the message (refusing bad
// input whatever the session's state), then sends it as SendText does.
func (s *Session) sendContent(ctx context.Context, c content) (SendResult, error) {
	to, err := ParseRecipient(c.to)
	if err != nil {
		return SendResult{}, err
	}
	l, me := s.view()
	msg, err := c.build(l)
	if err != nil {
		return SendResult{}, err
	}
	if !l.loggedIn(me) {
		return SendResult{}, errNotLoggedIn(s.name)
	}
	if !l.client.IsConnected() {
		return SendResult{}, errNotConnected(s.name)
	}
	return s.send(ctx, l, me, sendJob{to: to, msg: msg, key: c.key, text: c.text, what: c.what})
}
