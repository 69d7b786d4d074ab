package events

import "time"

// The types of what WhatsApp tells about groups and pictures: this account
// joined a group, a group's settings or members changed, a user's or a
// group's picture changed.
const (
	TypeGroupJoined              = "io.wabridge.group.joined"
	TypeGroupUpdated             = "io.wabridge.group.updated"
	TypeGroupParticipantsChanged = "io.wabridge.group.participants.changed"
	TypePictureUpdated           = "io.wabridge.picture.updated"
)

// How this account came into a group (GroupJoined.How).
const (
	JoinedByCreate = "create" // this account created it
	JoinedByAdd    = "add"    // an admin added this account
	JoinedByInvite = "invite" // this account joined with an invite link
)

// The actions of a GroupParticipantsChanged.
const (
	ParticipantsAdded    = "added"
	ParticipantsRemoved  = "removed"
	ParticipantsLeft     = "left"
	ParticipantsPromoted = "promoted"
	ParticipantsDemoted  = "demoted"
)

// GroupMember is one participant of a group.
type GroupMember struct {
	JID          JID  `json:"jid"`
	IsAdmin      bool `json:"is_admin"`
	IsSuperAdmin bool `json:"is_super_admin"` // the group's creator
}

// Group is a group's state as WhatsApp describes it.
type Group struct {
	JID   JID    `json:"jid"`
	Name  string `json:"name"`
	Topic string `json:"topic,omitempty"` // the description
	// TopicID is WhatsApp's id of the current description (what a change
	// of it names as the previous one).
	TopicID string `json:"topic_id,omitempty"`
	Owner   *JID   `json:"owner,omitempty"`
	// Announce: only admins send; Locked: only admins edit the group's info.
	Announce bool `json:"announce"`
	Locked   bool `json:"locked"`
	// EphemeralSeconds is the disappearing-messages timer, 0 when off.
	EphemeralSeconds uint32        `json:"ephemeral_seconds"`
	JoinApproval     bool          `json:"join_approval_required"` // admins approve who joins by link
	Created          *time.Time    `json:"created,omitempty"`
	Participants     []GroupMember `json:"participants"`
}

// GroupJoined is the data of io.wabridge.group.joined: this account was
// added to a group, created one, or joined one with an invite link.
type GroupJoined struct {
	Group Group  `json:"group"`
	How   string `json:"how"` // create, add or invite
	// By is who created the group or added this account, when WhatsApp says.
	By        *JID      `json:"by,omitempty"`
	Timestamp time.Time `json:"timestamp"` // when the bridge got it
}

// GroupTopicChange is a changed group description.
type GroupTopicChange struct {
	Text    string `json:"text"`
	ID      string `json:"id,omitempty"` // WhatsApp's id of the new description
	Deleted bool   `json:"deleted"`
}

// GroupPhotoChange is a changed group photo.
type GroupPhotoChange struct {
	PictureID string `json:"picture_id,omitempty"`
	Removed   bool   `json:"removed"`
}

// GroupUpdated is the data of io.wabridge.group.updated: settings of a
// group changed. Only what changed is set, with its new value: WhatsApp's
// notification carries no previous values (the chat store and group.info
// have the state before the change).
type GroupUpdated struct {
	Group    JID               `json:"group"`
	By       *JID              `json:"by,omitempty"` // who changed it, when WhatsApp says
	Name     *string           `json:"name,omitempty"`
	Topic    *GroupTopicChange `json:"topic,omitempty"`
	Photo    *GroupPhotoChange `json:"photo,omitempty"`
	Announce *bool             `json:"announce,omitempty"`
	Locked   *bool             `json:"locked,omitempty"`
	// EphemeralSeconds is the new disappearing-messages timer, 0 for off.
	EphemeralSeconds *uint32 `json:"ephemeral_seconds,omitempty"`
	JoinApproval     *bool   `json:"join_approval_required,omitempty"`
	// InviteLink is the group's new invite link after a reset.
	InviteLink *string `json:"invite_link,omitempty"`
	// Deleted: the group was deleted (a community's admins can).
	Deleted   bool      `json:"deleted,omitempty"`
	Timestamp time.Time `json:"timestamp"`
}

// GroupParticipantsChanged is the data of
// io.wabridge.group.participants.changed: one action on some members.
type GroupParticipantsChanged struct {
	Group        JID    `json:"group"`
	Action       string `json:"action"` // added, removed, left, promoted or demoted
	Participants []JID  `json:"participants"`
	By           *JID   `json:"by,omitempty"` // who did it, when WhatsApp says
	// Reason is "invite" for members who joined with an invite link.
	Reason    string    `json:"reason,omitempty"`
	Timestamp time.Time `json:"timestamp"`
}

// PictureUpdated is the data of io.wabridge.picture.updated: a user's
// profile picture or a group's photo was set or removed.
type PictureUpdated struct {
	JID       JID    `json:"jid"` // the user or the group
	IsGroup   bool   `json:"is_group"`
	Removed   bool   `json:"removed"`
	PictureID string `json:"picture_id,omitempty"` // the new picture's id, unless removed
	// By is who changed a group's photo, when WhatsApp says.
	By        *JID      `json:"by,omitempty"`
	Timestamp time.Time `json:"timestamp"`
}
