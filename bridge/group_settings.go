package bridge

import (
	"context"
	"unicode/utf8"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// GroupChange is the answer of a change of a group's settings: the group
// and the one setting changed. Members learn of it as group.updated.
type GroupChange struct {
	GroupID string `json:"group_id"`
	// Left is set by group.leave.
	Left     *bool   `json:"left,omitempty"`
	Name     *string `json:"name,omitempty"`
	Topic    *string `json:"topic,omitempty"`
	TopicID  string  `json:"topic_id,omitempty"`
	Announce *bool   `json:"announce,omitempty"`
	Locked   *bool   `json:"locked,omitempty"`
	// PictureID is the group photo's new id (group.photo); PhotoRemoved
	// says the photo was removed.
	PictureID    string `json:"picture_id,omitempty"`
	PhotoRemoved bool   `json:"photo_removed,omitempty"`
}

// LeaveGroup leaves a group.
func (s *Session) LeaveGroup(ctx context.Context, groupID string) (GroupChange, error) {
	return s.changeGroup(ctx, groupID, "leaving group %s", func(l *link, g types.JID) (GroupChange, error) {
		left := true
		return GroupChange{Left: &left}, l.client.LeaveGroup(ctx, g)
	})
}

// SetGroupName renames a group (admins only in a locked group).
func (s *Session) SetGroupName(ctx context.Context, groupID, name string) (GroupChange, error) {
	name, err := groupName(name)
	if err != nil {
		return GroupChange{}, err
	}
	return s.changeGroup(ctx, groupID, "renaming group %s", func(l *link, g types.JID) (GroupChange, error) {
		return GroupChange{Name: &name}, l.client.SetGroupName(ctx, g, name)
	})
}

// SetGroupTopic sets a group's description; "" removes it. WhatsApp wants
// the id of the description it replaces, read here from the group, and an
// id for the new one, derived from key so a retry names the same version.
func (s *Session) SetGroupTopic(ctx context.Context, groupID, topic, key string) (GroupChange, error) {
	if n := utf8.RuneCountInString(topic); n > MaxGroupTopicLen {
		return GroupChange{}, werr.Invalid(werr.CodeInvalidPayload, "description has %d characters; WhatsApp allows at most %d", n, MaxGroupTopicLen)
	}
	return s.changeGroup(ctx, groupID, "setting the description of group %s", func(l *link, g types.JID) (GroupChange, error) {
		info, err := l.client.GetGroupInfo(ctx, g)
		if err != nil {
			return GroupChange{}, err
		}
		newID := MessageIDFromKey(key)
		return GroupChange{Topic: &topic, TopicID: newID}, l.client.SetGroupTopic(ctx, g, info.TopicID, newID, topic)
	})
}

// SetGroupAnnounce sets whether only admins may send to the group.
func (s *Session) SetGroupAnnounce(ctx context.Context, groupID string, announce bool) (GroupChange, error) {
	return s.changeGroup(ctx, groupID, "setting announcement mode of group %s", func(l *link, g types.JID) (GroupChange, error) {
		return GroupChange{Announce: &announce}, l.client.SetGroupAnnounce(ctx, g, announce)
	})
}

// SetGroupLocked sets whether only admins may change the group's info.
func (s *Session) SetGroupLocked(ctx context.Context, groupID string, locked bool) (GroupChange, error) {
	return s.changeGroup(ctx, groupID, "locking group %s", func(l *link, g types.JID) (GroupChange, error) {
		return GroupChange{Locked: &locked}, l.client.SetGroupLocked(ctx, g, locked)
	})
}

// changeGroup runs one change of a group on the session's client: the
// group id checked, the session online, the error classified as a group's.
func (s *Session) changeGroup(ctx context.Context, groupID, what string, do func(*link, types.JID) (GroupChange, error)) (GroupChange, error) {
	g, err := ParseGroupID(groupID)
	if err != nil {
		return GroupChange{}, err
	}
	l, _, err := s.groupLink()
	if err != nil {
		return GroupChange{}, err
	}
	c, err := do(l, g)
	if err != nil {
		return GroupChange{}, classify(err, groupOp(g, what, g))
	}
	c.GroupID = g.String()
	return c, nil
}
