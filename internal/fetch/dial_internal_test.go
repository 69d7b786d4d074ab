package fetch

import (
	"errors"
	"testing"
)

// The Control hook sees the address the socket connects to; it is the last
// check, whatever resolved the name.
func TestControlChecksDialledAddress(t *testing.T) {
	allow, err := parseAllow([]string{"192.168.7.0/24"})
	if err != nil {
		t.Fatal(err)
	}
	d := newDialer(Config{}, allow)
	for _, addr := range []string{"127.0.0.1:80", "169.254.169.254:80", "[::1]:443", "10.0.0.1:80", "[::ffff:127.0.0.1]:80"} {
		var na *notAllowedError
		if err := d.control("tcp", addr, nil); !errors.As(err, &na) {
			t.Errorf("control(%s) = %v, want refused", addr, err)
		}
	}
	for _, addr := range []string{"93.184.216.34:443", "192.168.7.9:80", "[2606:4700::1]:443"} {
		if err := d.control("tcp", addr, nil); err != nil {
			t.Errorf("control(%s) = %v, want allowed", addr, err)
		}
	}
}
