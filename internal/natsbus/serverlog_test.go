package natsbus

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestServerLoggerLevelsAndRedaction(t *testing.T) {
	var buf bytes.Buffer
	l := newServerLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), "pw-123", "", "tok-456")
	tests := []struct {
		log   func(string, ...any)
		level string
	}{
		{l.Noticef, "level=INFO"},
		{l.Warnf, "level=WARN"},
		{l.Errorf, "level=ERROR"},
		{l.Fatalf, "level=ERROR"},
		{l.Debugf, "level=DEBUG"},
	}
	for _, tt := range tests {
		buf.Reset()
		tt.log("connect with %s and %s", "pw-123", "tok-456")
		out := buf.String()
		if !strings.Contains(out, tt.level) {
			t.Errorf("got %q, want %s", out, tt.level)
		}
		if strings.Contains(out, "pw-123") || strings.Contains(out, "tok-456") || !strings.Contains(out, "[REDACTED]") {
			t.Errorf("secret not masked: %q", out)
		}
	}
	buf.Reset()
	l.Tracef("trace %d", 1)
	if buf.Len() != 0 {
		t.Errorf("trace logged below the handler's level: %q", buf.String())
	}
}
