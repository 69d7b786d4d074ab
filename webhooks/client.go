package webhooks

import (
	"net"
	"net/http"
	"time"
)

// DefaultTimeout bounds one delivery attempt, from dialling to the last
// byte of the answer's headers.
const DefaultTimeout = 30 * time.Second

// NewClient returns the HTTP client deliveries use: one attempt never
// takes longer than timeout (DefaultTimeout when 0), redirects are not
// followed (a receiver that moved says so, it does not get events sent
// elsewhere), and connections are kept and reused between deliveries.
func NewClient(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   min(timeout, 10*time.Second),
		ResponseHeaderTimeout: timeout,
		// Every webhook's deliveries share the client: several webhooks of
		// up to MaxConcurrency each to one receiver (n8n) all keep their
		// connections instead of dialling again.
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 4 * MaxConcurrency,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
