package replay_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events/replay"
	"github.com/wabridge/wabridge/internal/natsbus"
	"github.com/wabridge/wabridge/internal/werr"
)

func TestQueryFilterSubjects(t *testing.T) {
	s := natsbus.Subjects{}
	for _, tc := range []struct {
		q    replay.Query
		want []string
	}{
		{replay.Query{Session: "default"}, []string{"wa.default.evt.*.>"}},
		{replay.Query{Session: "sales", Chats: []string{"4917612345678"}},
			[]string{"wa.sales.evt.4917612345678@s_whatsapp_net.>"}},
		{replay.Query{Session: "default", Types: []string{"message.received", "io.wabridge.message.received", "io.wabridge.poll.vote"}},
			[]string{"wa.default.evt.*.message.received", "wa.default.evt.*.poll.vote"}},
		{replay.Query{Session: "default", Chats: []string{"120363025246125888@g.us", "1234@lid"}, Types: []string{"message.received"}},
			[]string{"wa.default.evt.120363025246125888@g_us.message.received", "wa.default.evt.1234@lid.message.received"}},
	} {
		if err := tc.q.Validate(); err != nil {
			t.Fatalf("%+v: %v", tc.q, err)
		}
		if got := tc.q.FilterSubjects(s); !slices.Equal(got, tc.want) {
			t.Errorf("%+v: got %v, want %v", tc.q, got, tc.want)
		}
	}
	shop := replay.Query{Session: "default"}.FilterSubjects(natsbus.Subjects{Prefix: "shop"})
	if !slices.Equal(shop, []string{"shop.default.evt.*.>"}) {
		t.Errorf("prefix shop: %v", shop)
	}
}

func TestQueryValidateSaysWhatIsWrong(t *testing.T) {
	now := time.Now()
	many := make([]string, 300)
	for i := range many {
		many[i] = fmt.Sprintf("49176%08d", i)
	}
	for _, tc := range []struct {
		q        replay.Query
		code     string
		contains string
	}{
		{replay.Query{Session: "Bad Name"}, werr.CodeInvalidSession, "session"},
		{replay.Query{Session: "default", Types: []string{"io.wabridge.message.nope"}}, werr.CodeInvalidPayload, "message.nope"},
		{replay.Query{Session: "default", Chats: []string{"not a jid"}}, werr.CodeInvalidPayload, "not a jid"},
		{replay.Query{Session: "default", Chats: []string{"a@b.*"}}, werr.CodeInvalidPayload, "wildcards"},
		{replay.Query{Session: "default", Since: now, Until: now.Add(-time.Second)}, werr.CodeInvalidPayload, "until is before since"},
		{replay.Query{Session: "default", FromSeq: 9, ToSeq: 3}, werr.CodeInvalidPayload, "to_seq"},
		{replay.Query{Session: "default", Chats: many}, werr.CodeInvalidPayload, "at most 256"},
	} {
		err := tc.q.Validate()
		if err == nil {
			t.Errorf("%+v: valid", tc.q)
			continue
		}
		we := werr.From(err)
		if we.Code != tc.code || we.Status() != 400 || !strings.Contains(err.Error(), tc.contains) {
			t.Errorf("%+v: %s %d %v, want %s mentioning %q", tc.q, we.Code, we.Status(), err, tc.code, tc.contains)
		}
	}
}
