package chatstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"

	// The default driver: pure Go SQLite, no cgo.
	_ "modernc.org/sqlite"

	"github.com/wabridge/wabridge/events/chatview"
)

// Store is the chat and message store of every session of this process.
type Store struct {
	log *slog.Logger
	// w takes the projector's writes: one connection, because SQLite has
	// one writer and a queue in database/sql is kinder than SQLITE_BUSY.
	w *sql.DB
	// r serves the queries on connections of their own; in WAL mode they
	// read a snapshot and neither wait for nor hold up the projector.
	r *sql.DB
	// st are the projector's statements, prepared on w.
	st *statements
	// postgres is true on PostgreSQL, whose schema differs in a detail
	// (see byteOrder); the SQL of reads and writes is the same.
	postgres bool
	// pgCollate makes PostgreSQL's LOWER fold Unicode (fold.go).
	pgCollate string
}

var _ chatview.Reader = (*Store)(nil)

// Open opens (creating) the store and brings its schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	w, r, err := openPools(cfg)
	if err != nil {
		return nil, err
	}
	return start(ctx, &Store{log: cfg.Log, w: w, r: r, postgres: cfg.Driver == DriverPostgres})
}

// OpenDB opens the store on db, a PostgreSQL pool the program opened with
// the driver of its choice, and brings its schema up to date. The store
// takes db over: Close closes it. Writes and reads share the pool; the
// server, unlike SQLite, takes concurrent writers.
func OpenDB(ctx context.Context, db *sql.DB, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return start(ctx, &Store{log: log, w: db, r: db, postgres: true})
}

// start migrates s's schema and prepares its statements; on failure s is
// closed.
func start(ctx context.Context, s *Store) (*Store, error) {
	if err := migrate(ctx, s.w, s.postgres); err != nil {
		s.Close()
		return nil, err
	}
	if s.postgres {
		s.pgCollate = s.postgresFold(ctx)
	}
	var err error
	if s.st, err = prepareStatements(ctx, s.w); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func openPools(cfg Config) (w, r *sql.DB, err error) {
	if cfg.Driver == DriverPostgres {
		db, err := sql.Open(DriverPostgres, cfg.DSN)
		if err != nil {
			return nil, nil, fmt.Errorf("opening chat store (postgres): %w", err)
		}
		return db, db, nil
	}
	if cfg.Dir != "" {
		if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("creating chat store directory: %w", err)
		}
	}
	dsn := cfg.sqliteDSN()
	if w, err = sql.Open(DriverSQLite, dsn); err != nil {
		return nil, nil, fmt.Errorf("opening chat store: %w", err)
	}
	w.SetMaxOpenConns(1)
	if r, err = sql.Open(DriverSQLite, dsn); err != nil {
		w.Close()
		return nil, nil, fmt.Errorf("opening chat store for reading: %w", err)
	}
	r.SetMaxOpenConns(4)
	return w, r, nil
}

// Close closes the store's connections.
func (s *Store) Close() error {
	var err error
	if s.st != nil {
		err = s.st.Close()
	}
	if werr := s.w.Close(); err == nil {
		err = werr
	}
	if s.r != s.w {
		if rerr := s.r.Close(); err == nil {
			err = rerr
		}
	}
	return err
}
