package commands_test

import (
	"context"
	"testing"
)

// TestUnknownCommandNotAudited: a command name nobody defined is answered
// UNKNOWN_COMMAND over rpc and durably, but never written to the audit
// trail, whose subject (wa.<session>.result.<name>) the caller would choose.
func TestUnknownCommandNotAudited(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	cmd := command(t, "no.such.thing", "u", `{}`)
	for _, res := range []string{
		decode(t, execute(r.d, ctx, "default", "no.such.thing", cmd).Event).Code,
		decode(t, durable(r.d, ctx, "no.such.thing", cmd, fixedNow).Event).Code,
	} {
		if res != "UNKNOWN_COMMAND" {
			t.Errorf("answer %s, want UNKNOWN_COMMAND", res)
		}
	}
	if got := r.audit.entries(t); len(got) != 0 {
		t.Errorf("audit entries %+v, want none", got)
	}
}
