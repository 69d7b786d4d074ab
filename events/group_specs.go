package events

import "time"

// groupSpecs are the catalog entries of groups and pictures
// (group_types.go).
func groupSpecs() []Spec {
	ana := JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"}
	bob := JID{JID: "4915187654321@s.whatsapp.net", PN: "4915187654321@s.whatsapp.net"}
	group := JID{JID: sampleChat}
	name, yes, timer := "Dinner club", true, uint32(7*24*3600)
	link := "https://chat.whatsapp.com/AbCdEfGhIjKlMnOpQrStUv"
	created := sampleTime().Add(-48 * time.Hour)
	return []Spec{
		{
			Type: TypeGroupJoined, Schema: "events/group.joined.json", Chat: true,
			Summary:     "this account created a group, was added to one or joined one by link",
			Description: "The subject is the group; group is its state as WhatsApp sent it, how says create, add or invite, by who created it or added this account.",
			Sample: GroupJoined{
				Group: Group{
					JID: group, Name: name, Topic: "Every first Friday", TopicID: "8F3A2B1C", Owner: &ana,
					Announce: false, Locked: true, EphemeralSeconds: timer, JoinApproval: false, Created: &created,
					Participants: []GroupMember{{JID: ana, IsAdmin: true, IsSuperAdmin: true}, {JID: bob}},
				},
				How: JoinedByAdd, By: &ana, Timestamp: sampleTime(),
			},
		},
		{
			Type: TypeGroupUpdated, Schema: "events/group.updated.json", Chat: true,
			Summary:     "a group's name, description, photo, announce, locked or disappearing setting changed",
			Description: "Only what changed is set, with its new value; WhatsApp sends no previous values (GET /chats and group.info show the state before). by is who changed it.",
			Sample: GroupUpdated{
				Group: group, By: &ana, Name: &name,
				Topic:    &GroupTopicChange{Text: "Every first Friday", ID: "8F3A2B1C"},
				Photo:    &GroupPhotoChange{PictureID: "1700000000"},
				Announce: &yes, Locked: &yes, EphemeralSeconds: &timer, JoinApproval: &yes, InviteLink: &link,
				Timestamp: sampleTime(),
			},
		},
		{
			Type: TypeGroupParticipantsChanged, Schema: "events/group.participants.changed.json", Chat: true,
			Summary:     "members were added to, removed from, left, promoted in or demoted in a group",
			Description: "One event per action; left is a member leaving by itself, removed is an admin removing members; reason invite marks members who joined by link.",
			Sample: GroupParticipantsChanged{
				Group: group, Action: ParticipantsAdded, Participants: []JID{bob}, By: &ana,
				Reason: "invite", Timestamp: sampleTime(),
			},
		},
		{
			Type: TypePictureUpdated, Schema: "events/picture.updated.json", Chat: true,
			Summary:     "a contact's profile picture or a group's photo was set or removed",
			Description: "The subject is the user's or the group's chat; user.avatar answers the new picture's URL.",
			Sample:      PictureUpdated{JID: group, IsGroup: true, PictureID: "1700000000", By: &ana, Timestamp: sampleTime()},
		},
	}
}
