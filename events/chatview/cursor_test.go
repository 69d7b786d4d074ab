package chatview_test

import (
	"errors"
	"net/url"
	"testing"
	"time"

	"github.com/wabridge/wabridge/events/chatview"
)

func TestCursorRoundTrip(t *testing.T) {
	cases := []chatview.Cursor{
		{Time: time.Date(2026, 12, 1, 10, 0, 0, 123456789, time.UTC), ID: "3EB0C767"},
		{Rank: 1, Time: time.Unix(0, 0).UTC(), ID: "4917612345678@s.whatsapp.net"},
		{Time: time.Time{}.UTC(), ID: "a:b:c/d?e=f&g"},
		{Time: time.Date(1600, 1, 1, 0, 0, 0, 1, time.UTC), ID: "x"},
	}
	for _, c := range cases {
		s := c.Encode()
		if url.QueryEscape(s) != s {
			t.Errorf("cursor %q is not URL-safe", s)
		}
		got, err := chatview.DecodeCursor(s)
		if err != nil {
			t.Fatalf("DecodeCursor(%q): %v", s, err)
		}
		if got.Rank != c.Rank || got.ID != c.ID || !got.Time.Equal(c.Time) {
			t.Errorf("round trip of %+v gave %+v", c, got)
		}
	}
}

func TestCursorBad(t *testing.T) {
	good := chatview.Cursor{Time: time.Unix(5, 0), ID: "x"}.Encode()
	for _, s := range []string{
		"", "!!!", "bm9wZQ", // "nope"
		good + "A",
		b64("2:0:5:0:x"),   // unknown version
		b64("1:0:5:0:"),    // no id
		b64("1:2:5:0:x"),   // rank out of range
		b64("1:0:5:-1:x"),  // negative nanoseconds
		b64("1:0:5:1e9:x"), // not a number
		b64("1:0:05:0:x"),  // not canonical
	} {
		if _, err := chatview.DecodeCursor(s); !errors.Is(err, chatview.ErrBadCursor) {
			t.Errorf("DecodeCursor(%q) = %v, want ErrBadCursor", s, err)
		}
	}
}

func TestClampLimit(t *testing.T) {
	for in, want := range map[int]int{-1: 50, 0: 50, 1: 1, 500: 500, 501: 500} {
		if got := chatview.ClampLimit(in); got != want {
			t.Errorf("ClampLimit(%d) = %d, want %d", in, got, want)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(chatview.Cursor{Time: time.Unix(1700000000, 5), ID: "3EB0"}.Encode())
	f.Add(chatview.Cursor{Rank: 1, ID: "a@g.us"}.Encode())
	f.Add(b64("1:0:5:0:x"))
	f.Add("")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := chatview.DecodeCursor(s)
		if err != nil {
			if !errors.Is(err, chatview.ErrBadCursor) {
				t.Fatalf("error %v is not ErrBadCursor", err)
			}
			return
		}
		if again := c.Encode(); again != s {
			t.Fatalf("decoded %q re-encodes as %q", s, again)
		}
	})
}
