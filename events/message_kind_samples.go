package events

// MessageKindSamples is one message.received data per kind of message
// (message_kinds.go), for documentation and for the schema tests: the
// catalog holds one sample per event type, and no single message is a
// location, a poll and a contact at once.
func MessageKindSamples() []MessageReceived {
	base := func(id, typ string) MessageReceived {
		return MessageReceived{
			ID: "false_4915112345678@s.whatsapp.net_" + id, WAID: id,
			Chat:     JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"},
			Sender:   JID{JID: "4915112345678@s.whatsapp.net", PN: "4915112345678@s.whatsapp.net", LID: "987654321098765@lid"},
			PushName: "Ana", Timestamp: sampleTime(), Type: typ,
		}
	}
	link := base("3EB0A0000000000001", KindText)
	link.Text = "Our menu: https://example.com/menu"
	link.LinkPreview = &LinkPreview{URL: "https://example.com/menu", Title: "Lima Café – Menu", Description: "Breakfast all day"}
	link.Forwarded, link.ForwardingScore = true, 2

	loc := base("3EB0A0000000000002", KindLocation)
	loc.Location = &Location{Latitude: 52.520008, Longitude: 13.404954, Name: "Brandenburg Gate",
		Address: "Pariser Platz, 10117 Berlin", URL: "https://maps.google.com/?q=52.520008,13.404954"}

	live := base("3EB0A0000000000003", KindLiveLocation)
	live.Location = &Location{Latitude: 52.5163, Longitude: 13.3777, Caption: "On my way",
		Accuracy: 12, Speed: 1.4, Heading: 270, Sequence: 1741064767000}

	contact := base("3EB0A0000000000004", KindContact)
	contact.Contacts = []ContactCard{{DisplayName: "John Doe", VCard: sampleVCard("John Doe", "4917698765432")}}

	contacts := base("3EB0A0000000000005", KindContacts)
	contacts.Contacts = []ContactCard{
		{DisplayName: "John Doe", VCard: sampleVCard("John Doe", "4917698765432")},
		{DisplayName: "Jane Roe", VCard: sampleVCard("Jane Roe", "4917611122233")},
	}

	poll := base("3EB0A0000000000006", KindPoll)
	poll.Poll = &Poll{Question: "What is your favorite programming language?",
		Options: []string{"Python", "JavaScript", "Go"}, SelectableCount: 1}
	poll.Ephemeral = true

	return append([]MessageReceived{link, loc, live, contact, contacts, poll}, mediaKindSamples(base)...)
}

// mediaKindSamples: one per media kind, and the flavours that set the
// other flags (a voice note, a round video note, a GIF, an animated sticker).
func mediaKindSamples(base func(id, typ string) MessageReceived) []MessageReceived {
	media := func(m *MessageReceived, mimetype string, size uint64) *Media {
		id := sampleMediaID(m.WAID)
		return &Media{ID: id, URL: MediaURLPrefix + id, Object: MediaObject(id), Mimetype: mimetype, Size: size,
			SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
	}
	image := base("3EB0A0000000000007", KindImage)
	image.Caption, image.ViewOnce = "The view from here", true
	image.Media = media(&image, "image/jpeg", 183215)
	image.Media.Width, image.Media.Height = 1600, 1200

	video := base("3EB0A0000000000008", KindVideo)
	video.Caption = "Happy birthday!"
	video.Media = media(&video, "video/mp4", 4829113)
	video.Media.Width, video.Media.Height, video.Media.Seconds = 1280, 720, 31

	note := base("3EB0A0000000000009", KindVideo)
	note.Media = media(&note, "video/mp4", 612000)
	note.Media.Width, note.Media.Height, note.Media.Seconds, note.Media.VideoNote = 384, 384, 9, true

	gif := base("3EB0A000000000000A", KindVideo)
	gif.Media = media(&gif, "video/mp4", 98000)
	gif.Media.Width, gif.Media.Height, gif.Media.Seconds, gif.Media.GIF = 480, 270, 3, true

	voice := base("3EB0A000000000000B", KindAudio)
	voice.Media = media(&voice, "audio/ogg; codecs=opus", 21422)
	voice.Media.Seconds, voice.Media.PTT = 7, true

	doc := base("3EB0A000000000000C", KindDocument)
	doc.Caption = "The signed contract"
	doc.Media = media(&doc, "application/pdf", 88231)
	doc.Media.Filename, doc.Media.PageCount = "contract.pdf", 3

	sticker := base("3EB0A000000000000D", KindSticker)
	sticker.Media = media(&sticker, "image/webp", 31872)
	sticker.Media.Width, sticker.Media.Height, sticker.Media.Animated = 512, 512, true

	return []MessageReceived{image, video, note, gif, voice, doc, sticker}
}

// sampleMediaID stands in for the bridge's media id of a sample message:
// the samples document the shape, the bridge's tests its derivation.
func sampleMediaID(waID string) string { return "sample-" + waID }

func sampleVCard(name, phone string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + "\r\nTEL;type=CELL;waid=" + phone + ":+" + phone + "\r\nEND:VCARD\r\n"
}
