package fetch_test

import (
	"net/netip"
	"net/url"
	"testing"

	"github.com/wabridge/wabridge/internal/fetch"
)

// FuzzCheckURL: whatever CheckURL accepts is http(s) without credentials,
// and a host that is an address literal is a public one.
func FuzzCheckURL(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1/", "http://[::1]:80/", "http://169.254.169.254/", "https://example.com/x",
		"http://[::ffff:7f00:1]/", "http://0x7f.1/", "http://2130706433/", "http://[fe80::1%25lo]/",
		"HTTP://10.0.0.1", "http://user@host/", "http://%31%32%37.0.0.1/", "http://127.0.0.1.nip.io/",
		"//127.0.0.1/", "http:\\\\127.0.0.1", "http://[::]/", "http://0/",
	} {
		f.Add(s)
	}
	fe, err := fetch.New(fetch.Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := fe.CheckURL(raw)
		if err != nil {
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.User != nil || u.Hostname() == "" {
			t.Fatalf("accepted %q: %+v", raw, u)
		}
		// What the client will dial is the host of the re-serialised URL.
		again, err := url.Parse(u.String())
		if err != nil {
			t.Fatalf("accepted %q does not parse again: %v", raw, err)
		}
		for _, h := range []string{u.Hostname(), again.Hostname()} {
			if ip, err := netip.ParseAddr(h); err == nil {
				if !ip.IsGlobalUnicast() || ip.Unmap().IsPrivate() || ip.Unmap().IsLoopback() {
					t.Fatalf("accepted %q with address %s", raw, ip)
				}
			}
		}
	})
}
