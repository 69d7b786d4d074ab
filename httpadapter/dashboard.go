package httpadapter

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// The dashboard (CONTRACT §11) is a static page, one script and one style
// sheet, embedded so the binary needs nothing beside it. Everything it shows
// comes from the REST API the page calls with the visitor's credentials; the
// files themselves hold no data.
const (
	pathDashboard  = "/dashboard"
	dashboardIndex = "index.html"
)

// dashboardCSP lets the page load its own script and style sheet, call this
// server, and show QR codes as data: images; nothing inline, nothing from
// elsewhere, no framing.
const dashboardCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
	"img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

//go:embed dashboard
var dashboardFiles embed.FS

// dashboardTypes are the content types of the kinds of file the dashboard
// ships; a file of another kind is a build mistake that loadDashboard
// reports.
var dashboardTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
}

type dashboardAsset struct {
	body  []byte
	ctype string
	etag  string
}

// dashboardAssets are the embedded files by name, read once: the map is
// also the whole list of what /dashboard/* serves, so no request path can
// reach anything else.
var dashboardAssets = mustLoadDashboard(dashboardFiles)

func mustLoadDashboard(fsys fs.FS) map[string]dashboardAsset {
	assets, err := loadDashboard(fsys)
	if err != nil {
		panic(err) // the embedded files are fixed at build time
	}
	return assets
}

func loadDashboard(fsys fs.FS) (map[string]dashboardAsset, error) {
	sub, err := fs.Sub(fsys, "dashboard")
	if err != nil {
		return nil, fmt.Errorf("dashboard assets: %w", err)
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return nil, fmt.Errorf("dashboard assets: %w", err)
	}
	assets := make(map[string]dashboardAsset, len(entries))
	for _, e := range entries {
		if e.IsDir() {
			return nil, fmt.Errorf("dashboard assets: unexpected directory %s", e.Name())
		}
		ctype, ok := dashboardTypes[path.Ext(e.Name())]
		if !ok {
			return nil, fmt.Errorf("dashboard assets: no content type for %s", e.Name())
		}
		body, err := fs.ReadFile(sub, e.Name())
		if err != nil {
			return nil, fmt.Errorf("dashboard assets: %w", err)
		}
		sum := sha256.Sum256(body)
		assets[e.Name()] = dashboardAsset{body: body, ctype: ctype, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
	}
	if _, ok := assets[dashboardIndex]; !ok {
		return nil, fmt.Errorf("dashboard assets: %s missing", dashboardIndex)
	}
	return assets, nil
}

// dashboardRoutes serve the page and its files. They are registered outside
// the authenticated group: a browser cannot send a bearer token when it
// navigates or loads a script, so the files are public and the page asks
// for the token. The page itself still answers 401 to a visitor without
// credentials (with its challenge, so browsers prompt for basic auth); a
// browser gets the page as that 401's body, to enter a token in.
type dashboardRoutes struct {
	auth *authenticator // nil when REST takes no credentials
}

func newDashboard(a Auth) dashboardRoutes {
	if !a.Enabled() {
		return dashboardRoutes{}
	}
	return dashboardRoutes{auth: newAuthenticator(a)}
}

func (d dashboardRoutes) register(g gin.IRoutes) {
	g.GET(pathDashboard, d.page)
	g.GET(pathDashboard+"/*file", d.asset)
}

func (d dashboardRoutes) page(c *gin.Context) {
	status := http.StatusOK
	if d.auth != nil {
		if _, ok := d.auth.check(c.Request); !ok {
			if !prefersHTML(c.GetHeader("Accept")) {
				d.auth.middleware(c) // answers the usual 401 envelope
				return
			}
			for _, ch := range d.auth.challenge {
				c.Writer.Header().Add("WWW-Authenticate", ch)
			}
			status = http.StatusUnauthorized
		}
	}
	serveDashboardAsset(c, status, dashboardAssets[dashboardIndex])
}

func (d dashboardRoutes) asset(c *gin.Context) {
	name := strings.TrimPrefix(c.Param("file"), "/")
	if name == "" {
		// The page's links are relative to /dashboard; under /dashboard/
		// they would miss. The Location stays relative (http.Redirect
		// would make it absolute) so it holds behind a prefixing proxy.
		c.Header("Location", "../dashboard")
		c.Status(http.StatusMovedPermanently)
		c.Abort()
		return
	}
	a, ok := dashboardAssets[name]
	if !ok || name == dashboardIndex {
		notFound(c)
		return
	}
	serveDashboardAsset(c, http.StatusOK, a)
}

// serveDashboardAsset answers with a file; no-cache with an ETag makes a
// browser check on every load, so an upgraded binary's page is never mixed
// with an old script.
func serveDashboardAsset(c *gin.Context, status int, a dashboardAsset) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", dashboardCSP)
	h.Set("Cache-Control", "no-cache")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("ETag", a.etag)
	if status == http.StatusOK && c.GetHeader("If-None-Match") == a.etag {
		c.Status(http.StatusNotModified)
		c.Abort()
		return
	}
	c.Data(status, a.ctype, a.body)
	c.Abort()
}
