package bridge_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/bridge"
)

func TestWALogger(t *testing.T) {
	var buf bytes.Buffer
	l := bridge.NewWALogger(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo})))
	l.Sub("Client").Sub("Socket").Warnf("frame %d of %s", 3, "x")
	l.Debugf("hidden %d", 1)
	l.Errorf("bad")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d records, want 2 (debug is below the level):\n%s", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["msg"] != "frame 3 of x" || rec["level"] != "WARN" || rec["module"] != "Client/Socket" {
		t.Fatalf("record %v", rec)
	}
	if strings.Count(lines[0], `"module"`) != 1 {
		t.Fatalf("nested Sub repeated the module attribute: %s", lines[0])
	}
}
