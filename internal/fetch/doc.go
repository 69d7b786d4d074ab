// Package fetch is the one guarded HTTP client through which the bridge
// fetches what callers name by URL (link previews, media by url). It refuses
// loopback, private, link-local and other non-public addresses unless the
// configuration allows them, re-checks every redirect, and checks the
// address it actually dials (resolved once, dialled by IP), so a name that
// resolves to a public address for the check and to 127.0.0.1 for the
// connection (DNS rebinding) cannot reach inside. Errors are werr's
// URL_NOT_ALLOWED (400) and FETCH_FAILED (502, transient).
//
// It imports only internal packages.
package fetch
