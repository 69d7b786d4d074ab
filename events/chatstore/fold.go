package chatstore

import (
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
// made a plain one as Go's lowering keeps it.
const foldPostgres = "translate(LOWER(%s), 'ς', 'σ')"

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
// What stays apart from PostgreSQL: on a database with the C locale its
// LOWER folds only ASCII; with ICU, the Turkish dotted İ lowers to i plus
// a combining dot (here: plain i), and the rare characters whose lower
// case is more than one character (full case mapping) lower differently.
func foldName(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "ς", "σ")
}

// foldSQL is the SQL that folds the expression expr on the store's database.
func (s *Store) foldSQL(expr string) string {
	if s.postgres {
		return strings.ReplaceAll(foldPostgres, "%s", expr)
	}
	return foldSQLite + "(" + expr + ")"
}
