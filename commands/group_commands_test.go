package commands_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/commands"
)

const testGroup = "120363025246125888@g.us"

// TestGroupCommandsCallTheSession: each group command hands its fields to
// the session method it names, effects with the idempotency key, and
// effects are audited under the group they touched.
func TestGroupCommandsCallTheSession(t *testing.T) {
	g := `"group_id":"` + testGroup + `"`
	tests := []struct{ cmd, data, call string }{
		{"group.create", `{"name":"Project Team 2024","participants":["4917612345678","4917698765432"]}`,
			`CreateGroup "Project Team 2024" 4917612345678,4917698765432 key=true`},
		{"group.join_with_link", `{"invite_link":"https://chat.whatsapp.com/ABC123DEF456"}`, "JoinGroupWithLink https://chat.whatsapp.com/ABC123DEF456"},
		{"group.info", `{` + g + `}`, "GroupInfo " + testGroup},
		{"group.leave", `{` + g + `}`, "LeaveGroup " + testGroup},
		{"group.participants.add", `{` + g + `,"participants":["4917612345678"]}`, "UpdateParticipants " + testGroup + " add 4917612345678 key=true"},
		{"group.participants.remove", `{` + g + `,"participants":["4917612345678"]}`, "UpdateParticipants " + testGroup + " remove 4917612345678 key=true"},
		{"group.participants.promote", `{` + g + `,"participants":["4917612345678"]}`, "UpdateParticipants " + testGroup + " promote 4917612345678 key=true"},
		{"group.participants.demote", `{` + g + `,"participants":["4917612345678"]}`, "UpdateParticipants " + testGroup + " demote 4917612345678 key=true"},
		{"group.photo", `{` + g + `,"image":"nats-object://WA_MEDIA/up1"}`, "SetGroupPhoto " + testGroup + " nats-object://WA_MEDIA/up1"},
		{"group.name", `{` + g + `,"name":"New Group Name 2024"}`, "SetGroupName " + testGroup + ` "New Group Name 2024"`},
		{"group.description", `{` + g + `,"description":"Q4"}`, "SetGroupTopic " + testGroup + ` "Q4" key=true`},
		{"group.announce", `{` + g + `,"is_announce":true}`, "SetGroupAnnounce " + testGroup + " true"},
		{"group.locked", `{` + g + `,"is_locked":false}`, "SetGroupLocked " + testGroup + " false"},
		{"group.invite_link", `{` + g + `}`, "GroupInviteLink " + testGroup + " false"},
		{"group.invite_link", `{` + g + `,"reset":"true"}`, "GroupInviteLink " + testGroup + " true"},
		{"group.invite_link.revoke", `{` + g + `}`, "GroupInviteLink " + testGroup + " true"},
		{"user.my.groups", `{"limit":"10","before":"abc"}`, `JoinedGroups 10 "abc"`},
	}
	for _, tc := range tests {
		t.Run(tc.cmd+" "+tc.call, func(t *testing.T) {
			r := newRig(t)
			run(t, r, tc.cmd, tc.data, nil)
			if got := r.sess.Calls(); !reflect.DeepEqual(got, []string{tc.call}) {
				t.Fatalf("calls %q, want %q", got, tc.call)
			}
			spec, _ := commands.Lookup(tc.cmd)
			if spec.IsQuery() {
				if es := r.audit.entries(t); len(es) != 0 {
					t.Errorf("query %s audited %d results", tc.cmd, len(es))
				}
				return
			}
			if ev := auditedLast(t, r.audit); !strings.HasSuffix(ev.Subject(), "@g.us") {
				t.Errorf("audited subject %q, want the group", ev.Subject())
			}
		})
	}
}

// TestUserMyGroupsPages: data is the array itself, next_cursor beside it.
func TestUserMyGroupsPages(t *testing.T) {
	r := newRig(t)
	b := run(t, r, "user.my.groups", "", nil)
	var groups []map[string]any
	if err := json.Unmarshal(b.Data, &groups); err != nil || len(groups) != 1 || groups[0]["group_id"] != "120363000000000001@g.us" {
		t.Fatalf("data %s (%v)", b.Data, err)
	}
	res := execute(r.d, t.Context(), "default", "user.my.groups", command(t, "user.my.groups", "p1", ""))
	var env struct {
		NextCursor string `json:"next_cursor"`
	}
	if err := json.Unmarshal(res.Event.Data(), &env); err != nil || env.NextCursor != "next" {
		t.Fatalf("next_cursor %q (%v)", env.NextCursor, err)
	}
}

// TestGroupCommandsRefuseBadInput: the schemas refuse what can never
// succeed before the session is asked.
func TestGroupCommandsRefuseBadInput(t *testing.T) {
	many := make([]string, 2000)
	for i := range many {
		many[i] = `"49176` + strings.Repeat("0", 8-len(itoa(i))) + itoa(i) + `"`
	}
	g := `"group_id":"` + testGroup + `"`
	for _, tc := range []struct{ name, cmd, data string }{
		{"empty participants", "group.create", `{"name":"x","participants":[]}`},
		{"2,000 participants", "group.create", `{"name":"x","participants":[` + strings.Join(many, ",") + `]}`},
		{"2,000 to add", "group.participants.add", `{` + g + `,"participants":[` + strings.Join(many, ",") + `]}`},
		{"no group", "group.name", `{"name":"x"}`},
		{"no link", "group.join_with_link", `{}`},
		{"announce not a boolean", "group.announce", `{` + g + `,"is_announce":"yes"}`},
		{"reset not a boolean", "group.invite_link", `{` + g + `,"reset":"maybe"}`},
		{"unknown field", "group.leave", `{` + g + `,"force":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t)
			res := execute(r.d, t.Context(), "default", tc.cmd, command(t, tc.cmd, "bad", tc.data))
			if b := decode(t, res.Event); b.Status != 400 || b.Code != "INVALID_PAYLOAD" {
				t.Fatalf("status %d %s %s, want 400 INVALID_PAYLOAD", b.Status, b.Code, b.Message)
			}
			if calls := r.sess.Calls(); len(calls) != 0 {
				t.Fatalf("session called: %q", calls)
			}
		})
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}
