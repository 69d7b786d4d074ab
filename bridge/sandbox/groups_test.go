package sandbox_test

import (
	"errors"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waCommon"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// member is another session of a fixture's network, logged in.
type member struct {
	cli *sandbox.Client
	rec *recorder
	jid types.JID
}

func (f *fixture) member(t *testing.T, session, phone string) member {
	t.Helper()
	m := member{cli: f.net.NewClient(session, f.container.NewDevice(), nil), rec: newRecorder()}
	m.cli.AddEventHandlerWithSuccessStatus(m.rec.handle)
	if err := m.cli.Connect(); err != nil {
		t.Fatal(err)
	}
	next[*events.QR](t, m.rec)
	jid, err := f.net.Scan(testCtx(t), session, phone)
	if err != nil {
		t.Fatal(err)
	}
	next[*events.Connected](t, m.rec)
	m.jid = jid.ToNonAD()
	return m
}

// groupScene: session A created a group with session B and a number
// without WhatsApp.
type groupScene struct {
	f     *fixture
	a, b  member
	group types.JID
}

func newGroupScene(t *testing.T) groupScene {
	t.Helper()
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	a := member{cli: f.cli, rec: f.rec, jid: f.login(t, "4917600000001").ToNonAD()}
	b := f.member(t, "b", "4917600000002")
	none := types.NewJID("9990000001", types.DefaultUserServer)
	info, err := a.cli.CreateGroup(testCtx(t), whatsmeow.ReqCreateGroup{Name: "Team", Participants: []types.JID{b.jid, none}, CreateKey: "3EB0KEY1"})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[types.JID]types.GroupParticipant{}
	for _, p := range info.Participants {
		codes[p.JID] = p
	}
	if p := codes[a.jid]; !p.IsSuperAdmin || !p.IsAdmin || p.Error != 0 {
		t.Errorf("creator %+v, want superadmin", p)
	}
	if p := codes[b.jid]; p.IsAdmin || p.Error != 0 {
		t.Errorf("B %+v, want a plain member", p)
	}
	if p := codes[none]; p.Error != 404 {
		t.Errorf("999 number %+v, want error 404", p)
	}
	for _, m := range []member{a, b} {
		j := next[*events.JoinedGroup](t, m.rec)
		if j.JID != info.JID || j.Type != "new" || j.CreateKey != "KEY1" || j.Sender == nil || *j.Sender != a.jid || len(j.Participants) != 2 {
			t.Errorf("JoinedGroup %+v", j)
		}
	}
	return groupScene{f: f, a: a, b: b, group: info.JID}
}

func TestGroupLockAndPromote(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	if err := s.a.cli.SetGroupLocked(ctx, s.group, true); err != nil {
		t.Fatal(err)
	}
	for _, m := range []member{s.a, s.b} {
		if e := next[*events.GroupInfo](t, m.rec); e.Locked == nil || !e.Locked.IsLocked || *e.Sender != s.a.jid {
			t.Errorf("lock notification %+v", e)
		}
	}
	if err := s.b.cli.SetGroupName(ctx, s.group, "Mine"); !errors.Is(err, whatsmeow.ErrIQNotAuthorized) {
		t.Fatalf("a member renaming a locked group: %v, want not-authorized", err)
	}
	if _, err := s.b.cli.UpdateGroupParticipants(ctx, s.group, []types.JID{s.a.jid}, whatsmeow.ParticipantChangeDemote); !errors.Is(err, whatsmeow.ErrIQNotAuthorized) {
		t.Fatalf("a member demoting: %v, want not-authorized", err)
	}
	res, err := s.a.cli.UpdateGroupParticipants(ctx, s.group, []types.JID{s.b.jid}, whatsmeow.ParticipantChangePromote)
	if err != nil || len(res) != 1 || res[0].Error != 0 || !res[0].IsAdmin {
		t.Fatalf("promote: %+v, %v", res, err)
	}
	for _, m := range []member{s.a, s.b} {
		if e := next[*events.GroupInfo](t, m.rec); len(e.Promote) != 1 || e.Promote[0] != s.b.jid {
			t.Errorf("promote notification %+v", e)
		}
	}
	if err := s.b.cli.SetGroupName(ctx, s.group, "Mine"); err != nil {
		t.Fatal(err)
	}
	for _, m := range []member{s.a, s.b} {
		if e := next[*events.GroupInfo](t, m.rec); e.Name == nil || e.Name.Name != "Mine" || *e.Sender != s.b.jid {
			t.Errorf("rename notification %+v", e)
		}
	}
	info, err := s.a.cli.GetGroupInfo(ctx, s.group)
	if err != nil || info.Name != "Mine" || !info.IsLocked {
		t.Fatalf("info %+v, %v", info, err)
	}
}

func TestGroupInviteLinks(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	c := s.f.member(t, "c", "4917600000003")
	if _, err := s.b.cli.GetGroupInviteLink(ctx, s.group, false); !errors.Is(err, whatsmeow.ErrGroupInviteLinkUnauthorized) {
		t.Fatalf("a member's invite link: %v", err)
	}
	link, err := s.a.cli.GetGroupInviteLink(ctx, s.group, false)
	if err != nil {
		t.Fatal(err)
	}
	preview, err := c.cli.GetGroupInfoFromLink(ctx, link)
	if err != nil || preview.JID != s.group {
		t.Fatalf("preview %+v, %v", preview, err)
	}
	jid, err := c.cli.JoinGroupWithLink(ctx, link)
	if err != nil || jid != s.group {
		t.Fatalf("join: %s, %v", jid, err)
	}
	if j := next[*events.JoinedGroup](t, c.rec); j.Reason != "invite" || len(j.Participants) != 3 {
		t.Errorf("JoinedGroup %+v", j)
	}
	if e := next[*events.GroupInfo](t, s.b.rec); len(e.Join) != 1 || e.Join[0] != c.jid || e.JoinReason != "invite" {
		t.Errorf("join notification %+v", e)
	}
	fresh, err := s.a.cli.GetGroupInviteLink(ctx, s.group, true)
	if err != nil || fresh == link {
		t.Fatalf("reset: %s, %v", fresh, err)
	}
	if e := next[*events.GroupInfo](t, s.b.rec); e.NewInviteLink == nil || *e.NewInviteLink != fresh {
		t.Errorf("new link notification %+v", e)
	}
	d := s.f.member(t, "d", "4917600000004")
	if _, err := d.cli.JoinGroupWithLink(ctx, link); !errors.Is(err, whatsmeow.ErrInviteLinkRevoked) {
		t.Fatalf("revoked link: %v", err)
	}
	if _, err := d.cli.JoinGroupWithLink(ctx, "NeverMadeCode"); !errors.Is(err, whatsmeow.ErrInviteLinkInvalid) {
		t.Fatalf("unknown link: %v", err)
	}
	if _, err := d.cli.JoinGroupWithLink(ctx, fresh); err != nil {
		t.Fatal(err)
	}
}

func TestGroupUnknownAndNotAMember(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	unknown := types.NewJID("120363000000000999", types.GroupServer)
	if _, err := s.a.cli.GetGroupInfo(ctx, unknown); !errors.Is(err, whatsmeow.ErrGroupNotFound) {
		t.Fatalf("unknown group info: %v", err)
	}
	if err := s.a.cli.SetGroupName(ctx, unknown, "x"); !errors.Is(err, whatsmeow.ErrIQNotFound) {
		t.Fatalf("renaming an unknown group: %v", err)
	}
	text := &waE2E.Message{Conversation: proto.String("hi")}
	if _, err := s.a.cli.SendMessage(ctx, unknown, text); !errors.Is(err, whatsmeow.ErrGroupNotFound) {
		t.Fatalf("send to an unknown group: %v", err)
	}
	c := s.f.member(t, "c", "4917600000003")
	if _, err := c.cli.GetGroupInfo(ctx, s.group); !errors.Is(err, whatsmeow.ErrNotInGroup) {
		t.Fatalf("outsider's group info: %v", err)
	}
	if _, err := c.cli.SendMessage(ctx, s.group, text); !errors.Is(err, whatsmeow.ErrNotInGroup) {
		t.Fatalf("outsider's post: %v", err)
	}
}

func TestGroupMessagesAndAnnounce(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	text := &waE2E.Message{Conversation: proto.String("hello team")}
	if _, err := s.a.cli.SendMessage(ctx, s.group, text, whatsmeow.SendRequestExtra{ID: "3EB0POST1"}); err != nil {
		t.Fatal(err)
	}
	m := next[*events.Message](t, s.b.rec)
	if m.Info.Chat != s.group || m.Info.Sender != s.a.jid || !m.Info.IsGroup || m.Info.ID != "3EB0POST1" || m.Message.GetConversation() != "hello team" {
		t.Errorf("member got %+v", m.Info)
	}
	if err := s.a.cli.SetGroupAnnounce(ctx, s.group, true); err != nil {
		t.Fatal(err)
	}
	_, err := s.b.cli.SendMessage(ctx, s.group, text)
	if !errors.Is(err, whatsmeow.ErrServerReturnedError) {
		t.Fatalf("a member's post in an announce group: %v, want the server's refusal", err)
	}
	if _, err := s.a.cli.SendMessage(ctx, s.group, text); err != nil {
		t.Fatalf("the admin's post: %v", err)
	}
	revoke := &waE2E.Message{ProtocolMessage: &waE2E.ProtocolMessage{Type: waE2E.ProtocolMessage_REVOKE.Enum(),
		Key: &waCommon.MessageKey{FromMe: proto.Bool(false), ID: proto.String("3EB0POST1"), RemoteJID: proto.String(s.group.String()), Participant: proto.String(s.a.jid.String())}}}
	if err := s.a.cli.SetGroupAnnounce(ctx, s.group, false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.b.cli.SendMessage(ctx, s.group, revoke); !errors.Is(err, whatsmeow.ErrServerReturnedError) {
		t.Fatalf("a member revoking the admin's message: %v, want the server's refusal", err)
	}
}

func TestGroupLeaveAndPhoto(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	id, err := s.b.cli.SetGroupPhoto(ctx, s.group, []byte{0xFF, 0xD8, 0xFF, 0xE0, 0})
	if err != nil || id == "" {
		t.Fatalf("photo: %q, %v", id, err)
	}
	if p := next[*events.Picture](t, s.a.rec); p.JID != s.group || p.Author != s.b.jid || p.PictureID != id || p.Remove {
		t.Errorf("picture %+v", p)
	}
	if _, err := s.b.cli.SetGroupPhoto(ctx, s.group, []byte("GIF89a")); !errors.Is(err, whatsmeow.ErrInvalidImageFormat) {
		t.Fatalf("a GIF photo: %v", err)
	}
	if err := s.b.cli.LeaveGroup(ctx, s.group); err != nil {
		t.Fatal(err)
	}
	if e := next[*events.GroupInfo](t, s.a.rec); len(e.Leave) != 1 || e.Leave[0] != s.b.jid {
		t.Errorf("leave notification %+v", e)
	}
	groups, err := s.b.cli.GetJoinedGroups(ctx)
	if err != nil || len(groups) != 0 {
		t.Fatalf("B's groups after leaving: %v, %v", groups, err)
	}
	if groups, _ := s.a.cli.GetJoinedGroups(ctx); len(groups) != 1 || len(groups[0].Participants) != 1 {
		t.Fatalf("A's groups: %+v", groups)
	}
}

// Group and picture notifications are dated in whole seconds, as whatsmeow
// parses WhatsApp's "t": what a bridge keys their events by must tell
// apart changes within one second, and the sandbox must not hide that with
// a precision WhatsApp never gives.
func TestGroupNotificationsAreDatedInSeconds(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	for _, name := range []string{"First", "Second"} {
		if err := s.a.cli.SetGroupName(ctx, s.group, name); err != nil {
			t.Fatal(err)
		}
		if e := next[*events.GroupInfo](t, s.b.rec); e.Name == nil || e.Name.Name != name || e.Timestamp.Nanosecond() != 0 || e.Name.NameSetAt.Nanosecond() != 0 {
			t.Errorf("rename notification %+v, want %q at a whole second", e, name)
		}
	}
	if _, err := s.a.cli.SetGroupPhoto(ctx, s.group, nil); err != nil {
		t.Fatal(err)
	}
	if p := next[*events.Picture](t, s.b.rec); !p.Remove || p.Timestamp.Nanosecond() != 0 {
		t.Errorf("picture notification %+v, want a removal at a whole second", p)
	}
}

// Every membership change gets a new participant version, promotions and
// demotions as well (whatsmeow reads the v_id of each of them): it is what
// tells a promotion, a demotion and a promotion again within one second
// apart.
func TestEveryMembershipChangeHasItsVersion(t *testing.T) {
	s := newGroupScene(t)
	ctx := testCtx(t)
	seen := map[string]bool{}
	for _, action := range []whatsmeow.ParticipantChange{whatsmeow.ParticipantChangePromote, whatsmeow.ParticipantChangeDemote, whatsmeow.ParticipantChangePromote} {
		if _, err := s.a.cli.UpdateGroupParticipants(ctx, s.group, []types.JID{s.b.jid}, action); err != nil {
			t.Fatal(err)
		}
		e := next[*events.GroupInfo](t, s.b.rec)
		if e.ParticipantVersionID == "" || seen[e.ParticipantVersionID] {
			t.Errorf("%s notification has participant version %q, seen %v", action, e.ParticipantVersionID, seen)
		}
		seen[e.ParticipantVersionID] = true
	}
}
