package chatstore_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatstore"
	"github.com/wabridge/wabridge/events/chatview"
)

// foldedNames are chats whose names only a Unicode-aware case folding
// finds by a search typed in the other case.
var foldedNames = map[string]string{
	"4915100000001@s.whatsapp.net": "ÉCOLE Saint-Étienne",
	"4915100000002@s.whatsapp.net": "Straße Müller",
	"4915100000003@s.whatsapp.net": "ΟΔΟΣ Αθηνών",
	"4915100000004@s.whatsapp.net": "Москва Клуб",
	"4915100000005@s.whatsapp.net": "plain ascii",
}

// foldQueries are searches and the chats each must find (sorted names).
var foldQueries = []struct{ q, want string }{
	{"école", "ÉCOLE Saint-Étienne"},
	{"SAINT-ÉTIENNE", "ÉCOLE Saint-Étienne"},
	{"STRASSE", ""}, // lower case is not ß = ss
	{"STRAßE MÜLLER", "Straße Müller"},
	{"οδοσ", "ΟΔΟΣ Αθηνών"},
	{"ΟΔΟΣ", "ΟΔΟΣ Αθηνών"},
	{"οδος αθ", "ΟΔΟΣ Αθηνών"},
	{"АΘ", ""},
	{"МОСКВА", "Москва Клуб"},
	{"клуб", "Москва Клуб"},
	{"PLAIN", "plain ascii"},
}

func publishFoldedNames(t *testing.T, v *env) {
	for jid, name := range foldedNames {
		v.publish(t, chatUpdate(jid, "name", events.ChatUpdated{Name: name}))
	}
}

// searchAnswers runs every foldQueries search on s: one line each.
func searchAnswers(t *testing.T, s *chatstore.Store) []string {
	t.Helper()
	var lines []string
	for _, fq := range foldQueries {
		p, err := s.ListChats(context.Background(), session, chatview.ChatQuery{Q: fq.q})
		if err != nil {
			t.Fatalf("searching %q: %v", fq.q, err)
		}
		var names []string
		for _, c := range p.Chats {
			names = append(names, c.Name)
		}
		lines = append(lines, fmt.Sprintf("%q: %s", fq.q, strings.Join(names, ", ")))
	}
	return lines
}

// A search finds a chat whatever the case of either, in any script, not
// just ASCII (SQLite's own LOWER folds only A-Z).
func TestSearchFoldsUnicodeCase(t *testing.T) {
	v := newEnv(t)
	publishFoldedNames(t, v)
	s := openStore(t, t.TempDir())
	catchUp(t, s, v, "fold")
	for i, got := range searchAnswers(t, s) {
		if want := fmt.Sprintf("%q: %s", foldQueries[i].q, foldQueries[i].want); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

// PostgreSQL answers every such search as SQLite does.
func TestPostgresSearchFoldsAsSQLite(t *testing.T) {
	dsn := os.Getenv(postgresEnv)
	if dsn == "" {
		t.Skip(postgresEnv + " is not set: no PostgreSQL to run the chat store's SQL on (.ci/run sets it)")
	}
	v := newEnv(t)
	publishFoldedNames(t, v)
	lite, pg := openStore(t, t.TempDir()), openPostgres(t, dsn)
	catchUp(t, lite, v, "sqlite")
	catchUp(t, pg, v, "postgres")
	want, got := searchAnswers(t, lite), searchAnswers(t, pg)
	for i := range want {
		if want[i] != got[i] {
			t.Errorf("SQLite:     %s\nPostgreSQL: %s", want[i], got[i])
		}
	}
}
