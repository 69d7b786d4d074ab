package bridge

import (
	"context"
	"encoding/base64"
	"sort"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/werr"
)

// Pages of user.my.groups.
const (
	DefaultGroupPage = 50
	MaxGroupPage     = 200
)

// GroupPage is one page of the account's groups, ordered by group JID.
// NextCursor continues it; "" on the last page.
type GroupPage struct {
	Groups     []GroupInfo
	NextCursor string
}

// JoinedGroups lists the groups the account is in, limit at a time (0:
// DefaultGroupPage), after the cursor before of the previous page.
// WhatsApp answers the whole list at once; the pages are cut here, so no
// answer outgrows a NATS message. Members are left out (participant_count
// says how many): group.info gives them.
func (s *Session) JoinedGroups(ctx context.Context, limit int, before string) (GroupPage, error) {
	after, err := parseGroupCursor(before)
	if err != nil {
		return GroupPage{}, err
	}
	if limit <= 0 {
		limit = DefaultGroupPage
	}
	limit = min(limit, MaxGroupPage)
	l, _, err := s.groupLink()
	if err != nil {
		return GroupPage{}, err
	}
	infos, err := l.client.GetJoinedGroups(ctx)
	if err != nil {
		return GroupPage{}, classify(err, groupOp(types.EmptyJID, "listing the account's groups"))
	}
	all := make([]GroupInfo, 0, len(infos))
	for _, info := range infos {
		if info != nil {
			all = append(all, groupInfoOf(info, false))
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].GroupID < all[j].GroupID })
	start := sort.Search(len(all), func(i int) bool { return all[i].GroupID > after })
	page := GroupPage{Groups: all[start:min(start+limit, len(all))]}
	if start+limit < len(all) {
		page.NextCursor = groupCursor(page.Groups[len(page.Groups)-1].GroupID)
	}
	return page, nil
}

// A cursor is the last group JID of a page, encoded so that callers pass
// it back rather than build one.
func groupCursor(last string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("g:" + last))
}

func parseGroupCursor(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) < 3 || string(raw[:2]) != "g:" {
		return "", werr.Invalid(werr.CodeInvalidPayload, "before is not a cursor this bridge made: pass next_cursor of the previous page")
	}
	if _, err := ParseGroupID(string(raw[2:])); err != nil {
		return "", werr.Invalid(werr.CodeInvalidPayload, "before is not a cursor this bridge made: pass next_cursor of the previous page")
	}
	return string(raw[2:]), nil
}
