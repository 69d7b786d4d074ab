package fetch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// dialer resolves a host once, refuses it when any of its addresses is not
// allowed, and dials the checked address itself, so the connection cannot
// go to an address that a second resolution (DNS rebinding) would give.
// Its Control hook checks the socket's address once more, right before the
// connect: what is dialled is what was checked.
type dialer struct {
	allow    allowList
	resolver Resolver
	net      net.Dialer
}

func newDialer(cfg Config, allow allowList) *dialer {
	d := &dialer{allow: allow, resolver: cfg.Resolver}
	d.net = net.Dialer{Timeout: cfg.DialTimeout, Control: d.control}
	return d
}

// DialContext is http.Transport's DialContext.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("splitting dial address %q: %w", address, err)
	}
	addrs, err := d.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	dial := &d.net
	if d.allow.host(host) {
		// Allowed by name (an intranet host): whatever it resolves to.
		dial = &net.Dialer{Timeout: d.net.Timeout}
	} else if err := d.check(host, addrs); err != nil {
		return nil, err
	}
	var lastErr error
	for _, a := range addrs {
		conn, err := dial.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// lookup resolves host once (an address literal is itself).
func (d *dialer) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	addrs, err := d.resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return nil, fmt.Errorf("resolving %s: %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("resolving %s: no addresses", host)
	}
	return addrs, nil
}

// check refuses host when any of its addresses is not allowed: which
// address a connection takes is not ours to pick.
func (d *dialer) check(host string, addrs []netip.Addr) error {
	for _, a := range addrs {
		if !d.allow.addr(a) {
			return addrNotAllowed(host, a)
		}
	}
	return nil
}

// control runs on the socket right before connect(2) with the address it
// connects to.
func (d *dialer) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("parsing dialled address %q: %w", address, err)
	}
	if !d.allow.addr(ap.Addr()) {
		return addrNotAllowed(ap.Addr().String(), ap.Addr())
	}
	return nil
}

// notAllowedError is a refused address or redirect; Fetch turns it into
// URL_NOT_ALLOWED.
type notAllowedError struct{ msg string }

func (e *notAllowedError) Error() string { return e.msg }

func addrNotAllowed(host string, addr netip.Addr) *notAllowedError {
	if addr.String() != host {
		return &notAllowedError{msg: fmt.Sprintf("%s (%s) is not a public address", host, addr)}
	}
	return &notAllowedError{msg: fmt.Sprintf("%s is not a public address", host)}
}
