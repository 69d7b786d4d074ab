package httpadapter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// loginRoute is the command whose GET answers browsers with an HTML page.
const loginRoute = "app.login"

// loginCSP is the login page's Content-Security-Policy.
const loginCSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// loginResult is the part of app.login's result the page shows.
type loginResult struct {
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Data    struct {
		QRLink     string `json:"qr_link"`
		QRDuration int    `json:"qr_duration"`
		ExpiresAt  string `json:"expires_at"`
	} `json:"data"`
}

type loginPage struct {
	Status  int
	Code    string
	Message string
	Image   template.URL // only ever a data:image/png URL, checked before
	Expires string
	Refresh int // seconds until the page reloads for a fresh code
}

var loginTemplate = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>wabridge login</title>
{{if .Refresh}}<meta http-equiv="refresh" content="{{.Refresh}}">{{end}}
<style>body{font-family:sans-serif;text-align:center;margin:2em}img{width:256px;height:256px;image-rendering:pixelated}</style>
</head><body>
{{if .Image}}<h1>Link WhatsApp</h1>
<p>WhatsApp → Settings → Linked devices → Link a device, then scan:</p>
<img src="{{.Image}}" alt="WhatsApp login QR code">
{{if .Expires}}<p>This code expires at {{.Expires}}; the page reloads with a new one.</p>{{end}}
{{else}}<h1>{{.Status}} {{.Code}}</h1>
<p>{{.Message}}</p>{{end}}
</body></html>
`))

// renderLogin answers app.login in HTML when the caller prefers it (a
// browser), and with the JSON result as is otherwise.
func renderLogin(c *gin.Context, data []byte) error {
	if !prefersHTML(c.GetHeader("Accept")) {
		return writeRaw(c, data)
	}
	var res loginResult
	if err := json.Unmarshal(data, &res); err != nil || res.Status < 100 || res.Status > 599 {
		return writeRaw(c, data) // writeRaw reports the malformed result
	}
	page := loginPageOf(res, time.Now())
	var buf bytes.Buffer
	if err := loginTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("rendering login page: %w", err)
	}
	c.Header("Cache-Control", "no-store") // a QR code is a short-lived credential
	// The page needs nothing but its inline style and the data: image; the
	// rest of a strict policy costs nothing and survives template mistakes.
	c.Header("Content-Security-Policy", loginCSP)
	c.Header("Referrer-Policy", "no-referrer")
	c.Data(res.Status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
	return nil
}

func loginPageOf(res loginResult, now time.Time) loginPage {
	page := loginPage{Status: res.Status, Code: res.Code, Message: res.Message}
	if res.Status != http.StatusOK {
		return page
	}
	if strings.HasPrefix(res.Data.QRLink, "data:image/png;base64,") {
		// html/template refuses data: URLs in src unless told they are safe;
		// this prefix is the only shape the login command produces.
		page.Image = template.URL(res.Data.QRLink) //nolint:gosec // prefix checked above
	}
	left := time.Duration(res.Data.QRDuration) * time.Second
	if exp, err := time.Parse(time.RFC3339, res.Data.ExpiresAt); err == nil {
		page.Expires = exp.UTC().Format("15:04:05 MST")
		left = exp.Sub(now)
	}
	if left > 0 {
		// Reload a little before expiry so the code shown is always valid.
		page.Refresh = max(1, int(left.Seconds())-2)
	}
	return page
}
