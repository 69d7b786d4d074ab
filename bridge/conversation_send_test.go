package bridge_test

import (
	"context"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestSendLocationBuildsLocationMessage(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	res, err := e.session("default").SendLocation(context.Background(), bridge.SendLocationRequest{
		To: "4917612345678", Latitude: 52.520008, Longitude: 13.404954,
		Name: "Brandenburg Gate", Address: "Pariser Platz, 10117 Berlin",
		URL: "https://maps.google.com/?q=52.520008,13.404954", Key: "loc-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
		DegreesLatitude: proto.Float64(52.520008), DegreesLongitude: proto.Float64(13.404954),
		Name: proto.String("Brandenburg Gate"), Address: proto.String("Pariser Platz, 10117 Berlin"),
		URL: proto.String("https://maps.google.com/?q=52.520008,13.404954"),
	}}
	sent := c.sentMessages()
	if len(sent) != 1 || !proto.Equal(sent[0].Msg, want) || sent[0].To.String() != "4917612345678@s.whatsapp.net" {
		t.Fatalf("sent %v, want %v to 4917612345678@s.whatsapp.net", sent, want)
	}
	if sent[0].Extra.ID != bridge.MessageIDFromKey("loc-1") || res.WAID != string(sent[0].Extra.ID) {
		t.Fatalf("sent under id %s (result %s), want the key's id", sent[0].Extra.ID, res.WAID)
	}
	// Only the coordinates are required: the optional fields stay unset.
	if _, err := e.session("default").SendLocation(context.Background(), bridge.SendLocationRequest{To: "4917612345678", Latitude: -90, Longitude: 180}); err != nil {
		t.Fatal(err)
	}
	bare := &waE2E.Message{LocationMessage: &waE2E.LocationMessage{DegreesLatitude: proto.Float64(-90), DegreesLongitude: proto.Float64(180)}}
	if got := c.sentMessages()[1].Msg; !proto.Equal(got, bare) {
		t.Fatalf("sent %v, want %v", got, bare)
	}
}

func TestSendContactBuildsVCardWithWAID(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	_, err := e.session("default").SendContact(context.Background(), bridge.SendContactRequest{
		To: "4917612345678", Name: "John Doe", Phone: "4917698765432", Email: "john@example.com", Org: "Acme Corp", Key: "c-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &waE2E.Message{ContactMessage: &waE2E.ContactMessage{
		DisplayName: proto.String("John Doe"),
		Vcard: proto.String("BEGIN:VCARD\r\nVERSION:3.0\r\nN:;John Doe;;;\r\nFN:John Doe\r\nORG:Acme Corp\r\n" +
			"TEL;type=CELL;type=VOICE;waid=4917698765432:+4917698765432\r\n" +
			"EMAIL;type=INTERNET:john@example.com\r\nEND:VCARD\r\n"),
	}}
	if sent := c.sentMessages(); len(sent) != 1 || !proto.Equal(sent[0].Msg, want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
}

func TestSendPollBuildsCreationWithSecret(t *testing.T) {
	e := newPollEnv(t)
	c := e.loggedInConnected("default")
	opts := []string{"Python", "JavaScript", "Go", "Java", "Other"}
	res, err := e.session("default").SendPoll(context.Background(), bridge.SendPollRequest{
		To: "4917612345678", Question: "What is your favorite programming language?", Options: opts, Selectable: 1, Key: "p-1",
	})
	if err != nil {
		t.Fatal(err)
	}
	sent := c.sentMessages()
	if len(sent) != 1 {
		t.Fatalf("%d messages sent, want 1", len(sent))
	}
	got := sent[0].Msg
	secret := got.GetMessageContextInfo().GetMessageSecret()
	if len(secret) != 32 {
		t.Fatalf("message secret of %d bytes, want 32: votes could not be decrypted", len(secret))
	}
	want := &waE2E.Message{
		PollCreationMessage: &waE2E.PollCreationMessage{
			Name:                   proto.String("What is your favorite programming language?"),
			SelectableOptionsCount: proto.Uint32(1),
		},
		MessageContextInfo: &waE2E.MessageContextInfo{MessageSecret: secret},
	}
	for _, o := range opts {
		want.PollCreationMessage.Options = append(want.PollCreationMessage.Options, &waE2E.PollCreationMessage_Option{OptionName: proto.String(o)})
	}
	if !proto.Equal(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	if res.Cache == nil {
		t.Fatal("the poll is not cached with the result: its votes could not be named")
	}
}

// TestConversationSendsRefuseBadInput: each is INVALID_PAYLOAD and nothing
// reaches WhatsApp.
func TestConversationSendsRefuseBadInput(t *testing.T) {
	e := newPollEnv(t)
	c := e.loggedInConnected("default")
	s := e.session("default")
	ctx := context.Background()
	to := "4917612345678"
	poll := func(opts []string, selectable int) error {
		_, err := s.SendPoll(ctx, bridge.SendPollRequest{To: to, Question: "Q?", Options: opts, Selectable: selectable})
		return err
	}
	loc := func(lat, lon float64) error {
		_, err := s.SendLocation(ctx, bridge.SendLocationRequest{To: to, Latitude: lat, Longitude: lon})
		return err
	}
	contact := func(name, phone string) error {
		_, err := s.SendContact(ctx, bridge.SendContactRequest{To: to, Name: name, Phone: phone})
		return err
	}
	for name, err := range map[string]error{
		"latitude 91":                loc(91, 0),
		"latitude -90.5":             loc(-90.5, 0),
		"longitude 180.1":            loc(0, 180.1),
		"one poll option":            poll([]string{"Go"}, 0),
		"13 poll options":            poll([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"}, 0),
		"duplicate poll options":     poll([]string{"Go", "Rust", "Go"}, 0),
		"empty poll option":          poll([]string{"Go", ""}, 0),
		"selectable above count":     poll([]string{"Go", "Rust"}, 3),
		"contact without name":       contact("", "4917698765432"),
		"contact phone not a number": contact("John", "john@example.com"),
	} {
		if werr.From(err).Code != werr.CodeInvalidPayload {
			t.Errorf("%s: error %v, want INVALID_PAYLOAD", name, err)
		}
	}
	if _, err := s.SendPoll(ctx, bridge.SendPollRequest{To: to, Question: "", Options: []string{"a", "b"}}); werr.From(err).Code != werr.CodeInvalidPayload {
		t.Errorf("empty question: %v", err)
	}
	if n := len(c.sentMessages()); n != 0 {
		t.Fatalf("%d messages sent for bad input, want 0", n)
	}
}

// TestSendPollWithoutPollSupportIsNotSupported: a client that builds no
// poll (UnsupportedClient) is refused before anything is sent.
func TestSendPollWithoutPollSupportIsNotSupported(t *testing.T) {
	e := newEnv(t)
	c := e.loggedInConnected("default")
	_, err := e.session("default").SendPoll(context.Background(), bridge.SendPollRequest{To: "4917612345678", Question: "Q?", Options: []string{"a", "b"}})
	wantCode(t, err, werr.CodeNotSupported)
	if n := len(c.sentMessages()); n != 0 {
		t.Fatalf("%d messages sent, want 0", n)
	}
}
