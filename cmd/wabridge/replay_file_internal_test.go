package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The audit log holds message contents: a file that already exists,
// readable by others, is made its owner's only before anything is written
// (O_CREATE's mode applies to a new file only).
func TestReplayFileSinkTightensAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.ndjson")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	s, err := openFileSink(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("output file mode %v, want 0600", st.Mode().Perm())
	}
}
