package chatstore_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
)

// pollFrom is a poll message of sender in chat.
func pollFrom(chat, sender, waID string, sec int, options ...string) events.Event {
	e := msg(events.TypeMessageReceived, chat, sender, waID, sec, "Which language?")
	m := e.Data.(events.MessageReceived)
	m.Type, m.Poll = events.KindPoll, &events.Poll{Question: "Which language?", Options: options}
	e.Data = m
	return e
}

// vote is voter's poll.vote on poll (user form) at t0+sec.
func vote(chat, voter, waID, poll string, sec int, options ...string) events.Event {
	ts := t0.Add(time.Duration(sec) * time.Second)
	return events.Event{Type: events.TypePollVote, Subject: chat, Time: ts, Key: chat + "|" + voter + "|" + waID,
		Data: events.PollVote{ID: userID(false, chat, waID), WAID: waID, PollID: poll, Chat: events.JID{JID: chat},
			Voter: events.JID{JID: voter}, IsGroup: true, Options: options, Timestamp: ts}}
}

// tally is a message's poll as JSON, for comparing.
func tally(t *testing.T, m chatview.Message) string {
	t.Helper()
	if m.Poll == nil {
		return "no poll"
	}
	j, err := json.Marshal(m.Poll)
	if err != nil {
		t.Fatal(err)
	}
	return string(j)
}

// GET /chat/<jid>/messages shows each poll's options with the voters whose
// latest vote chose them: a later vote replaces the voter's earlier one,
// an older one arriving late changes nothing, an empty one withdraws, a
// repeated event counts once, an unknown option is not counted; a vote
// that came before its poll counts once the poll arrives; a sent poll's
// options come from its send.poll result; a rebuild gives the same.
func TestPollVotesAreTallied(t *testing.T) {
	v := newEnv(t)
	p1 := userID(false, team, "P1")
	v.publish(t, connected())
	v.publish(t, vote(team, carol, "V0", userID(false, team, "P2"), 1, "Yes")) // before its poll
	v.publish(t, pollFrom(team, alice, "P1", 2, "Go", "Rust", "Zig"))
	v.publish(t, pollFrom(team, alice, "P2", 3, "Yes", "No"))
	v.publish(t, vote(team, alice, "V1", p1, 4, "Go"))
	v.publish(t, vote(team, bob, "V2", p1, 5, "Go", "Rust"))
	v.publish(t, vote(team, alice, "V3", p1, 6, "Rust")) // replaces V1
	v.publish(t, vote(team, alice, "V3", p1, 6, "Rust")) // the same event again
	v.publish(t, vote(team, carol, "V4", p1, 7, "Zig", "Java"))
	v.publish(t, vote(team, carol, "V5", p1, 8))                // withdrawn
	v.publish(t, vote(team, bob, "V6", p1, 3, "Zig"))           // older than V2
	v.publish(t, vote(team, ownPN, "V7", p1, 9, "Zig", "Java")) // Java is no option
	v.publishResults(t, []dispatched{actionResult(t, "send.poll", "sent-poll", map[string]any{
		"message_id": userID(true, john, "3EB0P3"), "wa_id": "3EB0P3", "chat": john, "timestamp": t0.Add(10 * time.Second),
		"type": "poll", "message": "Lunch?", "poll": map[string]any{"question": "Lunch?", "options": []string{"Pizza", "Pasta"}, "selectable_count": 1},
	})})
	v.publish(t, events.Event{Type: events.TypePollVote, Subject: john, Time: t0.Add(11 * time.Second), Key: "john-vote",
		Data: events.PollVote{ID: userID(false, john, "V8"), WAID: "V8", PollID: userID(true, john, "3EB0P3"),
			Chat: events.JID{JID: john}, Voter: events.JID{JID: "100000000000042@lid", PN: john}, Options: []string{"Pasta"},
			Timestamp: t0.Add(11 * time.Second)}})
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "polls")

	check := func(when string) {
		t.Helper()
		ms := messagesOf(t, s, team)
		want := map[string]string{
			"P1": `{"question":"Which language?","selectable_count":0,"options":[` +
				`{"name":"Go","votes":1,"voters":["` + bob + `"]},` +
				`{"name":"Rust","votes":2,"voters":["` + bob + `","` + alice + `"]},` +
				`{"name":"Zig","votes":1,"voters":["` + ownPN + `"]}]}`,
			"P2": `{"question":"Which language?","selectable_count":0,"options":[` +
				`{"name":"Yes","votes":1,"voters":["` + carol + `"]},{"name":"No","votes":0,"voters":[]}]}`,
		}
		for id, w := range want {
			if got := tally(t, ms[userID(false, team, id)]); got != w {
				t.Errorf("%s: %s\n got %s\nwant %s", when, id, got, w)
			}
		}
		sent := messagesOf(t, s, john)[userID(true, john, "3EB0P3")]
		if got, w := tally(t, sent), `{"question":"Lunch?","selectable_count":1,"options":[`+
			`{"name":"Pizza","votes":0,"voters":[]},{"name":"Pasta","votes":1,"voters":["`+john+`"]}]}`; got != w {
			t.Errorf("%s: sent poll\n got %s\nwant %s", when, got, w)
		}
	}
	check("projected")
	before := answers(t, s)
	if err := s.Rebuild(context.Background(), v.js, chatstore.ProjectConfig{Sessions: []string{session}, Durable: "polls"}); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
	if after := answers(t, s); after != before {
		t.Errorf("rebuild changed the answers:\nbefore %s\nafter  %s", before, after)
	}
}

// A revoked poll shows no tally; a text message has none.
func TestRevokedPollShowsNoTally(t *testing.T) {
	v := newEnv(t)
	p1 := userID(false, team, "P1")
	v.publish(t, pollFrom(team, alice, "P1", 1, "Go", "Rust"))
	v.publish(t, msg(events.TypeMessageReceived, team, alice, "T1", 2, "vote please"))
	v.publish(t, vote(team, bob, "V1", p1, 3, "Go"))
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "")
	if m := messagesOf(t, s, team)[p1]; m.Poll == nil || m.Poll.Options[0].Votes != 1 {
		t.Fatalf("poll before the revoke: %s", tally(t, m))
	}
	v.publish(t, revokeBy(team, alice, "R1", p1, 4))
	catchUp(t, s, v, "")
	ms := messagesOf(t, s, team)
	if m := ms[p1]; m.Poll != nil || !m.Revoked {
		t.Errorf("revoked poll: revoked %v, %s", m.Revoked, tally(t, m))
	}
	if m := ms[userID(false, team, "T1")]; m.Poll != nil {
		t.Errorf("text message with a poll: %s", tally(t, m))
	}
}
