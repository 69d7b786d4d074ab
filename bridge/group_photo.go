package bridge

import (
	"context"
	"fmt"

	"go.mau.fi/whatsmeow/types"

	"github.com/wabridge/wabridge/internal/media"
)

// SetGroupPhoto sets a group's photo from a media field (data: URL, URL or
// nats-object:// reference of an image), prepared as WhatsApp needs it: a
// JPEG of the centre square, 640×640 at most. src "" removes the photo.
func (s *Session) SetGroupPhoto(ctx context.Context, groupID, src string) (GroupChange, error) {
	g, err := ParseGroupID(groupID)
	if err != nil {
		return GroupChange{}, err
	}
	var jpeg []byte
	if src != "" {
		if jpeg, err = s.groupPhoto(ctx, src); err != nil {
			return GroupChange{}, err
		}
	}
	return s.changeGroup(ctx, g.String(), "setting the photo of group %s", func(l *link, g types.JID) (GroupChange, error) {
		id, err := l.client.SetGroupPhoto(ctx, g, jpeg)
		if jpeg == nil {
			id = "" // whatsmeow answers "remove"; the photo has no id then
		}
		return GroupChange{PictureID: id, PhotoRemoved: jpeg == nil}, err
	})
}

// groupPhoto resolves src within the image limit and prepares it.
func (s *Session) groupPhoto(ctx context.Context, src string) ([]byte, error) {
	in, err := s.resolveMedia(ctx, media.Image, src)
	if err != nil {
		return nil, err
	}
	defer func() { _ = in.Blob.Remove() }()
	jpeg, err := media.GroupPhoto(ctx, in.Blob, s.d.cfg.MediaPrep)
	if err != nil {
		return nil, fmt.Errorf("preparing the group photo: %w", err)
	}
	return jpeg, nil
}
