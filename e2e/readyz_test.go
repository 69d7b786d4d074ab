package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestReadyzTellsStateNotIdentity: /readyz answers without credentials (for
// probes), so its details say whether each session is logged in and
// connected, never whose account it is.
func TestReadyzTellsStateNotIdentity(t *testing.T) {
	t.Parallel()
	b := sharedBridge(t, "readyz")
	b.login(b.session)
	status, env := b.do("GET", "/app/devices", nil, map[string]string{"X-Session": b.session})
	if status != http.StatusOK {
		t.Fatalf("GET /app/devices: %d %s", status, env.Code)
	}
	var devices []struct {
		JID string `json:"jid"`
	}
	mustJSON(t, env.Data, &devices)
	if len(devices) != 1 || devices[0].JID == "" {
		t.Fatalf("devices %s", env.Data)
	}
	user, _, _ := strings.Cut(devices[0].JID, "@")
	user, _, _ = strings.Cut(user, ":")

	resp, err := http.Get(b.httpURL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %d %s", resp.StatusCode, raw)
	}
	if strings.Contains(string(raw), user) {
		t.Fatalf("/readyz shows the account's number %s: %s", user, raw)
	}
	var body struct {
		Data struct {
			Sessions struct {
				Details map[string]struct {
					LoggedIn bool `json:"logged_in"`
				} `json:"details"`
			} `json:"sessions"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	if !body.Data.Sessions.Details[b.session].LoggedIn {
		t.Fatalf("/readyz does not say session %s is logged in: %s", b.session, raw)
	}
}
