package chatstore_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
)

// postgresEnv names the PostgreSQL the store's SQL is tried on
// (postgres://user:password@127.0.0.1:port/db?sslmode=disable); .ci/run
// starts a server and sets it.
const postgresEnv = "WABRIDGE_TEST_POSTGRES"

// The store's SQL runs on PostgreSQL as on SQLite: the same stream
// projected into both gives the same answer to every read (chat.list with
// each filter and paged by its cursor, chat.messages paged, since a time,
// groups, the errors), and a rebuild on PostgreSQL gives them again.
func TestPostgresAnswersAsSQLite(t *testing.T) {
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skip(postgresEnv + " is not set: no PostgreSQL to run the chat store's SQL on (.ci/run sets it)")
	}
	v := newEnv(t)
	everyKindOfEvent(t, v)
	lite := openStore(t, t.TempDir())
	pg := openPostgres(t, dsn)
	catchUp(t, lite, v, "sqlite")
	catchUp(t, pg, v, "postgres")

	want := readEverything(t, lite)
	// The scenario reached the store: chats, media, polls, reactions,
	// edits, revokes, receipts and groups are in the answers compared.
	for _, s := range []string{`"media":{"id":"sample-3EB0A0000000000007"`, `"name":"Python"`, `"emoji":"👍"`,
		`"edited":true`, `"revoked":true`, `"receipt":"read"`, `"Name":"Supper club"`, `"muted_until":`} {
		if !strings.Contains(want, s) {
			t.Fatalf("SQLite's answers lack %s:\n%s", s, want)
		}
	}
	sameAnswers(t, "projected", want, readEverything(t, pg))

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := pg.Rebuild(ctx, v.js, chatstore.ProjectConfig{Sessions: []string{session}, Durable: "postgres"}); err != nil {
		t.Fatal(err)
	}
	sameAnswers(t, "rebuilt", want, readEverything(t, pg))
}

// openPostgres opens the store in a schema of its own on dsn's database,
// dropped when the test ends.
func openPostgres(t *testing.T, dsn string) *chatstore.Store {
	t.Helper()
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "chatstore_test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("creating schema on %s: %v", postgresEnv, err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = schema
	s, err := chatstore.OpenDB(ctx, stdlib.OpenDB(*cfg), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// everyKindOfEvent publishes what the store projects: messages of every
// kind (media, polls, replies), sent results, history, reactions, edits,
// revokes, receipts, poll votes, chat state, contacts, a group with its
// changes and members.
func everyKindOfEvent(t *testing.T, v *env) {
	scenario(t, v) // project_test.go
	v.publish(t, connected())
	v.publish(t, receivedFromJohn())
	v.publishResults(t, dispatchedResults(t)) // results_test.go
	for i, m := range events.MessageKindSamples() {
		v.publish(t, events.Event{Type: events.TypeMessageReceived, Subject: m.Chat.JID, Time: m.Timestamp,
			Key: fmt.Sprintf("sample|%d", i), Data: m})
	}
	// Ids that only a byte-wise order sorts as SQLite does: at the same
	// time, the later wa_id first (a lower-case letter is after every
	// upper-case one), and the same for chats of the same time by JID.
	v.publish(t, msg(events.TypeMessageReceived, bob, bob, "3EB0aa", 60, "lower case id"))
	v.publish(t, msg(events.TypeMessageReceived, bob, bob, "3EB0AB", 60, "upper case id"))
	v.publish(t, msg(events.TypeMessageReceived, "4917655555555@s.whatsapp.net", "4917655555555@s.whatsapp.net", "N1", 61, "a"))
	v.publish(t, msg(events.TypeMessageReceived, "491765555555@lid", "491765555555@lid", "N2", 61, "b"))
	a0, a1, a2 := userID(false, alice, "A0"), userID(false, alice, "A1"), userID(false, alice, "A2")
	for _, e := range []events.Event{
		reactionBy(alice, bob, "R1", a0, "👍", 41),
		reactionBy(alice, alice, "R2", a0, "❤️", 42),
		reactionBy(alice, alice, "R3", a0, "", 43), // removed
		reactionBy(alice, bob, "R4", a1, "😮", 43),  // gone with the revoke
		editBy(alice, alice, "E1", a2, "there, edited", 44),
		revokeBy(alice, alice, "X1", a1, 45),
		receipt(alice, alice, "A3", events.ReceiptDelivered, 46),
		receipt(alice, alice, "A3", events.ReceiptRead, 47),
		pollFrom(team, alice, "P1", 48, "Go", "Rust"),
		vote(team, bob, "V1", userID(false, team, "P1"), 49, "Go"),
		vote(team, carol, "V2", userID(false, team, "P1"), 50, "Go", "Rust"),
		chatUpdate(alice, "mute", events.ChatUpdated{Muted: ptr(true), MutedUntil: ptr(t0.Add(time.Hour))}),
		chatUpdate(john, "unread", events.ChatUpdated{Read: ptr(false)}),
		chatUpdate(carol, "count", events.ChatUpdated{UnreadCount: ptr(3), Name: "Carol_50% \\ off"}),
		joinedGroup(), // groups_test.go
		groupEvent(events.TypeGroupUpdated, "name", 1, events.GroupUpdated{Group: events.JID{JID: groupJID},
			Name: ptr("Supper club"), Locked: ptr(false), Announce: ptr(true), Timestamp: t0}),
		participants("add-bob", 3, events.ParticipantsAdded, gBob),
		participants("promote-bob", 4, events.ParticipantsPromoted, gBob),
		participants("demote-ana", 5, events.ParticipantsDemoted, events.JID{JID: gAna.PN, PN: gAna.PN}),
	} {
		v.publish(t, e)
	}
}

// readEverything is every answer the store gives of the default session,
// one per line: the reads of chat.list, chat.messages and groups, with the
// filters and cursors the commands take.
func readEverything(t *testing.T, s *chatstore.Store) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	line := func(what string, v any, err error) {
		j, _ := json.Marshal(v)
		fmt.Fprintf(&b, "%s: %s err=%v\n", what, j, errKind(err))
	}
	b.WriteString(answers(t, s)) // helpers_test.go: every chat, every message
	for i, q := range []chatview.ChatQuery{
		{Archived: ptr(true)}, {Archived: ptr(false)}, {IsGroup: ptr(true)}, {IsGroup: ptr(false)},
		{Q: "ALICE"}, {Q: "_50%"}, {Q: `\`}, {Q: "supper", IsGroup: ptr(true)}, {Q: "no such chat"}, {Before: "nope!"},
	} {
		p, err := s.ListChats(ctx, session, q)
		line(fmt.Sprintf("chats, filter %d", i), p, err)
	}
	for cursor, i := "", 0; i == 0 || cursor != ""; i++ {
		p, err := s.ListChats(ctx, session, chatview.ChatQuery{Limit: 2, Before: cursor})
		line("chats page", p, err)
		cursor = p.NextCursor
	}
	since := t0.Add(20 * time.Second)
	for _, chat := range []string{alice, john, "4915112345678@s.whatsapp.net", team} {
		for cursor, i := "", 0; i == 0 || cursor != ""; i++ {
			p, err := s.Messages(ctx, session, chat, chatview.MessageQuery{Limit: 2, Before: cursor})
			line("messages page "+chat, p, err)
			cursor = p.NextCursor
		}
		p, err := s.Messages(ctx, session, chat, chatview.MessageQuery{Since: &since})
		line("messages since "+chat, p, err)
	}
	p, err := s.Messages(ctx, session, "4917600009999@s.whatsapp.net", chatview.MessageQuery{})
	line("messages of an unknown chat", p, err)
	for _, jid := range []string{groupJID, "120363000000000000@g.us"} {
		g, err := s.Group(ctx, session, jid)
		line("group "+jid, g, err)
	}
	return b.String()
}

// errKind is the error an answer's caller tells apart; the message itself
// names the database.
func errKind(err error) string {
	switch {
	case err == nil:
		return "none"
	case errors.Is(err, chatview.ErrBadCursor):
		return "bad cursor"
	case errors.Is(err, chatview.ErrChatNotFound):
		return "not found"
	}
	return err.Error()
}

func sameAnswers(t *testing.T, what, want, got string) {
	t.Helper()
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			t.Errorf("%s: PostgreSQL answers differently at line %d:\nSQLite:     %s\nPostgreSQL: %s", what, i+1, wl, gl)
			return
		}
	}
}
