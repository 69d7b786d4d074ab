package bridge_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waVnameCert"
	"go.mau.fi/whatsmeow/types"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

func newUserEnv(t *testing.T) (*env, *userFake) {
	return wrappedEnv(t, func(c *fakeClient) *userFake { return &userFake{fakeClient: c} }, nil)
}

func wantUserCalls(t *testing.T, f *userFake, want ...string) {
	t.Helper()
	if got := f.userCalls(); !reflect.DeepEqual(got, want) {
		t.Fatalf("whatsmeow calls %q, want %q", got, want)
	}
}

// user.info asks GetUserInfo for the one JID, takes the push name from
// whatsmeow's contact store, and calls a business whatever has a
// verified name; a number missing from the answer is NOT_ON_WHATSAPP.
func TestUserInfoAsksGetUserInfo(t *testing.T) {
	e, f := newUserEnv(t)
	s := e.session("default")
	if _, _, err := f.dev.Contacts.PutPushName(context.Background(), alicePN, "Alice"); err != nil {
		t.Fatal(err)
	}
	f.info = map[types.JID]types.UserInfo{alicePN: {
		Status: "At work", PictureID: "1700000001", LID: aliceLID,
		VerifiedName: &types.VerifiedName{Details: &waVnameCert.VerifiedNameCertificate_Details{VerifiedName: proto.String("Alice's Shop")}},
		Devices:      []types.JID{types.NewADJID(alicePN.User, 0, 0), types.NewADJID(alicePN.User, 0, 3)},
	}}
	u, err := s.UserInfo(context.Background(), "4917612345678")
	if err != nil {
		t.Fatal(err)
	}
	want := bridge.UserInfo{
		JID: alicePN.String(), PN: alicePN.String(), LID: aliceLID.String(), PushName: "Alice",
		VerifiedName: "Alice's Shop", Status: "At work", PictureID: "1700000001", IsBusiness: true,
		Devices: []string{"4917612345678@s.whatsapp.net", "4917612345678:3@s.whatsapp.net"},
	}
	if !reflect.DeepEqual(u, want) {
		t.Fatalf("user info\n %+v\nwant\n %+v", u, want)
	}
	_, err = s.UserInfo(context.Background(), "9991234567")
	wantCode(t, err, werr.CodeNotOnWhatsApp)
	wantUserCalls(t, f, "GetUserInfo [4917612345678@s.whatsapp.net]", "GetUserInfo [9991234567@s.whatsapp.net]")
}

// Malformed users never reach WhatsApp.
func TestUserQueriesRefuseMalformedUsers(t *testing.T) {
	e, f := newUserEnv(t)
	s := e.session("default")
	for _, bad := range []string{"+4917612345678", "017612345678", "12345", "120363028461234567@g.us", "4917612345678:3@s.whatsapp.net", "abc"} {
		_, err := s.UserInfo(context.Background(), bad)
		wantCode(t, err, werr.CodeInvalidRecipient)
		_, err = s.BusinessProfile(context.Background(), bad)
		wantCode(t, err, werr.CodeInvalidRecipient)
		_, err = s.CheckUsers(context.Background(), []string{"4917612345678", bad})
		wantCode(t, err, werr.CodeInvalidRecipient)
	}
	wantUserCalls(t, f)
}

// user.avatar asks GetProfilePictureInfo with Preview as asked; a picture
// not set or hidden is NOT_FOUND.
func TestAvatarAsksGetProfilePictureInfo(t *testing.T) {
	e, f := newUserEnv(t)
	s := e.session("default")
	f.picture = &types.ProfilePictureInfo{URL: "https://pps.whatsapp.net/x", ID: "1700000001", Type: "preview"}
	a, err := s.Avatar(context.Background(), "4917612345678", true)
	if err != nil {
		t.Fatal(err)
	}
	if a != (bridge.Avatar{URL: "https://pps.whatsapp.net/x", ID: "1700000001", Type: "preview", IsPreview: true}) {
		t.Fatalf("avatar %+v", a)
	}
	if _, err := s.Avatar(context.Background(), group.String(), false); err != nil {
		t.Fatal(err)
	}
	for _, cause := range []error{whatsmeow.ErrProfilePictureNotSet, whatsmeow.ErrProfilePictureUnauthorized} {
		f.err = fmt.Errorf("wrapped: %w", cause)
		_, err := s.Avatar(context.Background(), "4917612345678", false)
		wantCode(t, err, werr.CodeNotFound)
	}
	wantUserCalls(t, f,
		"GetProfilePictureInfo 4917612345678@s.whatsapp.net {Preview:true ExistingID: IsCommunity:false CommonGID: InviteCode: PersonaID:}",
		"GetProfilePictureInfo 120363028461234567@g.us {Preview:false ExistingID: IsCommunity:false CommonGID: InviteCode: PersonaID:}",
		"GetProfilePictureInfo 4917612345678@s.whatsapp.net {Preview:false ExistingID: IsCommunity:false CommonGID: InviteCode: PersonaID:}",
		"GetProfilePictureInfo 4917612345678@s.whatsapp.net {Preview:false ExistingID: IsCommunity:false CommonGID: InviteCode: PersonaID:}")
}

// user.check asks IsOnWhatsApp once with every distinct number in the
// international form with '+', and answers each in the order asked with
// WhatsApp's canonical JID; a number WhatsApp leaves out or says is not in
// is is_on_whatsapp false. More than MaxCheckPhones are refused unasked.
func TestCheckUsersAsksIsOnWhatsApp(t *testing.T) {
	e, f := newUserEnv(t)
	s := e.session("default")
	f.check = []types.IsOnWhatsAppResponse{
		{Query: "+9991234567", JID: types.NewJID("9991234567", types.DefaultUserServer), IsIn: false},
		{Query: "+4917612345678", JID: types.NewJID("4917612345678", types.DefaultUserServer), IsIn: true,
			VerifiedName: &types.VerifiedName{Details: &waVnameCert.VerifiedNameCertificate_Details{VerifiedName: proto.String("Shop")}}},
	}
	rs, err := s.CheckUsers(context.Background(), []string{"4917612345678", "9991234567@s.whatsapp.net", "4915112345678", "4917612345678"})
	if err != nil {
		t.Fatal(err)
	}
	want := []bridge.CheckResult{
		{Phone: "4917612345678", IsOnWhatsApp: true, JID: "4917612345678@s.whatsapp.net", VerifiedName: "Shop"},
		{Phone: "9991234567"},
		{Phone: "4915112345678"},
	}
	if !reflect.DeepEqual(rs, want) {
		t.Fatalf("answers %+v, want %+v", rs, want)
	}
	many := make([]string, bridge.MaxCheckPhones+1)
	for i := range many {
		many[i] = fmt.Sprintf("49176%08d", i)
	}
	_, err = s.CheckUsers(context.Background(), many)
	wantCode(t, err, werr.CodeInvalidPayload)
	_, err = s.CheckUsers(context.Background(), nil)
	wantCode(t, err, werr.CodeInvalidPayload)
	wantUserCalls(t, f, "IsOnWhatsApp +4917612345678,+9991234567,+4915112345678")
}

// user.business_profile and user.my.privacy ask whatsmeow and answer what
// it parsed; privacy is fetched fresh (TryFetchPrivacySettings, ignoring
// whatsmeow's cache), not through GetPrivacySettings, which hides errors.
func TestBusinessProfileAndPrivacy(t *testing.T) {
	e, f := newUserEnv(t)
	s := e.session("default")
	f.profile = &types.BusinessProfile{JID: alicePN, Address: "Main St 1", Email: "a@example.com",
		Categories:            []types.Category{{ID: "1", Name: "Bakery"}},
		BusinessHoursTimeZone: "Europe/Berlin",
		BusinessHours:         []types.BusinessHoursConfig{{DayOfWeek: "mon", Mode: "specific_hours", OpenTime: "480", CloseTime: "1020"}}}
	p, err := s.BusinessProfile(context.Background(), "4917612345678")
	if err != nil {
		t.Fatal(err)
	}
	if p.JID != alicePN.String() || p.Address != "Main St 1" || len(p.Categories) != 1 || p.Hours[0].OpenTime != "480" || p.HoursTimeZone != "Europe/Berlin" {
		t.Fatalf("profile %+v", p)
	}
	f.privacy = &types.PrivacySettings{GroupAdd: types.PrivacySettingContacts, LastSeen: types.PrivacySettingNone, ReadReceipts: types.PrivacySettingAll,
		Status: types.PrivacySettingContactBlacklist, Profile: types.PrivacySettingAll, CallAdd: types.PrivacySettingKnown, Online: types.PrivacySettingMatchLastSeen}
	pr, err := s.Privacy(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pr != (bridge.Privacy{GroupAdd: "contacts", LastSeen: "none", Status: "contact_blacklist", Profile: "all", ReadReceipts: "all", CallAdd: "known", Online: "match_last_seen"}) {
		t.Fatalf("privacy %+v", pr)
	}
	f.err = whatsmeow.ErrIQRateOverLimit
	_, err = s.Privacy(context.Background())
	wantCode(t, err, werr.CodeRateLimited)
	wantUserCalls(t, f, "GetBusinessProfile 4917612345678@s.whatsapp.net", "TryFetchPrivacySettings true", "TryFetchPrivacySettings true")
}

// user.my.contacts lists whatsmeow's contact store by JID, the best name
// first, in pages: the cursor continues after the last one.
func TestContactsPageTheContactStore(t *testing.T) {
	e, f := newUserEnv(t)
	s := e.session("default")
	ctx := context.Background()
	cs := f.dev.Contacts
	for i, name := range []string{"Carla", "Bruno", "Ana"} {
		jid := types.NewJID(fmt.Sprintf("491760000000%d", i), types.DefaultUserServer)
		if _, _, err := cs.PutPushName(ctx, jid, name); err != nil {
			t.Fatal(err)
		}
	}
	// sqlstore takes the first name first.
	if err := cs.PutContactName(ctx, types.NewJID("4917600000001", types.DefaultUserServer), "Bruno", "Bruno Novak"); err != nil {
		t.Fatal(err)
	}
	var names []string
	before := ""
	for range 3 {
		page, err := s.Contacts(ctx, 2, before)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Contacts {
			names = append(names, c.JID+"="+c.Name)
		}
		if before = page.NextCursor; before == "" {
			break
		}
	}
	want := "4917600000000@s.whatsapp.net=Carla 4917600000001@s.whatsapp.net=Bruno Novak 4917600000002@s.whatsapp.net=Ana"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("contacts %s, want %s", got, want)
	}
	_, err := s.Contacts(ctx, 2, "not-a-cursor")
	wantCode(t, err, werr.CodeInvalidPayload)
	wantUserCalls(t, f) // local: nothing asked of WhatsApp
}
