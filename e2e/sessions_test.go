package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSessionsPairingLogoutAndEvents runs two sessions in one process: one
// (pairing) links by pairing code, the other (scan) by a scan without a prior
// GET /app/login; logging out ends a session and leaves the other alone;
// every step is a session.* event on WA_EVENTS.
func TestSessionsPairingLogoutAndEvents(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "scan")
	sales := map[string]string{"X-Session": "pairing"}

	status, env := b.do("GET", "/app/login-with-code?phone=4917612345678", nil, sales)
	if status != http.StatusOK {
		t.Fatalf("login-with-code: %d %s %s", status, env.Code, env.Message)
	}
	var pc struct {
		PairCode string `json:"pair_code"`
	}
	mustJSON(t, env.Data, &pc)
	if !regexp.MustCompile(`^[A-Z0-9]{4}-[A-Z0-9]{4}$`).MatchString(pc.PairCode) {
		t.Fatalf("pair_code %q", pc.PairCode)
	}
	status, env = b.do("GET", "/app/login-with-code?phone=12", nil, sales)
	if status != http.StatusBadRequest {
		t.Fatalf("bad phone for pairing: %d %s", status, env.Code)
	}
	if status, env = b.do("POST", "/sandbox/scan", map[string]string{}, sales); status != http.StatusOK {
		t.Fatalf("scan sales: %d %s %s", status, env.Code, env.Message)
	}
	b.waitLoggedIn("pairing")
	_, env = b.do("GET", "/app/devices", nil, sales)
	if !strings.Contains(string(env.Data), "4917612345678") {
		t.Fatalf("sales device is not the paired number: %s", env.Data)
	}

	// scan: a scan alone starts and completes the login.
	if status, env = b.do("POST", "/sandbox/scan", map[string]string{}, nil); status != http.StatusOK {
		t.Fatalf("scan default: %d %s %s", status, env.Code, env.Message)
	}
	b.waitLoggedIn(b.session)
	if status, env = b.do("GET", "/app/login", nil, nil); status != http.StatusConflict || env.Code != "ALREADY_LOGGED_IN" {
		t.Fatalf("login when logged in: %d %s", status, env.Code)
	}

	if status, env = b.do("POST", "/app/logout", nil, nil); status != http.StatusOK {
		t.Fatalf("logout: %d %s %s", status, env.Code, env.Message)
	}
	status, env = b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "x"}, nil)
	if status != http.StatusUnauthorized || env.Code != "NOT_LOGGED_IN" {
		t.Fatalf("send after logout: %d %s", status, env.Code)
	}
	// Reconnecting keeps the login.
	if status, env = b.do("POST", "/app/reconnect", nil, sales); status != http.StatusOK {
		t.Fatalf("reconnect: %d %s %s", status, env.Code, env.Message)
	}
	b.waitLoggedIn("pairing")
	// pairing is unaffected by scan's logout.
	if status, env = b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "from sales"}, sales); status != http.StatusOK {
		t.Fatalf("send from sales: %d %s %s", status, env.Code, env.Message)
	}

	// A browser gets the QR as an HTML page.
	req, _ := http.NewRequest("GET", b.httpURL+"/app/login", nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	req.Header.Set("X-Session", b.session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(page), "data:image/png;base64,") {
		t.Fatalf("HTML login page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	nc := b.nats()
	want := map[string]int{
		"wa.pairing.evt._.session.paired":    1,
		"wa.pairing.evt._.session.connected": 1,
		"wa.scan.evt._.session.paired":       1,
		"wa.scan.evt._.session.logged_out":   1,
		"wa.scan.evt._.session.qr":           1,
	}
	for subject, n := range want {
		msgs := streamEvents(t, nc, subject, n, 10*time.Second)
		if len(msgs) < n {
			t.Errorf("%s: %d events, want at least %d", subject, len(msgs), n)
			continue
		}
		// streamEvents checked each against its schema and that its
		// subject is wa.<session>.evt._.<event>; the filter is that subject.
		ce := msgs[0].ce
		var st struct {
			State string `json:"state"`
		}
		if err := json.Unmarshal(ce.Data(), &st); err != nil || st.State == "" || !strings.HasSuffix(subject, "."+st.State) {
			t.Errorf("%s: data %s", subject, ce.Data())
		}
	}
}

func TestCleanShutdownExitsZero(t *testing.T) {
	t.Parallel()
	b := startBridge(t, bridgeOpts{})
	b.login("default")
	if status, env := b.do("POST", "/send/message", map[string]any{"phone": "4917612345678", "message": "bye"}, nil); status != 200 {
		t.Fatalf("send: %d %s", status, env.Code)
	}
	if err := b.stop(); err != nil {
		t.Fatalf("SIGTERM: exit %v\n%s", err, b.out.String())
	}
	if !strings.Contains(b.out.String(), "shutting down") {
		t.Fatalf("no shutdown in the log")
	}
}

// TestFreshStartShowsQRInTerminal: `wabridge serve` with no linked device
// draws a QR code in the terminal by itself, and GET /app/login answers the
// same login's code.
func TestFreshStartShowsQRInTerminal(t *testing.T) {
	t.Parallel()
	b := startBridge(t, bridgeOpts{extra: []string{"--qr-terminal=true"}})
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(b.out.String(), "scan the QR code above") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	out := b.out.String()
	if !strings.Contains(out, "█") && !strings.Contains(out, "▀") {
		t.Fatalf("no QR code drawn in the terminal")
	}
	_, env := b.do("GET", "/app/login", nil, nil)
	var qr struct {
		QRCode string `json:"qr_code"`
	}
	mustJSON(t, env.Data, &qr)
	if qr.QRCode == "" {
		t.Fatalf("GET /app/login: %s", env.Data)
	}
}

// TestOpenAPIDescribesTheRunningRoutes: the served document names every
// REST route this binary answers.
func TestOpenAPIDescribesTheRunningRoutes(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "openapi")
	resp, err := http.Get(b.httpURL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /openapi.json: %d %v", resp.StatusCode, err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	for path, method := range map[string]string{
		"/send/message": "post", "/app/login": "get", "/app/login-with-code": "get",
		"/app/logout": "post", "/app/reconnect": "post", "/app/devices": "get",
		"/sandbox/inbound": "post", "/healthz": "get",
	} {
		if _, ok := doc.Paths[path][method]; !ok {
			t.Errorf("%s %s is not described", method, path)
		}
	}
}
