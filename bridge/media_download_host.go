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

// onMediaHost reports whether a direct path stays on the media host
// whatsmeow puts before it: it must start the URL's path ("/"), else
// "@10.0.0.1/…" or ".example.com/…" would name a host of the sender's.
func onMediaHost(directPath string) bool { return strings.HasPrefix(directPath, "/") }

// fromCDNOnly is sub as the bridge downloads it: a copy without its URL
// when that is not on WhatsApp's CDN, and without its direct path when
// that would leave WhatsApp's media hosts. A message left with neither is
// whatsmeow's ErrNoURLPresent.
func fromCDNOnly(sub whatsmeow.DownloadableMessage) whatsmeow.DownloadableMessage {
	badURL := false
	if withURL, ok := sub.(interface{ GetURL() string }); ok && withURL.GetURL() != "" {
		badURL = !onWhatsAppCDN(withURL.GetURL())
	}
	badPath := sub.GetDirectPath() != "" && !onMediaHost(sub.GetDirectPath())
	if !badURL && !badPath {
		return sub
	}
	c, ok := proto.Clone(sub.(proto.Message)).(whatsmeow.DownloadableMessage)
	if !ok {
		return sub
	}
	url, path := mediaLocation(c)
	if url == nil || path == nil {
		return sub
	}
	if badURL {
		*url = nil
	}
	if badPath {
		*path = nil
	}
	return c
}

// mediaLocation is where m keeps its URL and direct path; nil for a kind
// the bridge does not download.
func mediaLocation(m whatsmeow.DownloadableMessage) (url, path **string) {
	switch x := m.(type) {
	case *waE2E.ImageMessage:
		return &x.URL, &x.DirectPath
	case *waE2E.VideoMessage:
		return &x.URL, &x.DirectPath
	case *waE2E.AudioMessage:
		return &x.URL, &x.DirectPath
	case *waE2E.DocumentMessage:
		return &x.URL, &x.DirectPath
	case *waE2E.StickerMessage:
		return &x.URL, &x.DirectPath
	}
	return nil, nil
}
