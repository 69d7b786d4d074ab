package commands

import (
	"net/http"

	"github.com/wabridge/wabridge/bridge"
)

// Catalog is the table of every command. Transports (NATS subjects, REST
// routes) and the documentation derive from it. Adding a command is one
// line here plus its file, schema and tests.
func Catalog() []Spec {
	return []Spec{
		query("app.login", http.MethodGet, "/app/login", handle(appLogin)),
		query("app.login_with_code", http.MethodGet, "/app/login-with-code", handle(appLoginWithCode)),
		effect("app.logout", http.MethodPost, "/app/logout", handle(appLogout)),
		effect("app.reconnect", http.MethodPost, "/app/reconnect", handle(appReconnect)),
		query("app.devices", http.MethodGet, "/app/devices", handle(appDevices)),
		effect("send.message", http.MethodPost, "/send/message", handle(sendMessage)),
		effect("send.link", http.MethodPost, "/send/link", handle(sendLink)),
		effect("send.image", http.MethodPost, "/send/image", handle(sendImage)),
		effect("send.audio", http.MethodPost, "/send/audio", handle(sendAudio)),
		effect("send.video", http.MethodPost, "/send/video", handle(sendVideo)),
		effect("send.document", http.MethodPost, "/send/document", handle(sendDocument)),
		effect("send.sticker", http.MethodPost, "/send/sticker", handle(sendSticker)),
		effect("send.location", http.MethodPost, "/send/location", handle(sendLocation)),
		effect("send.contact", http.MethodPost, "/send/contact", handle(sendContact)),
		effect("send.poll", http.MethodPost, "/send/poll", handle(sendPoll)),
		effect("send.presence", http.MethodPost, "/send/presence", handle(sendPresence)),
		effect("send.chat_presence", http.MethodPost, "/send/chat-presence", handle(sendChatPresence)),
		effect("message.forward", http.MethodPost, "/message/forward", handle(messageForward)),
		effect("message.read", http.MethodPost, "/message/:message_id/read", handle(messageRead)),
		effect("message.reaction", http.MethodPost, "/message/:message_id/reaction", handle(messageReaction)),
		effect("message.update", http.MethodPost, "/message/:message_id/update", handle(messageUpdate)),
		effect("message.revoke", http.MethodPost, "/message/:message_id/revoke", handle(messageRevoke)),
		effect("message.delete", http.MethodPost, "/message/:message_id/delete", handle(messageDelete)),
		query("chat.list", http.MethodGet, "/chats", handle(chatList)),
		query("chat.messages", http.MethodGet, "/chat/:jid/messages", handle(chatMessages)),
		effect("chat.archive", http.MethodPost, "/chat/archive", handle(chatArchive)),
		effect("chat.mute", http.MethodPost, "/chat/mute", handle(chatMute)),
		effect("chat.pin", http.MethodPost, "/chat/pin", handle(chatPin)),
		effect("group.create", http.MethodPost, "/group", handle(groupCreate)),
		effect("group.join_with_link", http.MethodPost, "/group/join-with-link", handle(groupJoinWithLink)),
		query("group.info", http.MethodGet, "/group/info", handle(groupInfo)),
		effect("group.leave", http.MethodPost, "/group/leave", handle(groupLeave)),
		effect("group.participants.add", http.MethodPost, "/group/participants/add", handle(participants(bridge.ParticipantAdd))),
		effect("group.participants.remove", http.MethodPost, "/group/participants/remove", handle(participants(bridge.ParticipantRemove))),
		effect("group.participants.promote", http.MethodPost, "/group/participants/promote", handle(participants(bridge.ParticipantPromote))),
		effect("group.participants.demote", http.MethodPost, "/group/participants/demote", handle(participants(bridge.ParticipantDemote))),
		effect("group.photo", http.MethodPost, "/group/photo", handle(groupPhoto)),
		effect("group.name", http.MethodPost, "/group/name", handle(groupName)),
		effect("group.description", http.MethodPost, "/group/description", handle(groupDescription)),
		effect("group.announce", http.MethodPost, "/group/announce", handle(groupAnnounce)),
		effect("group.locked", http.MethodPost, "/group/locked", handle(groupLocked)),
		query("group.invite_link", http.MethodGet, "/group/invite-link", handle(groupInviteLink)),
		effect("group.invite_link.revoke", http.MethodPost, "/group/invite-link/revoke", handle(groupInviteLinkRevoke)),
		query("user.info", http.MethodGet, "/user/info", handle(userInfo)),
		query("user.avatar", http.MethodGet, "/user/avatar", handle(userAvatar)),
		query("user.check", http.MethodGet, "/user/check", handle(userCheck)),
		query("user.business_profile", http.MethodGet, "/user/business-profile", handle(userBusinessProfile)),
		query("user.my.contacts", http.MethodGet, "/user/my/contacts", handle(userMyContacts)),
		query("user.my.groups", http.MethodGet, "/user/my/groups", handle(userMyGroups)),
		query("user.my.privacy", http.MethodGet, "/user/my/privacy", handle(userMyPrivacy)),
	}
}

// Lookup returns the command called name.
func Lookup(name string) (Spec, bool) {
	for _, s := range Catalog() {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// query and effect fill in what follows from the name: the schema lives at
// commands/<name>.json.
func query(name, method, path string, h handler) Spec { return spec(name, Query, method, path, h) }

func effect(name, method, path string, h handler) Spec { return spec(name, Effect, method, path, h) }

func spec(name string, kind Kind, method, path string, h handler) Spec {
	return Spec{Name: name, Kind: kind, Method: method, Path: path, Schema: "commands/" + name + ".json", Run: h.run, Port: h.port}
}
