package bridge

import (
	"context"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// groupClient is the group part of a session's client: whatsmeow's group
// IQs (group.go), with whatsmeow's signatures. GetGroupInfo is
// groupInfoGetter's (revoke.go).
type groupClient interface {
	CreateGroup(ctx context.Context, req whatsmeow.ReqCreateGroup) (*types.GroupInfo, error)
	GetGroupInfoFromLink(ctx context.Context, code string) (*types.GroupInfo, error)
	JoinGroupWithLink(ctx context.Context, code string) (types.JID, error)
	LeaveGroup(ctx context.Context, jid types.JID) error
	UpdateGroupParticipants(ctx context.Context, jid types.JID, participantChanges []types.JID, action whatsmeow.ParticipantChange) ([]types.GroupParticipant, error)
	SetGroupPhoto(ctx context.Context, jid types.JID, avatar []byte) (string, error)
	SetGroupName(ctx context.Context, jid types.JID, name string) error
	SetGroupTopic(ctx context.Context, jid types.JID, previousID, newID, topic string) error
	SetGroupAnnounce(ctx context.Context, jid types.JID, announce bool) error
	SetGroupLocked(ctx context.Context, jid types.JID, locked bool) error
	GetGroupInviteLink(ctx context.Context, jid types.JID, reset bool) (string, error)
	GetJoinedGroups(ctx context.Context) ([]*types.GroupInfo, error)
}

var _ groupClient = (*whatsmeow.Client)(nil)

// MaxGroupSize is WhatsApp's limit of members in a group; a request naming
// more participants than that can never succeed and is refused unsent.
const MaxGroupSize = 1024

// MaxGroupNameLen is WhatsApp's limit of a group's name, in characters
// (whatsmeow: a longer one is answered 406).
const MaxGroupNameLen = 25

// MaxGroupTopicLen is WhatsApp's limit of a group's description.
const MaxGroupTopicLen = 2048

// ParseGroupID parses a group JID as users give it: "<digits>@g.us" (or an
// old "<creator>-<timestamp>@g.us"). Anything else, a person's number
// included, is INVALID_RECIPIENT.
func ParseGroupID(s string) (types.JID, error) {
	jid, err := ParseRecipient(s)
	if err == nil && jid.Server == types.GroupServer {
		return jid, nil
	}
	given := strings.TrimSpace(s)
	if len(given) > 64 {
		given = given[:64] + "..."
	}
	return types.JID{}, werr.Invalid(werr.CodeInvalidRecipient,
		"group_id must be a group JID like 120363025246125888@g.us").WithDetails(map[string]any{"group_id": given})
}

// parseParticipants parses the people a group request names: phone numbers
// or user JIDs (s.whatsapp.net, lid), each once, one to MaxGroupSize of them.
func parseParticipants(in []string) ([]types.JID, error) {
	if len(in) == 0 {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "participants must name at least one phone number")
	}
	if len(in) > MaxGroupSize {
		return nil, werr.Invalid(werr.CodeInvalidPayload, "participants names %d people; a WhatsApp group holds at most %d", len(in), MaxGroupSize)
	}
	out := make([]types.JID, 0, len(in))
	seen := make(map[types.JID]bool, len(in))
	for _, p := range in {
		jid, err := ParseRecipient(p)
		if err != nil {
			return nil, err
		}
		if jid.Server != types.DefaultUserServer && jid.Server != types.HiddenUserServer {
			return nil, invalidRecipient(p, "a participant is a person: a phone number or a user JID")
		}
		if !seen[jid] {
			seen[jid] = true
			out = append(out, jid)
		}
	}
	return out, nil
}

// groupLink is the session's link when it can talk to WhatsApp now, with
// the account's identity.
func (s *Session) groupLink() (*link, identity, error) {
	l, err := s.online()
	if err != nil {
		return nil, identity{}, err
	}
	return l, s.selfOf(l).identity(), nil
}

// groupOp classifies a group operation's error: a group's 404 is NOT_FOUND,
// its 401/403 FORBIDDEN (errors.go).
func groupOp(group types.JID, format string, args ...any) upstream {
	if group.IsEmpty() {
		group = types.GroupServerJID
	}
	return op(group, format, args...)
}
