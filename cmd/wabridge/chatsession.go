package main

import (
	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events/chatview"
)

// chatSession is a bridge session as the commands see it: the session's
// own operations plus the chat store's read model (chat.list and
// chat.messages answer from the store, never from WhatsApp). sessions.Get
// hands one out per call; it holds no state of its own.
type chatSession struct {
	*bridge.Session
	reader chatview.Reader
}

// ChatReader is the store shared by every session; the queries pass the
// session's name to it.
func (s chatSession) ChatReader() chatview.Reader { return s.reader }

// Every port a command declares is a method of the bridge's sessions or of
// the store beside them.
var _ commands.Ports = chatSession{}
