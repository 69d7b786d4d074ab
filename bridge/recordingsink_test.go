package bridge_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/store"
)

// spyTB records what would fail a test, so the sink's own check can be
// tested without failing this test.
type spyTB struct {
	testing.TB
	errs []string
}

func (s *spyTB) Helper() {}

func (s *spyTB) Errorf(format string, args ...any) {
	s.errs = append(s.errs, fmt.Sprintf(format, args...))
}

// The sink is what every bridge test's events pass through; if it let an
// event that breaks its schema through, no bridge test would notice.
func TestRecordingSinkFailsOnInvalidEvent(t *testing.T) {
	db, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	valid := events.Catalog()[0].SampleEvent()
	noSubject := valid
	noSubject.Subject = ""
	wrongData := valid
	wrongData.Data = events.SessionState{State: "connected"}

	tests := []struct {
		name  string
		event events.Event
		fails bool
	}{
		{"valid sample", valid, false},
		{"chat event without subject", noSubject, true},
		{"data of another type", wrongData, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spy := &spyTB{TB: t}
			sink := &recordingSink{db: db}
			if err := sink.Emit(context.Background(), tt.event); err != nil {
				t.Fatalf("Emit: %v", err)
			}
			sink.checkValid(spy)
			if got := len(spy.errs) > 0; got != tt.fails {
				t.Fatalf("check failed the test: %v (%q), want %v", got, spy.errs, tt.fails)
			}
			if len(sink.events) != 1 {
				t.Fatalf("sink kept %d events, want 1 (an invalid event is kept, as the outbox would)", len(sink.events))
			}
		})
	}
}
