package bridge_test

import (
	"bytes"
	"crypto/sha256"
	"os"
	"testing"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/internal/werr"
)

// A media message's URL is the sender's to write: only one on WhatsApp's
// CDN (https, whatsapp.net) is downloaded from; any other (an address in
// the bridge's own network, plain http, a look-alike host) is dropped and
// the direct path tried on WhatsApp's media hosts, as whatsmeow does for a
// message without URL. Nothing is ever asked of the sender's URL.
func TestDownloadMediaOnlyFromWhatsAppsCDN(t *testing.T) {
	e, f := newDownloadEnv(t)
	f.put("/v/t62/ok", jpegBytes)
	f.put("url:https://mmg.whatsapp.net/v/t62/ok", jpegBytes)
	cases := map[string]string{
		"3EB0URL1": "http://169.254.169.254/latest/meta-data/",
		"3EB0URL2": "https://internal.example/v/t62/ok",
		"3EB0URL3": "http://mmg.whatsapp.net/v/t62/ok",
		"3EB0URL4": "https://mmg.whatsapp.net.example.com/v/t62/ok",
		"3EB0URL5": "https://evilwhatsapp.net/v/t62/ok",
		"3EB0URL6": "https://user@mmg.whatsapp.net:8443/v/t62/ok",
	}
	for id, url := range cases {
		mediaID := receiveImage(t, e, f, id, "/v/t62/ok", url, jpegBytes)
		before := len(f.asked())
		got, err := download(t, e, bridge.DownloadRequest{Ref: mediaID})
		if err != nil {
			t.Fatalf("%s (%s): %v", id, url, err)
		}
		if asked := f.asked()[before:]; len(asked) != 1 || asked[0] != "/v/t62/ok" {
			t.Fatalf("%s: downloads asked %q, want the direct path alone", url, asked)
		}
		data, _ := os.ReadFile(got.Blob.Path)
		if sum := sha256.Sum256(jpegBytes); !bytes.Equal(got.Blob.SHA256, sum[:]) || !bytes.Equal(data, jpegBytes) {
			t.Fatalf("%s: other content", url)
		}
	}
	mediaID := receiveImage(t, e, f, "3EB0URLOK", "/v/t62/ok", "https://mmg.whatsapp.net/v/t62/ok", jpegBytes)
	before := len(f.asked())
	if _, err := download(t, e, bridge.DownloadRequest{Ref: mediaID}); err != nil {
		t.Fatal(err)
	}
	if asked := f.asked()[before:]; len(asked) != 1 || asked[0] != "url:https://mmg.whatsapp.net/v/t62/ok" {
		t.Fatalf("WhatsApp's own URL: asked %q", asked)
	}
}

// The direct path is the sender's too: whatsmeow appends it to a media
// host's name, so one that does not start with "/" would name another
// host ("@10.0.0.1/…", ".example.com/…"). Such media is not downloaded.
func TestDownloadMediaRefusesAForeignDirectPath(t *testing.T) {
	e, f := newDownloadEnv(t)
	for i, path := range []string{"@169.254.169.254/latest/meta-data?", ".example.com/v/t62?", ":8080/v/t62?", "v/t62/ok"} {
		f.put(path, jpegBytes)
		mediaID := receiveImage(t, e, f, "3EB0PATH"+string(rune('A'+i)), path, "", jpegBytes)
		_, err := download(t, e, bridge.DownloadRequest{Ref: mediaID})
		if err == nil || werr.KindOf(err) != werr.KindNotFound {
			t.Errorf("direct path %q: %v, want NOT_FOUND", path, err)
		}
	}
	if asked := f.asked(); len(asked) != 0 {
		t.Fatalf("downloads asked %q, want none", asked)
	}
}
