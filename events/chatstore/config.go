package chatstore

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
)

// Drivers this package writes SQL for.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// FileName is the SQLite file of the store in the data directory.
const FileName = "chats.db"

// Config says where the store lives.
type Config struct {
	// Driver is DriverSQLite (default) or DriverPostgres. PostgreSQL needs
	// its database/sql driver registered under "postgres" by the program.
	Driver string
	// DSN is the data source; with SQLite it may be left empty and Dir set.
	DSN string
	// Dir is the data directory; the SQLite store is Dir/chats.db.
	Dir string
	Log *slog.Logger
}

func (c *Config) setDefaults() {
	if c.Driver == "" {
		c.Driver = DriverSQLite
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
}

// Validate reports every problem of c at once.
func (c Config) Validate() error {
	var errs []error
	switch c.Driver {
	case DriverSQLite:
		if c.DSN == "" && c.Dir == "" {
			errs = append(errs, errors.New("chat store: a data directory or a DSN is needed"))
		}
	case DriverPostgres:
		if c.DSN == "" {
			errs = append(errs, errors.New("chat store: postgres needs a DSN"))
		}
	default:
		errs = append(errs, fmt.Errorf("chat store: unknown driver %q (sqlite or postgres)", c.Driver))
	}
	return errors.Join(errs...)
}

// sqliteDSN is the file's DSN: WAL so that reads never wait for the
// projector's writes, a busy timeout instead of SQLITE_BUSY errors, and
// synchronous NORMAL, enough for a projection that the stream can rebuild.
func (c Config) sqliteDSN() string {
	if c.DSN != "" {
		return c.DSN
	}
	// The pragma form is the one modernc.org/sqlite reads (stack-facts).
	return "file:" + filepath.Join(c.Dir, FileName) +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=synchronous(NORMAL)"
}
