package main

import (
	"context"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/httpadapter"
	"github.com/wabridge/wabridge/internal/msgid"
	"github.com/wabridge/wabridge/internal/werr"
)

// sessions lets the command handlers reach the bridge's sessions, with the
// chat store beside each, through the interfaces they declare.
type sessions struct {
	m      *bridge.Manager
	reader chatview.Reader
}

func (s sessions) Get(name string) (commands.Session, error) {
	sess, err := s.m.Get(name)
	if err != nil {
		return nil, err
	}
	return chatSession{Session: sess, reader: s.reader}, nil
}

var _ commands.Sessions = sessions{}

// sandboxREST exposes the simulated network to the REST adapter's
// /sandbox routes.
type sandboxREST struct {
	n *sandbox.Network
	m *bridge.Manager
}

func sandboxAPI(n *sandbox.Network, m *bridge.Manager) httpadapter.Sandbox {
	if n == nil {
		return nil
	}
	return sandboxREST{n: n, m: m}
}

// Scan completes the login that GET /app/login started, or starts one and
// completes it, then has the phone push req.History past messages over
// req.HistoryChats chats (CONTRACT §8).
func (s sandboxREST) Scan(ctx context.Context, session string, req httpadapter.SandboxScan) (string, error) {
	sess, err := s.m.Get(session)
	if err != nil {
		return "", err
	}
	if !sess.Status().LoggedIn {
		if _, err := sess.Login(ctx); err != nil && werr.From(err).Code != werr.CodeAlreadyLoggedIn {
			return "", err
		}
	}
	jid, err := s.n.Scan(ctx, session, req.Phone)
	if err != nil {
		return "", err
	}
	if req.History > 0 {
		if err := s.n.PushHistory(ctx, session, req.History, req.HistoryChats); err != nil {
			return jid.String(), err
		}
	}
	return jid.String(), nil
}

func (s sandboxREST) Inbound(ctx context.Context, session string, in httpadapter.SandboxInbound) (string, error) {
	id, err := s.n.Inbound(ctx, session, sandbox.Inbound{
		From:     in.From,
		Chat:     in.Chat,
		Message:  in.Message,
		Type:     in.Type,
		PushName: in.PushName,
		ReplyTo:  in.ReplyTo,
		ID:       in.ID,
		Fields:   in.Fields,
	})
	if err != nil || id == "" {
		return "", err // typing, presence and calls are no message
	}
	// Answer in the user form (CONTRACT §2), as message.received's data.id.
	chat := in.Chat
	if chat == "" {
		chat = in.From
	}
	jid, err := bridge.ParseRecipient(chat)
	if err != nil {
		return string(id), nil // delivered; the chat was understood by the sandbox
	}
	return msgid.Format(false, jid.ToNonAD().String(), string(id)), nil
}

func (s sandboxREST) Outbox() any { return s.n.Outbox() }

func (s sandboxREST) Advance(d time.Duration) (time.Time, error) { return s.n.Advance(d) }
