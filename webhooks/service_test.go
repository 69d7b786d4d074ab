package webhooks_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/wabridge/wabridge/internal/werr"
	"github.com/wabridge/wabridge/webhooks"
)

// Every event arrives exactly once as 2xx, in stream order (concurrency 1),
// each signature verifying, although each fails three times first.
func TestDeliveryRetriesInOrderExactlyOnce(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(_, _ string, attempt int) int {
		if attempt <= 3 {
			return http.StatusInternalServerError
		}
		return http.StatusNoContent
	})
	c := e.create(webhooks.Definition{URL: rc.srv.URL})
	var want []string
	for i := range 12 {
		want = append(want, e.publish(i))
	}
	eventually(t, "12 deliveries", func() bool { return len(rc.succeeded()) >= 12 })
	time.Sleep(100 * time.Millisecond) // a duplicate would show now
	var got []string
	for _, d := range rc.succeeded() {
		got = append(got, d.id)
		verify(t, c.Secret, d.body, d.header)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v\nwant      %v", got, want)
	}
	v, err := e.svc.Get(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Status.Delivered != 12 || v.Status.ConsecutiveFailures != 0 || v.Status.LastSuccess == nil || v.Status.LastError == "" {
		t.Fatalf("status %+v", v.Status)
	}
}

// With concurrency, a chat whose events keep failing holds back only its
// own later events; other chats proceed, and its own arrive in order.
func TestFailingChatNeverOvertaken(t *testing.T) {
	e := newEnv(t)
	blocked := "120363025246125800@g.us" // NumberedSample's chat for i%7 == 0
	rc := newReceiver(t, func(_, chat string, _ int) int {
		if chat == blocked {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	e.create(webhooks.Definition{URL: rc.srv.URL, Concurrency: 4})
	order := map[string][]string{}
	for i := range 21 {
		id := e.publish(i)
		chat := fmt.Sprintf("1203630252461258%02d@g.us", i%7)
		order[chat] = append(order[chat], id)
	}
	eventually(t, "the other chats' 18 events", func() bool { return len(rc.succeeded()) >= 18 })
	for _, d := range rc.succeeded() {
		if d.chat == blocked {
			t.Fatalf("an event of the failing chat was delivered: %s", d.id)
		}
	}
	rc.setAnswer(func(string, string, int) int { return http.StatusOK })
	eventually(t, "all 21 events", func() bool { return len(rc.succeeded()) >= 21 })
	got := map[string][]string{}
	for _, d := range rc.succeeded() {
		got[d.chat] = append(got[d.chat], d.id)
	}
	for chat, want := range order {
		if !slices.Equal(got[chat], want) {
			t.Errorf("chat %s: delivered %v, want %v", chat, got[chat], want)
		}
	}
}

// A receiver failing past max_age sends the events to the dead letters;
// later events proceed; redrive delivers them once it is back and empties
// the dead letters.
func TestDeadLettersAndRedrive(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusInternalServerError })
	c := e.create(webhooks.Definition{URL: rc.srv.URL, MaxAge: webhooks.Duration(time.Second)})
	ids := []string{e.publish(1), e.publish(2), e.publish(3)}
	ctx := context.Background()
	eventually(t, "3 dead letters", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 3
	})
	page, err := e.svc.DeadLetters(ctx, c.ID, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 2 || page.NextCursor == 0 || page.Total != 3 || !strings.Contains(string(page.Items[0].Event), ids[0]) ||
		!strings.Contains(page.Items[0].Error, "500") || page.Items[0].Attempts < 1 {
		t.Fatalf("first page %+v", page)
	}
	rest, err := e.svc.DeadLetters(ctx, c.ID, page.NextCursor, 2)
	if err != nil || len(rest.Items) != 1 || rest.NextCursor != 0 || !strings.Contains(string(rest.Items[0].Event), ids[2]) {
		t.Fatalf("second page %+v, %v", rest, err)
	}
	rc.setAnswer(func(string, string, int) int { return http.StatusOK })
	if _, err := e.svc.Redrive(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "redriven events", func() bool { return len(rc.succeeded()) == 3 })
	eventually(t, "empty dead letters", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Status.DeadLetters == 0
	})
	var got []string
	for _, d := range rc.succeeded() {
		got = append(got, d.id)
		verify(t, c.Secret, d.body, d.header)
	}
	if !slices.Equal(got, ids) {
		t.Fatalf("redrove %v, want %v", got, ids)
	}
}

// 410 Gone disables the webhook (its status says so) and keeps its
// consumer; the event is not acked, so it waits there.
func TestGoneDisables(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusGone })
	c := e.create(webhooks.Definition{URL: rc.srv.URL})
	e.publish(1)
	ctx := context.Background()
	eventually(t, "the webhook disabled", func() bool {
		v, err := e.svc.Get(ctx, c.ID)
		return err == nil && v.Disabled && strings.Contains(v.DisabledReason, "410")
	})
	e.publish(2)
	time.Sleep(200 * time.Millisecond)
	if n := len(rc.deliveries()); n != 1 {
		t.Fatalf("%d deliveries after 410, want 1", n)
	}
	if _, err := e.js.Consumer(ctx, e.subj.EventsStream(), "webhook_"+c.ID); err != nil {
		t.Fatalf("the consumer of a disabled webhook: %v", err)
	}
}

// A stop hands the events in flight back; a new service (a restarted node)
// delivers every event once, in order.
func TestRestartResumesInOrder(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(_, _ string, attempt int) int {
		if attempt <= 2 {
			return http.StatusBadGateway
		}
		return http.StatusOK
	})
	c := e.create(webhooks.Definition{URL: rc.srv.URL})
	var want []string
	for i := range 6 {
		want = append(want, e.publish(i))
	}
	eventually(t, "the first delivery", func() bool { return len(rc.succeeded()) >= 1 })
	e.stop()
	for i := 6; i < 10; i++ {
		want = append(want, e.publish(i))
	}
	e.start()
	eventually(t, "10 deliveries", func() bool { return len(rc.succeeded()) >= 10 })
	time.Sleep(100 * time.Millisecond)
	var got []string
	for _, d := range rc.succeeded() {
		got = append(got, d.id)
		verify(t, c.Secret, d.body, d.header)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v\nwant      %v", got, want)
	}
}

func TestDeleteRemovesConsumerAndUnknownIsNotFound(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.create(webhooks.Definition{URL: "http://127.0.0.1:1/"})
	if err := e.svc.Delete(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.Consumer(ctx, e.subj.EventsStream(), "webhook_"+c.ID); !errors.Is(err, jetstream.ErrConsumerNotFound) {
		t.Fatalf("consumer after delete: %v", err)
	}
	for _, id := range []string{c.ID, "wh_nope", "../x", ""} {
		if err := e.svc.Delete(ctx, id); werr.From(err).Code != werr.CodeNotFound {
			t.Errorf("Delete(%q) = %v, want NOT_FOUND", id, err)
		}
		if _, err := e.svc.Get(ctx, id); werr.From(err).Code != werr.CodeNotFound {
			t.Errorf("Get(%q) = %v, want NOT_FOUND", id, err)
		}
	}
}

func TestCreateRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	many := make([]string, 20)
	for i := range many {
		many[i] = fmt.Sprintf("49151%07d@s.whatsapp.net", i)
	}
	for _, c := range []struct {
		name, code string
		def        webhooks.Definition
	}{
		{"file url", werr.CodeURLNotAllowed, webhooks.Definition{URL: "file:///etc/passwd"}},
		{"ftp url", werr.CodeURLNotAllowed, webhooks.Definition{URL: "ftp://example.com/"}},
		{"no url", werr.CodeInvalidPayload, webhooks.Definition{}},
		{"no host", werr.CodeInvalidPayload, webhooks.Definition{URL: "http:///x"}},
		{"unknown event", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Events: []string{"io.wabridge.message.exploded"}}},
		{"bad chat", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Chats: []string{"not a jid"}}},
		{"wildcard chat", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Chats: []string{"*@g.us"}}},
		{"bad session", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Sessions: []string{"Bad.Session"}}},
		{"bad secret", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Secret: "hunter2"}},
		{"bad mode", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Mode: "batch"}},
		{"too many filters", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Chats: many,
			Events: []string{"message.received", "message.sent", "message.receipt", "message.reaction", "message.edited", "message.revoked", "chat.presence", "poll.vote", "message.history", "message.undecryptable", "chat.updated", "call.offer", "presence.updated"}}},
		{"concurrency", werr.CodeInvalidPayload, webhooks.Definition{URL: "http://127.0.0.1/", Concurrency: 1000}},
	} {
		_, err := e.svc.Create(context.Background(), c.def)
		if got := werr.From(err); got.Code != c.code || got.Status() != http.StatusBadRequest {
			t.Errorf("%s: %v, want 400 %s", c.name, err, c.code)
		}
	}
	list, err := e.svc.List(context.Background())
	if err != nil || len(list) != 0 {
		t.Fatalf("list after refusals: %v %v", list, err)
	}
}

// Events a crashed node took and never acked come back only after the ack
// wait; the restarted node holds newer events until then, so none of them
// overtakes an older one.
func TestCrashedNodesEventsAreNotOvertaken(t *testing.T) {
	e := newEnv(t)
	rc := newReceiver(t, func(string, string, int) int { return http.StatusOK })
	c := e.create(webhooks.Definition{URL: rc.srv.URL})
	e.stop()
	var want []string
	for i := range 6 {
		want = append(want, e.publish(i))
	}
	ctx := context.Background()
	cons, err := e.js.Consumer(ctx, e.subj.EventsStream(), "webhook_"+c.ID)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.Fetch(3) // the crashed node's events: taken, never acked
	if err != nil {
		t.Fatal(err)
	}
	taken := 0
	for range batch.Messages() {
		taken++
	}
	if taken != 3 {
		t.Fatalf("took %d events", taken)
	}
	for i := 6; i < 10; i++ {
		want = append(want, e.publish(i))
	}
	e.start()
	eventually(t, "10 deliveries", func() bool { return len(rc.succeeded()) >= 10 })
	var got []string
	for _, d := range rc.succeeded() {
		got = append(got, d.id)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v\nwant      %v", got, want)
	}
}
