package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wabridge/wabridge/internal/store"
)

// An existing data directory readable by others is made 0700 at start.
func TestPrepareDirNarrowsAnExistingDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // past the umask
		t.Fatal(err)
	}
	db, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		t.Fatalf("data directory mode %04o, want 0700", perm)
	}
}

// A data directory that cannot be made is an error, not a silent fallback.
func TestPrepareDirFails(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := store.PrepareDir(filepath.Join(file, "data")); err == nil {
		t.Fatal("PrepareDir under a regular file succeeded")
	}
	if err := store.PrepareDir(file); err == nil {
		t.Fatal("PrepareDir of a regular file succeeded")
	}
}
