package chatview

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Cursor is a position in a newest-first listing: the sort key of the last
// item of a page. Rank orders before Time (a pinned chat has rank 1, so it
// sorts above every unpinned one); messages use rank 0. ID breaks ties of
// equal times, so a page boundary never skips or repeats an item.
type Cursor struct {
	Rank int
	Time time.Time
	ID   string
}

// cursorVersion starts every encoded cursor, so a later layout can be told
// apart from this one.
const cursorVersion = "1"

// Encode makes the opaque, URL-safe text form of c.
func (c Cursor) Encode() string {
	raw := strings.Join([]string{
		cursorVersion,
		strconv.Itoa(c.Rank),
		strconv.FormatInt(c.Time.Unix(), 10),
		strconv.Itoa(c.Time.Nanosecond()),
		c.ID,
	}, ":")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// DecodeCursor reads what Encode made; anything else is ErrBadCursor.
func DecodeCursor(s string) (Cursor, error) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, fmt.Errorf("%w: not base64url", ErrBadCursor)
	}
	parts := strings.SplitN(string(raw), ":", 5)
	if len(parts) != 5 || parts[0] != cursorVersion || parts[4] == "" {
		return Cursor{}, fmt.Errorf("%w: unknown layout", ErrBadCursor)
	}
	rank, err1 := strconv.Atoi(parts[1])
	sec, err2 := strconv.ParseInt(parts[2], 10, 64)
	nsec, err3 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || nsec < 0 || nsec > 999_999_999 || rank < 0 || rank > 1 {
		return Cursor{}, fmt.Errorf("%w: bad field", ErrBadCursor)
	}
	// A canonical form only: the same position has one cursor.
	c := Cursor{Rank: rank, Time: time.Unix(sec, int64(nsec)).UTC(), ID: parts[4]}
	if c.Encode() != s {
		return Cursor{}, fmt.Errorf("%w: not canonical", ErrBadCursor)
	}
	return c, nil
}
