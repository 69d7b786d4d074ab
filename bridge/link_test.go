package bridge_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/fetch"
	"github.com/wabridge/wabridge/internal/werr"
)

// linkSite serves a page with Open Graph tags and its image on 127.0.0.1,
// counting the requests that reach it.
type linkSite struct {
	*httptest.Server
	hits atomic.Int32
}

func newLinkSite(t *testing.T) *linkSite {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 400, 200))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	s := &linkSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		switch r.URL.Path {
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<head><meta property="og:title" content="The Title"><meta property="og:description" content="The description."><meta property="og:image" content="/img.png"></head>`)
		case "/img.png":
			w.Write(pngData.Bytes())
		case "/to-inside":
			http.Redirect(w, r, "http://127.0.0.1:"+portOf(s.Server)+"/page", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func portOf(s *httptest.Server) string {
	_, p, _ := net.SplitHostPort(s.Listener.Addr().String())
	return p
}

// tableResolver resolves every name to 127.0.0.1 and asks no DNS server.
type tableResolver struct{}

func (tableResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
}

func linkEnv(t *testing.T, allow ...string) (*env, *fakeClient, *bridge.Session) {
	t.Helper()
	e := newEnv(t)
	e.mgr.Close()
	e.startWith(func(c *bridgeConfig) { c.Fetch = fetch.Config{Allow: allow, Resolver: tableResolver{}} })
	c := e.loggedInConnected("default")
	return e, c, e.session("default")
}

// wantThumbnail checks the JPEG built and returns it for the expected
// protobuf.
func wantThumbnail(t *testing.T, m *waE2E.Message) []byte {
	t.Helper()
	thumb := m.GetExtendedTextMessage().GetJPEGThumbnail()
	img, err := jpeg.Decode(bytes.NewReader(thumb))
	if err != nil {
		t.Fatalf("thumbnail is no JPEG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 192 || b.Dy() != 96 {
		t.Fatalf("thumbnail is %v, want 192×96", b)
	}
	return thumb
}

func previewed(text, link string, thumb []byte) *waE2E.Message {
	return &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{
		Text: proto.String(text), MatchedText: proto.String(link),
		Title: proto.String("The Title"), Description: proto.String("The description."),
		PreviewType:   waE2E.ExtendedTextMessage_NONE.Enum(),
		JPEGThumbnail: thumb, ThumbnailWidth: proto.Uint32(192), ThumbnailHeight: proto.Uint32(96),
	}}
}

func TestSendLinkWithPreview(t *testing.T) {
	site := newLinkSite(t)
	_, c, s := linkEnv(t, "127.0.0.1/32")
	link := site.URL + "/page"
	res, err := s.SendLink(context.Background(), bridge.SendLinkRequest{To: "4917612345678", Link: link, Caption: "Look", Key: "l1"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.sentMessages()[0]
	want := previewed("Look\n"+link, link, wantThumbnail(t, got.Msg))
	if !proto.Equal(got.Msg, want) {
		t.Fatalf("message\n got %v\nwant %v", got.Msg, want)
	}
	if p := res.Preview; p == nil || !p.Shown || !p.Thumbnail || p.Title != "The Title" || p.Reason != "" {
		t.Fatalf("preview outcome %+v", res.Preview)
	}
	if got.Extra.ID != bridge.MessageIDFromKey("l1") {
		t.Fatalf("id %s not from the key", got.Extra.ID)
	}
}

func TestSendLinkWithoutPreviewWhenThePageFails(t *testing.T) {
	site := newLinkSite(t)
	_, c, s := linkEnv(t, "127.0.0.1/32")
	link := site.URL + "/missing"
	res, err := s.SendLink(context.Background(), bridge.SendLinkRequest{To: "4917612345678", Link: link, Key: "l2"})
	if err != nil {
		t.Fatal(err)
	}
	want := &waE2E.Message{ExtendedTextMessage: &waE2E.ExtendedTextMessage{Text: proto.String(link)}}
	if got := c.sentMessages()[0].Msg; !proto.Equal(got, want) {
		t.Fatalf("message\n got %v\nwant %v", got, want)
	}
	if p := res.Preview; p == nil || p.Shown || p.Reason == "" {
		t.Fatalf("preview outcome %+v, want none with a reason", res.Preview)
	}
}

// A link the fetch guard refuses is refused: nothing fetched, nothing sent.
func TestSendLinkRefusesInsideAddresses(t *testing.T) {
	site := newLinkSite(t)
	_, c, s := linkEnv(t, "start.test")
	for _, link := range []string{
		site.URL + "/page",                                        // loopback
		"http://169.254.169.254/latest/meta-data/",                // metadata
		"http://[::1]:" + portOf(site.Server) + "/",               // loopback v6
		"http://10.1.2.3/",                                        // private
		"http://inside.test:" + portOf(site.Server) + "/page",     // resolves to 127.0.0.1
		"http://start.test:" + portOf(site.Server) + "/to-inside", // allowed, redirects inside
	} {
		_, err := s.SendLink(context.Background(), bridge.SendLinkRequest{To: "4917612345678", Link: link, Key: "r-" + link})
		wantCode(t, err, werr.CodeURLNotAllowed)
	}
	if n := len(c.sentMessages()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}
	if site.hits.Load() != 1 {
		t.Fatalf("site got %d requests, want only the allowed start of the redirect", site.hits.Load())
	}
}

func TestSendLinkBadInput(t *testing.T) {
	_, c, s := linkEnv(t)
	for _, link := range []string{"", "example.com", "ftp://example.com/x", "javascript:alert(1)", "https://exa mple.com/"} {
		_, err := s.SendLink(context.Background(), bridge.SendLinkRequest{To: "4917612345678", Link: link, Key: "b"})
		wantCode(t, err, werr.CodeInvalidPayload)
	}
	_, err := s.SendLink(context.Background(), bridge.SendLinkRequest{To: "+49 x", Link: "https://example.com", Key: "b"})
	wantCode(t, err, werr.CodeInvalidRecipient)
	if n := len(c.sentMessages()); n != 0 {
		t.Fatalf("%d messages sent", n)
	}
}

func TestSendTextLinkPreview(t *testing.T) {
	site := newLinkSite(t)
	_, c, s := linkEnv(t, "127.0.0.1/32")
	link := site.URL + "/page"
	text := link + " is worth a look"

	res, err := s.SendText(context.Background(), bridge.SendTextRequest{To: "4917612345678", Text: text, Key: "t1"})
	if err != nil {
		t.Fatal(err)
	}
	got := c.sentMessages()[0].Msg
	if want := previewed(text, link, wantThumbnail(t, got)); !proto.Equal(got, want) {
		t.Fatalf("message\n got %v\nwant %v", got, want)
	}
	if res.Preview == nil || !res.Preview.Shown {
		t.Fatalf("preview outcome %+v", res.Preview)
	}

	// Opted out, or not leading: a plain Conversation, nothing fetched.
	hits := site.hits.Load()
	for i, req := range []bridge.SendTextRequest{
		{To: "4917612345678", Text: text, NoLinkPreview: true, Key: "t2"},
		{To: "4917612345678", Text: "see " + link, Key: "t3"},
	} {
		res, err := s.SendText(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.sentMessages()[1+i].Msg; !proto.Equal(got, &waE2E.Message{Conversation: proto.String(req.Text)}) || res.Preview != nil {
			t.Fatalf("%q: message %v, outcome %+v", req.Text, got, res.Preview)
		}
	}
	if site.hits.Load() != hits {
		t.Fatal("a text without a leading link, or opted out, fetched")
	}
}

// A text is sent whatever becomes of its preview, a refused link included.
func TestSendTextRefusedLinkGoesWithoutPreview(t *testing.T) {
	_, c, s := linkEnv(t)
	text := "http://169.254.169.254/latest/meta-data/"
	res, err := s.SendText(context.Background(), bridge.SendTextRequest{To: "4917612345678", Text: text, Key: "t4"})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.sentMessages()[0].Msg; !proto.Equal(got, &waE2E.Message{Conversation: proto.String(text)}) {
		t.Fatalf("message %v", got)
	}
	if p := res.Preview; p == nil || p.Shown || p.Reason == "" {
		t.Fatalf("preview outcome %+v", res.Preview)
	}
}
