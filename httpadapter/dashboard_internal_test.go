package httpadapter

import (
	"strings"
	"testing"
	"testing/fstest"
)

// TestLoadDashboard: every embedded file gets its content type, and a file
// the server could not type (or a missing page) fails loudly instead of
// being served as something else.
func TestLoadDashboard(t *testing.T) {
	page := &fstest.MapFile{Data: []byte("<!DOCTYPE html>")}
	for _, tt := range []struct {
		name    string
		files   fstest.MapFS
		wantErr string
	}{
		{"complete", fstest.MapFS{"dashboard/index.html": page, "dashboard/a.js": {Data: []byte("1")}, "dashboard/a.css": {}}, ""},
		{"unknown kind", fstest.MapFS{"dashboard/index.html": page, "dashboard/logo.svg": {}}, "no content type for logo.svg"},
		{"no page", fstest.MapFS{"dashboard/a.js": {}}, "index.html missing"},
		{"directory", fstest.MapFS{"dashboard/index.html": page, "dashboard/sub/a.js": {}}, "unexpected directory sub"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assets, err := loadDashboard(tt.files)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := assets["a.js"].ctype; got != "text/javascript; charset=utf-8" {
				t.Errorf("a.js: %q", got)
			}
			if assets["a.js"].etag == assets["a.css"].etag {
				t.Errorf("different files share the ETag %s", assets["a.js"].etag)
			}
		})
	}
	for name, a := range dashboardAssets {
		if len(a.body) == 0 || a.ctype == "" {
			t.Errorf("embedded %s: %d bytes, type %q", name, len(a.body), a.ctype)
		}
	}
	if len(dashboardAssets) != 3 {
		t.Errorf("embedded files %d, want the page, its script and its style sheet", len(dashboardAssets))
	}
}
