package commands_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/bridge"
)

// The fake session's user side: each call is recorded (f.calls) as
// "<Method> <arguments>" and answered from its arguments.

func (f *fakeSession) UserInfo(_ context.Context, phone string) (bridge.UserInfo, error) {
	return bridge.UserInfo{JID: phone, Status: "Available", Devices: []string{}}, f.record("UserInfo " + phone)
}

func (f *fakeSession) Avatar(_ context.Context, phone string, preview bool) (bridge.Avatar, error) {
	return bridge.Avatar{URL: "https://pps.example/" + phone, ID: "1", Type: "image", IsPreview: preview},
		f.record(fmt.Sprintf("Avatar %s preview=%t", phone, preview))
}

func (f *fakeSession) CheckUsers(_ context.Context, phones []string) ([]bridge.CheckResult, error) {
	out := make([]bridge.CheckResult, len(phones))
	for i, p := range phones {
		out[i] = bridge.CheckResult{Phone: p, IsOnWhatsApp: !strings.HasPrefix(p, "999")}
	}
	return out, f.record("CheckUsers " + strings.Join(phones, ","))
}

func (f *fakeSession) BusinessProfile(_ context.Context, phone string) (bridge.BusinessProfile, error) {
	return bridge.BusinessProfile{JID: phone}, f.record("BusinessProfile " + phone)
}

func (f *fakeSession) Contacts(_ context.Context, limit int, before string) (bridge.ContactPage, error) {
	page := bridge.ContactPage{Contacts: []bridge.Contact{{JID: "4917612345678@s.whatsapp.net", Name: "Ana"}}, NextCursor: "next"}
	return page, f.record(fmt.Sprintf("Contacts limit=%d before=%q", limit, before))
}

func (f *fakeSession) Privacy(context.Context) (bridge.Privacy, error) {
	return bridge.Privacy{GroupAdd: "all"}, f.record("Privacy")
}
