package sandbox_test

import (
	"errors"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge/sandbox"
)

// Virtual users look the same every time: a number of WhatsApp's has a
// name, an about text, device 0 and a LID; 999… numbers are not on
// WhatsApp (not in GetUserInfo's answer, IsIn false); a number ending in 0
// has no picture, one ending in 1 is a business.
func TestVirtualUsers(t *testing.T) {
	f := newFixture(t, sandbox.Config{})
	f.login(t, "4915100000001")
	ctx := testCtx(t)
	ana, none, biz := types.NewJID("4917612345678", types.DefaultUserServer), types.NewJID("9991234567", types.DefaultUserServer), types.NewJID("4917612345671", types.DefaultUserServer)
	infos, err := f.cli.GetUserInfo(ctx, []types.JID{ana, none, biz})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := infos[none]; ok || len(infos) != 2 {
		t.Fatalf("answer %+v: want Ana and the business, not the 999 number", infos)
	}
	a := infos[ana]
	if a.Status == "" || a.PictureID == "" || a.LID.Server != types.HiddenUserServer || len(a.Devices) != 1 || a.VerifiedName != nil {
		t.Fatalf("Ana %+v", a)
	}
	again, _ := f.cli.GetUserInfo(ctx, []types.JID{ana})
	if again[ana].Status != a.Status || again[ana].LID != a.LID {
		t.Fatal("the same user looks different the second time")
	}
	if infos[biz].VerifiedName.Details.GetVerifiedName() == "" {
		t.Fatal("a number ending in 1 has no verified name")
	}
	checks, err := f.cli.IsOnWhatsApp(ctx, []string{"+4917612345678", "+9991234567"})
	if err != nil || len(checks) != 2 || !checks[0].IsIn || checks[1].IsIn || checks[0].JID != ana || checks[0].Query != "+4917612345678" {
		t.Fatalf("IsOnWhatsApp %+v, %v", checks, err)
	}
	pic, err := f.cli.GetProfilePictureInfo(ctx, ana, &whatsmeow.GetProfilePictureParams{Preview: true})
	if err != nil || pic.Type != "preview" || pic.ID != a.PictureID || pic.URL == "" {
		t.Fatalf("picture %+v, %v", pic, err)
	}
	if same, err := f.cli.GetProfilePictureInfo(ctx, ana, &whatsmeow.GetProfilePictureParams{ExistingID: a.PictureID}); same != nil || err != nil {
		t.Fatalf("the current id again: %+v, %v; whatsmeow answers nil, nil", same, err)
	}
	for _, jid := range []types.JID{types.NewJID("4917612345670", types.DefaultUserServer), none} {
		if _, err := f.cli.GetProfilePictureInfo(ctx, jid, nil); !errors.Is(err, whatsmeow.ErrProfilePictureNotSet) {
			t.Fatalf("%s: %v, want ErrProfilePictureNotSet", jid, err)
		}
	}
	p, err := f.cli.GetBusinessProfile(ctx, biz)
	if err != nil || p.Email == "" || len(p.BusinessHours) == 0 || len(p.Categories) == 0 {
		t.Fatalf("business profile %+v, %v", p, err)
	}
	if p, err := f.cli.GetBusinessProfile(ctx, ana); err != nil || p.Email != "" || p.JID != ana {
		t.Fatalf("personal profile %+v, %v", p, err)
	}
	if pr, err := f.cli.TryFetchPrivacySettings(ctx, true); err != nil || pr.GroupAdd != types.PrivacySettingAll {
		t.Fatalf("privacy %+v, %v", pr, err)
	}
}

// Whom the session writes to and who writes to it land in the device's
// contact store, with the virtual user's names and push name.
func TestSandboxKeepsContacts(t *testing.T) {
	f := newFixture(t, sandbox.Config{DisableReceipts: true})
	f.login(t, "4915100000001")
	ctx := testCtx(t)
	bruno := types.NewJID("4917612345678", types.DefaultUserServer)
	if _, err := f.cli.SendMessage(ctx, bruno, &waE2E.Message{Conversation: proto.String("hi")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.net.Inbound(ctx, "default", sandbox.Inbound{From: "4915112345678", Message: "hello", PushName: "Cleo"}); err != nil {
		t.Fatal(err)
	}
	all, err := f.dev.Contacts.GetAllContacts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, c := all[bruno], all[types.NewJID("4915112345678", types.DefaultUserServer)]
	if b.FullName == "" || b.FirstName == "" || b.PushName != b.FirstName {
		t.Fatalf("Bruno %+v", b)
	}
	if c.PushName != "Cleo" || c.FullName == "" {
		t.Fatalf("Cleo %+v", c)
	}
}
