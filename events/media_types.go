package events

import "slices"

// The media kinds of message.received, .sent and .history: each sets
// MessageReceived.Media (and Caption where WhatsApp has one). A voice note
// is an audio with Media.PTT, a round video note a video with
// Media.VideoNote, so a consumer that only plays media switches on five
// types, and the media fetcher's --media-download names the same five.
const (
	KindImage    = "image"
	KindVideo    = "video"
	KindAudio    = "audio"
	KindDocument = "document"
	KindSticker  = "sticker"
)

// MediaKinds are the types that carry Media, in the order the README and
// --media-download list them.
func MediaKinds() []string {
	return []string{KindImage, KindVideo, KindAudio, KindDocument, KindSticker}
}

// MediaBucket is the JetStream object store bucket that received media is
// stored in (and that REST uploads go to): Media.Object names it.
const MediaBucket = "WA_MEDIA"

// MediaURLPrefix is where the REST adapter serves a stored media: the
// media's URL is MediaURLPrefix + its id.
const MediaURLPrefix = "/media/"

// Media references the content of a media message (CONTRACT §7); the bytes
// never ride in the event. ID is deterministic from the session and the
// message, so a redelivered or re-synced message names the same object;
// the media fetcher stores the content under it once it has downloaded it.
type Media struct {
	ID       string `json:"id"`
	URL      string `json:"url"`    // "/media/<id>", served by the REST adapter
	Object   string `json:"object"` // "nats-object://WA_MEDIA/<id>"
	Mimetype string `json:"mimetype,omitempty"`
	Size     uint64 `json:"size,omitempty"` // bytes of the plaintext, as the sender declared them
	// SHA256 is the plaintext's SHA-256 in lower-case hex, as the sender
	// declared it (WhatsApp's FileSHA256); the download verifies it.
	SHA256   string `json:"sha256,omitempty"`
	Filename string `json:"filename,omitempty"` // documents
	Width    uint32 `json:"width,omitempty"`    // images, videos, stickers
	Height   uint32 `json:"height,omitempty"`
	Seconds  uint32 `json:"seconds,omitempty"` // audio and video duration
	PTT      bool   `json:"ptt,omitempty"`     // a voice note (audio)
	// VideoNote marks a round video note (WhatsApp's PTV message), GIF a
	// video shown as a looping GIF, Animated an animated sticker.
	VideoNote bool `json:"video_note,omitempty"`
	GIF       bool `json:"gif,omitempty"`
	Animated  bool `json:"animated,omitempty"`
	// PageCount is a document's number of pages, when the sender said.
	PageCount uint32 `json:"page_count,omitempty"`
}

// MediaObject is the object store reference of the media id: what a NATS
// consumer reads with `nats object get WA_MEDIA <id>`.
func MediaObject(id string) string { return "nats-object://" + MediaBucket + "/" + id }

// IsMediaKind reports whether typ is one of MediaKinds.
func IsMediaKind(typ string) bool {
	return slices.Contains(MediaKinds(), typ)
}
