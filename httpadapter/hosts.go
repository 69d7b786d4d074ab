package httpadapter

import (
	"net"
	"strings"
)

// hostPolicy decides which Host headers the API answers (DNS rebinding
// defence, see guard).
type hostPolicy struct {
	names map[string]bool // configured names, normalised by hostname
	// any: the listener is not on loopback and no names are configured.
	// Such a listener needs credentials (main refuses to start otherwise,
	// unless told --insecure), and those protect it: a rebinding page cannot
	// make the browser send credentials for the real server's name.
	any bool
}

func newHostPolicy(listenAddr string, allowed []string) hostPolicy {
	p := hostPolicy{names: make(map[string]bool, len(allowed))}
	for _, n := range allowed {
		p.names[hostname(n)] = true
	}
	p.any = len(allowed) == 0 && !loopbackAddr(listenAddr)
	return p
}

func (p hostPolicy) allowed(host string) bool {
	if p.any {
		return true
	}
	name := hostname(host)
	return isLoopbackName(name) || p.names[name]
}

func (p hostPolicy) configured(name string) bool { return p.names[name] }

// loopbackAddr reports whether a listen address (host:port) binds loopback
// only. An empty address counts as loopback: the strict policy is the
// default until the caller says where it listens.
func loopbackAddr(addr string) bool {
	if addr == "" {
		return true
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	if host == "" {
		return false // ":3000" listens on every interface
	}
	return isLoopbackName(hostname(host))
}

// isLoopbackName: "localhost", 127.0.0.0/8 and ::1 (as IPv4-mapped too).
func isLoopbackName(name string) bool {
	if strings.EqualFold(name, "localhost") {
		return true
	}
	ip := net.ParseIP(name)
	return ip != nil && ip.IsLoopback()
}
