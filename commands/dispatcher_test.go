package commands_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	cloudevent "github.com/cloudevents/sdk-go/v2/event"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/commands"
	"github.com/wabridge/wabridge/internal/werr"
)

const okText = `{"phone":"4917612345678","message":"hello"}`

func TestDispatchOutcomes(t *testing.T) {
	withType := func(e cloudevent.Event, typ string) cloudevent.Event { e.SetType(typ); return e }
	withContentType := func(e cloudevent.Event, ct string) cloudevent.Event { e.SetDataContentType(ct); return e }
	tests := []struct {
		name      string
		session   string
		command   string
		event     func(t *testing.T) cloudevent.Event
		fail      error // returned by the fake session
		panicky   bool
		status    int
		code      string
		retryable bool
		calls     int // calls reaching the session
	}{
		{name: "success", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", okText) }, status: 200, calls: 1},
		{name: "unknown command", session: "default", command: "no.such",
			event: func(t *testing.T) cloudevent.Event { return command(t, "no.such", "1", `{}`) }, status: 400, code: "UNKNOWN_COMMAND"},
		{name: "type does not match subject", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event {
				return withType(command(t, "send.message", "1", okText), commands.TypeOf("app.logout"))
			}, status: 400, code: "INVALID_CLOUDEVENT"},
		{name: "missing id", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "", okText) }, status: 400, code: "INVALID_CLOUDEVENT"},
		{name: "not a CloudEvent at all", session: "default", command: "send.message",
			event: func(*testing.T) cloudevent.Event { return cloudevent.Event{} }, status: 400, code: "INVALID_CLOUDEVENT"},
		{name: "schema violation", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", `{"message":""}`) }, status: 400, code: "INVALID_PAYLOAD"},
		{name: "data not JSON", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", `{"phone":`) }, status: 400, code: "INVALID_PAYLOAD"},
		{name: "data not declared JSON", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event {
				return withContentType(command(t, "send.message", "1", okText), "text/plain")
			}, status: 400, code: "INVALID_PAYLOAD"},
		{name: "JSON with charset", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event {
				return withContentType(command(t, "send.message", "1", okText), "application/json; charset=utf-8")
			}, status: 200, calls: 1},
		{name: "data too large", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event {
				big := fmt.Sprintf(`{"phone":"4917612345678","message":%q}`, strings.Repeat("x", commands.DefaultMaxDataBytes))
				return command(t, "send.message", "1", big)
			}, status: 413, code: "PAYLOAD_TOO_LARGE"},
		{name: "no data where none is needed", session: "default", command: "app.logout",
			event: func(t *testing.T) cloudevent.Event { return command(t, "app.logout", "1", "") }, status: 200, calls: 1},
		{name: "no data where fields are required", session: "default", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", "") }, status: 400, code: "INVALID_PAYLOAD"},
		{name: "bad session name", session: "Bad.Name", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", okText) }, status: 400, code: "INVALID_SESSION"},
		{name: "unknown session", session: "other", command: "send.message",
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", okText) }, status: 404, code: "SESSION_NOT_FOUND"},
		{name: "invalid recipient", session: "default", command: "send.message", fail: werr.Invalid(werr.CodeInvalidRecipient, "phone must be digits"),
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", okText) }, status: 400, code: "INVALID_RECIPIENT", calls: 1},
		{name: "not logged in", session: "default", command: "app.logout", fail: werr.New(werr.KindNotLoggedIn, werr.CodeNotLoggedIn, "log in first"),
			event: func(t *testing.T) cloudevent.Event { return command(t, "app.logout", "1", `{}`) }, status: 401, code: "NOT_LOGGED_IN", calls: 1},
		{name: "not connected", session: "default", command: "send.message", fail: werr.New(werr.KindNotConnected, werr.CodeNotConnected, "offline"),
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", okText) }, status: 503, code: "NOT_CONNECTED", retryable: true, calls: 1},
		{name: "rate limited", session: "default", command: "send.message", fail: werr.New(werr.KindRateLimited, werr.CodeRateLimited, "slow down"),
			event: func(t *testing.T) cloudevent.Event { return command(t, "send.message", "1", okText) }, status: 429, code: "RATE_LIMITED", retryable: true, calls: 1},
		{name: "error without kind", session: "default", command: "app.reconnect", fail: errors.New("socket closed"),
			event: func(t *testing.T) cloudevent.Event { return command(t, "app.reconnect", "1", `{}`) }, status: 500, code: "INTERNAL_ERROR", retryable: true, calls: 1},
		{name: "deadline", session: "default", command: "app.reconnect", fail: fmt.Errorf("dialing: %w", context.DeadlineExceeded),
			event: func(t *testing.T) cloudevent.Event { return command(t, "app.reconnect", "1", `{}`) }, status: 504, code: "TIMEOUT", retryable: true, calls: 1},
		{name: "panicking handler", session: "default", command: "app.devices", panicky: true,
			event: func(t *testing.T) cloudevent.Event { return command(t, "app.devices", "1", `{}`) }, status: 500, code: "INTERNAL_ERROR", retryable: true, calls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.sess.err, r.sess.panicky = tt.fail, tt.panicky
			res := execute(r.d, context.Background(), tt.session, tt.command, tt.event(t))
			b := decode(t, res.Event)
			if b.Status != tt.status || b.Code != tt.code {
				t.Fatalf("status %d code %q (%s), want %d %q", b.Status, b.Code, b.Message, tt.status, tt.code)
			}
			if b.Message == "" {
				t.Error("result has no message")
			}
			if res.Retryable != tt.retryable || res.Replayed {
				t.Errorf("Retryable=%v Replayed=%v, want %v false", res.Retryable, res.Replayed, tt.retryable)
			}
			if got := len(r.sess.Calls()); got != tt.calls {
				t.Errorf("session got %d calls, want %d", got, tt.calls)
			}
			if err := res.Event.Validate(); err != nil {
				t.Errorf("result is not a valid CloudEvent: %v", err)
			}
			if want := commands.ResultTypeOf(tt.command); res.Event.Type() != want {
				t.Errorf("result type %q, want %q", res.Event.Type(), want)
			}
		})
	}
}

func TestDispatchSchemaViolationDetails(t *testing.T) {
	r := newRig(t)
	res := execute(r.d, context.Background(), "default", "send.message",
		command(t, "send.message", "1", `{"message":"","mentions":[5],"colour":"red"}`))
	b := decode(t, res.Event)
	t.Logf("message: %s\ndetails: %v", b.Message, b.Details)
	errs, _ := b.Details["errors"].([]any)
	got := map[string]string{}
	for _, e := range errs {
		m, _ := e.(map[string]any)
		f, _ := m["field"].(string)
		reason, _ := m["reason"].(string)
		got[f] = reason
	}
	for _, field := range []string{"/phone", "/message", "/mentions/0", "/colour"} {
		if got[field] == "" {
			t.Errorf("no issue for %s in %v", field, b.Details)
		}
	}
	if !strings.Contains(b.Message, "/phone") {
		t.Errorf("message %q does not name the field", b.Message)
	}
}

func TestResultAttributes(t *testing.T) {
	r := newRig(t)
	cmd := command(t, "send.message", "cmd-1", okText)
	cmd.SetSubject("120363000000000000@g.us") // a claim; the result names the chat sent to
	cmd.SetExtension("correlationid", "flow-42")
	res := execute(r.d, context.Background(), "default", "send.message", cmd)
	ev := res.Event
	checks := map[string][2]string{
		"specversion":     {ev.SpecVersion(), "1.0"},
		"type":            {ev.Type(), "io.wabridge.command.send.message.result"},
		"source":          {ev.Source(), "/wabridge/default"},
		"subject":         {ev.Subject(), "4917612345678@s.whatsapp.net"},
		"datacontenttype": {ev.DataContentType(), "application/json"},
		"causationid":     {fmt.Sprint(ev.Extensions()["causationid"]), "cmd-1"},
		"correlationid":   {fmt.Sprint(ev.Extensions()["correlationid"]), "flow-42"},
		"wasession":       {fmt.Sprint(ev.Extensions()["wasession"]), "default"},
	}
	for attr, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %q, want %q", attr, c[0], c[1])
		}
	}
	if !ev.Time().Equal(fixedNow) {
		t.Errorf("time %v, want %v", ev.Time(), fixedNow)
	}
	if ev.ID() == "" || ev.ID() == cmd.ID() {
		t.Errorf("result id %q must be set and differ from the command's", ev.ID())
	}
}

func TestCorrelationIDOnlyWhenSent(t *testing.T) {
	r := newRig(t)
	res := execute(r.d, context.Background(), "default", "app.logout", command(t, "app.logout", "1", `{}`))
	if _, ok := res.Event.Extensions()["correlationid"]; ok {
		t.Error("correlationid set although the command had none")
	}
}

func TestReject(t *testing.T) {
	r := newRig(t)
	ev := r.d.Reject("default", "send.message", werr.Invalid(werr.CodeInvalidCloudEvent, "payload is not a CloudEvent"))
	b := decode(t, ev)
	if b.Status != 400 || b.Code != "INVALID_CLOUDEVENT" || b.Message != "payload is not a CloudEvent" {
		t.Errorf("reject body %+v", b)
	}
	if err := ev.Validate(); err != nil {
		t.Errorf("reject result is not a valid CloudEvent: %v", err)
	}
	if ev.Type() != commands.ResultTypeOf("send.message") || ev.Source() != "/wabridge/default" {
		t.Errorf("reject type %q source %q", ev.Type(), ev.Source())
	}
	if bad := r.d.Reject("No Such", "x", errors.New("boom")); bad.Source() != "/wabridge" {
		t.Errorf("reject with invalid session has source %q", bad.Source())
	}
}

func TestNewDispatcherConfig(t *testing.T) {
	_, err := commands.NewDispatcher(commands.DispatcherConfig{})
	if err == nil {
		t.Fatal("empty config accepted")
	}
	for _, field := range []string{"Sessions", "DB", "Schemas", "Audit"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
}

// loginOnly is a session that can only log in: any other command finds its
// port missing.
type loginOnly struct{}

func (loginOnly) Login(context.Context) (bridge.LoginQR, error) { return bridge.LoginQR{}, nil }

func TestMissingPortIsInternalAndLogged(t *testing.T) {
	r := newRig(t)
	var logs strings.Builder
	cfg := r.config(t)
	cfg.Sessions = fakeSessions{"default": loginOnly{}}
	cfg.Log = slog.New(slog.NewTextHandler(&logs, nil))
	d := newDispatcher(t, cfg)
	res := execute(d, context.Background(), "default", "send.message", command(t, "send.message", "1", okText))
	if b := decode(t, res.Event); b.Status != 500 || b.Code != "INTERNAL_ERROR" || strings.Contains(b.Message, "TextSender") {
		t.Errorf("status %d code %s message %q: want a plain INTERNAL_ERROR", b.Status, b.Code, b.Message)
	}
	if !strings.Contains(logs.String(), "TextSender") {
		t.Errorf("the log does not name the missing port:\n%s", logs.String())
	}
}

// A result's subject is the chat the handler touched, never what the
// caller put in ce-subject (the audit trail is replayed by chat).
func TestResultSubjectIgnoresCaller(t *testing.T) {
	r := newRig(t)
	cmd := command(t, "app.logout", "s", `{}`)
	cmd.SetSubject("120363000000000000@g.us")
	if res := execute(r.d, context.Background(), "default", "app.logout", cmd); res.Event.Subject() != "" {
		t.Errorf("app.logout result has subject %q from the caller", res.Event.Subject())
	}
}
