package e2e_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// The shared bridge allows 127.0.0.1/32 (shared_test.go), so a page served
// by the test on loopback is previewed: send.link answers 200 with the
// preview, and the contact sees the title, description and thumbnail; a
// text starting with the link gets the same preview unless link_preview is
// false; a redirect to 169.254.169.254 is still refused, since only
// loopback is allowed.
func TestSendLinkPreview(t *testing.T) {
	t.Parallel()
	page := newPreviewPage(t)
	b := sharedBridge(t, "link")
	b.login(b.session)

	status, env := b.do("POST", "/send/link", map[string]any{
		"phone": "4917612345678", "link": page.url + "/article", "caption": "Read this"}, nil)
	if status != http.StatusOK {
		t.Fatalf("POST /send/link: %d %s %s", status, env.Code, env.Message)
	}
	var res struct {
		MessageID   string `json:"message_id"`
		Preview     bool   `json:"preview"`
		Reason      string `json:"preview_reason"`
		Title       string `json:"title"`
		Description string `json:"description"`
		Thumbnail   bool   `json:"thumbnail"`
	}
	mustJSON(t, env.Data, &res)
	if !res.Preview || res.Title != "Bridges of Berlin" || res.Description != "A walk along the Spree" || !res.Thumbnail || res.Reason != "" {
		t.Fatalf("send.link result %s, want the page's preview with a thumbnail", env.Data)
	}

	for _, text := range []struct {
		body    map[string]any
		preview bool
	}{
		{map[string]any{"phone": "4917612345678", "message": page.url + "/article is worth it"}, true},
		{map[string]any{"phone": "4917612345678", "message": page.url + "/article again", "link_preview": false}, false},
	} {
		if status, env := b.do("POST", "/send/message", text.body, nil); status != http.StatusOK {
			t.Fatalf("POST /send/message %v: %d %s %s", text.body, status, env.Code, env.Message)
		}
	}

	out := linkOutbox(t, b)
	if len(out) != 3 {
		t.Fatalf("%d deliveries, want 3: %+v", len(out), out)
	}
	if out[0].MessageID != res.MessageID || out[0].Message != "Read this\n"+page.url+"/article" {
		t.Errorf("send.link delivery %+v, want id %s and the caption then the link", out[0], res.MessageID)
	}
	for i, want := range []bool{true, true, false} {
		p := out[i].LinkPreview
		if !want {
			if p != nil {
				t.Errorf("delivery %d with link_preview false has preview %+v", i, p)
			}
			continue
		}
		if p == nil || p.MatchedText != page.url+"/article" || p.Title != "Bridges of Berlin" ||
			p.Description != "A walk along the Spree" || p.ThumbnailBytes == 0 || p.ThumbnailWidth == 0 || p.ThumbnailHeight == 0 {
			t.Errorf("delivery %d preview %+v, want the page's title, description and a thumbnail", i, p)
		}
	}
	// Two previews, each fetching the page and its image; the opted-out
	// text fetched nothing.
	if n := page.hits.Load(); n != 4 {
		t.Errorf("%d requests reached the page's server, want 4", n)
	}

	status, env = b.do("POST", "/send/link", map[string]any{"phone": "4917612345678", "link": page.url + "/to-metadata"}, nil)
	if status != http.StatusBadRequest || env.Code != "URL_NOT_ALLOWED" {
		t.Fatalf("send.link redirected to 169.254.169.254: %d %s %s, want 400 URL_NOT_ALLOWED", status, env.Code, env.Message)
	}
	if n := len(linkOutbox(t, b)); n != 3 {
		t.Errorf("%d deliveries after the refused redirect, want still 3", n)
	}
}

// A bridge without --fetch-allow refuses links to loopback (by address and
// by a name resolving there) and to the cloud metadata address with 400
// URL_NOT_ALLOWED before any dial: nothing is sent and no request reaches
// the test's server.
func TestSendLinkRefusedWithoutAllowList(t *testing.T) {
	t.Parallel()
	page := newPreviewPage(t)
	b := startBridge(t, bridgeOpts{})
	b.session = "default"
	b.login(b.session)

	port := strings.TrimPrefix(page.url, "http://127.0.0.1")
	for _, link := range []string{
		page.url + "/article",
		"http://localhost" + port + "/article",
		"http://169.254.169.254/latest/meta-data/",
	} {
		status, env := b.do("POST", "/send/link", map[string]any{"phone": "4917612345678", "link": link}, nil)
		if status != http.StatusBadRequest || env.Code != "URL_NOT_ALLOWED" {
			t.Errorf("send.link %s: %d %s %s, want 400 URL_NOT_ALLOWED", link, status, env.Code, env.Message)
		}
	}
	if out := linkOutbox(t, b); len(out) != 0 {
		t.Errorf("%d deliveries after refused links, want 0: %+v", len(out), out)
	}
	if n := page.hits.Load(); n != 0 {
		t.Errorf("%d requests reached the page's server, want 0", n)
	}
}

// previewPage is a loopback server of a page with Open Graph tags and its
// image, counting the requests that reach it.
type previewPage struct {
	url  string
	hits atomic.Int64
}

func newPreviewPage(t *testing.T) *previewPage {
	t.Helper()
	img := testPNG(t, 120, 80)
	p := &previewPage{}
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>fallback</title>
<meta property="og:title" content="Bridges of Berlin">
<meta property="og:description" content="A walk along the Spree">
<meta property="og:image" content="%s/cover.png">
</head><body>text</body></html>`, p.url)
	})
	mux.HandleFunc("/cover.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(img)
	})
	// The redirect is answered without following it here: the bridge's
	// guard must refuse the target before dialling it.
	mux.HandleFunc("/to-metadata", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.hits.Add(1)
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	if !strings.HasPrefix(p.url, "http://127.0.0.1:") {
		t.Fatalf("test server at %s, want 127.0.0.1", p.url)
	}
	return p
}

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.RGBA{R: uint8(x * 2), G: uint8(y * 3), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type linkDelivery struct {
	Session     string `json:"session"`
	MessageID   string `json:"message_id"`
	Message     string `json:"message"`
	LinkPreview *struct {
		MatchedText     string `json:"matched_text"`
		Title           string `json:"title"`
		Description     string `json:"description"`
		ThumbnailBytes  int    `json:"thumbnail_bytes"`
		ThumbnailWidth  uint32 `json:"thumbnail_width"`
		ThumbnailHeight uint32 `json:"thumbnail_height"`
	} `json:"link_preview"`
}

// linkOutbox is the session's deliveries with their link previews.
func linkOutbox(t *testing.T, b *bridgeProc) []linkDelivery {
	t.Helper()
	status, env := b.do("GET", "/sandbox/outbox", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("outbox: %d %s", status, env.Code)
	}
	var all, mine []linkDelivery
	if err := json.Unmarshal(env.Data, &all); err != nil {
		t.Fatalf("decoding the outbox %s: %v", env.Data, err)
	}
	for _, d := range all {
		if d.Session == b.session {
			mine = append(mine, d)
		}
	}
	return mine
}
