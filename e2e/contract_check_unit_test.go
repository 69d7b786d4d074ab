package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudevents/sdk-go/v2/event"
	"github.com/nats-io/nats.go"

	"github.com/wabridge/wabridge/events"
)

// The contract checks are what every e2e read of WA_EVENTS relies on; these
// tests show that each one rejects what the contract forbids.

func TestChatTokenIsTheContractsSpelling(t *testing.T) {
	for jid, want := range map[string]string{
		"":                             "_",
		"4917612345678@s.whatsapp.net": "4917612345678@s_whatsapp_net",
		"120363025246125888@g.us":      "120363025246125888@g_us",
		"1234@lid":                     "1234@lid",
	} {
		if got := chatToken(jid); got != want {
			t.Errorf("chatToken(%q) = %q, want %q", jid, got, want)
		}
	}
	if got := eventSubject("default", "", "io.wabridge.session.connected"); got != "wa.default.evt._.session.connected" {
		t.Errorf("session event subject %s", got)
	}
}

func TestCheckStreamedRejectsContractBreaks(t *testing.T) {
	for _, spec := range events.Catalog() {
		ce, err := events.NewCloudEvent(spec.SampleEvent())
		if err != nil {
			t.Fatalf("%s: %v", spec.Type, err)
		}
		session := ce.Extensions()[events.ExtSession].(string)
		good := eventSubject(session, ce.Subject(), ce.Type())
		h := nats.Header{nats.MsgIdHdr: []string{ce.ID()}}
		if err := checkStreamed(good, h, ce); err != nil {
			t.Errorf("%s: the catalog's sample fails: %v", spec.Type, err)
		}
		name := strings.TrimPrefix(ce.Type(), eventPrefix)
		for what, subject := range map[string]string{
			"without the chat token": "wa." + session + ".evt." + name,
			"the JID's dots kept":    "wa." + session + ".evt." + ce.Subject() + "." + name,
			"another session":        eventSubject("other", ce.Subject(), ce.Type()),
		} {
			if subject == good {
				continue // a chat-less type has no dots to keep
			}
			if checkStreamed(subject, h, ce) == nil {
				t.Errorf("%s on %s (%s) passes", spec.Type, subject, what)
			}
		}
		if checkStreamed(good, nats.Header{}, ce) == nil {
			t.Errorf("%s without Nats-Msg-Id passes", spec.Type)
		}
		broken := ce.Clone()
		if err := broken.SetData(event.ApplicationJSON, map[string]any{"unexpected": []int{1}}); err != nil {
			t.Fatal(err)
		}
		if checkStreamed(good, h, broken) == nil {
			t.Errorf("%s with data off its schema passes", spec.Type)
		}
	}
}

func TestCheckResultRejectsEnvelopeBreaks(t *testing.T) {
	result := func(data string, mutate func(*event.Event)) event.Event {
		ce := event.New()
		ce.SetID("r1")
		ce.SetType("io.wabridge.command.send.message.result")
		ce.SetSource("/wabridge/default")
		ce.SetExtension(events.ExtSession, "default")
		ce.SetTime(time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC))
		if err := ce.SetData(event.ApplicationJSON, []byte(data)); err != nil {
			t.Fatal(err)
		}
		if mutate != nil {
			mutate(&ce)
		}
		return ce
	}
	success := `{"status":200,"message":"Success","data":{"message_id":"x"}}`
	if err := checkResult(result(success, nil)); err != nil {
		t.Fatalf("a good success fails: %v", err)
	}
	if err := checkResult(result(`{"status":404,"code":"NOT_ON_WHATSAPP","message":"no","details":{"phone":"999"}}`, nil)); err != nil {
		t.Fatalf("a good failure fails: %v", err)
	}
	if err := checkStreamed("wa.default.result.send.message", nil, result(success, nil)); err != nil {
		t.Fatalf("a good result on its audit subject fails: %v", err)
	}
	for what, ce := range map[string]event.Event{
		"unknown field":             result(`{"status":200,"message":"Success","extra":1}`, nil),
		"failure without code":      result(`{"status":400,"message":"bad"}`, nil),
		"lower-case code":           result(`{"status":400,"code":"bad_input","message":"bad"}`, nil),
		"success with code":         result(`{"status":200,"code":"OK","message":"Success"}`, nil),
		"no message":                result(`{"status":200,"data":{}}`, nil),
		"status 0":                  result(`{"message":"Success"}`, nil),
		"not an object":             result(`[1]`, nil),
		"source of another session": result(success, func(e *event.Event) { e.SetSource("/wabridge/other") }),
		"not a result type":         result(success, func(e *event.Event) { e.SetType("io.wabridge.command.send.message") }),
	} {
		if checkResult(ce) == nil {
			t.Errorf("%s passes", what)
		}
	}
	if checkStreamed("wa.default.result.send.image", nil, result(success, nil)) == nil {
		t.Error("a result on another command's audit subject passes")
	}
}
