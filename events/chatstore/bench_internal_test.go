package chatstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/events/chatview"
)

// fill applies n message events through the store's own apply, in
// transactions of 1000, as the projector would (without the stream).
func fill(b *testing.B, s *Store, n int, chatOf func(i int) string) {
	b.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for start := 0; start < n; start += 1000 {
		tx, err := s.begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for i := start; i < min(n, start+1000); i++ {
			chat := chatOf(i)
			data, _ := json.Marshal(events.MessageReceived{
				ID: fmt.Sprintf("false_%s_M%d", chat, i), WAID: fmt.Sprintf("M%d", i),
				Chat: events.JID{JID: chat}, Sender: events.JID{JID: chat},
				Timestamp: t0.Add(time.Duration(i) * time.Second), Type: "text", Text: "hello there",
			})
			e := applied{Session: "default", ID: fmt.Sprintf("e%d", i), Type: events.TypeMessageReceived, Data: data}
			if err := apply(ctx, tx, e); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func openBench(b *testing.B) *Store {
	s, err := Open(context.Background(), Config{Dir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// reportP50 runs fn b.N times and reports the median latency.
func reportP50(b *testing.B, fn func() error) {
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := fn(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
}

func BenchmarkListChats10k(b *testing.B) {
	s := openBench(b)
	fill(b, s, 10_000, func(i int) string { return fmt.Sprintf("49170%07d@s.whatsapp.net", i) })
	ctx := context.Background()
	reportP50(b, func() error {
		p, err := s.ListChats(ctx, "default", chatview.ChatQuery{})
		if err == nil && len(p.Chats) != chatview.DefaultLimit {
			err = fmt.Errorf("%d chats", len(p.Chats))
		}
		return err
	})
}

func BenchmarkMessages100kChat(b *testing.B) {
	s := openBench(b)
	const chat = "4917612345678@s.whatsapp.net"
	fill(b, s, 100_000, func(int) string { return chat })
	ctx := context.Background()
	first, err := s.Messages(ctx, "default", chat, chatview.MessageQuery{Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	// Alternate the first page and a page deep in the chat.
	deep := chatview.Cursor{Time: time.Date(2026, 1, 1, 5, 0, 0, 0, time.UTC), ID: "M18000"}.Encode()
	n := 0
	reportP50(b, func() error {
		n++
		before := first.NextCursor
		if n%2 == 0 {
			before = deep
		}
		p, err := s.Messages(ctx, "default", chat, chatview.MessageQuery{Limit: 50, Before: before})
		if err == nil && len(p.Messages) != 50 {
			err = fmt.Errorf("%d messages", len(p.Messages))
		}
		return err
	})
}
