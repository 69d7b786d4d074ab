package e2e_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"image/color"
	"image/jpeg"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/cenats"
)

// groupClient is one session of the shared bridge, for the group tests.
type groupClient struct {
	b     *bridgeProc
	nc    *nats.Conn
	phone string // the session's account number
}

func groupSession(t *testing.T, session string) groupClient {
	t.Helper()
	b := sharedBridge(t, session)
	b.login(session)
	_, env := b.do("GET", "/app/devices", nil, nil)
	var devs []struct {
		JID string `json:"jid"`
	}
	mustJSON(t, env.Data, &devs)
	phone, _, _ := strings.Cut(devs[0].JID, ":")
	phone, _, _ = strings.Cut(phone, "@")
	return groupClient{b: b, nc: b.nats(), phone: phone}
}

// ok calls the REST route and fails the test unless it answered 200.
func (g groupClient) ok(method, path string, body any, out any) {
	g.b.t.Helper()
	status, env := g.b.do(method, path, body, nil)
	if status != http.StatusOK {
		g.b.t.Fatalf("%s %s (%s): %d %s %s", method, path, g.b.session, status, env.Code, env.Message)
	}
	if out != nil {
		mustJSON(g.b.t, env.Data, out)
	}
}

// refused calls the route and wants it to fail with code.
func (g groupClient) refused(method, path string, body any, code string) {
	g.b.t.Helper()
	status, env := g.b.do(method, path, body, nil)
	if status == http.StatusOK || env.Code != code {
		g.b.t.Fatalf("%s %s (%s): %d %s %s, want %s", method, path, g.b.session, status, env.Code, env.Message, code)
	}
}

// events are the session's events of type typ about group, at least want
// of them (waiting up to 15 s).
func (g groupClient) events(group, typ string, want int) []map[string]any {
	g.b.t.Helper()
	filter := "wa." + g.b.session + ".evt." + strings.ReplaceAll(group, ".", "_") + "." + typ
	got := streamEvents(g.b.t, g.nc, filter, want, 15*time.Second)
	if len(got) < want {
		g.b.t.Fatalf("%s: %d %s events, want %d", g.b.session, len(got), typ, want)
	}
	var out []map[string]any
	for _, s := range got {
		var d map[string]any
		mustJSON(g.b.t, s.ce.Data(), &d)
		out = append(out, d)
	}
	return out
}

// durable publishes a durable command of the session to WA_COMMANDS and
// answers its result, read from the audit subject.
func (g groupClient) durable(name, id string, data any) envelope {
	t := g.b.t
	t.Helper()
	js, err := jetstream.New(g.nc)
	if err != nil {
		t.Fatal(err)
	}
	filter := "wa." + g.b.session + ".result." + name
	before := streamCount(t, g.nc, filter)
	msg, err := cenats.NewMsg("wa."+g.b.session+".cmd."+name, command(t, name, id, data), cenats.Binary)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.PublishMsg(ctx, msg); err != nil {
		t.Fatal(err)
	}
	got := streamEvents(t, g.nc, filter, int(before)+1, 20*time.Second)
	if uint64(len(got)) <= before {
		t.Fatalf("no result of durable %s %s", name, id)
	}
	res := got[len(got)-1].ce
	if res.Extensions()["causationid"] != id {
		t.Fatalf("result %v is not of command %s", res.Extensions(), id)
	}
	var env envelope
	mustJSON(t, res.Data(), &env)
	return env
}

type participantStatus struct {
	JID    string `json:"jid"`
	Status string `json:"status"`
}

// TestGroupsBetweenSessions: A creates a group with B (and a number without
// WhatsApp), B gets group.joined; A locks it and B's rename is FORBIDDEN;
// A promotes B, B's rename succeeds and both get group.updated; the invite
// link joins C; after a revoke the old link is NOT_FOUND and the new one
// works; an admin revokes another member's message, a member may not.
func TestGroupsBetweenSessions(t *testing.T) {
	a, b, c := groupSession(t, "groups-a"), groupSession(t, "groups-b"), groupSession(t, "groups-c")

	var created struct {
		GroupID      string              `json:"group_id"`
		Participants []participantStatus `json:"participants"`
	}
	a.ok("POST", "/group", map[string]any{"name": "Project Team 2024", "participants": []string{b.phone, "9990000001"}}, &created)
	g := created.GroupID
	statuses := map[string]string{}
	for _, p := range created.Participants {
		statuses[p.JID] = p.Status
	}
	if statuses[b.phone+"@s.whatsapp.net"] != "ok" || statuses["9990000001@s.whatsapp.net"] != "not_on_whatsapp" {
		t.Fatalf("participants %+v", created.Participants)
	}
	joined := b.events(g, "group.joined", 1)[0]
	if joined["how"] != "add" || joined["group"].(map[string]any)["name"] != "Project Team 2024" {
		t.Errorf("B's group.joined %v", joined)
	}

	a.ok("POST", "/group/locked", map[string]any{"group_id": g, "is_locked": true}, nil)
	b.refused("POST", "/group/name", map[string]any{"group_id": g, "name": "B's name"}, "FORBIDDEN")
	// On the durable path the refusal is final: its one result comes at
	// once (a transient error would be retried for the command's lifetime).
	if env := b.durable("group.name", "groups-b-rename-locked", map[string]any{"group_id": g, "name": "B's name"}); env.Status != http.StatusForbidden || env.Code != "FORBIDDEN" {
		t.Fatalf("durable rename of a locked group by a member: %d %s %s, want 403 FORBIDDEN", env.Status, env.Code, env.Message)
	}
	var promoted struct {
		Participants []participantStatus `json:"participants"`
	}
	a.ok("POST", "/group/participants/promote", map[string]any{"group_id": g, "participants": []string{b.phone}}, &promoted)
	if len(promoted.Participants) != 1 || promoted.Participants[0].Status != "ok" {
		t.Fatalf("promote %+v", promoted)
	}
	b.ok("POST", "/group/name", map[string]any{"group_id": g, "name": "B's name"}, nil)
	for _, s := range []groupClient{a, b} {
		ups := s.events(g, "group.updated", 2) // the lock, then the rename
		if last := ups[len(ups)-1]; last["name"] != "B's name" {
			t.Errorf("%s's last group.updated %v, want the rename", s.b.session, last)
		}
	}

	var link struct {
		InviteLink string `json:"invite_link"`
	}
	b.ok("GET", "/group/invite-link?group_id="+g, nil, &link)
	var join struct {
		GroupID string `json:"group_id"`
		Status  string `json:"status"`
	}
	c.ok("POST", "/group/join-with-link", map[string]any{"invite_link": link.InviteLink}, &join)
	if join.GroupID != g || join.Status != "joined" {
		t.Fatalf("join %+v", join)
	}
	if j := c.events(g, "group.joined", 1)[0]; j["how"] != "invite" {
		t.Errorf("C's group.joined %v", j)
	}
	var revoked struct {
		InviteLink string `json:"invite_link"`
	}
	a.ok("POST", "/group/invite-link/revoke", map[string]any{"group_id": g}, &revoked)
	if revoked.InviteLink == link.InviteLink || !strings.HasPrefix(revoked.InviteLink, "https://chat.whatsapp.com/") {
		t.Fatalf("revoke answered %q (old %q)", revoked.InviteLink, link.InviteLink)
	}
	c.ok("POST", "/group/leave", map[string]any{"group_id": g}, nil)
	c.refused("POST", "/group/join-with-link", map[string]any{"invite_link": link.InviteLink}, "NOT_FOUND")
	c.ok("POST", "/group/join-with-link", map[string]any{"invite_link": revoked.InviteLink}, nil)

	// Issue 7's leftover: an admin deletes another member's message for
	// everyone; a member who is no admin may not.
	a.ok("POST", "/send/message", map[string]any{"phone": g, "message": "from A"}, nil)
	var ids []string
	for _, s := range []groupClient{b, c} {
		msgs := s.events(g, "message.received", 1)
		ids = append(ids, msgs[len(msgs)-1]["id"].(string))
	}
	c.refused("POST", "/message/"+ids[1]+"/revoke", map[string]any{}, "FORBIDDEN")
	b.ok("POST", "/message/"+ids[0]+"/revoke", map[string]any{}, nil)
	if got := c.events(g, "message.revoked", 1); len(got) != 1 {
		t.Errorf("C's message.revoked: %v", got)
	}

	var mine []map[string]any
	c.ok("GET", "/user/my/groups", nil, &mine)
	if len(mine) != 1 || mine[0]["group_id"] != g || mine[0]["name"] != "B's name" {
		t.Errorf("C's groups %v", mine)
	}
}

// TestGroupReferenceExamples: every group curl example of the API
// reference answers 200, with the reference's placeholders (120363xxx@g.us,
// ABC123DEF456) replaced by a group and a link that exist.
func TestGroupReferenceExamples(t *testing.T) {
	a, j := groupSession(t, "groups-ref"), groupSession(t, "groups-ref2")
	var created struct {
		GroupID string `json:"group_id"`
	}
	a.ok("POST", "/group", map[string]any{"name": "Project Team 2024",
		"participants": []string{"4917612345678", "4917698765432", "4917687654321"}}, &created)
	g := created.GroupID
	var link struct {
		InviteLink string `json:"invite_link"`
	}
	a.ok("GET", "/group/invite-link?group_id="+g, nil, &link)
	j.ok("POST", "/group/join-with-link", map[string]any{"invite_link": link.InviteLink}, nil)
	a.ok("GET", "/group/info?group_id="+g, nil, nil)
	a.ok("POST", "/group/participants/add", map[string]any{"group_id": g, "participants": []string{"4917612345678", "4917698765432"}}, nil)
	a.ok("POST", "/group/participants/remove", map[string]any{"group_id": g, "participants": []string{"4917612345678"}}, nil)
	a.ok("POST", "/group/participants/promote", map[string]any{"group_id": g, "participants": []string{"4917698765432"}}, nil)
	a.ok("POST", "/group/participants/demote", map[string]any{"group_id": g, "participants": []string{"4917698765432"}}, nil)
	// The reference uploads the photo as multipart/form-data; the data:
	// URL the media commands take works as well.
	photo := jpegPhoto(t)
	uploadGroupPhoto(t, a.b, g, photo)
	a.ok("POST", "/group/photo", map[string]any{"group_id": g, "image": "data:image/jpeg;base64," + base64.StdEncoding.EncodeToString(photo)}, nil)
	a.ok("POST", "/group/name", map[string]any{"group_id": g, "name": "New Group Name 2024"}, nil)
	a.ok("POST", "/group/description", map[string]any{"group_id": g, "description": "This is our project team for Q4 2024 initiatives"}, nil)
	a.ok("POST", "/group/announce", map[string]any{"group_id": g, "is_announce": true}, nil)
	a.ok("POST", "/group/locked", map[string]any{"group_id": g, "is_locked": true}, nil)
	a.ok("GET", "/group/invite-link?group_id="+g, nil, nil)
	a.ok("POST", "/group/invite-link/revoke", map[string]any{"group_id": g}, nil)
	a.ok("GET", "/user/my/groups", nil, nil)
	var info struct {
		Name         string `json:"name"`
		Topic        string `json:"topic"`
		Announce     bool   `json:"announce"`
		Locked       bool   `json:"locked"`
		Participants []struct {
			JID     string `json:"jid"`
			IsAdmin bool   `json:"is_admin"`
		} `json:"participants"`
	}
	a.ok("GET", "/group/info?group_id="+g, nil, &info)
	if info.Name != "New Group Name 2024" || info.Topic != "This is our project team for Q4 2024 initiatives" || !info.Announce || !info.Locked || len(info.Participants) != 4 {
		t.Errorf("info after the examples: %+v", info)
	}
	if pics := a.events(g, "picture.updated", 2); len(pics) != 2 || pics[0]["is_group"] != true || pics[0]["picture_id"] == nil || pics[0]["picture_id"] == "" {
		t.Errorf("picture.updated %v", pics)
	}
	a.ok("POST", "/group/leave", map[string]any{"group_id": g}, nil)
}

// TestGroupBadInput: what can never succeed is refused with a clear code
// and changes nothing.
func TestGroupBadInput(t *testing.T) {
	a := groupSession(t, "groups-bad")
	many := make([]string, 2000)
	for i := range many {
		many[i] = "4917" + strings.Repeat("0", 4) + string(rune('0'+i/1000)) + string(rune('0'+i/100%10)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
	}
	a.refused("POST", "/group", map[string]any{"name": "x", "participants": []string{}}, "INVALID_PAYLOAD")
	a.refused("POST", "/group", map[string]any{"name": "x", "participants": many}, "INVALID_PAYLOAD")
	a.refused("POST", "/group/name", map[string]any{"group_id": "120363xxx@g.us", "name": "x"}, "INVALID_RECIPIENT")
	a.refused("GET", "/group/info?group_id=4917612345678", nil, "INVALID_RECIPIENT")
	a.refused("POST", "/group/join-with-link", map[string]any{"invite_link": "https://chat.whatsapp.com.evil.example/ABC123DEF456"}, "INVALID_PAYLOAD")
	a.refused("GET", "/group/info?group_id=120363000000000777@g.us", nil, "NOT_FOUND")
	var mine []map[string]any
	a.ok("GET", "/user/my/groups", nil, &mine)
	if len(mine) != 0 {
		t.Errorf("groups after refused requests: %v", mine)
	}
}

func jpegPhoto(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 300, 200))
	for x := range 300 {
		img.Set(x, x%200, color.RGBA{200, 10, 10, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadGroupPhoto posts the reference's multipart form to /group/photo.
func uploadGroupPhoto(t *testing.T, b *bridgeProc, group string, photo []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("group_id", group)
	part, err := w.CreateFormFile("image", "group-photo.jpg")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(photo)
	_ = w.Close()
	req, err := http.NewRequest("POST", b.httpURL+"/group/photo", &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-Session", b.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("multipart POST /group/photo: %d", resp.StatusCode)
	}
}
