package webhooks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wabridge/wabridge/webhooks"
)

// A password in the webhook's URL (basic auth at the receiver) is a secret
// like the signing one: GET /webhooks shows the URL without it, while
// deliveries still carry it.
func TestViewsHideTheURLsPassword(t *testing.T) {
	e := newEnv(t)
	auth := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ := r.BasicAuth()
		auth <- user + ":" + pass
	}))
	t.Cleanup(srv.Close)
	u := strings.Replace(srv.URL, "http://", "http://n8n:s3cr3t-pass@", 1) + "/hook?x=1"
	c := e.create(webhooks.Definition{URL: u})
	ctx := context.Background()
	v, err := e.svc.Get(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.List(ctx)
	if err != nil || len(list) != 1 {
		t.Fatal(list, err)
	}
	for _, shown := range []string{v.URL, list[0].URL} {
		if strings.Contains(shown, "s3cr3t-pass") || !strings.Contains(shown, "n8n:") || !strings.HasSuffix(shown, "/hook?x=1") {
			t.Errorf("shown URL %q", shown)
		}
	}
	e.publish(1)
	if got := <-auth; got != "n8n:s3cr3t-pass" {
		t.Fatalf("the delivery's basic auth is %q", got)
	}
}
