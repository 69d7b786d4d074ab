package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/wabridge/wabridge/events/chatview"
	"github.com/wabridge/wabridge/internal/werr"
)

// ChatReader gives a session's chat read model (the store projected from
// the event stream). chat.list and chat.messages answer from it, never
// from WhatsApp.
type ChatReader interface {
	ChatReader() chatview.Reader
}

type chatListPayload struct {
	Archived flexBool `json:"archived"`
	IsGroup  flexBool `json:"is_group"`
	Q        string   `json:"q"`
	Limit    flexInt  `json:"limit"`
	Before   string   `json:"before"`
}

// chatListData answers chat.list as the reference does: data is the array
// of chats itself; the cursor of the next page rides beside it as the
// envelope's next_cursor (see paged).
type chatListData struct {
	chats []chatview.Chat
	next  string
}

func (d chatListData) pageData() any      { return d.chats }
func (d chatListData) pageCursor() string { return d.next }

func chatList(ctx context.Context, r ChatReader, env Env, p chatListPayload) (any, error) {
	page, err := r.ChatReader().ListChats(ctx, env.SessionName, chatview.ChatQuery{
		Limit:    int(p.Limit),
		Before:   p.Before,
		Archived: p.Archived.ptr(),
		IsGroup:  p.IsGroup.ptr(),
		Q:        p.Q,
	})
	if err != nil {
		return nil, readError(err, "listing chats")
	}
	chats := page.Chats
	if chats == nil {
		chats = []chatview.Chat{} // an empty list, never null
	}
	return chatListData{chats: chats, next: page.NextCursor}, nil
}

// readError gives the read model's errors their codes.
func readError(err error, what string) error {
	switch {
	case errors.Is(err, chatview.ErrBadCursor):
		return werr.Invalid(werr.CodeInvalidPayload, "before is not a cursor this bridge made: pass next_cursor of the previous page")
	case errors.Is(err, chatview.ErrChatNotFound):
		return werr.New(werr.KindNotFound, werr.CodeNotFound, "the chat is unknown to this session")
	}
	return fmt.Errorf("%s: %w", what, err)
}
