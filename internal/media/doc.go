// Package media prepares content for WhatsApp: it spools inputs to temporary
// files (hashing and sniffing while copying, so media is never held whole in
// memory twice), decodes data: URLs as a stream, enforces the per-kind size
// limits, and turns images, video, audio, documents and stickers into what
// WhatsApp's clients expect (JPEG thumbnails, dimensions, durations, 512×512
// WebP stickers, OGG/Opus voice notes with a waveform).
//
// Everything here reads untrusted input: content that is not what its kind says
// is UNSUPPORTED_MEDIA, too much of it MEDIA_TOO_LARGE, a malformed data: URL
// INVALID_PAYLOAD. Conversions that need the ffmpeg binary are refused with
// NOT_SUPPORTED when it is not installed, never skipped silently.
//
// media may import the standard library, internal/werr and the image, MIME and
// WebP libraries it is built on; it knows nothing of NATS, WhatsApp's protocol
// or whatsmeow.
package media
