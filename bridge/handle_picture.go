package bridge

import (
	"context"
	"strconv"

	"go.mau.fi/whatsmeow/types"
	waEvents "go.mau.fi/whatsmeow/types/events"

	"github.com/wabridge/wabridge/events"
)

// pictureEvents are the events of whatsmeow's Picture: a picture.updated
// for a user or a group and, for a group, its group.updated with the
// photo, as every other change of a group's info is one. Keyed by the
// subject, the picture, who changed it (with their other JID form from
// alt, where known) and WhatsApp's time of the change
// (whole seconds: two admins removing the photo within one second are two
// changes).
func pictureEvents(session string, evt *waEvents.Picture, alt altForm) []events.Event {
	jid := evt.JID.ToNonAD()
	if jid.IsEmpty() {
		return nil
	}
	at := evt.Timestamp.UTC()
	var by *events.JID
	if !evt.Author.IsEmpty() {
		by = changerForms(&evt.Author, nil, alt)
	}
	isGroup := jid.Server == types.GroupServer
	d := events.PictureUpdated{JID: jidForms(jid), IsGroup: isGroup, Removed: evt.Remove, By: by, Timestamp: at}
	if !evt.Remove {
		d.PictureID = evt.PictureID
	}
	key := jid.String() + "|" + strconv.FormatInt(at.UnixNano(), 10) + "|" + d.PictureID + "|" + strconv.FormatBool(d.Removed) + "|" + evt.Author.ToNonAD().String()
	es := []events.Event{{Type: events.TypePictureUpdated, Session: session, Subject: jid.String(), Time: at, Key: key, Data: d}}
	if isGroup {
		es = append(es, events.Event{
			Type: events.TypeGroupUpdated, Session: session, Subject: jid.String(), Time: at, Key: key + "|photo",
			Data: events.GroupUpdated{
				Group: d.JID, By: by, Photo: &events.GroupPhotoChange{PictureID: d.PictureID, Removed: d.Removed}, Timestamp: at,
			},
		})
	}
	return es
}

func (s *Session) handlePicture(ctx context.Context, l *link, evt *waEvents.Picture) bool {
	return s.keepAll(ctx, l, pictureEvents(s.name, evt, s.lidAlts(ctx, l)))
}
