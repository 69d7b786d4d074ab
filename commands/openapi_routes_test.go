package commands_test

import "testing"

// TestOpenAPILoginPage: app.login documents the HTML page browsers get
// besides the JSON result.
func TestOpenAPILoginPage(t *testing.T) {
	doc, _ := openAPIDoc(t)
	ok := member(t, doc, "paths", "/app/login", "get", "responses", "200", "content")
	for _, ct := range []string{"application/json", "text/html"} {
		if ok[ct] == nil {
			t.Errorf("app.login's 200 has no %s content: %v", ct, sortedMapKeys(ok))
		}
	}
}
