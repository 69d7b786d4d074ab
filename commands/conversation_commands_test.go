package commands_test

import (
	"reflect"
	"testing"

	"github.com/wabridge/wabridge/internal/werr"
)

// The reference's bodies of send.location, send.contact and send.poll reach
// the session as written and answer 200 with the sent message.
func TestConversationSendCommands(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct{ name, data string }{
		{"send.location", `{"phone":"4917612345678","latitude":52.520008,"longitude":13.404954,"name":"Brandenburg Gate","address":"Pariser Platz, 10117 Berlin","url":"https://maps.google.com/?q=52.520008,13.404954"}`},
		{"send.contact", `{"phone":"4917612345678","contact_name":"John Doe","contact_phone":"4917698765432","contact_email":"john@example.com","contact_org":"Acme Corp"}`},
		{"send.poll", `{"phone":"4917612345678","question":"What is your favorite programming language?","options":["Python","JavaScript","Go","Java","Other"],"selectable_count":1}`},
	} {
		b, _ := answer(t, r, tc.name, "ok-"+tc.name, tc.data)
		if b.Status != 200 {
			t.Errorf("%s: %d %s %s", tc.name, b.Status, b.Code, b.Message)
		}
	}
	want := []string{
		`SendLocation 4917612345678 52.520008 13.404954 "Brandenburg Gate" "Pariser Platz, 10117 Berlin" "https://maps.google.com/?q=52.520008,13.404954"`,
		`SendContact 4917612345678 "John Doe" "4917698765432" "john@example.com" "Acme Corp"`,
		`SendPoll 4917612345678 "What is your favorite programming language?" [Python|JavaScript|Go|Java|Other] 1`,
	}
	if got := r.sess.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("calls\n%q\nwant\n%q", got, want)
	}
}

// What the schemas rule out never reaches WhatsApp.
func TestConversationSendCommandsRefuseBadInput(t *testing.T) {
	r := newRig(t)
	for _, tc := range []struct{ name, data string }{
		{"send.location", `{"phone":"4917612345678","latitude":91,"longitude":0}`},
		{"send.location", `{"phone":"4917612345678","latitude":0,"longitude":-180.5}`},
		{"send.location", `{"phone":"4917612345678","latitude":1}`},
		{"send.poll", `{"phone":"4917612345678","question":"Q?","options":["Go"]}`},
		{"send.poll", `{"phone":"4917612345678","question":"Q?","options":["Go","Rust","Go"]}`},
		{"send.poll", `{"phone":"4917612345678","question":"Q?","options":["Go","Rust"],"selectable_count":-1}`},
		{"send.contact", `{"phone":"4917612345678","contact_phone":"4917698765432"}`},
	} {
		b, _ := answer(t, r, tc.name, "bad"+tc.data, tc.data)
		if b.Status != 400 || b.Code != werr.CodeInvalidPayload {
			t.Errorf("%s %s: %d %s, want 400 %s", tc.name, tc.data, b.Status, b.Code, werr.CodeInvalidPayload)
		}
	}
	if got := r.sess.Calls(); len(got) != 0 {
		t.Errorf("calls %q, want none", got)
	}
}
