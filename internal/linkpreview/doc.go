// Package linkpreview builds the preview WhatsApp shows under a link: the
// page's title and description (internal/opengraph) and a small JPEG
// thumbnail of its image, everything fetched through the guarded fetcher
// (internal/fetch), bounded in bytes, pixels and time.
//
// It imports only internal packages and the standard library's image codecs.
package linkpreview
