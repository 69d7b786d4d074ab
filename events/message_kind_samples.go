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

	return []MessageReceived{link, loc, live, contact, contacts, poll}
}

func sampleVCard(name, phone string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + name + "\r\nTEL;type=CELL;waid=" + phone + ":+" + phone + "\r\nEND:VCARD\r\n"
}
