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
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}
