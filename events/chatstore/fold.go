package chatstore

import (
	"context"
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// foldSQLite is the SQL function (registered with the SQLite driver) that
// folds a chat's name for search. SQLite's own LOWER folds only ASCII, so
// "ÉCOLE" would not be found by "école" there while PostgreSQL, whose LOWER
// follows the database's locale, finds it.
const foldSQLite = "wabridge_fold"

// foldPostgres is the same folding on PostgreSQL: its LOWER, final sigma
// made a plain one as Go's lowering keeps it; %s is the expression, %c
// the COLLATE clause that makes LOWER fold Unicode (see postgresFold).
const foldPostgres = "translate(LOWER(CAST(%s AS text)%c), 'ς', 'σ')"

// unicodeCollations are collations whose LOWER folds Unicode, in the order
// tried when the database's own does not (a database made with the C
// locale folds only ASCII): PostgreSQL 17's built-in simple case mapping
// (Go's), ICU's root locale, then libc's UTF-8 locales.
var unicodeCollations = []string{"pg_c_utf8", "und-x-icu", "C.utf8", "C.UTF-8", "en_US.utf8", "en_US.UTF-8"}

// foldProbe is what postgresFold lowers to see whether LOWER folds
// Unicode: Latin, Greek (a sigma inside a word) and Cyrillic capitals.
const foldProbe = "ÉΣA Я"

func init() {
	// The driver's functions are process-wide and the name is the
	// store's own: a second registration can only be a programming error.
	sqlite.MustRegisterDeterministicScalarFunction(foldSQLite, 1, foldValue)
}

// foldValue is foldSQLite's body: text folded, NULL stays NULL, other
// values (numbers) are left as they are.
func foldValue(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	switch v := args[0].(type) {
	case string:
		return foldName(v), nil
	case []byte:
		return foldName(string(v)), nil
	default:
		return v, nil
	}
}

// foldName folds s as a name search compares it: Unicode lower case (one
// character for one, as PostgreSQL's LOWER does with a libc or ICU
// locale), and the final sigma as the plain one, since ICU writes σ at a
// word's end as ς and a search typed in capitals cannot know which it was.
//
// What stays apart from PostgreSQL: with ICU the Turkish dotted İ lowers
// to i plus a combining dot (here: plain i), so "İstanbul" is found by
// "i̇stanbul" there and by "istanbul" here; and a server whose database
// has the C locale and that has no Unicode collation at all (see
// postgresFold) folds only A-Z.
func foldName(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ς", "σ")
}

// foldSQL is the SQL that folds the expression expr on the store's database.
func (s *Store) foldSQL(expr string) string {
	if s.postgres {
		return strings.NewReplacer("%s", expr, "%c", s.pgCollate).Replace(foldPostgres)
	}
	return foldSQLite + "(" + expr + ")"
}

// postgresFold finds the COLLATE clause under which PostgreSQL's LOWER
// folds as foldName does: none when the database's collation does, else
// the first of unicodeCollations the server has. Without any, search folds
// only ASCII there, and the log says so.
func (s *Store) postgresFold(ctx context.Context) string {
	probe := func(collate string) bool {
		var got string
		q := "SELECT " + strings.NewReplacer("%s", "$1", "%c", collate).Replace(foldPostgres)
		// An error is a collation the server does not have.
		return s.r.QueryRowContext(ctx, q, foldProbe).Scan(&got) == nil && got == foldName(foldProbe)
	}
	if probe("") {
		return ""
	}
	for _, name := range unicodeCollations {
		if c := ` COLLATE "` + name + `"`; probe(c) {
			return c
		}
	}
	s.log.Warn("chat store: this PostgreSQL folds only ASCII case (its locale is C and it has no Unicode collation): chat search by name is case-sensitive beyond A-Z")
	return ""
}
