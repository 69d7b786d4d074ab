package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/werr"
)

// groupInfoGetter is the group-metadata part of a session's client: a
// revoke of someone else's message needs the account to be a group admin.
type groupInfoGetter interface {
	GetGroupInfo(ctx context.Context, jid types.JID) (*types.GroupInfo, error)
}

var _ groupInfoGetter = (*whatsmeow.Client)(nil)

// RevokeMessage deletes a cached message for everyone: the account's own
// messages anywhere, and others' in groups where the account is an admin
// (the key then names their sender as Participant). FORBIDDEN otherwise.
func (s *Session) RevokeMessage(ctx context.Context, req MessageActionRequest) (ActionResult, error) {
	k, err := s.keyedTarget(req)
	if err != nil {
		return ActionResult{}, err
	}
	if !k.m.FromMe {
		if err := s.mayRevokeOthers(ctx, k.l, k.me, k.chat, k.m); err != nil {
			return ActionResult{}, err
		}
	}
	msg := builder().BuildRevoke(k.chat, k.sender, k.m.ID)
	return s.sendAction(ctx, k.l, k.m, sendJob{to: k.chat, msg: msg, key: req.Key, what: "revoking message %s"})
}

func (s *Session) mayRevokeOthers(ctx context.Context, l *link, me self, chat types.JID, m StoredMessage) error {
	ref := ident.Clip(userForm(m), 80)
	if chat.Server != types.GroupServer {
		return werr.New(werr.KindForbidden, werr.CodeForbidden, "message %s was sent by someone else: only group admins revoke others' messages", ref)
	}
	info, err := l.client.GetGroupInfo(ctx, chat)
	if err != nil {
		return classify(err, op(chat, "reading group %s", chat))
	}
	if !isAdmin(info, me.identity()) {
		return werr.New(werr.KindForbidden, werr.CodeForbidden, "message %s was sent by someone else and this account is no admin of %s", ref, chat)
	}
	return nil
}

// isAdmin reports whether own is an admin of the group, under either of its
// JIDs (groups address members by phone number or by LID).
func isAdmin(info *types.GroupInfo, own identity) bool {
	for _, p := range info.Participants {
		if !p.IsAdmin && !p.IsSuperAdmin {
			continue
		}
		for _, j := range []types.JID{p.JID, p.PhoneNumber, p.LID} {
			if j.IsEmpty() {
				continue
			}
			if (!own.pn.IsEmpty() && j.User == own.pn.User) || (!own.lid.IsEmpty() && j.User == own.lid.User) {
				return true
			}
		}
	}
	return false
}
