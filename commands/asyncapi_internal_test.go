package commands

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/wabridge/wabridge/events"
)

// TestAsyncAPIFailsWithoutSchema: a command or event type whose schema is
// missing makes the document fail to build instead of describing nothing.
func TestAsyncAPIFailsWithoutSchema(t *testing.T) {
	schema := []byte(`{"$id":"https://wabridge.io/schemas/x.json","type":"object"}`)
	fsys := fstest.MapFS{"commands/x.do.json": {Data: schema}, "events/x.happened.json": {Data: schema}}
	cmd := Spec{Name: "x.do", Kind: Effect, Schema: "commands/x.do.json"}
	evt := events.Spec{Type: events.TypePrefix + "x.happened", Schema: "events/x.happened.json", Summary: "s",
		Sample: events.SessionState{State: "qr", Seq: 1}}
	tests := []struct {
		name string
		cmds []Spec
		evts []events.Spec
		want string // "" = builds
	}{
		{"both present", []Spec{cmd}, []events.Spec{evt}, ""},
		{"command without schema", []Spec{{Name: "x.gone", Kind: Effect, Schema: "commands/x.gone.json"}}, nil, "command x.gone"},
		{"event without schema", nil, []events.Spec{{Type: events.TypePrefix + "x.gone", Schema: "events/x.gone.json"}}, "event io.wabridge.x.gone"},
		{"two commands, one id", []Spec{cmd, {Name: "x_do", Kind: Effect, Schema: "commands/x.do.json"}}, nil, "two messages named xDoCommand"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := asyncAPI(fsys, tt.cmds, tt.evts, "t")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("asyncAPI: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("error %v, want one naming %q", err, tt.want)
			}
		})
	}
}

func TestCamelID(t *testing.T) {
	for in, want := range map[string]string{
		"send.message": "sendMessage", "app.login_with_code": "appLoginWithCode",
		"group.participants.add": "groupParticipantsAdd", "session.temporary_ban": "sessionTemporaryBan",
	} {
		if got := camelID(in); got != want {
			t.Errorf("camelID(%q) = %q, want %q", in, got, want)
		}
	}
}
