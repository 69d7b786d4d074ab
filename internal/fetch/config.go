package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Resolver resolves host names; *net.Resolver is one. Tests give their own
// to prove that a name resolving to an internal address is refused without
// asking any DNS server.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

var _ Resolver = (*net.Resolver)(nil)

// Config is what a Fetcher needs. The zero value fetches public addresses
// only, with the defaults below.
type Config struct {
	// Allow lists what may be fetched although it is not public: CIDRs
	// ("10.1.0.0/16", "127.0.0.1/32") and host names ("wiki.intranet",
	// matched exactly, case-insensitively). The --fetch-allow option.
	Allow []string
	// Resolver resolves host names once per connection; the connection
	// goes to the address that was checked. Default net.DefaultResolver.
	Resolver Resolver
	// Timeout bounds one fetch from the first dial to the last body byte.
	// Default 10 s.
	Timeout time.Duration
	// DialTimeout bounds one connection attempt. Default 5 s.
	DialTimeout time.Duration
	// MaxRedirects is how many redirects a fetch follows. Default 5.
	MaxRedirects int
	// MaxBytes bounds a body when the request names no smaller bound.
	// Default 16 MiB.
	MaxBytes int64
	// UserAgent is sent with every request. Default "wabridge".
	UserAgent string
}

func (c *Config) setDefaults() {
	if c.Resolver == nil {
		c.Resolver = net.DefaultResolver
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	if c.DialTimeout <= 0 {
		c.DialTimeout = 5 * time.Second
	}
	if c.MaxRedirects <= 0 {
		c.MaxRedirects = 5
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = 16 << 20
	}
	if c.UserAgent == "" {
		c.UserAgent = "wabridge"
	}
}

// Validate reports every entry of Allow that is neither a CIDR nor a host
// name.
func (c Config) Validate() error {
	_, err := parseAllow(c.Allow)
	return err
}

// allowList is Config.Allow parsed.
type allowList struct {
	nets  []netip.Prefix
	hosts map[string]bool
}

func parseAllow(entries []string) (allowList, error) {
	a := allowList{hosts: map[string]bool{}}
	var errs []error
	for _, e := range entries {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
		case strings.Contains(e, "/"):
			p, err := netip.ParsePrefix(e)
			if err != nil {
				errs = append(errs, fmt.Errorf("fetch: allow entry %q is no CIDR: %w", e, err))
				continue
			}
			a.nets = append(a.nets, p.Masked())
		default:
			if ip, err := netip.ParseAddr(e); err == nil {
				a.nets = append(a.nets, netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()))
				continue
			}
			if !validHostName(e) {
				errs = append(errs, fmt.Errorf("fetch: allow entry %q is neither a CIDR, an address nor a host name", e))
				continue
			}
			a.hosts[strings.ToLower(strings.TrimSuffix(e, "."))] = true
		}
	}
	return a, errors.Join(errs...)
}

func validHostName(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return false
			}
		}
	}
	return true
}

// host reports whether the host name h is allowed by name.
func (a allowList) host(h string) bool {
	return a.hosts[strings.ToLower(strings.TrimSuffix(h, "."))]
}

// addr reports whether ip may be dialled: public, or inside an allowed CIDR.
func (a allowList) addr(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range a.nets {
		if ip.Zone() == "" && p.Contains(ip) {
			return true
		}
	}
	return public(ip)
}
