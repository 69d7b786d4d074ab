package bridge

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzParseMediaID: GET /media/<id> hands parseMediaID whatever a caller
// wrote. It never panics, and what it accepts is exactly the id the
// session gives that message's media (nothing else resolves).
func FuzzParseMediaID(f *testing.F) {
	msg := "false_4917612345678@s.whatsapp.net_3EB0ABCDEF"
	// A message id of 3n+1 bytes ends its base64 in a character with four
	// unused bits: the same bytes written another way must not resolve
	// (another object name for the same media, a view-once served again).
	odd := mediaID("default", msg+"G")
	enc, tag, _ := strings.Cut(odd, ".")
	alt := enc[:len(enc)-1] + string(enc[len(enc)-1]+1) + "." + tag
	for _, seed := range []string{
		odd, alt,
		mediaID("default", msg), mediaID("shop", msg), mediaID("default", "true_120363028461234567@g.us_3EB0X"),
		"", ".", "..", "a.b", "bm90aGluZw.AAAAAAAAAAAAAAAA", mediaID("default", msg) + ".once", "%00.%00", "ZmFsc2Vf.====",
	} {
		f.Add("default", seed)
	}
	f.Fuzz(func(t *testing.T, session, id string) {
		got, err := parseMediaID(session, id)
		if err != nil {
			return
		}
		if again := mediaID(session, got); again != id {
			t.Fatalf("parseMediaID(%q, %q) = %q, whose media id is %q", session, id, got, again)
		}
	})
}

// FuzzOnWhatsAppCDN: whatever URL a received media carries, one the
// bridge lets whatsmeow download from is a request to an https host on
// whatsapp.net, as net/http (which whatsmeow uses) reads it.
func FuzzOnWhatsAppCDN(f *testing.F) {
	for _, seed := range []string{
		"https://mmg.whatsapp.net/v/t62.7118-24/x.enc?ccb=11-4&mms3=true", "https://whatsapp.net/", "http://mmg.whatsapp.net/x",
		"https://mmg.whatsapp.net.example.com/", "https://user@mmg.whatsapp.net/", "https://mmg.whatsapp.net:8443/",
		"https://mmg.whatsapp.net\\@evil.example/", "https://[::1]/", "HTTPS://MMG.WHATSAPP.NET/x", "https://mmg.whatsapp.net#@evil/",
		"https://%6d%6dg.whatsapp.net/", "https://mmg.whatsapp.net%2F@evil.example/",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if !onWhatsAppCDN(raw) {
			return
		}
		req, err := http.NewRequest(http.MethodGet, raw, nil)
		if err != nil {
			return // whatsmeow could not ask for it either
		}
		host := strings.ToLower(req.URL.Hostname())
		if req.URL.Scheme != "https" || req.URL.User != nil || (host != "whatsapp.net" && !strings.HasSuffix(host, ".whatsapp.net")) {
			t.Fatalf("%q accepted; a request to %q", raw, req.URL.Host)
		}
	})
}
