package commands

import (
	"context"
	"fmt"

	"github.com/wabridge/wabridge/bridge"
)

// GroupLister lists the account's groups, a page at a time.
type GroupLister interface {
	JoinedGroups(ctx context.Context, limit int, before string) (bridge.GroupPage, error)
}

type myGroupsPayload struct {
	Limit  flexInt `json:"limit"`
	Before string  `json:"before"`
}

// myGroupsData answers as chat.list does: data is the array, next_cursor
// beside it in the envelope.
type myGroupsData struct{ bridge.GroupPage }

func (d myGroupsData) pageData() any      { return d.Groups }
func (d myGroupsData) pageCursor() string { return d.NextCursor }

func userMyGroups(ctx context.Context, s GroupLister, _ Env, p myGroupsPayload) (any, error) {
	page, err := s.JoinedGroups(ctx, int(p.Limit), p.Before)
	if err != nil {
		return nil, fmt.Errorf("listing groups: %w", err)
	}
	if page.Groups == nil {
		page.Groups = []bridge.GroupInfo{} // an empty list, never null
	}
	return myGroupsData{page}, nil
}
