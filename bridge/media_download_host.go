package bridge

import (
	"net/url"
	"strings"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"google.golang.org/protobuf/proto"
)

// A media message's URL is written by its sender, and whatsmeow downloads
// from a URL, when there is one, without looking at where it points: a
// contact could have the bridge fetch any address it reaches (its own
// network's included) on every received message. Only URLs on WhatsApp's
// CDN are kept; without one whatsmeow goes by the direct path, on the
// media hosts WhatsApp's server names.

// onWhatsAppCDN reports whether raw is an https URL on whatsapp.net, with
// no credentials and no port of its own.
func onWhatsAppCDN(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return false
	}
	if p := u.Port(); p != "" && p != "443" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "whatsapp.net" || strings.HasSuffix(host, ".whatsapp.net")
}

// fromCDNOnly is sub as the bridge downloads it: a copy without its URL
// when that is not on WhatsApp's CDN.
func fromCDNOnly(sub whatsmeow.DownloadableMessage) whatsmeow.DownloadableMessage {
	withURL, ok := sub.(interface{ GetURL() string })
	if !ok || withURL.GetURL() == "" || onWhatsAppCDN(withURL.GetURL()) {
		return sub
	}
	switch x := sub.(type) {
	case *waE2E.ImageMessage:
		c := proto.CloneOf(x)
		c.URL = nil
		return c
	case *waE2E.VideoMessage:
		c := proto.CloneOf(x)
		c.URL = nil
		return c
	case *waE2E.AudioMessage:
		c := proto.CloneOf(x)
		c.URL = nil
		return c
	case *waE2E.DocumentMessage:
		c := proto.CloneOf(x)
		c.URL = nil
		return c
	case *waE2E.StickerMessage:
		c := proto.CloneOf(x)
		c.URL = nil
		return c
	}
	return sub
}
